/*
 * elf/usdt_layout.c - struct __bpf_usdt_spec's layout from the object's
 * BTF, and a parsed record written in it (see usdt_layout.h).
 *
 * Worked example: libbpf 1.7's arg_type, "enum __bpf_usdt_arg_type
 * arg_type: 8" in a struct with kind_flag set. Its btf_member.offset
 * holds (8 << 24) | 64: an 8-bit field at bit 64. Writing
 * BPF_USDT_ARG_REG_DEREF (2) sets bit 65 of the record, which on x86-64
 * (little-endian: bit k is bit k % 8 of byte k / 8) is byte 8 = 0x02,
 * the same byte libbpf 1.1's 4-byte enum at offset 8 gets; but reg_off,
 * after the new fields, is at byte 14 there and 12 in 1.1, and records
 * are 24 bytes apart instead of 16, which is why the offsets come from
 * the BTF and from nowhere else.
 */
#include "usdt_layout.h"

#include <errno.h>
#include <string.h>

/* The names rawload fills, each with where the layout keeps it. */
struct member_name {
	const char *name;
	size_t off;		/* offsetof(struct usdt_layout, the field) */
	uint32_t min_bits;	/* narrower cannot hold every value rawload writes */
	int required;
};

static const struct member_name spec_members[] = {
	{ "usdt_cookie", offsetof(struct usdt_layout, usdt_cookie), 64, 1 },
	{ "arg_cnt", offsetof(struct usdt_layout, arg_cnt), 4, 1 },
};

/* min_bits: val_off is a u64 (constants, negative offsets); reg_off and
 * idx_reg_off reach 160 (pt_regs.ss); arg_bitshift 56; scale_bitshift 3 */
static const struct member_name arg_members[] = {
	{ "val_off", offsetof(struct usdt_layout, val_off), 64, 1 },
	{ "arg_type", offsetof(struct usdt_layout, arg_type), 2, 1 },
	{ "reg_off", offsetof(struct usdt_layout, reg_off), 8, 1 },
	{ "arg_signed", offsetof(struct usdt_layout, arg_signed), 1, 1 },
	{ "arg_bitshift", offsetof(struct usdt_layout, arg_bitshift), 6, 1 },
	{ "idx_reg_off", offsetof(struct usdt_layout, idx_reg_off), 8, 0 },
	{ "scale_bitshift", offsetof(struct usdt_layout, scale_bitshift), 2, 0 },
};

/* The enumerators of enum __bpf_usdt_arg_type, in enum usdt_arg_type's
 * order. */
static const char *const type_names[USDT_ARG_KINDS] = {
	"BPF_USDT_ARG_CONST", "BPF_USDT_ARG_REG", "BPF_USDT_ARG_REG_DEREF",
	"BPF_USDT_ARG_SIB",
};

/* Member @i of struct @t: its bit offset and width. A bitfield's width is
 * in the member's offset word with kind_flag set, or (the older encoding)
 * in its INT type's bits and bit offset. */
static int member_field(const struct btf *btf, const struct btf_type *t, unsigned i,
			struct usdt_field *f, struct errbuf *eb)
{
	const struct btf_member *m = &btf_members(t)[i];
	uint32_t id = btf_skip_mods_typedefs(btf, m->type);
	const struct btf_type *mt = btf_type_by_id(btf, id);
	uint64_t size;

	f->bit_off = btf_member_bit_offset(t, i);
	f->bits = btf_member_bitfield_size(t, i);
	if (f->bits)
		return 0;
	if (btf_type_size(btf, id, &size, eb))
		return -EINVAL;
	f->bits = (uint32_t)(size * 8);
	if (mt && btf_kind(mt) == BTF_KIND_INT && BTF_INT_BITS(btf_int_info(mt)) < f->bits) {
		f->bit_off += BTF_INT_OFFSET(btf_int_info(mt));
		f->bits = BTF_INT_BITS(btf_int_info(mt));
	}
	return 0;
}

/* The member of struct @t named @n->name into @lay, checked to lie inside
 * the struct and to be wide enough. 1 if @name is one rawload fills. */
static int fill_known(const struct btf *btf, const struct btf_type *t, unsigned i,
		      const char *sname, const struct member_name *names, size_t nnames,
		      struct usdt_layout *lay, struct errbuf *eb)
{
	const char *name = btf_str(btf, btf_members(t)[i].name_off);

	for (size_t k = 0; k < nnames; k++) {
		struct usdt_field *f = (struct usdt_field *)((char *)lay + names[k].off);

		if (strcmp(name, names[k].name))
			continue;
		if (member_field(btf, t, i, f, eb))
			return err_prefix(eb, -EINVAL, "%s member '%s'", sname, name);
		if (f->bits < names[k].min_bits || f->bits > 64 ||
		    (uint64_t)f->bit_off + f->bits > (uint64_t)t->size * 8)
			return err_set(eb, -EINVAL, "%s member '%s' is %u bits at bit %u of a "
				       "%u-byte struct; rawload needs at least %u bits inside it",
				       sname, name, f->bits, f->bit_off, t->size,
				       names[k].min_bits);
		return 1;
	}
	return 0;
}

