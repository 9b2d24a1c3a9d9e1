s/0x[0-9a-f]{8}/0xSPISPI/g
s/esp\.[0-9a-f]+@/esp.SPI@/g
s/(inBytes|outBytes)=[1-9][0-9]*/\1=N/g
s/(ESPin|ESPout)=[1-9][0-9]*[KM]?B/\1=NB/g
s/add_time=[0-9]+/add_time=TIME/g
# the first ESP-in-UDP install in a fresh guest may take longer than the
# first IKE_AUTH retransmit (0.5 s): whether it shows is timing
/retransmitting IKE_AUTH request; will wait/d
# how many pings the waits took
s/in=[0-9]+[KM]?B out=[0-9]+[KM]?B/in=NB out=NB/
