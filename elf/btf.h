/*
 * elf/btf.h - reading BTF: an object's .BTF section and raw kernel BTF.
 *
 * BTF (BPF Type Format, Documentation/bpf/btf.rst) is a header, then a
 * type section of variable-length records (struct btf_type, followed by
 * kind-specific data), then a string section. Type ids are positions:
 * the first record is id 1, id 0 is "void". Module BTF
 * (/sys/kernel/btf/<module>) is *split* BTF: its ids continue after
 * vmlinux's last id and its string offsets after vmlinux's string section,
 * so it is parsed on top of a base.
 *
 * btf_parse() validates everything once: header, every record's length,
 * every name offset, every referenced type id, and the absence of
 * reference cycles (a typedef chain that comes back to itself). The
 * accessors afterwards trust the data. The one exception is BTF the
 * running kernel serves itself (/sys/kernel/btf/...): btf_load_file() parses
 * it with BTF_PARSE_TRUSTED, which keeps the checks that make walking it
 * safe (header, strings, record lengths) and skips the ones the kernel
 * already made when it built and verified that BTF at boot.
 *
 * Name lookups go through a hash index per kind, built on first need
 * (btf_name_index_kind, below; btf_index.c) and kept with the btf.
 */
#ifndef RAWLOAD_BTF_H
#define RAWLOAD_BTF_H

#include <linux/btf.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Refuse BTF larger than this (vmlinux BTF is about 6 MiB). */
#define BTF_MAX_SIZE (128u << 20)

struct btf_names; /* the lazily built name index (btf_index.c) */

struct btf {
	const uint8_t *data;	    /* header + types + strings */
	size_t size;		    /* bytes at @data */
	void *map;		    /* mmap'ed file to unmap in btf_free, or NULL */
	size_t map_len;		    /* length of @map */
	const struct btf_header *hdr; /* at @data */
	const uint8_t *types;	    /* the type section */
	const char *strs;	    /* the string section */
	uint32_t str_len;	    /* its length, NUL-terminated (checked) */
	const struct btf *base;	    /* for split BTF, else NULL */
	uint32_t start_id;	    /* first id in this BTF: 1, or base's count */
	uint32_t start_str_off;	    /* base's string length, or 0 */
	uint32_t nr_types;	    /* records in this BTF */
	uint32_t *type_offs;	    /* [i] = offset of id start_id+i in @types */
	/* [i] = the kind of id start_id+i, one byte each, so that a lookup
	 * by kind passes over the other kinds' records without reading
	 * them (the walk has each kind in hand anyway). BTF_KINDS_SIZE()
	 * bytes: after the nr_types real ones, BTF_KIND_PAD up to the next
	 * multiple of 8, so the array can be read eight bytes at a time. */
	uint8_t *kinds;
	int trusted;		    /* parsed with BTF_PARSE_TRUSTED */
	/* Name lookups' cache, filled on demand even through a const btf
	 * (the pointer is const, the index is not): one hash table per kind,
	 * and how many records linear lookups of each kind have scanned so
	 * far. Not thread-safe: rawload is single-threaded. */
	struct btf_names *names;
};

/* The size of btf->kinds for @n types, and the byte that pads it (not a
 * kind: kinds are 5 bits). */
#define BTF_KINDS_SIZE(n) (((size_t)(n) + 8) & ~(size_t)7)
#define BTF_KIND_PAD 0xff

/* btf_parse_opts() flags. */
enum btf_parse_flags {
	/* The data comes from the running kernel (/sys/kernel/btf/...), which
	 * built it and checked it (kernel/bpf/btf.c) before serving it: check
	 * the header, the strings and every record's length and kind (what
	 * walking the records needs), but not name offsets, referenced ids or
	 * reference cycles. Never for files a user names (--btf FILE) or an
	 * object's .BTF: those get every check. */
	BTF_PARSE_TRUSTED = 1u << 0,
};

/*
 * Parse @size bytes at @data (not copied; they must outlive the btf). With
 * @base non-NULL the data is split BTF on top of it. On success *out owns a
 * new struct btf.
 */
int btf_parse(const void *data, size_t size, const struct btf *base,
	      struct btf **out, struct errbuf *eb);
/* The same with enum btf_parse_flags; btf_parse() is flags 0. */
int btf_parse_opts(const void *data, size_t size, const struct btf *base,
		   unsigned flags, struct btf **out, struct errbuf *eb);

/* Map and parse a file: raw BTF (magic 0xeB9F, as in /sys/kernel/btf/) or an
 * ELF object with a .BTF section. Raw BTF read from sysfs (fstatfs says
 * SYSFS_MAGIC: only the kernel writes there, so that is
 * /sys/kernel/btf/vmlinux and its modules) is parsed BTF_PARSE_TRUSTED;
 * any other file gets every check. */
int btf_load_file(const char *path, const struct btf *base, struct btf **out,
		  struct errbuf *eb);

void btf_free(struct btf *btf);

/* One past the last valid type id (base ids included). Inline: loops over
 * every id test it each round. */
static inline uint32_t btf_type_cnt(const struct btf *btf)
{
	return btf->start_id + btf->nr_types;
}

/* The record of type @id (from the base for base ids); NULL for id 0
 * (void) and for ids out of range. Inline: CO-RE and the parser's own
 * checks call it in their innermost loops. */
