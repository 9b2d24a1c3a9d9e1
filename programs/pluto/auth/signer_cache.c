/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Our own private key and certificate chain, looked up once (signer_cache.h). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/certs.h"
#include "auth/keys.h"
#include "auth/signer_cache.h"

struct signer {
	struct signer *next;
	char *name;			/* the end's key settings, see signer_name() */
	CERTCertificate *cert;		/* NULL: a raw key */
	SECKEYPrivateKey *key;
	bool have_chain;
	struct crypto_span *chain;
	size_t n_chain;
};

static pthread_mutex_t signers_lock = PTHREAD_MUTEX_INITIALIZER;
static struct signer *signers;

static const char *or_empty(const char *s)
{
	return s == NULL ? "" : s;
}

/* every setting auth_end_private_key() reads, unambiguously joined */
static char *signer_name(const struct conn_end *end)
{
	char *s = NULL;
	if (asprintf(&s, "%zu:%s|%zu:%s|%zu:%s|%zu:%s", strlen(or_empty(end->cert)),
		     or_empty(end->cert), strlen(or_empty(end->ckaid)), or_empty(end->ckaid),
		     strlen(or_empty(end->pubkey)), or_empty(end->pubkey),
		     strlen(or_empty(end->rsasigkey)), or_empty(end->rsasigkey)) < 0)
		abort();
	return s;
}

static void signer_free(struct signer *s)
{
	if (s->key != NULL)
		SECKEY_DestroyPrivateKey(s->key);
	if (s->cert != NULL)
		CERT_DestroyCertificate(s->cert);
	auth_cert_chain_free(s->chain, s->n_chain);
	free(s->name);
	free(s);
}

static struct crypto_span *chain_copy(const struct crypto_span *in, size_t n)
{
	struct crypto_span *out = calloc(n + 1, sizeof(*out));
	if (out == NULL)
		abort();
	for (size_t i = 0; i < n; i++) {
		out[i].ptr = malloc(in[i].len > 0 ? in[i].len : 1);
		if (out[i].ptr == NULL)
			abort();
		memcpy(out[i].ptr, in[i].ptr, in[i].len);
		out[i].len = in[i].len;
	}
	return out;
}

/* with the lock held: the cached entry for END, found in NSS on a miss */
static diag_t signer_find(const struct conn_end *end, const char *side, struct signer **out)
{
	char *name = signer_name(end);
	for (struct signer *s = signers; s != NULL; s = s->next) {
		if (strcmp(s->name, name) == 0) {
			free(name);
			*out = s;
			return NULL;
		}
	}
	CERTCertificate *cert = NULL;
	SECKEYPrivateKey *key = NULL;
	diag_t d = auth_end_private_key(end, side, &cert, &key);
	if (d != NULL) {
		free(name);
		return d;
	}
	struct signer *s = calloc(1, sizeof(*s));
	if (s == NULL)
		abort();
	s->name = name;
	s->cert = cert;
	s->key = key;
	if (key->pkcs11IsTemp) {
		/* destroying a copy would delete the object: not shared */
		*out = s;
		return NULL;
	}
	s->next = signers;
	signers = s;
	*out = s;
	return NULL;
}

diag_t auth_signer_get(const struct conn_end *end, const char *side, PRTime now,
		       CERTCertificate **cert, SECKEYPrivateKey **key,
		       struct crypto_span **chain, size_t *n_chain)
{
	pthread_mutex_lock(&signers_lock);
	struct signer *s = NULL;
	diag_t d = signer_find(end, side, &s);
	if (d == NULL && chain != NULL && s->cert != NULL && !s->have_chain) {
		d = auth_cert_chain(s->cert, now, &s->chain, &s->n_chain);
		s->have_chain = d == NULL;
	}
	if (d != NULL && s != NULL && s->key->pkcs11IsTemp)
		signer_free(s);
	if (d != NULL) {
		pthread_mutex_unlock(&signers_lock);
		return d;
	}
	if (s->key->pkcs11IsTemp) {
		pthread_mutex_unlock(&signers_lock);
		*key = s->key;
		*cert = s->cert;
		if (chain != NULL) {
			*chain = s->chain;
			*n_chain = s->n_chain;
		}
		free(s->name);
		free(s);
		return NULL;
	}
	/* a token object: the copy is another handle to the same key */
	SECKEYPrivateKey *k = SECKEY_CopyPrivateKey(s->key);
	if (k == NULL) {
		pthread_mutex_unlock(&signers_lock);
		return diag("%s: cannot copy the private key handle", side);
	}
	*key = k;
	*cert = s->cert != NULL ? CERT_DupCertificate(s->cert) : NULL;
	if (chain != NULL) {
		*chain = s->cert != NULL ? chain_copy(s->chain, s->n_chain) : NULL;
		*n_chain = s->cert != NULL ? s->n_chain : 0;
	}
	pthread_mutex_unlock(&signers_lock);
	return NULL;
}

void auth_signer_cache_flush(void)
{
	pthread_mutex_lock(&signers_lock);
	struct signer *s = signers;
	signers = NULL;
	pthread_mutex_unlock(&signers_lock);
	while (s != NULL) {
		struct signer *next = s->next;
		signer_free(s);
		s = next;
	}
}
