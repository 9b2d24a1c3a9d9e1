/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The connection's private copy of a conn_config: every heap field is
 * duplicated (the original is freed first; ASan would catch sharing), the
 * values survive, and the problems list is not carried over.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "conn/config_copy.h"

static char *s(const char *v)
{
	return strdup(v);
}

static void fill_end(struct conn_end *e, const char *side)
{
	e->host = HOST_DNS;
	e->host_name = s(side);
	e->cert = s("cert");
	e->ca = s("ca");
	e->rsasigkey = s("rsasigkey");
	e->pubkey = s("pubkey");
	e->ckaid = s("ckaid");
	e->updown = s("updown");
	e->addresspool = s("pool");
	e->xauthusername = s("user");
	e->vti = s("vti");
	e->interface_ip = s("ifip");
	e->nr_subnets = 2;
	e->subnets = calloc(2, sizeof(*e->subnets));
	assert_null(ttosubnet("10.0.1.0/24", AF_UNSPEC, &e->subnets[0]));
	assert_null(ttosubnet("10.0.2.0/24", AF_UNSPEC, &e->subnets[1]));
	assert_null(ttoid("@west", &e->id));
}

static void check_end(const struct conn_end *e, const char *side)
{
	assert_string_equal(e->host_name, side);
	assert_string_equal(e->cert, "cert");
	assert_string_equal(e->ca, "ca");
	assert_string_equal(e->rsasigkey, "rsasigkey");
	assert_string_equal(e->pubkey, "pubkey");
	assert_string_equal(e->ckaid, "ckaid");
	assert_string_equal(e->updown, "updown");
	assert_string_equal(e->addresspool, "pool");
	assert_string_equal(e->xauthusername, "user");
	assert_string_equal(e->vti, "vti");
	assert_string_equal(e->interface_ip, "ifip");
	assert_int_equal(e->nr_subnets, 2);
	assert_int_equal(e->subnets[1].prefix, 24);
	assert_int_equal(e->subnets[1].addr.bytes[2], 2);
	assert_int_equal(e->id.kind, ID_FQDN);
	assert_string_equal((const char *)e->id.name, "west");
}

static void test_copy_outlives_original(void **state)
{
	(void)state;
	struct conn_config *orig = calloc(1, sizeof(*orig));
	char **strings[] = {
		&orig->name, &orig->file, &orig->ike, &orig->esp, &orig->ah, &orig->ppk,
		&orig->modecfgdns, &orig->modecfgdomains, &orig->modecfgbanner,
		&orig->remote_peer_type, &orig->vti_interface, &orig->ipsec_interface,
		&orig->sendca, &orig->redirect_to, &orig->accept_redirect_to,
		&orig->sec_label, &orig->connalias, &orig->enable_tcp,
	};
	char text[32];
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		snprintf(text, sizeof(text), "field-%zu", i);
		*strings[i] = s(text);
	}
	fill_end(&orig->left, "left.example");
	fill_end(&orig->right, "right.example");
	orig->ikelifetime_ms = 3600 * 1000;
	orig->mtu = 1400;
	static struct conf_problem p = { .message = (char *)"x" };
	const struct conf_problem *plist[] = { &p };
	orig->problems = calloc(1, sizeof(plist));
	memcpy(orig->problems, plist, sizeof(plist));
	orig->nr_problems = 1;

	struct conn_config *copy = conn_config_copy(orig);
	/* free the original's problems the way lib/conf owns them, then the rest */
	free(orig->problems);
	orig->problems = NULL;
	orig->nr_problems = 0;
	conn_config_copy_free(&orig);
	assert_null(orig);

	const char *const *cs[] = {
		(const char *const *)&copy->name, (const char *const *)&copy->file,
		(const char *const *)&copy->ike, (const char *const *)&copy->esp,
		(const char *const *)&copy->ah, (const char *const *)&copy->ppk,
		(const char *const *)&copy->modecfgdns, (const char *const *)&copy->modecfgdomains,
		(const char *const *)&copy->modecfgbanner, (const char *const *)&copy->remote_peer_type,
		(const char *const *)&copy->vti_interface, (const char *const *)&copy->ipsec_interface,
		(const char *const *)&copy->sendca, (const char *const *)&copy->redirect_to,
		(const char *const *)&copy->accept_redirect_to, (const char *const *)&copy->sec_label,
		(const char *const *)&copy->connalias, (const char *const *)&copy->enable_tcp,
	};
	for (size_t i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
		snprintf(text, sizeof(text), "field-%zu", i);
		assert_string_equal(*cs[i], text);
	}
	check_end(&copy->left, "left.example");
	check_end(&copy->right, "right.example");
	assert_int_equal(copy->ikelifetime_ms, 3600 * 1000);
	assert_int_equal(copy->mtu, 1400);
	assert_null(copy->problems);
	assert_int_equal(copy->nr_problems, 0);
	conn_config_copy_free(&copy);
	assert_null(copy);
}

static void test_copy_of_parsed_conn(void **state)
{
	(void)state;
	static const char text[] =
		"conn %default\n\tauthby=secret\n"
		"conn a\n\tleft=192.0.2.1\n\tleftid=@west\n\tright=%any\n"
		"\tleftsubnets={10.0.1.0/24 10.0.3.0/24}\n\tike=aes256-sha2_256;dh19\n";
	struct ipsec_conf *conf = NULL;
	ipsec_conf_parse_buffer("copy.conf", text, sizeof(text) - 1, &conf);
	const struct conn_config *a = ipsec_conf_find(conf, "a");
	assert_non_null(a);
	struct conn_config *copy = conn_config_copy(a);
	ipsec_conf_free(&conf);
	assert_string_equal(copy->name, "a");
	assert_string_equal(copy->file, "copy.conf");
	assert_string_equal(copy->ike, "aes256-sha2_256;dh19");
	assert_int_equal(copy->authby, AUTHBY_SECRET);
	assert_int_equal(copy->left.nr_subnets, 2);
	assert_int_equal(copy->left.id.kind, ID_FQDN);
	assert_int_equal(copy->right.host, HOST_ANY);
	conn_config_copy_free(&copy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy_outlives_original),
		cmocka_unit_test(test_copy_of_parsed_conn),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
