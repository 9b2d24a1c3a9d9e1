# SPIs (ALLOCSPI picks them)
s/0x[0-9a-f]{8}/0xSPISPI/g
# which end's new SA survives a collision depends on the nonces: serials vary
s/#[0-9]+/#N/g
