/*
 * elf/btf_internal.h - what the BTF module's files share (btf.c,
 * btf_check.c, btf_file.c, btf_index.c, btf_fmt.c) and nobody else needs.
 *
 * btf.h is the module's API; this header is the seam between its files,
 * kept out of btf.h so that callers cannot come to depend on the parser's
 * scratch state (struct btf_walk) or on helpers whose contracts are only
 * right inside the module (btf_type_err() on a half-parsed btf).
 */
#ifndef RAWLOAD_BTF_INTERNAL_H
#define RAWLOAD_BTF_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "btf.h"
#include "err.h"

/* How many typedefs, modifiers and array levels btf_type_size() and
 * btf_type_str() follow before giving up; libbpf's MAX_RESOLVE_DEPTH. */
#define BTF_RESOLVE_DEPTH 32

/*
 * What the walk (btf.c) notes for the later steps (btf_check.c), so that
 * they need not visit every record again. A clean BTF (every one the
 * kernel or clang makes) then costs one walk; anything the notes cannot
 * vouch for sends a step back to its full check, which finds the first
 * fault in id order and words it. Lives for one btf_parse_opts() call.
 */
struct btf_walk {
	struct btf *btf;	/* being parsed; its fields fill step by step */
	unsigned flags;		/* enum btf_parse_flags */
	uint32_t ref_max;	/* the largest type id any record mentions */
	int refs_suspect;	/* a FUNC or DECL_TAG the walk could not check */
	uint32_t *fwd;		/* chain records whose successor is not below
				 * them: every cycle passes through one */
	size_t nfwd, fwd_cap;	/* entries in @fwd, and its capacity */
};

/* ---- btf.c ---- */

/*
 * Put "type [id] KIND 'name': " in front of a message about type @id and
 * store it in @eb; the name is left out for anonymous types. Returns
 * -EINVAL. Safe on a half-checked btf: it only looks at records already
 * walked, and btf_str() bounds-checks.
 */
int btf_type_err(const struct btf *btf, uint32_t id, struct errbuf *eb,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * The length of a record, by kind: @rec bytes (the struct btf_type and
 * what always follows it, e.g. an ARRAY's struct btf_array), plus @item
 * bytes per vlen entry (0 for kinds whose vlen means nothing). Sized for
 * all 32 values of the 5-bit kind field; a kind this parser does not know
 * has @rec BTF_LAYOUT_UNKNOWN, more than any type section holds, so the
 * walk's one "does it fit" test also stops at it (the layout after an
 * unknown kind is unknowable).
 */
#define BTF_LAYOUT_UNKNOWN UINT32_MAX
struct btf_kind_layout {
	uint32_t rec, item;
};
extern const struct btf_kind_layout btf_layout[32];

/* The bytes of record @t (BTF_LAYOUT_UNKNOWN or more: an unknown kind). */
static inline uint64_t btf_rec_len(const struct btf_type *t)
{
	const struct btf_kind_layout *l = &btf_layout[btf_kind(t)];

	return l->rec + (uint64_t)btf_vlen(t) * l->item;
}

/* Why the record at @off in the type section (the next id, after
 * btf->nr_types good ones) stopped a walk: -EINVAL, worded in @eb. */
int btf_walk_err(const struct btf *btf, uint32_t off, struct errbuf *eb);

/* ---- btf_fmt.c ---- */

/* Append @s to the string in @buf (@len bytes in all), truncating: for
 * text people read. */
void btf_str_cat(char *buf, size_t len, const char *s);

/* ---- btf_check.c: the parse steps for BTF from outside the kernel ---- */

/* Step 3 for BTF from outside the kernel: the walk over the records
 * (btf.c has the trusted one) that also checks each record's name offsets
 * while it is in hand and notes its references in @w for steps 4 and 5.
 * Fills @offs and @kinds (btf->type_offs and btf->kinds, room for one
 * entry per 12 bytes of the type section) and btf->nr_types. 0, -EINVAL
 * (with the record named in @eb) or -ENOMEM. */
int btf_walk_full(struct btf_walk *w, uint32_t *offs, uint8_t *kinds,
		  struct errbuf *eb);
/* Step 4: every referenced id exists; FUNC and DECL_TAG targets fit. */
int btf_step_refs(struct btf_walk *w, struct errbuf *eb);
/* Info bits the kernel refuses, and DATASEC entries that are not VARs. */
int btf_step_datasecs(struct btf_walk *w, struct errbuf *eb);
/* Step 5: no reference cycles. */
int btf_check_cycles(struct btf_walk *w, struct errbuf *eb);

/* ---- btf_index.c: the name lookups' cache (struct btf's @names) ---- */

/* A new, empty cache (NULL: out of memory); filled by the first lookups. */
struct btf_names *btf_names_new(void);
void btf_names_free(struct btf_names *nm);

#endif
