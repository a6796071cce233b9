/*
 * bpf/probe.c - kprobe and uprobe attachment (see probe.h).
 *
 * Two kernel interfaces, newest first:
 *
 * 1. The probe PMUs (kernel 4.17+, kernel/trace/trace_event_perf.c):
 *    perf_event_open with
 *      type     = /sys/bus/event_source/devices/{kprobe,uprobe}/type
 *      config   = 1 << N for a return probe, N from .../format/retprobe
 *                 ("config:0")
 *      config1  = pointer to the function name (kprobe_func) or to the
 *                 binary's path (uprobe_path)
 *      config2  = offset into the function, or file offset (probe_offset)
 *      config  |= ref_ctr_offset << N for a uprobe with a USDT semaphore
 *                 (4.20+, a1461a1c; N from .../uprobe/format/ref_ctr_offset,
 *                 "config:32-63")
 *    pid -1 and cpu 0: every process; a probe's BPF program runs on every
 *    CPU whatever the cpu argument (perf requires pid >= 0 or cpu >= 0).
 *    A uprobe for one process (--pid) is pid PID and cpu -1 instead: see
 *    probe_target() below. The event disappears with the fd: nothing to
 *    clean up.
 *
 * 2. tracefs (any kernel with CONFIG_{K,U}PROBE_EVENTS): write
 *      p:kprobes/NAME FN+OFF      r:kprobes/NAME FN
 *      p:uprobes/NAME PATH:0xOFF  r:uprobes/NAME PATH:0xOFF
 *      p:uprobes/NAME PATH:0xOFF(0xREF_CTR_OFFSET)  with a semaphore
 *    to kprobe_events/uprobe_events, read events/{k,u}probes/NAME/id and
 *    open it as a PERF_TYPE_TRACEPOINT event. The event outlives rawload
 *    unless "-:NAME" is written back, so the caller records it for undo.
 *
 * Either way the program is then attached to the perf event by
 * hook_perf_event() (a BPF_PERF_EVENT link where the kernel has one), or
 * by hook_perf_event_cookie() when the probe carries a BPF cookie.
 */
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hook.h"
#include "sys.h"

#define PMU_ROOT "/sys/bus/event_source/devices"

/* The first tracefs root that has @file; 0 and the full path in @out, or
 * -ENOENT. */
static int tracefs_path(const struct probe_opts *o, const char *file, char *out,
			size_t size)
{
	static const char *const roots[] = { "/sys/kernel/tracing",
					     "/sys/kernel/debug/tracing" };
	struct stat st;

	for (size_t i = 0; i < 2; i++) {
		const char *root = o && o->tracefs ? o->tracefs : roots[i];

		snprintf(out, size, "%s/%s", root, file);
		if (!stat(out, &st))
			return 0;
		if (o && o->tracefs)
			break;
	}
	return -ENOENT;
}

/* An integer from a sysfs file, after an optional "config:" prefix. */
static int read_num(const char *path, const char *prefix)
{
	char buf[64] = "";
	FILE *f = fopen(path, "r");
	size_t n = strlen(prefix);
	int v;

	if (!f)
		return -errno;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	if (strncmp(buf, prefix, n) || sscanf(buf + n, "%d", &v) != 1 || v < 0)
		return -EINVAL;
	return v;
}

/* The dynamic PMU's type number and retprobe bit; -ENOENT without one. */
static int pmu_lookup(const struct probe_opts *o, const char *pmu, int *retbit)
{
	const char *root = o && o->pmu_root ? o->pmu_root : PMU_ROOT;
	char path[512];
	int type;

	snprintf(path, sizeof(path), "%s/%s/type", root, pmu);
	type = read_num(path, "");
	if (type < 0)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/%s/format/retprobe", root, pmu);
	*retbit = read_num(path, "config:");
	return *retbit < 0 || *retbit > 63 ? -ENOENT : type;
}

int probe_has_pmu(const struct probe_opts *o, int uprobe)
{
	int bit;

	return pmu_lookup(o, uprobe ? "uprobe" : "kprobe", &bit) >= 0;
}

