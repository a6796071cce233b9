/*
 * bpf/hook.c - attaching a loaded program (see hook.h): tracepoints, raw
 * tracepoints, perf events, BPF links of every kind, iterators.
 */
#include "hook.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "prog.h"
#include "sys.h"

/* The tracepoint's id, from @tracefs/events/CAT/NAME/id (loader/ found or
 * mounted tracefs at @tracefs). A missing category and a missing event get
 * their own advice: the first is usually a subsystem this kernel lacks or
 * a misspelt category, the second an event of another kernel version. */
static int tracepoint_id(const char *tracefs, const char *cat, const char *name,
			 struct errbuf *eb)
{
	char path[512];
	struct stat st;
	FILE *f;
	int id = -1;

	snprintf(path, sizeof(path), "%s/events/%s", tracefs, cat);
	if (stat(path, &st))
		return err_set(eb, -ENOENT, "tracepoint %s:%s: this kernel has no tracepoint "
			       "category '%s' (no %s); list the categories with 'ls %s/events'",
			       cat, name, cat, path, tracefs);
	snprintf(path, sizeof(path), "%s/events/%s/%s/id", tracefs, cat, name);
	f = fopen(path, "r");
	if (!f)
		return err_set(eb, -ENOENT, "tracepoint %s:%s: category '%s' has no event '%s' "
			       "(no %s); list its events with 'ls %s/events/%s'", cat, name,
			       cat, name, path, tracefs, cat);
	if (fscanf(f, "%d", &id) != 1 || id < 0)
		id = -1;
	fclose(f);
	if (id < 0)
		return err_set(eb, -EINVAL, "tracepoint %s:%s: %s holds no id", cat, name, path);
	return id;
}

/*
 * perf_event_open(PERF_TYPE_TRACEPOINT, config = the tracepoint's id) on
 * CPU 0 for every process (pid -1): a tracepoint perf event fires on
 * every CPU regardless of the cpu argument when a BPF program is attached.
 * Then the program is attached by BPF_LINK_CREATE (a link, kernel 5.15+),
 * or by PERF_EVENT_IOC_SET_BPF + PERF_EVENT_IOC_ENABLE on older kernels.
 */
int hook_tracepoint(int prog_fd, const char *tracefs, const char *category,
		      const char *name, struct errbuf *eb)
{
	struct perf_event_attr pa;
	char why[256];
	int id, pfd;

	id = tracepoint_id(tracefs, category, name, eb);
	if (id < 0)
		return id;
	memset(&pa, 0, sizeof(pa));
	pa.type = PERF_TYPE_TRACEPOINT;
	pa.size = sizeof(pa);
	pa.config = (unsigned)id;
	snprintf(why, sizeof(why), "a perf event for tracepoint %s:%s (id %d)",
		 category, name, id);
	pfd = sys_perf_event_open(&pa, -1, 0, -1, PERF_FLAG_FD_CLOEXEC, SYS_ATTACH, why);
	if (pfd < 0)
		return err_set(eb, pfd, "tracepoint %s:%s: perf_event_open: %s",
			       category, name, err_str(pfd));
	snprintf(why, sizeof(why), "tracepoint %s:%s", category, name);
	return hook_perf_event(prog_fd, pfd, why, eb);
}

/*
 * Prefer a link: BPF_LINK_CREATE with target_fd = the perf event and
 * attach_type BPF_PERF_EVENT (kernel 5.15+; the link shows in
 * 'bpftool link' and closing it detaches). Older kernels get
 * PERF_EVENT_IOC_SET_BPF + PERF_EVENT_IOC_ENABLE, and the perf event fd
 * itself holds the program.
 */
int hook_perf_event(int prog_fd, int pfd, const char *what, struct errbuf *eb)
{
	union bpf_attr attr;
	long link;
	int e;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = (uint32_t)prog_fd;
	attr.link_create.target_fd = (uint32_t)pfd;
	attr.link_create.attach_type = BPF_PERF_EVENT;
	link = sys_bpf(BPF_LINK_CREATE, &attr, ATTR_SIZE(link_create.flags), SYS_ATTACH,
		       "link the program to the perf event");
	if (link >= 0) {
		close(pfd);	/* the link holds the perf event */
		return (int)link;
	}
	e = sys_ioctl(pfd, PERF_EVENT_IOC_SET_BPF, (unsigned long)prog_fd, SYS_ATTACH,
		      "no BPF links here: attach the program to the perf event");
	if (!e)
		e = sys_ioctl(pfd, PERF_EVENT_IOC_ENABLE, 0, SYS_ATTACH, "enable the event");
	if (e < 0) {
		close(pfd);
		return err_set(eb, e, "%s: BPF_LINK_CREATE (BPF_PERF_EVENT) failed with %s, "
			       "then PERF_EVENT_IOC_SET_BPF: %s", what, err_name((int)link),
			       err_str(e));
	}
	return pfd;
}