static inline const struct btf_type *btf_type_by_id(const struct btf *btf,
						    uint32_t id)
{
	while (btf->base && id < btf->start_id)
		btf = btf->base;
	if (id < btf->start_id || id - btf->start_id >= btf->nr_types)
		return NULL; /* void (id 0), or past the end */
	return (const struct btf_type *)(btf->types +
					 btf->type_offs[id - btf->start_id]);
}

/* The string at @off, or NULL if @off is not inside the strings (base
 * included): for checking offsets that come from elsewhere (.BTF.ext). */
const char *btf_str_checked(const struct btf *btf, uint32_t off);
/* The string at @off ("" if out of range: parse checked every name).
 * Inline: CO-RE compares member names by the thousand, and most BTF is
 * not split, so the common case is one bounds check. */
static inline const char *btf_str(const struct btf *btf, uint32_t off)
{
	const char *s;

	if (!btf->base && off < btf->str_len)
		return btf->strs + off;
	s = btf_str_checked(btf, off);
	return s ? s : "";
}
/* The name of type @id, "" for anonymous types and void. */
const char *btf_type_name(const struct btf *btf, uint32_t id);

static inline unsigned btf_kind(const struct btf_type *t)
{
	return BTF_INFO_KIND(t->info);
}
static inline unsigned btf_vlen(const struct btf_type *t)
{
	return BTF_INFO_VLEN(t->info);
}
static inline int btf_kflag(const struct btf_type *t)
{
	return BTF_INFO_KFLAG(t->info);
}

/* Kind-specific data that follows the record. */
static inline const struct btf_member *btf_members(const struct btf_type *t)
{
	return (const struct btf_member *)(t + 1);
}
static inline const struct btf_param *btf_params(const struct btf_type *t)
{
	return (const struct btf_param *)(t + 1);
}
static inline const struct btf_enum *btf_enums(const struct btf_type *t)
{
	return (const struct btf_enum *)(t + 1);
}
static inline const struct btf_enum64 *btf_enum64s(const struct btf_type *t)
{
	return (const struct btf_enum64 *)(t + 1);
}
static inline const struct btf_array *btf_array(const struct btf_type *t)
{
	return (const struct btf_array *)(t + 1);
}
static inline const struct btf_var *btf_var(const struct btf_type *t)
{
	return (const struct btf_var *)(t + 1);
}
static inline const struct btf_var_secinfo *
btf_var_secinfos(const struct btf_type *t)
{
	return (const struct btf_var_secinfo *)(t + 1);
}
/* INT: the u32 after the record (encoding, bit offset, bits). */
static inline uint32_t btf_int_info(const struct btf_type *t)
{
	return *(const uint32_t *)(t + 1);
}
static inline uint64_t btf_enum64_value(const struct btf_enum64 *e)
{
	return ((uint64_t)e->val_hi32 << 32) | e->val_lo32;
}

/* Member @i's offset in bits and bitfield size in bits (0: not a bitfield),
 * decoded according to the struct's kind_flag. */
uint32_t btf_member_bit_offset(const struct btf_type *t, unsigned i);
uint32_t btf_member_bitfield_size(const struct btf_type *t, unsigned i);

/* Follow CONST, VOLATILE, RESTRICT, TYPE_TAG and TYPEDEF from @id; returns
 * the first id that is none of them (0 for void). */
uint32_t btf_skip_mods_typedefs(const struct btf *btf, uint32_t id);
/* Same, but stops at typedefs (follows only the modifiers). */
uint32_t btf_skip_mods(const struct btf *btf, uint32_t id);

/* The size in bytes of type @id (arrays multiplied out, typedefs and
 * modifiers followed, pointers 8). -EINVAL with a reason for void,
 * functions and other sizeless kinds. */
int btf_type_size(const struct btf *btf, uint32_t id, uint64_t *size,
		  struct errbuf *eb);

/* The first type named @name of kind @kind (base included): its id, or
 * -ENOENT. The first few lookups of a kind scan the records (a lookup
 * that finds an early type stops early); once the scans have cost about
 * two full walks, the kind's name index is built and used from then on. */
int btf_find_by_name_kind(const struct btf *btf, const char *name,
			  unsigned kind);

/* The index key of a name: its first @return bytes, up to (not including)
 * the first "___", or all of it. Every CO-RE flavor of a name
 * ("task_struct___old") has the same key as the name itself. */
size_t btf_name_key_len(const char *name);

/*
 * Call @fn(id, @arg) for every named type of kind @kind (base first, then
 * this btf; ids ascending within each) whose name's key (btf_name_key_len)
 * is the @key_len bytes at @key: "task_struct" visits task_struct and
 * task_struct___old alike, and @fn decides between them. Stops early when
 * @fn returns non-zero, and returns that value; 0 when all were visited;
 * -ENOMEM if the index could not be built. The kind's index is built on
 * the first call.
 */
int btf_name_index_kind(const struct btf *btf, const char *key, size_t key_len,
			unsigned kind, int (*fn)(uint32_t id, void *arg),
			void *arg);

/* A readable C spelling of type @id into @buf: "struct task_struct",
 * "unsigned int", "char[16]", "int *", "void". Returns @buf. */
char *btf_type_str(const struct btf *btf, uint32_t id, char *buf, size_t len);

/* "STRUCT", "ENUM64", ... */
const char *btf_kind_name(unsigned kind);

#endif
