/*
 * elf/object.c - building struct object from a validated ELF file.
 *
 * obj_open() is a list of named steps; each reads one kind of thing out of
 * the file into the model of object.h. The order matters only where a step
 * uses another's result: BTF before the maps (BTF-defined maps are types),
 * programs and maps before the relocations that point into them.
 */
#include "object_internal.h"
#include "names.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int obj_grow(void **arr, size_t *n, size_t elem, struct errbuf *eb)
{
	void *p = realloc(*arr, (*n + 1) * elem);

	if (!p)
		return err_set(eb, -ENOMEM, "out of memory");
	memset((char *)p + *n * elem, 0, elem);
	*arr = p;
	(*n)++;
	return 0;
}

struct obj_map *obj_add_map(struct object *obj, struct errbuf *eb)
{
	if (obj_grow((void **)&obj->maps, &obj->nmaps, sizeof(*obj->maps), eb))
		return NULL;
	obj->maps[obj->nmaps - 1].inner = -1;
	return &obj->maps[obj->nmaps - 1];
}

/* ---- license, version ---------------------------------------------------- */

/* SEC("license") holds the C string the kernel checks for GPL-only helpers;
 * SEC("version") a u32 that only pre-4.x kprobe programs needed. */
static int collect_license(struct object *obj, struct errbuf *eb)
{
	size_t idx = elf_find_section(&obj->elf, "license");
	const void *bytes;
	size_t len;
	int err;

	if (idx) {
		err = elf_section_bytes(&obj->elf, idx, &bytes, &len, eb);
		if (err)
			return err;
		/* a NOBITS section has no bytes in the file: no string at all */
		if (!len)
			return err_set(eb, -EINVAL, "section %zu 'license': empty (%s); it holds "
				       "the license string, such as \"GPL\"", idx,
				       bytes ? "size 0" : "SHT_NOBITS, no bytes in the file");
		if (!memchr(bytes, '\0', len))
			return err_set(eb, -EINVAL,
				       "section %zu 'license': the license string is not "
				       "NUL-terminated", idx);
		snprintf(obj->license, sizeof(obj->license), "%s", (const char *)bytes);
	}
	idx = elf_find_section(&obj->elf, "version");
	if (idx) {
		err = elf_section_bytes(&obj->elf, idx, &bytes, &len, eb);
		if (err)
			return err;
		if (len != sizeof(uint32_t))
			return err_set(eb, -EINVAL,
				       "section %zu 'version': %zu bytes, expected 4", idx, len);
		memcpy(&obj->kern_version, bytes, sizeof(uint32_t));
		obj->has_kern_version = 1;
	}
	return 0;
}

/* ---- symbol index ---------------------------------------------------------- */

static int cmp_symkey(const void *a, const void *b)
{
	const struct obj_symkey *x = a, *y = b;
	int c;

	if (x->shndx != y->shndx)
		return x->shndx < y->shndx ? -1 : 1;
	if ((c = strcmp(x->name, y->name)))
		return c;
	return x->sym < y->sym ? -1 : x->sym > y->sym;
}

/* Variables and maps are looked up by name in their section, once each:
 * sorting the symbols once makes that O(n log n) for the whole object
 * instead of a scan of the symbol table per lookup (obj_find_symbol). */
static int index_symbols(struct object *obj, struct errbuf *eb)
{
	const struct elf_file *ef = &obj->elf;

	obj->symidx = malloc((ef->nsyms ? ef->nsyms : 1) * sizeof(*obj->symidx));
	if (!obj->symidx)
		return err_set(eb, -ENOMEM, "out of memory");
	for (size_t i = 1; i < ef->nsyms; i++) {
		unsigned type = ELF64_ST_TYPE(ef->syms[i].st_info);

		if (type == STT_SECTION || type == STT_FILE)
			continue;
		obj->symidx[obj->nsymidx++] = (struct obj_symkey){
			.shndx = ef->syms[i].st_shndx, .name = elf_sym_name(ef, i), .sym = i };
	}
	qsort(obj->symidx, obj->nsymidx, sizeof(*obj->symidx), cmp_symkey);
	return 0;
}

/* ---- BTF ----------------------------------------------------------------- */

static int collect_btf(struct object *obj, struct errbuf *eb)
{
	size_t idx = elf_find_section(&obj->elf, ".BTF");
	const void *bytes;
	size_t len;
	int err;

	if (!idx)
		return 0;	/* allowed: objects built without -g */
	err = elf_section_bytes(&obj->elf, idx, &bytes, &len, eb);
	if (!err)
		err = btf_parse(bytes, len, NULL, &obj->btf, eb);
	if (err)
		return err_prefix(eb, err, "section %zu '.BTF'", idx);
	idx = elf_find_section(&obj->elf, ".BTF.ext");
	if (!idx)
		return 0;
	err = elf_section_bytes(&obj->elf, idx, &bytes, &len, eb);
	if (!err)
		err = btf_ext_parse(bytes, len, obj->btf, &obj->ext, eb);
	if (err)
		return err_prefix(eb, err, "section %zu '.BTF.ext'", idx);
	return 0;
}

