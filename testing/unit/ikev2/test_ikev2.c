/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Two IKEv2 engines, west (initiator) and east (responder), in one
 * process: messages go through a queue instead of sockets, time is a fake
 * clock, worker jobs run when the test pumps them, and a fake kernel
 * records the SAs and policies.  Every test drives a real negotiation
 * (real NSS crypto) and checks what both sides logged and installed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <nss.h>
#include "harness.h"

static void establish(const struct setup *s, const char *xfrm)
{
	setup_peers(s);
	assert_int_equal(initiate(false), IKEV2_INITIATE_STARTED);
	pump();
	assert_true(west.whack_done);
	assert_int_equal(west.whack_rc, CTL_RC_OK);
	expect_log("\"C\" #1: initiating IKEv2 connection to 192.0.2.2 using UDP");
	expect_log("\"C\" #1: sent IKE_SA_INIT request to 192.0.2.2:UDP/500");
	expect_log("\"C\" #1: processed IKE_SA_INIT response from 192.0.2.2:UDP/500 {cipher=");
	expect_log("}, initiating IKE_AUTH");
	expect_log("\"C\" #1: sent IKE_AUTH request to 192.0.2.2:UDP/500 with shared-key-mac and FQDN '@west'; Child SA #2 {ESP <0x1000aa00}");
	expect_log("\"C\" #1: initiator established IKE SA; authenticated peer using authby=secret and FQDN '@east'");
	expect_log("\"C\" #1: responder established IKE SA; authenticated peer using authby=secret and FQDN '@west'");
	expect_log("\"C\" #2: initiator established Child SA using #1; IPsec tunnel [10.0.1.0/24===10.0.2.0/24] {ESP/ESN=>0x2000bb00 <0x1000aa00 xfrm=");
	expect_log("\"C\" #2: responder established Child SA using #1; IPsec tunnel [10.0.2.0/24===10.0.1.0/24] {ESP/ESN=>0x1000aa00 <0x2000bb00 xfrm=");
	if (xfrm != NULL)
		expect_log(xfrm);
	expect_matching_sas();
	struct ike_sa *w = only_ike(&west), *e = only_ike(&east);
	assert_non_null(w);
	assert_non_null(e);
	assert_int_equal(w->state, ESTABLISHED_IKE_SA);
	assert_int_equal(e->state, ESTABLISHED_IKE_SA);
	assert_memory_equal(w->ispi, e->ispi, 8);
	assert_memory_equal(w->rspi, e->rspi, 8);
}

/* ---- tests ---- */

static void test_aes_gcm_x25519(void **state)
{
	(void)state;
	struct setup s = { .west_conf = "\tike=aes_gcm256-sha2_512;dh31\n\tesp=aes_gcm256\n",
			   .east_conf = "\tike=aes_gcm256-sha2_512;dh31\n\tesp=aes_gcm256\n" };
	establish(&s, "{cipher=AES_GCM_16_256 integ=n/a prf=HMAC_SHA2_512 ke=DH31}, initiating IKE_AUTH");
	expect_log("xfrm=AES_GCM_16_256 DPD=passive}");
	/* AES-GCM-16 256: 32 octets of key and 4 of salt */
	assert_int_equal(west.states[0].sa.encr_key_len, 36);
	assert_int_equal(west.states[0].sa.integ_key_len, 0);
}

static void test_aes_cbc_sha2_modp2048(void **state)
{
	(void)state;
	struct setup s = { .west_conf = "\tike=aes256-sha2_256-modp2048\n\tesp=aes128-sha2_256\n",
			   .east_conf = "\tike=aes256-sha2_256-modp2048\n\tesp=aes128-sha2_256\n" };
	establish(&s, "{cipher=AES_CBC_256 integ=HMAC_SHA2_256_128 prf=HMAC_SHA2_256 ke=MODP2048}");
	expect_log("xfrm=AES_CBC_128-HMAC_SHA2_256_128 DPD=passive}");
	assert_int_equal(west.states[0].sa.encr_key_len, 16);
	assert_int_equal(west.states[0].sa.integ_key_len, 32);
}

static void test_chacha20_ecp256(void **state)
{
	(void)state;
	struct setup s = { .west_conf = "\tike=chacha20_poly1305-sha2_256-dh19\n\tesp=chacha20_poly1305\n",
			   .east_conf = "\tike=chacha20_poly1305-sha2_256-dh19\n\tesp=chacha20_poly1305\n" };
	establish(&s, "ke=DH19}, initiating IKE_AUTH");
	expect_log("xfrm=CHACHA20_POLY1305");
}

struct shown {
	char *line[16];
	unsigned n;
};

static void collect(void *ctx, const char *text, size_t len)
{
	struct shown *o = ctx;
	if (o->n < 16)
		o->line[o->n++] = strndup(text, len);
}

