/*
 * tests/unit/check_testrun.c - suite "testrun": what bpf/testrun.c knows
 * about BPF_PROG_TEST_RUN without a kernel: the return value names, which
 * types take a packet or a repeat count, the built-in packet (checked
 * against an independent parse of its headers), and the attr that
 * prog_test_run() fills, seen through the sys_trace hook.
 */
#include <linux/bpf.h>
#include <string.h>

#include "bpf/sys.h"
#include "bpf/testrun.h"
#include "unit.h"

#define NETFILTER 32	/* BPF_PROG_TYPE_NETFILTER, newer than the 6.1 header */

/* ---- return values ------------------------------------------------------- */

static const struct {
	uint32_t type, retval;
	const char *name;	/* NULL: a plain number */
} retvals[] = {
	{ BPF_PROG_TYPE_XDP, 0, "XDP_ABORTED" },
	{ BPF_PROG_TYPE_XDP, 1, "XDP_DROP" },
	{ BPF_PROG_TYPE_XDP, 2, "XDP_PASS" },
	{ BPF_PROG_TYPE_XDP, 3, "XDP_TX" },
	{ BPF_PROG_TYPE_XDP, 4, "XDP_REDIRECT" },
	{ BPF_PROG_TYPE_XDP, 5, NULL },
	{ BPF_PROG_TYPE_SCHED_CLS, 0, "TC_ACT_OK" },
	{ BPF_PROG_TYPE_SCHED_CLS, 2, "TC_ACT_SHOT" },
	{ BPF_PROG_TYPE_SCHED_ACT, 7, "TC_ACT_REDIRECT" },
	{ BPF_PROG_TYPE_SCHED_CLS, 8, "TC_ACT_TRAP" },
	{ BPF_PROG_TYPE_SCHED_CLS, 9, NULL },
	{ BPF_PROG_TYPE_SCHED_CLS, UINT32_MAX, "TC_ACT_UNSPEC" },
	{ BPF_PROG_TYPE_SK_LOOKUP, 0, "SK_DROP" },
	{ BPF_PROG_TYPE_SK_LOOKUP, 1, "SK_PASS" },
	{ BPF_PROG_TYPE_SOCKET_FILTER, 0, "drop" },
	{ BPF_PROG_TYPE_SOCKET_FILTER, 46, NULL },	/* a length */
	{ BPF_PROG_TYPE_CGROUP_SKB, 1, "allow" },
	{ BPF_PROG_TYPE_FLOW_DISSECTOR, 2, "BPF_DROP" },
	{ NETFILTER, 1, "NF_ACCEPT" },
	{ BPF_PROG_TYPE_SYSCALL, 1, NULL },		/* the program's own number */
	{ BPF_PROG_TYPE_KPROBE, 2, NULL },
};

START_TEST(retval_names)
{
	const char *got = test_run_retval_name(retvals[_i].type, retvals[_i].retval);

	if (!retvals[_i].name)
		ck_assert_ptr_null(got);
	else
		ck_assert_str_eq(got, retvals[_i].name);
}
END_TEST

START_TEST(type_rules)
{
	ck_assert(test_run_takes_packet(BPF_PROG_TYPE_XDP));
	ck_assert(test_run_takes_packet(BPF_PROG_TYPE_SOCKET_FILTER));
	ck_assert(test_run_takes_packet(NETFILTER));
	ck_assert(!test_run_takes_packet(BPF_PROG_TYPE_SYSCALL));
	ck_assert(!test_run_takes_packet(BPF_PROG_TYPE_SK_LOOKUP));
	/* bpf_prog_test_run_syscall and _raw_tp refuse a repeat count */
	ck_assert(!test_run_takes_repeat(BPF_PROG_TYPE_SYSCALL));
	ck_assert(!test_run_takes_repeat(BPF_PROG_TYPE_RAW_TRACEPOINT));
	ck_assert(test_run_takes_repeat(BPF_PROG_TYPE_XDP));
	ck_assert(test_run_timed(BPF_PROG_TYPE_SK_LOOKUP));
	ck_assert(!test_run_timed(BPF_PROG_TYPE_SYSCALL));
	/* a syscall program's context comes back in ctx_in, not ctx_out */
	ck_assert(!test_run_ctx_out(BPF_PROG_TYPE_SYSCALL));
	ck_assert(!test_run_ctx_out(NETFILTER));
	ck_assert(test_run_ctx_out(BPF_PROG_TYPE_SCHED_CLS));
}
END_TEST

/* ---- the built-in packet ------------------------------------------------- */

static unsigned be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

