# CKAIDs, key IDs and keys are new in every run
s/[0-9a-f]{40}/<CKAID>/g
s/(keyid: |# rsakey |# ecdsakey )[A-Za-z0-9+\/]{9}/\1<KEYID>/g
s/0s[A-Za-z0-9+\/]+=*/0s<KEY>/g
# serial numbers and the CRL's times
s/serial [0-9]+/serial N/g
s/^(updates: this|         next) .*/\1 TIME/
# SPIs (ALLOCSPI picks them) and byte counters
s/0x[0-9a-f]{8}/0xSPISPI/g
s/(inBytes|outBytes)=[1-9][0-9]*/\1=N/g
s/(ESPin|ESPout|in|out)=[1-9][0-9]*[KM]?B/\1=NB/g
# UML is slow and an RSA signature takes a while there
/retransmitting IKE_AUTH request; will wait/d