static void test_status_lines(void **state)
{
	(void)state;
	struct setup s = { 0 };
	establish(&s, NULL);
	/* the defaults: AES-GCM-16 256, SHA2-512 prf, DH19 first */
	expect_log("{cipher=AES_GCM_16_256 integ=n/a prf=HMAC_SHA2_512 ke=DH19}");
	struct shown out = { .n = 0 };
	struct show sh = { .line = collect, .ctx = &out };
	ikev2_show_states(east.e, &sh);
	ikev2_show_traffic(west.e, &sh, "C");
	ikev2_show_traffic(west.e, &sh, "other");
	ikev2_show_brief(west.e, &sh);
	assert_int_equal(out.n, 6);
	assert_string_equal(out.line[0], "#1: \"C\":500 ESTABLISHED_IKE_SA (established IKE SA); newest; idle;");
	assert_string_equal(out.line[1], "#2: \"C\":500 ESTABLISHED_CHILD_SA (established Child SA); newest; eroute owner; IKE SA #1; idle;");
	assert_string_equal(out.line[2], "#2: \"C\" esp.1000aa00@192.0.2.1 esp.2000bb00@192.0.2.2 tun.0@192.0.2.1 tun.0@192.0.2.2 Traffic: ESPin=84B ESPout=84B ESPmax=2^63B");
	assert_string_equal(out.line[3], "#2: \"C\", type=ESP, add_time=1700000000, inBytes=84, outBytes=84, maxBytes=2^63B, id='@east'");
	assert_string_equal(out.line[4], "IKE SAs: total(1), half-open(0), open(0), authenticated(1), anonymous(0)");
	assert_string_equal(out.line[5], "IPsec SAs: total(1), authenticated(1), anonymous(0)");
	for (unsigned i = 0; i < out.n; i++)
		free(out.line[i]);
}

static void test_psk_mismatch(void **state)
{
	(void)state;
	struct setup s = { .east_psk = "not-the-same-secret" };
	setup_peers(&s);
	assert_int_equal(initiate(false), IKEV2_INITIATE_STARTED);
	pump();
	expect_log("\"C\" #1: authentication of the initiator using authby=secret failed: AUTH payload does not match (pre-shared key mismatch?)");
	expect_log("\"C\" #1: responding to IKE_AUTH request with notification AUTHENTICATION_FAILED");
	expect_log("\"C\" #1: IKE SA authentication request rejected by peer: AUTHENTICATION_FAILED");
	assert_true(west.whack_done);
	assert_int_equal(west.whack_rc, CTL_RC_FATAL);
	assert_int_equal(west.e->sas.nr_ike, 0);
	assert_int_equal(east.e->sas.nr_ike, 0);
	assert_int_equal(live_states(&west) + live_states(&east), 0);
}

static void test_responder_id_mismatch(void **state)
{
	(void)state;
	/* east calls itself @east-other; west expects @east */
	struct setup s = { .east_conf = "\trightid=@east-other\n" };
	setup_peers(&s);
	initiate(false);
	pump();
	expect_log("\"C\" #1: responder established IKE SA; authenticated peer using authby=secret and FQDN '@west'");
	expect_log("\"C\" #1: ERROR: peer ID '@east-other' does not match the expected '@east'");
	expect_log("\"C\" #1: sent INFORMATIONAL request with notification AUTHENTICATION_FAILED");
	expect_log("\"C\" #1: peer rejected our authentication (AUTHENTICATION_FAILED): deleting IKE SA");
	assert_int_equal(west.whack_rc, CTL_RC_FATAL);
	assert_int_equal(west.e->sas.nr_ike + east.e->sas.nr_ike, 0);
	assert_int_equal(live_states(&west) + live_states(&east), 0);
}

static void test_proposal_mismatch(void **state)
{
	(void)state;
	struct setup s = { .west_conf = "\tike=aes256-sha2_256-modp2048\n",
			   .east_conf = "\tike=aes_gcm256-sha2_512-dh19\n" };
	setup_peers(&s);
	initiate(false);
	pump();
	expect_log("responding with NO_PROPOSAL_CHOSEN");
	expect_log("\"C\" #1: IKE_SA_INIT request rejected by peer: NO_PROPOSAL_CHOSEN");
	assert_int_equal(west.whack_rc, CTL_RC_FATAL);
	assert_int_equal(west.e->sas.nr_ike + east.e->sas.nr_ike, 0);
}

static void test_esp_proposal_mismatch(void **state)
{
	(void)state;
	struct setup s = { .west_conf = "\tesp=aes128-sha2_256\n", .east_conf = "\tesp=aes_gcm256\n" };
	setup_peers(&s);
	initiate(false);
	pump();
	expect_log("\"C\" #2: Child SA: no acceptable proposal");
	expect_log("\"C\" #2: IKE_AUTH response rejected Child SA with NO_PROPOSAL_CHOSEN");
	assert_int_equal(west.whack_rc, CTL_RC_FATAL);
	/* the IKE SA stays, childless, on both ends */
	assert_int_equal(only_ike(&west)->state, ESTABLISHED_IKE_SA);
	assert_int_equal(only_ike(&east)->state, ESTABLISHED_IKE_SA);
	assert_int_equal(west.e->sas.nr_child + east.e->sas.nr_child, 0);
}

static void test_ts_mismatch(void **state)
{
	(void)state;
	struct setup s = { .east_conf = "\tleftsubnet=10.9.0.0/24\n" };
	setup_peers(&s);
	initiate(false);
	pump();
	expect_log("\"C\" #2: Child SA: the initiator's traffic selectors do not cover [10.0.2.0/24===10.9.0.0/24]; responding with TS_UNACCEPTABLE");
	expect_log("\"C\" #2: IKE_AUTH response rejected Child SA with TS_UNACCEPTABLE");
	assert_int_equal(west.whack_rc, CTL_RC_FATAL);
	assert_int_equal(only_ike(&west)->state, ESTABLISHED_IKE_SA);
	assert_int_equal(live_states(&west) + live_states(&east), 0);
}

