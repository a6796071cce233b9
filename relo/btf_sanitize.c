/*
 * relo/btf_sanitize.c - see btf_sanitize.h. The replacement for each kind
 * keeps the record's size (libbpf's bpf_object__sanitize_btf rules):
 *
 *   VAR        -> INT, 1 byte          (both: type + 4 bytes)
 *   DATASEC    -> STRUCT, a member per variable ('.' in the name -> '_')
 *   FUNC_PROTO -> ENUM of 4 bytes      (params and enumerators: 8 bytes)
 *   FUNC       -> TYPEDEF; global FUNC -> static FUNC
 *   FLOAT      -> empty anonymous STRUCT of the same size
 *   DECL_TAG   -> INT, 1 byte          (component_idx and int info: 4 bytes)
 *   TYPE_TAG   -> CONST
 *   ENUM64     -> UNION whose members are a placeholder INT appended at the
 *                 end (enumerators and members: 12 bytes); ENUM loses its
 *                 kind_flag (signedness came with ENUM64)
 */
#include "btf_sanitize.h"

#include <errno.h>
#include <linux/btf.h>
#include <stdlib.h>
#include <string.h>

#include "elf/btf.h"

/* The encoders the uapi header leaves out (libbpf has its own too). */
#define BTF_INFO_ENC(kind, kflag, vlen) \
	((!!(kflag) << 31) | ((uint32_t)(kind) << 24) | ((vlen) & 0xffff))
#define BTF_INT_ENC(encoding, bits_offset, nr_bits) \
	((uint32_t)(encoding) << 24 | (bits_offset) << 16 | (nr_bits))

const char *btf_feature_name(uint32_t f)
{
	switch (f) {
	case BTF_FEAT_DATASEC: return "VAR/DATASEC";
	case BTF_FEAT_FUNC: return "FUNC";
	case BTF_FEAT_GLOBAL_FUNC: return "global FUNC";
	case BTF_FEAT_FLOAT: return "FLOAT";
	case BTF_FEAT_DECL_TAG: return "DECL_TAG";
	case BTF_FEAT_TYPE_TAG: return "TYPE_TAG";
	case BTF_FEAT_ENUM64: return "ENUM64";
	default: return "?";
	}
}

static uint32_t feature_of(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_VAR:
	case BTF_KIND_DATASEC: return BTF_FEAT_DATASEC;
	case BTF_KIND_FUNC_PROTO: return BTF_FEAT_FUNC;
	case BTF_KIND_FUNC:
		return BTF_FEAT_FUNC | (btf_vlen(t) == BTF_FUNC_GLOBAL ? BTF_FEAT_GLOBAL_FUNC : 0);
	case BTF_KIND_FLOAT: return BTF_FEAT_FLOAT;
	case BTF_KIND_DECL_TAG: return BTF_FEAT_DECL_TAG;
	case BTF_KIND_TYPE_TAG: return BTF_FEAT_TYPE_TAG;
	case BTF_KIND_ENUM64: return BTF_FEAT_ENUM64;
	default: return 0;
	}
}

uint32_t btf_features_used(const void *data, size_t len)
{
	struct btf *btf;
	uint32_t used = 0;

	if (btf_parse(data, len, NULL, &btf, NULL))
		return 0;
	for (uint32_t id = 1; id < btf_type_cnt(btf); id++)
		used |= feature_of(btf_type_by_id(btf, id));
	btf_free(btf);
	return used;
}

static void to_int1(struct btf_type *t)
{
	t->info = BTF_INFO_ENC(BTF_KIND_INT, 0, 0);
	t->size = 1;
	*(uint32_t *)(t + 1) = BTF_INT_ENC(0, 0, 8);
}

/* DATASEC -> STRUCT: each var_secinfo {type, offset, size} becomes a
 * member {name, type, bit offset}; the order of the stores matters, the
 * two records overlap. */
static void datasec_to_struct(struct btf_type *t, const struct btf *btf, char *strs)
{
	struct btf_var_secinfo *v = (struct btf_var_secinfo *)(t + 1);
	struct btf_member *m = (struct btf_member *)(t + 1);
	unsigned vlen = btf_vlen(t);

	for (char *p = strs + t->name_off; *p; p++)
		if (*p == '.')
			*p = '_';
	t->info = BTF_INFO_ENC(BTF_KIND_STRUCT, 0, vlen);
	for (unsigned i = 0; i < vlen; i++, v++, m++) {
		uint32_t type = v->type, off = v->offset;
		const struct btf_type *vt = btf_type_by_id(btf, type);

		/* the parser checks entries are VARs (or FUNCs in .ksyms);
		 * a void entry gets no name rather than a crash */
		m->name_off = vt ? vt->name_off : 0;
		m->type = type;
		m->offset = off * 8;
	}
}