int probe_kprobes_available(const struct probe_opts *o)
{
	char path[512];
	int bit;

	return pmu_lookup(o, "kprobe", &bit) >= 0 ||
	       !tracefs_path(o, "kprobe_events", path, sizeof(path));
}

/*
 * perf_event_open's pid and cpu for @ps. A kprobe, or a uprobe for every
 * process, is pid -1 on cpu 0 (see the file comment). A uprobe for one
 * process is pid PID on cpu -1: one event bound to that task, counting on
 * whichever CPU it runs. The kernel then filters by the process's memory
 * map, not by the path: the uprobe is keyed by the file's inode and
 * offset, and its consumer's filter (uprobe_perf_filter() in
 * kernel/trace/trace_uprobe.c) accepts an mm only if it is the mm of a
 * perf event's target task (event->hw.target->mm). So the breakpoint is
 * written into that process's copy of the page alone, every thread of it
 * hits it, and the file offset stays the same whether the file is a PIE
 * or a shared library mapped anywhere. The same holds for the legacy
 * tracefs event, whose perf event is opened the same way.
 */
static void probe_target(const struct probe_spec *ps, int *pid, int *cpu)
{
	if (ps->uprobe && ps->pid > 0) {
		*pid = ps->pid;
		*cpu = -1;
	} else {
		*pid = -1;
		*cpu = 0;
	}
}

/* " in process PID" for errors and --explain, or "". */
static const char *probe_target_str(const struct probe_spec *ps, char *buf, size_t size)
{
	buf[0] = '\0';
	if (ps->uprobe && ps->pid > 0)
		snprintf(buf, size, " in process %d", ps->pid);
	return buf;
}

/* Why a probe PMU refused, with the usual fixes. */
static int pmu_error(const struct probe_spec *ps, int err, struct errbuf *eb)
{
	const char *hint = "";
	char in[40];

	if (!ps->uprobe && err == -EILSEQ)
		hint = "; the offset is not on an instruction boundary of the function "
		       "(x86 instructions vary in length: disassemble it to pick one)";
	else if (!ps->uprobe && (err == -ENOENT || err == -EINVAL))
		hint = "; the function is in kallsyms but cannot be probed there (notrace, "
		       "in the kprobe blacklist, or the offset is not an instruction boundary)";
	else if (ps->uprobe && err == -EINVAL)
		hint = "; the offset must be inside an executable segment of the file";
	else if (err == -EACCES || err == -EPERM)
		hint = "; needs root (CAP_PERFMON/CAP_SYS_ADMIN)";
	else if (err == -ESRCH && ps->uprobe && ps->pid > 0)
		hint = "; the --pid process has exited";
	return err_set(eb, err, "%s: perf_event_open (%s PMU%s): %s%s", ps->spec,
		       ps->uprobe ? "uprobe" : "kprobe", probe_target_str(ps, in, sizeof(in)),
		       err_str(err), hint);
}

/* The first config bit of the uprobe PMU's ref_ctr_offset field
 * ("config:32-63" -> 32), or -EOPNOTSUPP on kernels before 4.20. */
static int ref_ctr_shift(const struct probe_opts *o)
{
	const char *root = o && o->pmu_root ? o->pmu_root : PMU_ROOT;
	char path[512];
	int bit;

	snprintf(path, sizeof(path), "%s/uprobe/format/ref_ctr_offset", root);
	bit = read_num(path, "config:");
	return bit < 0 || bit > 63 ? -EOPNOTSUPP : bit;
}

/* The dynamic PMU types this run opened events of, [0] kprobe, [1] uprobe,
 * for probe_pmu_name (--explain names them). */
static int pmu_types[2] = { -1, -1 };

const char *probe_pmu_name(uint32_t type)
{
	return (int)type == pmu_types[0] ? "kprobe" : (int)type == pmu_types[1] ? "uprobe" : NULL;
}

