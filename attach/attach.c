/*
 * attach/attach.c - the ways rawload attaches (see attach.h): one table,
 * hows[], with a row per --attach TYPE (its name, usage, target parser,
 * handler, plan check, and which programs it fits), the rules read from
 * it, the set of attachments and their undoing, and the handlers of the
 * tracing family (tracepoints, k/uprobes, BTF-targeted programs,
 * kprobe.multi and kprobe.session, iterators, perf events). The network
 * and cgroup hooks are in attach_net.c, USDT probes in attach_usdt.c,
 * uprobe.multi in attach_umulti.c, the target parsers in attach_spec.c.
 */
#include "attach_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/hook.h"
#include "host/ksym.h"
#include "bpf/map.h"
#include "bpf/probe.h"
#include "host/upath.h"
#include "host/usym.h"
#include "elf/names.h"
#include "host/mounts.h"

enum attach_how attach_how_of(const struct obj_prog *p)
{
	int ret = p->def && (p->def->flags & SD_RETPROBE);

	switch (p->def ? p->def->attach : ATTACH_NONE) {
	case ATTACH_KPROBE: return ret ? AH_KRETPROBE : AH_KPROBE;
	case ATTACH_KSYSCALL: return ret ? AH_KRETSYSCALL : AH_KSYSCALL;
	case ATTACH_UPROBE: return ret ? AH_URETPROBE : AH_UPROBE;
	case ATTACH_KPROBE_MULTI:
		if (p->def->attach_type == RL_BPF_TRACE_KPROBE_SESSION)
			return AH_KPROBE_SESSION;
		return ret ? AH_KRETPROBE_MULTI : AH_KPROBE_MULTI;
	case ATTACH_UPROBE_MULTI: return ret ? AH_URETPROBE_MULTI : AH_UPROBE_MULTI;
	case ATTACH_TRACEPOINT: return AH_TRACEPOINT;
	case ATTACH_RAW_TP: return AH_RAW_TP;
	case ATTACH_TRACING:
		switch (p->def->attach_type) {
		case BPF_TRACE_RAW_TP: return AH_TP_BTF;
		case BPF_TRACE_FEXIT: return AH_FEXIT;
		case BPF_MODIFY_RETURN: return AH_FMOD_RET;
		default: return AH_FENTRY;
		}
	case ATTACH_LSM: return AH_LSM;
	case ATTACH_XDP: return AH_XDP;
	case ATTACH_TC: return AH_TC;
	case ATTACH_CGROUP: return AH_CGROUP;
	case ATTACH_SOCKET: return AH_SOCKET;
	case ATTACH_PERF_EVENT: return AH_PERF_EVENT;
	case ATTACH_ITER: return AH_ITER;
	case ATTACH_SOCKMAP: return AH_SOCKMAP;
	case ATTACH_NETNS: return AH_NETNS;
	case ATTACH_NETFILTER: return AH_NETFILTER;
	case ATTACH_USDT: return AH_USDT;
	case ATTACH_FREPLACE: return AH_FREPLACE;
	case ATTACH_NONE: break;
	}
	return AH_NONE;
}

const char *attach_section_target(const struct obj_prog *p)
{
	/* no cgroup section names its cgroup; lsm_cgroup/HOOK's HOOK chose
	 * the bpf_lsm_ function the program was verified against; freplace/FUNC
	 * names a function, not which program holds it */
	if (p->def && (p->def->attach == ATTACH_CGROUP || p->def->attach == ATTACH_FREPLACE))
		return NULL;
	return p->attach_target;
}

/* The next free entry of @set, zeroed, in *@out (not counted until the
 * caller's set->n++). The entries grow as needed -- most runs attach one
 * or two programs -- up to ATTACH_MAX. 0, -E2BIG or -ENOMEM. */
int attach_new_entry(struct attach_set *set, struct attach_entry **out,
		     struct errbuf *eb)
{
	struct attach_entry *e;

	if (set->n >= ATTACH_MAX)
		return err_set(eb, -E2BIG, "more than %d attachments", ATTACH_MAX);
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 4;

		e = realloc(set->ent, cap * sizeof(*e));
		if (!e)
			return err_set(eb, -ENOMEM, "out of memory");
		set->ent = e;
		set->cap = cap;
	}
	e = &set->ent[set->n];
	memset(e, 0, sizeof(*e));
	e->fd = -1;
	e->undo = UNDO_NONE;
	e->detach.prog_fd = -1;
	*out = e;
	return 0;
}

int attach_keep(struct attach_set *set, int fd, struct errbuf *eb)
{
	struct attach_entry *e;
	int err = attach_new_entry(set, &e, eb);

	if (err) {
		close(fd);
		return err;
	}
	e->fd = fd;
	set->n++;
	return 0;
}

/* tracepoint:CATEGORY:NAME (the section spells it CATEGORY/NAME) */
static int do_tracepoint(const struct attach_call *c)
{
	const char *tracefs;
	int err;

	if ((err = mounts_tracefs(&tracefs, c->eb)))
		return err_prefix(c->eb, err, "tracepoint %s:%s", c->s->u.tp.cat, c->s->u.tp.name);
	return hook_tracepoint(c->prog_fd, tracefs, c->s->u.tp.cat, c->s->u.tp.name, c->eb);
}

/* Test hooks and forced fallbacks, from the environment:
 *   RAWLOAD_KALLSYMS=FILE            check kprobe targets against FILE
 *   RAWLOAD_FILTER_FUNCTIONS=FILE    kprobe.multi globs match FILE's names
 *   RAWLOAD_FORCE_LEGACY_KPROBE=1    tracefs kprobe_events even with a PMU
 *   RAWLOAD_FORCE_USDT_PERF=1        usdt: perf-event uprobes, not uprobe_multi
 *   RAWLOAD_FORCE_NETLINK_TC=1       clsact + cls_bpf even with tcx */