/* Every member of struct @t (@sname in messages) is one of @names, or
 * starts with "__" (reserved, left zero); every required one is there. */
static int read_members(const struct btf *btf, const struct btf_type *t, const char *sname,
			const struct member_name *names, size_t nnames, const char *skip,
			struct usdt_layout *lay, struct errbuf *eb)
{
	for (unsigned i = 0; i < btf_vlen(t); i++) {
		const char *name = btf_str(btf, btf_members(t)[i].name_off);
		int r;

		if (!name || !strncmp(name, "__", 2) || (skip && !strcmp(name, skip)))
			continue;
		if ((r = fill_known(btf, t, i, sname, names, nnames, lay, eb)) < 0)
			return r;
		if (!r)
			return err_set(eb, -EINVAL, "%s has a member '%s' rawload does not "
				       "know how to fill (a usdt.bpf.h newer than rawload?)",
				       sname, *name ? name : "(anonymous)");
	}
	for (size_t k = 0; k < nnames; k++)
		if (names[k].required &&
		    !((struct usdt_field *)((char *)lay + names[k].off))->bits)
			return err_set(eb, -EINVAL, "%s has no member '%s', which "
				       "bpf_usdt_arg() needs", sname, names[k].name);
	return 0;
}

/* enum __bpf_usdt_arg_type's values, by name. A plain integer member
 * (no enum to read) gets libbpf's numbering, which usdt.c's copy of the
 * enum "should match exactly": CONST 0, REG 1, REG_DEREF 2, SIB 3. */
static void read_type_vals(const struct btf *btf, const struct btf_type *arg_t,
			   struct usdt_layout *lay)
{
	const struct btf_type *et = NULL;

	for (unsigned i = 0; i < btf_vlen(arg_t); i++)
		if (!strcmp(btf_str(btf, btf_members(arg_t)[i].name_off), "arg_type"))
			et = btf_type_by_id(btf, btf_skip_mods_typedefs(btf,
							btf_members(arg_t)[i].type));
	for (int k = 0; k < USDT_ARG_KINDS; k++)
		lay->type_val[k] = k;
	if (!et || (btf_kind(et) != BTF_KIND_ENUM && btf_kind(et) != BTF_KIND_ENUM64))
		return;
	for (int k = 0; k < USDT_ARG_KINDS; k++) {
		lay->type_val[k] = -1;
		for (unsigned i = 0; i < btf_vlen(et); i++) {
			int enum64 = btf_kind(et) == BTF_KIND_ENUM64;
			uint32_t name_off = enum64 ? btf_enum64s(et)[i].name_off :
						     btf_enums(et)[i].name_off;

			if (strcmp(btf_str(btf, name_off), type_names[k]))
				continue;
			lay->type_val[k] = enum64 ? (int64_t)btf_enum64_value(&btf_enum64s(et)[i]) :
						    btf_enums(et)[i].val;
		}
	}
}

/* args[]: an array of structs, byte-aligned, inside the spec. */
static int read_args(const struct btf *btf, const struct btf_type *t, unsigned i,
		     const struct btf_type **arg_t, struct usdt_layout *lay, struct errbuf *eb)
{
	const struct btf_type *at = btf_type_by_id(btf, btf_skip_mods_typedefs(btf,
							btf_members(t)[i].type));
	uint32_t off = btf_member_bit_offset(t, i);

	*arg_t = at ? btf_type_by_id(btf, btf_skip_mods_typedefs(btf, btf_array(at)->type))
		    : NULL;
	if (!at || btf_kind(at) != BTF_KIND_ARRAY || !*arg_t ||
	    btf_kind(*arg_t) != BTF_KIND_STRUCT || off % 8 || !btf_array(at)->nelems ||
	    !(*arg_t)->size ||
	    off / 8 + (uint64_t)btf_array(at)->nelems * (*arg_t)->size > t->size)
		return err_set(eb, -EINVAL, "struct __bpf_usdt_spec member 'args' is not an "
			       "array of struct __bpf_usdt_arg_spec inside the struct");
	lay->args_off = off / 8;
	lay->arg_size = (*arg_t)->size;
	lay->max_args = btf_array(at)->nelems;
	return 0;
}

int usdt_layout_read(const struct btf *btf, uint32_t type_id, struct usdt_layout *lay,
		     struct errbuf *eb)
{
	const struct btf_type *t, *arg_t = NULL;
	int err;

