/*
 * tests/unit/check_secdef.c - suite "secdef": section names to program
 * type, expected attach type and attach family (elf/secdef.c), for the
 * rows whose numbers the 6.1 uapi header does not have and for the one
 * section whose target is not where it attaches (lsm_cgroup).
 */
#include <linux/bpf.h>
#include <string.h>

#include "elf/secdef.h"
#include "unit.h"

/* The AF_UNIX sock_addr hooks: attach types 49-53 of the 6.7+ uapi
 * header, numbers rawload spells out itself. */
static const struct {
	const char *sec;
	uint32_t attach_type;
	const char *name;
} unix_rows[] = {
	{ "cgroup/connect_unix", 49, "CGROUP_UNIX_CONNECT" },
	{ "cgroup/sendmsg_unix", 50, "CGROUP_UNIX_SENDMSG" },
	{ "cgroup/recvmsg_unix", 51, "CGROUP_UNIX_RECVMSG" },
	{ "cgroup/getpeername_unix", 52, "CGROUP_UNIX_GETPEERNAME" },
	{ "cgroup/getsockname_unix", 53, "CGROUP_UNIX_GETSOCKNAME" },
};

START_TEST(unix_hooks)
{
	const struct secdef *d;
	const char *target = "x";

	d = secdef_find(unix_rows[_i].sec, &target);
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(d->name, unix_rows[_i].sec);
	ck_assert_uint_eq(d->prog_type, BPF_PROG_TYPE_CGROUP_SOCK_ADDR);
	ck_assert_uint_eq(d->attach_type, unix_rows[_i].attach_type);
	ck_assert_int_eq(d->attach, ATTACH_CGROUP);
	ck_assert_ptr_null(target);
	ck_assert_str_eq(secdef_attach_type_name(d->attach_type), unix_rows[_i].name);
}
END_TEST

/* "cgroup/connect6" must not swallow "cgroup/connect_unix" or the other
 * way round: neither takes a '/' target */
START_TEST(unix_no_prefix_match)
{
	const char *target;

	ck_assert_ptr_null(secdef_find("cgroup/connect_unixx", &target));
	ck_assert_str_eq(secdef_find("cgroup/connect6", &target)->name, "cgroup/connect6");
}
END_TEST

/* lsm_cgroup/HOOK: an LSM program with BPF_LSM_CGROUP, HOOK its load-time
 * target, attached as a cgroup program */
START_TEST(lsm_cgroup)
{
	const char *target = NULL;
	const struct secdef *d = secdef_find("lsm_cgroup/socket_bind", &target);

	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(d->name, "lsm_cgroup");
	ck_assert_uint_eq(d->prog_type, BPF_PROG_TYPE_LSM);
	ck_assert_uint_eq(d->attach_type, BPF_LSM_CGROUP);
	ck_assert(d->flags & SD_ATTACH_BTF);
	ck_assert_int_eq(d->attach, ATTACH_CGROUP);
	ck_assert_str_eq(target, "socket_bind");
	/* and plain lsm/ stays the system-wide kind */
	ck_assert_int_eq(secdef_find("lsm/socket_bind", &target)->attach, ATTACH_LSM);
}
END_TEST

/* kprobe.session[/GLOB] (6.10): a KPROBE program with expected attach
 * type 56, attached as a kprobe_multi link; with and without a target,
 * and not taken for a kprobe/ or kprobe.multi/ section */
START_TEST(kprobe_session)
{
	const char *target = "x";
	const struct secdef *d = secdef_find("kprobe.session", &target);

	ck_assert_ptr_nonnull(d);
	ck_assert_ptr_null(target);
	ck_assert_str_eq(d->name, "kprobe.session");
	ck_assert_uint_eq(d->prog_type, BPF_PROG_TYPE_KPROBE);
	ck_assert_uint_eq(d->attach_type, 56);
	ck_assert_int_eq(d->attach, ATTACH_KPROBE_MULTI);
	ck_assert(!(d->flags & SD_RETPROBE));
	ck_assert_str_eq(secdef_attach_type_name(d->attach_type), "TRACE_KPROBE_SESSION");
	d = secdef_find("kprobe.session/do_nano*", &target);
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(d->name, "kprobe.session");
	ck_assert_str_eq(target, "do_nano*");
	ck_assert_ptr_null(secdef_find("kprobe.sessionx", &target));
	ck_assert_str_eq(secdef_find("kprobe.multi/x", &target)->name, "kprobe.multi");
}
END_TEST

static Suite *secdef_suite(void)
{
	Suite *s = suite_create("secdef");
	TCase *tc = tcase_create("cgroup");

	tcase_add_loop_test(tc, unix_hooks, 0, sizeof(unix_rows) / sizeof(unix_rows[0]));
	tcase_add_test(tc, unix_no_prefix_match);
	tcase_add_test(tc, lsm_cgroup);
	suite_add_tcase(s, tc);
	tc = tcase_create("kprobe");
	tcase_add_test(tc, kprobe_session);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(secdef_suite)
