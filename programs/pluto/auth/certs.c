/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Certificates: DN text, lookup, chain validation, ID matching (certs.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cert.h>
#include <certdb.h>
#include <prerror.h>
#include <pk11pub.h>
#include <prprf.h>
#include <secasn1.h>
#include <secder.h>
#include <secerr.h>
#include <secoid.h>

#include "auth/certs.h"
#include "tern/ip.h"

/* ------------------------------------------------------------------ DNs */

static const struct {
	SECOidTag tag;
	const char *name;
	int vt;			/* DER string type when we encode */
} dn_attrs[] = {
	{ SEC_OID_AVA_COUNTRY_NAME, "C", SEC_ASN1_PRINTABLE_STRING },
	{ SEC_OID_AVA_STATE_OR_PROVINCE, "ST", SEC_ASN1_UTF8_STRING },
	{ SEC_OID_AVA_LOCALITY, "L", SEC_ASN1_UTF8_STRING },
	{ SEC_OID_AVA_ORGANIZATION_NAME, "O", SEC_ASN1_UTF8_STRING },
	{ SEC_OID_AVA_ORGANIZATIONAL_UNIT_NAME, "OU", SEC_ASN1_UTF8_STRING },
	{ SEC_OID_AVA_COMMON_NAME, "CN", SEC_ASN1_UTF8_STRING },
	{ SEC_OID_PKCS9_EMAIL_ADDRESS, "E", SEC_ASN1_IA5_STRING },
	{ SEC_OID_AVA_DC, "DC", SEC_ASN1_IA5_STRING },
	{ SEC_OID_RFC1274_UID, "UID", SEC_ASN1_UTF8_STRING },
	{ SEC_OID_AVA_SURNAME, "SN", SEC_ASN1_UTF8_STRING },
	{ SEC_OID_AVA_GIVEN_NAME, "GN", SEC_ASN1_UTF8_STRING },
	{ SEC_OID_AVA_TITLE, "T", SEC_ASN1_UTF8_STRING },
	{ SEC_OID_AVA_SERIAL_NUMBER, "serialNumber", SEC_ASN1_PRINTABLE_STRING },
};
#define N_DN_ATTRS (sizeof(dn_attrs) / sizeof(dn_attrs[0]))

void jam_dn(struct jambuf *b, const CERTName *name)
{
	const char *sep = "";
	for (CERTRDN **rdn = name->rdns; rdn != NULL && *rdn != NULL; rdn++) {
		for (CERTAVA **ava = (*rdn)->avas; ava != NULL && *ava != NULL; ava++) {
			jam_str(b, sep);
			sep = ", ";
			SECOidTag tag = CERT_GetAVATag(*ava);
			const char *tn = NULL;
			for (size_t i = 0; i < N_DN_ATTRS; i++)
				if (dn_attrs[i].tag == tag)
					tn = dn_attrs[i].name;
			if (tn != NULL) {
				jam_str(b, tn);
			} else {
				char *oid = CERT_GetOidString(&(*ava)->type);
				jam_str(b, oid == NULL ? "?" : strncmp(oid, "OID.", 4) == 0 ? oid + 4 : oid);
				if (oid != NULL)
					PR_smprintf_free(oid);
			}
			jam_char(b, '=');
			SECItem *v = CERT_DecodeAVAValue(&(*ava)->value);
			if (v != NULL) {
				jam_sanitized(b, (const char *)v->data, v->len);
				SECITEM_FreeItem(v, PR_TRUE);
			} else {
				jam_str(b, "?");
			}
		}
	}
}

static char *dn_text(const CERTName *name)
{
	JAMBUF(b, 1024);
	jam_dn(&b, name);
	char *s = strdup(jambuf_str(&b));
	if (s == NULL)
		abort();
	return s;
}

diag_t auth_dn_from_der(struct crypto_cspan der, char **text)
{
	if (der.len == 0)
		return diag("empty DN");
	PLArenaPool *arena = PORT_NewArena(DER_DEFAULT_CHUNKSIZE);
	if (arena == NULL)
		abort();
	CERTName name;
	memset(&name, 0, sizeof(name));
	SECItem item = { siBuffer, (unsigned char *)der.ptr, (unsigned)der.len };
	if (SEC_QuickDERDecodeItem(arena, &name, SEC_ASN1_GET(CERT_NameTemplate), &item) !=
	    SECSuccess) {
		PORT_FreeArena(arena, PR_FALSE);
		return diag("DN of %zu octets is not a DER Name", der.len);
	}
	*text = dn_text(&name);
	PORT_FreeArena(arena, PR_FALSE);
	return NULL;
}

diag_t auth_id_from_der_dn(struct crypto_cspan der, struct id *out)
{
	char *text;
	diag_t d = auth_dn_from_der(der, &text);
	if (d != NULL)
		return d;
	struct id id;
	d = ttoid(text, &id);
	free(text);
	if (d != NULL)
		return diag_prefix(d, "received DN");
	if (id.kind != ID_DER_ASN1_DN) {
		id_free(&id);
		return diag("received DN is empty");
	}
	*out = id;
	return NULL;
}

diag_t auth_dn_to_der(const char *text, uint8_t **der, size_t *len)
{
	PLArenaPool *arena = PORT_NewArena(DER_DEFAULT_CHUNKSIZE);
	if (arena == NULL)
		abort();
	CERTName *name = PORT_ArenaZNew(arena, CERTName);
	if (name == NULL)
		abort();
	name->arena = arena;
	size_t nrdn = 0, cap = 8;
	name->rdns = PORT_ArenaZNewArray(arena, CERTRDN *, cap + 1);
	diag_t d = NULL;
	const char *p = text;
	while (d == NULL && *p != '\0') {
		while (*p == ' ')
			p++;
		const char *eq = strchr(p, '=');
		if (eq == NULL || eq == p) {
			d = diag("DN '%s': expecting TYPE=value at '%s'", text, p);
			break;
		}
		const char *end = strchr(eq + 1, ',');
		if (end == NULL)
			end = eq + strlen(eq);
		size_t tl = (size_t)(eq - p);
		while (tl > 0 && p[tl - 1] == ' ')
			tl--;
		size_t i;
		for (i = 0; i < N_DN_ATTRS; i++)
			if (strlen(dn_attrs[i].name) == tl && strncasecmp(dn_attrs[i].name, p, tl) == 0)
				break;
		if (i == N_DN_ATTRS) {
			d = diag("DN '%s': unknown attribute type '%.*s'", text, (int)tl, p);
			break;
		}
		const char *v = eq + 1;
		size_t vl = (size_t)(end - v);
		while (vl > 0 && v[vl - 1] == ' ')
			vl--;
		char *value = PORT_ArenaZAlloc(arena, vl + 1);
		memcpy(value, v, vl);
		CERTAVA *ava = CERT_CreateAVA(arena, dn_attrs[i].tag, dn_attrs[i].vt, value);
		CERTRDN *rdn = ava == NULL ? NULL : CERT_CreateRDN(arena, ava, NULL);
		if (rdn == NULL) {
			d = diag("DN '%s': cannot encode %s=%s", text, dn_attrs[i].name, value);
			break;
		}
		if (nrdn == cap) {
			CERTRDN **bigger = PORT_ArenaZNewArray(arena, CERTRDN *, 2 * cap + 1);
			memcpy(bigger, name->rdns, nrdn * sizeof(*bigger));
			name->rdns = bigger;
			cap *= 2;
		}
		name->rdns[nrdn++] = rdn;
		p = *end == ',' ? end + 1 : end;
	}
	if (d == NULL && nrdn == 0)
		d = diag("DN '%s' is empty", text);
	SECItem out = { siBuffer, NULL, 0 };
	if (d == NULL &&
	    SEC_ASN1EncodeItem(arena, &out, name, SEC_ASN1_GET(CERT_NameTemplate)) == NULL)
		d = diag("DN '%s': DER encoding failed", text);
	if (d == NULL) {
		uint8_t *buf = malloc(out.len);
		if (buf == NULL)
			abort();
		memcpy(buf, out.data, out.len);
		*der = buf;
		*len = out.len;
	}
	PORT_FreeArena(arena, PR_FALSE);
	return d;
}

/* ---------------------------------------------------- lookup and decode */

static const char *nss_err(void)
{
	const char *n = PR_ErrorToName(PORT_GetError());
	return n != NULL ? n : "unknown NSS error";
}

diag_t auth_cert_by_nickname(const char *nickname, CERTCertificate **out)
{
	if (nickname == NULL || nickname[0] == '\0')
		return diag("no certificate nickname");
	CERTCertificate *c = CERT_FindCertByNickname(CERT_GetDefaultCertDB(), nickname);
	if (c == NULL)
		return diag("certificate '%s' not found in the NSS database", nickname);
	*out = c;
	return NULL;
}

diag_t auth_cert_decode(struct crypto_cspan der, CERTCertificate **out)
{
	if (der.len == 0)
		return diag("empty CERT payload");
	SECItem item = { siBuffer, (unsigned char *)der.ptr, (unsigned)der.len };
	CERTCertificate *c = CERT_NewTempCertificate(CERT_GetDefaultCertDB(), &item, NULL,
						     PR_FALSE, PR_TRUE);
	if (c == NULL)
		return diag("CERT payload of %zu octets is not an X.509 certificate: %s", der.len,
			    nss_err());
	*out = c;
	return NULL;
}

/* -------------------------------------------------------------- verify */

static diag_t verify_error(CERTCertificate *cert, PRErrorCode code, CERTVerifyLog *log)
{
	char *subject = dn_text(&cert->subject);
	/* the log names the certificate in the chain the error is about */
	CERTCertificate *where = cert;
	for (CERTVerifyLogNode *n = log != NULL ? log->head : NULL; n != NULL; n = n->next) {
		if (n->error == code && n->cert != NULL) {
			where = n->cert;
			break;
		}
	}
	char *wsub = dn_text(&where->subject);
	char *issuer = dn_text(&where->issuer);
	diag_t d;
	switch (code) {
	case SEC_ERROR_EXPIRED_CERTIFICATE:
	case SEC_ERROR_EXPIRED_ISSUER_CERTIFICATE: {
		PRTime nb = 0, na = 0;
		char when[64] = "";
		if (CERT_GetCertTimes(where, &nb, &na) == SECSuccess) {
			PRExplodedTime t;
			PR_ExplodeTime(na, PR_GMTParameters, &t);
			PR_FormatTimeUSEnglish(when, sizeof(when), " (not after %Y-%m-%d %H:%M:%S UTC)", &t);
		}
		d = diag("certificate '%s' has expired%s", wsub, when);
		break;
	}
	case SEC_ERROR_CERT_NOT_VALID:
		d = diag("certificate '%s' is not yet valid or not valid", wsub);
		break;
	case SEC_ERROR_UNKNOWN_ISSUER:
	case SEC_ERROR_UNTRUSTED_ISSUER:
	case SEC_ERROR_CA_CERT_INVALID:
		d = diag("issuer '%s' of certificate '%s' is not a trusted CA in the NSS database",
			 issuer, wsub);
		break;
	case SEC_ERROR_UNTRUSTED_CERT:
		d = diag("certificate '%s' is marked as not trusted in the NSS database", wsub);
		break;
	case SEC_ERROR_INADEQUATE_KEY_USAGE:
	case SEC_ERROR_INADEQUATE_CERT_TYPE:
		d = diag("certificate '%s' has the wrong key usage for IKE (needs digitalSignature "
			 "and, if it has an extendedKeyUsage, serverAuth or clientAuth)", wsub);
		break;
	case SEC_ERROR_REVOKED_CERTIFICATE:
		d = diag("certificate '%s' was revoked", wsub);
		break;
	case SEC_ERROR_BAD_SIGNATURE:
		d = diag("certificate '%s' has a bad signature from '%s'", wsub, issuer);
		break;
	default: {
		const char *n = PR_ErrorToName(code);
		d = diag("certificate '%s' does not verify: %s", subject, n != NULL ? n : "unknown error");
		break;
	}
	}
	free(subject);
	free(wsub);
	free(issuer);
	return d;
}

static void free_log(CERTVerifyLog *log)
{
	for (CERTVerifyLogNode *n = log->head; n != NULL; n = n->next)
		if (n->cert != NULL)
			CERT_DestroyCertificate(n->cert);
	PORT_FreeArena(log->arena, PR_FALSE);
}

static bool crl_strict;

void auth_set_crl_strict(bool on)
{
	crl_strict = on;
}

/* crl-strict=yes: each issuer in CERT's chain has a current CRL in the db */
static diag_t check_crls_present(CERTCertificate *cert, PRTime now)
{
	CERTCertList *chain = CERT_GetCertChainFromCert(cert, now, certUsageSSLCA);
	if (chain == NULL)
		return diag("crl-strict=yes: cannot build the chain of the certificate");
	diag_t d = NULL;
	for (CERTCertListNode *node = CERT_LIST_HEAD(chain); !CERT_LIST_END(node, chain) && d == NULL;
	     node = CERT_LIST_NEXT(node)) {
		CERTCertificate *c = node->cert;
		if (SECITEM_CompareItem(&c->derIssuer, &c->derSubject) == SECEqual)
			continue;	/* a self-signed root: nobody revokes it */
		CERTSignedCrl *crl = SEC_FindCrlByName(CERT_GetDefaultCertDB(), &c->derIssuer,
						       SEC_CRL_TYPE);
		if (crl == NULL) {
			char *issuer = dn_text(&c->issuer);
			d = diag("no CRL of CA '%s' in the NSS database (crl-strict=yes)", issuer);
			free(issuer);
			continue;
		}
		PRTime next;
		if (crl->crl.nextUpdate.len > 0 &&
		    DER_DecodeTimeChoice(&next, &crl->crl.nextUpdate) == SECSuccess && next < now) {
			char *issuer = dn_text(&c->issuer);
			PRExplodedTime t;
			PR_ExplodeTime(next, PR_GMTParameters, &t);
			char when[64] = "";
			PR_FormatTimeUSEnglish(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &t);
			d = diag("the CRL of CA '%s' is out of date (next update %s; crl-strict=yes)",
				 issuer, when);
			free(issuer);
		}
		SEC_DestroyCrl(crl);
	}
	CERT_DestroyCertList(chain);
	return d;
}

diag_t auth_cert_verify(CERTCertificate *cert, CERTCertificate *const *intermediates, size_t n,
			const char *ca_dn, PRTime now)
{
	(void)intermediates;	/* decoded as temp certs: the verifier finds them */
	(void)n;
	if (cert == NULL)
		return diag("no certificate to verify");
	CERTCertDBHandle *h = CERT_GetDefaultCertDB();
	/* NSS's IPsec usage (RFC 4945: no EKU, ipsecIKE, serverAuth/clientAuth),
	 * then the TLS ones for certificates made with only one of those */
	SECCertificateUsage usages[3] = { certificateUsageIPsec, certificateUsageSSLClient,
					  certificateUsageSSLServer };
	PRErrorCode first = 0;
	CERTVerifyLog first_log = { 0 };
	bool ok = false;
	for (int i = 0; i < 3 && !ok; i++) {
		CERTVerifyLog log = { 0 };
		log.arena = PORT_NewArena(512);
		if (log.arena == NULL)
			abort();
		SECCertificateUsage got = 0;
		/* with a log, NSS's classic verifier records some failures
		 * (a CRL that revokes the certificate) and still returns
		 * SECSuccess: any logged error is a failure */
		if (CERT_VerifyCertificate(h, cert, PR_TRUE, usages[i], now, NULL, &log, &got) ==
			    SECSuccess &&
		    log.head == NULL) {
			ok = true;
			free_log(&log);
			continue;
		}
		/* the log has the real reason; the thread's error may be stale */
		PRErrorCode code = log.head != NULL ? (PRErrorCode)log.head->error : PORT_GetError();
		bool first_vague = first == SEC_ERROR_INADEQUATE_CERT_TYPE ||
				   first == SEC_ERROR_INADEQUATE_KEY_USAGE;
		bool vague = code == SEC_ERROR_INADEQUATE_CERT_TYPE ||
			     code == SEC_ERROR_INADEQUATE_KEY_USAGE;
		if (first == 0 || (first_vague && !vague)) {
			if (first_log.arena != NULL)
				free_log(&first_log);
			first = code;
			first_log = log;
		} else {
			free_log(&log);
		}
	}
	if (!ok) {
		diag_t d = verify_error(cert, first, &first_log);
		free_log(&first_log);
		return d;
	}
	if (first_log.arena != NULL)
		free_log(&first_log);
	if (crl_strict) {
		diag_t d = check_crls_present(cert, now);
		if (d != NULL)
			return d;
	}
	if (ca_dn == NULL || ca_dn[0] == '\0' || strcmp(ca_dn, "%any") == 0)
		return NULL;
	/* rightca=DN: some certificate above CERT in its chain has that subject */
	struct id want;
	diag_t d = ttoid(ca_dn, &want);
	if (d != NULL)
		return diag_prefix(d, "rightca=");
	CERTCertList *chain = CERT_GetCertChainFromCert(cert, now, certUsageSSLCA);
	bool found = false;
	if (chain != NULL) {
		for (CERTCertListNode *node = CERT_LIST_HEAD(chain);
		     !CERT_LIST_END(node, chain) && !found; node = CERT_LIST_NEXT(node)) {
			if (node->cert == cert || CERT_CompareCerts(node->cert, cert))
				continue;
			char *s = dn_text(&node->cert->subject);
			struct id have;
			diag_t e = ttoid(s, &have);
			if (e == NULL) {
				found = id_equal(&want, &have);
				id_free(&have);
			}
			diag_free(&e);
			free(s);
		}
		CERT_DestroyCertList(chain);
	}
	id_free(&want);
	if (!found) {
		char *s = dn_text(&cert->subject);
		d = diag("certificate '%s' is not issued by rightca='%s'", s, ca_dn);
		free(s);
	}
	return d;
}

/* ---------------------------------------------------------------- IDs */

static bool fqdn_eq(const uint8_t *a, size_t al, const uint8_t *b, size_t bl)
{
	if (al > 0 && a[al - 1] == '.')
		al--;
	if (bl > 0 && b[bl - 1] == '.')
		bl--;
	return al == bl && strncasecmp((const char *)a, (const char *)b, al) == 0;
}

static void jam_san(struct jambuf *b, const CERTGeneralName *g)
{
	switch (g->type) {
	case certDNSName:
		jam_str(b, "DNS:");
		jam_sanitized(b, (const char *)g->name.other.data, g->name.other.len);
		break;
	case certRFC822Name:
		jam_str(b, "email:");
		jam_sanitized(b, (const char *)g->name.other.data, g->name.other.len);
		break;
	case certIPAddress: {
		jam_str(b, "IP:");
		if (g->name.other.len == 4 || g->name.other.len == 16) {
			ip_address a = address_from_bytes(g->name.other.len == 4 ? AF_INET : AF_INET6,
							  g->name.other.data, g->name.other.len);
			jam_address(b, &a);
		} else {
			jam_str(b, "?");
		}
		break;
	}
	case certDirectoryName:
		jam_str(b, "DN:");
		jam_dn(b, &g->name.directoryName);
		break;
	default:
		jam_str(b, "other");
		break;
	}
}

static bool san_matches(const CERTGeneralName *g, const struct id *id)
{
	switch (id->kind) {
	case ID_FQDN:
		return g->type == certDNSName &&
		       fqdn_eq(g->name.other.data, g->name.other.len, id->name, id->len);
	case ID_USER_FQDN:
		return g->type == certRFC822Name && g->name.other.len == id->len &&
		       strncasecmp((const char *)g->name.other.data, (const char *)id->name,
				   id->len) == 0;
	case ID_IPV4_ADDR:
	case ID_IPV6_ADDR:
		return g->type == certIPAddress && g->name.other.len == address_len(&id->ip) &&
		       memcmp(g->name.other.data, id->ip.bytes, g->name.other.len) == 0;
	case ID_DER_ASN1_DN: {
		if (g->type != certDirectoryName)
			return false;
		char *s = dn_text(&g->name.directoryName);
		struct id have;
		diag_t d = ttoid(s, &have);
		free(s);
		bool eq = false;
		if (d == NULL) {
			eq = id_equal(id, &have);
			id_free(&have);
		}
		diag_free(&d);
		return eq;
	}
	default:
		return false;
	}
}

diag_t auth_cert_subject_id(CERTCertificate *cert, struct id *out)
{
	char *s = dn_text(&cert->subject);
	struct id id;
	diag_t d = ttoid(s, &id);
	if (d == NULL && id.kind != ID_DER_ASN1_DN) {
		id_free(&id);
		d = diag("certificate subject '%s' is not a DN", s);
	}
	free(s);
	if (d != NULL)
		return d;
	*out = id;
	return NULL;
}

diag_t auth_cert_matches_id(CERTCertificate *cert, const struct id *id)
{
	if (id_is_wildcard(id) || id->kind == ID_FROMCERT)
		return NULL;
	if (id->kind == ID_DER_ASN1_DN) {
		struct id subj;
		diag_t d = auth_cert_subject_id(cert, &subj);
		if (d == NULL) {
			bool eq = id_equal(id, &subj);
			id_free(&subj);
			if (eq)
				return NULL;
		}
		diag_free(&d);
	}
	PLArenaPool *arena = PORT_NewArena(DER_DEFAULT_CHUNKSIZE);
	if (arena == NULL)
		abort();
	JAMBUF(sans, 512);
	bool found = false;
	SECItem ext = { siBuffer, NULL, 0 };
	if (CERT_FindCertExtension(cert, SEC_OID_X509_SUBJECT_ALT_NAME, &ext) == SECSuccess) {
		CERTGeneralName *first = CERT_DecodeAltNameExtension(arena, &ext);
		CERTGeneralName *g = first;
		const char *sep = "";
		while (g != NULL) {
			jam_str(&sans, sep);
			sep = ", ";
			jam_san(&sans, g);
			if (san_matches(g, id))
				found = true;
			g = CERT_GetNextGeneralName(g);
			if (g == first)
				break;
		}
		SECITEM_FreeItem(&ext, PR_FALSE);
	}
	PORT_FreeArena(arena, PR_FALSE);
	if (found)
		return NULL;
	id_buf ib;
	char *subject = dn_text(&cert->subject);
	diag_t d = diag("ID '%s' is not in certificate '%s' (subjectAltName: %s)",
			str_id(id, &ib), subject,
			jambuf_str(&sans)[0] != '\0' ? jambuf_str(&sans) : "none");
	free(subject);
	return d;
}

diag_t auth_local_dn_der(const struct id *id, CERTCertificate *cert, uint8_t **der, size_t *len)
{
	bool use_cert = false;
	if (cert != NULL) {
		if (id->kind == ID_FROMCERT || id->kind == ID_NONE) {
			use_cert = true;
		} else if (id->kind == ID_DER_ASN1_DN) {
			struct id subj;
			diag_t d = auth_cert_subject_id(cert, &subj);
			if (d == NULL) {
				use_cert = id_equal(id, &subj);
				id_free(&subj);
			}
			diag_free(&d);
		}
	}
	if (use_cert) {
		if (cert->derSubject.len == 0)
			return diag("certificate has an empty subject");
		uint8_t *p = malloc(cert->derSubject.len);
		if (p == NULL)
			abort();
		memcpy(p, cert->derSubject.data, cert->derSubject.len);
		*der = p;
		*len = cert->derSubject.len;
		return NULL;
	}
	if (id->kind != ID_DER_ASN1_DN) {
		id_buf b;
		return diag("ID '%s' is not a DN", str_id(id, &b));
	}
	return auth_dn_to_der((const char *)id->name, der, len);
}

/* SHA-1 of the certificate's SubjectPublicKeyInfo as it is encoded in the cert */
static diag_t spki_sha1(CERTCertificate *c, uint8_t out[20])
{
	SECItem der = { siBuffer, NULL, 0 };
	if (SEC_ASN1EncodeItem(NULL, &der, &c->subjectPublicKeyInfo,
			       SEC_ASN1_GET(CERT_SubjectPublicKeyInfoTemplate)) == NULL)
		return diag("cannot encode a SubjectPublicKeyInfo: %s", nss_err());
	struct crypto_cspan span = CRYPTO_CSPAN(der.data, der.len);
	diag_t d = crypto_hash(IKEv2_HASH_SHA1, &span, 1, out, 20);
	SECITEM_FreeItem(&der, PR_FALSE);
	return d;
}

diag_t auth_certreq_data(uint8_t **data, size_t *len)
{
	CERTCertList *list = PK11_ListCerts(PK11CertListCA, NULL);
	uint8_t *buf = NULL;
	size_t n = 0;
	diag_t d = NULL;
	if (list != NULL) {
		for (CERTCertListNode *node = CERT_LIST_HEAD(list);
		     !CERT_LIST_END(node, list) && d == NULL; node = CERT_LIST_NEXT(node)) {
			CERTCertTrust trust;
			if (CERT_GetCertTrust(node->cert, &trust) != SECSuccess ||
			    (trust.sslFlags & CERTDB_TRUSTED_CA) == 0)
				continue;
			uint8_t h[20];
			d = spki_sha1(node->cert, h);
			if (d != NULL)
				break;
			bool dup = false;
			for (size_t i = 0; i + 20 <= n; i += 20)
				if (memcmp(buf + i, h, 20) == 0)
					dup = true;
			if (dup)
				continue;
			uint8_t *bigger = realloc(buf, n + 20);
			if (bigger == NULL)
				abort();
			buf = bigger;
			memcpy(buf + n, h, 20);
			n += 20;
		}
		CERT_DestroyCertList(list);
	}
	if (d != NULL) {
		free(buf);
		return d;
	}
	*data = buf;
	*len = n;
	return NULL;
}

diag_t auth_certreq_names(CERTCertificate *cert, struct crypto_cspan certreq, PRTime now,
			  bool *names)
{
	if (certreq.len % 20 != 0)
		return diag("CERTREQ data of %zu octets is not a list of SHA-1 hashes", certreq.len);
	bool found = false;
	CERTCertList *chain = CERT_GetCertChainFromCert(cert, now, certUsageSSLCA);
	if (chain != NULL) {
		for (CERTCertListNode *node = CERT_LIST_HEAD(chain);
		     !CERT_LIST_END(node, chain) && !found; node = CERT_LIST_NEXT(node)) {
			if (CERT_CompareCerts(node->cert, cert))
				continue;
			uint8_t h[20];
			diag_t d = spki_sha1(node->cert, h);
			if (d != NULL) {
				CERT_DestroyCertList(chain);
				return d;
			}
			for (size_t i = 0; i < certreq.len; i += 20)
				if (memcmp(certreq.ptr + i, h, 20) == 0)
					found = true;
		}
		CERT_DestroyCertList(chain);
	}
	*names = found;
	return NULL;
}

void auth_cert_chain_free(struct crypto_span *certs, size_t n)
{
	for (size_t i = 0; certs != NULL && i < n; i++)
		free(certs[i].ptr);
	free(certs);
}

diag_t auth_cert_chain(CERTCertificate *cert, PRTime now, struct crypto_span **certs, size_t *n)
{
	CERTCertList *chain = CERT_GetCertChainFromCert(cert, now, certUsageSSLCA);
	if (chain == NULL)
		return diag("cannot build the certificate chain: %s", nss_err());
	size_t cap = 0, count = 0;
	for (CERTCertListNode *node = CERT_LIST_HEAD(chain); !CERT_LIST_END(node, chain);
	     node = CERT_LIST_NEXT(node))
		cap++;
	struct crypto_span *out = calloc(cap + 1, sizeof(*out));
	if (out == NULL)
		abort();
	/* the end certificate first, whatever order the list has */
	struct crypto_span *s = &out[count++];
	s->ptr = malloc(cert->derCert.len);
	if (s->ptr == NULL)
		abort();
	memcpy(s->ptr, cert->derCert.data, cert->derCert.len);
	s->len = cert->derCert.len;
	for (CERTCertListNode *node = CERT_LIST_HEAD(chain); !CERT_LIST_END(node, chain);
	     node = CERT_LIST_NEXT(node)) {
		CERTCertificate *c = node->cert;
		if (CERT_CompareCerts(c, cert) || c->isRoot)
			continue;
		s = &out[count++];
		s->ptr = malloc(c->derCert.len);
		if (s->ptr == NULL)
			abort();
		memcpy(s->ptr, c->derCert.data, c->derCert.len);
		s->len = c->derCert.len;
	}
	CERT_DestroyCertList(chain);
	*certs = out;
	*n = count;
	return NULL;
}