int attach_env_flag(const char *name)
{
	const char *v = getenv(name);

	return v && *v && strcmp(v, "0");
}

static struct probe_opts probe_opts_env(void)
{
	struct probe_opts o = { 0 };

	o.force_legacy = attach_env_flag("RAWLOAD_FORCE_LEGACY_KPROBE");
	return o;
}

/* Attach through bpf/probe.c and record the legacy event for undo. */
int attach_keep_probe(int prog_fd, const struct probe_spec *ps, struct attach_set *set,
		      struct errbuf *eb)
{
	struct probe_opts o = probe_opts_env();
	struct attach_entry *e;
	int fd;

	/* without a probe PMU the probe is a tracefs event: its function or
	 * file is written into a {k,u}probe_events line, where a space would
	 * end the word; and tracefs must be there before bpf/probe.c looks */
	if (o.force_legacy || !probe_has_pmu(&o, ps->uprobe)) {
		const char *word = ps->uprobe ? ps->path : ps->func;
		const char *kind = ps->uprobe ? "uprobe" : "kprobe";
		long at = name_bad_byte(word, NAME_WORD);
		char q[300];

		if (at >= 0)
			return err_set(eb, -EINVAL, "%s: '%s' cannot be written to tracefs's "
				       "%s_events (%s): byte %ld is refused; it may hold only %s",
				       ps->spec, name_quote(word, q, sizeof(q)), kind,
				       o.force_legacy ? "RAWLOAD_FORCE_LEGACY_KPROBE is set" :
				       ps->uprobe ? "this kernel has no uprobe PMU" :
				       "this kernel has no kprobe PMU", at, name_rule_str(NAME_WORD));
		if ((fd = mounts_tracefs(&o.tracefs, eb)))
			return err_prefix(eb, fd, "%s: no %s PMU, so the probe needs tracefs's "
					  "%s_events", ps->spec, kind, kind);
	}
	if ((fd = attach_new_entry(set, &e, eb)))
		return fd;
	fd = hook_probe(prog_fd, ps, &o, e->event, sizeof(e->event), eb);
	if (fd < 0)
		return fd;
	e->fd = fd;
	if (e->event[0])
		e->undo = ps->uprobe ? UNDO_UPROBE_EVENT : UNDO_KPROBE_EVENT;
	set->n++;
	return 0;
}

/* kprobe:FN[+OFF], kretprobe:FN, ksyscall:NAME, kretsyscall:NAME */
static int do_kprobe(const struct attach_call *c)
{
	struct probe_opts o = probe_opts_env();
	struct probe_spec ps = { 0 };
	char spec[300], full[200];
	int err;

	snprintf(spec, sizeof(spec), "%s:%s", c->type, c->target);
	ps.spec = spec;
	ps.retprobe = c->how == AH_KRETPROBE || c->how == AH_KRETSYSCALL;
	ps.func = c->s->u.probe.func;
	ps.offset = c->s->u.probe.offset;
	if (c->how == AH_KSYSCALL || c->how == AH_KRETSYSCALL) {
		/* the syscall's entry point: __x64_sys_NAME on x86_64 */
		const char *kallsyms = getenv("RAWLOAD_KALLSYMS");
		char prefix[32] = "sys_";

		ksym_syscall_prefix(kallsyms ? kallsyms : KSYM_DEFAULT, prefix, sizeof(prefix),
				    NULL);
		snprintf(full, sizeof(full), "%s%s", prefix, ps.func);
		ps.func = full;
	}
	if ((err = kprobe_check(c, &ps, &o, getenv("RAWLOAD_KALLSYMS"), c->eb)))
		return err;
	return attach_keep_probe(c->prog_fd, &ps, c->set, c->eb);
}

int attach_user_file(const char *file, char *abspath, struct errbuf *eb)
{
	struct upath_env env = { .ld_library_path = getenv("LD_LIBRARY_PATH"),
				 .path = getenv("PATH") };
	char found[PATH_MAX];
	int err = upath_resolve(file, &env, found, sizeof(found), eb);

	if (err)
		return err;
	if (!realpath(found, abspath))
		return err_set(eb, -errno, "%s: %s", found, err_str(-errno));
	return 0;
}

/* uprobe:PATH:SYMBOL[+OFF] or uprobe:PATH:0xFILEOFFSET; PATH may be a
 * library or program name (attach_user_file) */
static int do_uprobe(const struct attach_call *c)
{
	char spec[PATH_MAX + 64], file[PATH_MAX], abspath[PATH_MAX];
	struct probe_spec ps = { 0 };
	uint64_t off = c->s->u.uprobe.addr;
	int err;

	snprintf(spec, sizeof(spec), "%s:%s", c->type, c->target);
	ps.spec = spec;
	ps.uprobe = 1;
	ps.retprobe = c->how == AH_URETPROBE;
	snprintf(file, sizeof(file), "%.*s", (int)c->s->u.uprobe.file_len, c->target);
	/* the kernel resolves config1 to an inode; give it an absolute path */
	if ((err = attach_user_file(file, abspath, c->eb)))
		return err_prefix(c->eb, err, "%s", spec);
	if (!c->s->u.uprobe.is_addr &&
	    (err = usym_file_offset(abspath, c->s->u.uprobe.sym, &off, c->eb)))
		return err_prefix(c->eb, err, "%s", spec);
	ps.path = abspath;
	ps.offset = off + c->s->u.uprobe.extra;
	ps.pid = c->set->pid;
	return attach_keep_probe(c->prog_fd, &ps, c->set, c->eb);
}

