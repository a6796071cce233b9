/*
 * elf/btf_ext.c - parsing .BTF.ext (the API is in btf_ext.h).
 *
 * Where it sits: object.c hands over the bytes of the object's .BTF.ext
 * section and the already parsed .BTF; the tables come back per code
 * section, for the loader to pass func_info and line_info to PROG_LOAD
 * and for relo/core.c to apply the CO-RE records.
 *
 * The format is libbpf's (libbpf_internal.h: struct btf_ext_header,
 * btf_ext_info_sec) as LLVM's BTFDebug.cpp writes it; the kernel never
 * sees the section itself, only the records the loader copies out:
 *
 *   +-------------------------+ header, hdr_len bytes:
 *   | magic 0xeB9F, ver 1     |   the offsets below count from its END
 *   | func_info_off/_len      |
 *   | line_info_off/_len      |
 *   | core_relo_off/_len      | <- only if hdr_len >= 32 (LLVM 12+)
 *   +-------------------------+
 *   | func_info table:        | u32 rec_size (>= sizeof the uapi struct)
 *   |   sec_name_off num_info |   then per code section: its name (an
 *   |   num_info * rec_size   |   offset in .BTF's strings), a count,
 *   |   sec_name_off num_info |   and that many records
 *   |   ...                   |
 *   +-------------------------+
 *   | line_info table (same)  |
 *   | core_relo table (same)  |
 *   +-------------------------+
 *
 * Nothing in the section is aligned for us (an object's section may start
 * at any offset), so every word is memcpy'd out, and each record is copied
 * into a malloc'ed array of the uapi struct, cut to that struct's size if
 * the producer's records are longer (newer fields we do not know).
 */
#include "btf_ext.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* libbpf's struct btf_ext_header; the uapi headers do not carry it. */
struct btf_ext_hdr {
	uint16_t magic;		/* BTF_MAGIC, as in .BTF */
	uint8_t version;	/* 1 */
	uint8_t flags;		/* 0 */
	uint32_t hdr_len;	/* bytes of this header as written */
	uint32_t func_info_off; /* table offsets and lengths in bytes, */
	uint32_t func_info_len; /* counted from the end of the header */
	uint32_t line_info_off;
	uint32_t line_info_len;
	uint32_t core_relo_off; /* present only if hdr_len covers them */
	uint32_t core_relo_len;
};

/* The shortest header: up to line_info_len (before CO-RE existed). */
#define BTF_EXT_HDR_MIN offsetof(struct btf_ext_hdr, core_relo_off)
/* The last CO-RE kind known, BPF_CORE_TYPE_MATCHES; older uapi headers
 * stop at BPF_CORE_ENUMVAL_VALUE (11), so the number is written here. */
#define BTF_EXT_CORE_KIND_MAX 12
/* Instruction offsets are in bytes; a BPF instruction is 8. */
#define BTF_EXT_INSN_SIZE 8

/* One table's kind: its name in messages, the uapi record it holds, and
 * the check of one record (given as the record's first words). */
struct btf_ext_kind {
	const char *name;
	size_t rec_size;
	int (*check)(const struct btf *btf, const uint32_t *w,
		     struct errbuf *eb);
};

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static int check_insn_off(uint32_t insn_off, struct errbuf *eb)
{
	if (insn_off % BTF_EXT_INSN_SIZE == 0)
		return 0;
	return err_set(eb, -EINVAL, "insn_off %u is not a multiple of %d "
		       "(one instruction)", insn_off, BTF_EXT_INSN_SIZE);
}

static int check_str(const struct btf *btf, const char *what, uint32_t off,
		     struct errbuf *eb)
{
	if (btf_str_checked(btf, off))
		return 0;
	return err_set(eb, -EINVAL, "%s offset %u is not inside .BTF's strings",
		       what, off);
}

/* struct bpf_func_info: insn_off, type_id. The type is the FUNC that
 * starts at insn_off; the kernel refuses anything else. */
static int check_func_info(const struct btf *btf, const uint32_t *w,
			   struct errbuf *eb)
{
	const struct btf_type *t = btf_type_by_id(btf, w[1]);
	int err = check_insn_off(w[0], eb);

	if (err)
		return err;
	if (!t)
		return err_set(eb, -EINVAL, "type id %u is not in .BTF (ids 1..%u)",
			       w[1], btf_type_cnt(btf) - 1);
	if (btf_kind(t) != BTF_KIND_FUNC)
		return err_set(eb, -EINVAL, "type [%u] %s is not a FUNC", w[1],
			       btf_kind_name(btf_kind(t)));
	return 0;
}

