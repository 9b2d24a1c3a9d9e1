/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The engine: SA life cycle, loggers, worker jobs, identities, PSK AUTH. */
#include <stdlib.h>
#include <string.h>

#include "tern/ctl.h"
#include "tern/humber.h"
#include "ikev2/internal.h"
#include "ikev2/nat.h"

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);
	if (p == NULL)
		abort();
	return p;
}

/* ---- loggers: '"conn" #N: ' ---- */

static void jam_ike_prefix(struct jambuf *b, const void *object)
{
	const struct ike_sa *ike = object;
	jam(b, "\"%s\" #%lu: ", ike->conn->name, ike->serial);
}

/* PEER= for the journal; used while one line is written */
static address_buf peer_buf;

static void ike_fields(const void *object, struct log_fields *f)
{
	const struct ike_sa *ike = object;
	f->conn = ike->conn->name;
	f->serial = ike->serial;
	f->peer = str_address(&ike->remote.addr, &peer_buf);
}

static void jam_child_prefix(struct jambuf *b, const void *object)
{
	const struct child_sa *c = object;
	jam(b, "\"%s\" #%lu: ", c->conn->name, c->serial);
}

static void child_fields(const void *object, struct log_fields *f)
{
	const struct child_sa *c = object;
	f->conn = c->conn->name;
	f->serial = c->serial;
	f->peer = str_address(&c->ike->remote.addr, &peer_buf);
}

/* ---- engine ---- */

diag_t ikev2_engine_new(const struct ikev2_ops *ops, void *ctx, const char *name,
			struct ikev2_engine **out)
{
	struct ikev2_engine *e = xcalloc(1, sizeof(*e));
	diag_t d = crypto_random(CRYPTO_SPAN(e->cookie_secret, sizeof(e->cookie_secret)));
	if (d != NULL) {
		free(e);
		return diag_prefix(d, "IKEv2: cookie secret");
	}
	e->ops = ops;
	e->ctx = ctx;
	e->name = name;
	e->halfopen_cookie_threshold = 25000;
	sa_table_init(&e->sas);
	*out = e;
	return NULL;
}

void ikev2_engine_free(struct ikev2_engine **ep)
{
	struct ikev2_engine *e = *ep;
	if (e == NULL)
		return;
	size_t n;
	struct ike_sa **v = sa_ike_sorted(&e->sas, &n);
	for (size_t i = 0; i < n; i++)
		ike_sa_delete(v[i]);
	free(v);
	revival_free_engine(e);
	sa_table_free(&e->sas);
	psk_cache_free(&e->psk_cache);
	crypto_wipe(e->cookie_secret, sizeof(e->cookie_secret));
	free(e);
	*ep = NULL;
}

/* ---- SAs ---- */

struct ike_sa *ike_sa_new(struct ikev2_engine *e, struct connection *c, bool initiator,
			  const ip_endpoint *local, const ip_endpoint *remote)
{
	struct ike_sa *ike = xcalloc(1, sizeof(*ike));
	ike->eng = e;
	ike->conn = c;
	ike->initiator = initiator;
	ike->local = *local;
	ike->remote = *remote;
	ike->serial = sa_next_serial(&e->sas);
	ike->logger = (struct logger){ .jam_prefix = jam_ike_prefix, .fields = ike_fields,
				       .object = ike };
	ike->add_time = e->ops->wall_s(e->ctx);
	/* the SPI chosen by this end */
	uint8_t *spi = initiator ? ike->ispi : ike->rspi;
	do {
		diag_t d = crypto_random(CRYPTO_SPAN(spi, 8));
		if (d != NULL)	/* NSS's DRBG does not fail once initialised */
			abort();
	} while (memcmp(spi, "\0\0\0\0\0\0\0\0", 8) == 0);
	return ike;
}

struct child_sa *child_sa_new(struct ike_sa *ike)
{
	struct ikev2_engine *e = ike->eng;
	struct child_sa *c = xcalloc(1, sizeof(*c));
	c->ike = ike;
	c->conn = ike->conn;
	c->serial = sa_next_serial(&e->sas);
	c->logger = (struct logger){ .jam_prefix = jam_child_prefix, .fields = child_fields,
				     .object = c, .client = ike->logger.client };
	c->reqid = ike->conn->config != NULL && ike->conn->config->reqid != 0
		? ike->conn->config->reqid : KERNEL_REQID_MIN + (uint32_t)(ike->conn->serial & 0xfff) * 4;
	c->state = IKE_AUTH_CHILD_I0;
	sa_add_child(&e->sas, c);
	return c;
}

