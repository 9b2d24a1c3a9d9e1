s/0x[0-9a-f]{8}/0xSPISPI/g
s/(inBytes|outBytes)=[1-9][0-9]*/\1=N/g
s/ in=[0-9]+[KM]?B out=[0-9]+[KM]?B/ in=NB out=NB/
# a retransmit when UML is slow is no failure
/: retransmitting [A-Z_]+ request; will wait/d
# a second Child SA rekey (every 4 s) when UML is slow shifts the serials
s/#[0-9]+/#N/g