/* The name of some type that is a valid C identifier, for the enumerators
 * a FUNC_PROTO's unnamed parameters become (the kernel refuses unnamed
 * enumerators). 0 if there is none. */
static uint32_t some_identifier(const struct btf *btf)
{
	for (uint32_t id = 1; id < btf_type_cnt(btf); id++) {
		const struct btf_type *t = btf_type_by_id(btf, id);
		const char *n = btf_str(btf, t->name_off);
		int ok = *n && (*n == '_' || (*n | 32) >= 'a') && (*n | 32) <= 'z';

		for (const char *c = n; ok && *c; c++)
			ok = *c == '_' || ((*c | 32) >= 'a' && (*c | 32) <= 'z') ||
			     (*c >= '0' && *c <= '9');
		if (ok)
			return t->name_off;
	}
	return 0;
}

int btf_sanitize(const void *data, size_t len, uint32_t missing, uint8_t **out,
		 size_t *out_len, struct errbuf *eb)
{
	struct btf *orig;
	const struct btf_header *h;
	uint8_t *buf;
	uint32_t placeholder = 0, ident;
	int err;

	*out = NULL;
	err = btf_parse(data, len, NULL, &orig, eb);
	if (err)
		return err;
	ident = some_identifier(orig);
	h = orig->hdr;
	/* Room for one appended INT (16 bytes) between types and strings. */
	buf = calloc(1, len + sizeof(struct btf_type) + 4);
	if (!buf) {
		btf_free(orig);
		return err_set(eb, -ENOMEM, "out of memory");
	}
	memcpy(buf, data, h->hdr_len + h->type_off + h->type_len);
	if ((missing & BTF_FEAT_ENUM64) && (btf_features_used(data, len) & BTF_FEAT_ENUM64)) {
		struct btf_type *ph = (struct btf_type *)(buf + h->hdr_len + h->type_off + h->type_len);

		ph->name_off = 0;
		to_int1(ph);
		placeholder = btf_type_cnt(orig);
		((struct btf_header *)buf)->type_len += sizeof(*ph) + 4;
		((struct btf_header *)buf)->str_off += sizeof(*ph) + 4;
	}
	{
		const struct btf_header *nh = (const struct btf_header *)buf;
		char *strs = (char *)buf + nh->hdr_len + nh->str_off;

		memcpy(strs, (const char *)data + h->hdr_len + h->str_off, h->str_len);
		for (uint32_t id = 1; id < btf_type_cnt(orig); id++) {
			const struct btf_type *o = btf_type_by_id(orig, id);
			struct btf_type *t = (struct btf_type *)(buf + ((const uint8_t *)o - orig->data));
			unsigned kind = btf_kind(t);

			if ((missing & BTF_FEAT_DATASEC) && kind == BTF_KIND_VAR)
				to_int1(t);
			else if ((missing & BTF_FEAT_DATASEC) && kind == BTF_KIND_DATASEC)
				datasec_to_struct(t, orig, strs);
			else if ((missing & BTF_FEAT_FUNC) && kind == BTF_KIND_FUNC_PROTO) {
				struct btf_enum *e = (struct btf_enum *)(t + 1);

				t->info = BTF_INFO_ENC(BTF_KIND_ENUM, 0, btf_vlen(t));
				t->size = sizeof(uint32_t);
				for (unsigned i = 0; i < btf_vlen(t); i++)
					if (!e[i].name_off)
						e[i].name_off = ident;
			} else if ((missing & BTF_FEAT_FUNC) && kind == BTF_KIND_FUNC)
				t->info = BTF_INFO_ENC(BTF_KIND_TYPEDEF, 0, 0);
			else if ((missing & BTF_FEAT_GLOBAL_FUNC) && kind == BTF_KIND_FUNC)
				t->info = BTF_INFO_ENC(BTF_KIND_FUNC, 0, BTF_FUNC_STATIC);
			else if ((missing & BTF_FEAT_FLOAT) && kind == BTF_KIND_FLOAT) {
				t->name_off = 0;
				t->info = BTF_INFO_ENC(BTF_KIND_STRUCT, 0, 0);
			} else if ((missing & BTF_FEAT_DECL_TAG) && kind == BTF_KIND_DECL_TAG) {
				t->name_off = 0;
				to_int1(t);
			} else if ((missing & BTF_FEAT_TYPE_TAG) && kind == BTF_KIND_TYPE_TAG) {
				t->name_off = 0;
				t->info = BTF_INFO_ENC(BTF_KIND_CONST, 0, 0);
			} else if ((missing & BTF_FEAT_ENUM64) && kind == BTF_KIND_ENUM)
				t->info = BTF_INFO_ENC(BTF_KIND_ENUM, 0, btf_vlen(t));
			else if ((missing & BTF_FEAT_ENUM64) && kind == BTF_KIND_ENUM64) {
				struct btf_member *m = (struct btf_member *)(t + 1);

				t->info = BTF_INFO_ENC(BTF_KIND_UNION, 0, btf_vlen(t));
				for (unsigned i = 0; i < btf_vlen(t); i++) {
					m[i].type = placeholder;	/* name_off stays */
					m[i].offset = 0;
				}
			}
		}
		*out_len = nh->hdr_len + nh->str_off + nh->str_len;
	}
	btf_free(orig);
	*out = buf;
	return 0;
}

