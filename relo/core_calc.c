/*
 * relo/core_calc.c - CO-RE step 4: CALC the values and PATCH the
 * instruction.
 *
 * From the local spec, the value the instruction must hold now; from the
 * target spec, the one it must hold after (offsets, sizes, shifts,
 * existence, type ids and sizes, enum values). The patch checks the
 * former before writing the latter, so a record that does not describe
 * its instruction is an error, not a silent rewrite; a load whose size
 * must change is rewritten only when that is safe, and a relocation no
 * candidate satisfied poisons its instruction (both halves of an
 * ld_imm64; indexes never shift).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "core_internal.h"

/*
 * libbpf's bpf_core_calc_field_relo. For a bitfield the "field" is the
 * smallest naturally aligned 1/2/4/8-byte word around it, starting with
 * the declared type's size: the program loads that word, shifts left to
 * drop the bits above the field and right to drop the ones below
 * (BPF_CORE_READ_BITFIELD).
 */
/* The last step of @spec is an array element, a[n]: only its offset and
 * size can be asked. */
static int calc_element(uint32_t kind, const struct core_spec *spec, uint64_t *val,
			uint32_t *field_sz, uint32_t *type_id, bool *validate,
			struct errbuf *eb)
{
	const struct core_acc *acc = &spec->spec[spec->len - 1];
	int64_t sz = core_resolve_size(spec->btf, acc->type_id);

	if (sz < 0)
		return err_set(eb, -EINVAL, "element has no size");
	if (kind == BPF_CORE_FIELD_BYTE_OFFSET) {
		*val = spec->bit_offset / 8;
		*field_sz = (uint32_t)sz;
		*type_id = acc->type_id;
	} else if (kind == BPF_CORE_FIELD_BYTE_SIZE) {
		*val = (uint64_t)sz;
	} else {
		return err_set(eb, -EINVAL, "%s cannot be applied to an array element",
			       core_relo_kind_name(kind));
	}
	if (validate)
		*validate = true;
	return 0;
}

/* Where a field lives, as one load reads it: *@byte_off and *@byte_sz of
 * the load, *@bit_sz of the field. A plain field is its own container; a
 * bitfield gets the smallest aligned power-of-two load (from its type's
 * size up to 8 bytes) that holds all its bits, as libbpf computes it. */
struct field_box {
	uint32_t byte_off, byte_sz, bit_off, bit_sz;
	bool bitfield;
};

static int field_box(const struct core_spec *spec, const struct btf_type *mt, uint32_t ftype,
		     uint32_t bit_sz, struct field_box *fb, struct errbuf *eb)
{
	const struct core_acc *acc = &spec->spec[spec->len - 1];
	int64_t sz;

	fb->bit_off = spec->bit_offset;
	fb->bit_sz = bit_sz;
	fb->bitfield = bit_sz > 0;
	if (!fb->bitfield) {
		sz = core_resolve_size(spec->btf, ftype);
		if (sz < 0)
			return err_set(eb, -EINVAL, "field '%s' has no size", acc->name);
		fb->byte_sz = (uint32_t)sz;
		fb->byte_off = spec->bit_offset / 8;
		fb->bit_sz = fb->byte_sz * 8;
		return 0;
	}
	if (!mt)
		return err_set(eb, -EINVAL, "bitfield of void");
	fb->byte_sz = mt->size;
	if (fb->byte_sz == 0)
		return err_set(eb, -EINVAL, "bitfield of size 0");
	fb->byte_off = fb->bit_off / 8 / fb->byte_sz * fb->byte_sz;
	while (fb->bit_off + fb->bit_sz - fb->byte_off * 8 > fb->byte_sz * 8) {
		if (fb->byte_sz >= 8)
			return err_set(eb, -E2BIG, "bitfield at bit %u (%u bits) cannot be read "
				       "with one 64-bit load", fb->bit_off, fb->bit_sz);
		fb->byte_sz *= 2;
		fb->byte_off = fb->bit_off / 8 / fb->byte_sz * fb->byte_sz;
	}
	return 0;
}

