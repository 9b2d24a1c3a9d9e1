/* SPDX-License-Identifier: GPL-2.0-or-later */
/* status lines of connections built from a config (Libreswan 5's shape) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "conn/add.h"
#include "conn/connections.h"
#include "conn/show.h"

struct lines {
	char *line[64];
	size_t n;
};

static void collect(void *ctx, const char *text, size_t len)
{
	struct lines *l = ctx;
	assert_true(l->n < 64);
	l->line[l->n++] = strndup(text, len);
}

static void lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->line[i]);
	l->n = 0;
}

/* LINE appears, exactly, among the collected lines */
static void assert_has_line(const struct lines *l, const char *line)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->line[i], line) == 0)
			return;
	for (size_t i = 0; i < l->n; i++)
		fprintf(stderr, "got: %s\n", l->line[i]);
	fail_msg("missing line: %s", line);
}

static struct ipsec_conf *parse(const char *text)
{
	struct ipsec_conf *conf = NULL;
	ipsec_conf_parse_buffer("test.conf", text, strlen(text), &conf);
	assert_non_null(conf);
	for (unsigned i = 0; i < conf->nr_problems; i++)
		fprintf(stderr, "%s\n", conf->problems[i].message);
	assert_int_equal(conf->nr_errors, 0);
	return conf;
}

static struct connection *build(const struct ipsec_conf *conf, const char *name)
{
	const struct conn_config *cc = ipsec_conf_find(conf, name);
	assert_non_null(cc);
	struct connection *c = NULL;
	diag_t d = connection_from_config(cc, &c);
	if (d != NULL)
		fail_msg("%s", diag_str(d));
	assert_non_null(c);
	return c;
}

static const char west_east[] =
	"conn west-east\n"
	"\tleft=192.0.2.1\n"
	"\tleftid=@west\n"
	"\tleftsubnet=10.0.1.0/24\n"
	"\tright=192.0.2.2\n"
	"\trightid=@east\n"
	"\trightsubnet=10.0.2.0/24\n"
	"\tauthby=secret\n"
	"\tauto=add\n"
	"conn road\n"
	"\tleft=192.0.2.1\n"
	"\tright=%any\n"
	"\tauthby=secret\n"
	"\tauto=add\n";

/* ipsec-max-bytes=/ipsec-max-packets= as Libreswan 5 prints them (binary
 * prefixes, truncated; 2^63 for the default, see test_west_east) */
static void test_max_bytes(void **state)
{
	(void)state;
	struct ipsec_conf *conf = parse("conn limited\n"
					"\tleft=192.0.2.1\n"
					"\tright=192.0.2.2\n"
					"\tauthby=secret\n"
					"\tipsec-max-bytes=1000000\n"
					"\tipsec-max-packets=5000\n"
					"\tauto=add\n");
	struct connection *c = build(conf, "limited");
	ipsec_conf_free(&conf);
	struct lines l = { 0 };
	struct show s = { collect, &l };
	show_connection(&s, c);
	assert_has_line(&l, "\"limited\":   ike_life: 28800s; ipsec_life: 28800s; ipsec_max_bytes: 976KiB; ipsec_max_packets: 4Ki; replay_window: 128; rekey_margin: 540s; rekey_fuzz: 100%;");
	lines_free(&l);
	connection_free(&c);
}

