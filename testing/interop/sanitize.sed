# interop transcripts: SPIs, byte counters, times (lib.sh does pids/paths)
s/0x[0-9a-f]{8}/0xSPISPI/g
s/esp\.[0-9a-f]+@/esp.SPISPI@/g
s/(inBytes|outBytes)=[1-9][0-9]*/\1=N/g
s/(ESPin|ESPout|in|out)=[1-9][0-9]*B/\1=NB/g
s/add_time=[0-9]+/add_time=TIME/g
# a retransmit happens when the peer (one virtual CPU in UML) is slower than
# the first 0.5 s timeout; the exchange still completes on the next line
/: retransmitting [A-Z_]+ request; will wait [0-9.]+ seconds for response$/d
/: received duplicate [A-Z_]+ request; retransmitting the response$/d
