/*
 * loader/attach.c - attach dispatch (see attach.h): which --attach fits
 * which program, the set of attachments and their undoing, and the
 * tracing family (tracepoints, k/uprobes, BTF-targeted programs,
 * kprobe.multi and kprobe.session, iterators, perf events). The network and cgroup hooks
 * are in attach_net.c, USDT probes in attach_usdt.c, uprobe.multi in
 * attach_umulti.c.
 */
#include "attach_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/attach.h"
#include "bpf/ksym.h"
#include "bpf/map.h"
#include "bpf/probe.h"
#include "bpf/upath.h"
#include "bpf/usym.h"
#include "elf/names.h"
#include "mounts.h"

const char *attach_type_of(const struct obj_prog *p)
{
	switch (p->def->attach) {
	case ATTACH_KPROBE:
		return p->def->flags & SD_RETPROBE ? "kretprobe" : "kprobe";
	case ATTACH_KSYSCALL:
		return p->def->flags & SD_RETPROBE ? "kretsyscall" : "ksyscall";
	case ATTACH_UPROBE:
		return p->def->flags & SD_RETPROBE ? "uretprobe" : "uprobe";
	case ATTACH_KPROBE_MULTI:
		if (p->def->attach_type == RL_BPF_TRACE_KPROBE_SESSION)
			return "kprobe.session";
		return p->def->flags & SD_RETPROBE ? "kretprobe.multi" : "kprobe.multi";
	case ATTACH_UPROBE_MULTI:
		return p->def->flags & SD_RETPROBE ? "uretprobe.multi" : "uprobe.multi";
	case ATTACH_TRACEPOINT: return "tracepoint";
	case ATTACH_RAW_TP: return "raw_tp";
	case ATTACH_TRACING:
		switch (p->def->attach_type) {
		case BPF_TRACE_RAW_TP: return "tp_btf";
		case BPF_TRACE_FEXIT: return "fexit";
		case BPF_MODIFY_RETURN: return "fmod_ret";
		default: return "fentry";
		}
	default:
		return secdef_attach_kind_name(p->def->attach);
	}
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

/*
 * An --attach TYPE fits a program whose section means that TYPE, and the
 * interface/socket/cgroup/CPU types also fit any program of the matching
 * BPF program type, whatever its section is called ("classifier" is a
 * SCHED_CLS program too; the kernel judges the program type, not names).
 */
/* Programs whose own attach type or program type is @type. */
int attach_type_fits(const struct obj_prog *p, const char *type)
{
	static const struct { const char *type; uint32_t prog_type; } by_prog[] = {
		{ "tc", BPF_PROG_TYPE_SCHED_CLS },
		{ "socket", BPF_PROG_TYPE_SOCKET_FILTER },
		{ "xdp", BPF_PROG_TYPE_XDP },
		{ "perf_event", BPF_PROG_TYPE_PERF_EVENT },
		{ "cgroup", BPF_PROG_TYPE_CGROUP_SKB },
		{ "cgroup", BPF_PROG_TYPE_CGROUP_SOCK },
		{ "cgroup", BPF_PROG_TYPE_CGROUP_SOCK_ADDR },
		{ "cgroup", BPF_PROG_TYPE_CGROUP_SOCKOPT },
		{ "cgroup", BPF_PROG_TYPE_CGROUP_SYSCTL },
		{ "cgroup", BPF_PROG_TYPE_CGROUP_DEVICE },
		{ "cgroup", BPF_PROG_TYPE_SOCK_OPS },
		{ "sockmap", BPF_PROG_TYPE_SK_MSG },
		{ "sockmap", BPF_PROG_TYPE_SK_SKB },
		{ "netns", BPF_PROG_TYPE_FLOW_DISSECTOR },
		{ "netns", BPF_PROG_TYPE_SK_LOOKUP },
		{ "lwt", BPF_PROG_TYPE_LWT_IN },
		{ "lwt", BPF_PROG_TYPE_LWT_OUT },
		{ "lwt", BPF_PROG_TYPE_LWT_XMIT },
	};

	if (!p->def)
		return 0;
	if (!strcmp(attach_type_of(p), type))
		return 1;
	for (size_t i = 0; i < sizeof(by_prog) / sizeof(by_prog[0]); i++)
		if (!strcmp(by_prog[i].type, type) && p->def->prog_type == by_prog[i].prog_type)
			return 1;
	return 0;
}

/* A kprobe program can run at any kernel function's entry or return, so
 * it can take every kprobe-family --attach; likewise for uprobes, and a
 * uprobe.multi program (entry or return is the link's flag) for both
 * uprobe.multi types. */
static int family_fits(const struct obj_prog *p, const char *type)
{
	static const char *const kfamily[] = { "kprobe", "kretprobe", "ksyscall",
					       "kretsyscall", NULL };
	static const char *const ufamily[] = { "uprobe", "uretprobe", NULL };
	static const char *const umfamily[] = { "uprobe.multi", "uretprobe.multi", NULL };
	const char *const *fam = NULL;

	if (!p->def)
		return 0;
	if (p->def->attach == ATTACH_KPROBE || p->def->attach == ATTACH_KSYSCALL)
		fam = kfamily;
	else if (p->def->attach == ATTACH_UPROBE)
		fam = ufamily;
	else if (p->def->attach == ATTACH_UPROBE_MULTI)
		fam = umfamily;
	for (size_t i = 0; fam && fam[i]; i++)
		if (!strcmp(fam[i], type))
			return 1;
	return 0;
}

int attach_applies(const struct object *obj, const int *selected, size_t prog,
		   const char *type)
{
	int exact = 0;

	/* An object with both an entry and a return program (uprobe.bpf.o)
	 * must get "uprobe:" only on the entry one: the family rule applies
	 * only when no selected program is of the exact type. */
	for (size_t i = 0; i < obj->nprogs && !exact; i++)
		exact = selected[i] && attach_type_fits(&obj->progs[i], type);
	return exact ? attach_type_fits(&obj->progs[prog], type)
		     : family_fits(&obj->progs[prog], type);
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
static int attach_tp(int prog_fd, const char *target, struct errbuf *eb)
{
	const char *sep = strpbrk(target, ":/");
	const char *tracefs;
	char cat[128];
	int err;

	if (!sep || (size_t)(sep - target) >= sizeof(cat))
		return err_set(eb, -EINVAL, "tracepoint target '%s' is not CATEGORY:NAME",
			       target);
	snprintf(cat, sizeof(cat), "%.*s", (int)(sep - target), target);
	if ((err = mounts_tracefs(&tracefs, eb)))
		return err_prefix(eb, err, "tracepoint %s:%s", cat, sep + 1);
	return attach_tracepoint(prog_fd, tracefs, cat, sep + 1, eb);
}

/* Test hooks and forced fallbacks, from the environment:
 *   RAWLOAD_KALLSYMS=FILE            check kprobe targets against FILE
 *   RAWLOAD_FILTER_FUNCTIONS=FILE    kprobe.multi globs match FILE's names
 *   RAWLOAD_FORCE_LEGACY_KPROBE=1    tracefs kprobe_events even with a PMU
 *   RAWLOAD_FORCE_NETLINK_TC=1       clsact + cls_bpf even with tcx */
int attach_env_flag(const char *name)
{
	const char *v = getenv(name);

	return v && *v && strcmp(v, "0");
}

static struct probe_opts probe_opts_env(void)
{
	struct probe_opts o = { 0 };

	o.kallsyms = getenv("RAWLOAD_KALLSYMS");
	o.force_legacy = attach_env_flag("RAWLOAD_FORCE_LEGACY_KPROBE");
	return o;
}

/* "NAME+OFF" into @name and *@off (0 without "+OFF"). */
static int split_offset(const char *spec, const char *s, char *name, size_t size,
			uint64_t *off, struct errbuf *eb)
{
	const char *plus = strchr(s, '+');
	char *end;

	*off = 0;
	if (plus) {
		errno = 0;
		*off = strtoull(plus + 1, &end, 0);
		if (errno || end == plus + 1 || *end)
			return err_set(eb, -EINVAL, "%s: offset '%s' is not a number", spec, plus + 1);
	}
	if (!*s || s == plus || (size_t)(plus ? plus - s : (long)strlen(s)) >= size)
		return err_set(eb, -EINVAL, "%s: expected NAME[+OFFSET]", spec);
	snprintf(name, size, "%.*s", (int)(plus ? plus - s : (long)strlen(s)), s);
	return 0;
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
	fd = attach_probe(prog_fd, ps, &o, e->event, sizeof(e->event), eb);
	if (fd < 0)
		return fd;
	e->fd = fd;
	if (e->event[0])
		e->undo = ps->uprobe ? UNDO_UPROBE_EVENT : UNDO_KPROBE_EVENT;
	set->n++;
	return 0;
}

/* kprobe:FN[+OFF], kretprobe:FN, ksyscall:NAME, kretsyscall:NAME */
static int do_kprobe(int prog_fd, const char *type, const char *target,
		     struct attach_set *set, struct errbuf *eb)
{
	struct probe_spec ps = { 0 };
	char spec[300], fn[160], full[200];
	int sys = strstr(type, "syscall") != NULL;

	snprintf(spec, sizeof(spec), "%s:%s", type, target);
	ps.spec = spec;
	ps.retprobe = !strncmp(type, "kret", 4);
	if (split_offset(spec, target, fn, sizeof(fn), &ps.offset, eb))
		return -EINVAL;
	if (ps.offset && (ps.retprobe || sys))
		return err_set(eb, -EINVAL, "%s: an offset needs kprobe:FN+OFF (a return "
			       "probe fires at the return, wherever it is)", spec);
	ps.func = fn;
	if (sys) {
		/* the syscall's entry point: __x64_sys_NAME on x86_64 */
		struct probe_opts o = probe_opts_env();
		char prefix[32] = "sys_";

		ksym_syscall_prefix(o.kallsyms ? o.kallsyms : KSYM_DEFAULT, prefix,
				    sizeof(prefix), NULL);
		snprintf(full, sizeof(full), "%s%s", prefix, fn);
		ps.func = full;
	}
	return attach_keep_probe(prog_fd, &ps, set, eb);
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
static int do_uprobe(int prog_fd, const char *type, const char *target,
		     struct attach_set *set, struct errbuf *eb)
{
	const char *colon = strrchr(target, ':');
	char spec[PATH_MAX + 64], file[PATH_MAX], abspath[PATH_MAX], sym[256];
	struct probe_spec ps = { 0 };
	uint64_t off = 0, extra;
	char *end;
	int err;

	snprintf(spec, sizeof(spec), "%s:%s", type, target);
	ps.spec = spec;
	ps.uprobe = 1;
	ps.retprobe = !strcmp(type, "uretprobe");
	if (!colon || colon == target || (size_t)(colon - target) >= sizeof(file))
		return err_set(eb, -EINVAL, "%s: expected PATH:SYMBOL[+OFFSET], e.g. "
			       "uprobe:/usr/lib/x86_64-linux-gnu/libc.so.6:malloc", spec);
	snprintf(file, sizeof(file), "%.*s", (int)(colon - target), target);
	/* the kernel resolves config1 to an inode; give it an absolute path */
	if ((err = attach_user_file(file, abspath, eb)))
		return err_prefix(eb, err, "%s", spec);
	if (split_offset(spec, colon + 1, sym, sizeof(sym), &extra, eb))
		return -EINVAL;
	errno = 0;
	off = strtoull(sym, &end, 0);
	if (strncmp(sym, "0x", 2) || errno || *end) {
		err = usym_file_offset(abspath, sym, &off, eb);
		if (err)
			return err_prefix(eb, err, "%s", spec);
	}
	if (ps.retprobe && extra)
		return err_set(eb, -EINVAL, "%s: a return probe takes no +OFFSET", spec);
	ps.path = abspath;
	ps.offset = off + extra;
	ps.pid = set->pid;
	return attach_keep_probe(prog_fd, &ps, set, eb);
}

/* tp_btf, fentry, fexit, fmod_ret, lsm, freplace: the target was fixed at
 * load. A link on a BPF program's function (freplace:, fentry:PROG) is
 * created with target_fd 0 as well, meaning the program and function given
 * at load (libbpf's attach_freplace names them again, which the kernel
 * allows in order to attach one extension at several places). */
static int do_tracing(const struct obj_prog *pr, int prog_fd, const char *type,
		      const char *target, struct attach_set *set, struct errbuf *eb)
{
	int on_prog = attach_target_is_prog(type, target);
	char what[300];
	int fd;

	snprintf(what, sizeof(what), "%s:%s", type, target);
	if (!pr->def || (pr->def->attach != ATTACH_TRACING && pr->def->attach != ATTACH_LSM &&
			 pr->def->attach != ATTACH_FREPLACE))
		return err_set(eb, -EINVAL, "%s: only %s programs attach there (this one is "
			       "in section '%s')", what, type, pr->sec_name);
	if (strcmp(attach_type_of(pr), type) && strcmp(type, "lsm"))
		return err_set(eb, -EINVAL, "%s: the program was loaded as %s (section '%s')",
			       what, attach_type_of(pr), pr->sec_name);
	if (!on_prog && (!pr->attach_target || strcmp(pr->attach_target, target)))
		return err_set(eb, -EINVAL, "%s: the program was loaded for '%s' (its BTF "
			       "target is fixed at load time by section '%s'); attaching "
			       "elsewhere needs a program in SEC(\"%s/%s\")", what,
			       pr->attach_target ? pr->attach_target : "(none)", pr->sec_name,
			       type, target);
	fd = attach_tracing(prog_fd, pr->def->attach_type, what, eb);
	return fd < 0 ? fd : attach_keep(set, fd, eb);
}

/* The kernel takes a kprobe_multi link only for a program loaded with the
 * matching expected_attach_type (BPF_TRACE_KPROBE_MULTI for kprobe.multi
 * and kretprobe.multi, BPF_TRACE_KPROBE_SESSION for kprobe.session) and
 * answers EINVAL, with no word of why, otherwise: say so before asking. */
static int kmulti_check_prog(const struct obj_prog *pr, const char *type, const char *what,
			     struct errbuf *eb)
{
	int session = !strcmp(type, "kprobe.session");
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
 * attach_kprobe_multi does the same with available_filter_functions). */
static int do_kprobe_multi(const struct obj_prog *pr, int prog_fd, const char *type,
			   const char *target, struct attach_set *set, struct errbuf *eb)
{
	const char *kallsyms = getenv("RAWLOAD_KALLSYMS");
	const char *list = getenv("RAWLOAD_FILTER_FUNCTIONS");
	char what[300], flist[300], **names = NULL;
	const char *source = NULL, *tracefs;
	enum kmulti_mode mode = !strcmp(type, "kretprobe.multi") ? KMULTI_RETURN :
				!strcmp(type, "kprobe.session")	 ? KMULTI_SESSION :
								   KMULTI_ENTRY;
	size_t n = 0;
	int fd;

	snprintf(what, sizeof(what), "%s:%s", type, target);
	if ((fd = kmulti_check_prog(pr, type, what, eb)))
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
	fd = attach_kprobe_multi(prog_fd, names, n, mode, what, eb);
	ksym_names_free(names, n);
	return fd < 0 ? fd : attach_keep(set, fd, eb);
}

/* iter:TARGET: link the iterator, then read one walk of it to stdout,
 * as `cat` of a pinned iterator would; the link stays in @set so a
 * second reader (--pin) could walk it again. */
static int do_iter(const struct obj_prog *pr, int prog_fd, const char *target,
		   struct attach_set *set, struct errbuf *eb)
{
	char what[128], buf[4096];
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
	link = attach_link_create(prog_fd, 0, BPF_TRACE_ITER, what, eb);
	if (link < 0)
		return link;
	if ((err = attach_keep(set, link, eb)))
		return err;
	fd = attach_iter_open(link, what, eb);
	if (fd < 0)
		return fd;
	fflush(stdout);
	/* EAGAIN never comes: the fd blocks; a read error mid-walk is the
	 * program's (e.g. -E2BIG from a seq_file record over a page) */
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			break;
	err = n < 0 ? -errno : 0;
	close(fd);
	fflush(stdout);
	if (err)
		return err_set(eb, err, "%s: reading the walk: %s", what, err_str(err));
	return 0;
}

/* perf_event:cpu-clock:FREQ on every online CPU */
static int do_perf_event(int prog_fd, const char *target, struct attach_set *set,
			 struct errbuf *eb)
{
	int fds[ATTACH_MAX], n;
	unsigned long long freq = 99;
	char *end;

	if (strncmp(target, "cpu-clock", 9) || (target[9] && target[9] != ':'))
		return err_set(eb, -EINVAL, "perf_event:%s: only perf_event:cpu-clock:FREQ "
			       "(samples per second on every CPU) is supported", target);
	if (target[9]) {
		errno = 0;
		freq = strtoull(target + 10, &end, 10);
		if (errno || *end || !freq)
			return err_set(eb, -EINVAL, "perf_event:%s: FREQ must be a positive "
				       "number of samples per second", target);
	}
	n = attach_cpu_clock(prog_fd, freq, fds, ATTACH_MAX - set->n, eb);
	for (int i = 0; i < n; i++)
		attach_keep(set, fds[i], eb);
	return n < 0 ? n : 0;
}

int attach_check(const struct object *obj, size_t prog, const char *type,
		 const char *target, struct errbuf *eb)
{
	const struct obj_prog *pr = &obj->progs[prog];
	char what[128];
	int m;

	snprintf(what, sizeof(what), "%s:%s", type, target);
	if (!strcmp(type, "sockmap")) {
		m = attach_net_sockmap_check(obj, pr, what, target, eb);
		return m < 0 ? m : 0;
	}
	if (!strcmp(type, "netfilter")) {
		uint32_t pf, hooknum;
		int32_t prio;

		return attach_net_parse_netfilter(target, &pf, &hooknum, &prio, eb);
	}
	if (!strcmp(type, "usdt"))
		return attach_usdt_check(obj, target, NULL, 0, eb);
	if (!strcmp(type, "uprobe.multi") || !strcmp(type, "uretprobe.multi"))
		return attach_umulti_check(pr, type, target, NULL, 0, eb);
	if (!strcmp(type, "kprobe.multi") || !strcmp(type, "kretprobe.multi") ||
	    !strcmp(type, "kprobe.session"))
		return kmulti_check_prog(pr, type, what, eb);
	if ((!strcmp(type, "netns") || !strcmp(type, "cgroup")) && !attach_type_fits(pr, type))
		return err_set(eb, -EINVAL, "%s: a %s program (section '%s') does not attach "
			       "there", what, pr->def ? secdef_prog_type_name(pr->def->prog_type)
						    : "?", pr->sec_name);
	return 0;
}

const char *attach_hint(const struct obj_prog *pr)
{
	if (attach_type_fits(pr, "sockmap"))
		return " sockmap:MAP (a SOCKMAP or SOCKHASH of the object)";
	if (attach_type_fits(pr, "netns"))
		return " netns (this network namespace) or netns:/run/netns/NAME";
	if (attach_type_fits(pr, "cgroup"))
		return " cgroup:PATH";
	if (attach_type_fits(pr, "netfilter"))
		return " netfilter:FAMILY:HOOK[:PRIO]";
	if (attach_type_fits(pr, "usdt"))
		return " usdt:PATH:PROVIDER:NAME";
	if (attach_type_fits(pr, "uprobe.multi"))
		return " uprobe.multi:PATH:GLOB";
	if (attach_type_fits(pr, "uretprobe.multi"))
		return " uretprobe.multi:PATH:GLOB";
	if (attach_type_fits(pr, "kprobe.session"))
		return " kprobe.session:GLOB";
	if (attach_type_fits(pr, "lwt"))
		return " lwt:PREFIX:IFACE (a route of this network namespace)";
	if (attach_type_fits(pr, "freplace"))
		return " freplace:PROG (a pinned program or its id)";
	return "";
}

int attach_takes_pid(const char *type)
{
	static const char *const ufamily[] = { "uprobe", "uretprobe", "uprobe.multi",
					       "uretprobe.multi", "usdt", NULL };

	for (size_t i = 0; ufamily[i]; i++)
		if (!strcmp(ufamily[i], type))
			return 1;
	return 0;
}

int attach_target_is_prog(const char *type, const char *target)
{
	if (!strcmp(type, "freplace"))
		return 1;
	if (strcmp(type, "fentry") && strcmp(type, "fexit"))
		return 0;
	return target[0] == '/' || (target[0] >= '0' && target[0] <= '9');
}

const char *attach_default_target(const char *type)
{
	return !strcmp(type, "netns") ? "/proc/self/ns/net" : NULL;
}

int attach_program(const struct object *obj, const int *map_fds, size_t prog,
		   int prog_fd, const char *type, const char *target,
		   struct attach_set *set, struct errbuf *eb)
{
	const struct obj_prog *pr = &obj->progs[prog];
	int err;

	if (!strcmp(type, "tracepoint"))
		err = attach_tp(prog_fd, target, eb);
	else if (!strcmp(type, "raw_tp"))
		err = attach_raw_tp(prog_fd, target, eb);
	else if (!strcmp(type, "kprobe") || !strcmp(type, "kretprobe") ||
		 !strcmp(type, "ksyscall") || !strcmp(type, "kretsyscall"))
		err = do_kprobe(prog_fd, type, target, set, eb);
	else if (!strcmp(type, "uprobe") || !strcmp(type, "uretprobe"))
		err = do_uprobe(prog_fd, type, target, set, eb);
	else if (!strcmp(type, "usdt"))
		err = attach_usdt(obj, map_fds, pr, prog_fd, target, set, eb);
	else if (!strcmp(type, "tp_btf") || !strcmp(type, "fentry") || !strcmp(type, "fexit") ||
		 !strcmp(type, "fmod_ret") || !strcmp(type, "lsm") || !strcmp(type, "freplace"))
		err = do_tracing(pr, prog_fd, type, target, set, eb);
	else if (!strcmp(type, "xdp") || !strcmp(type, "socket"))
		err = attach_net_iface(prog_fd, type, target, set, eb);
	else if (!strcmp(type, "tc"))
		err = attach_net_tc(pr, prog_fd, target, set, eb);
	else if (!strcmp(type, "lwt"))
		err = attach_net_lwt(pr, prog_fd, target, set, eb);
	else if (!strcmp(type, "cgroup"))
		err = attach_net_cgroup(pr, prog_fd, target, eb);
	else if (!strcmp(type, "sockmap"))
		err = attach_net_sockmap(obj, map_fds, pr, prog_fd, target, set, eb);
	else if (!strcmp(type, "netns"))
		err = attach_net_netns(pr, prog_fd, target, set, eb);
	else if (!strcmp(type, "netfilter"))
		err = attach_net_netfilter(pr, prog_fd, target, set, eb);
	else if (!strcmp(type, "perf_event"))
		err = do_perf_event(prog_fd, target, set, eb);
	else if (!strcmp(type, "iter"))
		err = do_iter(pr, prog_fd, target, set, eb);
	else if (!strcmp(type, "kprobe.multi") || !strcmp(type, "kretprobe.multi") ||
		 !strcmp(type, "kprobe.session"))
		err = do_kprobe_multi(pr, prog_fd, type, target, set, eb);
	else if (!strcmp(type, "uprobe.multi") || !strcmp(type, "uretprobe.multi"))
		err = attach_umulti(pr, prog_fd, type, target, set, eb);
	else
		err = err_set(eb, -ENOTSUP, "attaching '%s' programs is not implemented; "
			      "use --no-attach", type);
	/* the tracepoint, raw_tp and cgroup calls return the fd to keep */
	if (err > 0 && (!strcmp(type, "tracepoint") || !strcmp(type, "raw_tp") ||
			!strcmp(type, "cgroup")))
		err = attach_keep(set, err, eb);
	if (err < 0)
		return err_prefix(eb, err, "program '%s'", pr->name);
	return 0;
}

/* Newest first: close the fd (a legacy probe event is busy while its perf
 * event is open), then the undo step. Failures here have no one to report
 * to; the tests walk tracefs and tc afterwards. */
void attach_release(struct attach_set *set)
{
	struct probe_opts o = probe_opts_env();

	o.tracefs = mounts_tracefs_known();

	while (set->n) {
		struct attach_entry *e = &set->ent[--set->n];

		/* a sockmap attachment is undone while its map fd is open */
		if (e->undo == UNDO_PROG_DETACH) {
			attach_prog_detach(e->fd, e->detach.prog_fd, e->detach.attach_type,
					   e->detach.what, NULL);
			close(e->detach.prog_fd);
		}
		if (e->undo == UNDO_MAP_DELETE) {
			uint32_t zero = 0;

			map_delete(e->fd, &zero, SYS_ATTACH, e->detach.what, NULL);
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
	free(set->ent);
	set->ent = NULL;
	set->cap = 0;
}