static void test_west_east(void **state)
{
	(void)state;
	struct ipsec_conf *conf = parse(west_east);
	struct connection *c = build(conf, "west-east");
	ipsec_conf_free(&conf);	/* the connection has its own copy */

	struct lines l = { 0 };
	struct show s = { collect, &l };

	/* no interfaces in a unit test: unoriented, left first */
	assert_false(conn_oriented(c));
	show_connection(&s, c);
	assert_string_equal(l.line[0],
		"\"west-east\": 10.0.1.0/24===192.0.2.1[@west]...192.0.2.2[@east]===10.0.2.0/24; unoriented; my_ip=unset; their_ip=unset;");
	assert_string_equal(l.line[1], "\"west-east\":   host: unoriented; local: 192.0.2.1; remote: 192.0.2.2;");
	lines_free(&l);

	/* oriented with left local */
	c->local = LEFT_END;
	strcpy(c->iface, "veth-a");
	show_connection(&s, c);
	assert_string_equal(l.line[0],
		"\"west-east\": 10.0.1.0/24===192.0.2.1[@west]...192.0.2.2[@east]===10.0.2.0/24; unrouted; my_ip=unset; their_ip=unset;");
	assert_string_equal(l.line[1], "\"west-east\":   host: oriented; local: 192.0.2.1; remote: 192.0.2.2;");
	assert_has_line(&l, "\"west-east\":   our auth:secret, their auth:secret, our autheap:none, their autheap:none;");
	assert_has_line(&l, "\"west-east\":   ike_life: 28800s; ipsec_life: 28800s; ipsec_max_bytes: 2^63B; ipsec_max_packets: 2^63; replay_window: 128; rekey_margin: 540s; rekey_fuzz: 100%;");
	assert_has_line(&l, "\"west-east\":   retransmit-interval: 500ms; retransmit-timeout: 60s; iketcp:no; iketcp-port:4500;");
	assert_has_line(&l, "\"west-east\":   policy: IKEv2+PSK+ENCRYPT+TUNNEL+PFS+IKE_FRAG_ALLOW+ESN_NO+ESN_YES;");
	assert_has_line(&l, "\"west-east\":   conn_prio: 24,24; interface: veth-a; metric: 0; mtu: unset; sa_prio:auto; sa_tfc:none;");
	assert_has_line(&l, "\"west-east\":   our idtype: ID_FQDN; our id=@west; their idtype: ID_FQDN; their id=@east");
	assert_has_line(&l, "\"west-east\":   routing: unrouted;");
	char serial[64];
	snprintf(serial, sizeof(serial), "\"west-east\":   conn serial: $%lu;", c->serial);
	assert_has_line(&l, serial);
	lines_free(&l);

	/* oriented with right local: this end first */
	c->local = RIGHT_END;
	show_connection(&s, c);
	assert_string_equal(l.line[0],
		"\"west-east\": 10.0.2.0/24===192.0.2.2[@east]...192.0.2.1[@west]===10.0.1.0/24; unrouted; my_ip=unset; their_ip=unset;");
	assert_string_equal(l.line[1], "\"west-east\":   host: oriented; local: 192.0.2.2; remote: 192.0.2.1;");
	assert_has_line(&l, "\"west-east\":   our idtype: ID_FQDN; our id=@east; their idtype: ID_FQDN; their id=@west");
	lines_free(&l);
	connection_free(&c);
}

static void test_road(void **state)
{
	(void)state;
	struct ipsec_conf *conf = parse(west_east);
	struct connection *c = build(conf, "road");
	ipsec_conf_free(&conf);
	c->local = LEFT_END;
	strcpy(c->iface, "eth0");
	struct lines l = { 0 };
	struct show s = { collect, &l };
	show_connection(&s, c);
	/* ids that are the address are not repeated in brackets; no subnets */
	assert_string_equal(l.line[0], "\"road\": 192.0.2.1...%any; unrouted; my_ip=unset; their_ip=unset;");
	assert_string_equal(l.line[1], "\"road\":   host: oriented; local: 192.0.2.1; remote: %any;");
	assert_has_line(&l, "\"road\":   our idtype: ID_IPV4_ADDR; our id=192.0.2.1; their idtype: %none; their id=(none)");
	lines_free(&l);
	connection_free(&c);
}

static void test_connection_list(void **state)
{
	(void)state;
	struct ipsec_conf *conf = parse(west_east);
	conn_table_add(build(conf, "west-east"));
	conn_table_add(build(conf, "road"));
	ipsec_conf_free(&conf);
	struct lines l = { 0 };
	struct show s = { collect, &l };
	show_connections(&s);
	assert_string_equal(l.line[0], "Connection list:");
	assert_string_equal(l.line[1], "");
	/* sorted by name: road before west-east */
	assert_true(strncmp(l.line[2], "\"road\": ", 8) == 0);
	assert_string_equal(l.line[l.n - 2], "");
	assert_string_equal(l.line[l.n - 1], "Total IPsec connections: loaded 2, active 0");
	size_t first_we = 0;
	for (size_t i = 0; i < l.n; i++) {
		if (strncmp(l.line[i], "\"west-east\"", 11) == 0) {
			first_we = i;
			break;
		}
	}
	assert_true(first_we > 2);
	for (size_t i = 2; i < first_we; i++)
		assert_true(strncmp(l.line[i], "\"road\":", 7) == 0);
	lines_free(&l);
	conn_table_clear();

	show_connections(&s);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.line[2], "Total IPsec connections: loaded 0, active 0");
	lines_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_west_east),
		cmocka_unit_test(test_max_bytes),
		cmocka_unit_test(test_road),
		cmocka_unit_test(test_connection_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