/*
 * A perf event link that carries a BPF cookie (kernel 5.15+, 82e6b1eee6a8):
 * BPF_LINK_CREATE as in hook_perf_event, plus
 *   perf_event.bpf_cookie  a u64 the program reads with
 *                          bpf_get_attach_cookie(); one program attached
 *                          at many places tells them apart by it (USDT:
 *                          the index of the site's argument spec)
 * No ioctl fallback: PERF_EVENT_IOC_SET_BPF has no cookie, and the program
 * would read 0 everywhere. Takes over @pfd as hook_perf_event does.
 */
int hook_perf_event_cookie(int prog_fd, int pfd, uint64_t cookie, const char *what,
			     struct errbuf *eb)
{
	union bpf_attr attr;
	char why[128];
	long link;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = (uint32_t)prog_fd;
	attr.link_create.target_fd = (uint32_t)pfd;
	attr.link_create.attach_type = BPF_PERF_EVENT;
	attr.link_create.perf_event.bpf_cookie = cookie;
	snprintf(why, sizeof(why), "link the program to the perf event, with BPF cookie %llu",
		 (unsigned long long)cookie);
	link = sys_bpf(BPF_LINK_CREATE, &attr, ATTR_SIZE(link_create.perf_event.bpf_cookie),
		       SYS_ATTACH, why);
	close(pfd);	/* the link holds the perf event, or it failed */
	if (link < 0)
		return err_set(eb, (int)link, "%s: BPF_LINK_CREATE (BPF_PERF_EVENT, bpf_cookie "
			       "%llu): %s; BPF cookies need perf event links (kernel 5.15+)",
			       what, (unsigned long long)cookie, err_str((int)link));
	return (int)link;
}

/*
 * BPF_LINK_CREATE, the one attach command for links (kernel 5.7+):
 *   prog_fd      the program
 *   target_fd    what it attaches to: a cgroup directory fd, a perf event,
 *                or 0 for tracing programs whose target (a BTF id) was
 *                fixed at load; the same union member is target_ifindex
 *                for xdp and tcx
 *   attach_type  the hook (BPF_XDP, BPF_CGROUP_INET_EGRESS, ...)
 *   flags        0; the per-type members after it (tcx relative_fd,
 *                expected_revision) stay 0: "attach last, any revision"
 */
int hook_link_create(int prog_fd, uint32_t target, uint32_t attach_type,
		       const char *what, struct errbuf *eb)
{
	union bpf_attr attr;
	char why[256];
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = (uint32_t)prog_fd;
	attr.link_create.target_fd = target;
	attr.link_create.attach_type = attach_type;
	snprintf(why, sizeof(why), "link the program to %s", what);
	fd = sys_bpf(BPF_LINK_CREATE, &attr, ATTR_SIZE(link_create.flags), SYS_ATTACH, why);
	if (fd < 0)
		return err_set(eb, (int)fd, "%s: BPF_LINK_CREATE (target %u, attach_type %u): %s",
			       what, target, attach_type, err_str((int)fd));
	return (int)fd;
}

/* BPF_RAW_TRACEPOINT_OPEN: raw_tracepoint.name (NULL for programs whose
 * target BTF id was given at load) and prog_fd. */
int hook_raw_tp(int prog_fd, const char *name, struct errbuf *eb)
{
	union bpf_attr attr;
	char why[256];
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.raw_tracepoint.name = (uint64_t)(uintptr_t)name;
	attr.raw_tracepoint.prog_fd = (uint32_t)prog_fd;
	snprintf(why, sizeof(why), "attach to raw tracepoint %s", name ? name : "(from BTF)");
	fd = sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &attr, ATTR_SIZE(raw_tracepoint.prog_fd),
		     SYS_ATTACH, why);
	if (fd < 0)
		return err_set(eb, (int)fd, "raw tracepoint %s: BPF_RAW_TRACEPOINT_OPEN: %s",
			       name ? name : "(BTF target)", err_str((int)fd));
	return (int)fd;
}

