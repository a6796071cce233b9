/*
 * tests/unit/check_btf_ext.c - suite "btf_ext": elf/btf_ext.c.
 *
 *   parse    hand-built .BTF.ext: records copied, sections found, longer
 *            records cut, the optional CO-RE part, odd alignment
 *   reject   table-driven: one wrong thing per row, asserting the errno
 *            AND a piece of the message (table, section, record index)
 *   objects  every build/progs/NAME.bpf.o (tag "progs"): .BTF and .BTF.ext
 *            read with libelf, parsed, and func_info checked against the
 *            symbol table, an independent view of where functions start
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf/btf_ext.h"
#include "btf_build.h"
#include "unit.h"

/* ---- the .BTF the hand-built .BTF.ext refers to ---- */

/* [1] int, [2] int (void), [3] FUNC prog, [4] struct s; and strings. */
static struct {
	void *blob;
	size_t size;
	struct btf *btf;
	uint32_t kprobe, text, file, line, access;
} g;

static void btf_setup(void)
{
	struct errbuf eb = { "" };
	struct tbtf b;
	uint32_t i, proto;

	tb_init(&b);
	i = tb_int(&b, "int", 4, BTF_INT_SIGNED, 32);
	proto = tb_type(&b, NULL, BTF_KIND_FUNC_PROTO, 0, 0, i);
	tb_type(&b, "prog", BTF_KIND_FUNC, 0, BTF_FUNC_GLOBAL, proto);
	tb_type(&b, "s", BTF_KIND_STRUCT, 0, 1, 4);
	tb_member(&b, "a", i, 0);
	g.kprobe = tb_str(&b, "kprobe/x");
	g.text = tb_str(&b, ".text");
	g.file = tb_str(&b, "prog.bpf.c");
	g.line = tb_str(&b, "\treturn 0;");
	g.access = tb_str(&b, "0:0");
	g.blob = tb_blob(&b, &g.size);
	ck_assert_msg(btf_parse(g.blob, g.size, NULL, &g.btf, &eb) == 0, "%s", eb.msg);
}

static void btf_teardown(void)
{
	btf_free(g.btf);
	free(g.blob);
}

/* ---- building .BTF.ext ---- */

enum { FUNC, LINE, CORE };

/* Three tables as words, then the header in front of them. */
struct ext {
	uint32_t tab[3][64];
	size_t n[3];
	uint32_t hdr_len; /* 32 with CO-RE, 24 without, more for a newer one */
};

static void put(struct ext *x, int tab, uint32_t w)
{
	ck_assert(x->n[tab] < 64);
	x->tab[tab][x->n[tab]++] = w;
}

/*
 * The good .BTF.ext the rows start from; the word indexes the rows change:
 *   func [0] rec size 8  [1] name "kprobe/x" [2] 2 records
 *        [3] insn 0  [4] type 3   [5] insn 16  [6] type 3
 *        [7] name ".text"  [8] 1 record  [9] insn 0  [10] type 3
 *   line [0] rec size 16 [1] name [2] 2 records
 *        [3] insn [4] file [5] line [6] col   [7..10] the second
 *   core [0] rec size 16 [1] name [2] 1 record
 *        [3] insn 8  [4] type 4  [5] access "0:0"  [6] kind 0
 */
static void good_ext(struct ext *x)
{
	memset(x, 0, sizeof(*x));
	x->hdr_len = 32;
	put(x, FUNC, 8);
	put(x, FUNC, g.kprobe);
	put(x, FUNC, 2);
	put(x, FUNC, 0), put(x, FUNC, 3);
	put(x, FUNC, 16), put(x, FUNC, 3);
	put(x, FUNC, g.text);
	put(x, FUNC, 1);
	put(x, FUNC, 0), put(x, FUNC, 3);

	put(x, LINE, 16);
	put(x, LINE, g.kprobe);
	put(x, LINE, 2);
	put(x, LINE, 0), put(x, LINE, g.file), put(x, LINE, g.line);
	put(x, LINE, 7u << 10 | 2);
	put(x, LINE, 8), put(x, LINE, g.file), put(x, LINE, g.line);
	put(x, LINE, 8u << 10 | 5);

	put(x, CORE, 16);
	put(x, CORE, g.kprobe);
	put(x, CORE, 1);
	put(x, CORE, 8), put(x, CORE, 4), put(x, CORE, g.access);
	put(x, CORE, BPF_CORE_FIELD_BYTE_OFFSET);
}

