// SPDX-License-Identifier: GPL-2.0
/*
 * kdump.c - what the kernel holds for a set of pinned programs and maps,
 * as normalized JSON (test-only).
 *
 *   kdump [--no-tag] PINDIR
 *
 * Reads PINDIR/progs/<name> and PINDIR/maps/<name> (BPF_OBJ_GET), asks the
 * kernel what it has for each (BPF_OBJ_GET_INFO_BY_FD), and prints one JSON
 * document, sorted by pin name, one field or one record per line so that
 * `diff -u` of two dumps reads well (tests/oracle/compare.sh). Programs come
 * first, then maps:
 *
 *   {
 *     "progs": [
 *       {
 *         "pin": "hello",                 file name under progs/
 *         "name": "hello",                bpf_prog_info.name (15 bytes at most)
 *         "type": 2, "type_name": "kprobe",
 *         "tag": "…",                     see "what the tag says" below
 *         "gpl_compatible": true,
 *         ...
 *         "insns": [                      the verifier's output (xlated_prog_insns)
 *           "b7 01 0000 00000000",        code, dst|src<<4, off (LE), imm (LE)
 *           {"ld_map":"counts","src":1,"dst":1,"off":0},
 *           "00 00 0000 00000000",        ld_imm64's second half, kept as is
 *           {"call":"bpf_map_lookup_elem","insn":"85 00 0000 f0b1c2d3"},
 *           ...
 *
 * The point is that two loads of the same object, by libbpf (oracle) or by
 * rawload, print the same bytes. So everything that names a kernel object
 * by a per-load number is replaced by a name that does not change:
 *
 *   - map ids in ld_imm64 (src_reg PSEUDO_MAP_FD/VALUE/IDX/IDX_VALUE; the
 *     kernel turns map pointers back into ids in bpf_insn_prepare_dump(),
 *     kernel/bpf/syscall.c) become the map's pin name, matched by id among
 *     the pins in PINDIR/maps; a map that is not pinned there prints as
 *     "kernel:<its bpf_map_info.name>";
 *   - map ids in bpf_prog_info.map_ids become the same names, sorted;
 *   - BTF ids: func_info and line_info refer to the program's BTF object
 *     (bpf_prog_info.btf_id), whose type ids and string offsets depend on how
 *     the loader built that BTF (libbpf sanitizes and rewrites it). They are
 *     printed resolved: the FUNC's name and linkage; the file name, source
 *     text, line and column. The map's btf_key/value_type_id likewise become
 *     "<kind> <name>" in the map's BTF. attach_btf_id is a vmlinux (or
 *     module) BTF id, stable within a boot; it is printed with its name;
 *   - prog ids and map ids stored in PROG_ARRAY and map-in-map maps print
 *     as pin names (by id, as above);
 *   - an ld_imm64 of a kernel address that is no symbol is memory the
 *     verifier allocated for this program (prog->aux, loaded before
 *     bpf_timer_set_callback): printed as {"ld_kernel_address": "rN"},
 *     its second half (the address's upper 32 bits) as
 *     {"ld_kernel_address": "high"}. The upper half too differs between
 *     loads, though rarely: prog->aux is fresh slab memory, and with more
 *     than 4 GiB of RAM two loads on two CPUs can get it from different
 *     4 GiB windows of the direct map (0xffff8881... and 0xffff8882...);
 *
 * Not normalized, because they are the same for every load on one boot:
 *   - helper and kfunc calls: imm is the target's offset from
 *     __bpf_call_base (fixup_bpf_calls / fixup_kfunc_call). With
 *     /proc/kallsyms readable (root, kptr_restrict < 2) kdump adds the
 *     target's name for the reader; the raw instruction stays alongside;
 *   - ld_imm64 of a kernel address (a __ksym variable, an inlined helper's
 *     &jiffies): printed with the symbol's name when kallsyms has it (all
 *     aliases at that address, sorted, joined by '|');
 *   - bpf-to-bpf calls: off is the relative jump, imm the subprogram index
 *     (jit_subprogs rewrites them so); both follow from the instructions.
 * Differs between loads and so never printed: ids, load_time,
 * created_by_uid, run_time/run_cnt, jited_* (the JIT image embeds
 * addresses), memlock.
 *
 * What the tag says: bpf_prog_info.tag is the SHA-1 the kernel computed over
 * the instructions the loader *submitted* (bpf_prog_calc_tag(), with the
 * imm of map ld_imm64s zeroed), so equal tags mean equal PROG_LOAD input up
 * to map fds. Two loads of the same object by one loader always agree. The
 * tag is stricter than the xlated instructions: a loader that encodes a map
 * reference as BPF_PSEUDO_MAP_IDX (+ fd_array) instead of BPF_PSEUDO_MAP_FD
 * gets the same xlated instructions (the kernel reports both as MAP_FD) but
 * a different tag (checked on 6.18). --no-tag leaves the tag out for such a
 * comparison.
 *
 * Caveat: with net.core.bpf_jit_harden=2 (or 1 for an unprivileged loader)
 * the JIT blinds constants with random values and the xlated instructions
 * differ on every load; kdump warns on stderr when the sysctl is set.
 *
 * Exit status: 0 printed; 1 a pin could not be read (stderr says which);
 * 2 bad usage. Uses libbpf's bpf.h and btf.h, as only test code may.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#define EXIT_FAIL 1
#define EXIT_USAGE 2

/* Kernel addresses above this are worth a kallsyms lookup in ld_imm64:
 * the kernel half of x86-64 with 5-level paging (la57) starts at
 * 0xff00000000000000 (its direct map at 0xff11...), and arm64's 52-bit
 * kernel half lower still than 4-level's 0xffff8...; user addresses stay
 * below 0x0100000000000000 on both. */