/* tp_btf, fentry, fexit, fmod_ret, lsm, freplace: the target was fixed at
 * load. A link on a BPF program's function (freplace:, fentry:PROG) is
 * created with target_fd 0 as well, meaning the program and function given
 * at load (libbpf's attach_freplace names them again, which the kernel
 * allows in order to attach one extension at several places). */
static int do_tracing(const struct attach_call *c)
{
	const struct obj_prog *pr = c->pr;
	int prog_fd = c->prog_fd;
	const char *type = c->type;
	const char *target = c->target;
	struct attach_set *set = c->set;
	struct errbuf *eb = c->eb;
	int on_prog = attach_target_is_prog(c->how, target);
	char what[300];
	int fd;

	snprintf(what, sizeof(what), "%s:%s", type, target);
	if (!pr->def || (pr->def->attach != ATTACH_TRACING && pr->def->attach != ATTACH_LSM &&
			 pr->def->attach != ATTACH_FREPLACE))
		return err_set(eb, -EINVAL, "%s: only %s programs attach there (this one is "
			       "in section '%s')", what, type, pr->sec_name);
	if (attach_how_of(pr) != c->how && c->how != AH_LSM)
		return err_set(eb, -EINVAL, "%s: the program was loaded as %s (section '%s')",
			       what, attach_how_name(attach_how_of(pr)), pr->sec_name);
	if (!on_prog && (!pr->attach_target || strcmp(pr->attach_target, target)))
		return err_set(eb, -EINVAL, "%s: the program was loaded for '%s' (its BTF "
			       "target is fixed at load time by section '%s'); attaching "
			       "elsewhere needs a program in SEC(\"%s/%s\")", what,
			       pr->attach_target ? pr->attach_target : "(none)", pr->sec_name,
			       type, target);
	fd = hook_tracing(prog_fd, pr->def->attach_type, what, eb);
	return fd < 0 ? fd : attach_keep(set, fd, eb);
}

/* The kernel takes a kprobe_multi link only for a program loaded with the
 * matching expected_attach_type (BPF_TRACE_KPROBE_MULTI for kprobe.multi
 * and kretprobe.multi, BPF_TRACE_KPROBE_SESSION for kprobe.session) and
 * answers EINVAL, with no word of why, otherwise: say so before asking. */
static int kmulti_check_prog(const struct attach_call *c, const char *what)
{
	const struct obj_prog *pr = c->pr;
	const char *type = c->type;
	struct errbuf *eb = c->eb;
	int session = c->how == AH_KPROBE_SESSION;
	uint32_t want = session ? RL_BPF_TRACE_KPROBE_SESSION : BPF_TRACE_KPROBE_MULTI;

	if (pr->def && pr->def->prog_type == BPF_PROG_TYPE_KPROBE &&
	    pr->def->attach_type == want)
		return 0;
	return err_set(eb, -EINVAL, "%s: only %s programs attach there (the kernel checks the "
		       "expected attach type %s given at load; this one is in section '%s'); "
		       "use SEC(\"%s\")%s", what, session ? "kprobe.session" : "kprobe.multi",
		       session ? "BPF_TRACE_KPROBE_SESSION" : "BPF_TRACE_KPROBE_MULTI",
		       pr->sec_name, session ? "kprobe.session" : type,
		       pr->def && pr->def->attach_type == RL_BPF_TRACE_KPROBE_SESSION
			       ? ", or attach this one with kprobe.session:GLOB" : "");
}

/* kprobe.multi:GLOB, kretprobe.multi:GLOB, kprobe.session:GLOB: every
 * traceable function the glob matches, in one link (libbpf's
 * hook_kprobe_multi does the same with available_filter_functions). */
static int do_kprobe_multi(const struct attach_call *c)
{
	int prog_fd = c->prog_fd;
	const char *type = c->type;
	const char *target = c->target;
	struct attach_set *set = c->set;
	struct errbuf *eb = c->eb;
	const char *kallsyms = getenv("RAWLOAD_KALLSYMS");
	const char *list = getenv("RAWLOAD_FILTER_FUNCTIONS");
	char what[300], flist[300], **names = NULL;
	const char *source = NULL, *tracefs;
	enum kmulti_mode mode = c->how == AH_KRETPROBE_MULTI ? KMULTI_RETURN :
				c->how == AH_KPROBE_SESSION  ? KMULTI_SESSION :
							       KMULTI_ENTRY;
	size_t n = 0;
	int fd;

	snprintf(what, sizeof(what), "%s:%s", type, target);
	if ((fd = kmulti_check_prog(c, what)))
		return fd;
	/* kallsyms (or its test stand-in) alone when the test says so;
	 * else ftrace's list, and kallsyms where tracefs cannot be had */
	if (!list && !kallsyms && !mounts_tracefs(&tracefs, eb)) {
		snprintf(flist, sizeof(flist), "%s/available_filter_functions", tracefs);
		if (access(flist, R_OK) == 0)
			list = flist;
	}
	fd = ksym_glob(list, kallsyms ? kallsyms : KSYM_DEFAULT, target, &names, &n,
		       &source, eb);
	if (fd)
		return err_prefix(eb, fd, "%s", what);
	if (n == 0)
		return err_set(eb, -ENOENT, "%s: no kernel function matches '%s' in %s",
			       what, target, source);
	fd = hook_kprobe_multi(prog_fd, names, n, mode, what, eb);
	ksym_names_free(names, n);
	return fd < 0 ? fd : attach_keep(set, fd, eb);
}