/* libbpf's struct btf_ext_header, as btf_ext.c defines it too. */
struct ext_hdr {
	uint16_t magic;
	uint8_t version, flags;
	uint32_t hdr_len;
	uint32_t func_info_off, func_info_len;
	uint32_t line_info_off, line_info_len;
	uint32_t core_relo_off, core_relo_len;
};

static void *ext_blob(const struct ext *x, size_t *size)
{
	struct ext_hdr h = {
		.magic = BTF_MAGIC,
		.version = 1,
		.hdr_len = x->hdr_len,
	};
	uint32_t off = 0, *offs[3] = { &h.func_info_off, &h.line_info_off,
				       &h.core_relo_off };
	uint32_t *lens[3] = { &h.func_info_len, &h.line_info_len, &h.core_relo_len };
	uint8_t *p;

	for (int t = 0; t < 3; t++) {
		*offs[t] = off;
		*lens[t] = (uint32_t)x->n[t] * 4;
		off += *lens[t];
	}
	*size = x->hdr_len + off;
	p = calloc(1, *size);
	ck_assert_ptr_nonnull(p);
	/* A 24-byte header simply has no room for the core_relo fields. */
	memcpy(p, &h, x->hdr_len < sizeof(h) ? x->hdr_len : sizeof(h));
	for (int t = 0, at = (int)x->hdr_len; t < 3; at += (int)x->n[t] * 4, t++)
		memcpy(p + at, x->tab[t], x->n[t] * 4);
	return p;
}

static struct btf_ext *parse_ok(const void *data, size_t size)
{
	struct errbuf eb = { "" };
	struct btf_ext *ext = NULL;
	int err = btf_ext_parse(data, size, g.btf, &ext, &eb);

	ck_assert_msg(err == 0, "btf_ext_parse: %d: %s", err, eb.msg);
	return ext;
}

/* ---- parse ---- */

START_TEST(test_parse_good)
{
	struct ext x;
	size_t size;
	void *blob;
	struct btf_ext *ext;
	const struct btf_ext_sec *sec;
	const struct bpf_func_info *fi;
	const struct bpf_line_info *li;
	const struct bpf_core_relo *cr;

	good_ext(&x);
	blob = ext_blob(&x, &size);
	ext = parse_ok(blob, size);

	ck_assert_uint_eq(ext->func_info.file_rec_size, 8);
	ck_assert_uint_eq(ext->func_info.nsecs, 2);
	sec = btf_ext_find(&ext->func_info, "kprobe/x");
	ck_assert_ptr_nonnull(sec);
	ck_assert_str_eq(sec->sec_name, "kprobe/x");
	ck_assert_uint_eq(sec->count, 2);
	fi = sec->recs;
	ck_assert_uint_eq(fi[0].insn_off, 0);
	ck_assert_uint_eq(fi[1].insn_off, 16);
	ck_assert_uint_eq(fi[1].type_id, 3);
	sec = btf_ext_find(&ext->func_info, ".text");
	ck_assert_ptr_nonnull(sec);
	ck_assert_uint_eq(sec->count, 1);
	ck_assert_ptr_null(btf_ext_find(&ext->func_info, "kprobe/y"));

	ck_assert_uint_eq(ext->line_info.nsecs, 1);
	sec = btf_ext_find(&ext->line_info, "kprobe/x");
	ck_assert_uint_eq(sec->count, 2);
	li = sec->recs;
	ck_assert_uint_eq(li[1].insn_off, 8);
	ck_assert_str_eq(btf_str(g.btf, li[1].file_name_off), "prog.bpf.c");
	ck_assert_str_eq(btf_str(g.btf, li[1].line_off), "\treturn 0;");
	ck_assert_uint_eq(li[1].line_col >> 10, 8);
	ck_assert_uint_eq(li[1].line_col & 0x3ff, 5);

	sec = btf_ext_find(&ext->core_relo, "kprobe/x");
	ck_assert_ptr_nonnull(sec);
	cr = sec->recs;
	ck_assert_uint_eq(cr[0].insn_off, 8);
	ck_assert_uint_eq(cr[0].type_id, 4);
	ck_assert_str_eq(btf_str(g.btf, cr[0].access_str_off), "0:0");
	ck_assert_int_eq(cr[0].kind, BPF_CORE_FIELD_BYTE_OFFSET);
	btf_ext_free(ext);
	free(blob);
}
END_TEST

