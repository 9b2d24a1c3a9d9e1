s/0x[0-9a-f]{8}/0xSPISPI/g
s/(inBytes|outBytes)=[1-9][0-9]*/\1=N/g
s/add_time=[0-9]+/add_time=TIME/g
s/^#[0-9]+: "dpd", type=ESP/#N: "dpd", type=ESP/