#define KERNEL_ADDR_MIN 0xff00000000000000ULL

/* One pinned object: its file name and what BPF_OBJ_GET gave. */
struct pinned {
	char *name;		/* file name under progs/ or maps/ */
	int fd;			/* from BPF_OBJ_GET; closed at exit */
	__u32 id;		/* the kernel's id, to match references */
};

/* One /proc/kallsyms line we keep. */
struct ksym {
	__u64 addr;
	char *name;
};

/* BTF objects by kernel id, loaded once each. */
struct btf_entry {
	__u32 id;
	struct btf *btf;	/* NULL if it could not be loaded */
};

/* Everything one run knows; filled by main(). */
struct dump {
	struct pinned *progs;
	size_t nr_progs;
	struct pinned *maps;
	size_t nr_maps;
	struct ksym *ksyms;	/* sorted by addr, then file order */
	size_t nr_ksyms;
	__u64 call_base;	/* &__bpf_call_base, or 0 if unknown */
	struct btf_entry *btfs;
	size_t nr_btfs;
	struct btf *vmlinux;	/* base for module BTF; NULL until needed */
	bool no_tag;		/* --no-tag: leave bpf_prog_info.tag out */
};

/* --- small output helpers ------------------------------------------------ */

/* Print @s as a JSON string, quotes included. */
static void json_str(const char *s)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", stdout); break;
		case '\\': fputs("\\\\", stdout); break;
		case '\n': fputs("\\n", stdout); break;
		case '\t': fputs("\\t", stdout); break;
		default:
			if (*p < 0x20)
				printf("\\u%04x", *p);
			else
				putchar(*p);
		}
	}
	putchar('"');
}

/* "key": "value" on its own line at @indent; @last omits the comma. */
static void field_str(int indent, const char *key, const char *val, bool last)
{
	printf("%*s\"%s\": ", indent, "", key);
	json_str(val);
	puts(last ? "" : ",");
}

static void field_u64(int indent, const char *key, __u64 val, bool last)
{
	printf("%*s\"%s\": %" PRIu64 "%s\n", indent, "", key, (uint64_t)val,
	       last ? "" : ",");
}

static void field_bool(int indent, const char *key, bool val, bool last)
{
	printf("%*s\"%s\": %s%s\n", indent, "", key, val ? "true" : "false",
	       last ? "" : ",");
}

/* @len bytes as lowercase hex into @out (2 * len + 1 bytes). */
static void hex(const void *data, size_t len, char *out)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * len] = '\0';
}

/* One instruction as "code regs off imm", each field its bytes in memory
 * (little-endian) order: "18 12 0000 04000000". @out holds 24 bytes. */
static void insn_hex(const struct bpf_insn *insn, char *out)
{
	const unsigned char *b = (const unsigned char *)insn;

	snprintf(out, 24, "%02x %02x %02x%02x %02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]);
}

/* --- pins, ids, names ---------------------------------------------------- */

static int cmp_pinned(const void *a, const void *b)
{
	return strcmp(((const struct pinned *)a)->name,
		      ((const struct pinned *)b)->name);
}

/*
 * Open every pin in DIR/SUB, sorted by name. A missing SUB is an empty
 * list (a loader need not create maps/ for an object without maps).
 * Returns 0, or -errno after printing which pin failed.
 */
static int open_pins(const char *dir, const char *sub, struct pinned **out,
		     size_t *count)
{
	char path[4096];
	struct dirent *de;
	struct pinned *list = NULL;
	size_t n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	d = opendir(path);
	if (!d) {
		*out = NULL;
		*count = 0;
		return errno == ENOENT ? 0 : -errno;
	}
	while ((de = readdir(d))) {
		struct pinned *grown;

		if (de->d_name[0] == '.' && (!de->d_name[1] ||
		    (de->d_name[1] == '.' && !de->d_name[2])))
			continue;
		grown = realloc(list, (n + 1) * sizeof(*list));
		if (!grown)
			break;
		list = grown;
		list[n].name = strdup(de->d_name);
		list[n].fd = -1;
		list[n++].id = 0;
	}
	closedir(d);
	qsort(list, n, sizeof(*list), cmp_pinned);
	*out = list;
	*count = n;
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, list[i].name);
		list[i].fd = bpf_obj_get(path);
		if (list[i].fd < 0) {
			int err = -errno;

			fprintf(stderr, "kdump: BPF_OBJ_GET %s: %s\n", path,
				strerror(-err));
			return err;
		}
	}
	return 0;
}

