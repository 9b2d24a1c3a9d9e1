# SPIs (ALLOCSPI picks them)
s/0x[0-9a-f]{8}/0xSPISPI/g
# which end's new SA survives a collision depends on the nonces: serials vary
s/#[0-9]+/#N/g
s/(in|out)=[1-9][0-9]*[KM]?B/\1=NB/g
# a busy UML host can be slower than the 2 s retransmit-interval
/retransmitting IKE_AUTH request; will wait/d
