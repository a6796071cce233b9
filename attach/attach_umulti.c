/*
 * attach/attach_umulti.c - uprobe.multi:PATH:GLOB and
 * uretprobe.multi:PATH:GLOB, attached the way libbpf's
 * bpf_program__attach_uprobe_multi does it.
 *
 * A uprobe.multi link (Linux 6.6, BPF_TRACE_UPROBE_MULTI) is one link
 * holding a uprobe at many offsets of one file, all running one program:
 * one BPF_LINK_CREATE instead of a perf_event_open and a link per
 * function, and one fd to close. The steps:
 *
 *   1. split the target at its last ':' (a path may hold one; a symbol
 *      name never does), look a bare library or program name up as
 *      libbpf does, and make the path absolute (the kernel looks it up
 *      from rawload's working directory, but --explain and the errors
 *      should show which file was meant);
 *   2. expand the glob over the file's functions (host/usym.c: .symtab
 *      and .dynsym, one offset per function, aliases merged);
 *   3. BPF_LINK_CREATE (bpf/hook.c).
 *
 * Steps 1 and 2 need no kernel, so `rawload plan` runs them too and shows
 * how many functions the glob matched. Entry or return is the --attach
 * type's choice (uretprobe.multi sets BPF_F_UPROBE_MULTI_RETURN), as for
 * kprobe.multi; the program's section only fixes that it is a
 * uprobe.multi program, which the kernel checks at link time.
 */
#include "attach_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/hook.h"
#include "host/usym.h"

/* What a uprobe.multi target expands to before the kernel is asked. */
struct umulti_plan {
	char path[PATH_MAX];	/* absolute */
	const char *glob;	/* in the caller's target string */
	uint64_t *offsets;	/* [n] file offsets, sorted */
	char **names;		/* [n] the function at each offset */
	size_t n;
};

/* Steps 1 and 2 for @type:@target; @what prefixes the errors. */
static int umulti_resolve(const char *what, const char *target, struct umulti_plan *up,
			  struct errbuf *eb)
{
	const char *colon = strrchr(target, ':');
	char file[PATH_MAX];
	int err;

	memset(up, 0, sizeof(*up));
	if (!colon || colon == target || !colon[1] || (size_t)(colon - target) >= sizeof(file))
		return err_set(eb, -EINVAL, "%s: expected PATH:GLOB, e.g. uprobe.multi:"
			       "/usr/lib/x86_64-linux-gnu/libc.so.6:getp*id ('*' any run of "
			       "characters, '?' one)", what);
	snprintf(file, sizeof(file), "%.*s", (int)(colon - target), target);
	up->glob = colon + 1;
	if ((err = attach_user_file(file, up->path, eb)))
		return err_prefix(eb, err, "%s", what);
	err = usym_glob(up->path, up->glob, &up->offsets, &up->names, &up->n, eb);
	return err ? err_prefix(eb, err, "%s", what) : 0;
}

static void umulti_free(struct umulti_plan *up)
{
	usym_glob_free(up->offsets, up->names, up->n);
	up->offsets = NULL;
	up->names = NULL;
	up->n = 0;
}

/* The kernel refuses a program loaded for another attach type (EINVAL,
 * with no word of why): say so before asking. */
static int umulti_check_prog(const struct obj_prog *pr, const char *what, struct errbuf *eb)
{
	if (pr->def && pr->def->prog_type == BPF_PROG_TYPE_KPROBE &&
	    pr->def->attach_type == RL_BPF_TRACE_UPROBE_MULTI)
		return 0;
	return err_set(eb, -EINVAL, "%s: only uprobe.multi programs attach there (the kernel "
		       "checks the expected attach type BPF_TRACE_UPROBE_MULTI given at load; "
		       "this one is in section '%s'); use SEC(\"uprobe.multi\") or attach "
		       "each function with uprobe:PATH:SYMBOL", what, pr->sec_name);
}

int attach_umulti_check(const struct attach_call *c, char *info, size_t size)
{
	const struct obj_prog *pr = c->pr;
	const char *type = c->type;
	const char *target = c->target;
	struct errbuf *eb = c->eb;
	struct umulti_plan up;
	char what[PATH_MAX + 64];
	size_t len;
	int err;

	snprintf(what, sizeof(what), "%s:%s", type, target);
	if ((err = umulti_check_prog(pr, what, eb)))
		return err;
	if ((err = umulti_resolve(what, target, &up, eb)))
		return err;
	/* "3 functions in /tmp/t: add, add2, addx", cut with "..." to fit */
	if (info && size) {
		snprintf(info, size, "%zu %s in %s:", up.n, up.n == 1 ? "function" : "functions",
			 up.path);
		for (size_t i = 0; i < up.n; i++) {
			len = strlen(info);
			if (len + strlen(up.names[i]) + 7 >= size) {
				snprintf(info + len, size - len, " ...");
				break;
			}
			snprintf(info + len, size - len, "%s %s", i ? "," : "", up.names[i]);
		}
	}
	umulti_free(&up);
	return 0;
}

int attach_umulti(const struct attach_call *c)
{
	const struct obj_prog *pr = c->pr;
	int prog_fd = c->prog_fd;
	const char *type = c->type;
	const char *target = c->target;
	struct attach_set *set = c->set;
	struct errbuf *eb = c->eb;
	struct umulti_plan up;
	char what[PATH_MAX + 64];
	int fd;

	snprintf(what, sizeof(what), "%s:%s", type, target);
	if ((fd = umulti_check_prog(pr, what, eb)))
		return fd;
	if ((fd = umulti_resolve(what, target, &up, eb)))
		return fd;
	/* --pid: link_create.uprobe_multi.pid, filtered by the kernel as a
	 * uprobe perf event is (bpf/probe.c, probe_target) */
	fd = hook_uprobe_multi(prog_fd, up.path, up.offsets, up.n,
				 c->how == AH_URETPROBE_MULTI, (uint32_t)set->pid, what, eb);
	umulti_free(&up);
	return fd < 0 ? fd : attach_keep(set, fd, eb);
}
