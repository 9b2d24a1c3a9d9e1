s/0x[0-9a-f]{8}/0xSPISPI/g
s/(inBytes|outBytes)=[1-9][0-9]*/\1=N/g
s/add_time=[0-9]+/add_time=TIME/g
/retransmitting .* request; will wait .* seconds for response/d
s/in=[0-9]+[KM]?B out=[0-9]+[KM]?B/in=NB out=NB/
s/^#[0-9]+: "bytes"/#N: "bytes"/
s/"bytes" #[0-9]+: ESP traffic/"bytes" #N: ESP traffic/