static void test_invalid_ke(void **state)
{
	(void)state;
	struct setup s = { .west_conf = "\tike=aes_gcm256-sha2_512;dh19+dh31\n",
			   .east_conf = "\tike=aes_gcm256-sha2_512;dh31\n" };
	setup_peers(&s);
	initiate(false);
	pump();
	expect_log("initiator guessed wrong key exchange group DH19; responding with INVALID_KE_PAYLOAD requesting DH31");
	expect_log("\"C\" #1: Received unauthenticated INVALID_KE_PAYLOAD response to DH DH19; resending with suggested DH DH31");
	expect_log("ke=DH31}, initiating IKE_AUTH");
	assert_int_equal(west.whack_rc, CTL_RC_OK);
	expect_matching_sas();
}

static void test_cookie(void **state)
{
	(void)state;
	struct setup s = { 0 };
	setup_peers(&s);
	east.e->halfopen_cookie_threshold = 0;	/* always demand one */
	initiate(false);
	pump();
	expect_log("0 half-open IKE SAs: answering IKE_SA_INIT request from 192.0.2.1:500 with a COOKIE");
	expect_log("\"C\" #1: received anti-DDOS COOKIE response, resending IKE_SA_INIT request with COOKIE payload");
	assert_int_equal(west.whack_rc, CTL_RC_OK);
	expect_matching_sas();
}

static void test_retransmit_timeout(void **state)
{
	(void)state;
	struct setup s = { .west_conf = "\tretransmit-timeout=10s\n" };
	setup_peers(&s);
	west.drop_sends = -1;
	initiate(false);
	run_for(30000);
	expect_log("\"C\" #1: retransmitting IKE_SA_INIT request; will wait 0.5 seconds for response");
	expect_log("\"C\" #1: retransmitting IKE_SA_INIT request; will wait 1 seconds for response");
	expect_log("\"C\" #1: retransmitting IKE_SA_INIT request; will wait 4 seconds for response");
	expect_log("\"C\" #1: IKE_SA_INIT_I: 10 second timeout exceeded after 5 retransmits.  No response (or no acceptable response) to our first IKEv2 message");
	assert_int_equal(west.whack_rc, CTL_RC_NORETRANSMISSION);
	/* first send at 0, then 0.5, 1, 2, 4, 8 seconds */
	static const uint64_t want[] = { 0, 500, 1000, 2000, 4000, 8000 };
	assert_int_equal(nr_send_times, 6);
	for (unsigned i = 0; i < 6; i++)
		assert_int_equal(send_times[i], want[i]);
	assert_int_equal(west.e->sas.nr_ike, 0);
}

static void test_default_timeout_60s(void **state)
{
	(void)state;
	struct setup s = { 0 };
	setup_peers(&s);
	west.drop_sends = -1;
	initiate(false);
	run_for(120000);
	expect_log("\"C\" #1: IKE_SA_INIT_I: 60 second timeout exceeded after 7 retransmits.  No response (or no acceptable response) to our first IKEv2 message");
}

static void test_duplicate_request(void **state)
{
	(void)state;
	struct setup s = { 0 };
	setup_peers(&s);
	initiate(false);
	/* IKE_SA_INIT response goes through; the IKE_AUTH response is lost once */
	pump();	/* everything happens at time 0 ... */
	teardown(NULL);
	setup_peers(&s);
	initiate(false);
	run_one_job();	/* west KE */
	deliver_one();	/* IKE_SA_INIT request -> east */
	run_one_job();	/* east KE + keys */
	deliver_one();	/* response -> west */
	run_one_job();	/* west keys -> IKE_AUTH request */
	east.drop_sends = 1;	/* east's IKE_AUTH response is lost */
	pump();
	assert_false(west.whack_done);
	run_for(600);
	expect_log("\"C\" #1: retransmitting IKE_AUTH request; will wait 0.5 seconds for response");
	expect_log("\"C\" #1: received duplicate IKE_AUTH request; retransmitting the response");
	assert_int_equal(west.whack_rc, CTL_RC_OK);
	/* answered from the saved response: east installed its Child SA once */
	assert_int_equal(east.nr_states, 2);
	expect_matching_sas();
}

static void test_duplicate_init_request(void **state)
{
	(void)state;
	struct setup s = { 0 };
	setup_peers(&s);
	east.drop_sends = 1;	/* east's IKE_SA_INIT response is lost */
	initiate(false);
	run_for(600);
	expect_log("\"C\" #1: retransmitting IKE_SA_INIT request; will wait 0.5 seconds for response");
	expect_log("\"C\" #1: received duplicate IKE_SA_INIT request; retransmitting the response");
	assert_int_equal(west.whack_rc, CTL_RC_OK);
	/* one IKE SA on east: the duplicate made no second one */
	assert_int_equal(east.e->sas.nr_ike, 1);
	expect_matching_sas();
}

static void test_delete_from_initiator(void **state)
{
	(void)state;
	struct setup s = { 0 };
	establish(&s, NULL);
	assert_int_equal(ikev2_terminate(west.e, west.conn), 1);
	pump();
	expect_log("\"C\" #1: deleting IKE SA (ESTABLISHED_IKE_SA) and sending notification");
	expect_log("\"C\" #1: sent INFORMATIONAL request to delete IKE SA");
	expect_log("\"C\" #2: ESP traffic information: in=84B out=84B");
	expect_log("\"C\" #1: received Delete SA payload: deleting IKE SA");
	assert_int_equal(west.e->sas.nr_ike + east.e->sas.nr_ike, 0);
	assert_int_equal(west.e->sas.nr_child + east.e->sas.nr_child, 0);
	assert_int_equal(live_states(&west) + live_states(&east), 0);
	assert_int_equal(west.policies + east.policies, 0);
}