/* ---- probe blobs --------------------------------------------------------- */

/* The types of each probe, as u32 words after the header; every probe
 * starts with [1] int (4 bytes, signed), named "int" at string offset 1.
 * Strings: "\0int\0x\0.d\0f\0" -> name offsets 1, 5, 7, 10. */
static const char probe_strs[] = "\0int\0x\0.d\0f";

#define T(name, kind, kflag, vlen, size_or_type) \
	name, BTF_INFO_ENC(kind, kflag, vlen), size_or_type
#define INT4 T(1, BTF_KIND_INT, 0, 0, 4), BTF_INT_ENC(BTF_INT_SIGNED, 0, 32)

size_t btf_probe_blob(uint32_t feature, uint8_t *buf)
{
	/* [2] var x: int, [3] datasec .d {x at 0, 4 bytes} */
	static const uint32_t datasec[] = { INT4, T(5, BTF_KIND_VAR, 0, 0, 1), 1,
					    T(7, BTF_KIND_DATASEC, 0, 1, 4), 2, 0, 4 };
	/* [2] proto int (int x), [3] func f */
	static const uint32_t func[] = { INT4, T(0, BTF_KIND_FUNC_PROTO, 0, 1, 1), 5, 1,
					 T(10, BTF_KIND_FUNC, 0, BTF_FUNC_STATIC, 2) };
	static const uint32_t gfunc[] = { INT4, T(0, BTF_KIND_FUNC_PROTO, 0, 1, 1), 5, 1,
					  T(10, BTF_KIND_FUNC, 0, BTF_FUNC_GLOBAL, 2) };
	/* [2] float "x" of 4 bytes */
	static const uint32_t flt[] = { INT4, T(5, BTF_KIND_FLOAT, 0, 0, 4) };
	/* [2] var x: int, [3] decl_tag "f" on it (component -1) */
	static const uint32_t dtag[] = { INT4, T(5, BTF_KIND_VAR, 0, 0, 1), 1,
					 T(10, BTF_KIND_DECL_TAG, 0, 0, 2), (uint32_t)-1 };
	/* [2] type_tag "f" on int, [3] ptr to it */
	static const uint32_t ttag[] = { INT4, T(10, BTF_KIND_TYPE_TAG, 0, 0, 1),
					 T(0, BTF_KIND_PTR, 0, 0, 2) };
	/* [2] enum64 "x" { f = 1 } of 8 bytes */
	static const uint32_t e64[] = { INT4, T(5, BTF_KIND_ENUM64, 0, 1, 8), 10, 1, 0 };
	const uint32_t *types;
	size_t tlen;
	struct btf_header h = { .magic = BTF_MAGIC, .version = BTF_VERSION,
				.hdr_len = sizeof(h) };

	switch (feature) {
	case BTF_FEAT_DATASEC: types = datasec, tlen = sizeof(datasec); break;
	case BTF_FEAT_FUNC: types = func, tlen = sizeof(func); break;
	case BTF_FEAT_GLOBAL_FUNC: types = gfunc, tlen = sizeof(gfunc); break;
	case BTF_FEAT_FLOAT: types = flt, tlen = sizeof(flt); break;
	case BTF_FEAT_DECL_TAG: types = dtag, tlen = sizeof(dtag); break;
	case BTF_FEAT_TYPE_TAG: types = ttag, tlen = sizeof(ttag); break;
	case BTF_FEAT_ENUM64: types = e64, tlen = sizeof(e64); break;
	default: return 0;
	}
	h.type_len = (uint32_t)tlen;
	h.str_off = (uint32_t)tlen;
	h.str_len = sizeof(probe_strs);
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), types, tlen);
	memcpy(buf + sizeof(h) + tlen, probe_strs, sizeof(probe_strs));
	return sizeof(h) + tlen + sizeof(probe_strs);
}
