/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * usdt_newer.h - the BPF side of libbpf's USDT support with the argument
 * records of libbpf versions newer than Debian 12's 1.1, for
 * tests/progs/usdt_v17.bpf.c and usdt_wide.bpf.c: rawload must read the
 * layout from the object's BTF, whichever of these it was built with.
 * Not libbpf's header: the struct definitions as those versions have
 * them, and a bpf_usdt_arg() that reads them the same way.
 *
 * USDT_LAYOUT_V17: libbpf 1.7's (the SIB support, merged August 2025):
 *   arg_type became an 8-bit bitfield, followed by the 12-bit
 *   idx_reg_off, the 4-bit scale_bitshift and an 8-bit __reserved; the
 *   enum gained BPF_USDT_ARG_SIB = 3. Little-endian member order (the
 *   header reverses it for big-endian). Meant to keep the 16-byte
 *   record, it does not: idx_reg_off cannot straddle its __u16 unit, so
 *   clang puts it at bit 80, reg_off moves to byte 14, the record is 24
 *   bytes and struct __bpf_usdt_spec 304, the size the issue reported.
 * USDT_LAYOUT_WIDE: the SIB fields appended after arg_bitshift instead
 *   (`short idx_reg_off; char scale_bitshift;`), as an earlier posting
 *   of that patch did: reg_off stays at byte 12, records are again 24
 *   bytes. Assumption: no released libbpf has it; it stands for a layout
 *   rawload was not written against, which it must fill by its BTF.
 * USDT_LAYOUT_UNKNOWN: a member rawload has no meaning for (arg_flags),
 *   which it must refuse by name rather than leave zero.
 */
#ifndef USDT_NEWER_H
#define USDT_NEWER_H

#include <linux/errno.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define BPF_USDT_MAX_SPEC_CNT 256
#define BPF_USDT_MAX_ARG_CNT 12

enum __bpf_usdt_arg_type {
	BPF_USDT_ARG_CONST,
	BPF_USDT_ARG_REG,
	BPF_USDT_ARG_REG_DEREF,
	BPF_USDT_ARG_SIB,
};

struct __bpf_usdt_arg_spec {
	__u64 val_off;
#ifdef USDT_LAYOUT_V17
	enum __bpf_usdt_arg_type arg_type: 8;
	__u16 idx_reg_off: 12;
	__u16 scale_bitshift: 4;
	__u8 __reserved: 8;
#else
	enum __bpf_usdt_arg_type arg_type;
#endif
	short reg_off;
	bool arg_signed;
	char arg_bitshift;
#ifdef USDT_LAYOUT_WIDE
	short idx_reg_off;
	char scale_bitshift;
#endif
#ifdef USDT_LAYOUT_UNKNOWN
	int arg_flags;		/* a member rawload cannot know the meaning of */
#endif
};

struct __bpf_usdt_spec {
	struct __bpf_usdt_arg_spec args[BPF_USDT_MAX_ARG_CNT];
	__u64 usdt_cookie;
	short arg_cnt;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BPF_USDT_MAX_SPEC_CNT);
	__type(key, int);
	__type(value, struct __bpf_usdt_spec);
} __bpf_usdt_specs SEC(".maps") __weak;

/* the spec id is the attach cookie (kernels 5.15+: rawload's all) */
static __always_inline int usdt_arg(struct pt_regs *ctx, __u64 n, long *res)
{
	int id = (int)bpf_get_attach_cookie(ctx);
	struct __bpf_usdt_spec *spec = bpf_map_lookup_elem(&__bpf_usdt_specs, &id);
	struct __bpf_usdt_arg_spec *a;
	unsigned long val;
	int err = 0;

	*res = 0;
	if (!spec)
		return -ESRCH;
	if (n >= BPF_USDT_MAX_ARG_CNT || n >= spec->arg_cnt)
		return -ENOENT;
	a = &spec->args[n];
	switch (a->arg_type) {
	case BPF_USDT_ARG_CONST:
		val = a->val_off;
		break;
	case BPF_USDT_ARG_REG:
		err = bpf_probe_read_kernel(&val, sizeof(val), (void *)ctx + a->reg_off);
		break;
	case BPF_USDT_ARG_REG_DEREF:
		err = bpf_probe_read_kernel(&val, sizeof(val), (void *)ctx + a->reg_off);
		if (!err)
			err = bpf_probe_read_user(&val, sizeof(val), (void *)val + a->val_off);
		break;
#if defined(USDT_LAYOUT_V17) || defined(USDT_LAYOUT_WIDE)
	case BPF_USDT_ARG_SIB: {
		unsigned long idx = 0;

		err = bpf_probe_read_kernel(&val, sizeof(val), (void *)ctx + a->reg_off);
		if (!err)
			err = bpf_probe_read_kernel(&idx, sizeof(idx),
						    (void *)ctx + a->idx_reg_off);
		if (!err)
			err = bpf_probe_read_user(&val, sizeof(val),
						  (void *)(val + (idx << a->scale_bitshift) +
							   a->val_off));
		break;
	}
#endif
	default:
		return -EINVAL;
	}
	if (err)
		return err;
	val <<= a->arg_bitshift;
	val = a->arg_signed ? (unsigned long)((long)val >> a->arg_bitshift) :
			      val >> a->arg_bitshift;
	*res = val;
	return 0;
}

static __always_inline long usdt_cookie(struct pt_regs *ctx)
{
	int id = (int)bpf_get_attach_cookie(ctx);
	struct __bpf_usdt_spec *spec = bpf_map_lookup_elem(&__bpf_usdt_specs, &id);

	return spec ? spec->usdt_cookie : 0;
}

static __always_inline long usdt_arg_cnt(struct pt_regs *ctx)
{
	int id = (int)bpf_get_attach_cookie(ctx);
	struct __bpf_usdt_spec *spec = bpf_map_lookup_elem(&__bpf_usdt_specs, &id);

	return spec ? spec->arg_cnt : -ESRCH;
}

/* The program both objects share: rawload_test:args's six arguments
 * and its count, into .bss as tests/progs/usdt.bpf.c does. */
__u64 args_hits;
__s64 args_cnt;
__s64 args[6];
__s64 args_ret[7];
__s64 args_cookie;

SEC("usdt")
int on_args(struct pt_regs *ctx)
{
	long v;

	__sync_fetch_and_add(&args_hits, 1);
	args_cnt = usdt_arg_cnt(ctx);
	args_cookie = usdt_cookie(ctx);
	for (int i = 0; i < 6; i++) {
		args_ret[i] = usdt_arg(ctx, i, &v);
		args[i] = v;
	}
	args_ret[6] = usdt_arg(ctx, 6, &v);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

#endif