/* The id of the object behind @fd (prog or map: both infos start with
 * type, id). Returns 0 on failure, which no object has. */
static __u32 id_of(int fd, bool is_map)
{
	struct bpf_prog_info pi = { 0 };
	struct bpf_map_info mi = { 0 };
	__u32 len;

	if (is_map) {
		len = sizeof(mi);
		return bpf_obj_get_info_by_fd(fd, &mi, &len) ? 0 : mi.id;
	}
	len = sizeof(pi);
	return bpf_obj_get_info_by_fd(fd, &pi, &len) ? 0 : pi.id;
}

/*
 * The stable name of the map or program with kernel id @id: its pin name
 * when pinned under PINDIR, else "kernel:<bpf_*_info.name>", else
 * "unknown". Writes into @buf (at least 64 bytes) and returns it.
 */
static const char *name_of_id(const struct dump *d, __u32 id, bool is_map,
			      char *buf, size_t size)
{
	const struct pinned *list = is_map ? d->maps : d->progs;
	size_t n = is_map ? d->nr_maps : d->nr_progs;
	int fd;

	for (size_t i = 0; i < n; i++)
		if (list[i].id == id)
			return list[i].name;
	fd = is_map ? bpf_map_get_fd_by_id(id) : bpf_prog_get_fd_by_id(id);
	snprintf(buf, size, "unknown");
	if (fd >= 0) {
		struct bpf_prog_info pi = { 0 };
		struct bpf_map_info mi = { 0 };
		__u32 len = is_map ? sizeof(mi) : sizeof(pi);

		if (!bpf_obj_get_info_by_fd(fd, is_map ? (void *)&mi : (void *)&pi, &len))
			snprintf(buf, size, "kernel:%s", is_map ? mi.name : pi.name);
		close(fd);
	}
	return buf;
}

/* --- kallsyms ------------------------------------------------------------ */

static int cmp_ksym(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return strcmp(x->name, y->name);
}

/*
 * Read /proc/kallsyms. Without the right to see addresses they read as 0;
 * then nothing is kept and calls print without names.
 */
static void load_kallsyms(struct dump *d)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], name[256], type;
	unsigned long long addr;
	size_t cap = 0;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3 || !addr)
			continue;
		if (d->nr_ksyms == cap) {
			struct ksym *grown;

			cap = cap ? 2 * cap : 65536;
			grown = realloc(d->ksyms, cap * sizeof(*grown));
			if (!grown)
				break;
			d->ksyms = grown;
		}
		d->ksyms[d->nr_ksyms].addr = addr;
		d->ksyms[d->nr_ksyms++].name = strdup(name);
		if (!strcmp(name, "__bpf_call_base"))
			d->call_base = addr;
	}
	fclose(f);
	qsort(d->ksyms, d->nr_ksyms, sizeof(*d->ksyms), cmp_ksym);
}

/*
 * The names of the symbols starting exactly at @addr, sorted and joined
 * with '|' into @buf: aliases are common (__do_sys_getpid,
 * __ia32_sys_getpid and __x64_sys_getpid share one address) and no rule
 * picks the one the source meant. Returns @buf, or NULL if none.
 */
static const char *ksym_at(const struct dump *d, __u64 addr, char *buf,
			   size_t size)
{
	size_t lo = 0, hi = d->nr_ksyms, used = 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->ksyms[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == d->nr_ksyms || d->ksyms[lo].addr != addr)
		return NULL;
	buf[0] = '\0';
	for (; lo < d->nr_ksyms && d->ksyms[lo].addr == addr; lo++) {
		int n = snprintf(buf + used, size - used, "%s%s", used ? "|" : "",
				 d->ksyms[lo].name);

		if (n < 0 || (size_t)n >= size - used)
			break;
		used += n;
	}
	return buf;
}

/* --- BTF ----------------------------------------------------------------- */

/* True if kernel BTF object @id is vmlinux's own (not a module's, not a
 * program's). */