/* A newer producer's longer records: the extra word is cut off. */
START_TEST(test_parse_longer_records)
{
	struct ext x;
	size_t size;
	void *blob;
	struct btf_ext *ext;
	const struct bpf_func_info *fi;

	memset(&x, 0, sizeof(x));
	x.hdr_len = 32;
	put(&x, FUNC, 12);
	put(&x, FUNC, g.kprobe);
	put(&x, FUNC, 2);
	put(&x, FUNC, 0), put(&x, FUNC, 3), put(&x, FUNC, 0xdeadbeef);
	put(&x, FUNC, 24), put(&x, FUNC, 3), put(&x, FUNC, 0xdeadbeef);
	blob = ext_blob(&x, &size);
	ext = parse_ok(blob, size);
	ck_assert_uint_eq(ext->func_info.file_rec_size, 12);
	fi = btf_ext_find(&ext->func_info, "kprobe/x")->recs;
	ck_assert_uint_eq(fi[1].insn_off, 24);
	ck_assert_uint_eq(fi[1].type_id, 3);
	ck_assert_uint_eq(ext->line_info.nsecs, 0);
	ck_assert_uint_eq(ext->core_relo.nsecs, 0);
	btf_ext_free(ext);
	free(blob);
}
END_TEST

/* hdr_len 24: an LLVM before CO-RE; its core_relo fields do not exist,
 * whatever bytes follow the header are tables. */
START_TEST(test_parse_short_header)
{
	struct ext x;
	size_t size;
	void *blob;
	struct btf_ext *ext;

	good_ext(&x);
	x.hdr_len = 24;
	x.n[CORE] = 0;
	blob = ext_blob(&x, &size);
	ext = parse_ok(blob, size);
	ck_assert_uint_eq(ext->func_info.nsecs, 2);
	ck_assert_uint_eq(ext->line_info.nsecs, 1);
	ck_assert_uint_eq(ext->core_relo.nsecs, 0);
	btf_ext_free(ext);
	free(blob);
}
END_TEST

/* A longer header (a future field): tables still start after hdr_len. */
START_TEST(test_parse_long_header)
{
	struct ext x;
	size_t size;
	void *blob;
	struct btf_ext *ext;

	good_ext(&x);
	x.hdr_len = 40;
	blob = ext_blob(&x, &size);
	ext = parse_ok(blob, size);
	ck_assert_uint_eq(ext->func_info.nsecs, 2);
	ck_assert_uint_eq(ext->core_relo.nsecs, 1);
	btf_ext_free(ext);
	free(blob);
}
END_TEST

/* Section data at an odd address: read through memcpy only (UBSan would
 * flag a misaligned load). */
START_TEST(test_parse_unaligned)
{
	struct ext x;
	size_t size;
	void *blob;
	char *odd;
	struct btf_ext *ext;

	good_ext(&x);
	blob = ext_blob(&x, &size);
	odd = malloc(size + 3);
	memcpy(odd + 3, blob, size);
	ext = parse_ok(odd + 3, size);
	ck_assert_uint_eq(btf_ext_find(&ext->line_info, "kprobe/x")->count, 2);
	btf_ext_free(ext);
	free(odd);
	free(blob);
}
END_TEST

START_TEST(test_parse_empty)
{
	struct ext x;
	size_t size;
	void *blob;
	struct btf_ext *ext;
	struct errbuf eb = { "" };

	memset(&x, 0, sizeof(x));
	x.hdr_len = 32;
	blob = ext_blob(&x, &size);
	ext = parse_ok(blob, size);
	ck_assert_uint_eq(ext->func_info.nsecs + ext->line_info.nsecs +
			  ext->core_relo.nsecs, 0);
	btf_ext_free(ext);
	btf_ext_free(NULL);
	ck_assert_int_eq(btf_ext_parse(blob, size, NULL, &ext, &eb), -EINVAL);
	ck_assert_ptr_null(ext);
	ck_assert_str_eq(eb.msg, ".BTF.ext without a .BTF to check it against");
	free(blob);
}
END_TEST

/* ---- reject: one wrong thing per row ---- */

struct row {
	const char *name;
	void (*change)(struct ext *x); /* on the tables, or NULL */
	void (*change_hdr)(struct ext_hdr *h, size_t *size); /* or NULL */
	const char *sub;
};

#define X_ROW(fn, stmt) \
	static void fn(struct ext *x) { stmt; }
