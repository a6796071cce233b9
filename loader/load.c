/*
 * loader/load.c - `rawload OBJ [options]`: the load driver.
 *
 * A table of named steps (style.md E), run in order until one fails. The
 * commit point comes last, as in xv6's exec: nothing is attached until
 * every map and program exists. On any failure, and at the end, cleanup
 * closes every fd in reverse order of creation, so the kernel keeps
 * nothing that was not pinned.
 *
 * This file has the driver and the steps before the first kernel call
 * (the ones `rawload plan` runs too); load_kernel.c has the steps that
 * create kernel objects (BTF, maps, programs, map slots), load_run.c the
 * ones after the commit point (pin, attach, run, dump).
 */
#include "load.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "events.h"
#include "show/explain.h"
#include "load_internal.h"
#include "host/mounts.h"
#include "host/btf_modules.h"
#include "host/kconfig.h"
#include "host/ksym.h"
#include "relo/extern.h"
#include "setvar.h"
#include "run_option.h"
#include "wrap.h"

volatile sig_atomic_t load_stop;
static void on_signal(int sig)
{
	(void)sig;
	load_stop = 1;
}

/*
 * Every signal whose default action ends the process stops the run
 * instead, so that cleanup runs: it closes what the kernel would close
 * anyway, and also removes what would outlive rawload (a tc filter and
 * the clsact qdisc it made, an lwt route, a legacy tracefs probe event,
 * a struct_ops registration). Ctrl-C (SIGINT), kill (SIGTERM), a closed
 * terminal (SIGHUP), Ctrl-\ (SIGQUIT), a reader that went away
 * (`rawload ... | head`: SIGPIPE, after which writes fail with EPIPE),
 * timers and user signals. A signal between steps stops the pipeline
 * before the next step; one during the run loop ends it within its poll
 * interval (no SA_RESTART: the wait returns at once). SIGKILL cannot be
 * caught: the next run removes the tracefs events (rawload_PID_N) and lwt
 * routes a killed rawload left.
 */
static void stop_on_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGUSR1,
				    SIGUSR2, SIGALRM, SIGVTALRM, SIGXCPU, SIGXFSZ };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