static bool btf_is_vmlinux(__u32 id)
{
	struct bpf_btf_info info = { 0 };
	char name[64] = "";
	__u32 len = sizeof(info);
	bool yes = false;
	int fd = bpf_btf_get_fd_by_id(id);

	if (fd < 0)
		return false;
	info.name = (__u64)(unsigned long)name;
	info.name_len = sizeof(name);
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		yes = info.kernel_btf && !strcmp(name, "vmlinux");
	close(fd);
	return yes;
}

/*
 * The BTF object with kernel id @id, loaded once and cached. Module BTF
 * is split BTF on top of vmlinux, so a standalone load that fails is
 * retried with vmlinux as base. Returns NULL if it cannot be loaded.
 */
static struct btf *btf_by_id(struct dump *d, __u32 id)
{
	struct btf_entry *grown;
	struct btf *btf;

	if (!id)
		return NULL;
	for (size_t i = 0; i < d->nr_btfs; i++)
		if (d->btfs[i].id == id)
			return d->btfs[i].btf;
	btf = btf__load_from_kernel_by_id(id);
	if (!btf && !btf_is_vmlinux(id)) {
		if (!d->vmlinux)
			d->vmlinux = btf__load_vmlinux_btf();
		if (d->vmlinux)
			btf = btf__load_from_kernel_by_id_split(id, d->vmlinux);
	}
	grown = realloc(d->btfs, (d->nr_btfs + 1) * sizeof(*grown));
	if (!grown) {
		btf__free(btf);
		return NULL;
	}
	d->btfs = grown;
	d->btfs[d->nr_btfs].id = id;
	d->btfs[d->nr_btfs++].btf = btf;
	return btf;
}

static const char *const kind_names[] = {
	"void", "int", "ptr", "array", "struct", "union", "enum", "fwd",
	"typedef", "volatile", "const", "restrict", "func", "func_proto",
	"var", "datasec", "float", "decl_tag", "type_tag", "enum64",
};

/*
 * Type @id of @btf as "<kind> <name>" ("typedef __u32", "struct event",
 * "datasec .rodata"); an anonymous type as "<kind> <anon size N>"; type 0
 * as "" (the map has no such BTF type). Into @buf.
 */
static const char *describe_type(const struct btf *btf, __u32 id, char *buf,
				 size_t size)
{
	const struct btf_type *t;
	const char *name;
	unsigned int kind;

	if (!id)
		return "";
	t = btf ? btf__type_by_id(btf, id) : NULL;
	if (!t) {
		snprintf(buf, size, "unresolved id %u", id);
		return buf;
	}
	kind = btf_kind(t);
	name = btf__name_by_offset(btf, t->name_off);
	if (name && *name)
		snprintf(buf, size, "%s %s",
			 kind < sizeof(kind_names) / sizeof(kind_names[0]) ?
			 kind_names[kind] : "kind?", name);
	else
		snprintf(buf, size, "%s <anon size %u>",
			 kind < sizeof(kind_names) / sizeof(kind_names[0]) ?
			 kind_names[kind] : "kind?",
			 btf_is_composite(t) || btf_is_int(t) || btf_is_enum(t) ?
			 t->size : 0);
	return buf;
}

/* --- programs ------------------------------------------------------------ */

/* A program's info with its arrays, as the kernel filled them. */
struct prog_data {
	struct bpf_prog_info info;
	struct bpf_insn *insns;		/* info.xlated_prog_len / 8 of them */
	__u32 *map_ids;			/* info.nr_map_ids */
	struct bpf_func_info *func_info; /* info.nr_func_info, each func_info_rec_size */
	struct bpf_line_info *line_info; /* info.nr_line_info, each line_info_rec_size */
};

static void prog_data_free(struct prog_data *p)
{
	free(p->insns);
	free(p->map_ids);
	free(p->func_info);
	free(p->line_info);
}

/*
 * BPF_OBJ_GET_INFO_BY_FD twice: once for the counts, once with buffers for
 * the xlated instructions, map ids, func_info and line_info. The record
 * sizes the kernel reports are the ones we ask with, so the arrays have the
 * kernel's layout (which is also uapi's). Returns 0 or -errno.
 */