static int calc_field(uint32_t kind, const struct core_spec *spec,
		      uint64_t *val, uint32_t *field_sz, uint32_t *type_id,
		      bool *validate, struct errbuf *eb)
{
	const struct core_acc *acc;
	const struct btf_type *t, *mt;
	const struct btf_member *m;
	struct field_box fb = { 0 };
	uint32_t ftype;
	int err;

	*field_sz = 0;
	if (kind == BPF_CORE_FIELD_EXISTS) {
		*val = spec ? 1 : 0;
		return 0;
	}
	if (!spec)
		return -CORE_EPOISON;

	acc = &spec->spec[spec->len - 1];
	if (!acc->name)
		return calc_element(kind, spec, val, field_sz, type_id, validate, eb);
	t = btf_type_by_id(spec->btf, acc->type_id);
	m = btf_members(t) + acc->idx;
	mt = core_skip_mods(spec->btf, m->type, &ftype);
	if ((err = field_box(spec, mt, ftype, btf_member_bitfield_size(t, acc->idx), &fb, eb)))
		return err;

	/* The compiler and we may pick different containers for a
	 * bitfield: do not insist the instruction holds our guess. */
	if (validate)
		*validate = !fb.bitfield;

	switch (kind) {
	case BPF_CORE_FIELD_BYTE_OFFSET:
		*val = fb.byte_off;
		if (!fb.bitfield) {
			*field_sz = fb.byte_sz;
			*type_id = ftype;
		}
		break;
	case BPF_CORE_FIELD_BYTE_SIZE:
		*val = fb.byte_sz;
		break;
	case BPF_CORE_FIELD_SIGNED:
		*val = (is_any_enum(mt) && btf_kflag(mt)) ||
		       (kind_of(mt) == BTF_KIND_INT &&
			(BTF_INT_ENCODING(btf_int_info(mt)) & BTF_INT_SIGNED));
		if (validate)
			*validate = true;
		break;
	case BPF_CORE_FIELD_LSHIFT_U64:
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		*val = 64 - (fb.bit_off + fb.bit_sz - fb.byte_off * 8);
#else
		*val = (8 - fb.byte_sz) * 8 + (fb.bit_off - fb.byte_off * 8);
#endif
		break;
	case BPF_CORE_FIELD_RSHIFT_U64:
		*val = 64 - fb.bit_sz;
		if (validate)
			*validate = true;
		break;
	default:
		return err_set(eb, -EOPNOTSUPP, "unknown field relocation");
	}
	return 0;
}

/* libbpf's bpf_core_calc_type_relo: a missing type gives 0. */
static int calc_type(uint32_t kind, const struct core_spec *spec,
		     uint64_t *val, struct errbuf *eb)
{
	int64_t sz;

	if (!spec) {
		*val = 0;
		return 0;
	}
	switch (kind) {
	case BPF_CORE_TYPE_ID_TARGET:
		*val = spec->root_type_id;
		break;
	case BPF_CORE_TYPE_EXISTS:
	case BPF_CORE_TYPE_MATCHES:
		*val = 1;
		break;
	case BPF_CORE_TYPE_SIZE:
		sz = core_resolve_size(spec->btf, spec->root_type_id);
		if (sz < 0)
			return err_set(eb, -EINVAL, "type [%u] has no size",
				       spec->root_type_id);
		*val = (uint64_t)sz;
		break;
	default:
		return err_set(eb, -EOPNOTSUPP, "unknown type relocation");
	}
	return 0;
}

/* libbpf's bpf_core_calc_enumval_relo. A 32-bit enumerator is signed in
 * BTF and reaches the 64-bit value sign-extended, as in libbpf. */