/* struct bpf_line_info: insn_off, file_name_off, line_off, line_col. */
static int check_line_info(const struct btf *btf, const uint32_t *w,
			   struct errbuf *eb)
{
	int err = check_insn_off(w[0], eb);

	if (!err)
		err = check_str(btf, "file name", w[1], eb);
	if (!err)
		err = check_str(btf, "line text", w[2], eb);
	return err;
}

/* struct bpf_core_relo: insn_off, type_id, access_str_off, kind. */
static int check_core_relo(const struct btf *btf, const uint32_t *w,
			   struct errbuf *eb)
{
	int err = check_insn_off(w[0], eb);

	if (err)
		return err;
	if (w[1] >= btf_type_cnt(btf))
		return err_set(eb, -EINVAL, "type id %u is not in .BTF (ids 0..%u)",
			       w[1], btf_type_cnt(btf) - 1);
	err = check_str(btf, "access string", w[2], eb);
	if (err)
		return err;
	if (w[3] > BTF_EXT_CORE_KIND_MAX)
		return err_set(eb, -EINVAL, "kind %u is not a known CO-RE "
			       "relocation kind (0..%d)", w[3],
			       BTF_EXT_CORE_KIND_MAX);
	return 0;
}

static const struct btf_ext_kind ext_func_info = {
	"func_info", sizeof(struct bpf_func_info), check_func_info,
};
static const struct btf_ext_kind ext_line_info = {
	"line_info", sizeof(struct bpf_line_info), check_line_info,
};
static const struct btf_ext_kind ext_core_relo = {
	"core_relo", sizeof(struct bpf_core_relo), check_core_relo,
};

/*
 * Pass 1 over a table (@p, @len bytes after the record size): every
 * section header and its records lie inside, every name is a string.
 * Returns the number of sections, or -errno.
 */
static long btf_ext_count_secs(const uint8_t *p, uint32_t len, uint32_t rec_size,
			       const struct btf *btf, struct errbuf *eb)
{
	uint32_t off = 0;
	long nsecs = 0;

	while (off < len) {
		uint32_t name_off, num;
		uint64_t bytes;
		const char *name;

		if (len - off < 2 * sizeof(uint32_t))
			return err_set(eb, -EINVAL, "section header at table offset "
				       "%u is truncated (%u bytes left)", off + 4,
				       len - off);
		name_off = rd32(p + off);
		num = rd32(p + off + 4);
		name = btf_str_checked(btf, name_off);
		if (!name)
			return err_set(eb, -EINVAL, "section header at table offset "
				       "%u: name offset %u is not inside .BTF's "
				       "strings", off + 4, name_off);
		if (num == 0)
			return err_set(eb, -EINVAL, "section '%s': has no records",
				       name);
		off += 2 * sizeof(uint32_t);
		bytes = (uint64_t)num * rec_size; /* < 2^64: widen, compare */
		if (bytes > len - off)
			return err_set(eb, -EINVAL, "section '%s': %u records of %u "
				       "bytes run past the end of the table (%u "
				       "bytes left)", name, num, rec_size, len - off);
		off += (uint32_t)bytes;
		nsecs++;
	}
	return nsecs;
}

/* Pass 2: check each record and copy it, cut to the struct's size. */
static int btf_ext_copy_sec(const uint8_t *p, uint32_t rec_size,
			    const struct btf_ext_kind *k, const struct btf *btf,
			    struct btf_ext_sec *sec, struct errbuf *eb)
{
	uint32_t w[4]; /* the largest struct, bpf_line_info/core_relo */
	uint8_t *recs;
	int err;

	_Static_assert(sizeof(struct bpf_line_info) <= sizeof(w), "w too small");
	_Static_assert(sizeof(struct bpf_core_relo) <= sizeof(w), "w too small");
	sec->sec_name = btf_str(btf, rd32(p));
	sec->count = rd32(p + 4);
	p += 8;
	recs = calloc(sec->count, k->rec_size);
	if (!recs)
		return err_set(eb, -ENOMEM, "section '%s': out of memory for %u "
			       "records", sec->sec_name, sec->count);
	sec->recs = recs;
	sec->sorted = 1;
	for (uint32_t i = 0; i < sec->count; i++) {
		memcpy(w, p + (size_t)i * rec_size, k->rec_size);
		err = k->check(btf, w, eb);
		if (err)
			return err_prefix(eb, err, "section '%s': record %u",
					  sec->sec_name, i);
		/* w[0] is insn_off in all three record kinds */
		if (i && w[0] < ((const uint32_t *)(recs + (size_t)(i - 1) * k->rec_size))[0])
			sec->sorted = 0;
		memcpy(recs + (size_t)i * k->rec_size, w, k->rec_size);
	}
	return 0;
}

