/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Names of IKEv2 numbers: RFC/IANA names for exchanges, payloads, notify
 * types, ID types...; Libreswan's spelling for algorithms (what users see
 * in "IKE algorithms:" lines and negotiation logs).
 */
#include "tern/ike.h"

#include <stdio.h>

struct name {
	unsigned v;
	const char *name;
};

#define LOOKUP(TABLE, V) lookup(TABLE, sizeof(TABLE) / sizeof(TABLE[0]), V)

static const char *lookup(const struct name *t, size_t n, unsigned v)
{
	for (size_t i = 0; i < n; i++) {
		if (t[i].v == v)
			return t[i].name;
	}
	return NULL;
}

static const struct name exchange_names[] = {
	{ ISAKMP_v2_IKE_SA_INIT, "IKE_SA_INIT" },
	{ ISAKMP_v2_IKE_AUTH, "IKE_AUTH" },
	{ ISAKMP_v2_CREATE_CHILD_SA, "CREATE_CHILD_SA" },
	{ ISAKMP_v2_INFORMATIONAL, "INFORMATIONAL" },
	{ ISAKMP_v2_IKE_SESSION_RESUME, "IKE_SESSION_RESUME" },
	{ ISAKMP_v2_IKE_INTERMEDIATE, "IKE_INTERMEDIATE" },
};

static const struct name payload_names[] = {
	{ IKEv2_NP_NONE, "NONE" },
	{ IKEv2_NP_SA, "SA" },
	{ IKEv2_NP_KE, "KE" },
	{ IKEv2_NP_IDi, "IDi" },
	{ IKEv2_NP_IDr, "IDr" },
	{ IKEv2_NP_CERT, "CERT" },
	{ IKEv2_NP_CERTREQ, "CERTREQ" },
	{ IKEv2_NP_AUTH, "AUTH" },
	{ IKEv2_NP_Ni, "Ni" },
	{ IKEv2_NP_N, "N" },
	{ IKEv2_NP_D, "D" },
	{ IKEv2_NP_V, "V" },
	{ IKEv2_NP_TSi, "TSi" },
	{ IKEv2_NP_TSr, "TSr" },
	{ IKEv2_NP_SK, "SK" },
	{ IKEv2_NP_CP, "CP" },
	{ IKEv2_NP_EAP, "EAP" },
	{ IKEv2_NP_GSPM, "GSPM" },
	{ IKEv2_NP_SKF, "SKF" },
};

static const struct name notify_names[] = {
#include "ike_notify_names.inc"
};

static const struct name protocol_names[] = {
	{ IKEv2_PROTO_IKE, "IKE" },
	{ IKEv2_PROTO_AH, "AH" },
	{ IKEv2_PROTO_ESP, "ESP" },
};

static const struct name id_type_names[] = {
	{ IKEv2_ID_IPV4_ADDR, "ID_IPV4_ADDR" },
	{ IKEv2_ID_FQDN, "ID_FQDN" },
	{ IKEv2_ID_RFC822_ADDR, "ID_RFC822_ADDR" },
	{ IKEv2_ID_IPV6_ADDR, "ID_IPV6_ADDR" },
	{ IKEv2_ID_DER_ASN1_DN, "ID_DER_ASN1_DN" },
	{ IKEv2_ID_DER_ASN1_GN, "ID_DER_ASN1_GN" },
	{ IKEv2_ID_KEY_ID, "ID_KEY_ID" },
	{ IKEv2_ID_NULL, "ID_NULL" },
};

static const struct name auth_method_names[] = {
	{ IKEv2_AUTH_RSA, "RSA_SIG" },
	{ IKEv2_AUTH_PSK, "PSK" },
	{ IKEv2_AUTH_DSS, "DSS_SIG" },
	{ IKEv2_AUTH_ECDSA_SHA2_256_P256, "ECDSA_SHA2_256_P256" },
	{ IKEv2_AUTH_ECDSA_SHA2_384_P384, "ECDSA_SHA2_384_P384" },
	{ IKEv2_AUTH_ECDSA_SHA2_512_P521, "ECDSA_SHA2_512_P521" },
	{ IKEv2_AUTH_GSPAM, "GSPAM" },
	{ IKEv2_AUTH_NULL, "NULL" },
	{ IKEv2_AUTH_DIGSIG, "DIGITAL_SIGNATURE" },
};