static int prog_data_get(int fd, struct prog_data *p)
{
	struct bpf_prog_info first = { 0 };
	__u32 len = sizeof(first);

	memset(p, 0, sizeof(*p));
	if (bpf_obj_get_info_by_fd(fd, &first, &len))
		return -errno;
	p->insns = calloc(1, first.xlated_prog_len + 8);
	p->map_ids = calloc(first.nr_map_ids + 1, sizeof(__u32));
	p->func_info = calloc(first.nr_func_info + 1, first.func_info_rec_size + 8);
	p->line_info = calloc(first.nr_line_info + 1, first.line_info_rec_size + 16);
	if (!p->insns || !p->map_ids || !p->func_info || !p->line_info)
		return -ENOMEM;
	p->info.xlated_prog_len = first.xlated_prog_len;
	p->info.xlated_prog_insns = (__u64)(unsigned long)p->insns;
	p->info.nr_map_ids = first.nr_map_ids;
	p->info.map_ids = (__u64)(unsigned long)p->map_ids;
	p->info.nr_func_info = first.nr_func_info;
	p->info.func_info_rec_size = first.func_info_rec_size;
	p->info.func_info = (__u64)(unsigned long)p->func_info;
	p->info.nr_line_info = first.nr_line_info;
	p->info.line_info_rec_size = first.line_info_rec_size;
	p->info.line_info = (__u64)(unsigned long)p->line_info;
	len = sizeof(p->info);
	if (bpf_obj_get_info_by_fd(fd, &p->info, &len))
		return -errno;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "maps": the names of the maps the program uses, sorted. */
static void print_prog_maps(const struct dump *d, const struct prog_data *p)
{
	char **names = calloc(p->info.nr_map_ids + 1, sizeof(*names));
	char buf[64];

	printf("      \"maps\": [");
	for (__u32 i = 0; names && i < p->info.nr_map_ids; i++)
		names[i] = strdup(name_of_id(d, p->map_ids[i], true, buf, sizeof(buf)));
	if (names)
		qsort(names, p->info.nr_map_ids, sizeof(*names), cmp_str);
	for (__u32 i = 0; names && i < p->info.nr_map_ids; i++) {
		printf("%s", i ? ", " : "");
		json_str(names[i]);
		free(names[i]);
	}
	free(names);
	puts("],");
}

static void print_func_info(struct dump *d, const struct prog_data *p)
{
	struct btf *btf = btf_by_id(d, p->info.btf_id);
	static const char *const linkage[] = { "static", "global", "extern" };

	printf("      \"func_info\": [%s\n", p->info.nr_func_info ? "" : "],");
	for (__u32 i = 0; i < p->info.nr_func_info; i++) {
		const struct bpf_func_info *fi = (const void *)
			((const char *)p->func_info + (size_t)i * p->info.func_info_rec_size);
		const struct btf_type *t = btf ? btf__type_by_id(btf, fi->type_id) : NULL;

		printf("        {\"insn_off\": %u, \"name\": ", fi->insn_off);
		json_str(t ? btf__name_by_offset(btf, t->name_off) : "?");
		printf(", \"linkage\": \"%s\"}%s\n",
		       t && btf_vlen(t) < 3 ? linkage[btf_vlen(t)] : "?",
		       i + 1 < p->info.nr_func_info ? "," : "");
	}
	if (p->info.nr_func_info)
		puts("      ],");
}

static void print_line_info(struct dump *d, const struct prog_data *p)
{
	struct btf *btf = btf_by_id(d, p->info.btf_id);

	printf("      \"line_info\": [%s\n", p->info.nr_line_info ? "" : "],");
	for (__u32 i = 0; i < p->info.nr_line_info; i++) {
		const struct bpf_line_info *li = (const void *)
			((const char *)p->line_info + (size_t)i * p->info.line_info_rec_size);

		printf("        {\"insn_off\": %u, \"line\": %u, \"col\": %u, \"file\": ",
		       li->insn_off, BPF_LINE_INFO_LINE_NUM(li->line_col),
		       BPF_LINE_INFO_LINE_COL(li->line_col));
		json_str(btf ? btf__name_by_offset(btf, li->file_name_off) : "?");
		printf(", \"text\": ");
		json_str(btf ? btf__name_by_offset(btf, li->line_off) : "?");
		printf("}%s\n", i + 1 < p->info.nr_line_info ? "," : "");
	}
	if (p->info.nr_line_info)
		puts("      ],");
}

static bool is_map_pseudo(__u8 src)
{
	return src == BPF_PSEUDO_MAP_FD || src == BPF_PSEUDO_MAP_VALUE ||
	       src == BPF_PSEUDO_MAP_IDX || src == BPF_PSEUDO_MAP_IDX_VALUE;
}

/*
 * One xlated instruction, without the trailing comma. The first half of an
 * ld_imm64 may be printed as a map name or a symbol; its second half comes
 * through here on the next call and, being no ld_imm64 itself, prints as
 * plain hex (for a map value its imm is the offset, already shown) --
 * except after a per-load kernel address, whose upper half is no more
 * stable than its lower: then it returns true, and the caller prints the
 * next instruction as {"ld_kernel_address": "high"}.
 */
static bool print_insn(const struct dump *d, const struct bpf_insn *insns,
		       __u32 i, __u32 cnt)
{
	const struct bpf_insn *in = &insns[i];
	char raw[24], buf[64], names[512];
	const char *sym;

	insn_hex(in, raw);
	if (in->code == (BPF_LD | BPF_IMM | BPF_DW) && i + 1 < cnt) {
		__u64 val = (__u64)(__u32)insns[i + 1].imm << 32 | (__u32)in->imm;

		if (is_map_pseudo(in->src_reg)) {
			printf("{\"ld_map\": ");
			json_str(name_of_id(d, (__u32)in->imm, true, buf, sizeof(buf)));
			printf(", \"src\": %u, \"dst\": %u, \"off\": %d}",
			       in->src_reg, in->dst_reg, insns[i + 1].imm);
			return false;
		}
		sym = in->src_reg == 0 && val >= KERNEL_ADDR_MIN ?
		      ksym_at(d, val, names, sizeof(names)) : NULL;
		if (sym) {
			printf("{\"ld_sym\": ");
			json_str(sym);
			printf(", \"insn\": \"%s\"}", raw);
			return false;
		}
		/* a kernel address that is no symbol: memory the verifier
		 * patched in for this one program (prog->aux before
		 * bpf_timer_set_callback, ...), different in every load */
		if (in->src_reg == 0 && val >= KERNEL_ADDR_MIN) {
			printf("{\"ld_kernel_address\": \"r%u\"}", in->dst_reg);
			return true;
		}
	}
	if (in->code == (BPF_JMP | BPF_CALL) &&
	    (in->src_reg == 0 || in->src_reg == BPF_PSEUDO_KFUNC_CALL)) {
		if (in->src_reg == 0 && in->imm == BPF_FUNC_tail_call)
			sym = "tail_call";	/* bpf_insn_prepare_dump() puts it back */
		else
			sym = d->call_base ? ksym_at(d, d->call_base + (__s64)in->imm,
						     names, sizeof(names)) : NULL;
		if (sym) {
			printf("{\"%s\": ", in->src_reg ? "kfunc" : "call");
			json_str(sym);
			printf(", \"insn\": \"%s\"}", raw);
			return false;
		}
	}
	printf("\"%s\"", raw);
	return false;
}

static void print_insns(const struct dump *d, const struct prog_data *p)
{
	__u32 cnt = p->info.xlated_prog_len / sizeof(struct bpf_insn);

	field_u64(6, "xlated_insn_cnt", cnt, false);
	printf("      \"insns\": [\n");
	for (__u32 i = 0; i < cnt; i++) {
		printf("        ");
		if (print_insn(d, p->insns, i, cnt) && i + 1 < cnt) {
			puts(",");
			printf("        {\"ld_kernel_address\": \"high\"}");
			i++;
		}
		puts(i + 1 < cnt ? "," : "");
	}
	puts("      ]");
}

/* One program's record. Returns 0 or -errno (printed). */
static int print_prog(struct dump *d, const struct pinned *pin, bool last)
{
	struct prog_data p;
	const char *tname;
	char tag[2 * BPF_TAG_SIZE + 1], buf[256];
	int err = prog_data_get(pin->fd, &p);

	if (err) {
		fprintf(stderr, "kdump: program %s: BPF_OBJ_GET_INFO_BY_FD: %s\n",
			pin->name, strerror(-err));
		prog_data_free(&p);
		return err;
	}
	tname = libbpf_bpf_prog_type_str(p.info.type);
	hex(p.info.tag, BPF_TAG_SIZE, tag);
	puts("    {");
	field_str(6, "pin", pin->name, false);
	field_str(6, "name", p.info.name, false);
	field_u64(6, "type", p.info.type, false);
	field_str(6, "type_name", tname ? tname : "?", false);
	if (!d->no_tag)
		field_str(6, "tag", tag, false);
	field_bool(6, "gpl_compatible", p.info.gpl_compatible, false);
	field_bool(6, "has_btf", p.info.btf_id != 0, false);
	field_u64(6, "attach_btf_id", p.info.attach_btf_id, false);
	field_str(6, "attach_btf_type",
		  describe_type(btf_by_id(d, p.info.attach_btf_obj_id),
				p.info.attach_btf_id, buf, sizeof(buf)), false);
	field_u64(6, "verified_insns", p.info.verified_insns, false);
	field_u64(6, "nr_map_ids", p.info.nr_map_ids, false);
	print_prog_maps(d, &p);
	field_u64(6, "nr_func_info", p.info.nr_func_info, false);
	print_func_info(d, &p);
	field_u64(6, "nr_line_info", p.info.nr_line_info, false);
	print_line_info(d, &p);
	print_insns(d, &p);
	printf("    }%s\n", last ? "" : ",");
	prog_data_free(&p);
	return 0;
}

/* --- maps ---------------------------------------------------------------- */

/* "frozen: 1" in /proc/self/fdinfo/<fd> (BPF_MAP_FREEZE, as libbpf does
 * to .rodata and .kconfig). */
static bool map_frozen(int fd)
{
	char path[64], line[256];
	bool frozen = false;
	unsigned int v;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "frozen: %u", &v) == 1)
			frozen = v != 0;
	fclose(f);
	return frozen;
}