/* By name, then by position: equal names keep the table's order, so the
 * first of a repeated name sorts first (what btf_ext_find promises). */
static int sec_name_cmp(const void *a, const void *b)
{
	const struct btf_ext_sec *x = *(const struct btf_ext_sec *const *)a;
	const struct btf_ext_sec *y = *(const struct btf_ext_sec *const *)b;
	int c = strcmp(x->sec_name, y->sec_name);

	return c ? c : (x > y) - (x < y);
}

/* @tab->by_name: its sections sorted once, O(n log n), so that each
 * program's lookup of its section costs O(log n) (btf_ext_find). */
static int btf_ext_index_table(struct btf_ext_table *tab, struct errbuf *eb)
{
	tab->by_name = malloc((tab->nsecs ? tab->nsecs : 1) * sizeof(*tab->by_name));
	if (!tab->by_name)
		return err_set(eb, -ENOMEM, "out of memory for %zu sections", tab->nsecs);
	for (size_t i = 0; i < tab->nsecs; i++)
		tab->by_name[i] = &tab->secs[i];
	qsort(tab->by_name, tab->nsecs, sizeof(*tab->by_name), sec_name_cmp);
	return 0;
}

/*
 * One table at @p (@len bytes; 0 means the object has none): the record
 * size, then the sections, counted first so that one array holds them,
 * then the index of their names.
 */
static int btf_ext_parse_table(const uint8_t *p, uint32_t len,
			       const struct btf_ext_kind *k, const struct btf *btf,
			       struct btf_ext_table *tab, struct errbuf *eb)
{
	uint32_t off = sizeof(uint32_t);
	long nsecs;
	int err;

	if (len == 0)
		return 0;
	if (len < sizeof(uint32_t))
		return err_set(eb, -EINVAL, "%u bytes are too few for the record "
			       "size", len);
	tab->file_rec_size = rd32(p);
	if (tab->file_rec_size < k->rec_size)
		return err_set(eb, -EINVAL, "record size %u is smaller than the "
			       "%zu bytes of a record", tab->file_rec_size,
			       k->rec_size);
	if (tab->file_rec_size % 4 != 0)
		return err_set(eb, -EINVAL, "record size %u is not a multiple of 4",
			       tab->file_rec_size);
	nsecs = btf_ext_count_secs(p + off, len - off, tab->file_rec_size, btf, eb);
	if (nsecs <= 0)
		return (int)nsecs;
	tab->secs = calloc((size_t)nsecs, sizeof(*tab->secs));
	if (!tab->secs)
		return err_set(eb, -ENOMEM, "out of memory for %ld sections", nsecs);
	for (tab->nsecs = 0; tab->nsecs < (size_t)nsecs; tab->nsecs++) {
		struct btf_ext_sec *sec = &tab->secs[tab->nsecs];

		err = btf_ext_copy_sec(p + off, tab->file_rec_size, k, btf, sec, eb);
		if (err) {
			tab->nsecs++; /* so that its recs are freed */
			return err;
		}
		/* Pass 1 proved the section fits in the table's u32 length. */
		off += 2 * sizeof(uint32_t) + sec->count * tab->file_rec_size;
	}
	return btf_ext_index_table(tab, eb);
}

/* The header, with the optional CO-RE part zero when hdr_len lacks it. */
static int btf_ext_parse_hdr(const uint8_t *data, size_t size,
			     struct btf_ext_hdr *hdr, struct errbuf *eb)
{
	memset(hdr, 0, sizeof(*hdr));
	if (size < BTF_EXT_HDR_MIN)
		return err_set(eb, -EINVAL, "%zu bytes are too few for a .BTF.ext "
			       "header (%zu bytes)", size, BTF_EXT_HDR_MIN);
	memcpy(hdr, data, BTF_EXT_HDR_MIN);
	if (hdr->magic == 0x9FEB)
		return err_set(eb, -EINVAL, "big-endian .BTF.ext is not supported");
	if (hdr->magic != BTF_MAGIC)
		return err_set(eb, -EINVAL, "bad .BTF.ext magic 0x%04x, expected "
			       "0x%04x", hdr->magic, BTF_MAGIC);
	if (hdr->version != BTF_VERSION)
		return err_set(eb, -EINVAL, "unsupported .BTF.ext version %u, "
			       "expected %u", hdr->version, BTF_VERSION);
	if (hdr->flags)
		return err_set(eb, -EINVAL, "unsupported .BTF.ext header flags 0x%x",
			       hdr->flags);
	if (hdr->hdr_len < BTF_EXT_HDR_MIN || hdr->hdr_len > size)
		return err_set(eb, -EINVAL, ".BTF.ext header length %u is outside "
			       "%zu..%zu (the data size)", hdr->hdr_len,
			       BTF_EXT_HDR_MIN, size);
	if (hdr->hdr_len >= sizeof(*hdr))
		memcpy(hdr, data, sizeof(*hdr));
	return 0;
}