void child_sa_delete(struct child_sa *c)
{
	struct ikev2_engine *e = c->ike->eng;
	if (c->state == ESTABLISHED_CHILD_SA)
		e->sas.nr_child_established--;
	child_rekey_forget(c);
	if (c->installed) {
		child_uninstall(c);
		LLOG_JAMBUF(&c->logger, LOG_SEV_INFO, b) {
			jam_str(b, "ESP traffic information: in=");
			jam_readable_bytes(b, c->in_bytes);
			jam_str(b, " out=");
			jam_readable_bytes(b, c->out_bytes);
		}
	} else if (c->spi_in != 0) {
		/* the larval SA ALLOCSPI left: gone now rather than when it expires */
		struct ike_sa *ike = c->ike;
		diag_t d = e->ops->kernel->del_sa(e->ctx, &ike->remote.addr, &ike->local.addr, c->spi_in);
		if (d != NULL)
			ldbg(&c->logger, "no larval SA 0x%08x to remove: %s", c->spi_in, diag_str(d));
		diag_free(&d);
	}
	sa_remove_child(&e->sas, c);
	free(c->offer);
	free(c);
}

void ike_set_state(struct ike_sa *ike, enum ike_sa_state s)
{
	struct sa_table *t = &ike->eng->sas;
	if (ike->state == ESTABLISHED_IKE_SA && s != ESTABLISHED_IKE_SA) {
		t->nr_ike_established--;
		initial_contact_index(ike, false);
	}
	if (s == ESTABLISHED_IKE_SA && ike->state != ESTABLISHED_IKE_SA) {
		t->nr_ike_established++;
		ike_rekey_schedule(ike);
		liveness_start(ike);
		revival_reset(ike->eng, ike->conn);
		initial_contact_index(ike, true);
	}
	bool halfopen = s == IKE_SA_INIT_R0 || s == IKE_SA_INIT_R;
	if (halfopen && !ike->counted_halfopen) {
		t->nr_halfopen++;
		ike->counted_halfopen = true;
	} else if (!halfopen && ike->counted_halfopen) {
		t->nr_halfopen--;
		ike->counted_halfopen = false;
	}
	ike->state = s;
}

void ike_whack_done(struct ike_sa *ike, int rc)
{
	struct log_client *client = ike->logger.client;
	if (client == NULL)
		return;
	ike->logger.client = NULL;
	for (struct child_sa *c = ike->children; c != NULL; c = c->sibling_next)
		c->logger.client = NULL;
	if (ike->eng->ops->whack_done != NULL)
		ike->eng->ops->whack_done(ike->eng->ctx, client, rc);
}

void ike_sa_delete(struct ike_sa *ike)
{
	struct ikev2_engine *e = ike->eng;
	retransmit_stop(ike);
	ike_rekey_forget(ike);
	liveness_stop(ike);
	nat_keepalive_stop(ike);
	child_new_forget(ike);
	ike_whack_done(ike, CTL_RC_FATAL);
	while (ike->children != NULL)
		child_sa_delete(ike->children);
	child_retired_flush(ike, true, 0);
	ike_set_state(ike, IKE_SA_DELETE);
	sa_remove_ike(&e->sas, ike);
	crypto_ke_free(&ike->ke);
	crypto_ike_keys_free(&ike->keys);
	id_free(&ike->peer_id);
	free(ike->offer);
	free(ike->peer_ke);
	free(ike->cookie);
	free(ike->init_i);
	free(ike->init_r);
	free(ike->req.pkt);
	free(ike->last_resp);
	struct connection *conn = ike->conn;
	crypto_wipe(ike, sizeof(*ike));
	free(ike);
	if (e->ops->ike_gone != NULL)
		e->ops->ike_gone(e->ctx, conn);
}

/* ---- key exchange jobs ---- */

