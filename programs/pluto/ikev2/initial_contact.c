/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * INITIAL_CONTACT (RFC 7296 2.4) and uniqueids=.
 *
 * An initiator with no established IKE SA with the peer sends
 * N(INITIAL_CONTACT) in its IKE_AUTH request: it says "I have no other SA
 * with you", typically because it restarted.  The responder that
 * authenticates such a request deletes every other IKE SA (and its Child
 * SAs) with that peer identity at once, without notification: their
 * keys died with the peer's old process, and their kernel policies would
 * otherwise outlive the new tunnel's.
 *
 * uniqueids=yes (config setup, the default as in Libreswan): a new IKE
 * SA of a connection replaces older IKE SAs of the same connection with
 * the same peer ID (a road warrior coming back, a peer that restarted
 * without INITIAL_CONTACT).
 *
 * Only SAs established in an earlier second than the new IKE SA was
 * created are replaced: two tunnels a restarted peer brings up at once
 * (each with INITIAL_CONTACT) do not delete each other.  Rekeys are not
 * replacements (the rekey exchange deletes the old IKE SA itself).
 *
 * The established IKE SAs are indexed here by peer identity (hashed text
 * of the ID), so neither the decision to send INITIAL_CONTACT nor the
 * clean-up walks all SAs.
 */
#include <stdlib.h>
#include <string.h>

#include "tern/ctl.h"
#include "ikev2/internal.h"

bool ikev2_uniqueids = true;
bool ikev2_send_initial_contact = true;

struct entry {
	struct ike_sa *ike;
	struct ikev2_engine *e;
	uint64_t hash;
	char *id;		/* str_id() of the peer's identity */
	uint64_t established_s;	/* wall clock */
	struct entry *next;
};

static struct entry **buckets;
static size_t nr_buckets, nr_entries;

static uint64_t hash_text(const char *s)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */
	for (; *s != '\0'; s++) {
		h ^= (uint8_t)*s;
		h *= 1099511628211ull;
	}
	return h;
}

static void grow(void)
{
	size_t n = nr_buckets == 0 ? 64 : nr_buckets * 2;
	struct entry **b = calloc(n, sizeof(*b));
	if (b == NULL)
		abort();
	for (size_t i = 0; i < nr_buckets; i++) {
		while (buckets[i] != NULL) {
			struct entry *x = buckets[i];
			buckets[i] = x->next;
			x->next = b[x->hash & (n - 1)];
			b[x->hash & (n - 1)] = x;
		}
	}
	free(buckets);
	buckets = b;
	nr_buckets = n;
}

static void index_add(struct ike_sa *ike, const char *id)
{
	if (nr_entries >= nr_buckets)
		grow();
	struct entry *x = calloc(1, sizeof(*x));
	if (x == NULL)
		abort();
	x->ike = ike;
	x->e = ike->eng;
	x->hash = hash_text(id);
	x->id = strdup(id);
	if (x->id == NULL)
		abort();
	x->established_s = ike->eng->ops->wall_s(ike->eng->ctx);
	x->next = buckets[x->hash & (nr_buckets - 1)];
	buckets[x->hash & (nr_buckets - 1)] = x;
	nr_entries++;
}

static void index_remove(struct ike_sa *ike)
{
	if (nr_buckets == 0)
		return;
	id_buf ib;
	uint64_t h = hash_text(str_id(&ike->peer_id, &ib));
	for (struct entry **pp = &buckets[h & (nr_buckets - 1)]; *pp != NULL; pp = &(*pp)->next) {
		if ((*pp)->ike == ike) {
			struct entry *x = *pp;
			*pp = x->next;
			free(x->id);
			free(x);
			nr_entries--;
			if (nr_entries == 0) {
				free(buckets);
				buckets = NULL;
				nr_buckets = 0;
			}
			return;
		}
	}
}

void initial_contact_index(struct ike_sa *ike, bool established)
{
	if (established) {
		id_buf ib;
		index_add(ike, str_id(&ike->peer_id, &ib));
	} else {
		index_remove(ike);
	}
}

bool initial_contact_wanted(const struct ike_sa *ike)
{
	if (!ikev2_send_initial_contact)
		return false;
	struct id want;
	ike_remote_id(ike, &want);
	struct id addr = id_from_address(&ike->remote.addr);
	const struct id *id = id_is_wildcard(&want) || want.kind == ID_NONE ||
			      want.kind == ID_FROMCERT ? &addr : &want;
	id_buf ib;
	const char *text = str_id(id, &ib);
	uint64_t h = hash_text(text);
	if (nr_buckets == 0)
		return true;
	for (struct entry *x = buckets[h & (nr_buckets - 1)]; x != NULL; x = x->next)
		if (x->e == ike->eng && x->hash == h && strcmp(x->id, text) == 0 && x->ike != ike)
			return false;
	return true;
}

static void replace(struct ike_sa *old, struct ike_sa *ike, const char *why)
{
	llog(&ike->logger, LOG_SEV_INFO, "%s: replacing IKE SA #%lu", why, old->serial);
	llog(&old->logger, LOG_SEV_INFO, "deleting IKE SA (%s) without notification: replaced by #%lu",
	     ike_sa_state_name(old->state), ike->serial);
	ike_whack_done(old, CTL_RC_FATAL);
	ike_sa_delete(old);
}

void initial_contact_established(struct ike_sa *ike, bool initial_contact)
{
	if (ike_reauth_established(ike))
		return;		/* reauth=yes: its old IKE SA went */
	if (ike->rekey_of != 0 || (!initial_contact && !ikev2_uniqueids))
		return;
	id_buf ib;
	const char *text = str_id(&ike->peer_id, &ib);
	uint64_t h = hash_text(text);
	/* collect first (deleting changes the chain), 64 at a time */
	unsigned n;
	do {
		struct ike_sa *victims[64];
		n = 0;
		for (struct entry *x = buckets[h & (nr_buckets - 1)]; x != NULL && n < 64; x = x->next) {
			if (x->e != ike->eng || x->hash != h || strcmp(x->id, text) != 0 || x->ike == ike)
				continue;
			if (x->established_s >= ike->add_time)
				continue;	/* brought up together with this one */
			if (!initial_contact && x->ike->conn != ike->conn)
				continue;	/* uniqueids: the same connection only */
			victims[n++] = x->ike;
		}
		/* a rekey of a victim in flight dies with it (ike_rekey_forget) */
		for (unsigned i = 0; i < n; i++)
			replace(victims[i], ike, initial_contact ? "received INITIAL_CONTACT" : "uniqueids");
	} while (n == 64);
}