int hook_tracing(int prog_fd, uint32_t attach_type, const char *what,
		   struct errbuf *eb)
{
	int fd = hook_link_create(prog_fd, 0, attach_type, what, eb);
	struct errbuf first = *eb;

	/* EINVAL: a kernel whose LINK_CREATE does not take tracing programs
	 * yet; BPF_RAW_TRACEPOINT_OPEN has attached them since 5.5. */
	if (fd != -EINVAL)
		goto out;
	fd = hook_raw_tp(prog_fd, NULL, eb);
	if (fd < 0)
		*eb = first;
out:
	if (fd == -EPERM || fd == -EACCES)
		err_set(eb, fd, "%s: BPF_LINK_CREATE: %s; the kernel refuses to attach "
			"tracing programs here (lockdown, or a kernel built without "
			"fentry trampolines: CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS); "
			"use a tracepoint or raw_tp instead", what, err_str(fd));
	else if (fd == -KERNEL_ENOTSUPP || fd == -EOPNOTSUPP)
		err_set(eb, fd, "%s: BPF_LINK_CREATE: %s; this kernel cannot attach it "
			"(no BPF trampoline support); use a tracepoint or raw_tp instead",
			what, err_str(fd));
	return fd;
}

int hook_iter_open(int link_fd, const char *what, struct errbuf *eb)
{
	union bpf_attr attr;
	char why[256];
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.iter_create.link_fd = (uint32_t)link_fd;
	snprintf(why, sizeof(why), "open a walk of %s", what);
	fd = sys_bpf(BPF_ITER_CREATE, &attr, ATTR_SIZE(iter_create.flags), SYS_ATTACH, why);
	if (fd < 0)
		return err_set(eb, (int)fd, "%s: BPF_ITER_CREATE (link %d): %s", what,
			       link_fd, err_str((int)fd));
	return (int)fd;
}

/* Is the running kernel older than @major.@minor (uname -r)? 0 when it
 * cannot tell. Only for choosing an error message, never a code path. */
static int kernel_older_than(unsigned major, unsigned minor)
{
	struct utsname u;
	unsigned a = 0, b = 0;

	if (uname(&u) || sscanf(u.release, "%u.%u", &a, &b) != 2)
		return 0;
	return a < major || (a == major && b < minor);
}

/*
 * BPF_LINK_CREATE for a kprobe_multi link (kernel 5.18,
 * bpf_kprobe_multi_link_attach; one fprobe on every function):
 *   prog_fd       the program, loaded with expected_attach_type
 *                 BPF_TRACE_KPROBE_MULTI or (6.10+) BPF_TRACE_KPROBE_SESSION;
 *                 the kernel refuses a program loaded for the other one
 *   attach_type   the same as the program's expected_attach_type
 *   kprobe_multi.flags  BPF_F_KPROBE_MULTI_RETURN (1) for kretprobe.multi:
 *                 the fprobe's exit handler instead of its entry handler;
 *                 0 for a session, which installs both
 *   kprobe_multi.cnt, .syms  @n function names; the kernel looks each up
 *                 in kallsyms and checks ftrace can hook it
 * Left zero: target_fd (no target object), kprobe_multi.addrs (addresses
 * instead of names), kprobe_multi.cookies (every function reads cookie 0).
 */