void load_say(const struct load *l, const char *fmt, ...)
{
	va_list ap;

	if (l->c->json)
		return;
	va_start(ap, fmt);
	fputs("rawload: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* ---- steps before the kernel: object and options ------------------------- */

int step_open(struct load *l)
{
	struct object *o = &l->obj;
	int err = obj_open(l->c->obj, o, &l->eb);

	if (err)
		return err;
	l->map_fds = malloc(o->nmaps * sizeof(int) + 1);
	l->map_data = calloc(o->nmaps + 1, sizeof(*l->map_data));
	l->prog_fds = malloc(o->nprogs * sizeof(int) + 1);
	l->selected = calloc(o->nprogs + 1, sizeof(int));
	l->maps = malloc(o->nmaps * sizeof(*l->maps) + 1);
	if (!l->map_fds || !l->map_data || !l->prog_fds || !l->selected || !l->maps)
		return err_set(&l->eb, -ENOMEM, "out of memory");
	if (o->nmaps)	/* an object without maps has no array to copy */
		memcpy(l->maps, o->maps, o->nmaps * sizeof(*l->maps));
	for (size_t i = 0; i < o->nmaps; i++)
		l->map_fds[i] = -1;
	for (size_t i = 0; i < o->nprogs; i++)
		l->prog_fds[i] = -1;
	return 0;
}

static int select_progs(struct load *l)
{
	const struct object *o = &l->obj;

	for (size_t i = 0; i < o->nprogs; i++) {
		const struct obj_prog *p = &o->progs[i];

		l->selected[i] = !p->is_subprog && p->autoload && !l->c->nprogs;
		if (!p->is_subprog && !p->autoload && !l->c->nprogs)
			load_say(l, "program '%s' (SEC(\"?%s\")) is not loaded: a '?' before its "
				 "section name leaves it out unless it is named with --prog %s",
				 p->name, p->sec_name, p->name);
	}
	for (size_t k = 0; k < l->c->nprogs; k++) {
		int p = obj_find_prog(o, l->c->progs[k]);

		if (p < 0 || o->progs[p].is_subprog)
			return err_set(&l->eb, -ENOENT,
				       "--prog %s: no program of that name (see 'rawload "
				       "inspect %s')", l->c->progs[k], l->c->obj);
		l->selected[p] = 1;
	}
	return 0;
}

/* "/sys/fs/bpf" itself or a path below it (not "/sys/fs/bpfX"). */
static int under_sys_fs_bpf(const char *d)
{
	return !strcmp(d, "/sys/fs/bpf") || !strncmp(d, "/sys/fs/bpf/", 12);
}

/*
 * A pin directory is where rawload writes as root, so it is checked before
 * any kernel object exists, as a usage error: no ".." in it, and it must
 * be on a bpffs (the only file system BPF_OBJ_PIN writes to), judged where
 * the path really leads (a symbolic link to /tmp is not a bpffs), so that
 * rawload creates nothing anywhere else. The directory itself may be new
 * (step_pin makes it), its parent must exist. Under /sys/fs/bpf a missing
 * bpffs is mounted first.
 */
static int check_pin_dir(struct load *l)
{
	const char *d = l->c->pin;
	char at[PATH_MAX], real[PATH_MAX];
	struct stat st;
	size_t n;
	int err;

	if (!d)
		return 0;
	n = strlen(d);
	if (strstr(d, "/../") || !strncmp(d, "../", 3) || !strcmp(d, "..") ||
	    (n >= 3 && !strcmp(d + n - 3, "/..")))
		return err_set(&l->eb, -EINVAL, "--pin '%s': '..' is not allowed in a pin path", d);
	if (!n || n >= sizeof(at))
		return err_set(&l->eb, -EINVAL, "--pin '%s': not a usable path", d);
	if (under_sys_fs_bpf(d) && (err = mounts_bpffs(&l->eb)))
		return err_prefix(&l->eb, err, "--pin '%s'", d);
	snprintf(at, sizeof(at), "%s", d);
	if (stat(at, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return err_set(&l->eb, -ENOTDIR, "--pin '%s' exists and is not a directory",
				       d);
	} else {
		/* the directory to be made: judge its parent */
		char *slash = strrchr(at, '/');

		if (slash == at)
			slash[1] = '\0';
		else if (slash)
			*slash = '\0';
		else
			snprintf(at, sizeof(at), ".");
		if (stat(at, &st) || !S_ISDIR(st.st_mode))
			return err_set(&l->eb, -ENOENT, "--pin '%s': its parent directory '%s' does "
				       "not exist; create it first (on a bpffs)", d, at);
	}
	if (!realpath(at, real))
		return err_set(&l->eb, -errno, "--pin '%s': %s: %s", d, at, err_str(errno));
	if (!mounts_is_bpffs(real))
		return err_set(&l->eb, -EINVAL, "--pin '%s' is not on a bpffs mount ('%s' is %s, "
			       "on another file system); pin under /sys/fs/bpf", d, at,
			       strcmp(real, at) ? real : "a directory");
	return 0;
}

/*
 * A ring buffer's max_entries is its size in bytes, and the kernel takes
 * only a power of 2 that is a whole number of pages (ringbuf_map_alloc(),
 * kernel/bpf/ringbuf.c: EINVAL otherwise). Programs write sizes such as
 * 10000 or 3 * 4096 all the same, because libbpf rounds them up to the
 * next size the kernel takes (adjust_ringbuf_sz(), on the object's value
 * and on a resize); so does rawload: 10000 becomes 16384 with 4 KiB pages.
 * 0 stays 0, for the kernel to refuse; a size with no such value above it
 * in 32 bits is passed as it is, likewise.
 */
static uint32_t ringbuf_size(uint32_t size)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);

	if (!size || (size % page == 0 && !((size / page) & (size / page - 1))))
		return size;
	for (uint64_t n = page; n <= UINT32_MAX; n <<= 1)
		if (n > size)
			return (uint32_t)n;
	return size;
}

/* Global data: a private, writable copy of each section's initial bytes,
 * which --set edits and BPF_MAP_UPDATE_ELEM writes. */
/* The global data sections' bytes, copied so --set can write them
 * (struct load.map_data; the object keeps clang's). */
static int copy_data_maps(struct load *l)
{
	const struct object *o = &l->obj;

	for (size_t i = 0; i < o->nmaps; i++) {
		if (o->maps[i].origin != MAP_DATA)
			continue;
		l->map_data[i] = calloc(1, o->maps[i].value_size);
		if (!l->map_data[i])
			return err_set(&l->eb, -ENOMEM, "out of memory");
		if (o->maps[i].data)
			memcpy(l->map_data[i], o->maps[i].data, o->maps[i].data_size);
	}
	return 0;
}

/* An extension cannot load without knowing what it replaces, nor a
 * tracing program on a BPF function without its name: both must be given
 * (--attach freplace:PROG, fentry:PROG:FUNC) before anything loads. */
static int check_bpf_targets(struct load *l)
{
	const struct object *o = &l->obj;
	int err = 0;

	for (size_t i = 0; !err && i < o->nprogs; i++) {
		char prog[256];
		const char *func, *spec;

		if (l->selected[i] && o->progs[i].def &&
		    (o->progs[i].def->prog_type == BPF_PROG_TYPE_EXT ||
		     o->progs[i].def->prog_type == BPF_PROG_TYPE_TRACING))
			err = load_bpf_target_spec(l, i, prog, sizeof(prog), &func, &spec,
						   &l->eb);
	}
	return err;
}

/* --dump-maps NAMES: each a map of the object; l->dump_sel marks them. */
static int dump_selection(struct load *l)
{
	const struct object *o = &l->obj;
	size_t found = 0;

	if (!(l->dump_sel = calloc(o->nmaps + 1, sizeof(*l->dump_sel))))
		return err_set(&l->eb, -ENOMEM, "out of memory");
	for (size_t i = 0; i < o->nmaps; i++)
		found += (size_t)(l->dump_sel[i] = cli_dump_wants(l->c, o->maps[i].name));
	for (size_t k = 0; k < l->c->ndump_only; k++)
		for (const char *p = l->c->dump_only[k]; *p; p += strcspn(p, ","), p += !!*p) {
			char name[128];

			snprintf(name, sizeof(name), "%.*s", (int)strcspn(p, ","), p);
			if (obj_find_map(o, name) < 0)
				return err_set(&l->eb, -ENOENT, "--dump-maps %s: no map '%s' in the "
					       "object (see 'rawload inspect %s')",
					       l->c->dump_only[k], name, l->c->obj);
		}
	return found ? 0 : err_set(&l->eb, -ENOENT, "--dump-maps: no map named");
}

/* --value-size MAP=N: what a tool's loader sets with
 * bpf_map__set_value_size, for a map declared without one (a stack-trace
 * map's value is the frames the tool wants: N = 8 * frames). The BTF value
 * type, if any, no longer describes the value: it is left out. */
static int value_size(struct load *l, const struct cli_kv *kv)
{
	int m = obj_find_map(&l->obj, kv->key);
	unsigned long n;
	char *end;

	if (m < 0)
		return err_set(&l->eb, -ENOENT, "--value-size %s=%s: no map '%s'", kv->key,
			       kv->value, kv->key);
	if (l->maps[m].origin == MAP_DATA || l->maps[m].origin == MAP_STRUCT_OPS)
		return err_set(&l->eb, -EINVAL, "--value-size %s=%s: '%s' is %s, whose value "
			       "is laid out by its variables", kv->key, kv->value, kv->key,
			       l->maps[m].origin == MAP_DATA ? "global data" : "a struct_ops map");
	n = strtoul(kv->value, &end, 0);
	if (*end || end == kv->value || n == 0 || n > (1UL << 20))
		return err_set(&l->eb, -EINVAL, "--value-size %s=%s: expected a size in bytes "
			       "from 1 to 1048576", kv->key, kv->value);
	if (n != l->maps[m].value_size)
		l->maps[m].btf_value_type_id = 0;
	l->maps[m].value_size = (uint32_t)n;
	return 0;
}

void load_event_types(const struct load *l, struct event_types *ty)
{
	ty->obj = l->obj.btf;
	ty->btf = l->types;
	ty->files = l->c->types;
	ty->n = l->types ? l->c->ntypes : 0;
}

/* --types FILE, --format MAP=TYPE, --hist, --dump-maps NAMES, --set
 * VAR=VALUE, --resize MAP=N, --value-size MAP=N, in that order; then every
 * map must have a value size. */
static int apply_values(struct load *l)
{
	const struct object *o = &l->obj;
	struct event_types ty;
	int err = 0;

	if (l->c->ntypes && !(l->types = calloc(l->c->ntypes, sizeof(*l->types))))
		return err_set(&l->eb, -ENOMEM, "out of memory");
	for (size_t k = 0; k < l->c->ntypes; k++)
		if ((err = btf_load_file(l->c->types[k], NULL, &l->types[k], &l->eb)))
			return err_prefix(&l->eb, err, "--types %s", l->c->types[k]);
	load_event_types(l, &ty);
	if (!(l->fmts = calloc(o->nmaps + 1, sizeof(*l->fmts))))
		return err_set(&l->eb, -ENOMEM, "out of memory");
	for (size_t k = 0; !err && k < l->c->nformats; k++) {
		struct event_format f;
		int m;

		if (!(err = events_format(o, &ty, &l->c->formats[k], &m, &f, &l->eb)))
			l->fmts[m] = f;
	}
	if (l->c->nhists && !(l->hists = calloc(l->c->nhists, sizeof(*l->hists))))
		return err_set(&l->eb, -ENOMEM, "out of memory");
	for (size_t k = 0; !err && k < l->c->nhists; k++)
		err = hist_resolve(o, l->c->hists[k], &l->hists[k], &l->eb);
	if (!err && l->c->ndump_only)
		err = dump_selection(l);
	for (size_t k = 0; !err && k < l->c->nsets; k++)
		err = setvar_apply(o, l->map_data, l->c->sets[k].key, l->c->sets[k].value,
				   &l->eb);
	for (size_t k = 0; !err && k < l->c->nresizes; k++) {
		const struct cli_kv *kv = &l->c->resizes[k];
		int m = obj_find_map(o, kv->key);
		char *end;
		unsigned long n;

		if (m < 0)
			return err_set(&l->eb, -ENOENT, "--resize %s=%s: no map '%s'",
				       kv->key, kv->value, kv->key);
		n = strtoul(kv->value, &end, 0);
		if (*end || end == kv->value || n == 0 || n > UINT32_MAX)
			return err_set(&l->eb, -EINVAL, "--resize %s=%s: expected a count "
				       "from 1 to 4294967295", kv->key, kv->value);
		l->maps[m].max_entries = (uint32_t)n;
	}
	for (size_t k = 0; !err && k < l->c->nvalue_sizes; k++)
		err = value_size(l, &l->c->value_sizes[k]);
	/* a value's size comes from the object or the loader; only rings
	 * and arenas have none (a struct_ops map's is placed later) */
	for (size_t i = 0; !err && i < o->nmaps; i++) {
		const struct obj_map *m = &l->maps[i];

		if (m->value_size || m->origin == MAP_STRUCT_OPS || m->type == BPF_MAP_TYPE_RINGBUF ||
		    m->type == BPF_MAP_TYPE_USER_RINGBUF || m->type == RL_BPF_MAP_TYPE_ARENA ||
		    m->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY)
			continue;
		err = err_set(&l->eb, -EINVAL, "map '%s': value_size is 0: the object leaves it "
			      "to the loader (bpf_map__set_value_size); give it with --value-size "
			      "%s=N%s", m->name, m->name, m->type == BPF_MAP_TYPE_STACK_TRACE ?
			      " (8 bytes a frame: 1016 for 127, the kernel's default "
			      "perf_event_max_stack)" : "");
	}
	return err;
}

/* A perf event array without max_entries gets one slot per CPU (libbpf
 * does the same): its slots are the CPUs' perf rings. Local storage (one
 * value per socket, inode, task or cgroup) and cgroup storage have no
 * size: the kernel wants 0 there. Any other map left at 0 is the user's
 * to size (stack traces, hash maps sized to the machine): a usage error,
 * before any kernel call. Then each map within rawload's limits. */
static int size_maps(struct load *l)
{
	const struct object *o = &l->obj;
	uint32_t ncpus = (uint32_t)sysconf(_SC_NPROCESSORS_CONF);
	int err = 0;

	for (size_t i = 0; !err && i < o->nmaps; i++) {
		struct obj_map *m = &l->maps[i];

		if (m->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY && !m->max_entries)
			m->max_entries = ncpus;
		else if (m->type == BPF_MAP_TYPE_RINGBUF ||
			 m->type == BPF_MAP_TYPE_USER_RINGBUF)
			m->max_entries = ringbuf_size(m->max_entries);
		else if (!m->max_entries && !obj_map_unsized(m->type))
			err = err_set(&l->eb, -EINVAL, "map '%s': max_entries is 0: the object "
				      "leaves it to the loader; give it with --resize %s=N",
				      m->name, m->name);
		if (!err && m->origin != MAP_DATA)
			err = obj_map_check(m, ncpus, &l->eb);
	}
	return err;
}

int step_options(struct load *l)
{
	int err = select_progs(l);

	if (!err)
		err = run_option_prepare(l);	/* --run NAME selects NAME too */
	if (!err)
		err = check_pin_dir(l);
	if (!err)
		err = copy_data_maps(l);
	if (!err)
		err = check_bpf_targets(l);
	if (!err)
		err = apply_values(l);
	if (!err)
		err = size_maps(l);
	return err;
}

int step_relocs(struct load *l)
{
	return reloc_collect(&l->obj, &l->relos, &l->eb);
}

/* ---- CO-RE ---------------------------------------------------------------- */

int load_target_btf(struct load *l, struct btf **out)
{
	const char *path = l->c->btf ? l->c->btf : "/sys/kernel/btf/vmlinux";
	int err;

	if (!l->vmlinux) {
		err = btf_load_file(path, NULL, &l->vmlinux, &l->eb);
		if (err)
			return err_prefix(&l->eb, err, "target BTF '%s'", path);
		l->vmlinux_path = path;
	}
	*out = l->vmlinux;
	return 0;
}

/*
 * The BTF id a BTF-targeted program is verified against (libbpf's
 * find_attach_btf_id): tp_btf/NAME is the typedef btf_trace_NAME the
 * tracepoint macros generate, lsm/HOOK is the function bpf_lsm_HOOK, and
 * fentry/fexit/fmod_ret/iter name a kernel function directly (iter's is
 * bpf_iter_NAME).
 */
int load_attach_btf_id(struct load *l, const struct obj_prog *pr, uint32_t *id)
{
	const char *pfx = "", *t = pr->attach_target;
	unsigned kind = BTF_KIND_FUNC;
	struct btf *vm;
	char name[256];
	int err, r;

	if (!t)
		return err_set(&l->eb, -EINVAL, "program '%s': section '%s' names no target, "
			       "and a %s program needs one at load time", pr->name,
			       pr->sec_name, secdef_prog_type_name(pr->def->prog_type));
	if (pr->def->attach_type == BPF_TRACE_RAW_TP)
		pfx = "btf_trace_", kind = BTF_KIND_TYPEDEF;
	else if (pr->def->attach_type == BPF_LSM_MAC || pr->def->attach_type == BPF_LSM_CGROUP)
		pfx = "bpf_lsm_";
	else if (pr->def->attach_type == BPF_TRACE_ITER)
		pfx = "bpf_iter_";
	snprintf(name, sizeof(name), "%s%s", pfx, t);
	err = load_target_btf(l, &vm);
	if (err)
		return err;
	r = btf_find_by_name_kind(vm, name, kind);
	if (r < 0 && !attach_placeholder(pr) && (pr->def->attach_type == BPF_TRACE_FENTRY ||
		      pr->def->attach_type == BPF_TRACE_FEXIT))
		return err_set(&l->eb, -ENOENT, "program '%s' (%s): no %s '%s' in the kernel's "
			       "BTF; if it is a function of a loaded BPF program, name that "
			       "program with --attach %s:PROG (pinned, or its id)", pr->name,
			       pr->sec_name, btf_kind_name(kind), name, attach_how_name(attach_how_of(pr)));
	if (r < 0 && attach_placeholder(pr))
		return err_set(&l->eb, -ENOENT, "program '%s' (%s): no %s '%s' in the kernel's "
			       "BTF: a placeholder, whose tool's own loader sets the real target; "
			       "leave it out with --prog (load only the others)", pr->name,
			       pr->sec_name, btf_kind_name(kind), name);
	if (r < 0)
		return err_set(&l->eb, -ENOENT, "program '%s' (%s): no %s '%s' in the kernel's "
			       "BTF", pr->name, pr->sec_name, btf_kind_name(kind), name);
	*id = (uint32_t)r;
	return 0;
}

/* CO-RE for function @i: a copy of its code patched against @ts (the
 * object keeps the code as read: `plan` shows both), poisoned records
 * named under -v. */
static int core_one(struct load *l, size_t i, struct core_targets *ts)
{
	const struct obj_prog *p = &l->obj.progs[i];
	struct core_report *rep = &l->core[i];
	size_t n = p->insn_cnt * sizeof(struct bpf_insn);
	int err;

	if (!(l->code[i] = malloc(n + 1)))
		return err_set(&l->eb, -ENOMEM, "out of memory");
	memcpy(l->code[i], p->insns, n);
	err = core_relocate_prog_targets(&l->obj, p, l->code[i], ts, 0, rep, &l->eb);
	if (err)
		return err_prefix(&l->eb, err, "program '%s'", p->name);
	if (l->c->verbose)
		for (size_t k = 0; k < rep->npoisoned; k++)
			load_say(l, "program '%s': CO-RE relocation #%u at insn %u poisoned "
			    "(fails only if reached): %s", p->name,
			    rep->poisoned[k].relo_idx, rep->poisoned[k].insn_idx,
			    rep->poisoned[k].desc);
	return 0;
}

/*
 * Field offsets and type facts the program was compiled with are made
 * true for the target kernel: its BTF (or --btf FILE) is read once, and
 * every function with CO-RE records gets a patched copy of its code
 * (l->code) before linking, so a subprogram shared by two programs is
 * relocated once.
 *
 * The order is libbpf's (core_prog_order), programs left out by --prog
 * skipped: each relocation prunes the candidates of its local type for
 * the ones after it, so the order decides which layout a type gets.
 */
int step_core(struct load *l)
{
	struct core_targets ts = { 0 };
	size_t *order = NULL, n, ncore = 0;
	struct btf *target;
	int err;

	for (size_t i = 0; i < l->obj.nprogs; i++)
		ncore += l->obj.progs[i].ncore;
	if (!ncore)
		return 0;
	err = load_target_btf(l, &target);
	if (err)
		return err;
	/* vmlinux, then its modules' BTF for types vmlinux lacks (read only
	 * if needed, as libbpf does); --btf FILE alone */
	err = core_targets_init(&ts, target, l->c->btf ? l->c->btf : "vmlinux",
				l->c->btf ? NULL : CORE_MODULE_BTF_DIR, &l->eb);
	if (err)
		return err;
	ts.list_modules = host_btf_modules;
	l->core = calloc(l->obj.nprogs, sizeof(*l->core));
	l->code = calloc(l->obj.nprogs, sizeof(*l->code));
	if (!l->core || !l->code)
		err = err_set(&l->eb, -ENOMEM, "out of memory");
	order = malloc(l->obj.nprogs * sizeof(*order));
	if (!err && !order)
		err = err_set(&l->eb, -ENOMEM, "out of memory");
	n = err ? 0 : core_prog_order(&l->obj, l->selected, order);
	for (size_t k = 0; !err && k < n; k++)
		err = core_one(l, order[k], &ts);
	free(order);
	core_targets_close(&ts);	/* the reports copy their strings */
	return err;
}

/* ---- externs -------------------------------------------------------------- */

/* kallsyms, line by line, for relo/extern.c (extern_env.ksyms) */
static int each_kallsyms(void *src, extern_ksym_fn fn, void *arg, struct errbuf *eb)
{
	return ksym_each(src, fn, arg, eb);
}

int step_externs(struct load *l)
{
	struct extern_env env = { 0 };
	char config_name[300], prefix[32];
	struct utsname u;
	uint8_t *kconfig = NULL;
	char *config = NULL;
	unsigned need;
	int err;

	if (!l->obj.nexterns)
		return 0;
	l->ext = calloc(l->obj.nexterns, sizeof(*l->ext));
	if (!l->ext)
		return err_set(&l->eb, -ENOMEM, "out of memory");
	if (uname(&u) == 0)
		env.release = u.release;
	for (size_t i = 0; i < l->obj.nexterns; i++)
		if (l->obj.externs[i].kind == EXTERN_KSYM &&
		    (err = load_target_btf(l, (struct btf **)&env.vmlinux)))
			return err;
	/* what only the machine knows, read here (host/) and handed over */
	need = extern_needs(&l->obj);
	if ((need & EXTERN_NEED_CONFIG) &&
	    (err = kconfig_read_running(NULL, env.release, &config, config_name,
					sizeof(config_name), &l->eb)))
		return err;
	env.config = config;
	env.config_name = config ? config_name : NULL;
	env.ksyms = each_kallsyms;
	env.ksyms_src = (void *)KSYM_DEFAULT;
	env.ksyms_name = KSYM_DEFAULT;
	if (need & EXTERN_NEED_WRAPPER)
		env.syscall_wrapper = !ksym_syscall_prefix(KSYM_DEFAULT, prefix, sizeof(prefix),
							   NULL) && strcmp(prefix, "sys_");
	if (l->obj.has_kconfig_map)
		kconfig = l->map_data[l->obj.kconfig_map];
	err = extern_resolve(&l->obj, &env, l->ext, kconfig, &l->eb);
	free(config);
	return err;
}

/*
 * The load image's instructions: every selected program linked once,
 * before the kernel is involved, from the code CO-RE patched. A call past
 * the end of .text, a relocation in the middle of an instruction or a
 * recursive call is a bad object (exit 2), not something to find out after
 * maps exist. Map fds are not known yet: each map reference holds its
 * map's index, and step_progs puts the fd there in the copy it loads.
 */
int step_link(struct load *l)
{
	struct reloc_env env = { NULL, l->ext, l->code };

	l->image = calloc(l->obj.nprogs + 1, sizeof(*l->image));
	if (!l->image)
		return err_set(&l->eb, -ENOMEM, "out of memory");
	for (size_t i = 0; i < l->obj.nprogs; i++) {
		int err;

		if (!l->selected[i])
			continue;
		err = reloc_build_prog(&l->obj, &l->relos, i, &env, &l->image[i], &l->eb);
		if (err)
			return err_prefix(&l->eb, err, "program '%s'", l->obj.progs[i].name);
	}
	return 0;
}

/* ---- driver ------------------------------------------------------------- */

static const struct {
	const char *name;
	int (*fn)(struct load *);
	enum load_result fail;	/* what a failure of this step means */
} steps[] = {
	{ "read the object", step_open, LOAD_BAD_INPUT },
	{ "apply options", step_options, LOAD_BAD_INPUT },
	{ "read attach targets", step_targets, LOAD_BAD_INPUT },
	{ "place struct_ops", step_struct_ops, LOAD_BAD_INPUT },
	{ "collect relocations", step_relocs, LOAD_BAD_INPUT },
	{ "apply CO-RE relocations", step_core, LOAD_BAD_INPUT },
	{ "resolve externs", step_externs, LOAD_BAD_INPUT },
	{ "link programs", step_link, LOAD_BAD_INPUT },
	{ "load BTF", step_btf, LOAD_KERNEL_REFUSED },
	{ "create maps", step_maps, LOAD_KERNEL_REFUSED },
	{ "load programs", step_progs, LOAD_KERNEL_REFUSED },
	{ "fill map slots", step_slots, LOAD_KERNEL_REFUSED },
	{ "pin", step_pin, LOAD_KERNEL_REFUSED },
	{ "attach", step_attach, LOAD_KERNEL_REFUSED },
	{ "run", step_run, LOAD_KERNEL_REFUSED },
	{ "dump maps", step_dump, LOAD_KERNEL_REFUSED },
};

static void cleanup(struct load *l)
{
	attach_release(&l->att);
	for (size_t i = l->obj.nprogs; i-- > 0;)
		if (l->prog_fds && l->prog_fds[i] >= 0)
			close(l->prog_fds[i]);
	for (size_t i = l->obj.nmaps; i-- > 0;) {
		if (l->map_fds && l->map_fds[i] >= 0)
			close(l->map_fds[i]);
		if (l->map_data)
			free(l->map_data[i]);
		if (l->st_ops)
			st_ops_free(&l->st_ops[i]);
	}
	free(l->st_ops);
	if (l->btf_fd >= 0)
		close(l->btf_fd);
	free(l->map_fds);
	free(l->map_data);
	free(l->prog_fds);
	free(l->selected);
	free(l->failed);
	free(l->maps);
	for (size_t i = 0; l->types && i < l->c->ntypes; i++)
		btf_free(l->types[i]);
	free(l->types);
	free(l->fmts);
	free(l->hists);
	free(l->dump_sel);
	run_option_free(l);
	reloc_free(&l->relos);
	btf_free(l->vmlinux);
	free(l->ext);
	for (size_t i = 0; l->core && i < l->obj.nprogs; i++)
		core_report_free(&l->core[i]);
	for (size_t i = 0; l->code && i < l->obj.nprogs; i++)
		free(l->code[i]);
	free(l->code);
	for (size_t i = 0; l->image && i < l->obj.nprogs; i++)
		reloc_free_prog(&l->image[i]);
	free(l->image);
	free(l->core);
	obj_close(&l->obj);
}

static void init_load(struct load *l, const struct cli *c)
{
	struct utsname u;

	memset(l, 0, sizeof(*l));
	l->c = c;
	l->att.pid = c->pid;	/* --pid: the uprobe family's process filter */
	l->att.iter_output = load_iter_output;
	l->att.iter_ctx = l;
	l->btf_fd = -1;
	l->btf_func_ok = 1;
	if (uname(&u) == 0)
		l->kversion = extern_kernel_version(u.release);
}

/* The steps whose failure is a bad input are exactly the ones before the
 * first kernel call (the table's order guarantees it): plan runs those. */
int load_prepare(struct load *l, const struct cli *c, const char **step)
{
	init_load(l, c);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]) &&
			   steps[i].fail == LOAD_BAD_INPUT; i++) {
		int err = steps[i].fn(l);

		if (err) {
			*step = steps[i].name;
			return err;
		}
	}
	return 0;
}