/* iter:TARGET: link the iterator, then read one walk of it, as `cat` of
 * a pinned iterator would, for @set->iter_output to show; the link stays
 * in @set so a second reader (--pin) could walk it again. */
#define ITER_MAX (64 << 20)	/* bytes of one walk kept */

static int do_iter(const struct attach_call *c)
{
	const struct obj_prog *pr = c->pr;
	int prog_fd = c->prog_fd;
	const char *target = c->target;
	struct attach_set *set = c->set;
	struct errbuf *eb = c->eb;
	char what[128], buf[4096], *walk = NULL;
	size_t len = 0, cap = 0;
	int link, fd, err;
	ssize_t n;

	snprintf(what, sizeof(what), "iter:%s", target);
	if (!pr->def || pr->def->attach != ATTACH_ITER)
		return err_set(eb, -EINVAL, "%s: only iterator programs attach there (this "
			       "one is in section '%s')", what, pr->sec_name);
	if (!pr->attach_target || strcmp(pr->attach_target, target))
		return err_set(eb, -EINVAL, "%s: the program was loaded to walk '%s' (its "
			       "BTF target bpf_iter_%s is fixed at load time by section "
			       "'%s')", what, pr->attach_target ? pr->attach_target : "(none)",
			       pr->attach_target ? pr->attach_target : "?", pr->sec_name);
	link = hook_link_create(prog_fd, 0, BPF_TRACE_ITER, what, eb);
	if (link < 0)
		return link;
	if ((err = attach_keep(set, link, eb)))
		return err;
	fd = hook_iter_open(link, what, eb);
	if (fd < 0)
		return fd;
	/* EAGAIN never comes: the fd blocks; a read error mid-walk is the
	 * program's (e.g. -E2BIG from a seq_file record over a page). The
	 * walk is kept whole, up to ITER_MAX, so that it can be told text
	 * or binary and printed as one */
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (len + (size_t)n > ITER_MAX) {
			n = -1;
			errno = EFBIG;
			break;
		}
		if (len + (size_t)n > cap) {
			char *grown = realloc(walk, cap = (len + (size_t)n) * 2);

			if (!grown) {
				n = -1;
				errno = ENOMEM;
				break;
			}
			walk = grown;
		}
		memcpy(walk + len, buf, (size_t)n);
		len += (size_t)n;
	}
	err = n < 0 ? -errno : 0;
	close(fd);
	if (set->iter_output && len)
		set->iter_output(set->iter_ctx, pr->name, (const uint8_t *)walk, len);
	free(walk);
	if (err == -EFBIG)
		return err_set(eb, err, "%s: the walk is longer than %d MiB; shown up to there",
			       what, ITER_MAX >> 20);
	if (err)
		return err_set(eb, err, "%s: reading the walk: %s", what, err_str(err));
	return 0;
}

/* perf_event:cpu-clock:FREQ on every online CPU */
static int do_perf_event(const struct attach_call *c)
{
	int fds[ATTACH_MAX], n;

	n = hook_cpu_clock(c->prog_fd, c->s->u.perf.freq, fds, ATTACH_MAX - c->set->n, c->eb);
	for (int i = 0; i < n; i++)
		attach_keep(c->set, fds[i], c->eb);
	return n < 0 ? n : 0;
}

/* raw_tp:NAME; the fd is the set's (attach_program keeps it) */
static int do_raw_tp(const struct attach_call *c)
{
	return hook_raw_tp(c->prog_fd, c->target, c->eb);
}

static int check_kmulti(const struct attach_call *c, char *info, size_t size)
{
	char what[300];

	(void)info;
	(void)size;
	snprintf(what, sizeof(what), "%s:%s", c->type, c->target);
	return kmulti_check_prog(c, what);
}

/* cgroup: and netns: take only programs of their program types; another
 * type would reach the kernel as attach type 0 and get a bare EINVAL */
static int check_fits(const struct attach_call *c, char *info, size_t size)
{
	(void)info;
	(void)size;
	if (attach_type_fits(c->pr, c->how))
		return 0;
	return err_set(c->eb, -EINVAL, "%s:%s: a %s program (section '%s') does not attach "
		       "there", c->type, c->target, c->pr->def ?
		       secdef_prog_type_name(c->pr->def->prog_type) : "?", c->pr->sec_name);
}

/* Families: when no selected program is of an --attach's exact way,
 * programs of its family take it. A kprobe program can run at any kernel
 * function's entry or return, so it takes every kprobe-family --attach;
 * likewise uprobes, and uprobe.multi programs (entry or return is the
 * link's flag). */
enum { FAM_NONE, FAM_KPROBE, FAM_UPROBE, FAM_UMULTI };

/* Row flags. */
enum {
	HOW_PID = 1 << 0,	/* --pid filters it (attach_takes_pid) */
	HOW_PERF = 1 << 1,	/* a perf event takes the program: the kernel
				   wants @kernel_type loaded with expected
				   attach type 0 (not a multi link's) */
	HOW_AT_LOAD = 1 << 2,	/* the target was fixed at load (BTF-targeted
				   programs): only programs of exactly this
				   way attach */
};

/*
 * The table: one row per way, indexed by enum attach_how. @prog_types are
 * the program types that take the way whatever their section is called
 * ("classifier" is a SCHED_CLS program too: the kernel judges the program
 * type, not names); @hint is what a program of those types hears when its
 * section names no target.
 */