/* Where a table (@off, @len from the header) lies: inside the data after
 * the header, at a 4-byte aligned offset as libbpf requires. */
static int btf_ext_table_place(const struct btf_ext_hdr *hdr, size_t size,
			       uint32_t off, uint32_t len, struct errbuf *eb)
{
	uint64_t avail = size - hdr->hdr_len;

	if (len == 0)
		return 0;
	if (off % 4 != 0)
		return err_set(eb, -EINVAL, "table offset %u is not 4-byte aligned",
			       off);
	if ((uint64_t)off + len > avail)
		return err_set(eb, -EINVAL, "table (offset %u, length %u) runs past "
			       "the end of the data (%" PRIu64 " bytes after the "
			       "header)", off, len, avail);
	return 0;
}

int btf_ext_parse(const void *data, size_t size, const struct btf *btf,
		  struct btf_ext **out, struct errbuf *eb)
{
	const uint8_t *p = data;
	struct btf_ext_hdr hdr;
	struct {
		const struct btf_ext_kind *kind;
		uint32_t off, len;
		struct btf_ext_table *tab;
	} tables[3];
	struct btf_ext *ext;
	int err;

	*out = NULL;
	if (!btf)
		return err_set(eb, -EINVAL, ".BTF.ext without a .BTF to check it "
			       "against");
	err = btf_ext_parse_hdr(p, size, &hdr, eb);
	if (err)
		return err;
	ext = calloc(1, sizeof(*ext));
	if (!ext)
		return err_set(eb, -ENOMEM, "out of memory for .BTF.ext");
	tables[0].kind = &ext_func_info;
	tables[0].off = hdr.func_info_off;
	tables[0].len = hdr.func_info_len;
	tables[0].tab = &ext->func_info;
	tables[1].kind = &ext_line_info;
	tables[1].off = hdr.line_info_off;
	tables[1].len = hdr.line_info_len;
	tables[1].tab = &ext->line_info;
	tables[2].kind = &ext_core_relo;
	tables[2].off = hdr.core_relo_off;
	tables[2].len = hdr.core_relo_len;
	tables[2].tab = &ext->core_relo;

	for (size_t i = 0; i < 3; i++) {
		err = btf_ext_table_place(&hdr, size, tables[i].off,
					  tables[i].len, eb);
		if (!err)
			err = btf_ext_parse_table(p + hdr.hdr_len + tables[i].off,
						  tables[i].len, tables[i].kind,
						  btf, tables[i].tab, eb);
		if (err) {
			err_prefix(eb, err, "%s", tables[i].kind->name);
			break;
		}
	}
	if (err) {
		btf_ext_free(ext);
		return err;
	}
	*out = ext;
	return 0;
}

static void btf_ext_table_free(struct btf_ext_table *tab)
{
	for (size_t i = 0; i < tab->nsecs; i++)
		free(tab->secs[i].recs);
	free(tab->secs);
	free(tab->by_name);
}

void btf_ext_free(struct btf_ext *ext)
{
	if (!ext)
		return;
	btf_ext_table_free(&ext->func_info);
	btf_ext_table_free(&ext->line_info);
	btf_ext_table_free(&ext->core_relo);
	free(ext);
}

const struct btf_ext_sec *btf_ext_find(const struct btf_ext_table *table,
				       const char *sec_name)
{
	size_t lo = 0, hi = table->nsecs;

	if (!table->by_name) {
		for (size_t i = 0; i < table->nsecs; i++)
			if (strcmp(table->secs[i].sec_name, sec_name) == 0)
				return &table->secs[i];
		return NULL;
	}
	/* the first entry not below @sec_name: the first of that name */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(table->by_name[mid]->sec_name, sec_name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < table->nsecs && strcmp(table->by_name[lo]->sec_name, sec_name) == 0)
		return table->by_name[lo];
	return NULL;
}