/* ---- programs ------------------------------------------------------------ */

static int is_code(const Elf64_Shdr *sh)
{
	return sh->sh_type == SHT_PROGBITS && (sh->sh_flags & SHF_EXECINSTR);
}

static int add_prog(struct object *obj, size_t shndx, size_t sym,
		    struct errbuf *eb)
{
	const struct elf_file *ef = &obj->elf;
	const Elf64_Sym *s = &ef->syms[sym];
	const char *sec = elf_section_name(ef, shndx);
	const uint8_t *bytes;
	struct obj_prog *p;
	size_t len;
	int err;

	if (s->st_value % sizeof(struct bpf_insn) || s->st_size % sizeof(struct bpf_insn) ||
	    s->st_size == 0)
		return err_set(eb, -EINVAL,
			       "function '%s' at offset 0x%" PRIx64 " size 0x%" PRIx64
			       " is not a whole number of 8-byte instructions",
			       elf_sym_name(ef, sym), (uint64_t)s->st_value,
			       (uint64_t)s->st_size);
	err = elf_section_bytes(ef, shndx, (const void **)&bytes, &len, eb);
	if (err)
		return err;
	if (obj_grow((void **)&obj->progs, &obj->nprogs, sizeof(*obj->progs), eb))
		return -ENOMEM;
	p = &obj->progs[obj->nprogs - 1];
	p->name = elf_sym_name(ef, sym);
	/* SEC("?NAME"): a program the loader leaves out unless it is named
	 * (libbpf sets autoload false and forgets the '?') */
	p->autoload = !(sec[0] == '?' && shndx != obj->text_shndx);
	p->sec_name = p->autoload ? sec : sec + 1;
	p->shndx = shndx;
	p->sec_off = s->st_value;
	p->insn_cnt = s->st_size / sizeof(struct bpf_insn);
	p->is_subprog = shndx == obj->text_shndx;
	p->is_hidden = ELF64_ST_BIND(s->st_info) != STB_LOCAL &&
		       (ELF64_ST_VISIBILITY(s->st_other) == STV_HIDDEN ||
			ELF64_ST_VISIBILITY(s->st_other) == STV_INTERNAL);
	p->is_global = ELF64_ST_BIND(s->st_info) != STB_LOCAL && !p->is_hidden;
	/* A private, aligned copy: the file mapping is read-only and its
	 * section need not be 8-byte aligned in memory. */
	p->insns = malloc(s->st_size);
	if (!p->insns)
		return err_set(eb, -ENOMEM, "out of memory");
	memcpy(p->insns, bytes + s->st_value, s->st_size);
	if (!p->is_subprog) {
		p->def = secdef_find(p->sec_name, &p->attach_target);
		if (!p->def)
			return err_set(eb, -EINVAL,
				       "program '%s': unknown section name '%s'; expected a "
				       "libbpf section name such as kprobe/FN, tracepoint/CAT/NAME, "
				       "raw_tp/NAME, fentry/FN, lsm/HOOK, xdp, tc, socket, "
				       "cgroup_skb/egress (a '?' before it: not loaded unless "
				       "named with --prog)", p->name, sec);
	}
	if (obj->btf) {
		int id = btf_find_by_name_kind(obj->btf, p->name, BTF_KIND_FUNC);

		p->btf_func_id = id > 0 ? (uint32_t)id : 0;
	}
	return 0;
}

/*
 * Each STT_FUNC symbol in an executable section is one function. Programs
 * outside .text must be global: libbpf refuses static ones too, because a
 * static function there is indistinguishable from a helper the compiler
 * outlined.
 */
static int collect_section_progs(struct object *obj, size_t shndx, int text,
				 const size_t *funcs, size_t nfuncs,
				 struct errbuf *eb)
{
	const struct elf_file *ef = &obj->elf;
	int err;

	obj->secprogs[shndx].first = obj->nprogs;
	for (size_t f = 0; f < nfuncs; f++) {
		size_t i = funcs[f];
		const Elf64_Sym *s = &ef->syms[i];

		if (!text && ELF64_ST_BIND(s->st_info) == STB_LOCAL)
			return err_set(eb, -EINVAL,
				       "section %zu '%s': program '%s' is static; programs "
				       "outside .text must be global (drop 'static')",
				       shndx, elf_section_name(ef, shndx), elf_sym_name(ef, i));
		err = add_prog(obj, shndx, i, eb);
		if (err)
			return err_prefix(eb, err, "section %zu '%s'", shndx,
					  elf_section_name(ef, shndx));
	}
	obj->secprogs[shndx].count = nfuncs;
	if (!nfuncs)
		return err_set(eb, -EINVAL,
			       "section %zu '%s': %" PRIu64 " bytes of code but no function "
			       "symbol (built by a very old clang?)", shndx,
			       elf_section_name(ef, shndx), (uint64_t)ef->shdrs[shndx].sh_size);
	return 0;
}