/* the PSK Key Pad key is kept per secret (ikev2/psk_cache.c): secrets
 * reloaded with another PSK are used at once, and the old one no more */
static void set_psk(struct peer *p, const char *psk)
{
	char text[256];
	snprintf(text, sizeof(text), "@west @east : PSK \"%s\"\n", psk);
	secrets_free(&p->secrets);
	secrets_parse_buffer(p->name, text, strlen(text), &p->secrets);
}

static void test_psk_reloaded(void **state)
{
	(void)state;
	struct setup s = { 0 };
	establish(&s, NULL);	/* the default PSK, now in both caches */
	assert_int_equal(ikev2_terminate(west.e, west.conn), 1);
	pump();
	assert_int_equal(west.e->sas.nr_ike + east.e->sas.nr_ike, 0);
	/* east reloads another PSK: the cached one must not answer for it */
	set_psk(&east, "the-new-secret-of-east");
	for (unsigned i = 0; i < nr_lines; i++)
		free(lines[i]);
	nr_lines = 0;
	west.whack_done = false;
	assert_int_equal(initiate(false), IKEV2_INITIATE_STARTED);
	pump();
	expect_log("authentication of the initiator using authby=secret failed: AUTH payload does not match (pre-shared key mismatch?)");
	assert_true(west.whack_done);
	assert_int_equal(west.whack_rc, CTL_RC_FATAL);
	assert_int_equal(west.e->sas.nr_ike + east.e->sas.nr_ike, 0);
	/* west reloads it too: up again */
	set_psk(&west, "the-new-secret-of-east");
	west.whack_done = false;
	assert_int_equal(initiate(false), IKEV2_INITIATE_STARTED);
	pump();
	assert_true(west.whack_done);
	assert_int_equal(west.whack_rc, CTL_RC_OK);
	assert_int_equal(west.e->sas.nr_ike_established, 1);
	assert_int_equal(east.e->sas.nr_ike_established, 1);
}

static void test_delete_from_responder(void **state)
{
	(void)state;
	struct setup s = { 0 };
	establish(&s, NULL);
	assert_int_equal(ikev2_terminate(east.e, east.conn), 1);
	pump();
	expect_log("\"C\" #1: received Delete SA payload: deleting IKE SA");
	assert_int_equal(west.e->sas.nr_ike + east.e->sas.nr_ike, 0);
	assert_int_equal(live_states(&west) + live_states(&east), 0);
}

static void test_childless(void **state)
{
	(void)state;
	struct setup s = { 0 };
	setup_peers(&s);
	assert_int_equal(initiate(true), IKEV2_INITIATE_STARTED);
	pump();
	expect_log("IKE_AUTH request proposes no Child SA (SA, TSi and TSr are absent: childless)");
	expect_log("\"C\" #1: initiator established IKE SA");
	assert_false(logged("established Child SA"));
	assert_int_equal(west.whack_rc, CTL_RC_OK);
	assert_int_equal(west.e->sas.nr_child + east.e->sas.nr_child, 0);
	assert_int_equal(live_states(&west) + live_states(&east), 0);
	assert_int_equal(only_ike(&east)->state, ESTABLISHED_IKE_SA);
}

static void test_kernel_refuses_esp_initiator(void **state)
{
	(void)state;
	struct setup s = { 0 };
	setup_peers(&s);
	west.refuse_esp = true;
	initiate(false);
	pump();
	expect_log("\"C\" #2: ERROR: Child SA not installed, the IKE SA stays up without it: kernel: adding ESP SA 0x1000aa00 failed: kernel has no ESP support (CONFIG_INET_ESP)");
	expect_log("\"C\" #2: sent INFORMATIONAL request to delete Child SA (ESP SPI 0x1000aa00)");
	expect_log("\"C\" #2: received Delete SA payload: deleting Child SA");
	assert_false(logged("initiator established Child SA"));
	assert_int_equal(west.whack_rc, CTL_RC_FATAL);
	assert_int_equal(only_ike(&west)->state, ESTABLISHED_IKE_SA);
	assert_int_equal(west.e->sas.nr_child + east.e->sas.nr_child, 0);
	assert_int_equal(live_states(&west) + live_states(&east), 0);
}

static void test_kernel_refuses_esp_responder(void **state)
{
	(void)state;
	struct setup s = { 0 };
	setup_peers(&s);
	east.refuse_esp = true;
	initiate(false);
	pump();
	expect_log("\"C\" #2: ERROR: Child SA not installed; responding with NO_PROPOSAL_CHOSEN: kernel: adding ESP SA 0x2000bb00 failed: kernel has no ESP support");
	expect_log("\"C\" #2: IKE_AUTH response rejected Child SA with NO_PROPOSAL_CHOSEN");
	assert_false(logged("established Child SA"));
	assert_int_equal(west.whack_rc, CTL_RC_FATAL);
	assert_int_equal(live_states(&west) + live_states(&east), 0);
}