struct ke_job {
	struct worker_job w;
	struct ikev2_engine *e;
	unsigned long serial;
	ke_next_fn *next;
	/* in */
	const struct crypto_ke_group *group;
	struct crypto_ke_secret *ke;	/* owned by the job while it runs */
	bool derive;
	uint8_t *peer_ke;
	size_t peer_ke_len;
	const struct crypto_prf *prf;
	const struct crypto_encr *encr;
	unsigned key_bits;
	const struct crypto_integ *integ;
	uint8_t ni[IKE_NONCE_MAX], nr[IKE_NONCE_MAX];
	size_t ni_len, nr_len;
	uint8_t ispi[8], rspi[8];
	/* out */
	struct crypto_ike_keys keys;
	diag_t diag;
};

static void ke_run(struct worker_job *w)
{
	struct ke_job *j = (struct ke_job *)w;
	if (j->ke == NULL) {
		j->diag = crypto_ke_generate(j->group, &j->ke);
		if (j->diag != NULL)
			return;
	}
	if (!j->derive)
		return;
	PK11SymKey *gir = NULL, *skeyseed = NULL;
	j->diag = crypto_ke_derive(j->ke, CRYPTO_CSPAN(j->peer_ke, j->peer_ke_len), &gir);
	if (j->diag == NULL)
		j->diag = crypto_ike_skeyseed(j->prf, CRYPTO_CSPAN(j->ni, j->ni_len),
					      CRYPTO_CSPAN(j->nr, j->nr_len), gir, &skeyseed);
	if (j->diag == NULL)
		j->diag = crypto_ike_keys_derive(j->prf, skeyseed, CRYPTO_CSPAN(j->ni, j->ni_len),
						 CRYPTO_CSPAN(j->nr, j->nr_len), CRYPTO_CSPAN(j->ispi, 8),
						 CRYPTO_CSPAN(j->rspi, 8), j->encr, j->key_bits,
						 j->integ, &j->keys);
	crypto_symkey_free(&gir);
	crypto_symkey_free(&skeyseed);
}

static void ke_done(struct worker_job *w, bool cancelled)
{
	struct ke_job *j = (struct ke_job *)w;
	j->e->jobs_in_flight--;
	struct ike_sa *ike = cancelled ? NULL : sa_ike_by_serial(&j->e->sas, j->serial);
	if (ike != NULL) {
		ike->busy = false;
		ike->ke = j->ke;
		j->ke = NULL;
		if (j->diag == NULL && j->derive) {
			ike->keys = j->keys;
			memset(&j->keys, 0, sizeof(j->keys));
			ike->have_keys = true;
			free(ike->peer_ke);
			ike->peer_ke = NULL;
		}
		j->next(ike, &j->diag);
	}
	diag_free(&j->diag);
	crypto_ke_free(&j->ke);
	crypto_ike_keys_free(&j->keys);
	free(j->peer_ke);
	crypto_wipe(j, sizeof(*j));
	free(j);
}

void ike_submit_ke(struct ike_sa *ike, bool derive, ke_next_fn *next)
{
	struct ke_job *j = xcalloc(1, sizeof(*j));
	j->w.run = ke_run;
	j->w.done = ke_done;
	j->e = ike->eng;
	j->serial = ike->serial;
	j->next = next;
	j->group = crypto_ke_by_id(ike->ke_group);
	j->ke = ike->ke;
	ike->ke = NULL;
	j->derive = derive;
	if (derive) {
		j->peer_ke = malloc(ike->peer_ke_len);
		if (j->peer_ke == NULL)
			abort();
		memcpy(j->peer_ke, ike->peer_ke, ike->peer_ke_len);
		j->peer_ke_len = ike->peer_ke_len;
		j->prf = ike->prf;
		j->encr = ike->encr;
		j->key_bits = ike->encr_key_bits;
		j->integ = ike->integ;
		memcpy(j->ni, ike->ni, ike->ni_len);
		j->ni_len = ike->ni_len;
		memcpy(j->nr, ike->nr, ike->nr_len);
		j->nr_len = ike->nr_len;
		memcpy(j->ispi, ike->ispi, 8);
		memcpy(j->rspi, ike->rspi, 8);
	}
	ike->busy = true;
	ike->eng->jobs_in_flight++;
	ike->eng->ops->submit(ike->eng->ctx, &j->w);
}

/* ---- identities ---- */

void ike_local_id(const struct ike_sa *ike, struct id *out)
{
	const struct end *this = conn_this(ike->conn);
	if (this->id.kind != ID_NONE && this->id.kind != ID_ANY && this->id.kind != ID_FROMCERT)
		*out = this->id;
	else
		*out = id_from_address(&ike->local.addr);
}