/* The functions of each executable section, read from the symbols grouped
 * by section once (obj_funcs_by_section): a scan of the whole symbol table
 * per section made an object of N one-program sections cost N^2. */
static int collect_progs(struct object *obj, struct errbuf *eb)
{
	const struct elf_file *ef = &obj->elf;
	size_t *start = NULL, *funcs = NULL;
	int err;

	obj->text_shndx = elf_find_section(ef, ".text");
	if ((err = obj_funcs_by_section(ef, &start, &funcs, eb)))
		return err;
	/* Programs first, then subprograms, so indexes of programs are
	 * stable and small: loader/ lists them in this order. */
	for (int pass = 0; pass < 2 && !err; pass++) {
		/* every section: a program's index may well be past the
		 * symbol count (objcopy and linkers reorder sections); an
		 * object with no symbols has no programs to name */
		for (size_t i = 1; ef->nsyms && i < ef->shnum && !err; i++) {
			int text = i == obj->text_shndx;

			if (!is_code(&ef->shdrs[i]) || ef->shdrs[i].sh_size == 0 ||
			    text != pass)
				continue;
			if (ef->shdrs[i].sh_size % sizeof(struct bpf_insn))
				err = err_set(eb, -EINVAL,
					      "section %zu '%s': size 0x%" PRIx64 " is not a "
					      "multiple of 8 (one BPF instruction)", i,
					      elf_section_name(ef, i),
					      (uint64_t)ef->shdrs[i].sh_size);
			else
				err = collect_section_progs(obj, i, text, funcs + start[i],
							    start[i + 1] - start[i], eb);
		}
	}
	free(start);
	free(funcs);
	return err;
}

/* ---- global data --------------------------------------------------------- */

void obj_map_kernel_name(const char *name, char out[16])
{
	size_t n = strnlen(name, 15);

	memcpy(out, name, n);
	out[n] = '\0';
}

/*
 * libbpf's name for a global data map: as much of the object name as fits
 * (at most 8 bytes) before the section name, unless the section name has
 * a second dot (".rodata.str1.1", ".data.custom"), which is used alone.
 * Characters the kernel refuses in map names become '_'.
 */