/* A probe through the kprobe/uprobe PMU (see the file comment). */
static int open_pmu(const struct probe_spec *ps, const struct probe_opts *o, int type,
		    int retbit, struct errbuf *eb)
{
	struct perf_event_attr pa;
	char why[256], in[40];
	int shift, pfd, pid, cpu;

	memset(&pa, 0, sizeof(pa));
	pa.size = sizeof(pa);
	pa.type = (uint32_t)type;
	pa.config = ps->retprobe ? 1ULL << retbit : 0;
	if (ps->ref_ctr_offset) {
		shift = ref_ctr_shift(o);
		if (shift < 0)
			return err_set(eb, shift, "%s: the semaphore needs the uprobe PMU's "
				       "ref_ctr_offset (kernel 4.20+), which this kernel lacks "
				       "(no %s/uprobe/format/ref_ctr_offset)", ps->spec,
				       o && o->pmu_root ? o->pmu_root : PMU_ROOT);
		if (shift && ps->ref_ctr_offset >> (64 - shift))
			return err_set(eb, -E2BIG, "%s: semaphore offset 0x%llx does not fit "
				       "in the %d bits of ref_ctr_offset", ps->spec,
				       (unsigned long long)ps->ref_ctr_offset, 64 - shift);
		pa.config |= ps->ref_ctr_offset << shift;
	}
	pmu_types[ps->uprobe ? 1 : 0] = type;
	pa.config1 = (uint64_t)(uintptr_t)(ps->uprobe ? ps->path : ps->func);
	pa.config2 = ps->offset;
	probe_target(ps, &pid, &cpu);
	snprintf(why, sizeof(why), "a %s perf event for %s%s%s", ps->uprobe ? "uprobe" : "kprobe",
		 ps->spec, probe_target_str(ps, in, sizeof(in)),
		 ps->ref_ctr_offset ? " (its semaphore in config bits 32-63)" : "");
	pfd = sys_perf_event_open(&pa, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC, SYS_ATTACH, why);
	return pfd < 0 ? pmu_error(ps, pfd, eb) : pfd;
}

/* Write @line to tracefs file @file ("kprobe_events"). */
static int tracefs_write(const struct probe_opts *o, const char *file, const char *line,
			 enum sys_tag tag, const char *why)
{
	char path[512];

	if (tracefs_path(o, file, path, sizeof(path)))
		return -ENOENT;
	return sys_write_file(path, line, tag, why);
}

int probe_legacy_remove(const struct probe_opts *o, int uprobe, const char *event,
			struct errbuf *eb)
{
	char line[160];
	int err;

	snprintf(line, sizeof(line), "-:%s/%s\n", uprobe ? "uprobes" : "kprobes", event);
	err = tracefs_write(o, uprobe ? "uprobe_events" : "kprobe_events", line, SYS_DETACH,
			    "remove the legacy probe event this run made");
	if (err)
		return err_set(eb, err, "removing %s event %s: %s", uprobe ? "uprobe" : "kprobe",
			       event, err_str(err));
	return 0;
}

/*
 * Legacy probe events outlive the process that made them: a rawload
 * killed with SIGKILL cannot remove its rawload_<pid>_<n> events. Each
 * legacy attach first removes the events of ours whose process is gone
 * (kill(pid, 0) answers ESRCH), so they never pile up.
 */
static void remove_stale(const struct probe_opts *o, int uprobe)
{
	const char *file = uprobe ? "uprobe_events" : "kprobe_events";
	char path[512], line[1200], name[64];
	FILE *f;

	if (tracefs_path(o, file, path, sizeof(path)) || !(f = fopen(path, "r")))
		return;
	while (fgets(line, sizeof(line), f)) {
		const char *ev = strchr(line, '/');
		int pid;

		if (!ev || sscanf(ev + 1, "rawload_%d_%*u", &pid) != 1 ||
		    sscanf(ev + 1, "%63s", name) != 1)
			continue;
		if (pid != (int)getpid() && kill(pid, 0) < 0 && errno == ESRCH)
			probe_legacy_remove(o, uprobe, name, NULL);
	}
	fclose(f);
}