void ike_remote_id(const struct ike_sa *ike, struct id *out)
{
	/* rightid= unset: the peer's address, as Libreswan; with a peer of
	 * %any (no address in the config) any identity will do */
	const struct end *that = conn_that(ike->conn);
	if (that->id.kind == ID_NONE && address_is_specified(&that->host))
		*out = id_from_address(&that->host);
	else
		*out = that->id;
}

diag_t id_to_payload(const struct id *id, uint8_t *type, uint8_t *buf, size_t size, size_t *len)
{
	const uint8_t *data;
	size_t n;
	switch (id->kind) {
	case ID_IPV4_ADDR:
	case ID_IPV6_ADDR:
		data = id->ip.bytes;
		n = address_len(&id->ip);
		break;
	case ID_FQDN:
	case ID_USER_FQDN:
	case ID_KEY_ID:
		data = id->name;
		n = id->len;
		break;
	case ID_NULL:
		data = NULL;
		n = 0;
		break;
	default:
		return diag("identity type %s cannot be sent with authby=secret yet",
			    id_kind_name(id->kind));
	}
	if (n > size)
		return diag("identity of %zu bytes is too long", n);
	if (n > 0)
		memcpy(buf, data, n);
	*type = (uint8_t)id->kind;
	*len = n;
	return NULL;
}

diag_t id_from_payload(const struct ike_id_payload *p, struct id *out)
{
	struct id id = { 0 };
	switch (p->type) {
	case IKEv2_ID_IPV4_ADDR:
	case IKEv2_ID_IPV6_ADDR: {
		size_t want = p->type == IKEv2_ID_IPV4_ADDR ? 4 : 16;
		if (p->data.len != want)
			return diag("%s identity of %zu bytes (expected %zu)",
				    ike_id_type_name(p->type), p->data.len, want);
		id.kind = p->type == IKEv2_ID_IPV4_ADDR ? ID_IPV4_ADDR : ID_IPV6_ADDR;
		id.ip = address_from_bytes(p->type == IKEv2_ID_IPV4_ADDR ? AF_INET : AF_INET6,
					   p->data.ptr, p->data.len);
		break;
	}
	case IKEv2_ID_FQDN:
	case IKEv2_ID_RFC822_ADDR:
	case IKEv2_ID_KEY_ID:
		if (p->data.len == 0)
			return diag("empty %s identity", ike_id_type_name(p->type));
		id.kind = (enum id_kind)p->type;
		id.name = malloc(p->data.len + 1);
		if (id.name == NULL)
			abort();
		memcpy(id.name, p->data.ptr, p->data.len);
		id.name[p->data.len] = '\0';
		id.len = p->data.len;
		break;
	case IKEv2_ID_NULL:
		id.kind = ID_NULL;
		break;
	default:
		return diag("identity type %s (%u) is not supported",
			    ike_id_type_name(p->type) != NULL ? ike_id_type_name(p->type) : "unknown",
			    p->type);
	}
	*out = id;
	return NULL;
}

/*
 * AUTH = prf(prf(PSK, "Key Pad for IKEv2"), <SignedOctets>) (RFC 7296
 * 2.15): OURS computes what this end sends, else what the peer must send.
 */
