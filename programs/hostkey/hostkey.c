/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostkey: the helper behind `ipsec newhostkey` and `ipsec showhostkey`.
 *
 *   hostkey newhostkey [--nssdir DIR] [--password PW] [--keytype rsa|ecdsa] [--bits N]
 *   hostkey showhostkey [--nssdir DIR] [--password PW]
 *           --list | --left | --right | --pem   [--ckaid HEX | --rsaid KEYID]
 *
 * Key pairs are made by NSS inside the NSS database (the private key never
 * leaves it); the CKAID printed is the one NSS stores (CKA_ID), the one
 * `certutil -K` shows and leftckaid= takes.  Output lines are Libreswan's:
 *
 *   Generated RSA key pair with CKAID <hex> was stored in the NSS database
 *   The public key can be displayed using: ipsec showhostkey --left --ckaid <hex>
 *
 *   < 1> RSA keyid: AwEAAb3xq ckaid: 61559973d3acef7d91bbc0fa9a3ba3adf5c9ddb7
 *
 *   	# rsakey AwEAAb3xq
 *   	leftrsasigkey=0sAwEAAb3xq...
 *
 * ECDSA keys print "# ecdsakey KEYID" and "leftecdsakey=0s<x|y>" as
 * Libreswan 5 does (the EC point without its 04 prefix; KEYID is the first
 * 9 base64 characters of the CKAID); --pubkey prints any key as the single
 * line "leftpubkey=0s<SPKI>", as Libreswan 5.
 *
 *   hostkey listcrls [--nssdir DIR]
 *
 * prints the CRLs in the database the way Libreswan's `ipsec listcrls`
 * does ("List of CRLs:", then issuer / revoked certs / updates per CRL).
 *
 * Password-protected databases: --password PW, else the line
 * "NSS Certificate DB:PW" (the token's name) of the password file
 * $IPSEC_CONFDDIR/nsspassword (default /etc/ipsec.d/nsspassword), as
 * pluto reads it.  Exit codes: 0 done, 1 usage or NSS trouble, 20 no key
 * matched (Libreswan's).
 */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <keyhi.h>
#include <nss.h>
#include <pk11pub.h>
#include <prerror.h>

#include <cert.h>
#include <certdb.h>
#include <secder.h>
#include <secoid.h>

#include "auth/certs.h"
#include "tern-config.h"
#include "tern/crypto_pubkey.h"
#include "tern/nsspassword.h"

#define EXIT_NO_KEY 20

static const char *prog = "hostkey";
static const char *password;

static const char *nss_error(void)
{
	const char *n = PR_ErrorToName(PORT_GetError());
	return n != NULL ? n : "unknown NSS error";
}

static char *password_cb(PK11SlotInfo *slot, PRBool retry, void *arg)
{
	(void)arg;
	if (retry)
		return NULL;
	if (password != NULL)
		return PORT_Strdup(password);
	/* the password file pluto reads */
	const char *dir = getenv("IPSEC_CONFDDIR");
	char *path = NULL;
	if (asprintf(&path, "%s/%s", dir != NULL && dir[0] != '\0' ? dir : NSSPASSWORD_DEFAULT_DIR,
		     NSSPASSWORD_FILE_NAME) < 0)
		abort();
	char *pw = NULL;
	diag_t d = nsspassword_from_file(path, PK11_GetTokenName(slot), &pw);
	free(path);
	if (d != NULL) {
		fprintf(stderr, "%s: NSS password: %s\n", prog, diag_str(d));
		diag_free(&d);
		return NULL;
	}
	char *r = PORT_Strdup(pw);
	memset(pw, 0, strlen(pw));
	free(pw);
	return r;
}

static PK11SlotInfo *open_db(const char *nssdir, bool rw)
{
	char *dbdir = NULL;
	if (asprintf(&dbdir, "sql:%s", nssdir) < 0)
		abort();
	SECStatus rv = rw ? NSS_InitReadWrite(dbdir) : NSS_Init(dbdir);
	free(dbdir);
	if (rv != SECSuccess) {
		fprintf(stderr, "%s: cannot open the NSS database %s: %s (try 'ipsec initnss --nssdir %s')\n",
			prog, nssdir, nss_error(), nssdir);
		exit(1);
	}
	PK11_SetPasswordFunc(password_cb);
	PK11SlotInfo *slot = PK11_GetInternalKeySlot();
	if (slot == NULL) {
		fprintf(stderr, "%s: no NSS key slot: %s\n", prog, nss_error());
		exit(1);
	}
	if (PK11_NeedUserInit(slot)) {
		/* a fresh db without the empty password set: do what initnss does */
		if (PK11_InitPin(slot, NULL, password != NULL ? password : "") != SECSuccess) {
			fprintf(stderr, "%s: cannot initialise the NSS database: %s\n", prog,
				nss_error());
			exit(1);
		}
	}
	if (PK11_NeedLogin(slot) && PK11_Authenticate(slot, PR_TRUE, NULL) != SECSuccess) {
		fprintf(stderr, "%s: NSS database %s needs a password (--password, or the "
			"nsspassword file): %s\n", prog, nssdir, nss_error());
		exit(1);
	}
	return slot;
}

static void close_db(PK11SlotInfo *slot)
{
	PK11_FreeSlot(slot);
	if (NSS_Shutdown() != SECSuccess)
		fprintf(stderr, "%s: NSS shutdown: %s\n", prog, nss_error());
}

static void ckaid_of(SECKEYPrivateKey *key, char hex[2 * CRYPTO_CKAID_SIZE + 1])
{
	hex[0] = '\0';
	SECItem *id = PK11_GetLowLevelKeyIDForPrivateKey(key);
	if (id == NULL)
		return;
	size_t o = 0;
	for (unsigned i = 0; i < id->len && o + 2 < 2 * CRYPTO_CKAID_SIZE + 1; i++)
		o += (size_t)snprintf(hex + o, 3, "%02x", id->data[i]);
	SECITEM_FreeItem(id, PR_TRUE);
}

/* ---------------------------------------------------------- newhostkey */

static int newhostkey(const char *nssdir, const char *keytype, unsigned bits)
{
	bool ec = strcmp(keytype, "ecdsa") == 0 || strcmp(keytype, "ec") == 0;
	if (!ec && strcmp(keytype, "rsa") != 0) {
		fprintf(stderr, "%s: unknown --keytype '%s' (rsa or ecdsa)\n", prog, keytype);
		return 1;
	}
	static const uint8_t p256[] = { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
	static const uint8_t p384[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22 };
	static const uint8_t p521[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23 };
	SECItem ecparams = { siDEROID, NULL, 0 };
	PK11RSAGenParams rsaparams = { .keySizeInBits = 0, .pe = 65537 };
	if (ec) {
		if (bits == 0)
			bits = 256;
		switch (bits) {
		case 256: ecparams.data = (unsigned char *)p256; ecparams.len = sizeof(p256); break;
		case 384: ecparams.data = (unsigned char *)p384; ecparams.len = sizeof(p384); break;
		case 521: ecparams.data = (unsigned char *)p521; ecparams.len = sizeof(p521); break;
		default:
			fprintf(stderr, "%s: ECDSA --bits must be 256, 384 or 521 (got %u)\n", prog,
				bits);
			return 1;
		}
	} else {
		if (bits == 0)
			bits = 3072;
		if (bits < 2048 || bits > 8192 || bits % 16 != 0) {
			fprintf(stderr, "%s: RSA --bits must be a multiple of 16 from 2048 to 8192 (got %u)\n",
				prog, bits);
			return 1;
		}
		rsaparams.keySizeInBits = (int)bits;
	}
	PK11SlotInfo *slot = open_db(nssdir, true);
	SECKEYPublicKey *pub = NULL;
	SECKEYPrivateKey *priv =
		ec ? PK11_GenerateKeyPair(slot, CKM_EC_KEY_PAIR_GEN, &ecparams, &pub, PR_TRUE,
					  PR_TRUE, NULL)
		   : PK11_GenerateKeyPair(slot, CKM_RSA_PKCS_KEY_PAIR_GEN, &rsaparams, &pub,
					  PR_TRUE, PR_TRUE, NULL);
	if (priv == NULL) {
		fprintf(stderr, "%s: generating a %u-bit %s key pair in %s failed: %s\n", prog, bits,
			ec ? "ECDSA" : "RSA", nssdir, nss_error());
		close_db(slot);
		return 1;
	}
	char hex[2 * CRYPTO_CKAID_SIZE + 1];
	ckaid_of(priv, hex);
	printf("Generated %s key pair with CKAID %s was stored in the NSS database\n",
	       ec ? "ECDSA" : "RSA", hex);
	printf("The public key can be displayed using: ipsec showhostkey --left --ckaid %s\n", hex);
	SECKEY_DestroyPublicKey(pub);
	SECKEY_DestroyPrivateKey(priv);
	close_db(slot);
	return 0;
}

/* --------------------------------------------------------- showhostkey */

enum show { SHOW_NONE, SHOW_LIST, SHOW_LEFT, SHOW_RIGHT, SHOW_PEM };

static bool hex_prefix_match(const char *hex, const char *want)
{
	size_t n = strlen(want);
	if (n == 0 || n > strlen(hex))
		return false;
	for (size_t i = 0; i < n; i++)
		if (tolower((unsigned char)want[i]) != hex[i])
			return false;
	return true;
}

/* Libreswan's key ID: RSA, the RFC 3110 blob's; ECDSA, the CKAID's first
 * 9 base64 characters */
static diag_t key_id(SECKEYPublicKey *pub, char keyid[CRYPTO_KEYID_CHARS + 1])
{
	if (pub->keyType != ecKey)
		return crypto_pubkey_keyid(pub, keyid);
	uint8_t ckaid[CRYPTO_CKAID_SIZE];
	diag_t d = crypto_pubkey_ckaid(pub, ckaid);
	if (d != NULL)
		return d;
	char *b = crypto_base64_encode(CRYPTO_CSPAN(ckaid, sizeof(ckaid)));
	snprintf(keyid, CRYPTO_KEYID_CHARS + 1, "%s", b);
	free(b);
	return NULL;
}

/* "0s" + base64 of the EC point without its 04 prefix (leftecdsakey=) */
static diag_t ec_raw_text(const SECKEYPublicKey *pub, char **text)
{
	const SECItem *pt = &pub->u.ec.publicValue;
	if (pt->len < 3 || (pt->len & 1) == 0 || pt->data[0] != 0x04)
		return diag("EC point of %u octets is not uncompressed", pt->len);
	char *b = crypto_base64_encode(CRYPTO_CSPAN(pt->data + 1, pt->len - 1));
	if (asprintf(text, "0s%s", b) < 0)
		abort();
	free(b);
	return NULL;
}

static int show_key(enum show what, SECKEYPublicKey *pub, bool pubkey)
{
	const char *side = what == SHOW_LEFT ? "left" : "right";
	char keyid[CRYPTO_KEYID_CHARS + 1] = "";
	diag_t d = key_id(pub, keyid);
	char *text = NULL;
	if (d == NULL) {
		if (what == SHOW_PEM)
			d = crypto_pubkey_to_pem(pub, &text);
		else if (pubkey)
			d = crypto_pubkey_to_0s_spki(pub, &text);
		else if (pub->keyType == rsaKey)
			d = crypto_pubkey_to_rsasigkey(pub, &text);
		else
			d = ec_raw_text(pub, &text);
	}
	if (d != NULL) {
		fprintf(stderr, "%s: cannot encode the public key: %s\n", prog, diag_str(d));
		diag_free(&d);
		return 1;
	}
	if (what == SHOW_PEM)
		fputs(text, stdout);
	else if (pubkey)
		printf("\t%spubkey=%s\n", side, text);
	else if (pub->keyType == rsaKey)
		printf("\t# rsakey %s\n\t%srsasigkey=%s\n", keyid, side, text);
	else
		printf("\t# ecdsakey %s\n\t%secdsakey=%s\n", keyid, side, text);
	free(text);
	return 0;
}

static int showhostkey(const char *nssdir, enum show what, const char *ckaid, const char *rsaid,
		       bool pubkey)
{
	PK11SlotInfo *slot = open_db(nssdir, false);
	SECKEYPrivateKeyList *list = PK11_ListPrivateKeysInSlot(slot);
	int status = EXIT_NO_KEY;
	int line = 0;
	if (list != NULL) {
		for (SECKEYPrivateKeyListNode *n = PRIVKEY_LIST_HEAD(list);
		     !PRIVKEY_LIST_END(n, list); n = PRIVKEY_LIST_NEXT(n)) {
			KeyType kt = SECKEY_GetPrivateKeyType(n->key);
			if (kt != rsaKey && kt != ecKey)
				continue;
			SECKEYPublicKey *pub = SECKEY_ConvertToPublicKey(n->key);
			if (pub == NULL)
				continue;
			line++;
			char hex[2 * CRYPTO_CKAID_SIZE + 1];
			ckaid_of(n->key, hex);
			char keyid[CRYPTO_KEYID_CHARS + 1] = "";
			diag_t d = key_id(pub, keyid);
			diag_free(&d);
			if (what == SHOW_LIST) {
				printf("<%2d> %s keyid: %s ckaid: %s\n", line,
				       kt == rsaKey ? "RSA" : "ECDSA", keyid, hex);
				status = 0;
			} else if ((ckaid != NULL && hex_prefix_match(hex, ckaid)) ||
				   (rsaid != NULL && strcmp(keyid, rsaid) == 0)) {
				status = show_key(what, pub, pubkey);
				SECKEY_DestroyPublicKey(pub);
				break;
			}
			SECKEY_DestroyPublicKey(pub);
		}
		SECKEY_DestroyPrivateKeyList(list);
	}
	if (status == EXIT_NO_KEY) {
		if (what == SHOW_LIST)
			status = 0;	/* an empty list is not an error */
		else
			fprintf(stderr, "%s: No keys found\n", "showhostkey");
	}
	close_db(slot);
	return status;
}

/* ------------------------------------------------------------ listcrls */

static void crl_time(const char *what, const SECItem *t)
{
	PRTime when;
	if (t == NULL || t->len == 0 || DER_DecodeTimeChoice(&when, t) != SECSuccess)
		return;
	PRExplodedTime x;
	PR_ExplodeTime(when, PR_GMTParameters, &x);
	char buf[64];
	PR_FormatTime(buf, sizeof(buf), "%a %b %d %H:%M:%S %Y", &x);
	printf("%s%s\n", what, buf);
}

static int listcrls(const char *nssdir)
{
	PK11SlotInfo *slot = open_db(nssdir, false);
	printf(" \nList of CRLs:\n \n");
	CERTCrlHeadNode *head = NULL;
	if (SEC_LookupCrls(CERT_GetDefaultCertDB(), &head, SEC_CRL_TYPE) == SECSuccess &&
	    head != NULL) {
		for (CERTCrlNode *n = head->first; n != NULL; n = n->next) {
			if (n->crl == NULL)
				continue;
			CERTCrl *crl = &n->crl->crl;
			JAMBUF(b, 1024);
			jam_dn(&b, &crl->name);
			unsigned entries = 0;
			while (crl->entries != NULL && crl->entries[entries] != NULL)
				entries++;
			printf(" \nissuer: %s\nrevoked certs: %u\n", jambuf_str(&b), entries);
			crl_time("updates: this ", &crl->lastUpdate);
			crl_time("         next ", &crl->nextUpdate);
		}
		PORT_FreeArena(head->arena, PR_FALSE);
	}
	close_db(slot);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s newhostkey [--nssdir DIR] [--password PW] [--keytype rsa|ecdsa] [--bits N]\n"
		"       %s showhostkey [--nssdir DIR] [--password PW]\n"
		"              --list | --left | --right | --pem  [--pubkey] [--ckaid HEX | --rsaid KEYID]\n"
		"       %s listcrls [--nssdir DIR] [--password PW]\n",
		prog, prog, prog);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	const char *verb = argv[1];
	enum { O_NSSDIR = 256, O_PASSWORD, O_KEYTYPE, O_BITS, O_LIST, O_LEFT, O_RIGHT, O_PEM,
	       O_CKAID, O_RSAID, O_VERBOSE, O_HELP, O_SEEDDEV, O_VERSION, O_PUBKEY,
	       O_IGNORED };
	static const struct option opts[] = {
		{ "nssdir", required_argument, NULL, O_NSSDIR },
		{ "configdir", required_argument, NULL, O_NSSDIR },
		{ "password", required_argument, NULL, O_PASSWORD },
		{ "keytype", required_argument, NULL, O_KEYTYPE },
		{ "bits", required_argument, NULL, O_BITS },
		{ "seeddev", required_argument, NULL, O_SEEDDEV },	/* accepted, NSS seeds itself */
		/* the front-end's common options (ipsec --rundir D showhostkey) */
		{ "rundir", required_argument, NULL, O_IGNORED },
		{ "ctlsocket", required_argument, NULL, O_IGNORED },
		{ "config", required_argument, NULL, O_IGNORED },
		{ "secretsfile", required_argument, NULL, O_IGNORED },
		{ "list", no_argument, NULL, O_LIST },
		{ "dump", no_argument, NULL, O_LIST },	/* no secrets to dump: same as --list */
		{ "pubkey", no_argument, NULL, O_PUBKEY },
		{ "left", no_argument, NULL, O_LEFT },
		{ "right", no_argument, NULL, O_RIGHT },
		{ "pem", no_argument, NULL, O_PEM },
		{ "ckaid", required_argument, NULL, O_CKAID },
		{ "rsaid", required_argument, NULL, O_RSAID },
		{ "verbose", no_argument, NULL, O_VERBOSE },
		{ "version", no_argument, NULL, O_VERSION },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 },
	};
	const char *nssdir = "/var/lib/ipsec/nss", *keytype = "rsa", *ckaid = NULL, *rsaid = NULL;
	unsigned bits = 0;
	enum show what = SHOW_NONE;
	bool pubkey = false;
	int nshow = 0;
	optind = 2;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case O_NSSDIR: nssdir = optarg; break;
		case O_PASSWORD: password = optarg; break;
		case O_KEYTYPE: keytype = optarg; break;
		case O_BITS: {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || v == 0 || v > 16384) {
				fprintf(stderr, "%s: --bits '%s' is not a key size\n", prog, optarg);
				return 1;
			}
			bits = (unsigned)v;
			break;
		}
		case O_SEEDDEV: case O_VERBOSE: case O_IGNORED: break;
		case O_LIST: what = SHOW_LIST; nshow++; break;
		case O_LEFT: what = SHOW_LEFT; nshow++; break;
		case O_RIGHT: what = SHOW_RIGHT; nshow++; break;
		case O_PEM: what = SHOW_PEM; nshow++; break;
		case O_PUBKEY: pubkey = true; break;
		case O_CKAID: ckaid = optarg; break;
		case O_RSAID: rsaid = optarg; break;
		case O_VERSION: printf("tern %s\n", TERN_VERSION); return 0;
		case O_HELP: usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", prog, argv[optind]);
		return 1;
	}
	if (strcmp(verb, "newhostkey") == 0) {
		prog = "newhostkey";
		if (nshow > 0 || ckaid != NULL || rsaid != NULL) {
			fprintf(stderr, "%s: --list/--left/--right/--pem/--ckaid belong to showhostkey\n",
				prog);
			return 1;
		}
		return newhostkey(nssdir, keytype, bits);
	}
	if (strcmp(verb, "showhostkey") == 0) {
		prog = "showhostkey";
		if (nshow == 0) {
			fprintf(stderr, "%s: You must specify an operation (--list, --left, --right, --pem)\n",
				prog);
			return 1;
		}
		if (nshow > 1) {
			fprintf(stderr, "%s: You must specify only one operation\n", prog);
			return 1;
		}
		if (what != SHOW_LIST && ckaid == NULL && rsaid == NULL) {
			fprintf(stderr, "%s: You must select a key using --ckaid or --rsaid\n", prog);
			return 1;
		}
		if (what == SHOW_LIST && (ckaid != NULL || rsaid != NULL)) {
			fprintf(stderr, "%s: You must not select a key with --list\n", prog);
			return 1;
		}
		return showhostkey(nssdir, what, ckaid, rsaid, pubkey);
	}
	if (strcmp(verb, "listcrls") == 0) {
		prog = "listcrls";
		if (nshow > 0 || ckaid != NULL || rsaid != NULL) {
			fprintf(stderr, "%s: takes no key options\n", prog);
			return 1;
		}
		return listcrls(nssdir);
	}
	fprintf(stderr, "%s: unknown command '%s'\n", prog, verb);
	usage(stderr);
	return 1;
}