#define H_ROW(fn, stmt) \
	static void fn(struct ext_hdr *h, size_t *size) { (void)h; (void)size; stmt; }

H_ROW(h_magic, h->magic = 0x4242)
H_ROW(h_big_endian, h->magic = 0x9FEB)
H_ROW(h_version, h->version = 2)
H_ROW(h_flags, h->flags = 0x80)
H_ROW(h_too_short, *size = 20)
H_ROW(h_len_small, h->hdr_len = 20)
H_ROW(h_len_big, h->hdr_len = (uint32_t)*size + 1)
H_ROW(h_func_past_end, h->func_info_len += 100)
H_ROW(h_line_wraps, h->line_info_off = 0xfffffffcu)
H_ROW(h_core_unaligned, h->core_relo_off += 2)
H_ROW(h_func_truncated, h->func_info_len = 2)

X_ROW(rec_size_small, x->tab[FUNC][0] = 4)
X_ROW(rec_size_odd, x->tab[LINE][0] = 18)
X_ROW(rec_size_small_core, x->tab[CORE][0] = 12)
X_ROW(sec_hdr_truncated, x->tab[CORE][1] = g.kprobe; x->n[CORE] = 2)
X_ROW(sec_name_bad, x->tab[FUNC][7] = 9999)
X_ROW(num_info_zero, x->tab[LINE][2] = 0)
X_ROW(records_past_end, x->tab[FUNC][8] = 2)
X_ROW(records_overflow, x->tab[CORE][2] = 0x40000000)
X_ROW(func_type_range, x->tab[FUNC][6] = 99)
X_ROW(func_type_kind, x->tab[FUNC][10] = 1)
X_ROW(func_insn_off, x->tab[FUNC][5] = 12)
X_ROW(line_file_bad, x->tab[LINE][4] = 5000)
X_ROW(line_line_bad, x->tab[LINE][9] = 0xffffffffu)
X_ROW(line_insn_off, x->tab[LINE][7] = 9)
X_ROW(core_type_range, x->tab[CORE][4] = 50)
X_ROW(core_access_bad, x->tab[CORE][5] = 70000)
X_ROW(core_kind_bad, x->tab[CORE][6] = 13)
X_ROW(core_insn_off, x->tab[CORE][3] = 4)

static const struct row rows[] = {
	{ "bad magic", NULL, h_magic, "bad .BTF.ext magic 0x4242, expected 0xeb9f" },
	{ "big-endian", NULL, h_big_endian, "big-endian .BTF.ext is not supported" },
	{ "version", NULL, h_version, "unsupported .BTF.ext version 2" },
	{ "flags", NULL, h_flags, "unsupported .BTF.ext header flags 0x80" },
	{ "too short", NULL, h_too_short, "20 bytes are too few for a .BTF.ext header (24 bytes)" },
	{ "hdr_len < 24", NULL, h_len_small, ".BTF.ext header length 20 is outside 24.." },
	{ "hdr_len > size", NULL, h_len_big, ".BTF.ext header length" },
	{ "table past end", NULL, h_func_past_end,
	  "func_info: table (offset 0, length 144) runs past the end of the data (116 bytes" },
	{ "table offset wraps", NULL, h_line_wraps,
	  "line_info: table (offset 4294967292, length 44) runs past the end" },
	{ "table offset unaligned", NULL, h_core_unaligned,
	  "core_relo: table offset 90 is not 4-byte aligned" },
	{ "table truncated", NULL, h_func_truncated,
	  "func_info: 2 bytes are too few for the record size" },
	{ "record size too small", rec_size_small, NULL,
	  "func_info: record size 4 is smaller than the 8 bytes of a record" },
	{ "record size odd", rec_size_odd, NULL, "line_info: record size 18 is not a multiple of 4" },
	{ "core_relo record size", rec_size_small_core, NULL,
	  "core_relo: record size 12 is smaller than the 16 bytes of a record" },
	{ "section header truncated", sec_hdr_truncated, NULL,
	  "core_relo: section header at table offset 4 is truncated (4 bytes left)" },
	{ "section name offset", sec_name_bad, NULL,
	  "func_info: section header at table offset 28: name offset 9999 is not inside .BTF's strings" },
	{ "no records", num_info_zero, NULL, "line_info: section 'kprobe/x': has no records" },
	{ "records past the table", records_past_end, NULL,
	  "func_info: section '.text': 2 records of 8 bytes run past the end of the table (8 bytes left)" },
	{ "record count overflow", records_overflow, NULL,
	  "core_relo: section 'kprobe/x': 1073741824 records of 16 bytes run past the end" },
	{ "func_info type id", func_type_range, NULL,
	  "func_info: section 'kprobe/x': record 1: type id 99 is not in .BTF (ids 1..4)" },
	{ "func_info type kind", func_type_kind, NULL,
	  "func_info: section '.text': record 0: type [1] INT is not a FUNC" },
	{ "func_info insn_off", func_insn_off, NULL,
	  "func_info: section 'kprobe/x': record 1: insn_off 12 is not a multiple of 8" },
	{ "line_info file name", line_file_bad, NULL,
	  "line_info: section 'kprobe/x': record 0: file name offset 5000 is not inside .BTF's strings" },
	{ "line_info line text", line_line_bad, NULL,
	  "line_info: section 'kprobe/x': record 1: line text offset 4294967295" },
	{ "line_info insn_off", line_insn_off, NULL,
	  "line_info: section 'kprobe/x': record 1: insn_off 9 is not a multiple of 8" },
	{ "core_relo type id", core_type_range, NULL,
	  "core_relo: section 'kprobe/x': record 0: type id 50 is not in .BTF (ids 0..4)" },
	{ "core_relo access string", core_access_bad, NULL,
	  "core_relo: section 'kprobe/x': record 0: access string offset 70000" },
	{ "core_relo kind", core_kind_bad, NULL,
	  "core_relo: section 'kprobe/x': record 0: kind 13 is not a known CO-RE relocation kind (0..12)" },
	{ "core_relo insn_off", core_insn_off, NULL,
	  "core_relo: section 'kprobe/x': record 0: insn_off 4 is not a multiple of 8" },
};