int hook_kprobe_multi(int prog_fd, char *const *syms, size_t n, enum kmulti_mode mode,
			const char *what, struct errbuf *eb)
{
	int session = mode == KMULTI_SESSION;
	union bpf_attr attr;
	char why[300];
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = (uint32_t)prog_fd;
	attr.link_create.attach_type = session ? RL_BPF_TRACE_KPROBE_SESSION
					       : BPF_TRACE_KPROBE_MULTI;
	attr.link_create.kprobe_multi.flags = mode == KMULTI_RETURN ? 1u : 0;
	attr.link_create.kprobe_multi.cnt = (uint32_t)n;
	attr.link_create.kprobe_multi.syms = (uint64_t)(uintptr_t)syms;
	snprintf(why, sizeof(why), "link the program to %zu function%s (%s)%s", n,
		 n == 1 ? "" : "s", what, session ? ", at entry and at return" : "");
	fd = sys_bpf(BPF_LINK_CREATE, &attr, ATTR_SIZE(link_create.kprobe_multi.cookies),
		     SYS_ATTACH, why);
	if (fd >= 0)
		return (int)fd;
	/* before 6.10 attach type 56 is unknown: EINVAL from the attach type
	 * checks, or EOPNOTSUPP first on a kernel without CONFIG_FPROBE */
	if (session && (fd == -EINVAL || fd == -EOPNOTSUPP || fd == -KERNEL_ENOTSUPP) &&
	    kernel_older_than(6, 10))
		return err_set(eb, (int)fd, "%s: BPF_LINK_CREATE (BPF_TRACE_KPROBE_SESSION, %zu "
			       "function%s): %s; kprobe.session needs Linux 6.10+ "
			       "(BPF_TRACE_KPROBE_SESSION); use a kprobe.multi and a "
			       "kretprobe.multi program instead", what, n, n == 1 ? "" : "s",
			       err_str((int)fd));
	if (fd == -EOPNOTSUPP || fd == -KERNEL_ENOTSUPP)
		return err_set(eb, (int)fd, "%s: BPF_LINK_CREATE: %s; this kernel has no "
			       "kprobe.multi (5.18+ with CONFIG_FPROBE)%s; attach each function "
			       "with %s instead", what, err_str((int)fd),
			       session ? ", on which kprobe.session is built" : "",
			       session ? "kprobe:FN and kretprobe:FN" : "kprobe:FN");
	if (fd == -ESRCH || fd == -ENOENT)
		return err_set(eb, (int)fd, "%s: BPF_LINK_CREATE: %s; one of the %zu "
			       "functions cannot be hooked (not traceable, or gone since the "
			       "list was read); narrow the pattern", what, err_str((int)fd), n);
	return err_set(eb, (int)fd, "%s: BPF_LINK_CREATE (%s, %zu functions): %s", what,
		       session ? "BPF_TRACE_KPROBE_SESSION" : "BPF_TRACE_KPROBE_MULTI", n,
		       err_str((int)fd));
}

/*
 * link_create.uprobe_multi (uapi 6.6), which Debian 12's header lacks: it
 * starts where the per-type union does (target_btf_id, the union's first
 * member), 16 bytes into link_create, as kprobe_multi does.
 */
struct rl_link_uprobe_multi {
	uint64_t path;		  /* char *: the file, looked up by the kernel */
	uint64_t offsets;	  /* u64[cnt]: file offsets, as for a uprobe */
	uint64_t ref_ctr_offsets; /* u64[cnt] or 0: USDT semaphores' file offsets */
	uint64_t cookies;	  /* u64[cnt] or 0: bpf_get_attach_cookie() per site */
	uint32_t cnt;
	uint32_t flags;		  /* BPF_F_UPROBE_MULTI_RETURN */
	uint32_t pid;		  /* 0 every process, else this one's (tgid) */
};

/* Bytes of the attr through uprobe_multi.pid: 60, where the 6.1 header's
 * link_create ends at 48 (kprobe_multi.cookies). A 6.1 kernel finds the
 * non-zero cnt past its last field and answers EINVAL (CHECK_ATTR). */
#define UPROBE_MULTI_ATTR_SIZE                                          \
	(offsetof(union bpf_attr, link_create.target_btf_id) +           \
	 offsetof(struct rl_link_uprobe_multi, pid) + sizeof(uint32_t))

/* The attr for @s, as hook_uprobe_multi_sites() documents it. */
static void umulti_attr(union bpf_attr *attr, int prog_fd, const struct umulti_sites *s,
			int retprobe, uint32_t pid)
{
	struct rl_link_uprobe_multi um;

	_Static_assert(UPROBE_MULTI_ATTR_SIZE == 60, "link_create.uprobe_multi.pid ends at 60");
	_Static_assert(sizeof(union bpf_attr) >= UPROBE_MULTI_ATTR_SIZE,
		       "union bpf_attr holds link_create.uprobe_multi");
	memset(&um, 0, sizeof(um));
	um.path = (uint64_t)(uintptr_t)s->path;
	um.offsets = (uint64_t)(uintptr_t)s->offsets;
	um.ref_ctr_offsets = (uint64_t)(uintptr_t)s->ref_ctr_offsets;
	um.cookies = (uint64_t)(uintptr_t)s->cookies;
	um.cnt = (uint32_t)s->n;
	um.flags = retprobe ? RL_BPF_F_UPROBE_MULTI_RETURN : 0;
	um.pid = pid;
	memset(attr, 0, sizeof(*attr));
	attr->link_create.prog_fd = (uint32_t)prog_fd;
	attr->link_create.attach_type = RL_BPF_TRACE_UPROBE_MULTI;
	memcpy(&attr->link_create.target_btf_id, &um, sizeof(um));
}

