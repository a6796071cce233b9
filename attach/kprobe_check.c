/*
 * attach/kprobe_check.c - before a kprobe is asked for: can this kernel
 * probe the function at all, and if not, what would work instead?
 *
 * Two independent facts, reported together when both fail, because the
 * fix differs (another kernel vs. another function):
 *   - kprobes exist: a kprobe PMU or tracefs kprobe_events (bpf/probe.c);
 *   - the function is a text symbol in kallsyms (host/ksym.c): one the
 *     compiler inlined everywhere or renamed (.isra.0) is not, and the
 *     kernel would only say ENOENT or EINVAL.
 * The alternatives offered are ones this machine has: the syscall's
 * tracepoint if tracefs lists it, its ksyscall entry if kallsyms does.
 */
#include "attach_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "bpf/probe.h"
#include "host/ksym.h"
#include "host/mounts.h"

/* Does tracefs list events/@file? Looked for where tracefs is known to be
 * mounted, else at its two usual places; nothing is mounted for a hint. */
static int tracefs_has(const struct probe_opts *o, const char *file)
{
	const char *roots[] = { o->tracefs ? o->tracefs : mounts_tracefs_known(),
				"/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char path[512];
	struct stat st;

	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		if (!roots[i])
			continue;
		snprintf(path, sizeof(path), "%s/events/%s", roots[i], file);
		if (!stat(path, &st))
			return 1;
	}
	return 0;
}

/* ", alternatives: tracepoint:syscalls:sys_enter_STEM, ..." for @func. */
static void alternatives(const struct probe_opts *o, const char *kallsyms, const char *func,
			 const char *closest, int kprobes, char *out, size_t size)
{
	const char *stem = ksym_stem(func);
	char file[300], prefix[32], entry[160];
	int n = 0;

	out[0] = '\0';
	snprintf(file, sizeof(file), "syscalls/sys_enter_%s", stem);
	if (tracefs_has(o, file))
		n += snprintf(out + n, size - (size_t)n, "tracepoint:syscalls:sys_enter_%s", stem);
	else
		n += snprintf(out, size, "tracepoint:CATEGORY:NAME (ls /sys/kernel/tracing/events)");
	if (kprobes && !ksym_syscall_prefix(kallsyms, prefix, sizeof(prefix), NULL)) {
		snprintf(entry, sizeof(entry), "%s%s", prefix, stem);
		if (ksym_has_func(kallsyms, entry, NULL) == 1)
			n += snprintf(out + n, size - (size_t)n, "%sksyscall:%s", n ? ", " : "", stem);
	}
	if (closest && *closest && (size_t)n < size)
		snprintf(out + n, size - (size_t)n, ", fentry:%s", closest);
}

int kprobe_check(const struct probe_spec *ps, const struct probe_opts *o,
		 const char *kallsyms, struct errbuf *eb)
{
	const char *ks = kallsyms ? kallsyms : KSYM_DEFAULT;
	int kprobes = probe_kprobes_available(o);
	int have = ksym_has_func(ks, ps->func, NULL);
	char closest[200] = "", entry[200] = "", prefix[32], alt[256];
	char first[128] = "";
	const char *nosupport = kprobes ? "" :
		"the running kernel has no kprobe support (no kprobe PMU, no kprobe_events); ";

	if (have < 0 && kprobes)
		return 0;	/* no kallsyms to check against: let the kernel judge */
	if (have == 1) {
		if (kprobes)
			return 0;
		alternatives(o, ks, ps->func, ps->func, 0, alt, sizeof(alt));
		return err_set(eb, -EOPNOTSUPP, "%s: %salternatives: %s", ps->spec,
			       nosupport, alt);
	}
	ksym_suggest(ks, ps->func, 4, closest, sizeof(closest));
	snprintf(first, sizeof(first), "%.*s", (int)strcspn(closest, ","), closest);
	if (!ksym_syscall_prefix(ks, prefix, sizeof(prefix), NULL)) {
		char name[160];

		snprintf(name, sizeof(name), "%s%s", prefix, ksym_stem(ps->func));
		if (ksym_has_func(ks, name, NULL) == 1)
			snprintf(entry, sizeof(entry), "; syscall entry point %s", name);
	}
	alternatives(o, ks, ps->func, first, kprobes, alt, sizeof(alt));
	return err_set(eb, kprobes ? -ENOENT : -EOPNOTSUPP,
		       "%s: %s'%s' is not in %s: inlined into its callers, renamed by the "
		       "compiler (.isra/.constprop/.part) or not built in; closest: %s%s; "
		       "alternatives: %s", ps->spec, nosupport, ps->func, ks,
		       *closest ? closest : "none", entry, alt);
}