static int calc_enumval(uint32_t kind, const struct core_spec *spec,
			uint64_t *val, struct errbuf *eb)
{
	const struct btf_type *t;

	switch (kind) {
	case BPF_CORE_ENUMVAL_EXISTS:
		*val = spec ? 1 : 0;
		return 0;
	case BPF_CORE_ENUMVAL_VALUE:
		if (!spec)
			return -CORE_EPOISON;
		t = btf_type_by_id(spec->btf, spec->spec[0].type_id);
		if (btf_kind(t) == BTF_KIND_ENUM)
			*val = (uint64_t)(int64_t)btf_enums(t)[spec->spec[0].idx].val;
		else
			*val = btf_enum64_value(btf_enum64s(t) + spec->spec[0].idx);
		return 0;
	default:
		return err_set(eb, -EOPNOTSUPP, "unknown enum relocation");
	}
}

/* libbpf's bpf_core_calc_relo: old and new value of one relocation;
 * @targ NULL when no candidate matched. */
int core_calc_relo(const struct core_spec *local,
		   const struct core_spec *targ, struct core_res *res,
		   struct errbuf *eb)
{
	uint32_t kind = local->kind;
	int err = 0;

	memset(res, 0, sizeof(*res));
	res->validate = true;

	if (is_field_kind(kind)) {
		err = calc_field(kind, local, &res->orig_val, &res->orig_sz,
				 &res->orig_type_id, &res->validate, eb);
		if (!err)
			err = calc_field(kind, targ, &res->new_val,
					 &res->new_sz, &res->new_type_id, NULL,
					 eb);
		if (!err && res->orig_sz != res->new_sz) {
			/*
			 * The load must change size (a field became u64, a
			 * 32-bit kernel's pointer). That reads the right value
			 * only for pointers and unsigned ints, thanks to zero
			 * extension; anything else is poisoned at patch time.
			 */
			const struct btf_type *ot =
				btf_type_by_id(local->btf, res->orig_type_id);
			const struct btf_type *nt =
				btf_type_by_id(targ->btf, res->new_type_id);

			if (kind_of(ot) == BTF_KIND_PTR &&
			    kind_of(nt) == BTF_KIND_PTR)
				;
			else if (kind_of(ot) == BTF_KIND_INT &&
				 kind_of(nt) == BTF_KIND_INT &&
				 !(BTF_INT_ENCODING(btf_int_info(ot)) & BTF_INT_SIGNED) &&
				 !(BTF_INT_ENCODING(btf_int_info(nt)) & BTF_INT_SIGNED))
				;
			else
				res->fail_memsz_adjust = true;
		}
	} else if (is_type_kind(kind)) {
		err = calc_type(kind, local, &res->orig_val, eb);
		if (!err)
			err = calc_type(kind, targ, &res->new_val, eb);
	} else if (is_enumval_kind(kind)) {
		err = calc_enumval(kind, local, &res->orig_val, eb);
		if (!err)
			err = calc_enumval(kind, targ, &res->new_val, eb);
	} else {
		err = err_set(eb, -EOPNOTSUPP, "unknown relocation kind %u", kind);
	}
	if (err == -CORE_EPOISON) {
		res->poison = true;
		err = 0;
	}
	return err;
}

static bool is_ldimm64(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW);
}

/* Turn @insn into "call 0xbad2310": a helper no kernel has. */
static void poison_insn(struct bpf_insn *insn)
{
	insn->code = BPF_JMP | BPF_CALL;
	insn->dst_reg = 0;
	insn->src_reg = 0;
	insn->off = 0;
	insn->imm = CORE_POISON_IMM;
}

static int size_bytes(uint8_t code)
{
	switch (BPF_SIZE(code)) {
	case BPF_B: return 1;
	case BPF_H: return 2;
	case BPF_W: return 4;
	case BPF_DW: return 8;
	}
	return -1;
}

static int bytes_size(uint32_t n)
{
	switch (n) {
	case 1: return BPF_B;
	case 2: return BPF_H;
	case 4: return BPF_W;
	case 8: return BPF_DW;
	}
	return -1;
}