static void test_liveness(void **state)
{
	(void)state;
	struct setup s = { 0 };
	establish(&s, NULL);
	unsigned before = east.sent;
	ikev2_send_liveness(west.e, only_ike(&west));
	pump();
	assert_int_equal(east.sent, before + 1);
	/* answered: nothing is retransmitted later */
	unsigned wsent = west.sent;
	run_for(5000);
	assert_int_equal(west.sent, wsent);
	assert_null(only_ike(&west)->req.pkt);
}


/*
 * ipsec-lifetime=20s rekeymargin=10s rekeyfuzz=0%: west rekeys #2 at 10 s
 * with CREATE_CHILD_SA; both sides have the new pair in the kernel before
 * the old one goes (four states at once, the policies never removed),
 * then west deletes the old one; the new keys match and differ from the
 * old ones.
 */
static void rekey_child(const char *esp, bool pfs)
{
	char conf[256];
	snprintf(conf, sizeof(conf), "\tipsec-lifetime=20s\n\trekeymargin=10s\n\trekeyfuzz=0%%\n\tesp=%s\n\tpfs=%s\n",
		 esp, pfs ? "yes" : "no");
	struct setup s = { .west_conf = conf, .east_conf = conf };
	establish(&s, NULL);
	uint8_t old_key[64];
	size_t old_len = west.states[0].sa.encr_key_len;
	memcpy(old_key, west.states[0].encr, old_len);
	assert_int_equal(west.max_live, 2);
	run_for(9000);
	assert_false(logged("initiating rekey"));
	run_for(2000);
	expect_log("\"C\" #3: initiating rekey to replace Child SA #2");
	expect_log("\"C\" #3: sent CREATE_CHILD_SA request to rekey IPsec SA");
	expect_log("\"C\" #1: processing decrypted CREATE_CHILD_SA request containing SK{N(REKEY_SA),SA,Ni,");
	expect_log("\"C\" #3: responder rekeyed Child SA #2 using #1; IPsec tunnel [10.0.2.0/24===10.0.1.0/24] {ESP/ESN=>0x1000aa01 <0x2000bb01 xfrm=");
	expect_log("\"C\" #3: initiator rekeyed Child SA #2 using #1; IPsec tunnel [10.0.1.0/24===10.0.2.0/24] {ESP/ESN=>0x2000bb01 <0x1000aa01 xfrm=");
	expect_log("\"C\" #2: sent INFORMATIONAL request to delete Child SA (ESP SPI 0x1000aa00)");
	expect_log("\"C\" #2: received Delete SA payload: deleting Child SA");
	if (pfs)
		expect_log("-DH19 DPD=passive}");
	else
		assert_false(logged("-DH19 DPD="));
	/* make-before-break on both sides */
	assert_int_equal(west.max_live, 4);
	assert_int_equal(east.max_live, 4);
	assert_int_equal(west.policy_dels, 0);
	assert_int_equal(east.policy_dels, 0);
	assert_int_equal(west.policies, 3);
	assert_int_equal(east.policies, 3);
	expect_matching_live_sas();
	/* the old outbound SAs went at once; the old inbound SAs stay for
	 * packets in flight (child_retire.c), then go */
	struct kernel_state *o = find_state(&west, 0x1000aa00);
	assert_non_null(o);
	assert_true(o->sa.inbound);
	o = find_state(&east, 0x2000bb00);
	assert_non_null(o);
	assert_true(o->sa.inbound);
	assert_null(find_state(&east, 0x1000aa00));
	assert_null(find_state(&west, 0x2000bb00));
	assert_int_equal(retired_states(&west), 1);
	assert_int_equal(retired_states(&east), 1);
	expect_retired_gone();
	assert_null(find_state(&west, 0x1000aa00));
	assert_null(find_state(&east, 0x2000bb00));
	struct kernel_state *n = find_state(&west, 0x1000aa01);
	assert_non_null(n);
	assert_int_equal(n->sa.encr_key_len, old_len);
	assert_memory_not_equal(n->encr, old_key, old_len);
	assert_int_equal(west.e->sas.nr_child_established, 1);
	assert_int_equal(east.e->sas.nr_child_established, 1);
	assert_null(only_ike(&west)->req.pkt);
	/* and again, from the new one, 10 s later */
	run_for(5000);
	expect_log("\"C\" #4: initiator rekeyed Child SA #3 using #1");
	expect_log("\"C\" #4: responder rekeyed Child SA #3 using #1");
	expect_matching_live_sas();
	assert_int_equal(retired_states(&west), 1);
	assert_int_equal(west.policies, 3);
	assert_int_equal(east.policies, 3);
	/* ipsec down within the grace period: the policies go with the last
	 * Child SA, the retired inbound SAs with them */
	assert_int_equal(ikev2_terminate(west.e, west.conn), 1);
	pump();
	assert_int_equal(live_states(&west), 0);
	assert_int_equal(live_states(&east), 0);
	assert_int_equal(west.policies, 0);
	assert_int_equal(east.policies, 0);
}

static void test_rekey_child_no_pfs(void **state)
{
	(void)state;
	rekey_child("aes_gcm256", false);
}

static void test_rekey_child_pfs(void **state)
{
	(void)state;
	rekey_child("aes128-sha2_256-dh19", true);
}