static const struct name transform_type_names[] = {
	{ IKEv2_TRANS_ENCR, "ENCR" },
	{ IKEv2_TRANS_PRF, "PRF" },
	{ IKEv2_TRANS_INTEG, "INTEG" },
	{ IKEv2_TRANS_KE, "KE" },
	{ IKEv2_TRANS_ESN, "ESN" },
};

static const struct name encr_names[] = {
	{ IKEv2_ENCR_3DES, "3DES_CBC" },
	{ IKEv2_ENCR_NULL, "NULL" },
	{ IKEv2_ENCR_AES_CBC, "AES_CBC" },
	{ IKEv2_ENCR_AES_CTR, "AES_CTR" },
	{ IKEv2_ENCR_AES_CCM_8, "AES_CCM_8" },
	{ IKEv2_ENCR_AES_CCM_12, "AES_CCM_12" },
	{ IKEv2_ENCR_AES_CCM_16, "AES_CCM_16" },
	{ IKEv2_ENCR_AES_GCM_8, "AES_GCM_8" },
	{ IKEv2_ENCR_AES_GCM_12, "AES_GCM_12" },
	{ IKEv2_ENCR_AES_GCM_16, "AES_GCM_16" },
	{ IKEv2_ENCR_NULL_AUTH_AES_GMAC, "NULL_AUTH_AES_GMAC" },
	{ IKEv2_ENCR_CAMELLIA_CBC, "CAMELLIA_CBC" },
	{ IKEv2_ENCR_CHACHA20_POLY1305, "CHACHA20_POLY1305" },
};

static const struct name prf_names[] = {
	{ IKEv2_PRF_HMAC_MD5, "HMAC_MD5" },
	{ IKEv2_PRF_HMAC_SHA1, "HMAC_SHA1" },
	{ IKEv2_PRF_AES128_XCBC, "AES_XCBC" },
	{ IKEv2_PRF_HMAC_SHA2_256, "HMAC_SHA2_256" },
	{ IKEv2_PRF_HMAC_SHA2_384, "HMAC_SHA2_384" },
	{ IKEv2_PRF_HMAC_SHA2_512, "HMAC_SHA2_512" },
	{ IKEv2_PRF_AES128_CMAC, "AES_CMAC" },
};

static const struct name integ_names[] = {
	{ IKEv2_INTEG_NONE, "NONE" },
	{ IKEv2_INTEG_HMAC_MD5_96, "HMAC_MD5_96" },
	{ IKEv2_INTEG_HMAC_SHA1_96, "HMAC_SHA1_96" },
	{ IKEv2_INTEG_AES_XCBC_96, "AES_XCBC_96" },
	{ IKEv2_INTEG_AES_CMAC_96, "AES_CMAC_96" },
	{ IKEv2_INTEG_HMAC_SHA2_256_128, "HMAC_SHA2_256_128" },
	{ IKEv2_INTEG_HMAC_SHA2_384_192, "HMAC_SHA2_384_192" },
	{ IKEv2_INTEG_HMAC_SHA2_512_256, "HMAC_SHA2_512_256" },
};

static const struct name ke_names[] = {
	{ IKEv2_KE_NONE, "NONE" },
	{ IKEv2_KE_MODP1024, "MODP1024" },
	{ IKEv2_KE_MODP1536, "MODP1536" },
	{ IKEv2_KE_MODP2048, "MODP2048" },
	{ IKEv2_KE_MODP3072, "MODP3072" },
	{ IKEv2_KE_MODP4096, "MODP4096" },
	{ IKEv2_KE_MODP6144, "MODP6144" },
	{ IKEv2_KE_MODP8192, "MODP8192" },
	{ IKEv2_KE_ECP_256, "DH19" },
	{ IKEv2_KE_ECP_384, "DH20" },
	{ IKEv2_KE_ECP_521, "DH21" },
	{ IKEv2_KE_CURVE25519, "DH31" },
	{ IKEv2_KE_CURVE448, "DH32" },
};

