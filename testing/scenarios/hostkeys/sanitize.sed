# CKAIDs, key IDs and keys are new in every run
s/[0-9a-f]{40}/<CKAID>/g
s/(keyid: |# rsakey |# ecdsakey )[A-Za-z0-9+\/]{9}/\1<KEYID>/g
s/0s[A-Za-z0-9+\/]+=*/0s<KEY>/g