/* A global-data map (libbpf's internal maps): one ARRAY element with a
 * 4-byte key, named "<obj>.rodata", ".data.custom", "<obj>.kconfig", ... */
static bool is_data_map(const struct bpf_map_info *mi)
{
	static const char *const secs[] = { ".rodata", ".data", ".bss", ".kconfig" };

	if (mi->type != BPF_MAP_TYPE_ARRAY || mi->max_entries != 1 || mi->key_size != 4)
		return false;
	for (size_t i = 0; i < sizeof(secs) / sizeof(secs[0]); i++)
		if (strstr(mi->name, secs[i]))
			return true;
	return false;
}

/* "value": element 0 as hex, 32 bytes a line, each line "<offset>: <hex>". */
static void print_data_value(int fd, const struct bpf_map_info *mi)
{
	unsigned char *val = calloc(1, mi->value_size + 1);
	char line[2 * 32 + 1];
	__u32 key = 0;

	if (!val || bpf_map_lookup_elem(fd, &key, val)) {
		printf("      \"value\": \"lookup failed: %s\",\n", strerror(errno));
		free(val);
		return;
	}
	printf("      \"value\": [%s\n", mi->value_size ? "" : "],");
	for (__u32 off = 0; off < mi->value_size; off += 32) {
		__u32 n = mi->value_size - off < 32 ? mi->value_size - off : 32;

		hex(val + off, n, line);
		printf("        \"%04x: %s\"%s\n", off, line,
		       off + 32 < mi->value_size ? "," : "");
	}
	if (mi->value_size)
		puts("      ],");
	free(val);
}