/* the peer rekeys an SPI we do not know: CHILD_SA_NOT_FOUND, nothing changes */
static void test_rekey_unknown_spi(void **state)
{
	(void)state;
	struct setup s = { 0 };
	establish(&s, NULL);
	struct child_sa *c = only_ike(&west)->children;
	assert_non_null(c);
	/* east deletes its end of #2 first (without telling west) */
	struct ike_sa *e = only_ike(&east);
	child_sa_delete(e->children);
	child_rekey_initiate(c);
	pump();
	expect_log("CREATE_CHILD_SA request to rekey unknown ESP SPI 0x1000aa00; responding with CHILD_SA_NOT_FOUND");
	expect_log("\"C\" #3: CREATE_CHILD_SA failed with CHILD_SA_NOT_FOUND; Child SA #2 stays until it expires");
	assert_int_equal(live_states(&west), 2);
	assert_int_equal(west.e->sas.nr_child_established, 1);
	assert_null(only_ike(&west)->req.pkt);
	assert_int_equal(only_ike(&west)->state, ESTABLISHED_IKE_SA);
}


/*
 * ikelifetime=30s rekeymargin=10s rekeyfuzz=0%: west rekeys the IKE SA at
 * 20 s; both sides end up with one IKE SA, #3, with new SPIs (the same on
 * both sides), the Child SA moved to it untouched in the kernel; a Child
 * SA rekey and a liveness check then run over the new IKE SA.
 */
static void test_rekey_ike(void **state)
{
	(void)state;
	const char *conf = "\tikelifetime=30s\n\trekeymargin=10s\n\trekeyfuzz=0%\n";
	struct setup s = { .west_conf = conf, .east_conf = conf };
	establish(&s, NULL);
	uint8_t old_ispi[8], old_rspi[8];
	memcpy(old_ispi, only_ike(&west)->ispi, 8);
	memcpy(old_rspi, only_ike(&west)->rspi, 8);
	uint32_t spi_in = only_ike(&west)->children->spi_in;
	run_for(19000);
	assert_false(logged("initiating rekey to replace IKE SA"));
	run_for(2000);
	expect_log("\"C\" #3: initiating rekey to replace IKE SA #1");
	expect_log("\"C\" #3: sent CREATE_CHILD_SA request to rekey IKE SA");
	expect_log("\"C\" #1: processing decrypted CREATE_CHILD_SA request containing SK{SA,Ni,KE}");
	expect_log("\"C\" #3: responder rekeyed IKE SA #1 {cipher=");
	expect_log("\"C\" #3: initiator rekeyed IKE SA #1 {cipher=");
	expect_log("\"C\" #1: sent INFORMATIONAL request to delete IKE SA");
	expect_log("\"C\" #1: received Delete SA payload: deleting IKE SA");
	struct ike_sa *w = only_ike(&west), *e = only_ike(&east);
	assert_non_null(w);
	assert_non_null(e);
	assert_int_equal(w->serial, 3);
	assert_int_equal(e->serial, 3);
	assert_int_equal(w->state, ESTABLISHED_IKE_SA);
	assert_int_equal(e->state, ESTABLISHED_IKE_SA);
	assert_true(w->initiator);
	assert_false(e->initiator);
	assert_memory_equal(w->ispi, e->ispi, 8);
	assert_memory_equal(w->rspi, e->rspi, 8);
	assert_memory_not_equal(w->ispi, old_ispi, 8);
	assert_memory_not_equal(w->rspi, old_rspi, 8);
	assert_int_equal(west.e->sas.nr_ike_established, 1);
	assert_int_equal(east.e->sas.nr_ike_established, 1);
	/* the Child SA moved, the kernel did not notice */
	assert_non_null(w->children);
	assert_non_null(e->children);
	assert_ptr_equal(w->children->ike, w);
	assert_int_equal(w->children->serial, 2);
	assert_int_equal(w->children->spi_in, spi_in);
	assert_int_equal(west.max_live, 2);
	expect_matching_sas();
	/* the new IKE SA works: a Child SA rekey and a liveness check */
	child_rekey_initiate(w->children);
	pump();
	expect_log("\"C\" #4: initiator rekeyed Child SA #2 using #3");
	expect_log("\"C\" #4: responder rekeyed Child SA #2 using #3");
	expect_matching_live_sas();
	unsigned before = east.sent;
	ikev2_send_liveness(west.e, w);
	pump();
	assert_int_equal(east.sent, before + 1);
	assert_null(w->req.pkt);
	/* and it is rekeyed in turn (the new IKE SA's own timer) */
	run_for(20000);
	expect_log("\"C\" #5: initiator rekeyed IKE SA #3 {cipher=");
	w = only_ike(&west);
	assert_non_null(w);
	assert_int_equal(w->serial, 5);
	assert_non_null(w->children);
	assert_int_equal(ikev2_terminate(west.e, west.conn), 1);
	pump();
	assert_int_equal(live_states(&west), 0);
	assert_int_equal(live_states(&east), 0);
	assert_null(only_ike(&east));
}


/* dpddelay=5s: an idle IKE SA is probed every 5 s; answered, it stays */
static void test_dpd_answered(void **state)
{
	(void)state;
	const char *conf = "\tdpddelay=5s\n\tretransmit-timeout=10s\n";
	struct setup s = { .west_conf = conf };
	establish(&s, NULL);
	expect_log("\"C\" #2: initiator established Child SA using #1; IPsec tunnel [10.0.1.0/24===10.0.2.0/24] {ESP/ESN=>0x2000bb00 <0x1000aa00 xfrm=AES_GCM_16_256 DPD=active}");
	unsigned answers = east.sent;
	run_for(4900);
	assert_int_equal(east.sent, answers);
	run_for(60000);
	/* a probe every 5 s, each answered at once */
	assert_int_equal(east.sent, answers + 12);
	assert_non_null(only_ike(&west));
	assert_int_equal(only_ike(&west)->state, ESTABLISHED_IKE_SA);
	assert_int_equal(live_states(&west), 2);
	assert_false(logged("liveness action"));
}