static const struct attach_how_def {
	const char *name;
	const char *usage;	/* --attach NAME:TARGET as --help shows it */
	int (*parse)(struct attach_spec *s, struct errbuf *eb);	/* TARGET's syntax */
	int (*attach)(const struct attach_call *c);
	int (*check)(const struct attach_call *c, char *info, size_t size);
	int family;
	unsigned flags;
	const char *default_target;	/* when --attach gives none */
	uint32_t prog_types[7];
	uint32_t kernel_type;	/* the program type the kernel takes there,
				   for a way with no @prog_types: a program of
				   another section may use it (kprobe/X on
				   kretprobe:Y), one of another type may not */
	const char *hint;
} hows[AH_COUNT] = {
	[AH_KPROBE] = { .name = "kprobe", .usage = "kprobe:FN[+OFF]",
		.parse = attach_parse_kprobe, .attach = do_kprobe, .family = FAM_KPROBE,
		.flags = HOW_PERF, .kernel_type = BPF_PROG_TYPE_KPROBE },
	[AH_KRETPROBE] = { .name = "kretprobe", .usage = "kretprobe:FN",
		.parse = attach_parse_kprobe, .attach = do_kprobe, .family = FAM_KPROBE,
		.flags = HOW_PERF, .kernel_type = BPF_PROG_TYPE_KPROBE },
	[AH_KSYSCALL] = { .name = "ksyscall", .usage = "ksyscall:NAME",
		.parse = attach_parse_kprobe, .attach = do_kprobe, .family = FAM_KPROBE,
		.flags = HOW_PERF, .kernel_type = BPF_PROG_TYPE_KPROBE },
	[AH_KRETSYSCALL] = { .name = "kretsyscall", .usage = "kretsyscall:NAME",
		.parse = attach_parse_kprobe, .attach = do_kprobe, .family = FAM_KPROBE,
		.flags = HOW_PERF, .kernel_type = BPF_PROG_TYPE_KPROBE },
	[AH_UPROBE] = { .name = "uprobe", .usage = "uprobe:PATH:SYMBOL[+OFF]",
		.parse = attach_parse_uprobe, .attach = do_uprobe, .family = FAM_UPROBE,
		.flags = HOW_PID | HOW_PERF, .kernel_type = BPF_PROG_TYPE_KPROBE },
	[AH_URETPROBE] = { .name = "uretprobe", .usage = "uretprobe:PATH:SYMBOL",
		.parse = attach_parse_uprobe, .attach = do_uprobe, .family = FAM_UPROBE,
		.flags = HOW_PID | HOW_PERF, .kernel_type = BPF_PROG_TYPE_KPROBE },
	[AH_TRACEPOINT] = { .name = "tracepoint", .usage = "tracepoint:CATEGORY:NAME",
		.parse = attach_parse_tracepoint, .attach = do_tracepoint,
		.kernel_type = BPF_PROG_TYPE_TRACEPOINT },
	[AH_RAW_TP] = { .name = "raw_tp", .usage = "raw_tp:NAME", .attach = do_raw_tp,
		.kernel_type = BPF_PROG_TYPE_RAW_TRACEPOINT },
	[AH_TP_BTF] = { .name = "tp_btf", .usage = "tp_btf:NAME", .attach = do_tracing,
		.flags = HOW_AT_LOAD },
	[AH_FENTRY] = { .name = "fentry", .usage = "fentry:FN|PROG[:FUNC]",
		.attach = do_tracing, .flags = HOW_AT_LOAD },
	[AH_FEXIT] = { .name = "fexit", .usage = "fexit:FN|PROG[:FUNC]", .attach = do_tracing,
		.flags = HOW_AT_LOAD },
	[AH_FMOD_RET] = { .name = "fmod_ret", .usage = "fmod_ret:FN", .attach = do_tracing,
		.flags = HOW_AT_LOAD },
	[AH_LSM] = { .name = "lsm", .usage = "lsm:HOOK", .attach = do_tracing,
		.kernel_type = BPF_PROG_TYPE_LSM },
	[AH_FREPLACE] = { .name = "freplace", .usage = "freplace:PROG[:FUNC]",
		.attach = do_tracing, .kernel_type = BPF_PROG_TYPE_EXT,
		.hint = " freplace:PROG (a pinned program or its id)" },
	[AH_XDP] = { .name = "xdp", .usage = "xdp:IFACE", .attach = attach_net_iface,
		.prog_types = { BPF_PROG_TYPE_XDP } },
	[AH_TC] = { .name = "tc", .usage = "tc:IFACE[:ingress|egress]",
		.parse = attach_parse_tc, .attach = attach_net_tc,
		.prog_types = { BPF_PROG_TYPE_SCHED_CLS } },
	[AH_CGROUP] = { .name = "cgroup", .usage = "cgroup:PATH", .attach = attach_net_cgroup,
		.check = check_fits,
		.prog_types = { BPF_PROG_TYPE_CGROUP_SKB, BPF_PROG_TYPE_CGROUP_SOCK,
				BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_PROG_TYPE_CGROUP_SOCKOPT,
				BPF_PROG_TYPE_CGROUP_SYSCTL, BPF_PROG_TYPE_CGROUP_DEVICE,
				BPF_PROG_TYPE_SOCK_OPS },
		.hint = " cgroup:PATH" },
	[AH_SOCKET] = { .name = "socket", .usage = "socket:IFACE", .attach = attach_net_iface,
		.prog_types = { BPF_PROG_TYPE_SOCKET_FILTER } },
	[AH_PERF_EVENT] = { .name = "perf_event", .usage = "perf_event:cpu-clock:FREQ",
		.parse = attach_parse_perf_event, .attach = do_perf_event,
		.prog_types = { BPF_PROG_TYPE_PERF_EVENT } },
	[AH_ITER] = { .name = "iter", .usage = "iter:TARGET", .attach = do_iter,
		.flags = HOW_AT_LOAD },
	[AH_KPROBE_MULTI] = { .name = "kprobe.multi", .usage = "kprobe.multi:GLOB",
		.attach = do_kprobe_multi, .check = check_kmulti,
		.kernel_type = BPF_PROG_TYPE_KPROBE },
	[AH_KRETPROBE_MULTI] = { .name = "kretprobe.multi", .usage = "kretprobe.multi:GLOB",
		.attach = do_kprobe_multi, .check = check_kmulti,
		.kernel_type = BPF_PROG_TYPE_KPROBE },
	[AH_KPROBE_SESSION] = { .name = "kprobe.session", .usage = "kprobe.session:GLOB",
		.attach = do_kprobe_multi, .check = check_kmulti,
		.kernel_type = BPF_PROG_TYPE_KPROBE, .hint = " kprobe.session:GLOB" },
	[AH_SOCKMAP] = { .name = "sockmap", .usage = "sockmap:MAP", .attach = attach_net_sockmap,
		.check = attach_net_sockmap_check,
		.prog_types = { BPF_PROG_TYPE_SK_MSG, BPF_PROG_TYPE_SK_SKB },
		.hint = " sockmap:MAP (a SOCKMAP or SOCKHASH of the object)" },
	[AH_NETNS] = { .name = "netns", .usage = "netns[:PATH]", .attach = attach_net_netns,
		.check = check_fits, .default_target = "/proc/self/ns/net",
		.prog_types = { BPF_PROG_TYPE_FLOW_DISSECTOR, BPF_PROG_TYPE_SK_LOOKUP },
		.hint = " netns (this network namespace) or netns:/run/netns/NAME" },
	[AH_NETFILTER] = { .name = "netfilter", .usage = "netfilter:FAMILY:HOOK[:PRIO]",
		.parse = attach_parse_netfilter, .attach = attach_net_netfilter,
		.kernel_type = RL_BPF_PROG_TYPE_NETFILTER,
		.hint = " netfilter:FAMILY:HOOK[:PRIO]" },
	[AH_LWT] = { .name = "lwt", .usage = "lwt:PREFIX:IFACE", .parse = attach_parse_lwt,
		.attach = attach_net_lwt,
		.prog_types = { BPF_PROG_TYPE_LWT_IN, BPF_PROG_TYPE_LWT_OUT,
				BPF_PROG_TYPE_LWT_XMIT },
		.hint = " lwt:PREFIX:IFACE (a route of this network namespace)" },
	[AH_USDT] = { .name = "usdt", .usage = "usdt:PATH:PROVIDER:NAME", .attach = attach_usdt,
		.check = attach_usdt_check, .flags = HOW_PID, .kernel_type = BPF_PROG_TYPE_KPROBE,
		.hint = " usdt:PATH:PROVIDER:NAME" },
	[AH_UPROBE_MULTI] = { .name = "uprobe.multi", .usage = "uprobe.multi:PATH:GLOB",
		.attach = attach_umulti, .check = attach_umulti_check, .family = FAM_UMULTI,
		.flags = HOW_PID, .kernel_type = BPF_PROG_TYPE_KPROBE,
		.hint = " uprobe.multi:PATH:GLOB" },
	[AH_URETPROBE_MULTI] = { .name = "uretprobe.multi", .usage = "uretprobe.multi:PATH:GLOB",
		.attach = attach_umulti, .check = attach_umulti_check, .family = FAM_UMULTI,
		.flags = HOW_PID, .kernel_type = BPF_PROG_TYPE_KPROBE,
		.hint = " uretprobe.multi:PATH:GLOB" },
};

