# SPIs (ALLOCSPI picks them) and byte counters
s/0x[0-9a-f]{8}/0xSPISPI/g
s/esp\.[0-9a-f]+@/esp.SPISPI@/g
s/(inBytes|outBytes)=[1-9][0-9]*/\1=N/g
s/(ESPin|ESPout|in|out)=[1-9][0-9]*[KM]?B/\1=NB/g
# UML syscalls are slow: the responder may answer IKE_AUTH after our
# first retransmit (then it answers the duplicate from its saved response)
/retransmitting IKE_AUTH request; will wait/d