START_TEST(test_reject)
{
	const struct row *r = &rows[_i];
	struct errbuf eb = { "" };
	struct btf_ext *ext = (struct btf_ext *)1;
	struct ext x;
	size_t size;
	void *blob;
	int err;

	good_ext(&x);
	if (r->change)
		r->change(&x);
	blob = ext_blob(&x, &size);
	if (r->change_hdr)
		r->change_hdr(blob, &size);
	err = btf_ext_parse(blob, size, g.btf, &ext, &eb);
	ck_assert_msg(err == -EINVAL, "%s: got %d (%s)", r->name, err, eb.msg);
	ck_assert_ptr_null(ext);
	ck_assert_msg(strstr(eb.msg, r->sub), "%s: message '%s' lacks '%s'",
		      r->name, eb.msg, r->sub);
	free(blob);
}
END_TEST

/* ---- objects built by clang ---- */

/* A copy of section @name's bytes, or NULL. */
static void *elf_section_copy(Elf *e, const char *name, size_t *size, size_t *idx)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	ck_assert_int_eq(elf_getshdrstrndx(e, &shstrndx), 0);
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		void *copy;

		gelf_getshdr(scn, &sh);
		if (strcmp(elf_strptr(e, shstrndx, sh.sh_name), name))
			continue;
		d = elf_getdata(scn, NULL);
		ck_assert_ptr_nonnull(d);
		copy = malloc(d->d_size ? d->d_size : 1);
		memcpy(copy, d->d_buf, d->d_size);
		*size = d->d_size;
		if (idx)
			*idx = elf_ndxscn(scn);
		return copy;
	}
	return NULL;
}

/* STT_FUNC symbols in the section named @sec: where clang says functions
 * start, which is what func_info must list, one record each. */
static unsigned count_funcs(Elf *e, const char *sec, const struct btf_ext_sec *fi)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	unsigned n = 0;

	elf_getshdrstrndx(e, &shstrndx);
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		gelf_getshdr(scn, &sh);
		if (sh.sh_type != SHT_SYMTAB)
			continue;
		d = elf_getdata(scn, NULL);
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym sym;
			GElf_Shdr tsh;
			int found = 0;

			gelf_getsym(d, (int)i, &sym);
			if (GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
			    sym.st_shndx == SHN_UNDEF || sym.st_shndx >= SHN_LORESERVE)
				continue;
			gelf_getshdr(elf_getscn(e, sym.st_shndx), &tsh);
			if (strcmp(elf_strptr(e, shstrndx, tsh.sh_name), sec))
				continue;
			n++;
			for (uint32_t r = 0; r < fi->count; r++)
				found |= ((const struct bpf_func_info *)fi->recs)[r].insn_off
					 == sym.st_value;
			ck_assert_msg(found, "%s: function at 0x%lx has no func_info", sec,
				      (unsigned long)sym.st_value);
		}
	}
	return n;
}