static const struct attach_how_def *how_def(enum attach_how how)
{
	return how > AH_NONE && how < AH_COUNT ? &hows[how] : NULL;
}

const char *attach_how_name(enum attach_how how)
{
	return how_def(how) ? hows[how].name : "none";
}

const char *attach_how_usage(enum attach_how how)
{
	return how_def(how) ? hows[how].usage : "";
}

enum attach_how attach_how_find(const char *name, size_t len)
{
	for (int i = 0; i < AH_COUNT; i++)
		if (strlen(hows[i].name) == len && !strncmp(hows[i].name, name, len))
			return (enum attach_how)i;
	return AH_NONE;
}

int attach_spec_parse(enum attach_how how, const char *target, struct attach_spec *s,
		      struct errbuf *eb)
{
	memset(s, 0, sizeof(*s));
	s->how = how;
	s->target = target;
	return how_def(how) && hows[how].parse ? hows[how].parse(s, eb) : 0;
}

int attach_section_spec(const struct obj_prog *p, struct attach_spec *s, struct errbuf *eb)
{
	const char *t = attach_section_target(p);
	int err;

	if (!t)
		return 0;
	if ((err = attach_spec_parse(attach_how_of(p), t, s, eb)))
		return err_prefix(eb, err, "program '%s': section '%s'", p->name, p->sec_name);
	return 1;
}

int attach_type_fits(const struct obj_prog *p, enum attach_how how)
{
	const struct attach_how_def *d = how_def(how);

	if (!p->def || !d)
		return 0;
	if (attach_how_of(p) == how)
		return 1;
	for (size_t i = 0; i < sizeof(d->prog_types) / sizeof(d->prog_types[0]); i++)
		if (d->prog_types[i] && d->prog_types[i] == p->def->prog_type)
			return 1;
	return 0;
}