diag_t ike_psk_auth(struct ike_sa *ike, bool ours, struct ike_span id_body, uint8_t *out,
		    size_t *out_len)
{
	struct id local;
	ike_local_id(ike, &local);
	struct id expected;
	ike_remote_id(ike, &expected);
	const struct id *remote = ours || ike->peer_id.kind == ID_NONE ? &expected : &ike->peer_id;
	const struct secrets *s = ike->eng->ops->secrets(ike->eng->ctx);
	const struct secret *psk = s == NULL ? NULL
		: secrets_find_psk(s, &local, remote->kind == ID_NONE || remote->kind == ID_ANY
				   ? NULL : remote);
	if (psk == NULL) {
		id_buf lb, rb;
		return diag("no PSK found for '%s' and '%s' in the secrets",
			    str_id(&local, &lb), str_id(remote, &rb));
	}
	/* the sender of the AUTH: its IKE_SA_INIT message, the other's nonce */
	bool sender_is_initiator = ours == ike->initiator;
	const uint8_t *msg = sender_is_initiator ? ike->init_i : ike->init_r;
	size_t msg_len = sender_is_initiator ? ike->init_i_len : ike->init_r_len;
	const uint8_t *nonce = sender_is_initiator ? ike->nr : ike->ni;
	size_t nonce_len = sender_is_initiator ? ike->nr_len : ike->ni_len;
	PK11SymKey *sk_p = sender_is_initiator ? ike->keys.sk_pi : ike->keys.sk_pr;
	uint8_t maced[CRYPTO_MAX_PRF_SIZE];
	diag_t d = crypto_maced_id(ike->prf, sk_p, CRYPTO_CSPAN(id_body.ptr, id_body.len), maced,
				   ike->prf->out_size);
	if (d != NULL)
		return d;
	PK11SymKey *padded = NULL;	/* kept by the cache */
	d = psk_cache_keypad(&ike->eng->psk_cache, ike->prf, psk->bytes, psk->len, &padded);
	if (d != NULL)
		return d;
	d = crypto_psk_auth_padded(ike->prf, padded, CRYPTO_CSPAN(msg, msg_len),
				   CRYPTO_CSPAN(nonce, nonce_len),
				   CRYPTO_CSPAN(maced, ike->prf->out_size), out, ike->prf->out_size);
	if (d == NULL)
		*out_len = ike->prf->out_size;
	return d;
}

/* ---- whack entry points ---- */

int ikev2_initiate(struct ikev2_engine *e, struct connection *c, struct log_client *client,
		   const struct ikev2_initiate_opts *opts)
{
	if (!conn_oriented(c)) {
		llog(&c->logger, LOG_SEV_ERROR,
		     "cannot initiate: neither end is a local address (connection is unoriented)");
		return CTL_RC_ORIENT;
	}
	const struct end *that = conn_that(c);
	if (!address_is_specified(&that->host)) {
		llog(&c->logger, LOG_SEV_ERROR, "cannot initiate connection without knowing peer IP address");
		return CTL_RC_NOPEERIP;
	}
	if (c->config != NULL && c->config->keyexchange != KE_IKEV2) {
		llog(&c->logger, LOG_SEV_ERROR, "cannot initiate: IKEv1 is not supported");
		return CTL_RC_NOT_SUPPORTED;
	}
	if (c->config != NULL &&
	    (c->config->authby & (AUTHBY_SECRET | AUTHBY_RSASIG | AUTHBY_ECDSA)) == 0) {
		llog(&c->logger, LOG_SEV_ERROR,
		     "cannot initiate: only authby=secret, rsasig, rsa-sha2, rsa-sha1 and ecdsa are supported");
		return CTL_RC_NOT_SUPPORTED;
	}
	/*
	 * One negotiation at a time per connection.  Its IKE SA established
	 * but no Child SA of its own (the peer deleted only the Child SA; an
	 * ACQUIRE after it went): a new one over it with CREATE_CHILD_SA.
	 */
	struct ike_sa *first = NULL, *established = NULL;
	struct child_sa *child = NULL;
	for (struct ike_sa *ike = sa_ike_of_conn(&e->sas, c); ike != NULL; ike = ike->conn_next) {
		if (ike->state == IKE_SA_DELETE)
			continue;
		if (first == NULL)
			first = ike;
		if (ike->state == ESTABLISHED_IKE_SA && established == NULL)
			established = ike;
		for (struct child_sa *ch = ike->children; ch != NULL && child == NULL; ch = ch->sibling_next)
			if (ch->conn == c && ch->state != CHILD_SA_DELETE)
				child = ch;
	}
	if (first != NULL && (established == NULL || child != NULL)) {
		struct ike_sa *ike = established != NULL ? established : first;
		struct logger lg = ike->logger;
		lg.client = client;
		llog(&lg, LOG_SEV_INFO, "IKE SA is already %s",
		     ike->state == ESTABLISHED_IKE_SA ? "established" : "being negotiated");
		if (child != NULL) {
			lg = child->logger;
			lg.client = client;
			llog(&lg, LOG_SEV_INFO, "Child SA #%lu using IKE SA #%lu is already %s", child->serial,
			     child->ike->serial,
			     child->state == ESTABLISHED_CHILD_SA ? "established" : "being negotiated");
		}
		return CTL_RC_OK;
	}
	if (established != NULL) {
		int queued = child_new_queue_on(established, c, client);
		return queued == IKEV2_INITIATE_STARTED ? IKEV2_INITIATE_STARTED : CTL_RC_OK;
	}
	/* a leftsubnets= sibling's IKE SA: a Child SA over it (CREATE_CHILD_SA) */
	int queued = child_new_queue(e, c, client);
	if (queued != 0)
		return queued == IKEV2_INITIATE_STARTED ? IKEV2_INITIATE_STARTED : CTL_RC_OK;
	ip_endpoint local = { .addr = conn_this(c)->host, .port = 500 };
	ip_endpoint remote = { .addr = that->host, .port = 500 };
	struct ike_sa *ike = ike_sa_new(e, c, true, &local, &remote);
	ike->logger.client = client;
	ike->childless = opts != NULL && opts->childless;
	sa_add_ike(&e->sas, ike);
	ike_set_state(ike, IKE_SA_INIT_I0);
	LLOG_JAMBUF(&ike->logger, LOG_SEV_INFO, b) {
		jam_str(b, "initiating IKEv2 connection to ");
		jam_address(b, &remote.addr);
		jam_str(b, " using UDP");
	}
	ike_sa_init_start(ike);
	return client != NULL ? IKEV2_INITIATE_STARTED : CTL_RC_OK;
}

