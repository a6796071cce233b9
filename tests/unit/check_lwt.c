/*
 * tests/unit/check_lwt.c - suite "lwt": the prefixes lwt:PREFIX:IFACE
 * takes (bpf/lwt.c), IPv4 and IPv6, with and without a length, and the
 * ones it refuses before any route is asked for.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "bpf/lwt.h"
#include "unit.h"

START_TEST(v4_prefix)
{
	struct errbuf eb = { "" };
	struct lwt_route rt;
	const uint8_t want[4] = { 10, 77, 0, 0 };

	ck_assert_int_eq(lwt_parse_prefix("10.77.0.0/24", &rt, &eb), 0);
	ck_assert_int_eq(rt.family, AF_INET);
	ck_assert_int_eq(rt.dst_len, 24);
	ck_assert_mem_eq(rt.dst, want, 4);
	/* an address alone is a host route */
	ck_assert_int_eq(lwt_parse_prefix("192.0.2.7", &rt, &eb), 0);
	ck_assert_int_eq(rt.dst_len, 32);
	ck_assert_int_eq(lwt_parse_prefix("0.0.0.0/0", &rt, &eb), 0);
	ck_assert_int_eq(rt.dst_len, 0);
}
END_TEST

START_TEST(v6_prefix)
{
	struct errbuf eb = { "" };
	struct lwt_route rt;
	uint8_t want[16];

	ck_assert_int_eq(inet_pton(AF_INET6, "fd00:77::", want), 1);
	ck_assert_int_eq(lwt_parse_prefix("fd00:77::/64", &rt, &eb), 0);
	ck_assert_int_eq(rt.family, AF_INET6);
	ck_assert_int_eq(rt.dst_len, 64);
	ck_assert_mem_eq(rt.dst, want, 16);
	ck_assert_int_eq(lwt_parse_prefix("::1", &rt, &eb), 0);
	ck_assert_int_eq(rt.dst_len, 128);
}
END_TEST

START_TEST(refused)
{
	static const char *const bad[] = {
		"10.77.0.0/33", "10.77.0.0/", "10.77.0.0/2x", "10.77.0/24", "fd00::/129",
		"eth0", "", "10.77.0.0/-1",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct errbuf eb = { "" };
		struct lwt_route rt;

		ck_assert_msg(lwt_parse_prefix(bad[i], &rt, &eb) == -EINVAL, "'%s' accepted",
			      bad[i]);
		ck_assert_msg(strstr(eb.msg, bad[i]) != NULL, "'%s': message '%s'", bad[i],
			      eb.msg);
	}
}
END_TEST

static Suite *lwt_suite(void)
{
	Suite *s = suite_create("lwt");
	TCase *tc = tcase_create("prefix");

	tcase_add_test(tc, v4_prefix);
	tcase_add_test(tc, v6_prefix);
	tcase_add_test(tc, refused);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(lwt_suite)