static int family_fits(const struct obj_prog *p, enum attach_how how)
{
	enum attach_how own = p->def ? attach_how_of(p) : AH_NONE;

	return how_def(how) && how_def(own) && hows[how].family &&
	       hows[how].family == hows[own].family;
}

int attach_applies(const struct object *obj, const int *selected, size_t prog,
		   enum attach_how how)
{
	int exact = 0;

	/* An object with both an entry and a return program (uprobe.bpf.o)
	 * must get "uprobe:" only on the entry one: the family rule applies
	 * only when no selected program is of the exact way. */
	for (size_t i = 0; i < obj->nprogs && !exact; i++)
		exact = selected[i] && attach_type_fits(&obj->progs[i], how);
	return exact ? attach_type_fits(&obj->progs[prog], how)
		     : family_fits(&obj->progs[prog], how);
}

int attach_prog_can(const struct obj_prog *p, enum attach_how how)
{
	const struct attach_how_def *d = how_def(how);

	if (!d || !p->def)
		return 0;
	if (attach_type_fits(p, how) || family_fits(p, how))
		return 1;
	if ((d->flags & HOW_AT_LOAD) || !d->kernel_type)
		return 0;
	if (how == AH_RAW_TP && p->def->prog_type == BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE)
		return 1;
	if (d->kernel_type != p->def->prog_type)
		return 0;
	return !(d->flags & HOW_PERF) || !p->def->attach_type;
}

int attach_placeholder(const struct obj_prog *p)
{
	const char *t = p->attach_target;

	/* bcc's libbpf-tools spell them dummy_NAME (fsslower's
	 * kprobe/dummy_file_read, ...) */
	return p->def && t && !strncmp(t, "dummy", 5) && attach_section_target(p) == t;
}

/* The event a program's own section names, as a key twins share:
 * tracepoint CAT/NAME, raw_tp/NAME and tp_btf/NAME are the tracepoint
 * NAME; kprobe/FN and fentry/FN the entry of FN; kretprobe/FN and
 * fexit/FN its return. 0 when the section names none of these. */
static int event_key(const struct obj_prog *p, char *key, size_t size)
{
	const char *t = p->def ? p->attach_target : NULL;
	const char *slash;

	if (!t)
		return 0;
	switch (attach_how_of(p)) {
	case AH_TRACEPOINT:
		slash = strpbrk(t, "/:");
		snprintf(key, size, "tp %s", slash ? slash + 1 : t);
		return 1;
	case AH_RAW_TP: case AH_TP_BTF:
		snprintf(key, size, "tp %s", t);
		return 1;
	case AH_KPROBE: case AH_FENTRY:
		snprintf(key, size, "entry %s", t);
		return 1;
	case AH_KRETPROBE: case AH_FEXIT:
		snprintf(key, size, "return %s", t);
		return 1;
	default:
		return 0;
	}
}

int attach_twins(const struct obj_prog *a, const struct obj_prog *b)
{
	char ka[300], kb[300];

	return attach_how_of(a) != attach_how_of(b) && event_key(a, ka, sizeof(ka)) &&
	       event_key(b, kb, sizeof(kb)) && !strcmp(ka, kb);
}

/* "a kprobe program (section 'kprobe/do_execve')" */
static const char *prog_kind(const struct obj_prog *p)
{
	enum attach_how own = attach_how_of(p);

	return own != AH_NONE ? attach_how_name(own)
			      : p->def ? secdef_prog_type_name(p->def->prog_type) : "?";
}

/* What programs @how takes, in words. */
static void takes(enum attach_how how, char *out, size_t size)
{
	const struct attach_how_def *d = &hows[how];
	size_t n = 0;

	if (d->flags & HOW_AT_LOAD) {
		snprintf(out, size, "only %s programs, whose target their section fixes at load",
			 d->name);
		return;
	}
	n += (size_t)snprintf(out, size, "only programs of type ");
	for (size_t i = 0; i < sizeof(d->prog_types) / sizeof(d->prog_types[0]) &&
			   d->prog_types[i] && n < size; i++)
		n += (size_t)snprintf(out + n, size - n, "%s%s", i ? "/" : "",
				      secdef_prog_type_name(d->prog_types[i]));
	if (!d->prog_types[0] && n < size)
		snprintf(out + n, size - n, "%s%s", secdef_prog_type_name(d->kernel_type),
			 d->flags & HOW_PERF ? " (not a multi-link program)" : "");
}

/* "; this object's 'hello_tp' does: --prog hello_tp" for the programs of
 * @obj that could take @how (up to three), or a word that none can. */
static void who_can(const struct object *obj, enum attach_how how, char *out, size_t size)
{
	size_t n = 0, found = 0;

	for (size_t i = 0; i < obj->nprogs && n < size; i++) {
		if (!obj->progs[i].def || !attach_prog_can(&obj->progs[i], how))
			continue;
		if (found++ == 3) {
			n += (size_t)snprintf(out + n, size - n, " ...");
			break;
		}
		n += (size_t)snprintf(out + n, size - n, "%s--prog %s", found == 1 ?
				      "; this object's programs that do: " : ", ",
				      obj->progs[i].name);
	}
	if (!found)
		snprintf(out, size, "; no program of this object does");
}