static bool holds_ids(__u32 type)
{
	return type == BPF_MAP_TYPE_PROG_ARRAY ||
	       type == BPF_MAP_TYPE_ARRAY_OF_MAPS ||
	       type == BPF_MAP_TYPE_HASH_OF_MAPS;
}

/*
 * "entries" of a PROG_ARRAY or map-in-map: the slots the loader filled,
 * key as hex, value (the kernel returns the prog or map id) as a name.
 * Iterates with BPF_MAP_GET_NEXT_KEY; empty array slots answer ENOENT.
 * Printed in key order: a HASH_OF_MAPS walks its buckets, whose order
 * depends on the hash seed of each map, not on what the loader did.
 */
struct id_entry {
	char key[2 * 64 + 1];
	char name[64];
};

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct id_entry *)a)->key, ((const struct id_entry *)b)->key);
}

static void print_id_entries(const struct dump *d, int fd,
			     const struct bpf_map_info *mi)
{
	unsigned char *key = calloc(2, mi->key_size + 1), *next;
	struct id_entry *e = NULL;
	char buf[64];
	bool have_key = false;
	__u32 id, n = 0, ne = 0;

	if (!key || mi->key_size > 64 || mi->value_size != 4 ||
	    !(e = calloc(mi->max_entries + 1, sizeof(*e)))) {
		free(key);
		return;
	}
	next = key + mi->key_size + 1;
	while (n++ <= mi->max_entries &&
	       !bpf_map_get_next_key(fd, have_key ? key : NULL, next)) {
		memcpy(key, next, mi->key_size);
		have_key = true;
		if (bpf_map_lookup_elem(fd, key, &id))
			continue;
		hex(key, mi->key_size, e[ne].key);
		snprintf(e[ne].name, sizeof(e[ne].name), "%s",
			 name_of_id(d, id, mi->type != BPF_MAP_TYPE_PROG_ARRAY, buf,
				    sizeof(buf)));
		ne++;
	}
	qsort(e, ne, sizeof(*e), entry_cmp);
	printf("      \"entries\": [");
	for (__u32 i = 0; i < ne; i++) {
		printf("%s\n        {\"key\": \"%s\", \"%s\": ", i ? "," : "",
		       e[i].key, mi->type == BPF_MAP_TYPE_PROG_ARRAY ? "prog" : "map");
		json_str(e[i].name);
		putchar('}');
	}
	printf("%s],\n", ne ? "\n      " : "");
	free(e);
	free(key);
}

