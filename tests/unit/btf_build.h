/*
 * tests/unit/btf_build.h - building small BTF blobs by hand for the tests.
 *
 * A test writes types one record at a time, in the order of their ids,
 * the way the format lays them out:
 *
 *   struct tbtf b;
 *   tb_init(&b);
 *   uint32_t i = tb_int(&b, "int", 4, BTF_INT_SIGNED, 32);   // [1]
 *   uint32_t p = tb_type(&b, NULL, BTF_KIND_PTR, 0, 0, i);    // [2]
 *   void *blob = tb_blob(&b, &size);                          // malloc'ed
 *
 * Kind-specific data follows with tb_word() / tb_member() / ... right
 * after its tb_type(). Nothing here checks anything: the blobs are meant
 * to be wrong in chosen ways. Split BTF: tb_init_split() with the base's
 * type count and string length.
 */
#ifndef RAWLOAD_BTF_BUILD_H
#define RAWLOAD_BTF_BUILD_H

#include <linux/btf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

struct tbtf {
	uint32_t words[4096];	/* the type section */
	size_t nwords;
	char strs[8192];	/* the string section */
	size_t str_len;
	uint32_t start_id;	/* id of the first record */
	uint32_t start_str_off; /* offset of strs[0] (split BTF) */
	uint32_t next_id;	/* id the next tb_type() gets */
	uint32_t pad;		/* zero bytes between header and types */
};

static inline void tb_init_split(struct tbtf *b, uint32_t start_id,
				 uint32_t start_str_off)
{
	memset(b, 0, sizeof(*b));
	b->start_id = b->next_id = start_id;
	b->start_str_off = start_str_off;
	if (start_str_off == 0)
		b->str_len = 1; /* offset 0: the empty name */
}

static inline void tb_init(struct tbtf *b)
{
	tb_init_split(b, 1, 0);
}

/* A string's offset, adding it (NULL or "" is offset 0 in base BTF). */
static inline uint32_t tb_str(struct tbtf *b, const char *s)
{
	size_t len, off;

	if (!s || (!*s && b->start_str_off == 0))
		return 0;
	len = strlen(s) + 1;
	ck_assert(b->str_len + len <= sizeof(b->strs));
	off = b->str_len;
	memcpy(b->strs + off, s, len);
	b->str_len += len;
	return b->start_str_off + (uint32_t)off;
}

static inline void tb_word(struct tbtf *b, uint32_t w)
{
	ck_assert(b->nwords < sizeof(b->words) / sizeof(b->words[0]));
	b->words[b->nwords++] = w;
}

/* A struct btf_type; returns its id. */
static inline uint32_t tb_type(struct tbtf *b, const char *name, unsigned kind,
			       unsigned kflag, unsigned vlen, uint32_t size_or_type)
{
	tb_word(b, tb_str(b, name));
	tb_word(b, (kflag ? 1u << 31 : 0) | (kind & 0x1f) << 24 | (vlen & 0xffff));
	tb_word(b, size_or_type);
	return b->next_id++;
}

static inline uint32_t tb_int(struct tbtf *b, const char *name, uint32_t size,
			      uint32_t enc, uint32_t bits)
{
	uint32_t id = tb_type(b, name, BTF_KIND_INT, 0, 0, size);

	tb_word(b, enc << 24 | bits);
	return id;
}

/* Three words: a member (name, type, offset), a secinfo, an enum64. */
static inline void tb_word3(struct tbtf *b, uint32_t a, uint32_t c, uint32_t d)
{
	tb_word(b, a);
	tb_word(b, c);
	tb_word(b, d);
}

static inline void tb_member(struct tbtf *b, const char *name, uint32_t type,
			     uint32_t bit_off)
{
	tb_word3(b, tb_str(b, name), type, bit_off);
}

static inline uint32_t tb_array(struct tbtf *b, uint32_t elem, uint32_t index,
				uint32_t nelems)
{
	uint32_t id = tb_type(b, NULL, BTF_KIND_ARRAY, 0, 0, 0);

	tb_word3(b, elem, index, nelems);
	return id;
}

/* The record of type @id, to mutate. */
static inline struct btf_type *tb_rec(struct tbtf *b, uint32_t id)
{
	size_t w = 0;

	for (uint32_t i = b->start_id; i < id; i++) {
		const struct btf_type *t = (const struct btf_type *)&b->words[w];
		unsigned vlen = BTF_INFO_VLEN(t->info);

		w += 3;
		switch (BTF_INFO_KIND(t->info)) {
		case BTF_KIND_INT: case BTF_KIND_VAR: case BTF_KIND_DECL_TAG:
			w += 1;
			break;
		case BTF_KIND_ARRAY:
			w += 3;
			break;
		case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		case BTF_KIND_DATASEC: case BTF_KIND_ENUM64:
			w += 3 * vlen;
			break;
		case BTF_KIND_ENUM: case BTF_KIND_FUNC_PROTO:
			w += 2 * vlen;
			break;
		}
	}
	return (struct btf_type *)&b->words[w];
}

/* Header + types + strings, malloc'ed (so 8-byte aligned). */
static inline void *tb_blob(const struct tbtf *b, size_t *size)
{
	struct btf_header h = {
		.magic = BTF_MAGIC,
		.version = BTF_VERSION,
		.hdr_len = sizeof(struct btf_header),
		.type_off = b->pad,
		.type_len = (uint32_t)(b->nwords * 4),
		.str_off = b->pad + (uint32_t)(b->nwords * 4),
		.str_len = (uint32_t)b->str_len,
	};
	uint8_t *p;

	*size = sizeof(h) + h.str_off + h.str_len;
	p = calloc(1, *size);
	ck_assert(p != NULL);
	memcpy(p, &h, sizeof(h));
	memcpy(p + sizeof(h) + b->pad, b->words, h.type_len);
	memcpy(p + sizeof(h) + h.str_off, b->strs, b->str_len);
	return p;
}

static inline struct btf_header *tb_hdr(void *blob)
{
	return blob;
}

#endif