/* Does @e have an executable section with bytes (a function)? */
static int has_code(Elf *e)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(e, scn)))
		if (gelf_getshdr(scn, &sh) && (sh.sh_flags & SHF_EXECINSTR) && sh.sh_size)
			return 1;
	return 0;
}

START_TEST(test_objects)
{
	char **objs = unit_list_objects();
	unsigned nobj = 0, nfunc = 0, ncore = 0;

	ck_assert_uint_ne(elf_version(EV_CURRENT), EV_NONE);
	for (size_t o = 0; objs[o]; o++) {
		struct errbuf eb = { "" };
		struct btf *btf, *btf2;
		struct btf_ext *ext;
		size_t bsize, esize;
		void *bdata, *edata;
		int fd = open(objs[o], O_RDONLY);
		Elf *e;

		ck_assert_int_ge(fd, 0);
		e = elf_begin(fd, ELF_C_READ, NULL);
		ck_assert_ptr_nonnull(e);
		bdata = elf_section_copy(e, ".BTF", &bsize, NULL);
		edata = elf_section_copy(e, ".BTF.ext", &esize, NULL);
		if (bdata && !edata && !has_code(e)) {
			/* maps alone (maps_only.bpf.o): clang writes no .BTF.ext */
			free(bdata);
			elf_end(e);
			close(fd);
			continue;
		}
		ck_assert_msg(bdata && edata, "%s: no .BTF/.BTF.ext", objs[o]);
		ck_assert_msg(btf_parse(bdata, bsize, NULL, &btf, &eb) == 0, "%s: %s",
			      objs[o], eb.msg);
		/* the same BTF through btf_load_file's own ELF walk */
		ck_assert_msg(btf_load_file(objs[o], NULL, &btf2, &eb) == 0, "%s", eb.msg);
		ck_assert_uint_eq(btf_type_cnt(btf), btf_type_cnt(btf2));
		btf_free(btf2);

		ck_assert_msg(btf_ext_parse(edata, esize, btf, &ext, &eb) == 0, "%s: %s",
			      objs[o], eb.msg);
		ck_assert_uint_gt(ext->func_info.nsecs, 0);
		ck_assert_uint_eq(ext->line_info.nsecs, ext->func_info.nsecs);
		for (size_t i = 0; i < ext->func_info.nsecs; i++) {
			const struct btf_ext_sec *fi = &ext->func_info.secs[i];

			ck_assert_uint_eq(count_funcs(e, fi->sec_name, fi), fi->count);
			ck_assert_ptr_nonnull(btf_ext_find(&ext->line_info, fi->sec_name));
			nfunc += fi->count;
		}
		for (size_t i = 0; i < ext->core_relo.nsecs; i++)
			ncore += ext->core_relo.secs[i].count;
		btf_ext_free(ext);
		btf_free(btf);
		free(bdata);
		free(edata);
		elf_end(e);
		close(fd);
		nobj++;
	}
	unit_free_list(objs);
	ck_assert_uint_gt(nobj, 0);
	ck_assert_uint_gt(nfunc, nobj - 1);
	ck_assert_uint_gt(ncore, 0); /* core.bpf.o at least */
}
END_TEST

static Suite *btf_ext_suite(void)
{
	Suite *s = suite_create("btf_ext");
	TCase *tc;

	tc = tcase_create("parse");
	tcase_add_checked_fixture(tc, btf_setup, btf_teardown);
	tcase_add_test(tc, test_parse_good);
	tcase_add_test(tc, test_parse_longer_records);
	tcase_add_test(tc, test_parse_short_header);
	tcase_add_test(tc, test_parse_long_header);
	tcase_add_test(tc, test_parse_unaligned);
	tcase_add_test(tc, test_parse_empty);
	suite_add_tcase(s, tc);

	tc = tcase_create("reject");
	tcase_add_checked_fixture(tc, btf_setup, btf_teardown);
	tcase_add_loop_test(tc, test_reject, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	suite_add_tcase(s, tc);

	tc = tcase_create("objects");
	tcase_set_tags(tc, "progs");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_objects);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(btf_ext_suite)