/* One map's record. Returns 0 or -errno (printed). */
static int print_map(struct dump *d, const struct pinned *pin, bool last)
{
	struct bpf_map_info mi = { 0 };
	__u32 len = sizeof(mi);
	struct btf *btf;
	const char *tname;
	char buf[256];

	if (bpf_obj_get_info_by_fd(pin->fd, &mi, &len)) {
		int err = -errno;

		fprintf(stderr, "kdump: map %s: BPF_OBJ_GET_INFO_BY_FD: %s\n",
			pin->name, strerror(-err));
		return err;
	}
	btf = btf_by_id(d, mi.btf_id);
	tname = libbpf_bpf_map_type_str(mi.type);
	puts("    {");
	field_str(6, "pin", pin->name, false);
	field_str(6, "name", mi.name, false);
	field_u64(6, "type", mi.type, false);
	field_str(6, "type_name", tname ? tname : "?", false);
	field_u64(6, "key_size", mi.key_size, false);
	field_u64(6, "value_size", mi.value_size, false);
	field_u64(6, "max_entries", mi.max_entries, false);
	printf("      \"map_flags\": \"0x%x\",\n", mi.map_flags);
	field_u64(6, "map_extra", mi.map_extra, false);
	field_bool(6, "frozen", map_frozen(pin->fd), false);
	field_bool(6, "has_btf", mi.btf_id != 0, false);
	field_str(6, "btf_key_type", describe_type(btf, mi.btf_key_type_id, buf,
						   sizeof(buf)), false);
	field_str(6, "btf_value_type", describe_type(btf, mi.btf_value_type_id, buf,
						     sizeof(buf)), false);
	if (is_data_map(&mi))
		print_data_value(pin->fd, &mi);
	if (holds_ids(mi.type))
		print_id_entries(d, pin->fd, &mi);
	field_u64(6, "btf_vmlinux_value_type_id", mi.btf_vmlinux_value_type_id, true);
	printf("    }%s\n", last ? "" : ",");
	return 0;
}

/* --- main ---------------------------------------------------------------- */

static void warn_jit_harden(void)
{
	FILE *f = fopen("/proc/sys/net/core/bpf_jit_harden", "r");
	int v = 0;

	if (!f)
		return;
	if (fscanf(f, "%d", &v) == 1 && v > 0)
		fprintf(stderr, "kdump: warning: net.core.bpf_jit_harden=%d: constant "
			"blinding makes xlated instructions differ between loads\n", v);
	fclose(f);
}

static void dump_free(struct dump *d)
{
	for (size_t i = 0; i < d->nr_progs; i++) {
		if (d->progs[i].fd >= 0)
			close(d->progs[i].fd);
		free(d->progs[i].name);
	}
	for (size_t i = 0; i < d->nr_maps; i++) {
		if (d->maps[i].fd >= 0)
			close(d->maps[i].fd);
		free(d->maps[i].name);
	}
	for (size_t i = 0; i < d->nr_ksyms; i++)
		free(d->ksyms[i].name);
	for (size_t i = 0; i < d->nr_btfs; i++)
		btf__free(d->btfs[i].btf);
	btf__free(d->vmlinux);
	free(d->progs);
	free(d->maps);
	free(d->ksyms);
	free(d->btfs);
}

int main(int argc, char **argv)
{
	struct dump d = { 0 };
	int ret = EXIT_FAIL, err;
	const char *dir;

	if (argc == 3 && !strcmp(argv[1], "--no-tag")) {
		d.no_tag = true;
		argv++;
		argc--;
	}
	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: kdump [--no-tag] PINDIR\n"
			"  prints PINDIR/progs/* and PINDIR/maps/* as normalized JSON\n");
		return EXIT_USAGE;
	}
	dir = argv[1];
	libbpf_set_print(NULL);
	if (access(dir, F_OK)) {
		fprintf(stderr, "kdump: %s: %s\n", dir, strerror(errno));
		return EXIT_FAIL;
	}
	err = open_pins(dir, "progs", &d.progs, &d.nr_progs);
	if (!err)
		err = open_pins(dir, "maps", &d.maps, &d.nr_maps);
	if (err)
		goto out;
	for (size_t i = 0; i < d.nr_progs; i++)
		d.progs[i].id = id_of(d.progs[i].fd, false);
	for (size_t i = 0; i < d.nr_maps; i++)
		d.maps[i].id = id_of(d.maps[i].fd, true);
	load_kallsyms(&d);
	warn_jit_harden();

	puts("{");
	puts("  \"progs\": [");
	for (size_t i = 0; i < d.nr_progs; i++)
		if (print_prog(&d, &d.progs[i], i + 1 == d.nr_progs))
			goto out;
	puts("  ],");
	puts("  \"maps\": [");
	for (size_t i = 0; i < d.nr_maps; i++)
		if (print_map(&d, &d.maps[i], i + 1 == d.nr_maps))
			goto out;
	puts("  ]");
	puts("}");
	ret = 0;
out:
	dump_free(&d);
	return ret;
}