static int cmp_ike_serial(const void *a, const void *b)
{
	unsigned long x = (*(struct ike_sa *const *)a)->serial, y = (*(struct ike_sa *const *)b)->serial;
	return x < y ? -1 : x > y;
}

unsigned ikev2_terminate(struct ikev2_engine *e, struct connection *c)
{
	unsigned count = 0;
	if (revival_cancel(e, c))
		llog(&c->logger, LOG_SEV_INFO, "cancelling the scheduled revival");
	/* the IKE SAs involved, in serial order: C's own, and those of other
	 * connections carrying a Child SA of C (leftsubnets=); by the
	 * per-connection lists, not a walk of every IKE SA */
	size_t n = 0, size = 8;
	struct ike_sa **v = xcalloc(size, sizeof(*v));
	for (struct child_sa *ch = sa_child_of_conn(&e->sas, c); ch != NULL; ch = ch->conn_next) {
		if (ch->ike->conn == c)
			continue;
		bool seen = false;
		for (size_t i = 0; i < n && !seen; i++)
			seen = v[i] == ch->ike;
		if (seen)
			continue;
		if (n == size) {
			v = realloc(v, (size *= 2) * sizeof(*v));
			if (v == NULL)
				abort();
		}
		v[n++] = ch->ike;
	}
	for (struct ike_sa *ike = sa_ike_of_conn(&e->sas, c); ike != NULL; ike = ike->conn_next) {
		if (n == size) {
			v = realloc(v, (size *= 2) * sizeof(*v));
			if (v == NULL)
				abort();
		}
		v[n++] = ike;
	}
	qsort(v, n, sizeof(*v), cmp_ike_serial);
	for (size_t i = 0; i < n; i++) {
		struct ike_sa *ike = v[i];
		if (ike->conn != c) {
			/* C's Child SAs over another connection's IKE SA (leftsubnets=) */
			struct child_sa *mine[8];
			unsigned k = 0;
			for (struct child_sa *ch = ike->children; ch != NULL && k < 8; ch = ch->sibling_next)
				if (ch->conn == c)
					mine[k++] = ch;
			if (k > 0 && ike->state == ESTABLISHED_IKE_SA)
				send_delete_children(ike, mine, k);
			for (unsigned j = 0; j < k; j++)
				child_sa_delete(mine[j]);
			count += k;
			continue;
		}
		count++;
		if (ike->state == ESTABLISHED_IKE_SA) {
			llog(&ike->logger, LOG_SEV_INFO, "deleting IKE SA (%s) and sending notification",
			     ike_sa_state_name(ike->state));
			send_delete_ike(ike);
		} else {
			llog(&ike->logger, LOG_SEV_INFO, "deleting IKE SA (%s)",
			     ike_sa_state_name(ike->state));
		}
		ike_sa_delete(ike);
	}
	free(v);
	return count;
}

uint16_t ike_message_error_notify(const struct ike_message *m)
{
	uint16_t why = 0;
	for (unsigned i = 0; i < m->nr_payloads; i++)
		if (m->payloads[i].type == IKEv2_NP_N && m->payloads[i].u.n.type < 16384)
			why = m->payloads[i].u.n.type;
	return why;
}