/*
 * BPF_LINK_CREATE with attach_type BPF_TRACE_UPROBE_MULTI (kernel 6.6,
 * bpf_uprobe_multi_link_attach): one link holding a uprobe at each of
 * @s->n offsets of one file, all running @prog_fd.
 *   prog_fd       the program; loaded with expected_attach_type
 *                 BPF_TRACE_UPROBE_MULTI, else EINVAL
 *   target_fd     0: the file is named by uprobe_multi.path
 *   uprobe_multi  path, offsets, cnt, flags, pid as above;
 *                 ref_ctr_offsets: per site the file offset of a USDT
 *                 semaphore for the kernel to count up while the uprobe
 *                 exists (0: none), cookies: per site what
 *                 bpf_get_attach_cookie() returns there (usdt.bpf.h's
 *                 spec id); either array left 0 when @s has none
 * Left zero: link_create.flags (must be).
 */
int hook_uprobe_multi_sites(int prog_fd, const struct umulti_sites *s, int retprobe,
			      uint32_t pid, const char *what, struct errbuf *eb)
{
	union bpf_attr attr;
	char why[4200];
	long fd;

	umulti_attr(&attr, prog_fd, s, retprobe, pid);
	snprintf(why, sizeof(why), "link the program to %zu %s%s in %s", s->n, s->unit,
		 s->n == 1 ? "" : "s", s->path);
	fd = sys_bpf(BPF_LINK_CREATE, &attr, UPROBE_MULTI_ATTR_SIZE, SYS_ATTACH, why);
	if (fd >= 0)
		return (int)fd;
	/* 6.1-6.5: attach type 48 is unknown, or (6.1) the attr is longer
	 * than BPF_LINK_CREATE's last field; both answer EINVAL */
	if (fd == -EINVAL && kernel_older_than(6, 6))
		return err_set(eb, (int)fd, "%s: BPF_LINK_CREATE (BPF_TRACE_UPROBE_MULTI, %zu "
			       "offsets): %s; needs Linux 6.6+ (BPF_TRACE_UPROBE_MULTI); attach "
			       "each function with uprobe:PATH:SYMBOL instead", what, s->n,
			       err_str((int)fd));
	/* 6.6+ without CONFIG_UPROBES: the stub bpf_uprobe_multi_link_attach */
	if (fd == -EOPNOTSUPP || fd == -KERNEL_ENOTSUPP)
		return err_set(eb, (int)fd, "%s: BPF_LINK_CREATE (BPF_TRACE_UPROBE_MULTI): %s; "
			       "this kernel has no uprobe.multi (Linux 6.6+ with CONFIG_UPROBES); "
			       "attach each function with uprobe:PATH:SYMBOL instead", what,
			       err_str((int)fd));
	return err_set(eb, (int)fd, "%s: BPF_LINK_CREATE (BPF_TRACE_UPROBE_MULTI, path %s, "
		       "%zu offsets, flags 0x%x, pid %u): %s%s", what, s->path, s->n,
		       retprobe ? RL_BPF_F_UPROBE_MULTI_RETURN : 0, pid, err_str((int)fd),
		       fd == -EINVAL ? "; the program must be in a uprobe.multi section "
				       "(expected_attach_type BPF_TRACE_UPROBE_MULTI)" :
		       fd == -ESRCH ? "; no such process" : "");
}

int hook_uprobe_multi(int prog_fd, const char *path, const uint64_t *offsets, size_t n,
			int retprobe, uint32_t pid, const char *what, struct errbuf *eb)
{
	struct umulti_sites s = { path, offsets, NULL, NULL, n, "function" };

	return hook_uprobe_multi_sites(prog_fd, &s, retprobe, pid, what, eb);
}