/*
 * libbpf's bpf_core_patch_insn: where the value lives depends on the
 * instruction: the immediate of an ALU op with a constant operand
 * (r1 += 16; an existence check's r1 = 1), the offset of a load or store
 * (r1 = *(u32 *)(r2 + 16)), the 64-bit immediate of an ld_imm64. @insns
 * holds @room instructions from the patched one on.
 */
int core_patch_insn(struct bpf_insn *insn, size_t room,
		    const struct core_res *res, bool *poisoned,
		    struct errbuf *eb)
{
	uint8_t cls = BPF_CLASS(insn->code);
	uint64_t orig = res->orig_val, nv = res->new_val;

	*poisoned = false;
	if (res->poison)
		goto poison;

	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64:
		if (BPF_SRC(insn->code) != BPF_K)
			return err_set(eb, -EINVAL,
				       "ALU instruction has a register operand, not a constant");
		if (res->validate && (uint64_t)(int64_t)insn->imm != orig)
			return err_set(eb, -EINVAL,
				       "ALU instruction holds %d, expected %llu (-> %llu)",
				       insn->imm, (unsigned long long)orig,
				       (unsigned long long)nv);
		insn->imm = (int32_t)(uint32_t)nv;
		return 0;
	case BPF_LDX:
	case BPF_ST:
	case BPF_STX:
		if (res->validate && (uint64_t)(int64_t)insn->off != orig)
			return err_set(eb, -EINVAL,
				       "memory instruction has offset %d, expected %llu (-> %llu)",
				       insn->off, (unsigned long long)orig,
				       (unsigned long long)nv);
		if (nv > SHRT_MAX)
			return err_set(eb, -ERANGE,
				       "new offset %llu does not fit the instruction",
				       (unsigned long long)nv);
		if (res->fail_memsz_adjust)
			goto poison; /* libbpf warns, then poisons */
		insn->off = (int16_t)nv;
		if (res->new_sz != res->orig_sz) {
			int bsz;

			if (size_bytes(insn->code) != (int)res->orig_sz)
				return err_set(eb, -EINVAL,
					       "memory instruction accesses %d bytes, field has %u",
					       size_bytes(insn->code), res->orig_sz);
			bsz = bytes_size(res->new_sz);
			if (bsz < 0)
				return err_set(eb, -EINVAL,
					       "target field size %u cannot be loaded",
					       res->new_sz);
			insn->code = (uint8_t)(BPF_MODE(insn->code) | bsz | cls);
		}
		return 0;
	case BPF_LD: {
		uint64_t imm;

		if (!is_ldimm64(insn) || room < 2 || insn[0].src_reg != 0 ||
		    insn[0].off != 0 || insn[1].code != 0 ||
		    insn[1].dst_reg != 0 || insn[1].src_reg != 0 ||
		    insn[1].off != 0)
			return err_set(eb, -EINVAL, "ld_imm64 has unexpected form");
		imm = (uint32_t)insn[0].imm | ((uint64_t)(uint32_t)insn[1].imm << 32);
		if (res->validate && imm != orig)
			return err_set(eb, -EINVAL,
				       "ld_imm64 holds %llu, expected %llu (-> %llu)",
				       (unsigned long long)imm,
				       (unsigned long long)orig,
				       (unsigned long long)nv);
		insn[0].imm = (int32_t)(uint32_t)nv;
		insn[1].imm = (int32_t)(uint32_t)(nv >> 32);
		return 0;
	}
	default:
		return err_set(eb, -EINVAL,
			       "cannot relocate instruction code 0x%02x",
			       insn->code);
	}

poison:
	/* Both halves of an ld_imm64, so the verifier reports the bad call
	 * and not "unknown opcode 00" on the second half; the instruction
	 * count stays the same. */
	if (is_ldimm64(insn) && room >= 2)
		poison_insn(insn + 1);
	poison_insn(insn);
	*poisoned = true;
	return 0;
}
