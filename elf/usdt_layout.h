/*
 * elf/usdt_layout.h - where the object's <bpf/usdt.bpf.h> keeps each field
 * of an argument record, read from the object's own BTF.
 *
 * The BPF side of libbpf's USDT support reads struct __bpf_usdt_spec
 * records (the value type of the ARRAY map __bpf_usdt_specs) that the
 * loader writes; the header is compiled into the object, so the object,
 * not the loader, decides the layout. Known shapes:
 *
 *   libbpf 1.0-1.6   struct __bpf_usdt_arg_spec {     16 bytes, 208 a spec
 *                      __u64 val_off;                 bits 0..63
 *                      enum __bpf_usdt_arg_type arg_type;   64..95
 *                      short reg_off;                 96..111
 *                      bool arg_signed;              112..119
 *                      char arg_bitshift;            120..127
 *                    };
 *   libbpf 1.7       arg_type cut to a bitfield, SIB fields after it:
 *                      enum ... arg_type: 8;          64..71
 *                      __u16 idx_reg_off: 12;         80..91  (SIB only)
 *                      __u16 scale_bitshift: 4;       92..95  (SIB only)
 *                      __u8 __reserved: 8;            96..103
 *                      short reg_off;                112..127
 *                      bool arg_signed;              128..135
 *                      char arg_bitshift;            136..143
 *                    24 bytes, 304 a spec, and BPF_USDT_ARG_SIB = 3 in
 *                    the enum. (The header means to keep reg_off at byte
 *                    12, but a 12-bit __u16 field cannot straddle its
 *                    16-bit unit, so clang starts it at bit 80, not 72:
 *                    the bit offsets above are clang's BTF for it.)
 *   others           e.g. SIB fields appended after arg_bitshift; any
 *                    struct whose members rawload knows by name.

 *   struct __bpf_usdt_spec {
 *     struct __bpf_usdt_arg_spec args[BPF_USDT_MAX_ARG_CNT];   (12)
 *     __u64 usdt_cookie;
 *     short arg_cnt;
 *   };
 *
 * So rawload never assumes a version: each member is found by its name,
 * at the bit offset and width the BTF gives (bitfields included), and the
 * enum's values by their enumerator names. A member rawload does not know
 * is refused by name, unless its name starts with "__" (libbpf's
 * "__reserved": left zero). x86-64 objects only (little-endian bit order).
 *
 * Pure: BTF in, layout out; then a parsed record in, bytes out.
 */
#ifndef RAWLOAD_USDT_LAYOUT_H
#define RAWLOAD_USDT_LAYOUT_H

#include <stdint.h>

#include "btf.h"
#include "err.h"
#include "usdt_arg.h"

/* One member: where, how wide, in bits from the start of its struct. */
struct usdt_field {
	uint32_t bit_off;
	uint32_t bits;		/* 0: the struct has no such member */
};

/* struct __bpf_usdt_spec as the object declares it. */
struct usdt_layout {
	uint32_t value_size;	/* sizeof(struct __bpf_usdt_spec), bytes */
	uint32_t args_off;	/* byte offset of args[] */
	uint32_t arg_size;	/* sizeof(struct __bpf_usdt_arg_spec): the stride */
	uint32_t max_args;	/* args[]'s length: BPF_USDT_MAX_ARG_CNT */
	struct usdt_field usdt_cookie, arg_cnt;	/* in the spec */
	struct usdt_field val_off, arg_type, reg_off, arg_signed, arg_bitshift,
		idx_reg_off, scale_bitshift;	/* in one arg spec */
	int64_t type_val[USDT_ARG_KINDS]; /* enum __bpf_usdt_arg_type's value for
					     each enum usdt_arg_type; -1: the
					     object's enum lacks it */
};

/*
 * Read the layout of struct __bpf_usdt_spec, type @type_id of @btf (the
 * map's BTF value type; trusted to be parsed BTF, nothing else).
 * Returns 0, or -EINVAL with @eb naming the member that rawload cannot
 * fill (unknown, missing, of a width that cannot hold its values, or
 * outside the struct).
 */
int usdt_layout_read(const struct btf *btf, uint32_t type_id, struct usdt_layout *lay,
		     struct errbuf *eb);

/*
 * Write @spec into @out (@lay->value_size bytes, zeroed first) as @lay
 * says. Returns 0, or -EINVAL with @eb when the record cannot hold it:
 * more arguments than args[] has, an argument kind the object's enum
 * lacks (BPF_USDT_ARG_SIB before libbpf 1.7), a SIB argument where the
 * record has no idx_reg_off or scale_bitshift, a value wider than its
 * member.
 */
int usdt_spec_encode(const struct usdt_layout *lay, const struct usdt_spec *spec,
		     uint8_t *out, struct errbuf *eb);

#endif