void obj_internal_map_name(const char *obj_name, const char *sec_name, char out[16])
{
	size_t sfx = strlen(sec_name), pfx;

	if (sfx < 7)
		sfx = 7;
	if (sfx > 15)
		sfx = 15;
	if (strchr(sec_name + 1, '.'))
		pfx = 0;
	else
		pfx = strlen(obj_name) < 16 - sfx - 1 ? strlen(obj_name) : 16 - sfx - 1;
	snprintf(out, 16, "%.*s%.*s", (int)pfx, obj_name, (int)sfx, sec_name);
	for (char *p = out; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.')
			*p = '_';
}

static int has_prefix(const char *s, const char *pfx)
{
	size_t n = strlen(pfx);

	return !strncmp(s, pfx, n) && (s[n] == '\0' || s[n] == '.');
}

static int data_kind_of(const char *name, enum data_kind *kind)
{
	if (has_prefix(name, ".data"))
		*kind = DATA_DATA;
	else if (has_prefix(name, ".rodata"))
		*kind = DATA_RODATA;
	else if (has_prefix(name, ".bss"))
		*kind = DATA_BSS;
	else
		return 0;
	return 1;
}

static int var_cmp(const void *a, const void *b)
{
	const struct obj_var *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* The variables of data map @m from its DATASEC, placed by their symbols. */
static int collect_vars(struct object *obj, struct obj_map *m, struct errbuf *eb)
{
	const struct btf *btf = obj->btf;
	const struct btf_var_secinfo *vi;
	const struct btf_type *sec;
	int id;

	if (!btf || (id = btf_find_by_name_kind(btf, m->name, BTF_KIND_DATASEC)) < 0)
		return 0;	/* e.g. .rodata.str1.1: string literals, no variables */
	m->datasec_id = (uint32_t)id;
	sec = btf_type_by_id(btf, (uint32_t)id);
	vi = btf_var_secinfos(sec);
	m->vars = calloc(btf_vlen(sec) ? btf_vlen(sec) : 1, sizeof(*m->vars));
	if (!m->vars)
		return err_set(eb, -ENOMEM, "out of memory");
	for (unsigned i = 0; i < btf_vlen(sec); i++) {
		const struct btf_type *var = btf_type_by_id(btf, vi[i].type);
		struct obj_var *v = &m->vars[m->nvars];
		size_t sym;

		if (!var || btf_kind(var) != BTF_KIND_VAR)
			continue;	/* a FUNC in a DATASEC is an extern kfunc */
		v->name = btf_str(btf, var->name_off);
		v->type_id = var->type;
		v->linkage = btf_var(var)->linkage;
		v->offset = vi[i].offset;
		v->size = vi[i].size;
		sym = obj_find_symbol(obj, m->shndx, v->name, -1);
		if (sym) {
			v->offset = (uint32_t)obj->elf.syms[sym].st_value;
			if (obj->elf.syms[sym].st_size)
				v->size = (uint32_t)obj->elf.syms[sym].st_size;
		}
		if ((uint64_t)v->offset + v->size > m->data_size)
			return err_set(eb, -EINVAL,
				       "variable '%s' at offset %u size %u lies outside the "
				       "section (%u bytes)", v->name, v->offset, v->size,
				       m->data_size);
		m->nvars++;
	}
	qsort(m->vars, m->nvars, sizeof(*m->vars), var_cmp);
	return 0;
}

static int collect_data(struct object *obj, struct errbuf *eb)
{
	const struct elf_file *ef = &obj->elf;
	int err;

	for (size_t i = 1; i < ef->shnum; i++) {
		const Elf64_Shdr *sh = &ef->shdrs[i];
		const char *name = elf_section_name(ef, i);
		enum data_kind kind;
		struct obj_map *m;
		const void *bytes;
		size_t len;

		if ((sh->sh_type != SHT_PROGBITS && sh->sh_type != SHT_NOBITS) ||
		    (sh->sh_flags & SHF_EXECINSTR) || !data_kind_of(name, &kind) ||
		    sh->sh_size == 0)
			continue;
		if (sh->sh_size > UINT32_MAX)
			return err_set(eb, -E2BIG, "section %zu '%s': 0x%" PRIx64
				       " bytes is too large for a map value", i, name,
				       (uint64_t)sh->sh_size);
		err = elf_section_bytes(ef, i, &bytes, &len, eb);
		if (err)
			return err;
		m = obj_add_map(obj, eb);
		if (!m)
			return -ENOMEM;
		m->name = name;
		m->origin = MAP_DATA;
		m->data_kind = sh->sh_type == SHT_NOBITS ? DATA_BSS : kind;
		m->type = BPF_MAP_TYPE_ARRAY;
		m->key_size = 4;
		m->value_size = (uint32_t)sh->sh_size;
		m->data_size = (uint32_t)sh->sh_size;
		m->max_entries = 1;
		m->data = bytes;
		m->shndx = i;
		obj_internal_map_name(obj->name, name, m->kernel_name);
		err = collect_vars(obj, m, eb);
		if (err)
			return err_prefix(eb, err, "section %zu '%s'", i, name);
	}
	return 0;
}

/* ---- maps ---------------------------------------------------------------- */

static int collect_maps(struct object *obj, struct errbuf *eb)
{
	int err;

	obj->maps_shndx = elf_find_section(&obj->elf, ".maps");
	obj->legacy_maps_shndx = elf_find_section(&obj->elf, "maps");
	if (obj->legacy_maps_shndx) {
		err = maps_collect_legacy(obj, eb);
		if (err)
			return err_prefix(eb, err, "section 'maps'");
	}
	if (obj->maps_shndx) {
		err = maps_collect_btf(obj, eb);
		if (err)
			return err_prefix(eb, err, "section %zu '.maps'", obj->maps_shndx);
	}
	return 0;
}

/* ---- relocations --------------------------------------------------------- */

/* A relocation in .rel.maps sets one .values slot of a prog array or a
 * map of maps: [slot] = &prog_or_map. */
static int add_map_init(struct object *obj, const Elf64_Rel *r, struct errbuf *eb)
{
	uint64_t off = r->r_offset;
	size_t sym = ELF64_R_SYM(r->r_info);

	for (size_t i = 0; i < obj->nmaps; i++) {
		struct obj_map *m = &obj->maps[i];
		uint64_t start = m->sec_off + m->values_off;

		if (m->origin != MAP_BTF || !m->has_values || off < start ||
		    (off - start) / 8 >= m->max_entries + (uint64_t)!m->max_entries * UINT32_MAX)
			continue;
		if ((off - start) % 8)
			return err_set(eb, -EINVAL,
				       "map '%s': .values relocation at offset 0x%" PRIx64
				       " is not on an 8-byte slot", m->name, off);
		if (obj_grow((void **)&m->inits, &m->ninits, sizeof(*m->inits), eb))
			return -ENOMEM;
		m->inits[m->ninits - 1].slot = (uint32_t)((off - start) / 8);
		m->inits[m->ninits - 1].target = elf_sym_name(&obj->elf, sym);
		return 0;
	}
	return err_set(eb, -EINVAL,
		       "relocation at offset 0x%" PRIx64 " ('%s') is not inside the "
		       ".values of any map", off, elf_sym_name(&obj->elf, sym));
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* How many of the @n sorted offsets lie in [@lo, @hi). */
static size_t count_in(const uint64_t *offs, size_t n, uint64_t lo, uint64_t hi)
{
	size_t a = 0, b = n, first;

	while (a < b) { /* first >= lo */
		size_t mid = a + (b - a) / 2;

		if (offs[mid] < lo)
			a = mid + 1;
		else
			b = mid;
	}
	first = a;
	b = n;
	while (a < b) { /* first >= hi */
		size_t mid = a + (b - a) / 2;

		if (offs[mid] < hi)
			a = mid + 1;
		else
			b = mid;
	}
	return a - first;
}

/* Program @pr's share of the @n offsets @offs (sorted; bytes into its
 * section): two binary searches, so sharing a section's offsets out among
 * its programs is O((n + programs) log n). Functions that overlap (a
 * hostile file) each count them. */
static size_t prog_share(const struct obj_prog *pr, const uint64_t *offs, size_t n)
{
	return count_in(offs, n, pr->sec_off, pr->sec_off + pr->insn_cnt * 8);
}

/* Relocations per program of @rs's code section: its programs only, the
 * run obj->secprogs[target] (a scan of every program per .rel section
 * was quadratic in an object of one-program sections). */
static int count_relocs(struct object *obj, const struct elf_rel_section *rs,
			struct errbuf *eb)
{
	uint64_t *offs = malloc((rs->count ? rs->count : 1) * sizeof(*offs));
	struct obj_span run = obj->secprogs[rs->target];

	if (!offs)
		return err_set(eb, -ENOMEM, "out of memory");
	for (size_t k = 0; k < rs->count; k++)
		offs[k] = rs->rels[k].r_offset;
	qsort(offs, rs->count, sizeof(*offs), cmp_u64);
	for (size_t p = run.first; p < run.first + run.count; p++)
		obj->progs[p].nrelocs += prog_share(&obj->progs[p], offs, rs->count);
	free(offs);
	return 0;
}

static int collect_relocs(struct object *obj, struct errbuf *eb)
{
	const struct elf_file *ef = &obj->elf;
	int err;

	for (size_t i = 1; i < ef->shnum; i++) {
		struct elf_rel_section rs;
		struct obj_relsec *r;

		if (ef->shdrs[i].sh_type != SHT_REL)
			continue;
		err = elf_rel_section(ef, i, &rs, eb);
		if (err)
			return err;
		if (rs.target == obj->maps_shndx && obj->maps_shndx) {
			for (size_t k = 0; k < rs.count; k++) {
				err = add_map_init(obj, &rs.rels[k], eb);
				if (err)
					return err_prefix(eb, err, "section %zu '%s'", i,
							  elf_section_name(ef, i));
			}
			continue;
		}
		if (!is_code(&ef->shdrs[rs.target]))
			continue;	/* .rel.BTF, .rel.BTF.ext: for linkers */
		if (obj_grow((void **)&obj->relsecs, &obj->nrelsecs, sizeof(*r), eb))
			return -ENOMEM;
		r = &obj->relsecs[obj->nrelsecs - 1];
		r->rel = rs;
		r->target_name = elf_section_name(ef, rs.target);
		err = count_relocs(obj, &rs, eb);
		if (err)
			return err;
	}
	return 0;
}

/* A program by its sec_name (the name without a leading '?': the
 * programs', not the sections', names are what count_core matches). */
struct prog_key {
	const char *sec_name;
	size_t prog;
};

static int cmp_prog_key(const void *a, const void *b)
{
	const struct prog_key *x = a, *y = b;
	int c = strcmp(x->sec_name, y->sec_name);

	return c ? c : (x->prog > y->prog) - (x->prog < y->prog);
}

/* Where the programs named @sec_name start in @keys (@n of them, sorted by
 * cmp_prog_key), and in *@count how many there are. */
static size_t progs_named(const struct prog_key *keys, size_t n,
			  const char *sec_name, size_t *count)
{
	size_t lo = 0, hi = n, end;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(keys[mid].sec_name, sec_name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < n && strcmp(keys[end].sec_name, sec_name) == 0; end++)
		;
	*count = end - lo;
	return lo;
}

/* CO-RE records per program, from .BTF.ext (insn_off counts bytes): per
 * .BTF.ext section, the programs of its name share out its records. A
 * program counts the records of the first section of its name, as
 * btf_ext_find() gives it. */
static int count_core(struct object *obj, struct errbuf *eb)
{
	const struct btf_ext_table *t;
	struct prog_key *byname;

	if (!obj->ext || !obj->ext->core_relo.nsecs)
		return 0;
	t = &obj->ext->core_relo;
	byname = malloc((obj->nprogs ? obj->nprogs : 1) * sizeof(*byname));
	if (!byname)
		return err_set(eb, -ENOMEM, "out of memory");
	for (size_t p = 0; p < obj->nprogs; p++)
		byname[p] = (struct prog_key){ obj->progs[p].sec_name, p };
	qsort(byname, obj->nprogs, sizeof(*byname), cmp_prog_key);
	for (size_t i = 0; i < t->nsecs; i++) {
		const struct btf_ext_sec *s = &t->secs[i];
		const struct bpf_core_relo *rec = s->recs;
		size_t first, np;
		uint64_t *offs;

		if (btf_ext_find(t, s->sec_name) != s)
			continue; /* a repeated section name: never looked up */
		offs = malloc((s->count ? s->count : 1) * sizeof(*offs));
		if (!offs) {
			free(byname);
			return err_set(eb, -ENOMEM, "out of memory");
		}
		for (uint32_t k = 0; k < s->count; k++)
			offs[k] = rec[k].insn_off;
		qsort(offs, s->count, sizeof(*offs), cmp_u64);
		first = progs_named(byname, obj->nprogs, s->sec_name, &np);
		for (size_t p = first; p < first + np; p++)
			obj->progs[byname[p].prog].ncore +=
				prog_share(&obj->progs[byname[p].prog], offs, s->count);
		free(offs);
	}
	free(byname);
	return 0;
}

/* ---- .BTF.ext offsets ----------------------------------------------------- */

/* Every record of @t must point at an instruction of the code section it
 * names: a record elsewhere would never be applied (a CO-RE relocation
 * silently skipped is a wrong load), so it is refused instead. @recsz is
 * the size of the table's struct, whose first field is insn_off (bytes). */
static int check_ext_table(const struct object *obj, const struct btf_ext_table *t,
			   size_t recsz, const char *what, struct errbuf *eb)
{
	for (size_t i = 0; i < t->nsecs; i++) {
		const struct btf_ext_sec *s = &t->secs[i];
		size_t idx = obj_find_section(obj, s->sec_name);
		uint64_t size;

		if (!idx)
			return err_set(eb, -EINVAL, "'.BTF.ext': %u %s record(s) for section '%s', "
				       "which the object does not have", s->count, what, s->sec_name);
		size = obj->elf.shdrs[idx].sh_size;
		for (uint32_t k = 0; k < s->count; k++) {
			uint32_t off;

			memcpy(&off, (const char *)s->recs + k * recsz, sizeof(off));
			if (off % 8 == 0 && off < size)
				continue;
			return err_set(eb, -EINVAL, "'.BTF.ext': %s record %u of section %zu '%s': "
				       "insn_off %u is %s (the section holds %" PRIu64
				       " instructions)", what, k, idx, s->sec_name, off,
				       off % 8 ? "not a multiple of 8" : "past its end", size / 8);
		}
	}
	return 0;
}

static int check_ext(struct object *obj, struct errbuf *eb)
{
	int err;

	if (!obj->ext)
		return 0;
	if ((err = check_ext_table(obj, &obj->ext->func_info, sizeof(struct bpf_func_info),
				   "func_info", eb)) ||
	    (err = check_ext_table(obj, &obj->ext->line_info, sizeof(struct bpf_line_info),
				   "line_info", eb)))
		return err;
	return check_ext_table(obj, &obj->ext->core_relo, sizeof(struct bpf_core_relo),
			       "CO-RE", eb);
}

/* ---- names --------------------------------------------------------------- */

/* @what's name @s, refused by @rule at byte @at: the message names the byte. */
static int bad_name(const char *what, const char *s, long at, enum name_rule rule,
		    struct errbuf *eb)
{
	char q[200];

	return err_set(eb, -EINVAL, "%s '%s': byte %ld (0x%02x) is refused: it may hold only %s",
		       what, name_quote(s, q, sizeof(q)), at, (unsigned char)s[at],
		       name_rule_str(rule));
}

/*
 * Every name of the object that reaches the kernel, a bpffs path or a
 * tracefs path or command, checked before anything is done with it
 * (names.h): a section name is a word (it holds the attach target, which
 * may be written to kprobe_events), a tracepoint's category and event are
 * tracefs directories, a program's and a map's name are kernel object
 * names and, with --pin, file names; a map pinned by name is one file on
 * /sys/fs/bpf. Data maps are left out: their kernel names are built by
 * obj_internal_map_name, which replaces what the kernel refuses.
 */
static int check_names(struct object *obj, struct errbuf *eb)
{
	char what[300];
	long at;

	for (size_t i = 0; i < obj->nprogs; i++) {
		const struct obj_prog *p = &obj->progs[i];

		if (p->is_subprog)
			continue;
		snprintf(what, sizeof(what), "section %zu", p->shndx);
		if ((at = name_bad_byte(p->sec_name, NAME_WORD)) >= 0)
			return bad_name(what, p->sec_name, at, NAME_WORD, eb);
		snprintf(what, sizeof(what), "section '%s': program", p->sec_name);
		if ((at = name_bad_byte(p->name, NAME_KERNEL)) >= 0)
			return bad_name(what, p->name, at, NAME_KERNEL, eb);
		if (p->def && p->def->attach == ATTACH_TRACEPOINT && p->attach_target) {
			char cat[128];
			const char *sep = strchr(p->attach_target, '/');
			size_t n = sep ? (size_t)(sep - p->attach_target) : 0;

			snprintf(cat, sizeof(cat), "%.*s", (int)n, p->attach_target);
			snprintf(what, sizeof(what), "section '%s': tracepoint category",
				 p->sec_name);
			if (sep && (at = name_bad_byte(cat, NAME_TRACEFS)) >= 0)
				return bad_name(what, cat, at, NAME_TRACEFS, eb);
			snprintf(what, sizeof(what), "section '%s': tracepoint", p->sec_name);
			if (sep && (at = name_bad_byte(sep + 1, NAME_TRACEFS)) >= 0)
				return bad_name(what, sep + 1, at, NAME_TRACEFS, eb);
		}
	}
	for (size_t i = 0; i < obj->nmaps; i++) {
		const struct obj_map *m = &obj->maps[i];

		if (m->origin == MAP_DATA)
			continue;
		snprintf(what, sizeof(what), "section %zu '%s': map", m->shndx,
			 elf_section_name(&obj->elf, m->shndx));
		if ((at = name_bad_byte(m->name, NAME_KERNEL)) >= 0)
			return bad_name(what, m->name, at, NAME_KERNEL, eb);
		snprintf(what, sizeof(what), "section %zu '%s': map pinned by name", m->shndx,
			 elf_section_name(&obj->elf, m->shndx));
		if (m->pinning && (at = name_bad_byte(m->name, NAME_BPFFS)) >= 0)
			return bad_name(what, m->name, at, NAME_BPFFS, eb);
	}
	return 0;
}

/* ---- driver -------------------------------------------------------------- */

static const struct {
	const char *name;
	int (*fn)(struct object *, struct errbuf *);
} steps[] = {
	{ "license and version", collect_license },
	{ "symbol index", index_symbols },
	{ "section index", obj_index_sections },
	{ "BTF and BTF.ext", collect_btf },
	{ "programs", collect_progs },
	{ "maps", collect_maps },
	{ "global data", collect_data },
	{ "externs", obj_collect_externs },
	{ "struct_ops", struct_ops_collect },
	{ "names", check_names },
	{ "relocations", collect_relocs },
	{ "CO-RE records", count_core },
	{ ".BTF.ext offsets", check_ext },
};

static void set_name(struct object *obj, const char *name)
{
	const char *base = strrchr(name, '/');

	base = base ? base + 1 : name;
	snprintf(obj->name, sizeof(obj->name), "%.*s", (int)strcspn(base, "."), base);
}

static int build(struct object *obj, struct errbuf *eb)
{
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		int err = steps[i].fn(obj, eb);

		if (err)
			return err;
	}
	/* an object of maps alone is loaded as libbpf loads it: the maps are
	 * made (and pinned, dumped) for other programs to share. Functions
	 * in .text are subprograms, loaded only inside the programs that
	 * call them; libbpf makes an exception of one function in .text
	 * with no program beside it: it loads that as a program, of no
	 * type, which the kernel refuses. Said here in words instead. */
	size_t text = 0, entries = obj_count_entries(obj);

	for (size_t i = 0; i < obj->nprogs; i++)
		text += obj->progs[i].is_subprog;
	if (!entries && text == 1)
		return err_set(eb, -ENOENT, "nothing to load: '%s' in .text is no program, "
			       "only a function other programs may call: a program is a "
			       "function in a section that names its type (SEC(\"xdp\"), "
			       "SEC(\"tracepoint/CATEGORY/NAME\"), ...)", obj->progs[0].name);
	if (!entries && !text && !obj->nmaps)
		return err_set(eb, -ENOENT, "nothing to load: no program (a function in an "
			       "executable section) and no map");
	return 0;
}

size_t obj_count_entries(const struct object *obj)
{
	size_t n = 0;

	for (size_t i = 0; i < obj->nprogs; i++)
		n += !obj->progs[i].is_subprog;
	return n;
}

int obj_open_mem(const void *data, size_t size, const char *name,
		 struct object *obj, struct errbuf *eb)
{
	int err;

	memset(obj, 0, sizeof(*obj));
	obj->path = name;
	set_name(obj, name);
	err = elf_open_mem(data, size, &obj->elf, eb);
	if (!err)
		err = build(obj, eb);
	if (err)
		obj_close(obj);
	return err;
}

int obj_open(const char *path, struct object *obj, struct errbuf *eb)
{
	int err;

	memset(obj, 0, sizeof(*obj));
	obj->path = path;
	set_name(obj, path);
	err = elf_open_file(path, &obj->elf, eb);
	if (!err)
		err = build(obj, eb);
	if (err)
		obj_close(obj);
	return err;
}

void obj_close(struct object *obj)
{
	for (size_t i = 0; i < obj->nprogs; i++)
		free(obj->progs[i].insns);
	for (size_t i = 0; i < obj->nmaps; i++) {
		free(obj->maps[i].vars);
		free(obj->maps[i].inits);
		free(obj->maps[i].st_funcs);
		free(obj->maps[i].name_owned);
	}
	free(obj->progs);
	free(obj->maps);
	free(obj->externs);
	free(obj->relsecs);
	free(obj->symidx);
	free(obj->secidx);
	free(obj->secprogs);
	btf_ext_free(obj->ext);
	btf_free(obj->btf);
	elf_close(&obj->elf);
	memset(obj, 0, sizeof(*obj));
}

int obj_find_prog(const struct object *obj, const char *name)
{
	for (size_t i = 0; i < obj->nprogs; i++)
		if (!strcmp(obj->progs[i].name, name))
			return (int)i;
	return -1;
}

int obj_find_map(const struct object *obj, const char *name)
{
	for (size_t i = 0; i < obj->nmaps; i++)
		if (!strcmp(obj->maps[i].name, name))
			return (int)i;
	return -1;
}

int obj_find_data_map(const struct object *obj, size_t shndx)
{
	for (size_t i = 0; i < obj->nmaps; i++)
		if (obj->maps[i].origin == MAP_DATA && obj->maps[i].shndx == shndx &&
		    obj->maps[i].data_kind != DATA_KCONFIG)
			return (int)i;
	return -1;
}

const char *obj_map_origin_name(enum map_origin o)
{
	static const char *const n[] = { ".maps", "maps (legacy)", "global data",
					 "inner map", "struct_ops" };
	return (unsigned)o < 5 ? n[o] : "?";
}

const char *obj_data_kind_name(enum data_kind k)
{
	static const char *const n[] = { "data", "rodata", "bss", "kconfig" };
	return (unsigned)k < 4 ? n[k] : "?";
}

const char *obj_map_type_name(uint32_t type)
{
	static const char *const n[] = {
		"UNSPEC", "HASH", "ARRAY", "PROG_ARRAY", "PERF_EVENT_ARRAY",
		"PERCPU_HASH", "PERCPU_ARRAY", "STACK_TRACE", "CGROUP_ARRAY",
		"LRU_HASH", "LRU_PERCPU_HASH", "LPM_TRIE", "ARRAY_OF_MAPS",
		"HASH_OF_MAPS", "DEVMAP", "SOCKMAP", "CPUMAP", "XSKMAP", "SOCKHASH",
		"CGROUP_STORAGE", "REUSEPORT_SOCKARRAY", "PERCPU_CGROUP_STORAGE",
		"QUEUE", "STACK", "SK_STORAGE", "DEVMAP_HASH", "STRUCT_OPS",
		"RINGBUF", "INODE_STORAGE", "TASK_STORAGE", "BLOOM_FILTER",
		"USER_RINGBUF", "CGRP_STORAGE", "ARENA",
	};
	static _Thread_local char buf[24];

	if (type < sizeof(n) / sizeof(n[0]))
		return n[type];
	snprintf(buf, sizeof(buf), "map type %u", type);
	return buf;
}

void obj_map_flags_str(uint32_t f, char *buf, size_t len)
{
	static const struct { uint32_t bit; const char *name; } names[] = {
		{ BPF_F_NO_PREALLOC, "NO_PREALLOC" }, { BPF_F_NO_COMMON_LRU, "NO_COMMON_LRU" },
		{ BPF_F_NUMA_NODE, "NUMA_NODE" }, { BPF_F_RDONLY, "RDONLY" },
		{ BPF_F_WRONLY, "WRONLY" }, { BPF_F_STACK_BUILD_ID, "STACK_BUILD_ID" },
		{ BPF_F_ZERO_SEED, "ZERO_SEED" }, { BPF_F_RDONLY_PROG, "RDONLY_PROG" },
		{ BPF_F_WRONLY_PROG, "WRONLY_PROG" }, { BPF_F_CLONE, "CLONE" },
		{ BPF_F_MMAPABLE, "MMAPABLE" }, { BPF_F_PRESERVE_ELEMS, "PRESERVE_ELEMS" },
		{ BPF_F_INNER_MAP, "INNER_MAP" }, { RL_BPF_F_LINK, "LINK" },
	};
	size_t n = 0;

	if (!len)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && n < len; i++)
		if (f & names[i].bit) {
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? "|" : "", names[i].name);
			f &= ~names[i].bit;
		}
	if (f && n < len)
		n += (size_t)snprintf(buf + n, len - n, "%s0x%x", n ? "|" : "", f);
	if (!n)
		snprintf(buf, len, "0");
}