int attach_fits_check(const struct object *obj, const int *selected, int prog,
		      const struct attach_spec *s, struct errbuf *eb)
{
	char take[160], can[200], list[300];
	size_t n = 0;

	if (!how_def(s->how))
		return 0;
	takes(s->how, take, sizeof(take));
	who_can(obj, s->how, can, sizeof(can));
	if (prog >= 0) {
		const struct obj_prog *p = &obj->progs[prog];

		if (attach_prog_can(p, s->how))
			return 0;
		return err_set(eb, -EINVAL, "--attach %s:%s: program '%s' (section '%s', type "
			       "%s) does not fit: %s: takes %s%s", hows[s->how].name, s->target,
			       p->name, p->sec_name, secdef_prog_type_name(p->def->prog_type),
			       hows[s->how].name, take, can);
	}
	for (size_t i = 0; i < obj->nprogs; i++)
		if (selected[i] && attach_applies(obj, selected, i, s->how))
			return 0;
	list[0] = '\0';
	for (size_t i = 0; i < obj->nprogs && n < sizeof(list); i++)
		if (selected[i])
			n += (size_t)snprintf(list + n, sizeof(list) - n, "%s'%s' (%s)",
					      n ? ", " : "", obj->progs[i].name,
					      prog_kind(&obj->progs[i]));
	return err_set(eb, -EINVAL, "--attach %s:%s fits no selected program: %s: takes %s, and "
		       "the programs are %s%s", hows[s->how].name, s->target, hows[s->how].name,
		       take, n ? list : "none", can);
}

int attach_check(const struct object *obj, size_t prog, const struct attach_spec *s,
		 char *info, size_t size, struct errbuf *eb)
{
	struct attach_call c = { obj, NULL, &obj->progs[prog], -1, s->how,
				 attach_how_name(s->how), s->target, s, NULL, eb };

	if (size)
		info[0] = '\0';
	return how_def(s->how) && hows[s->how].check ? hows[s->how].check(&c, info, size) : 0;
}

const char *attach_hint(const struct obj_prog *pr)
{
	for (int i = 0; i < AH_COUNT; i++)
		if (hows[i].hint && attach_type_fits(pr, (enum attach_how)i))
			return hows[i].hint;
	return "";
}

int attach_takes_pid(enum attach_how how)
{
	return how_def(how) && (hows[how].flags & HOW_PID);
}

int attach_target_is_prog(enum attach_how how, const char *target)
{
	if (how == AH_FREPLACE)
		return 1;
	if (how != AH_FENTRY && how != AH_FEXIT)
		return 0;
	return target[0] == '/' || (target[0] >= '0' && target[0] <= '9');
}

const char *attach_default_target(enum attach_how how)
{
	return how_def(how) ? hows[how].default_target : NULL;
}

int attach_program(const struct object *obj, const int *map_fds, size_t prog,
		   int prog_fd, const struct attach_spec *s, struct attach_set *set,
		   struct errbuf *eb)
{
	const struct obj_prog *pr = &obj->progs[prog];
	enum attach_how how = s->how;
	struct attach_call c = { obj, map_fds, pr, prog_fd, how, attach_how_name(how),
				 s->target, s, set, eb };
	int err;

	if (!how_def(how))
		err = err_set(eb, -ENOTSUP, "attaching '%s' programs is not implemented; "
			      "use --no-attach", pr->def ? secdef_attach_kind_name(pr->def->attach)
			      : "?");
	/* loaded for a uprobe_multi link (attach_usdt_pick_link): the
	 * kernel refuses it on a perf event with a bare EINVAL */
	else if (set->usdt_multi && pr->def && pr->def->attach == ATTACH_USDT &&
		 how != AH_USDT)
		err = err_set(eb, -EINVAL, "%s:%s: a usdt program is loaded for a uprobe_multi "
			      "link on this kernel (expected attach type BPF_TRACE_UPROBE_MULTI, "
			      "as libbpf does), which only usdt: attaches make; attach it with "
			      "usdt:PATH:PROVIDER:NAME, or set RAWLOAD_FORCE_USDT_PERF=1 to load "
			      "it as a plain uprobe", attach_how_name(how), s->target);
	else
		err = hows[how].attach(&c);
	/* a handler that returns an fd (tracepoint, raw_tp, cgroup) hands
	 * it to the set */
	if (err > 0)
		err = attach_keep(set, err, eb);
	if (err < 0)
		return err_prefix(eb, err, "program '%s'", pr->name);
	return 0;
}

/* Newest first: close the fd (a legacy probe event is busy while its perf
 * event is open), then the undo step. Failures here have no one to report
 * to; the tests walk tracefs and tc afterwards. */
void attach_release_to(struct attach_set *set, size_t mark)
{
	struct probe_opts o = probe_opts_env();

	o.tracefs = mounts_tracefs_known();

	while (set->n > mark) {
		struct attach_entry *e = &set->ent[--set->n];

		/* a sockmap attachment is undone while its map fd is open */
		if (e->undo == UNDO_PROG_DETACH) {
			hook_prog_detach(e->fd, e->detach.prog_fd, e->detach.attach_type,
					   e->detach.what, NULL);
			close(e->detach.prog_fd);
		}
		if (e->undo == UNDO_MAP_DELETE) {
			uint32_t zero = 0;

			map_delete(e->fd, &zero, SYS_DETACH, e->detach.what, NULL);
		}
		if (e->fd >= 0)
			close(e->fd);
		if (e->undo == UNDO_KPROBE_EVENT || e->undo == UNDO_UPROBE_EVENT)
			probe_legacy_remove(&o, e->undo == UNDO_UPROBE_EVENT, e->event, NULL);
		else if (e->undo == UNDO_TC_FILTER)
			tc_netlink_detach(&e->tc, NULL);
		else if (e->undo == UNDO_LWT_ROUTE)
			lwt_detach(&e->lwt, NULL);
	}
}

void attach_release(struct attach_set *set)
{
	attach_release_to(set, 0);
	free(set->ent);
	set->ent = NULL;
	set->cap = 0;
}