	memset(lay, 0, sizeof(*lay));
	t = btf_type_by_id(btf, btf_skip_mods_typedefs(btf, type_id));
	if (!t || btf_kind(t) != BTF_KIND_STRUCT)
		return err_set(eb, -EINVAL, "its value type (BTF id %u) is not a struct "
			       "__bpf_usdt_spec", type_id);
	lay->value_size = t->size;
	for (unsigned i = 0; i < btf_vlen(t); i++)
		if (!strcmp(btf_str(btf, btf_members(t)[i].name_off), "args") &&
		    (err = read_args(btf, t, i, &arg_t, lay, eb)))
			return err;
	if (!arg_t)
		return err_set(eb, -EINVAL, "struct __bpf_usdt_spec has no member 'args', "
			       "which bpf_usdt_arg() needs");
	err = read_members(btf, t, "struct __bpf_usdt_spec", spec_members,
			   sizeof(spec_members) / sizeof(spec_members[0]), "args", lay, eb);
	if (!err)
		err = read_members(btf, arg_t, "struct __bpf_usdt_arg_spec", arg_members,
				   sizeof(arg_members) / sizeof(arg_members[0]), NULL, lay, eb);
	if (!err)
		read_type_vals(btf, arg_t, lay);
	return err;
}

/* @v into the @f->bits bits at @base bits + @f->bit_off of @out, bit k
 * of the record being bit k % 8 of byte k / 8 (little-endian). @v must
 * fit: as unsigned, or, when @is_signed, as a two's complement value. */
static int put(uint8_t *out, uint32_t base, const struct usdt_field *f, uint64_t v,
	       int is_signed, const char *name, struct errbuf *eb)
{
	if (!f->bits)
		return v ? err_set(eb, -EINVAL, "the record has no member '%s' for value %llu",
				   name, (unsigned long long)v) : 0;
	if (f->bits < 64) {
		int64_t s = (int64_t)v;
		int fits = is_signed ? s >= -(1ll << (f->bits - 1)) && s < (1ll << (f->bits - 1))
				     : v >> f->bits == 0;

		if (!fits)
			return err_set(eb, -EINVAL, "member '%s' has %u bits: %lld does not fit",
				       name, f->bits, (long long)s);
	}
	for (uint32_t k = 0; k < f->bits; k++) {
		uint32_t bit = base + f->bit_off + k;

		if (v >> k & 1)
			out[bit / 8] |= (uint8_t)(1u << (bit % 8));
	}
	return 0;
}

int usdt_spec_encode(const struct usdt_layout *lay, const struct usdt_spec *spec,
		     uint8_t *out, struct errbuf *eb)
{
	int err = 0;

	memset(out, 0, lay->value_size);
	if (spec->arg_cnt < 0 || (uint32_t)spec->arg_cnt > lay->max_args)
		return err_set(eb, -EINVAL, "%d arguments, and the object's struct "
			       "__bpf_usdt_spec holds %u (BPF_USDT_MAX_ARG_CNT)", spec->arg_cnt,
			       lay->max_args);
	for (int i = 0; i < spec->arg_cnt && !err; i++) {
		const struct usdt_arg_spec *a = &spec->args[i];
		uint32_t base = (lay->args_off + (uint32_t)i * lay->arg_size) * 8;

		if (a->arg_type >= USDT_ARG_KINDS || lay->type_val[a->arg_type] < 0)
			return err_set(eb, -EINVAL, "argument %d: the object's enum "
				       "__bpf_usdt_arg_type has no %s%s", i + 1,
				       a->arg_type < USDT_ARG_KINDS ? type_names[a->arg_type] : "?",
				       a->arg_type == USDT_ARG_SIB ? " (base + index * scale "
				       "operands need libbpf 1.7+'s usdt.bpf.h)" : "");
		if (a->arg_type == USDT_ARG_SIB && (!lay->idx_reg_off.bits ||
						    !lay->scale_bitshift.bits))
			return err_set(eb, -EINVAL, "argument %d: base + index * scale, and the "
				       "object's struct __bpf_usdt_arg_spec has no member '%s'",
				       i + 1, lay->idx_reg_off.bits ? "scale_bitshift" :
				       "idx_reg_off");
		err = put(out, base, &lay->val_off, a->val_off, 0, "val_off", eb) ||
		      put(out, base, &lay->arg_type, (uint64_t)lay->type_val[a->arg_type], 0,
			  "arg_type", eb) ||
		      put(out, base, &lay->reg_off, (uint64_t)(int64_t)a->reg_off, 1, "reg_off",
			  eb) ||
		      put(out, base, &lay->arg_signed, a->arg_signed, 0, "arg_signed", eb) ||
		      put(out, base, &lay->arg_bitshift, (uint64_t)(int64_t)a->arg_bitshift, 1,
			  "arg_bitshift", eb) ||
		      (a->arg_type == USDT_ARG_SIB &&
		       (put(out, base, &lay->idx_reg_off, (uint64_t)a->idx_reg_off, 0,
			    "idx_reg_off", eb) ||
			put(out, base, &lay->scale_bitshift, a->scale_bitshift, 0,
			    "scale_bitshift", eb)));
		if (err)
			return err_prefix(eb, -EINVAL, "argument %d", i + 1);
	}
	if (put(out, 0, &lay->usdt_cookie, spec->usdt_cookie, 0, "usdt_cookie", eb) ||
	    put(out, 0, &lay->arg_cnt, (uint64_t)spec->arg_cnt, 1, "arg_cnt", eb))
		return -EINVAL;
	return 0;
}