void load_release(struct load *l)
{
	cleanup(l);
}

enum load_result load_run(const struct cli *c)
{
	struct load l;
	enum load_result res = LOAD_OK;
	size_t n = sizeof(steps) / sizeof(steps[0]);

	init_load(&l, c);
	if (c->explain)
		explain_enable(n);
	stop_on_signals();
	for (size_t i = 0; i < n; i++) {
		int err;

		if (load_stop && steps[i].fn != step_dump) {
			fprintf(stderr, "rawload: %s: interrupted before step '%s'; "
				"everything loaded so far is released\n", c->obj, steps[i].name);
			res = LOAD_KERNEL_REFUSED;
			break;
		}
		explain_step(i + 1, n, steps[i].name);
		err = steps[i].fn(&l);
		if (err) {
			if (!l.reported)
				say_error(c->obj, l.eb.msg);
			res = steps[i].fail;
			break;
		}
	}
	/* step_attach went on past refused attaches; the run is a failure
	 * all the same, and its last line says which */
	if (res == LOAD_OK && l.nfailed) {
		fprintf(stderr, "rawload: %s: not attached: %s\n", c->obj,
			l.failed ? l.failed : "(out of memory listing them)");
		res = LOAD_KERNEL_REFUSED;
	}
	/* a failed run takes back its pins: nothing half-made outlives it */
	if (res != LOAD_OK && l.nmade)
		fprintf(stderr, "rawload: %s: removing the %zu pin(s) and director(ies) this "
			"run made under %s\n", c->obj, l.nmade, c->pin);
	load_pins_rollback(&l, res != LOAD_OK);
	cleanup(&l);
	return res;
}