/* The legacy path: a tracefs probe event, opened as a tracepoint. */
static int open_legacy(const struct probe_spec *ps, const struct probe_opts *o,
		       char *name, size_t size, struct errbuf *eb)
{
	static unsigned seq;
	const char *file = ps->uprobe ? "uprobe_events" : "kprobe_events";
	const char *grp = ps->uprobe ? "uprobes" : "kprobes";
	char line[1200], path[512], idfile[256], why[256], in[40];
	struct perf_event_attr pa;
	int err, id, pfd, pid, cpu;

	remove_stale(o, ps->uprobe);
	snprintf(name, size, "rawload_%d_%u", (int)getpid(), seq++);
	if (ps->uprobe && ps->ref_ctr_offset)
		snprintf(line, sizeof(line), "%c:%s/%s %s:0x%llx(0x%llx)\n", ps->retprobe ? 'r' : 'p',
			 grp, name, ps->path, (unsigned long long)ps->offset,
			 (unsigned long long)ps->ref_ctr_offset);
	else if (ps->uprobe)
		snprintf(line, sizeof(line), "%c:%s/%s %s:0x%llx\n", ps->retprobe ? 'r' : 'p',
			 grp, name, ps->path, (unsigned long long)ps->offset);
	else if (ps->offset)
		snprintf(line, sizeof(line), "p:%s/%s %s+%llu\n", grp, name, ps->func,
			 (unsigned long long)ps->offset);
	else
		snprintf(line, sizeof(line), "%c:%s/%s %s\n", ps->retprobe ? 'r' : 'p', grp,
			 name, ps->func);
	err = tracefs_write(o, file, line, SYS_ATTACH, "no probe PMU: a probe event of "
			    "tracefs (the legacy way), for perf_event_open to open by its id");
	if (err) {
		name[0] = '\0';
		return err_set(eb, err, "%s: writing '%.*s' to tracefs %s: %s%s", ps->spec,
			       (int)strcspn(line, "\n"), line, file, err_str(err),
			       err == -ENOENT ? "; is tracefs mounted?" : "");
	}
	snprintf(idfile, sizeof(idfile), "events/%s/%s/id", grp, name);
	id = tracefs_path(o, idfile, path, sizeof(path)) ? -ENOENT : read_num(path, "");
	if (id < 0) {
		err = err_set(eb, id, "%s: reading tracefs %s: %s", ps->spec, idfile,
			      err_str(id));
		goto undo;
	}
	memset(&pa, 0, sizeof(pa));
	pa.size = sizeof(pa);
	pa.type = PERF_TYPE_TRACEPOINT;
	pa.config = (uint64_t)id;
	probe_target(ps, &pid, &cpu);
	snprintf(why, sizeof(why), "a perf event for legacy %s event %s (id %d)%s", grp, name,
		 id, probe_target_str(ps, in, sizeof(in)));
	pfd = sys_perf_event_open(&pa, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC, SYS_ATTACH, why);
	if (pfd >= 0)
		return pfd;
	err = err_set(eb, pfd, "%s: perf_event_open (tracepoint %s/%s%s): %s%s", ps->spec, grp,
		      name, probe_target_str(ps, in, sizeof(in)), err_str(pfd),
		      pfd == -ESRCH && ps->uprobe && ps->pid > 0 ? "; the --pid process has exited"
								 : "");
undo:
	probe_legacy_remove(o, ps->uprobe, name, NULL);
	name[0] = '\0';
	return err;
}

int hook_probe(int prog_fd, const struct probe_spec *ps,
		 const struct probe_opts *o, char *legacy, size_t legacy_size,
		 struct errbuf *eb)
{
	int type = -ENOENT, retbit = 0, pfd, fd;

	legacy[0] = '\0';
	if (!(o && o->force_legacy))
		type = pmu_lookup(o, ps->uprobe ? "uprobe" : "kprobe", &retbit);
	if (type >= 0) {
		pfd = open_pmu(ps, o, type, retbit, eb);
		if (pfd < 0)
			return pfd;
	} else {
		pfd = open_legacy(ps, o, legacy, legacy_size, eb);
		if (pfd < 0)
			return pfd;
	}
	fd = ps->has_cookie ? hook_perf_event_cookie(prog_fd, pfd, ps->bpf_cookie, ps->spec, eb)
			    : hook_perf_event(prog_fd, pfd, ps->spec, eb);
	if (fd < 0 && legacy[0]) {
		probe_legacy_remove(o, ps->uprobe, legacy, NULL);
		legacy[0] = '\0';
	}
	return fd;
}