/*
 * The peer goes silent: the probe at 5 s is retransmitted until
 * retransmit-timeout (10 s) and the IKE SA is torn down with its Child SA;
 * auto=start revives the connection at once.
 */
static void test_dpd_timeout(void **state)
{
	(void)state;
	struct setup s = { .west_conf = "\tdpddelay=5s\n\tretransmit-timeout=10s\n\tauto=start\n" };
	establish(&s, NULL);
	east.drop_sends = -1;
	run_for(14900);
	assert_non_null(only_ike(&west));
	assert_false(logged("liveness action"));
	expect_log("\"C\" #1: retransmitting INFORMATIONAL request; will wait 0.5 seconds for response");
	run_for(200);
	expect_log("\"C\" #1: ESTABLISHED_IKE_SA: 10 second timeout exceeded after ");
	expect_log("\"C\" #1: liveness action - restarting all connections that share this peer");
	expect_log("\"C\" #1: connection is supposed to remain up; revival attempt 1 scheduled in 0 seconds");
	expect_log("\"C\" #2: ESP traffic information: in=");
	expect_log("\"C\" #3: initiating IKEv2 connection to 192.0.2.2 using UDP");
	/* west's kernel is clean; the revived IKE SA is negotiating */
	assert_int_equal(live_states(&west), 0);
	assert_int_equal(west.policies, 0);
	struct ike_sa *w = only_ike(&west);
	assert_non_null(w);
	assert_int_equal(w->serial, 3);
	assert_int_equal(w->state, IKE_SA_INIT_I);
	/* east's answers are still lost: the revival gives up after 10 s */
	run_for(70000);
	assert_null(only_ike(&west));
}


/*
 * Both ends rekey #2 at once (RFC 7296 2.8.1): each answers the other's
 * request, then the Child SA of the exchange with the lowest nonce is
 * deleted by its initiator; one new Child SA is left, matching on both
 * sides, and the policies were never removed.
 */
static void test_rekey_collision(void **state)
{
	(void)state;
	struct setup s = { 0 };
	establish(&s, NULL);
	child_rekey_initiate(only_ike(&west)->children);
	child_rekey_initiate(only_ike(&east)->children);
	pump();
	expect_log("\"C\" #3: sent CREATE_CHILD_SA request to rekey IPsec SA");
	expect_log("responder rekeyed Child SA #2 using #1");
	expect_log("initiator rekeyed Child SA #2 using #1");
	expect_log("simultaneous rekey of Child SA #2 with the peer's #4: ours has the lowest nonce, deleting it");
	expect_log("simultaneous rekey of Child SA #2 with the peer's #4: the peer's has the lowest nonce, the peer deletes it");
	assert_int_equal(west.e->sas.nr_child_established, 1);
	assert_int_equal(east.e->sas.nr_child_established, 1);
	expect_matching_live_sas();
	assert_int_equal(west.policy_dels, 0);
	assert_int_equal(east.policy_dels, 0);
	assert_int_equal(west.policies, 3);
	assert_int_equal(east.policies, 3);
	assert_null(only_ike(&west)->req.pkt);
	assert_null(only_ike(&east)->req.pkt);
	/* and the survivor works: ipsec down cleans both kernels */
	assert_int_equal(ikev2_terminate(west.e, west.conn), 1);
	pump();
	assert_int_equal(live_states(&west), 0);
	assert_int_equal(live_states(&east), 0);
	assert_int_equal(west.policies, 0);
	assert_int_equal(east.policies, 0);
}

static void test_garbage_dropped(void **state)
{
	(void)state;
	struct setup s = { 0 };
	establish(&s, NULL);
	struct ike_sa *e = only_ike(&east);
	/* a forged INFORMATIONAL for the IKE SA: integrity check fails */
	uint8_t msg[80] = { 0 };
	memcpy(msg, e->ispi, 8);
	memcpy(msg + 8, e->rspi, 8);
	msg[16] = IKEv2_NP_SK;
	msg[17] = 0x20;
	msg[18] = ISAKMP_v2_INFORMATIONAL;
	msg[19] = IKEv2_FLAG_INITIATOR;
	msg[23] = 2;	/* message ID 2 */
	msg[27] = sizeof(msg);
	msg[28] = 0;
	msg[31] = sizeof(msg) - 28;
	ikev2_receive(east.e, &east.ep, &west.ep, msg, sizeof(msg));
	expect_log("dropping INFORMATIONAL request: ");
	assert_int_equal(only_ike(&east)->state, ESTABLISHED_IKE_SA);
	/* truncated headers are dropped quietly */
	ikev2_receive(east.e, &east.ep, &west.ep, msg, 10);
	assert_int_equal(east.e->sas.nr_ike, 1);
}

