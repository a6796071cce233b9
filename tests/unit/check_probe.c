/*
 * tests/unit/check_probe.c - the pid and cpu bpf/probe.c passes to
 * perf_event_open, seen through the sys_trace hook: a uprobe for one
 * process (--pid) is pid PID on cpu -1, a uprobe for every process and
 * any kprobe pid -1 on cpu 0.
 *
 * The PMU is a fake sysfs directory whose type number no kernel has, so
 * perf_event_open fails (ENOENT, or EACCES/EPERM without privileges)
 * after the hook has seen its arguments; no root, no probe is made.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpf/probe.h"
#include "bpf/sys.h"
#include "unit.h"

static long seen_pid, seen_cpu;
static int seen_calls;

static void record(const struct sys_call *c)
{
	if (c->kind != SYS_PERF_EVENT_OPEN)
		return;
	seen_pid = c->args[0];
	seen_cpu = c->args[1];
	seen_calls++;
}

static void put(const char *dir, const char *file, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* A PMU directory for @pmu under @root: type 1000001 (none such),
 * retprobe in config bit 0. */
static void fake_pmu(const char *root, const char *pmu)
{
	char dir[512];

	snprintf(dir, sizeof(dir), "%s/%s", root, pmu);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	put(dir, "type", "1000001\n");
	snprintf(dir, sizeof(dir), "%s/%s/format", root, pmu);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	put(dir, "retprobe", "config:0\n");
}

/* attach @ps through the fake PMUs; the perf_event_open it made must
 * have been refused, and seen once */
static void attach_fake(struct probe_spec *ps, char *msg, size_t size)
{
	char root[] = "/tmp/rl_probe_XXXXXX", legacy[64], path[600];
	struct errbuf eb = { "" };
	struct probe_opts o = { 0 };
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(root));
	fake_pmu(root, "uprobe");
	fake_pmu(root, "kprobe");
	o.pmu_root = root;
	seen_calls = 0;
	sys_set_trace(record);
	fd = hook_probe(-1, ps, &o, legacy, sizeof(legacy), &eb);
	sys_set_trace(NULL);
	ck_assert_int_lt(fd, 0);
	ck_assert_int_eq(seen_calls, 1);
	snprintf(msg, size, "%s", eb.msg);
	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	ck_assert_int_eq(system(path), 0);
}

START_TEST(uprobe_one_process)
{
	struct probe_spec ps = { .uprobe = 1, .path = "/bin/true", .offset = 0x1000,
				 .pid = (int)getpid(), .spec = "uprobe:/bin/true:0x1000" };
	char msg[400], want[64];

	attach_fake(&ps, msg, sizeof(msg));
	ck_assert_int_eq(seen_pid, getpid());
	ck_assert_int_eq(seen_cpu, -1);
	/* the error names the process the event was for */
	snprintf(want, sizeof(want), "(uprobe PMU in process %d)", (int)getpid());
	ck_assert_msg(strstr(msg, want), "message: %s", msg);
}
END_TEST

START_TEST(uprobe_every_process)
{
	struct probe_spec ps = { .uprobe = 1, .retprobe = 1, .path = "/bin/true",
				 .offset = 0x1000, .spec = "uretprobe:/bin/true:0x1000" };
	char msg[400];

	attach_fake(&ps, msg, sizeof(msg));
	ck_assert_int_eq(seen_pid, -1);
	ck_assert_int_eq(seen_cpu, 0);
	ck_assert_msg(!strstr(msg, "in process"), "message: %s", msg);
}
END_TEST

/* a kprobe has no process filter: a pid given anyway changes nothing */
START_TEST(kprobe_ignores_pid)
{
	struct probe_spec ps = { .func = "rl_unit_fn", .pid = (int)getpid(),
				 .spec = "kprobe:rl_unit_fn" };
	char msg[400];

	attach_fake(&ps, msg, sizeof(msg));
	ck_assert_int_eq(seen_pid, -1);
	ck_assert_int_eq(seen_cpu, 0);
}
END_TEST

static Suite *probe_suite(void)
{
	Suite *s = suite_create("probe");
	TCase *tc = tcase_create("pid");

	tcase_add_test(tc, uprobe_one_process);
	tcase_add_test(tc, uprobe_every_process);
	tcase_add_test(tc, kprobe_ignores_pid);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(probe_suite)
