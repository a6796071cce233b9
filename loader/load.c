/*
 * loader/load.c - `rawload OBJ [options]`: the load driver.
 *
 * A table of named steps (style.md E), run in order until one fails. The
 * commit point comes last, as in xv6's exec: nothing is attached until
 * every map and program exists. On any failure, and at the end, cleanup
 * closes every fd in reverse order of creation, so the kernel keeps
 * nothing that was not pinned.
 */
#include "load.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bpf/map.h"
#include "bpf/prog.h"
#include "elf/object.h"
#include "dump.h"
#include "events.h"
#include "explain.h"
#include "load_internal.h"
#include "mounts.h"
#include "relo/btf_fixup.h"
#include "relo/btf_sanitize.h"
#include "relo/core.h"
#include "relo/extern.h"
#include "relo/reloc.h"
#include "setvar.h"


static volatile sig_atomic_t stop;
static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void say(const struct load *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void say(const struct load *l, const char *fmt, ...)
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

static int step_open(struct load *l)
{
	struct object *o = &l->obj;
	int err = obj_open(l->c->obj, o, &l->eb);

	if (err)
		return err;
	l->map_fds = malloc(o->nmaps * sizeof(int) + 1);
	l->map_data = calloc(o->nmaps + 1, sizeof(*l->map_data));
	l->prog_fds = malloc(o->nprogs * sizeof(int) + 1);
	l->selected = calloc(o->nprogs + 1, sizeof(int));
	if (!l->map_fds || !l->map_data || !l->prog_fds || !l->selected)
		return err_set(&l->eb, -ENOMEM, "out of memory");
	for (size_t i = 0; i < o->nmaps; i++)
		l->map_fds[i] = -1;
	for (size_t i = 0; i < o->nprogs; i++)
		l->prog_fds[i] = -1;
	return 0;
}

static int select_progs(struct load *l)
{
	const struct object *o = &l->obj;

	for (size_t i = 0; i < o->nprogs; i++)
		l->selected[i] = !o->progs[i].is_subprog && !l->c->nprogs;
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

/* A pin directory is where rawload writes as root: no ".." tricks, and
 * only on a bpffs (where BPF_OBJ_PIN works at all). Checked before any
 * kernel object exists, as a usage error. */
static int check_pin_dir(struct load *l)
{
	const char *d = l->c->pin;
	char parent[4096];
	size_t n;

	if (!d)
		return 0;
	n = strlen(d);
	if (strstr(d, "/../") || !strncmp(d, "../", 3) || !strcmp(d, "..") ||
	    (n >= 3 && !strcmp(d + n - 3, "/..")))
		return err_set(&l->eb, -EINVAL, "--pin '%s': '..' is not allowed in a pin path", d);
	snprintf(parent, sizeof(parent), "%s", d);
	while (access(parent, F_OK) != 0 && strrchr(parent, '/') && strrchr(parent, '/') != parent)
		*strrchr(parent, '/') = '\0';
	if (!strncmp(d, "/sys/fs/bpf", 11))
		return 0;	/* mounted in step_pin if missing */
	if (!mounts_is_bpffs(parent))
		return err_set(&l->eb, -EINVAL, "--pin '%s' is not on a bpffs mount; pin under "
			       "/sys/fs/bpf", d);
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
static int step_options(struct load *l)
{
	struct object *o = &l->obj;
	int err = select_progs(l);

	if (!err)
		err = check_pin_dir(l);

	for (size_t i = 0; !err && i < o->nmaps; i++) {
		if (o->maps[i].origin != MAP_DATA)
			continue;
		l->map_data[i] = calloc(1, o->maps[i].value_size);
		if (!l->map_data[i])
			return err_set(&l->eb, -ENOMEM, "out of memory");
		if (o->maps[i].data)
			memcpy(l->map_data[i], o->maps[i].data, o->maps[i].data_size);
	}
	for (size_t k = 0; !err && k < l->c->nformats; k++) {
		int m;
		uint32_t tid;

		err = events_format(o, &l->c->formats[k], &m, &tid, &l->eb);
	}
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
		o->maps[m].max_entries = (uint32_t)n;
	}
	/* A perf event array without max_entries gets one slot per CPU
	 * (libbpf does the same): its slots are the CPUs' perf rings. Local
	 * storage (one value per socket, inode, task or cgroup) and cgroup
	 * storage have no size: the kernel wants 0 there. Any other map left
	 * at 0 is the user's to size (stack traces, hash maps sized to the
	 * machine): a usage error, before any kernel call. */
	for (size_t i = 0; !err && i < o->nmaps; i++) {
		struct obj_map *m = &o->maps[i];

		if (m->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY && !m->max_entries)
			m->max_entries = (uint32_t)sysconf(_SC_NPROCESSORS_CONF);
		else if (m->type == BPF_MAP_TYPE_RINGBUF ||
			 m->type == BPF_MAP_TYPE_USER_RINGBUF)
			m->max_entries = ringbuf_size(m->max_entries);
		else if (!m->max_entries && m->type != BPF_MAP_TYPE_RINGBUF &&
			 !obj_map_unsized(m->type))
			err = err_set(&l->eb, -EINVAL, "map '%s': max_entries is 0: the object "
				      "leaves it to the loader; give it with --resize %s=N",
				      m->name, m->name);
		if (!err && m->origin != MAP_DATA)
			err = obj_map_check(m, &l->eb);
	}
	return err;
}

static int step_relocs(struct load *l)
{
	return reloc_collect(&l->obj, &l->relos, &l->eb);
}

/* ---- CO-RE ---------------------------------------------------------------- */

/* The kernel's BTF (or --btf FILE), read once, on first need. */
static int target_btf(struct load *l, struct btf **out)
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
static int attach_btf_id(struct load *l, const struct obj_prog *pr, uint32_t *id)
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
	err = target_btf(l, &vm);
	if (err)
		return err;
	r = btf_find_by_name_kind(vm, name, kind);
	if (r < 0)
		return err_set(&l->eb, -ENOENT, "program '%s' (%s): no %s '%s' in the kernel's "
			       "BTF", pr->name, pr->sec_name, btf_kind_name(kind), name);
	*id = (uint32_t)r;
	return 0;
}

/* CO-RE for program @i: keep a copy of the instructions for `plan`, apply
 * the records against @ts, name what was poisoned under -v. */
static int core_one(struct load *l, size_t i, struct core_targets *ts)
{
	struct obj_prog *p = &l->obj.progs[i];
	struct core_report *rep = &l->core[i];
	int err;

	if (l->keep_before) {
		size_t n = p->insn_cnt * sizeof(struct bpf_insn);

		if (!l->core_before)
			l->core_before = calloc(l->obj.nprogs, sizeof(*l->core_before));
		if (!l->core_before || !(l->core_before[i] = malloc(n)))
			return err_set(&l->eb, -ENOMEM, "out of memory");
		memcpy(l->core_before[i], p->insns, n);
	}
	err = core_relocate_prog_targets(&l->obj, p, ts, 0, rep, &l->eb);
	if (err)
		return err_prefix(&l->eb, err, "program '%s'", p->name);
	if (l->c->verbose)
		for (size_t k = 0; k < rep->npoisoned; k++)
			say(l, "program '%s': CO-RE relocation #%u at insn %u poisoned "
			    "(fails only if reached): %s", p->name,
			    rep->poisoned[k].relo_idx, rep->poisoned[k].insn_idx,
			    rep->poisoned[k].desc);
	return 0;
}

/*
 * Field offsets and type facts the program was compiled with are made
 * true for the target kernel: its BTF (or --btf FILE) is read once, and
 * every function with CO-RE records is patched in place before linking,
 * so a subprogram shared by two programs is relocated once.
 *
 * The order is libbpf's (core_prog_order), programs left out by --prog
 * skipped: each relocation prunes the candidates of its local type for
 * the ones after it, so the order decides which layout a type gets.
 */
static int step_core(struct load *l)
{
	struct core_targets ts = { 0 };
	size_t *order = NULL, n, ncore = 0;
	struct btf *target;
	int err;

	for (size_t i = 0; i < l->obj.nprogs; i++)
		ncore += l->obj.progs[i].ncore;
	if (!ncore)
		return 0;
	err = target_btf(l, &target);
	if (err)
		return err;
	/* vmlinux, then its modules' BTF for types vmlinux lacks (read only
	 * if needed, as libbpf does); --btf FILE alone */
	err = core_targets_init(&ts, target, l->c->btf ? l->c->btf : "vmlinux",
				l->c->btf ? NULL : CORE_MODULE_BTF_DIR, &l->eb);
	if (err)
		return err;
	l->core = calloc(l->obj.nprogs, sizeof(*l->core));
	if (!l->core)
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

static int step_externs(struct load *l)
{
	struct extern_env env = { 0 };
	struct utsname u;
	uint8_t *kconfig = NULL;
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
		    (err = target_btf(l, (struct btf **)&env.vmlinux)))
			return err;
	if (l->obj.has_kconfig_map)
		kconfig = l->map_data[l->obj.kconfig_map];
	return extern_resolve(&l->obj, &env, l->ext, kconfig, &l->eb);
}

/*
 * Link every selected program once before the kernel is involved: a call
 * past the end of .text, a relocation in the middle of an instruction or a
 * recursive call is a bad object (exit 2), not something to find out after
 * maps exist. Map fds are not known yet; the real link in step_progs
 * repeats this with them (linking is cheap next to verification).
 */
static int step_link_check(struct load *l)
{
	struct reloc_env env = { l->map_fds, l->ext };

	for (size_t i = 0; i < l->obj.nprogs; i++) {
		struct final_prog fp;
		int err;

		if (!l->selected[i])
			continue;
		err = reloc_build_prog(&l->obj, &l->relos, i, &env, &fp, &l->eb);
		if (err)
			return err_prefix(&l->eb, err, "program '%s'", l->obj.progs[i].name);
		reloc_free_prog(&fp);
	}
	return 0;
}

/* ---- BTF ---------------------------------------------------------------- */

/*
 * Which BTF features of @used the kernel lacks: each is offered in a
 * minimal blob (tagged [probe] in --explain). Only called after the kernel
 * refused the object's BTF, so a current kernel sees no probe at all.
 * RAWLOAD_TEST_BTF_MISSING=all (or a mask of enum btf_feature) pretends
 * those features are missing, so the tests can drive the rewrite on a
 * kernel that needs none.
 */
static uint32_t btf_missing(struct load *l, uint32_t used)
{
	const char *force = getenv("RAWLOAD_TEST_BTF_MISSING");
	uint32_t missing = 0;

	if (force)
		return used & (!strcmp(force, "all") ? BTF_FEAT_ALL
						    : (uint32_t)strtoul(force, NULL, 0));
	for (uint32_t f = 1; f < BTF_FEAT_ALL; f <<= 1) {
		uint8_t blob[BTF_PROBE_MAX];
		size_t n = btf_probe_blob(f, blob);
		char why[96];
		int fd;

		if (!(used & f) || !n)
			continue;
		snprintf(why, sizeof(why), "does this kernel know BTF %s?", btf_feature_name(f));
		fd = btf_load_kernel(blob, (uint32_t)n, why, SYS_PROBE, NULL, &l->eb);
		if (fd >= 0)
			close(fd);
		else
			missing |= f;
	}
	return missing;
}

static int step_btf(struct load *l)
{
	uint8_t *data, *fixed = NULL;
	uint32_t used, missing;
	size_t len;
	char *log = NULL;
	char why[160];
	int err = btf_fixup(&l->obj, &data, &len, &l->eb);

	if (err || !data)
		return err;
	used = btf_features_used(data, len);
	missing = getenv("RAWLOAD_TEST_BTF_MISSING") ? btf_missing(l, used) : 0;
	for (int attempt = 0; attempt < 2; attempt++) {
		if (missing) {
			err = btf_sanitize(data, len, missing, &fixed, &len, &l->eb);
			if (err)
				break;
			free(data);
			data = fixed;
			l->btf_func_ok = !(missing & BTF_FEAT_FUNC);
			say(l, "%s: rewrote BTF kinds this kernel does not know (mask 0x%x)",
			    l->c->obj, missing);
		}
		snprintf(why, sizeof(why), "the object's BTF (%u types), DATASEC sizes and "
			 "offsets filled in%s", btf_type_cnt(l->obj.btf) - 1,
			 missing ? ", unknown kinds rewritten" : "");
		free(log);
		log = NULL;
		l->btf_fd = btf_load_kernel(data, (uint32_t)len, why, SYS_LOAD, &log, &l->eb);
		if (l->btf_fd >= 0 || missing)
			break;
		missing = btf_missing(l, used);	/* refused: is it a kind it lacks? */
		if (!missing)
			break;
	}
	free(data);
	if (l->btf_fd < 0) {
		/* Not fatal: maps and programs load without BTF, only with
		 * less checking and no source lines in the verifier log. */
		say(l, "%s: the kernel refused the object's BTF (%s); continuing "
		    "without BTF%s%s", l->c->obj, l->eb.msg, log && *log ? ". BTF log:\n" : "",
		    log ? log : "");
		l->btf_fd = -1;
	}
	free(log);
	return 0;
}

/* ---- maps --------------------------------------------------------------- */

static int has_global_var(const struct obj_map *m)
{
	if (m->data_kind == DATA_KCONFIG)
		return 1;
	for (size_t i = 0; i < m->nvars; i++)
		if (m->vars[i].linkage != BTF_VAR_STATIC)
			return 1;
	return 0;
}

void load_map_params(const struct load *l, size_t i, struct map_params *p, char *why,
		     size_t whylen)
{
	const struct obj_map *m = &l->obj.maps[i];

	memset(p, 0, sizeof(*p));
	p->name = m->name;
	p->kernel_name = m->kernel_name;
	p->type = m->type;
	p->key_size = m->key_size;
	p->value_size = m->value_size;
	p->max_entries = m->max_entries;
	p->map_flags = m->map_flags;
	p->numa_node = m->numa_node;
	p->map_extra = m->map_extra;
	p->inner_map_fd = -1;
	p->btf_fd = l->btf_fd;
	p->btf_key_type_id = m->btf_key_type_id;
	p->btf_value_type_id = m->btf_value_type_id;
	if (m->origin == MAP_DATA) {
		/* libbpf's flags for global data: mmapable so user space can
		 * read and write it in place (only when it holds a non-static
		 * variable: static ones are not user space's business);
		 * .rodata and .kconfig read-only for programs, which lets the
		 * verifier trust frozen values. */
		if (has_global_var(m))
			p->map_flags |= BPF_F_MMAPABLE;
		if (m->data_kind == DATA_RODATA || m->data_kind == DATA_KCONFIG)
			p->map_flags |= BPF_F_RDONLY_PROG;
		p->btf_key_type_id = 0;
		p->btf_value_type_id = m->datasec_id;
		snprintf(why, whylen, "global data section '%s' (%u bytes) as a one-entry array",
			 m->name, m->value_size);
	} else if (m->origin == MAP_INNER) {
		snprintf(why, whylen, "a template for the inner maps of '%.*s', needed "
			 "only while the outer map is created",
			 (int)(strlen(m->name) - 6), m->name);
	} else {
		snprintf(why, whylen, "the %s map '%s' declared in %s", obj_map_type_name(m->type),
			 m->name, m->origin == MAP_BTF ? ".maps" : "maps (legacy)");
	}
	if (p->numa_node)
		p->map_flags |= BPF_F_NUMA_NODE;
	/* Map types whose values are fds, or that the kernel never lets
	 * describe with BTF, get no type ids (libbpf leaves them out for the
	 * same list; the kernel would answer EINVAL). */
	switch (p->type) {
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY: case BPF_MAP_TYPE_CGROUP_ARRAY:
	case BPF_MAP_TYPE_STACK_TRACE: case BPF_MAP_TYPE_ARRAY_OF_MAPS:
	case BPF_MAP_TYPE_HASH_OF_MAPS: case BPF_MAP_TYPE_DEVMAP:
	case BPF_MAP_TYPE_DEVMAP_HASH: case BPF_MAP_TYPE_CPUMAP:
	case BPF_MAP_TYPE_XSKMAP: case BPF_MAP_TYPE_SOCKMAP:
	case BPF_MAP_TYPE_SOCKHASH: case BPF_MAP_TYPE_QUEUE:
	case BPF_MAP_TYPE_STACK:
		p->btf_key_type_id = p->btf_value_type_id = 0;
		break;
	default:
		break;
	}
}

static int create_one(struct load *l, size_t i, int inner_fd)
{
	const struct obj_map *m = &l->obj.maps[i];
	struct map_params p;
	char why[160];
	int fd;

	load_map_params(l, i, &p, why, sizeof(why));
	p.why = why;
	p.inner_map_fd = inner_fd;
	if (!p.max_entries && !obj_map_unsized(m->type))
		return err_set(&l->eb, -EINVAL,
			       "map '%s': max_entries is 0: the object leaves it to the "
			       "loader; give it with --resize %s=N", m->name, m->name);
	fd = map_create(&p, &l->eb);
	if (fd == -EINVAL && p.btf_fd >= 0 && (p.btf_key_type_id || p.btf_value_type_id)) {
		/* Some map types refuse BTF ids on older kernels (e.g. before
		 * 5.x for some types): retry without, as libbpf does. */
		p.btf_fd = -1;
		p.why = "the same map again, without BTF type ids";
		fd = map_create(&p, &l->eb);
	}
	return fd;
}

static int fill_data(struct load *l, size_t i)
{
	const struct obj_map *m = &l->obj.maps[i];
	uint32_t zero = 0;
	char why[160];
	int err;

	/* A new array's values are zero, so .bss needs no write (libbpf
	 * 1.1 writes it anyway: one bpf() call rawload saves). */
	if (m->data_kind != DATA_BSS) {
		snprintf(why, sizeof(why), "write the %u initial bytes of '%s'",
			 m->value_size, m->name);
		err = map_update(l->map_fds[i], &zero, l->map_data[i], BPF_ANY, SYS_LOAD,
				 why, &l->eb);
		if (err)
			return err_prefix(&l->eb, err, "map '%s'", m->name);
	}
	if (m->data_kind == DATA_RODATA || m->data_kind == DATA_KCONFIG) {
		snprintf(why, sizeof(why), "freeze '%s': from now on the verifier may "
			 "treat its values as constants", m->name);
		err = map_freeze(l->map_fds[i], why, &l->eb);
		if (err)
			return err_prefix(&l->eb, err, "map '%s'", m->name);
	}
	return 0;
}

/* .values initializers: map-in-map slots get map fds (once the maps
 * exist, as libbpf fills them right after creating the maps), prog array
 * slots get program fds (once the programs exist). */
static int fill_slots(struct load *l, int prog_arrays)
{
	const struct object *o = &l->obj;

	for (size_t i = 0; i < o->nmaps; i++) {
		int is_pa = o->maps[i].type == BPF_MAP_TYPE_PROG_ARRAY;

		if (is_pa != prog_arrays)
			continue;
		for (size_t k = 0; k < o->maps[i].ninits; k++) {
			const struct obj_map_init *in = &o->maps[i].inits[k];
			int t = is_pa ? obj_find_prog(o, in->target) : obj_find_map(o, in->target);
			int fd = t < 0 ? -1 : is_pa ? l->prog_fds[t] : l->map_fds[t];
			char why[160];
			int err;

			if (fd < 0) {
				say(l, "map '%s' slot %u: '%s' is not loaded; slot left empty",
				    o->maps[i].name, in->slot, in->target);
				continue;
			}
			snprintf(why, sizeof(why), "%s[%u] = %s (.values initializer)",
				 o->maps[i].name, in->slot, in->target);
			err = map_update(l->map_fds[i], &in->slot, &fd, BPF_ANY, SYS_LOAD,
					 why, &l->eb);
			if (err)
				return err_prefix(&l->eb, err, "map '%s' slot %u", o->maps[i].name,
						  in->slot);
		}
	}
	return 0;
}

static int step_slots(struct load *l)
{
	return fill_slots(l, 1);
}

/*
 * LIBBPF_PIN_BY_NAME maps are shared between loads and between programs:
 * the first loader pins the map at /sys/fs/bpf/NAME, later ones reuse it,
 * but only if it has the shape this object expects (libbpf's
 * map_is_reuse_compat); a mismatch is an error naming the field.
 * Returns the reused fd, -ENOENT when nothing is pinned there, or -errno.
 */
static int reuse_pinned(struct load *l, size_t i, const char *path)
{
	const struct obj_map *m = &l->obj.maps[i];
	struct bpf_map_info info;
	char why[700];
	int fd, err;

	snprintf(why, sizeof(why), "is '%s' (pinning by name) already pinned at %s?",
		 m->name, path);
	fd = obj_get(path, why);
	if (fd < 0)
		return fd == -ENOENT ? fd : err_set(&l->eb, fd, "map '%s': BPF_OBJ_GET '%s': %s",
						   m->name, path, err_str(fd));
	memset(&info, 0, sizeof(info));
	err = obj_info(fd, &info, sizeof(info), SYS_LOAD, "compare its definition with ours");
	if (err < 0) {
		close(fd);
		return err_set(&l->eb, err, "map '%s': BPF_OBJ_GET_INFO_BY_FD: %s", m->name,
			       err_str(err));
	}
#define SAME(field, ours)                                                         \
	if (info.field != (ours)) {                                               \
		close(fd);                                                        \
		return err_set(&l->eb, -EINVAL, "map '%s': the map pinned at '%s' has " \
			       #field " %u, this object declares %u; remove the pin " \
			       "or fix the declaration", m->name, path,           \
			       (unsigned)info.field, (unsigned)(ours));           \
	}
	SAME(type, m->type)
	SAME(key_size, m->key_size)
	SAME(value_size, m->value_size)
	SAME(max_entries, m->max_entries)
	SAME(map_flags, m->map_flags)
#undef SAME
	return fd;
}

static int create_or_reuse(struct load *l, size_t i, int inner_fd)
{
	const struct obj_map *m = &l->obj.maps[i];
	char path[300], why[600];
	int fd, err;

	if (!m->pinning)
		return create_one(l, i, inner_fd);
	err = mounts_bpffs(l->c->json, &l->eb);
	if (err)
		return err_prefix(&l->eb, err, "map '%s' (pinning by name)", m->name);
	snprintf(path, sizeof(path), "/sys/fs/bpf/%s", m->name);
	fd = reuse_pinned(l, i, path);
	if (fd >= 0) {
		say(l, "map '%s': reusing the map pinned at %s", m->name, path);
		return fd;
	}
	if (fd != -ENOENT)
		return fd;
	fd = create_one(l, i, inner_fd);
	if (fd < 0)
		return fd;
	snprintf(why, sizeof(why), "pin '%s' by name for later loads to share", m->name);
	err = obj_pin(fd, path, why, &l->eb);
	if (err) {
		close(fd);
		return err_prefix(&l->eb, err, "map '%s'", m->name);
	}
	return fd;
}

static int step_maps(struct load *l)
{
	const struct object *o = &l->obj;

	for (size_t i = 0; i < o->nmaps; i++) {
		int inner_fd = -1, err = 0;

		if (o->maps[i].origin == MAP_INNER)
			continue;
		if (o->maps[i].inner >= 0) {
			inner_fd = create_one(l, (size_t)o->maps[i].inner, -1);
			if (inner_fd < 0)
				return inner_fd;
		}
		l->map_fds[i] = create_or_reuse(l, i, inner_fd);
		if (inner_fd >= 0)
			close(inner_fd);
		if (l->map_fds[i] < 0)
			return l->map_fds[i];
		if (o->maps[i].origin == MAP_DATA)
			err = fill_data(l, i);
		if (err)
			return err;
	}
	return fill_slots(l, 0);
}

/* ---- programs ----------------------------------------------------------- */

/* The last 25 lines of the verifier log (the refusal is at the end), or
 * all of it for -v. */
static void print_log_tail(const char *log, int all)
{
	const char *p = all ? log : log + strlen(log);
	int lines = 0;

	while (!all && p > log && lines < 25)
		if (*--p == '\n' && p[1])
			lines++;
	if (!all && p > log)
		p++;
	fprintf(stderr, "-- BEGIN VERIFIER LOG%s --\n%s%s-- END VERIFIER LOG --\n",
		!all && p > log ? " (last lines; -v for all)" : "", p,
		*p && p[strlen(p) - 1] != '\n' ? "\n" : "");
}

/*
 * A CO-RE relocation that cannot be satisfied leaves "call 0xbad2310" in
 * the program (relo/core.c, as libbpf); harmless in a branch the verifier
 * proves dead, fatal where it is reached, and then the verifier only says
 * "invalid func unknown#195896080". Find which instruction it reached in
 * the log, which function of the linked program that is, and name the
 * relocation instead.
 */
static void explain_poison(struct load *l, size_t prog, const struct final_prog *fp,
			   const char *log)
{
	const char *hit = NULL, *p = log;
	size_t insn, base, func = prog;
	char pat[32];

	snprintf(pat, sizeof(pat), "call unknown#%d", 195896080);
	while ((p = strstr(p, pat)))
		hit = p++;
	if (!hit || !l->core)
		return;
	while (hit > log && hit[-1] != '\n')
		hit--;
	if (sscanf(hit, "%zu:", &insn) != 1)
		return;
	/* the program's own code first, then its subprograms in order */
	base = l->obj.progs[prog].insn_cnt;
	for (size_t k = 0; insn >= base && k < fp->nsubprogs; k++) {
		func = fp->subprogs[k];
		if (insn < base + l->obj.progs[func].insn_cnt) {
			insn -= base;
			break;
		}
		base += l->obj.progs[func].insn_cnt;
	}
	for (size_t k = 0; k < l->core[func].npoisoned; k++)
		if (l->core[func].poisoned[k].insn_idx == insn) {
			size_t n = strlen(l->eb.msg);

			/* appended: a hint closes the message (style.md B.2) */
			snprintf(l->eb.msg + n, sizeof(l->eb.msg) - n,
				 "; the verifier reached instruction %zu of '%s', poisoned "
				 "because CO-RE relocation #%u could not be applied on this "
				 "kernel (%s); guard the access with bpf_core_field_exists()",
				 insn, l->obj.progs[func].name,
				 l->core[func].poisoned[k].relo_idx,
				 l->core[func].poisoned[k].desc);
		}
}

/*
 * libbpf binds each read-only data map -- .rodata and every custom
 * .rodata.* section (its LIBBPF_MAP_RODATA maps) -- to every program it
 * loads (BPF_PROG_BIND_MAP), so that bpftool finds a program's metadata
 * -- the bpf_metadata_* constants, shown by `bpftool prog show` -- even
 * when no instruction reads them. rawload does the same, and only where
 * it changes something: a program whose code loads from the map holds it
 * already (the kernel would answer 0 and change nothing).
 * A kernel without the command (before 5.10) loses only the metadata.
 */
static int prog_reads_map(const struct final_prog *fp, int fd)
{
	/* an ld_imm64 of the map (its fd, or an address in it) */
	for (size_t k = 0; k + 1 < fp->insn_cnt; k++)
		if (fp->insns[k].code == (BPF_LD | BPF_IMM | BPF_DW) &&
		    (fp->insns[k].src_reg == BPF_PSEUDO_MAP_FD ||
		     fp->insns[k].src_reg == BPF_PSEUDO_MAP_VALUE) &&
		    fp->insns[k].imm == fd)
			return 1;
	return 0;
}

static void bind_rodata(struct load *l, size_t i, const struct final_prog *fp)
{
	struct errbuf eb;
	char why[160];

	for (size_t m = 0; m < l->obj.nmaps; m++) {
		const struct obj_map *map = &l->obj.maps[m];
		int fd = l->map_fds[m];

		if (map->origin != MAP_DATA || map->data_kind != DATA_RODATA ||
		    fd < 0 || prog_reads_map(fp, fd))
			continue;
		snprintf(why, sizeof(why), "keep %s (its bpf_metadata_*) listed with "
			 "program '%s', which does not read it, as libbpf does",
			 map->name, l->obj.progs[i].name);
		if (prog_bind_map(l->prog_fds[i], fd, why, &eb))
			say(l, "program '%s': %s: %s; bpftool will not show its metadata",
			    l->obj.progs[i].name, map->name, eb.msg);
	}
}

static int load_one(struct load *l, size_t i)
{
	const struct obj_prog *pr = &l->obj.progs[i];
	struct reloc_env env = { l->map_fds, l->ext };
	struct final_prog fp;
	struct prog_params p;
	char why[256], *log = NULL;
	int fd;

	fd = reloc_build_prog(&l->obj, &l->relos, i, &env, &fp, &l->eb);
	if (fd)
		return fd;
	memset(&p, 0, sizeof(p));
	p.name = pr->name;
	p.prog_type = pr->def->prog_type;
	p.expected_attach_type = pr->def->attach_type;
	p.prog_flags = (pr->def->flags & SD_SLEEPABLE ? BPF_F_SLEEPABLE : 0) |
		       (pr->def->flags & SD_XDP_FRAGS ? BPF_F_XDP_HAS_FRAGS : 0);
	p.insns = fp.insns;
	p.insn_cnt = (uint32_t)fp.insn_cnt;
	p.license = l->obj.license;
	/* Only kprobe programs on kernels before 5.0 were checked against
	 * it; libbpf sends the running kernel's version unless the object
	 * has a "version" section, and so does rawload. */
	p.kern_version = l->obj.has_kern_version ? l->obj.kern_version : l->kversion;
	/* func_info and line_info point at FUNC types: without them in the
	 * kernel's copy of the BTF (rewritten as TYPEDEFs) the program goes
	 * without its BTF, as libbpf does on such kernels. */
	p.btf_fd = l->btf_func_ok ? l->btf_fd : -1;
	p.func_info = fp.func_info;
	p.func_info_cnt = (uint32_t)fp.func_info_cnt;
	p.line_info = fp.line_info;
	p.line_info_cnt = (uint32_t)fp.line_info_cnt;
	p.attach_btf_obj_fd = -1;
	snprintf(why, sizeof(why), "load program '%s' (%s) with %zu instructions%s",
		 pr->name, secdef_prog_type_name(p.prog_type), fp.insn_cnt,
		 fp.nsubprogs ? ", its subprograms appended" : "");
	p.why = why;
	if ((pr->def->flags & SD_ATTACH_BTF) &&
	    (fd = attach_btf_id(l, pr, &p.attach_btf_id))) {
		reloc_free_prog(&fp);
		return fd;
	}
	p.interrupted = (const volatile int *)&stop;
	fd = prog_load(&p, &log, &l->eb);
	if (fd < 0 && stop) {
		reloc_free_prog(&fp);
		free(log);
		return err_set(&l->eb, -EINTR, "interrupted while the kernel verified program "
			       "'%s'; everything loaded so far is released", pr->name);
	}
	if (fd < 0) {
		err_prefix(&l->eb, fd, "program '%s' (section '%s')", pr->name, pr->sec_name);
		if (log && *log) {
			print_log_tail(log, l->c->verbose);
			explain_poison(l, i, &fp, log);
		}
		if (fd == -EPERM && (p.prog_type == BPF_PROG_TYPE_TRACING ||
				     p.prog_type == BPF_PROG_TYPE_LSM)) {
			size_t n = strlen(l->eb.msg);

			/* root got EPERM: not a capability problem but the kernel's
			 * refusal of BPF trampolines (lockdown, no
			 * CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS, or for LSM no
			 * 'bpf' in lsm=) */
			snprintf(l->eb.msg + n, sizeof(l->eb.msg) - n,
				 "; this kernel refuses %s programs%s; a tracepoint, raw_tp or "
				 "kprobe can often observe the same event",
				 p.prog_type == BPF_PROG_TYPE_LSM ? "LSM" : "fentry/fexit/fmod_ret",
				 p.prog_type == BPF_PROG_TYPE_LSM ?
				 " (is 'bpf' in the lsm= boot parameter?)" : "");
		}
		reloc_free_prog(&fp);
		free(log);
		return fd;
	}
	l->prog_fds[i] = fd;
	bind_rodata(l, i, &fp);
	reloc_free_prog(&fp);
	return 0;
}

static int step_progs(struct load *l)
{
	for (size_t i = 0; i < l->obj.nprogs; i++) {
		int err;

		if (!l->selected[i])
			continue;
		err = load_one(l, i);
		if (err)
			return err;
	}
	return 0;
}

/* .values initializers: prog array slots get program fds, map-in-map
 * slots get map fds; both only exist now. */

/* ---- pinning ------------------------------------------------------------ */

static int pin_one(struct load *l, const char *kind, const char *name, int fd)
{
	char path[4096], why[4200];

	snprintf(path, sizeof(path), "%s/%s", l->c->pin, kind);
	if (mkdir(path, 0700) && errno != EEXIST)
		return err_set(&l->eb, -errno, "--pin: cannot create '%s': %s", path,
			       err_str(errno));
	/* bpffs refuses names with a '.', so "hello.rodata" pins as
	 * "hello_rodata" (as the test oracle pins libbpf's maps). */
	snprintf(path, sizeof(path), "%s/%s/", l->c->pin, kind);
	for (const char *c = name; *c && strlen(path) + 1 < sizeof(path); c++)
		path[strlen(path) + 1] = '\0', path[strlen(path)] = *c == '.' ? '_' : *c;
	snprintf(why, sizeof(why), "pin %s so it outlives rawload", path);
	return obj_pin(fd, path, why, &l->eb);
}

static int step_pin(struct load *l)
{
	const struct object *o = &l->obj;
	int err = 0;

	if (!l->c->pin)
		return 0;
	if (!strncmp(l->c->pin, "/sys/fs/bpf", 11) && (err = mounts_bpffs(l->c->json, &l->eb)))
		return err;
	if (mkdir(l->c->pin, 0700) && errno != EEXIST)
		return err_set(&l->eb, -errno, "--pin: cannot create '%s': %s", l->c->pin,
			       err_str(errno));

	for (size_t i = 0; !err && i < o->nmaps; i++)
		if (l->map_fds[i] >= 0)
			err = pin_one(l, "maps", o->maps[i].origin == MAP_DATA ?
				      o->maps[i].kernel_name : o->maps[i].name, l->map_fds[i]);
	for (size_t i = 0; !err && i < o->nprogs; i++)
		if (l->prog_fds[i] >= 0)
			err = pin_one(l, "progs", o->progs[i].name, l->prog_fds[i]);
	return err;
}

/* ---- attach ------------------------------------------------------------- */

static int attach_one(struct load *l, size_t i, const char *type, const char *target)
{
	int err = attach_program(&l->obj, i, l->prog_fds[i], type, target, &l->att, &l->eb);

	if (err)
		return err;
	say(l, "attached '%s' to %s:%s", l->obj.progs[i].name, type, target);
	if (!strcmp(type, "iter"))
		l->iters++;
	else
		l->others++;
	return 0;
}

static int step_attach(struct load *l)
{
	const struct object *o = &l->obj;

	if (l->c->no_attach)
		return 0;
	for (size_t i = 0; i < o->nprogs; i++) {
		const struct obj_prog *pr = &o->progs[i];
		int given = 0, err;

		if (l->prog_fds[i] < 0)
			continue;
		for (size_t k = 0; k < l->c->nattaches; k++) {
			const struct cli_attach *a = &l->c->attaches[k];
			int mine = a->prog >= 0 ? obj_find_prog(o, l->c->progs[a->prog]) == (int)i
						: attach_applies(o, l->selected, i, a->type);

			if (!mine)
				continue;
			given = 1;
			err = attach_one(l, i, a->type, a->target);
			if (err)
				return err;
		}
		if (given)
			continue;
		if (!pr->attach_target) {
			say(l, "program '%s' (%s) is loaded but not attached: its section "
			    "names no target; give one with --attach", pr->name, pr->sec_name);
			continue;
		}
		err = attach_one(l, i, attach_type_of(pr), pr->attach_target);
		if (err)
			return err;
	}
	return 0;
}

/* ---- run ---------------------------------------------------------------- */

/* Until Ctrl-C or --duration: print ring buffer records and bpf_printk
 * lines as they arrive. An object of iterators only has printed its
 * output already (loader/attach.c, do_iter) and stops at once. */
static int step_run(struct load *l)
{
	struct timespec start, now;
	struct events ev;
	int err;

	if (l->c->no_attach && !l->c->duration)
		return 0;
	/* iterators ran when they were attached: with nothing else
	 * attached, there is nothing to wait for */
	if (l->iters && !l->others && !l->c->duration)
		return 0;
	err = events_open(&ev, &l->obj, l->map_fds, l->c, stdout, &l->eb);
	if (err) {
		events_close(&ev);
		return err;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	say(l, "running; %s", l->c->duration ? "stopping after --duration" : "Ctrl-C to stop");
	while (!stop) {
		events_poll(&ev, 100);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (l->c->duration && (now.tv_sec - start.tv_sec) +
		    (now.tv_nsec - start.tv_nsec) / 1e9 >= l->c->duration)
			break;
	}
	events_poll(&ev, 0);
	events_close(&ev);
	return 0;
}

static int step_dump(struct load *l)
{
	if (l->c->dump_maps)
		dump_maps(&l->obj, l->map_fds, l->c->json, stdout);
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
	{ "collect relocations", step_relocs, LOAD_BAD_INPUT },
	{ "apply CO-RE relocations", step_core, LOAD_BAD_INPUT },
	{ "resolve externs", step_externs, LOAD_BAD_INPUT },
	{ "link programs", step_link_check, LOAD_BAD_INPUT },
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
	}
	if (l->btf_fd >= 0)
		close(l->btf_fd);
	free(l->map_fds);
	free(l->map_data);
	free(l->prog_fds);
	free(l->selected);
	reloc_free(&l->relos);
	btf_free(l->vmlinux);
	free(l->ext);
	for (size_t i = 0; l->core && i < l->obj.nprogs; i++)
		core_report_free(&l->core[i]);
	for (size_t i = 0; l->core_before && i < l->obj.nprogs; i++)
		free(l->core_before[i]);
	free(l->core_before);
	free(l->core);
	obj_close(&l->obj);
}

static void init_load(struct load *l, const struct cli *c)
{
	struct utsname u;

	memset(l, 0, sizeof(*l));
	l->c = c;
	l->btf_fd = -1;
	l->btf_func_ok = 1;
	if (uname(&u) == 0)
		l->kversion = extern_kernel_version(u.release);
}

/* The steps whose failure is a bad input are exactly the ones before the
 * first kernel call (the table's order guarantees it): plan runs those. */
int load_prepare(struct load *l, const struct cli *c, const char **step)
{
	int keep_before = l->keep_before;

	init_load(l, c);
	l->keep_before = keep_before;
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
	/* Ctrl-C during the load stops between steps, and cleanup then
	 * closes everything, as at the end of a run. */
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	for (size_t i = 0; i < n; i++) {
		int err;

		if (stop && steps[i].fn != step_dump) {
			fprintf(stderr, "rawload: %s: interrupted before step '%s'; "
				"everything loaded so far is released\n", c->obj, steps[i].name);
			res = LOAD_KERNEL_REFUSED;
			break;
		}
		explain_step(i + 1, n, steps[i].name);
		err = steps[i].fn(&l);
		if (err) {
			fprintf(stderr, "rawload: %s: %s\n", c->obj, l.eb.msg);
			res = steps[i].fail;
			break;
		}
	}
	cleanup(&l);
	return res;
}
