/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: ike= / esp= proposal strings.  The first byte picks
 * IKE or ESP, the rest is the string.  Whatever parses must print to a
 * string that parses to the same proposals, convert to an SA payload, and
 * match itself (responder choice accepted by the initiator).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tern/ike_proposal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c); abort(); } } while (0)

static struct ike_alg_proposals ps, again;
static struct ike_sa_build ours, reply;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 4096)
		return 0;
	uint8_t protocol = (data[0] & 1) ? IKEv2_PROTO_ESP : IKEv2_PROTO_IKE;
	char str[4097];
	memcpy(str, data + 1, size - 1);
	str[size - 1] = '\0';
	diag_t d = ike_alg_proposals_parse(protocol, str, &ps);
	if (d != NULL) {
		CHECK(strlen(diag_str(d)) > 0);
		diag_free(&d);
		return 0;
	}
	CHECK(ps.count > 0 && ps.count <= IKE_ALG_MAX_PROPOSALS);
	char printed[8192];
	struct jambuf b = jambuf_init(printed, sizeof(printed));
	jam_ike_alg_proposals(&b, &ps);
	CHECK(!b.truncated);
	d = ike_alg_proposals_parse(protocol, printed, &again);
	if (d != NULL) {
		fprintf(stderr, "'%s' -> '%s': %s\n", str, printed, diag_str(d));
		abort();
	}
	CHECK(again.count == ps.count);
	CHECK(memcmp(again.p, ps.p, sizeof(ps.p[0]) * ps.count) == 0);

	static const uint8_t spi[4] = { 0xc0, 0, 0, 1 };
	struct ike_sa_params params = {
		.spi = protocol == IKEv2_PROTO_ESP ? spi : NULL,
		.spi_size = protocol == IKEv2_PROTO_ESP ? 4 : 0,
		.esn = IKE_ESN_EITHER,
	};
	d = ike_alg_proposals_to_sa(&ps, &params, &ours);
	CHECK(d == NULL);
	struct ike_sa_choice ch, acc;
	d = ike_sa_choose(&ours.sa, &ours.sa, 0, false, &ch);
	CHECK(d == NULL);
	CHECK(ch.number == 1);
	ike_sa_choice_to_sa(&ch, spi, params.spi_size, &reply);
	d = ike_sa_accept(&ours.sa, &reply.sa, false, &acc);
	CHECK(d == NULL);
	CHECK(memcmp(acc.id, ch.id, sizeof(ch.id)) == 0);
	return 0;
}