START_TEST(builtin_packet)
{
	uint8_t p[TEST_RUN_PACKET_LEN + 8], l3[TEST_RUN_PACKET_LEN];
	size_t n = test_run_builtin_packet(BPF_PROG_TYPE_XDP, p, sizeof(p));
	uint32_t sum = 0;

	ck_assert_uint_eq(n, 60);
	ck_assert_uint_eq(be16(p + 12), 0x0800);	/* EtherType IPv4 */
	ck_assert_uint_eq(p[14], 0x45);			/* v4, 20-byte header */
	ck_assert_uint_eq(be16(p + 16), n - 14);	/* IP total length */
	ck_assert_uint_eq(p[22], 64);			/* TTL */
	ck_assert_uint_eq(p[23], 17);			/* UDP */
	ck_assert_uint_eq(be16(p + 36), 9);		/* to the discard port */
	ck_assert_uint_eq(be16(p + 38), n - 34);	/* UDP length */
	/* a header with a right checksum sums to 0xffff, checksum included */
	for (int i = 14; i < 34; i += 2)
		sum += be16(p + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	ck_assert_uint_eq(sum, 0xffff);
	/* netfilter's starts at the IP header */
	ck_assert_uint_eq(test_run_builtin_packet(NETFILTER, l3, sizeof(l3)), n - 14);
	ck_assert_mem_eq(l3, p + 14, n - 14);
	/* never past the buffer given */
	memset(l3, 0xaa, sizeof(l3));
	ck_assert_uint_eq(test_run_builtin_packet(BPF_PROG_TYPE_XDP, l3, 10), 60);
	ck_assert_uint_eq(l3[10], 0xaa);
}
END_TEST

/* ---- the attr ------------------------------------------------------------ */

static union bpf_attr seen;
static unsigned seen_size;
static int seen_cmd;

static void record(const struct sys_call *c)
{
	seen_cmd = c->cmd;
	seen_size = c->size;
	memcpy(&seen, c->attr, c->size < sizeof(seen) ? c->size : sizeof(seen));
}

/* An fd that is no program: the kernel refuses (EBADF, or EPERM without
 * privileges), and the hook has seen every field as it was passed. */
START_TEST(attr_fields)
{
	uint8_t pkt[60] = { 0 }, out[128], ctx[12] = { 1 };
	struct test_run_params p = {
		.prog_fd = 1000000, .data_in = pkt, .data_size_in = sizeof(pkt),
		.data_out = out, .data_size_out = sizeof(out), .ctx_in = ctx,
		.ctx_size_in = sizeof(ctx), .repeat = 5, .why = "unit test",
	};
	struct test_run_result r;
	struct errbuf eb = { "" };
	int err;

	memset(&seen, 0, sizeof(seen));
	sys_set_trace(record);
	err = prog_test_run(&p, &r, &eb);
	sys_set_trace(NULL);
	ck_assert_int_lt(err, 0);
	ck_assert_ptr_nonnull(strstr(eb.msg, "BPF_PROG_TEST_RUN (data_size_in 60, ctx_size_in 12, "
				     "repeat 5)"));
	ck_assert_int_eq(seen_cmd, BPF_PROG_TEST_RUN);
	ck_assert_uint_eq(seen_size, offsetof(union bpf_attr, test.batch_size) + 4);
	ck_assert_uint_eq(seen.test.prog_fd, 1000000);
	ck_assert_uint_eq(seen.test.data_in, (uintptr_t)pkt);
	ck_assert_uint_eq(seen.test.data_size_in, 60);
	ck_assert_uint_eq(seen.test.data_out, (uintptr_t)out);
	ck_assert_uint_eq(seen.test.data_size_out, 128);
	ck_assert_uint_eq(seen.test.ctx_in, (uintptr_t)ctx);
	ck_assert_uint_eq(seen.test.ctx_size_in, 12);
	ck_assert_uint_eq(seen.test.ctx_out, 0);	/* NULL: none */
	ck_assert_uint_eq(seen.test.repeat, 5);
	ck_assert_uint_eq(seen.test.flags, 0);
	ck_assert_uint_eq(seen.test.batch_size, 0);
}
END_TEST

static Suite *testrun_suite(void)
{
	Suite *s = suite_create("testrun");
	TCase *tc = tcase_create("types");
	TCase *tp = tcase_create("packet");
	TCase *ta = tcase_create("attr");

	tcase_add_loop_test(tc, retval_names, 0, sizeof(retvals) / sizeof(retvals[0]));
	tcase_add_test(tc, type_rules);
	suite_add_tcase(s, tc);
	tcase_add_test(tp, builtin_packet);
	suite_add_tcase(s, tp);
	tcase_add_test(ta, attr_fields);
	suite_add_tcase(s, ta);
	return s;
}
UNIT_SUITE(testrun_suite)