static const struct name esn_names[] = {
	{ IKEv2_ESN_NO, "NO" },
	{ IKEv2_ESN_YES, "YES" },
};

static const struct name ts_type_names[] = {
	{ IKEv2_TS_IPV4_ADDR_RANGE, "TS_IPV4_ADDR_RANGE" },
	{ IKEv2_TS_IPV6_ADDR_RANGE, "TS_IPV6_ADDR_RANGE" },
	{ IKEv2_TS_SECLABEL, "TS_SECLABEL" },
};

static const struct name cert_encoding_names[] = {
	{ IKEv2_CERT_X509_SIGNATURE, "X.509 Certificate - Signature" },
	{ IKEv2_CERT_CRL, "Certificate Revocation List (CRL)" },
	{ IKEv2_CERT_RAW_RSA, "Raw RSA Key" },
	{ IKEv2_CERT_HASH_URL_X509, "Hash and URL of X.509 certificate" },
	{ IKEv2_CERT_HASH_URL_BUNDLE, "Hash and URL of X.509 bundle" },
	{ IKEv2_CERT_RAW_PUBLIC_KEY, "Raw Public Key" },
};

static const struct name cp_type_names[] = {
	{ IKEv2_CP_REQUEST, "CFG_REQUEST" },
	{ IKEv2_CP_REPLY, "CFG_REPLY" },
	{ IKEv2_CP_SET, "CFG_SET" },
	{ IKEv2_CP_ACK, "CFG_ACK" },
};

const char *ike_exchange_name(unsigned v) { return LOOKUP(exchange_names, v); }
const char *ike_payload_name(unsigned v) { return LOOKUP(payload_names, v); }
const char *ike_notify_name(unsigned v) { return LOOKUP(notify_names, v); }
const char *ike_protocol_name(unsigned v) { return LOOKUP(protocol_names, v); }
const char *ike_id_type_name(unsigned v) { return LOOKUP(id_type_names, v); }
const char *ike_auth_method_name(unsigned v) { return LOOKUP(auth_method_names, v); }
const char *ike_transform_type_name(unsigned v) { return LOOKUP(transform_type_names, v); }
const char *ike_ts_type_name(unsigned v) { return LOOKUP(ts_type_names, v); }
const char *ike_cert_encoding_name(unsigned v) { return LOOKUP(cert_encoding_names, v); }
const char *ike_cp_type_name(unsigned v) { return LOOKUP(cp_type_names, v); }

const char *ike_transform_id_name(unsigned type, unsigned id)
{
	switch (type) {
	case IKEv2_TRANS_ENCR: return LOOKUP(encr_names, id);
	case IKEv2_TRANS_PRF: return LOOKUP(prf_names, id);
	case IKEv2_TRANS_INTEG: return LOOKUP(integ_names, id);
	case IKEv2_TRANS_KE: return LOOKUP(ke_names, id);
	case IKEv2_TRANS_ESN: return LOOKUP(esn_names, id);
	default: return NULL;
	}
}

static void jam_name(struct jambuf *b, const char *name, const char *what, unsigned v)
{
	if (name != NULL)
		jam_str(b, name);
	else
		jam(b, "%s_%u", what, v);
}

void jam_ike_exchange(struct jambuf *b, unsigned v)
{
	jam_name(b, ike_exchange_name(v), "EXCHANGE", v);
}

void jam_ike_payload(struct jambuf *b, unsigned v)
{
	jam_name(b, ike_payload_name(v), "PAYLOAD", v);
}

void jam_ike_notify(struct jambuf *b, unsigned v)
{
	jam_name(b, ike_notify_name(v), "NOTIFY", v);
}

void jam_ike_payloads(struct jambuf *b, const struct ike_message *msg)
{
	const char *sep = "";
	for (unsigned i = 0; i < msg->nr_payloads; i++) {
		const struct ike_payload *p = &msg->payloads[i];
		jam_str(b, sep);
		sep = ",";
		jam_ike_payload(b, p->type);
		if (p->type == IKEv2_NP_N && p->known) {
			jam_char(b, '(');
			jam_ike_notify(b, p->u.n.type);
			jam_char(b, ')');
		}
	}
}
