# SPIs (ALLOCSPI picks them) and byte counters
s/0x[0-9a-f]{8}/0xSPISPI/g
s/esp\.[0-9a-f]+@/esp.SPISPI@/g
s/(inBytes|outBytes)=[1-9][0-9]*/\1=N/g
s/(ESPin|ESPout|in|out)=[1-9][0-9]*[KM]?B/\1=NB/g
# UML syscalls are slow: the responder may answer IKE_AUTH after our
# first retransmit (then it answers the duplicate from its saved response)
/retransmitting IKE_AUTH request; will wait/d
# the family's Child SAs are rekeyed in the order their timers (and a busy
# IKE SA's retries) allow: at `ipsec down` the members' new serials vary
s/^"family\/[12]x[12]" #[0-9]+: ESP traffic information: .*/"family\/LxR" #N: ESP traffic information: in=NB out=NB/
s/^("family\/[12]x[12]") #[0-9]+: (sent INFORMATIONAL request to delete Child SA)/\1 #N: \2/