/*
 * Does this kernel have uprobe_multi links that filter by process? The
 * probe libbpf makes (probe_uprobe_multi_link, libbpf 1.3+, the pid part
 * 1.5+), because a USDT program must be loaded for the link it will get:
 *   1. BPF_PROG_LOAD a kprobe program "r0 = 0; exit" with
 *      expected_attach_type BPF_TRACE_UPROBE_MULTI;
 *   2. BPF_LINK_CREATE it at offset 0 of "/": a kernel with the link
 *      looks the path up and refuses a directory with EBADF (older ones:
 *      EINVAL for the unknown attach type, EOPNOTSUPP without uprobes);
 *   3. again with pid -1 (no such process): a kernel whose filter is by
 *      process (6.9's fix of 6.6's, which filtered by thread) checks the
 *      pid first and answers EINVAL; libbpf counts the others as having
 *      no uprobe_multi, since --pid is known only after the load.
 * Returns 1 or 0; -errno when the program itself is refused for another
 * reason (EPERM: not root), with @eb saying so.
 */
int probe_uprobe_multi_link(struct errbuf *eb)
{
	static const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	uint64_t offset = 0;
	struct umulti_sites s = { "/", &offset, NULL, NULL, 1, "offset" };
	struct prog_params p = { 0 };
	union bpf_attr attr;
	long r1, r2;
	int prog_fd;

	p.name = "uprobe_multi_probe";
	p.prog_type = BPF_PROG_TYPE_KPROBE;
	p.expected_attach_type = RL_BPF_TRACE_UPROBE_MULTI;
	p.insns = insns;
	p.insn_cnt = 2;
	p.license = "GPL";
	p.btf_fd = p.attach_btf_obj_fd = p.attach_prog_fd = -1;
	p.why = "does this kernel have uprobe_multi links (for USDT)? a program for one";
	prog_fd = prog_load(&p, NULL, eb);
	if (prog_fd == -EINVAL || prog_fd == -E2BIG)
		return 0;
	if (prog_fd < 0)
		return prog_fd;
	umulti_attr(&attr, prog_fd, &s, 0, 0);
	r1 = sys_bpf(BPF_LINK_CREATE, &attr, UPROBE_MULTI_ATTR_SIZE, SYS_PROBE,
		     "a uprobe_multi link on \"/\": EBADF if the kernel has them");
	umulti_attr(&attr, prog_fd, &s, 0, (uint32_t)-1);
	r2 = r1 == -EBADF ? sys_bpf(BPF_LINK_CREATE, &attr, UPROBE_MULTI_ATTR_SIZE, SYS_PROBE,
				    "again with pid -1: EINVAL if it filters by process") : 0;
	if (r1 >= 0)
		close((int)r1);
	if (r2 > 0)
		close((int)r2);
	close(prog_fd);
	return r1 == -EBADF && r2 == -EINVAL;
}

/*
 * BPF_LINK_CREATE for a struct_ops map (kernel 6.4+, bpf_struct_ops_link_create):
 *   map_fd       the map, in the slot prog_fd has for other links (uapi
 *                6.4 names it link_create.map_fd; the 6.1 header only
 *                prog_fd)
 *   attach_type  BPF_STRUCT_OPS
 *   target_fd, flags  0
 * The map must have BPF_F_LINK and its value written (state READY); the
 * link registers it with its subsystem (for tcp_congestion_ops,
 * tcp_register_congestion_control), closing the link unregisters it.
 */
int hook_struct_ops_link(int map_fd, const char *what, struct errbuf *eb)
{
	union bpf_attr attr;
	char why[256];
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = (uint32_t)map_fd;
	attr.link_create.attach_type = RL_BPF_STRUCT_OPS;
	snprintf(why, sizeof(why), "register %s through a link", what);
	fd = sys_bpf(BPF_LINK_CREATE, &attr, ATTR_SIZE(link_create.flags), SYS_ATTACH, why);
	if (fd < 0)
		return err_set(eb, (int)fd, "%s: BPF_LINK_CREATE (map fd %d, BPF_STRUCT_OPS): %s%s",
			       what, map_fd, err_str((int)fd),
			       fd == -EEXIST ? "; the kernel already has one of that name "
					       "(is it registered by another load?)" : "");
	return (int)fd;
}