static void test_ipv6(void **state)
{
	(void)state;
	const char *v6 = "\tleft=2001:db8::1\n\tleftsubnet=2001:db8:1::/64\n"
			 "\tright=2001:db8::2\n\trightsubnet=2001:db8:2::/64\n";
	struct setup s = { .west_conf = v6, .east_conf = v6 };
	setup_peers(&s);
	assert_int_equal(initiate(false), IKEV2_INITIATE_STARTED);
	pump();
	assert_int_equal(west.whack_rc, CTL_RC_OK);
	expect_log("\"C\" #1: initiating IKEv2 connection to 2001:db8::2 using UDP");
	expect_log("\"C\" #1: sent IKE_SA_INIT request to [2001:db8::2]:UDP/500");
	expect_log("\"C\" #2: initiator established Child SA using #1; IPsec tunnel [2001:db8:1::/64===2001:db8:2::/64]");
	expect_log("\"C\" #2: responder established Child SA using #1; IPsec tunnel [2001:db8:2::/64===2001:db8:1::/64]");
	expect_matching_sas();
	/* no NAT between them: nothing detected, nothing encapsulated */
	assert_false(logged("NAT-Traversal"));
	assert_int_equal(west.states[0].sa.encap_sport, 0);
	assert_int_equal(east.states[0].sa.encap_dport, 0);
}

static void test_id_from_address(void **state)
{
	(void)state;
	/* no leftid/rightid: the IDs are the addresses (ID_IPV4_ADDR) */
	struct setup s = { .west_conf = "\t# no ids\n", .east_conf = "\t# no ids\n" };
	setup_peers(&s);
	initiate(false);
	pump();
	assert_int_equal(west.whack_rc, CTL_RC_OK);
	expect_log("with shared-key-mac and IPV4_ADDR '192.0.2.1'");
	expect_log("\"C\" #1: initiator established IKE SA; authenticated peer using authby=secret and IPV4_ADDR '192.0.2.2'");
}

static void test_invalid_syntax(void **state)
{
	(void)state;
	struct setup s = { 0 };
	establish(&s, NULL);
	struct ike_sa *w = only_ike(&west);
	/* authentic (west's keys) but malformed: a Delete payload claiming
	 * five 4-byte SPIs and carrying none */
	struct ikev2_out *o = malloc(sizeof(*o));
	out_init(o, w, ISAKMP_v2_INFORMATIONAL, false, w->next_msgid);
	out_open_sk(o);
	static const uint8_t bad_d[] = { IKEv2_PROTO_ESP, 4, 0, 5 };
	ike_put_raw_payload(&o->b, IKEv2_NP_D, bad_d, sizeof(bad_d));
	size_t len = 0;
	assert_null(out_finish(o, &len));
	unsigned before = east.sent;
	ikev2_receive(east.e, &east.ep, &west.ep, o->buf, len);
	free(o);
	expect_log("\"C\" #1: malformed INFORMATIONAL request: ");
	expect_log("; responding with INVALID_SYNTAX");
	assert_int_equal(east.sent, before + 1);
	/* an established IKE SA stays */
	assert_int_equal(only_ike(&east)->state, ESTABLISHED_IKE_SA);
	pump();
}

int main(void)
{
	if (NSS_NoDB_Init(NULL) != SECSuccess) {
		fprintf(stderr, "NSS_NoDB_Init failed\n");
		return 1;
	}
	log_add_sink(sink, NULL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_aes_gcm_x25519, teardown),
		cmocka_unit_test_teardown(test_aes_cbc_sha2_modp2048, teardown),
		cmocka_unit_test_teardown(test_chacha20_ecp256, teardown),
		cmocka_unit_test_teardown(test_status_lines, teardown),
		cmocka_unit_test_teardown(test_psk_mismatch, teardown),
		cmocka_unit_test_teardown(test_responder_id_mismatch, teardown),
		cmocka_unit_test_teardown(test_proposal_mismatch, teardown),
		cmocka_unit_test_teardown(test_esp_proposal_mismatch, teardown),
		cmocka_unit_test_teardown(test_ts_mismatch, teardown),
		cmocka_unit_test_teardown(test_invalid_ke, teardown),
		cmocka_unit_test_teardown(test_cookie, teardown),
		cmocka_unit_test_teardown(test_retransmit_timeout, teardown),
		cmocka_unit_test_teardown(test_default_timeout_60s, teardown),
		cmocka_unit_test_teardown(test_duplicate_request, teardown),
		cmocka_unit_test_teardown(test_duplicate_init_request, teardown),
		cmocka_unit_test_teardown(test_delete_from_initiator, teardown),
		cmocka_unit_test_teardown(test_psk_reloaded, teardown),
		cmocka_unit_test_teardown(test_delete_from_responder, teardown),
		cmocka_unit_test_teardown(test_childless, teardown),
		cmocka_unit_test_teardown(test_kernel_refuses_esp_initiator, teardown),
		cmocka_unit_test_teardown(test_kernel_refuses_esp_responder, teardown),
		cmocka_unit_test_teardown(test_liveness, teardown),
		cmocka_unit_test_teardown(test_rekey_child_no_pfs, teardown),
		cmocka_unit_test_teardown(test_rekey_child_pfs, teardown),
		cmocka_unit_test_teardown(test_rekey_unknown_spi, teardown),
		cmocka_unit_test_teardown(test_rekey_ike, teardown),
		cmocka_unit_test_teardown(test_rekey_collision, teardown),
		cmocka_unit_test_teardown(test_dpd_answered, teardown),
		cmocka_unit_test_teardown(test_dpd_timeout, teardown),
		cmocka_unit_test_teardown(test_garbage_dropped, teardown),
		cmocka_unit_test_teardown(test_invalid_syntax, teardown),
		cmocka_unit_test_teardown(test_ipv6, teardown),
		cmocka_unit_test_teardown(test_id_from_address, teardown),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	NSS_Shutdown();
	return rc;
}
