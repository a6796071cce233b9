/*
 * loader/load_kernel.c - the steps of a load that create kernel objects:
 * the object's BTF (with feature probes only after a refusal), the maps
 * (global data filled and frozen), the programs (linked, with func/line
 * info and the verifier's log on refusal), then the map slots that need
 * their fds (prog arrays, map-in-map). See load.c for the order.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bpf/probe.h"
#include "bpf/prog.h"
#include "load_internal.h"
#include "show/disasm.h"
#include "host/caps.h"
#include "host/mounts.h"
#include "relo/btf_fixup.h"
#include "relo/btf_sanitize.h"

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

int step_btf(struct load *l)
{
	uint8_t *data, *fixed = NULL;
	uint32_t used, missing;
	size_t len;
	char *log = NULL;
	char why[160], need[320];
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
			load_say(l, "%s: rewrote BTF kinds this kernel does not know (mask 0x%x)",
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
		/* the first bpf() of a load: EPERM here is usually no
		 * privilege at all, and then nothing else would work either
		 * (no probe, no rewrite: they would be refused the same) */
		if (l->btf_fd == -EPERM && caps_lack(CAPS_BPF, need, sizeof(need))) {
			free(data);
			free(log);
			size_t n = strlen(l->eb.msg);

			snprintf(l->eb.msg + n, sizeof(l->eb.msg) - n, "; %s", need);
			return -EPERM;
		}
		missing = btf_missing(l, used);	/* refused: is it a kind it lacks? */
		if (!missing)
			break;
	}
	free(data);
	if (l->btf_fd < 0) {
		/* Not fatal: maps and programs load without BTF, only with
		 * less checking and no source lines in the verifier log. */
		load_say(l, "%s: the kernel refused the object's BTF (%s); continuing "
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

/* snprintf into @why, if the caller wants the reason (plan, --explain): a
 * load of many maps should not format a sentence for each that no one reads */
__attribute__((format(printf, 3, 4)))
static void why_set(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!why)
		return;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

void load_map_params(const struct load *l, size_t i, struct map_params *p, char *why,
		     size_t whylen)
{
	const struct obj_map *m = &l->maps[i];

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
		why_set(why, whylen, "global data section '%s' (%u bytes) as a one-entry array",
			m->name, m->value_size);
	} else if (m->origin == MAP_STRUCT_OPS) {
		/* libbpf's attrs: the object's BTF goes along (the kernel
		 * wants a valid btf_fd), the value is described by the
		 * kernel's own wrapper type instead of a type of the object */
		p->btf_key_type_id = p->btf_value_type_id = 0;
		p->btf_vmlinux_value_type_id = l->st_ops ? l->st_ops[i].kern_vtype_id : 0;
		why_set(why, whylen, "struct_ops map '%s': a struct %s of programs for the "
			"kernel to call", m->name, l->st_ops ? l->st_ops[i].kern_type_name : "?");
	} else if (m->origin == MAP_INNER) {
		why_set(why, whylen, "a template for the inner maps of '%.*s', needed "
			"only while the outer map is created",
			(int)(strlen(m->name) - 6), m->name);
	} else {
		why_set(why, whylen, "the %s map '%s' declared in %s", obj_map_type_name(m->type),
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

/*
 * Before 5.11 the kernel charged maps and programs to RLIMIT_MEMLOCK
 * (usually 8 MiB, or 64 KiB on older systems) and answered EPERM past it,
 * even to root; since, they are charged to the memory cgroup. libbpf
 * raises the limit up front where a probe finds the old accounting;
 * rawload waits for the kernel's EPERM, then raises it to unlimited, once
 * (says so under -v), for the caller to try again. 1 when it did, 0 when
 * it had already or could not (then the EPERM is something else).
 */
static int memlock_raised(struct load *l)
{
	static int tried;
	struct rlimit r = { RLIM_INFINITY, RLIM_INFINITY };

	if (tried++ || setrlimit(RLIMIT_MEMLOCK, &r))
		return 0;
	if (l->c->verbose)
		load_say(l, "EPERM from a privileged process: this kernel charges BPF memory "
			 "to RLIMIT_MEMLOCK (before 5.11); raised it to unlimited, as libbpf does");
	return 1;
}

static int create_one(struct load *l, size_t i, int inner_fd)
{
	const struct obj_map *m = &l->maps[i];
	struct map_params p;
	char why[160], need[320];
	int fd;

	load_map_params(l, i, &p, l->c->explain ? why : NULL, sizeof(why));
	p.why = l->c->explain ? why : NULL;
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
	/* the first bpf() of an object without BTF */
	if (fd == -EPERM && caps_lack(CAPS_BPF, need, sizeof(need))) {
		size_t n = strlen(l->eb.msg);

		snprintf(l->eb.msg + n, sizeof(l->eb.msg) - n, "; %s", need);
	} else if (fd == -EPERM && memlock_raised(l)) {
		p.why = "the same map again, RLIMIT_MEMLOCK raised";
		fd = map_create(&p, &l->eb);
	}
	return fd;
}

static int all_zero(const uint8_t *p, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (p[k])
			return 0;
	return 1;
}

static int fill_data(struct load *l, size_t i)
{
	const struct obj_map *m = &l->maps[i];
	uint32_t zero = 0;
	char why[160];
	int err;

	/* A new array's values are zero, so .bss needs no write (libbpf
	 * 1.1 writes it anyway: one bpf() call rawload saves) -- unless
	 * --set gave one of its variables a value (libbpf-bootstrap's
	 * `minimal` filters on a .bss my_pid its loader sets). */
	if (m->data_kind != DATA_BSS || !all_zero(l->map_data[i], m->value_size)) {
		if (l->c->explain)
			snprintf(why, sizeof(why), "write the %u initial bytes of '%s'",
				 m->value_size, m->name);
		err = map_update(l->map_fds[i], &zero, l->map_data[i], BPF_ANY, SYS_LOAD,
				 l->c->explain ? why : NULL, &l->eb);
		if (err)
			return err_prefix(&l->eb, err, "map '%s'", m->name);
	}
	if (m->data_kind == DATA_RODATA || m->data_kind == DATA_KCONFIG) {
		if (l->c->explain)
			snprintf(why, sizeof(why), "freeze '%s': from now on the verifier "
				 "may treat its values as constants", m->name);
		err = map_freeze(l->map_fds[i], l->c->explain ? why : NULL, &l->eb);
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
		int is_pa = l->maps[i].type == BPF_MAP_TYPE_PROG_ARRAY;

		if (is_pa != prog_arrays)
			continue;
		for (size_t k = 0; k < l->maps[i].ninits; k++) {
			const struct obj_map_init *in = &l->maps[i].inits[k];
			int t = is_pa ? obj_find_prog(o, in->target) : obj_find_map(o, in->target);
			int fd = t < 0 ? -1 : is_pa ? l->prog_fds[t] : l->map_fds[t];
			char why[160];
			int err;

			if (fd < 0) {
				load_say(l, "map '%s' slot %u: '%s' is not loaded; slot left empty",
				    l->maps[i].name, in->slot, in->target);
				continue;
			}
			if (l->c->explain)
				snprintf(why, sizeof(why), "%s[%u] = %s (.values initializer)",
					 l->maps[i].name, in->slot, in->target);
			err = map_update(l->map_fds[i], &in->slot, &fd, BPF_ANY, SYS_LOAD,
					 l->c->explain ? why : NULL, &l->eb);
			if (err)
				return err_prefix(&l->eb, err, "map '%s' slot %u", l->maps[i].name,
						  in->slot);
		}
	}
	return 0;
}

int step_slots(struct load *l)
{
	int err = fill_slots(l, 1);

	return err ? err : load_struct_ops_fill(l);
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
	const struct obj_map *m = &l->maps[i];
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
	const struct obj_map *m = &l->maps[i];
	char path[300], why[600];
	int fd, err;

	if (!m->pinning)
		return create_one(l, i, inner_fd);
	err = mounts_bpffs(&l->eb);
	if (err)
		return err_prefix(&l->eb, err, "map '%s' (pinning by name)", m->name);
	snprintf(path, sizeof(path), "/sys/fs/bpf/%s", m->name);
	fd = reuse_pinned(l, i, path);
	if (fd >= 0) {
		load_say(l, "map '%s': reusing the map pinned at %s", m->name, path);
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

int step_maps(struct load *l)
{
	const struct object *o = &l->obj;

	for (size_t i = 0; i < o->nmaps; i++) {
		int inner_fd = -1, err = 0;

		if (l->maps[i].origin == MAP_INNER)
			continue;
		/* a huge map can take seconds to allocate: Ctrl-C during one
		 * stops before the next */
		if (load_stop)
			return err_set(&l->eb, -EINTR, "interrupted before map '%s' was created; "
				       "everything created so far is released", l->maps[i].name);
		if (l->maps[i].inner >= 0) {
			inner_fd = create_one(l, (size_t)l->maps[i].inner, -1);
			if (inner_fd < 0)
				return inner_fd;
		}
		l->map_fds[i] = create_or_reuse(l, i, inner_fd);
		if (inner_fd >= 0)
			close(inner_fd);
		if (l->map_fds[i] < 0)
			return l->map_fds[i];
		if (l->maps[i].origin == MAP_DATA)
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
		const struct obj_map *map = &l->maps[m];
		int fd = l->map_fds[m];

		if (map->origin != MAP_DATA || map->data_kind != DATA_RODATA ||
		    fd < 0 || prog_reads_map(fp, fd))
			continue;
		snprintf(why, sizeof(why), "keep %s (its bpf_metadata_*) listed with "
			 "program '%s', which does not read it, as libbpf does",
			 map->name, l->obj.progs[i].name);
		if (prog_bind_map(l->prog_fds[i], fd, why, &eb))
			load_say(l, "program '%s': %s: %s; bpftool will not show its metadata",
			    l->obj.progs[i].name, map->name, eb.msg);
	}
}

/* What BPF_PROG_LOAD is told about program @i, from its section and the
 * linked image @fp (bpf/prog.c's struct prog_params names each field). */
static void prog_params_of(const struct load *l, size_t i, const struct final_prog *fp,
			   struct prog_params *p, char *why, size_t size)
{
	const struct obj_prog *pr = &l->obj.progs[i];

	memset(p, 0, sizeof(*p));
	p->name = pr->name;
	p->prog_type = pr->def->prog_type;
	p->expected_attach_type = pr->def->attach_type;
	/* a usdt program is verified for the link it will get: with
	 * uprobe_multi its cookie is the multi link's (libbpf 1.3+) */
	if (pr->def->attach == ATTACH_USDT && l->att.usdt_multi)
		p->expected_attach_type = RL_BPF_TRACE_UPROBE_MULTI;
	p->prog_flags = (pr->def->flags & SD_SLEEPABLE ? BPF_F_SLEEPABLE : 0) |
			(pr->def->flags & SD_XDP_FRAGS ? BPF_F_XDP_HAS_FRAGS : 0);
	p->insns = fp->insns;
	p->insn_cnt = (uint32_t)fp->insn_cnt;
	p->license = l->obj.license;
	/* Only kprobe programs on kernels before 5.0 were checked against
	 * it; libbpf sends the running kernel's version unless the object
	 * has a "version" section, and so does rawload. */
	p->kern_version = l->obj.has_kern_version ? l->obj.kern_version : l->kversion;
	/* func_info and line_info point at FUNC types: without them in the
	 * kernel's copy of the BTF (rewritten as TYPEDEFs) the program goes
	 * without its BTF, as libbpf does on such kernels. */
	p->btf_fd = l->btf_func_ok ? l->btf_fd : -1;
	p->func_info = fp->func_info;
	p->func_info_cnt = (uint32_t)fp->func_info_cnt;
	p->line_info = fp->line_info;
	p->line_info_cnt = (uint32_t)fp->line_info_cnt;
	p->attach_btf_obj_fd = -1;
	p->attach_prog_fd = -1;
	/* the reason is text for --explain only: not
	 * formatted otherwise, which was a tenth of a 1000-program load */
	if (l->c->explain)
		snprintf(why, size, "load program '%s' (%s) with %zu instructions%s",
			 pr->name, secdef_prog_type_name(p->prog_type), fp->insn_cnt,
			 fp->nsubprogs ? ", its subprograms appended" : "");
	p->why = l->c->explain ? why : NULL;
}

/* Where the program attaches, when the kernel wants it at load: the BPF
 * function it replaces or traces (freplace, fentry/fexit on a BPF
 * program: held open in p->attach_prog_fd until the kernel has the new
 * program), the kernel BTF id of its hook, or its struct_ops member. */
static int prog_attach_target(struct load *l, size_t i, struct prog_params *p)
{
	const struct obj_prog *pr = &l->obj.progs[i];

	if (p->prog_type == BPF_PROG_TYPE_EXT || p->prog_type == BPF_PROG_TYPE_TRACING) {
		int err = load_bpf_target(l, i, &p->attach_btf_id, &p->attach_prog_fd);

		if (err)
			return err;
	}
	if ((pr->def->flags & SD_ATTACH_BTF) && p->attach_prog_fd < 0 &&
	    p->prog_type != BPF_PROG_TYPE_EXT)
		return load_attach_btf_id(l, pr, &p->attach_btf_id);
	/* a struct_ops program is verified as the callback its member is */
	if (p->prog_type == BPF_PROG_TYPE_STRUCT_OPS)
		return load_struct_ops_prog(l, i, &p->attach_btf_id, &p->expected_attach_type);
	return 0;
}

/*
 * What could watch the same event on this kernel instead of a BPF
 * trampoline program @i: the object's other programs of the kinds this
 * kernel attaches without one (tracepoint, raw_tp, and kprobes where
 * there are kprobes), as --prog options; or those kinds in words. Only
 * kinds this kernel has are named.
 */
static const char *instead(const struct load *l, size_t i)
{
	static char out[300];
	int kprobes = probe_kprobes_available(NULL);
	size_t n = 0, found = 0;

	for (size_t k = 0; k < l->obj.nprogs && n < sizeof(out); k++) {
		const struct obj_prog *q = &l->obj.progs[k];
		uint32_t t = q->def ? q->def->prog_type : 0;

		if (k == i || q->is_subprog || !q->def ||
		    !(t == BPF_PROG_TYPE_TRACEPOINT || t == BPF_PROG_TYPE_RAW_TRACEPOINT ||
		      (kprobes && t == BPF_PROG_TYPE_KPROBE && !q->def->attach_type)))
			continue;
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s--prog %s", found++ ?
				      ", " : "this object's programs that attach here without one: ",
				      q->name);
	}
	if (!found)
		snprintf(out, sizeof(out), "a tracepoint or raw_tp program%s can often observe "
			 "the same event", kprobes ? ", or a kprobe," : "");
	return out;
}

/*
 * An older kernel's refusal of what it does not know yet, in words: the
 * verifier names an unknown helper only by number, and says nothing of
 * versions. The helpers test programs meet most, with the release that
 * brought each (include/uapi/linux/bpf.h's history).
 */
static const struct { const char *helper, *since; } helper_since[] = {
	{ "ringbuf_output", "5.8" }, { "ringbuf_reserve", "5.8" },
	{ "for_each_map_elem", "5.13" }, { "snprintf", "5.13" },
	{ "get_func_ip", "5.15" }, { "get_attach_cookie", "5.15" },
	{ "timer_init", "5.15" }, { "loop", "5.17" }, { "get_func_arg", "5.17" },
	{ "find_vma", "5.17" }, { "kptr_xchg", "5.19" }, { "user_ringbuf_drain", "6.1" },
	{ "cgrp_storage_get", "6.2" },
};

static void old_kernel_hint(struct load *l, const char *log)
{
	const char *at = strstr(log, "invalid func unknown#");
	size_t n = strlen(l->eb.msg);
	const char *name, *since = NULL;

	if (at) {
		name = disasm_helper_name((int32_t)atoi(at + 21));
		for (size_t k = 0; name && k < sizeof(helper_since) / sizeof(helper_since[0]); k++)
			if (!strcmp(helper_since[k].helper, name + 4))	/* after "bpf_" */
				since = helper_since[k].since;
		snprintf(l->eb.msg + n, sizeof(l->eb.msg) - n, "; this kernel has no helper %d%s%s%s "
			 "(a newer kernel's%s%s)", atoi(at + 21), name ? " (" : "",
			 name ? name : "", name ? ")" : "", since ? ": Linux " : "",
			 since ? since : "");
	} else if (strstr(log, "number of funcs in func_info doesn't match number of subprogs")) {
		snprintf(l->eb.msg + n, sizeof(l->eb.msg) - n, "; this kernel does not count "
			 "callback functions as subprograms (bpf_loop, bpf_for_each_map_elem, "
			 "timers: Linux 5.13+)");
	} else if (strstr(log, "BPF_STX uses reserved fields")) {
		snprintf(l->eb.msg + n, sizeof(l->eb.msg) - n, "; this kernel has no atomic "
			 "fetch-and-op instructions (a __sync_fetch_and_add whose result is used: "
			 "Linux 5.12+)");
	}
}

/* The kernel refused program @i (@err, its verifier @log): say where and,
 * for what root is refused anyway, why. */
static int prog_refused(struct load *l, size_t i, const struct final_prog *fp, int err,
			const char *log)
{
	const struct obj_prog *pr = &l->obj.progs[i];
	uint32_t type = pr->def->prog_type;
	char need[320];
	size_t n;

	err_prefix(&l->eb, err, "program '%s' (section '%s')", pr->name, pr->sec_name);
	if (log && *log) {
		print_log_tail(log, l->c->verbose);
		explain_poison(l, i, fp, log);
		old_kernel_hint(l, log);
	}
	if (err == -EPERM && caps_lack(caps_for_prog_type(type), need, sizeof(need))) {
		n = strlen(l->eb.msg);
		snprintf(l->eb.msg + n, sizeof(l->eb.msg) - n, "; %s", need);
		return err;
	}
	if (err != -EPERM || (type != BPF_PROG_TYPE_TRACING && type != BPF_PROG_TYPE_LSM &&
			      type != BPF_PROG_TYPE_EXT))
		return err;
	/* root got EPERM: not a capability problem but the kernel's refusal
	 * of BPF trampolines (lockdown, no
	 * CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS, or for LSM no 'bpf' in
	 * lsm=); an extension is patched into its target through a
	 * trampoline too */
	n = strlen(l->eb.msg);
	if (type == BPF_PROG_TYPE_EXT)
		snprintf(l->eb.msg + n, sizeof(l->eb.msg) - n, "; this kernel refuses freplace "
			 "(BPF trampoline) programs");
	else
		snprintf(l->eb.msg + n, sizeof(l->eb.msg) - n, "; this kernel refuses %s "
			 "programs%s; %s", type == BPF_PROG_TYPE_LSM ? "LSM" :
			 "fentry/fexit/fmod_ret", type == BPF_PROG_TYPE_LSM ?
			 " (is 'bpf' in the lsm= boot parameter?)" : "", instead(l, i));
	return err;
}

/* Program @i of the load image, given the maps' fds (a copy: the image
 * keeps map indexes), verified and loaded; its fd in l->prog_fds. */
/* -v: the verifier's counts for a program it accepted, on one line, as
 * veristat and bpftool -d show them: "processed N insns (limit ...)
 * max_states_per_insn N total_states N peak_states N mark_read N", the
 * stack depth of each function, the verification time. */
static void say_stats(const struct load *l, size_t i, char *stats)
{
	const char *parts[4] = { NULL };
	size_t n = 0;

	for (char *line = strtok(stats, "\n"); line && n < 4; line = strtok(NULL, "\n"))
		if (!strncmp(line, "processed ", 10) || !strncmp(line, "stack depth ", 12) ||
		    !strncmp(line, "verification time ", 18))
			parts[n++] = line;
	if (!n)
		return;
	/* processed first: the number people compare */
	for (size_t k = 1; k < n; k++)
		if (!strncmp(parts[k], "processed ", 10)) {
			const char *t = parts[0];

			parts[0] = parts[k];
			parts[k] = t;
		}
	load_say(l, "program '%s' verified: %s%s%s%s%s%s%s", l->obj.progs[i].name, parts[0],
		 n > 1 ? "; " : "", n > 1 ? parts[1] : "", n > 2 ? "; " : "",
		 n > 2 ? parts[2] : "", n > 3 ? "; " : "", n > 3 ? parts[3] : "");
}

static int load_one(struct load *l, size_t i)
{
	struct final_prog fp = l->image[i];
	struct prog_params p;
	char why[256], *log = NULL, stats[4096], need[320];
	int fd;

	if (!(fp.insns = reloc_bind_maps(&l->image[i], l->map_fds)))
		return err_set(&l->eb, -ENOMEM, "out of memory");
	prog_params_of(l, i, &fp, &p, why, sizeof(why));
	if ((fd = prog_attach_target(l, i, &p)))
		goto out;
	p.interrupted = (const volatile int *)&load_stop;
	if (l->c->verbose) {
		p.stats = stats;
		p.stats_size = sizeof(stats);
	}
	fd = prog_load(&p, &log, &l->eb);
	if (fd == -EPERM && !caps_lack(caps_for_prog_type(p.prog_type), need, sizeof(need)) &&
	    memlock_raised(l)) {
		free(log);
		log = NULL;
		fd = prog_load(&p, &log, &l->eb);
	}
	if (fd < 0 && load_stop)
		fd = err_set(&l->eb, -EINTR, "interrupted while the kernel verified program "
			     "'%s'; everything loaded so far is released", l->obj.progs[i].name);
	else if (fd < 0)
		fd = prog_refused(l, i, &fp, fd, log);
	if (fd >= 0) {
		l->prog_fds[i] = fd;
		bind_rodata(l, i, &fp);
		if (p.stats)
			say_stats(l, i, stats);
		fd = 0;
	}
out:
	if (p.attach_prog_fd >= 0)
		close(p.attach_prog_fd);
	free(fp.insns);
	free(log);
	return fd;
}

int step_progs(struct load *l)
{
	attach_usdt_pick_link(&l->obj, l->selected, &l->att);
	for (size_t i = 0; i < l->obj.nprogs; i++) {
		int err;

		if (!l->selected[i])
			continue;
		/* Ctrl-C after one verification: stop before the next one */
		if (load_stop)
			return err_set(&l->eb, -EINTR, "interrupted before program '%s' was "
				       "loaded; everything loaded so far is released",
				       l->obj.progs[i].name);
		err = load_one(l, i);
		if (err)
			return err;
	}
	return 0;
}

/* .values initializers: prog array slots get program fds, map-in-map
 * slots get map fds; both only exist now. */
