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
 * The alternatives offered are ones this machine has, written as options
 * to pass back (alternatives()).
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

/* Append ", WHAT" (or "WHAT" first) to @out. */
static size_t add(char *out, size_t size, size_t n, const char *what)
{
	if (n < size)
		n += (size_t)snprintf(out + n, size - n, "%s%s", n ? ", " : "", what);
	return n;
}

/*
 * What the user can pass back instead, in @out: only ways this kernel has,
 * for programs this object holds. The kprobe program itself takes another
 * function (--attach kprobe:CLOSEST) or the syscall's entry
 * (--attach ksyscall:STEM) where kprobes exist; the syscall's tracepoint
 * needs a tracepoint program: this object's (--prog NAME), or, when it has
 * none, the section one would be written in. fentry is not offered: whether
 * this kernel loads fentry programs is known only by loading one.
 */
static void alternatives(const struct attach_call *c, const struct probe_opts *o,
			 const char *kallsyms, const char *func, const char *closest,
			 int kprobes, char *out, size_t size)
{
	const char *stem = ksym_stem(func);
	char file[300], prefix[32], entry[160], what[400];
	const char *tp_prog = NULL, *tp_target = NULL;
	size_t n = 0;

	out[0] = '\0';
	if (kprobes && closest && *closest && strcmp(closest, func)) {
		snprintf(what, sizeof(what), "--attach kprobe:%s", closest);
		n = add(out, size, n, what);
	}
	if (kprobes && !ksym_syscall_prefix(kallsyms, prefix, sizeof(prefix), NULL)) {
		snprintf(entry, sizeof(entry), "%s%s", prefix, stem);
		if (ksym_has_func(kallsyms, entry, NULL) == 1) {
			snprintf(what, sizeof(what), "--attach ksyscall:%s", stem);
			n = add(out, size, n, what);
		}
	}
	snprintf(file, sizeof(file), "syscalls/sys_enter_%s", stem);
	if (!tracefs_has(o, file)) {
		if (!n)
			snprintf(out, size, "none in this object; a tracepoint program may see the "
				 "same event (ls /sys/kernel/tracing/events)");
		return;
	}
	for (size_t i = 0; c && i < c->obj->nprogs; i++) {
		const struct obj_prog *q = &c->obj->progs[i];

		if (!q->def || !attach_prog_can(q, AH_TRACEPOINT))
			continue;
		if (!tp_prog || (q->attach_target && !strcmp(q->attach_target, file))) {
			tp_prog = q->name;
			tp_target = q->attach_target;
		}
	}
	if (tp_prog && tp_target && !strcmp(tp_target, file))
		snprintf(what, sizeof(what), "--prog %s", tp_prog);
	else if (tp_prog)
		snprintf(what, sizeof(what), "--prog %s --attach tracepoint:syscalls:sys_enter_%s",
			 tp_prog, stem);
	else if (!n)
		snprintf(what, sizeof(what), "none in this object; a tracepoint program, "
			 "SEC(\"tracepoint/syscalls/sys_enter_%s\"), would attach on this kernel",
			 stem);
	else
		return;
	add(out, size, n, what);
}

int kprobe_check(const struct attach_call *c, const struct probe_spec *ps,
		 const struct probe_opts *o, const char *kallsyms, struct errbuf *eb)
{
	const char *ks = kallsyms ? kallsyms : KSYM_DEFAULT;
	int kprobes = probe_kprobes_available(o);
	int have = ksym_has_func(ks, ps->func, NULL);
	char closest[200] = "", entry[200] = "", prefix[32], alt[512];
	char first[128] = "";
	const char *nosupport = kprobes ? "" :
		"the running kernel has no kprobe support (no kprobe PMU, no kprobe_events); ";

	if (have < 0 && kprobes)
		return 0;	/* no kallsyms to check against: let the kernel judge */
	if (have == 1) {
		if (kprobes)
			return 0;
		alternatives(c, o, ks, ps->func, NULL, 0, alt, sizeof(alt));
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
	alternatives(c, o, ks, ps->func, first, kprobes, alt, sizeof(alt));
	return err_set(eb, kprobes ? -ENOENT : -EOPNOTSUPP,
		       "%s: %s'%s' is not in %s: inlined into its callers, renamed by the "
		       "compiler (.isra/.constprop/.part) or not built in; closest: %s%s; "
		       "alternatives: %s", ps->spec, nosupport, ps->func, ks,
		       *closest ? closest : "none", entry, alt);
}
