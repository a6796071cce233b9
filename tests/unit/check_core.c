/*
 * tests/unit/check_core.c - suite "core": relo/core.c (CO-RE).
 *
 *   hand     a hand-built local BTF (the object's view) and target BTF
 *            (the "kernel"), one instruction per relocation record,
 *            asserting the exact patched instruction: moved field, same
 *            field, missing field (poisoned), flavors (___old), existence,
 *            size, signedness, bitfield offset/shifts, a u32 field that
 *            became u64 (load resized), anonymous union members, array
 *            elements, enum values present/absent (ld_imm64 poisoned on
 *            both halves), type id/exists/size/matches. The expected
 *            values are worked out by hand from libbpf's relo_core.c rules
 *            in the comments beside them.
 *   errors   an instruction not holding the local value, ambiguous
 *            candidates: the errno and the message naming the relocation
 *   detail   CORE_DETAIL rows: each candidate with the rule that
 *            rejected it (missing field, ambiguity), values, matched type
 *   modules  a tiny base ("vmlinux") and two split module BTFs built by
 *            hand: a type vmlinux has is never looked up in a module; one
 *            it lacks is, in every module; modules are read from a folder
 *            only when first needed
 *   vmlinux  build/progs/core.bpf.o against /sys/kernel/btf/vmlinux: no
 *            error, and task_struct.pid / tgid offsets equal to what
 *            bpftool's raw dump of vmlinux says (tag-free; skipped when
 *            the file or bpftool is missing)
 *   second_btf  build/progs/core.bpf.o against core_btf.h's "kernel"
 *            (pid at 36, not where vmlinux has it): the patched
 *            instructions and the report carry that BTF's values
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf/btf.h"
#include "elf/btf_ext.h"
#include "elf/object.h"
#include "host/btf_modules.h"
#include "relo/core.h"
#include "btf_build.h"
#include "core_btf.h"
#include "unit.h"

#define VMLINUX "/sys/kernel/btf/vmlinux"
#define BPFTOOL "/usr/sbin/bpftool"
#define SEC_NAME "kprobe/x"

/* ---- the hand-built pair ---- */

/* Local ids (the object's .BTF). */
enum {
	L_INT = 1, L_UINT, L_S, L_S_OLD, L_E, L_S2, L_ARR, L_S3, L_S_M,
	L_PTR_S, L_S_V, L_S_W,
};
/* Target ids. */
enum {
	T_INT = 1, T_UINT, T_U64, T_S, T_E, T_ANON, T_S2, T_ARR, T_S3,
};

static void *build_local(struct tbtf *b, size_t *size)
{
	tb_init(b);
	tb_int(b, "int", 4, BTF_INT_SIGNED, 32);		/* [1] */
	tb_int(b, "unsigned int", 4, 0, 32);			/* [2] */
	/* struct s { int a; int b; unsigned bf:3; unsigned c; } (kflag) */
	tb_type(b, "s", BTF_KIND_STRUCT, 1, 4, 16);		/* [3] */
	tb_member(b, "a", L_INT, 0);
	tb_member(b, "b", L_INT, 32);
	tb_member(b, "bf", L_UINT, 3u << 24 | 64);
	tb_member(b, "c", L_UINT, 96);
	tb_type(b, "s___old", BTF_KIND_STRUCT, 0, 1, 4);	/* [4] */
	tb_member(b, "gone", L_INT, 0);
	tb_type(b, "e", BTF_KIND_ENUM, 0, 2, 4);		/* [5] */
	tb_word(b, tb_str(b, "E_A"));
	tb_word(b, 1);
	tb_word(b, tb_str(b, "E_B"));
	tb_word(b, 2);
	tb_type(b, "s2", BTF_KIND_STRUCT, 0, 1, 4);		/* [6] */
	tb_member(b, "x", L_INT, 0);
	tb_array(b, L_INT, L_INT, 4);				/* [7] */
	tb_type(b, "s3", BTF_KIND_STRUCT, 0, 1, 16);		/* [8] */
	tb_member(b, "arr", L_ARR, 0);
	tb_type(b, "s___m", BTF_KIND_STRUCT, 0, 1, 4);		/* [9] */
	tb_member(b, "b", L_INT, 0);
	tb_type(b, NULL, BTF_KIND_PTR, 0, 0, L_S);		/* [10] */
	tb_type(b, "s___v", BTF_KIND_STRUCT, 0, 1, 4);		/* [11] */
	tb_member(b, "a", L_INT, 0);
	tb_type(b, "s___w", BTF_KIND_STRUCT, 0, 2, 8);		/* [12] */
	tb_member(b, "q", L_INT, 0);
	tb_member(b, "a", L_INT, 32);
	return tb_blob(b, size);
}

/* @ambiguous adds s___v1 / s___v2 with 'a' at different offsets. */
static void *build_target(int ambiguous, size_t *size)
{
	struct tbtf b, *t = &b;

	tb_init(t);
	tb_int(t, "int", 4, BTF_INT_SIGNED, 32);		/* [1] */
	tb_int(t, "unsigned int", 4, 0, 32);			/* [2] */
	tb_int(t, "long long unsigned int", 8, 0, 64);		/* [3] */
	/* struct s { int pad; int b; int a; unsigned bf:3 @100; u64 c @128 } */
	tb_type(t, "s", BTF_KIND_STRUCT, 1, 5, 24);		/* [4] */
	tb_member(t, "pad", T_INT, 0);
	tb_member(t, "b", T_INT, 32);
	tb_member(t, "a", T_INT, 64);
	tb_member(t, "bf", T_UINT, 3u << 24 | 100);
	tb_member(t, "c", T_U64, 128);
	tb_type(t, "e", BTF_KIND_ENUM, 0, 1, 4);		/* [5] */
	tb_word(t, tb_str(t, "E_B"));
	tb_word(t, 20);
	tb_type(t, NULL, BTF_KIND_UNION, 0, 1, 4);		/* [6] */
	tb_member(t, "x", T_INT, 0);
	/* struct s2 { int y; union { int x; }; } */
	tb_type(t, "s2", BTF_KIND_STRUCT, 0, 2, 8);		/* [7] */
	tb_member(t, "y", T_INT, 0);
	tb_member(t, NULL, T_ANON, 32);
	tb_array(t, T_INT, T_INT, 8);				/* [8] */
	/* struct s3 { int z; int arr[8]; } */
	tb_type(t, "s3", BTF_KIND_STRUCT, 0, 2, 36);		/* [9] */
	tb_member(t, "z", T_INT, 0);
	tb_member(t, "arr", T_ARR, 32);
	if (ambiguous) {
		tb_type(t, "s___v1", BTF_KIND_STRUCT, 0, 1, 4); /* [10] */
		tb_member(t, "a", T_INT, 0);
		tb_type(t, "s___v2", BTF_KIND_STRUCT, 0, 2, 8); /* [11] */
		tb_member(t, "q", T_INT, 0);
		tb_member(t, "a", T_INT, 32);
	}
	return tb_blob(t, size);
}

/* Instruction shapes. */
#define LDX(s_, o) { .code = BPF_LDX | BPF_MEM | (s_), \
	.dst_reg = 1, .src_reg = 2, .off = (o) }
#define MOV64(v) { .code = BPF_ALU64 | BPF_MOV | BPF_K, \
	.dst_reg = 1, .imm = (v) }
#define ADD64(v) { .code = BPF_ALU64 | BPF_ADD | BPF_K, \
	.dst_reg = 1, .imm = (v) }
#define LD64(lo) { .code = BPF_LD | BPF_IMM | BPF_DW, \
	.dst_reg = 1, .imm = (lo) }
#define LD64_HI { .code = 0 }
#define NOP { .code = BPF_ALU64 | BPF_MOV | BPF_K }
#define POISON { .code = BPF_JMP | BPF_CALL, \
	.imm = CORE_POISON_IMM }

struct hcase {
	uint32_t kind;
	uint32_t type_id;	/* local */
	const char *access;
	struct bpf_insn in[2];	/* in[1] only for ld_imm64 */
	struct bpf_insn out[2];
};

/*
 * The expected values, by libbpf's rules. Target s: a@8, b@4, bf at bit
 * 100 (3 bits, u32 container: byte_off 100/8/4*4 = 12, lshift
 * 64-(100+3-96) = 57, rshift 64-3 = 61; locally bit 64: byte_off 8,
 * lshift 61), c became u64 @16 (LDX W -> LDX DW, unsigned both).
 */
static const struct hcase hcases[] = {
	/* 0: a moved from 0 to 8 */
	{ BPF_CORE_FIELD_BYTE_OFFSET, L_S, "0:0", { LDX(BPF_W, 0) }, { LDX(BPF_W, 8) } },
	/* 1: b stayed at 4 */
	{ BPF_CORE_FIELD_BYTE_OFFSET, L_S, "0:1", { LDX(BPF_W, 4) }, { LDX(BPF_W, 4) } },
	/* 2: same, as an ALU add (BPF_CORE_READ's probe_read address) */
	{ BPF_CORE_FIELD_BYTE_OFFSET, L_S, "0:0", { ADD64(0) }, { ADD64(8) } },
	/* 3: s___old.gone: flavor finds s, but no 'gone': poisoned */
	{ BPF_CORE_FIELD_BYTE_OFFSET, L_S_OLD, "0:0", { LDX(BPF_W, 0) }, { POISON } },
	/* 4: exists: 1 -> 0 */
	{ BPF_CORE_FIELD_EXISTS, L_S_OLD, "0:0", { MOV64(1) }, { MOV64(0) } },
	/* 5: exists: 1 -> 1 */
	{ BPF_CORE_FIELD_EXISTS, L_S, "0:1", { MOV64(1) }, { MOV64(1) } },
	/* 6: size of a */
	{ BPF_CORE_FIELD_BYTE_SIZE, L_S, "0:0", { MOV64(4) }, { MOV64(4) } },
	/* 7: signedness of a */
	{ BPF_CORE_FIELD_SIGNED, L_S, "0:0", { MOV64(1) }, { MOV64(1) } },
	/* 8: signedness of bf (unsigned) */
	{ BPF_CORE_FIELD_SIGNED, L_S, "0:2", { MOV64(0) }, { MOV64(0) } },
	/* 9: bitfield container offset: 8 -> 12 */
	{ BPF_CORE_FIELD_BYTE_OFFSET, L_S, "0:2", { LDX(BPF_W, 8) }, { LDX(BPF_W, 12) } },
	/* 10: bitfield container size */
	{ BPF_CORE_FIELD_BYTE_SIZE, L_S, "0:2", { MOV64(4) }, { MOV64(4) } },
	/* 11: lshift 61 -> 57 */
	{ BPF_CORE_FIELD_LSHIFT_U64, L_S, "0:2", { MOV64(61) }, { MOV64(57) } },
	/* 12: rshift 61 -> 61 */
	{ BPF_CORE_FIELD_RSHIFT_U64, L_S, "0:2", { MOV64(61) }, { MOV64(61) } },
	/* 13: unsigned u32 -> u64 at 16: load widened */
	{ BPF_CORE_FIELD_BYTE_OFFSET, L_S, "0:3", { LDX(BPF_W, 12) }, { LDX(BPF_DW, 16) } },
	/* 14: x found inside target's anonymous union at 4 */
	{ BPF_CORE_FIELD_BYTE_OFFSET, L_S2, "0:0", { LDX(BPF_W, 0) }, { LDX(BPF_W, 4) } },
	/* 15: arr[2]: 8 -> 4 + 8 = 12 */
	{ BPF_CORE_FIELD_BYTE_OFFSET, L_S3, "0:0:2", { LDX(BPF_W, 8) }, { LDX(BPF_W, 12) } },
	/* 16: root as an array: p[1].b = 16 + 4 -> 24 + 4 */
	{ BPF_CORE_FIELD_BYTE_OFFSET, L_S, "1:1", { ADD64(20) }, { ADD64(28) } },
	/* 17: enum value E_B 2 -> 20 */
	{ BPF_CORE_ENUMVAL_VALUE, L_E, "1", { LD64(2), LD64_HI }, { LD64(20), LD64_HI } },
	/* 18: E_A absent: exists 1 -> 0 */
	{ BPF_CORE_ENUMVAL_EXISTS, L_E, "0", { MOV64(1) }, { MOV64(0) } },
	/* 19: E_B present */
	{ BPF_CORE_ENUMVAL_EXISTS, L_E, "1", { MOV64(1) }, { MOV64(1) } },
	/* 20: E_A's value: both halves poisoned */
	{ BPF_CORE_ENUMVAL_VALUE, L_E, "0", { LD64(1), LD64_HI }, { POISON, POISON } },
	/* 21: type id: local 3, target 4 */
	{ BPF_CORE_TYPE_ID_LOCAL, L_S, "0", { LD64(L_S), LD64_HI }, { LD64(L_S), LD64_HI } },
	{ BPF_CORE_TYPE_ID_TARGET, L_S, "0", { LD64(L_S), LD64_HI }, { LD64(T_S), LD64_HI } },
	/* 23: s___old names struct s: exists; size 4 -> 24 */
	{ BPF_CORE_TYPE_EXISTS, L_S_OLD, "0", { LD64(1), LD64_HI }, { LD64(1), LD64_HI } },
	{ BPF_CORE_TYPE_SIZE, L_S_OLD, "0", { MOV64(4) }, { MOV64(24) } },
	/* 25: s___m { int b; } matches struct s (b is an int there too) */
	{ BPF_CORE_TYPE_MATCHES, L_S_M, "0", { LD64(1), LD64_HI }, { LD64(1), LD64_HI } },
	/* 26: s___old has 'gone': does not match */
	{ BPF_CORE_TYPE_MATCHES, L_S_OLD, "0", { LD64(1), LD64_HI }, { LD64(0), LD64_HI } },
	/* 27: a field whose root is the ___v flavor, non-ambiguous here */
	{ BPF_CORE_FIELD_BYTE_OFFSET, L_S_V, "0:0", { LDX(BPF_W, 0) }, { LDX(BPF_W, 8) } },
};
#define NHCASES (sizeof(hcases) / sizeof(hcases[0]))

/* A fake object holding @local and one section of records. */
struct fake {
	struct object obj;
	struct btf_ext ext;
	struct btf_ext_sec sec;
	struct bpf_core_relo recs[64];
	struct obj_prog prog;
	struct bpf_insn insns[128];
	struct tbtf lb;
	void *lblob, *tblob;
	struct btf *local, *target;
};

static void fake_open(struct fake *f, int ambiguous)
{
	struct errbuf eb = { "" };
	size_t lsz, tsz;

	memset(f, 0, sizeof(*f));
	f->lblob = build_local(&f->lb, &lsz);
	f->tblob = build_target(ambiguous, &tsz);
	ck_assert_msg(btf_parse(f->tblob, tsz, NULL, &f->target, &eb) == 0, "%s",
		      eb.msg);
	f->obj.ext = &f->ext;
	f->ext.core_relo.nsecs = 1;
	f->ext.core_relo.secs = &f->sec;
	f->sec.sec_name = SEC_NAME;
	f->sec.recs = f->recs;
	f->prog.name = "p";
	f->prog.sec_name = SEC_NAME;
	f->prog.insns = f->insns;
}

/* Add a record for the next instruction(s); access strings go into the
 * local BTF's strings, so call before fake_finish(). */
static void fake_add(struct fake *f, uint32_t kind, uint32_t type_id,
		     const char *access, const struct bpf_insn *in)
{
	size_t n = f->prog.insn_cnt;

	f->recs[f->sec.count++] = (struct bpf_core_relo){
		.insn_off = (uint32_t)(n * 8),
		.type_id = type_id,
		.access_str_off = tb_str(&f->lb, access),
		.kind = kind,
	};
	f->insns[f->prog.insn_cnt++] = in[0];
	if (in[0].code == (BPF_LD | BPF_IMM | BPF_DW))
		f->insns[f->prog.insn_cnt++] = in[1];
}

static void fake_finish(struct fake *f)
{
	struct errbuf eb = { "" };
	size_t lsz;

	free(f->lblob);
	f->lblob = tb_blob(&f->lb, &lsz);
	ck_assert_msg(btf_parse(f->lblob, lsz, NULL, &f->local, &eb) == 0, "%s",
		      eb.msg);
	f->obj.btf = f->local;
}

static void fake_close(struct fake *f)
{
	btf_free(f->local);
	btf_free(f->target);
	free(f->lblob);
	free(f->tblob);
}

static void assert_insn(const struct bpf_insn *got, const struct bpf_insn *exp,
			size_t i)
{
	ck_assert_msg(memcmp(got, exp, sizeof(*got)) == 0,
		      "case %zu: got code 0x%02x dst %u src %u off %d imm %d, "
		      "expected code 0x%02x dst %u src %u off %d imm %d",
		      i, got->code, got->dst_reg, got->src_reg, got->off, got->imm,
		      exp->code, exp->dst_reg, exp->src_reg, exp->off, exp->imm);
}

START_TEST(test_hand_all)
{
	struct errbuf eb = { "" };
	struct core_report rep;
	struct fake *f = calloc(1, sizeof(*f));
	size_t at = 0;

	ck_assert(f);
	fake_open(f, 0);
	for (size_t i = 0; i < NHCASES; i++)
		fake_add(f, hcases[i].kind, hcases[i].type_id, hcases[i].access,
			 hcases[i].in);
	fake_finish(f);
	ck_assert_msg(core_relocate_prog_report(&f->obj, &f->prog, f->target,
						&rep, &eb) == 0, "%s", eb.msg);
	for (size_t i = 0; i < NHCASES; i++) {
		assert_insn(&f->insns[at], &hcases[i].out[0], i);
		if (hcases[i].in[0].code == (BPF_LD | BPF_IMM | BPF_DW))
			assert_insn(&f->insns[++at], &hcases[i].out[1], i);
		at++;
	}
	ck_assert_uint_eq(rep.applied, NHCASES);
	/* cases 3 and 20 were poisoned, and the report says why */
	ck_assert_uint_eq(rep.npoisoned, 2);
	ck_assert_uint_eq(rep.poisoned[0].relo_idx, 3);
	ck_assert_msg(strstr(rep.poisoned[0].desc,
			     "byte_off struct s___old.gone, access 0:0: no field 'gone' in target 'struct s'"),
		      "%s", rep.poisoned[0].desc);
	ck_assert_uint_eq(rep.poisoned[1].relo_idx, 20);
	ck_assert_msg(strstr(rep.poisoned[1].desc, "no enumerator 'E_A'"), "%s",
		      rep.poisoned[1].desc);
	core_report_free(&rep);
	fake_close(f);
	free(f);
}
END_TEST

/* Only records inside the program's bytes apply: a second program at
 * sec_off 16 in the same section sees its own instruction 0. */
START_TEST(test_hand_sec_off)
{
	struct errbuf eb = { "" };
	struct fake *f = calloc(1, sizeof(*f));
	struct bpf_insn in = LDX(BPF_W, 0), want = LDX(BPF_W, 8);

	ck_assert(f);
	fake_open(f, 0);
	fake_add(f, BPF_CORE_FIELD_BYTE_OFFSET, L_S, "0:0", &in); /* insn 0 */
	fake_add(f, BPF_CORE_FIELD_BYTE_OFFSET, L_S, "0:0", &in); /* insn 1 */
	fake_add(f, BPF_CORE_FIELD_BYTE_OFFSET, L_S, "0:0", &in); /* insn 2 */
	fake_finish(f);
	/* the program is instruction 2 only */
	f->prog.sec_off = 16;
	f->prog.insns = &f->insns[2];
	f->prog.insn_cnt = 1;
	ck_assert_msg(core_relocate_prog(&f->obj, &f->prog, f->target, &eb) == 0,
		      "%s", eb.msg);
	assert_insn(&f->insns[2], &want, 2);
	assert_insn(&f->insns[0], &in, 0);
	assert_insn(&f->insns[1], &in, 1);
	fake_close(f);
	free(f);
}
END_TEST

/* No .BTF.ext, or no records for the section: nothing to do. */
START_TEST(test_hand_none)
{
	struct errbuf eb = { "" };
	struct object obj;
	struct obj_prog prog;

	memset(&obj, 0, sizeof(obj));
	memset(&prog, 0, sizeof(prog));
	prog.sec_name = SEC_NAME;
	ck_assert_int_eq(core_relocate_prog(&obj, &prog, NULL, &eb), 0);
}
END_TEST

START_TEST(test_essential_name)
{
	ck_assert_uint_eq(core_essential_name_len("task_struct___old"), 11);
	ck_assert_uint_eq(core_essential_name_len("task_struct"), 11);
	ck_assert_uint_eq(core_essential_name_len("__state"), 7);
	ck_assert_uint_eq(core_essential_name_len("a___b___c"), 5);
	ck_assert_uint_eq(core_essential_name_len("a____b"), 6);
	ck_assert_uint_eq(core_essential_name_len("x___"), 4);
	ck_assert_uint_eq(core_essential_name_len(""), 0);
	ck_assert_str_eq(core_relo_kind_name(BPF_CORE_FIELD_BYTE_OFFSET), "byte_off");
	ck_assert_str_eq(core_relo_kind_name(99), "unknown");
}
END_TEST

/* ---- errors ---- */

struct ecase {
	int ambiguous;
	uint32_t kind, type_id;
	const char *access;
	struct bpf_insn in[2];
	int err;
	const char *msg;
};

static const struct ecase ecases[] = {
	{ 0, BPF_CORE_FIELD_BYTE_OFFSET, L_S, "0:0", { LDX(BPF_W, 3) }, -EINVAL,
	  "CO-RE relocation #0 (byte_off struct s.a, access 0:0) at insn #0: "
	  "memory instruction has offset 3, expected 0 (-> 8)" },
	{ 0, BPF_CORE_FIELD_BYTE_SIZE, L_S, "0:0", { MOV64(5) }, -EINVAL,
	  "ALU instruction holds 5, expected 4 (-> 4)" },
	{ 0, BPF_CORE_ENUMVAL_VALUE, L_E, "1", { LD64(3), LD64_HI }, -EINVAL,
	  "ld_imm64 holds 3, expected 2 (-> 20)" },
	{ 1, BPF_CORE_FIELD_BYTE_OFFSET, L_S_V, "0:0", { LDX(BPF_W, 0) }, -EINVAL,
	  "field offset ambiguity: candidates [4] and [10] put it at bit 64 and 0" },
	{ 0, BPF_CORE_FIELD_BYTE_OFFSET, L_S, "0:9", { LDX(BPF_W, 0) }, -EINVAL,
	  "member 9 of [3] out of range" },
	{ 0, BPF_CORE_FIELD_BYTE_OFFSET, L_S, "0::1", { LDX(BPF_W, 0) }, -EINVAL,
	  "malformed access string" },
	{ 0, BPF_CORE_TYPE_SIZE, L_S, "0:1", { MOV64(16) }, -EINVAL,
	  "type relocation access must be \"0\"" },
	{ 0, 42, L_S, "0:1", { MOV64(0) }, -EOPNOTSUPP,
	  "unknown relocation kind 42" },
	{ 0, BPF_CORE_FIELD_BYTE_OFFSET, L_S, "0:0",
	  { { .code = BPF_JMP | BPF_JA } }, -EINVAL,
	  "cannot relocate instruction code 0x05" },
};
#define NECASES (sizeof(ecases) / sizeof(ecases[0]))

START_TEST(test_errors)
{
	const struct ecase *c = &ecases[_i];
	struct errbuf eb = { "" };
	struct fake *f = calloc(1, sizeof(*f));
	int err;

	ck_assert(f);
	fake_open(f, c->ambiguous);
	fake_add(f, c->kind, c->type_id, c->access, c->in);
	fake_finish(f);
	err = core_relocate_prog(&f->obj, &f->prog, f->target, &eb);
	ck_assert_int_eq(err, c->err);
	ck_assert_msg(strstr(eb.msg, c->msg), "case %d: '%s' lacks '%s'", _i,
		      eb.msg, c->msg);
	ck_assert_msg(strncmp(eb.msg, "CO-RE relocation #0 (", 21) == 0, "%s",
		      eb.msg);
	fake_close(f);
	free(f);
}
END_TEST

/* ---- detail ---- */

/* The report of an ambiguous relocation: its row, marked failed, lists the
 * chosen candidate and the one that disagreed. */
START_TEST(test_detail_ambiguous)
{
	struct errbuf eb = { "" };
	struct core_report rep;
	struct core_target t;
	struct core_targets ts = { .v = &t, .n = 1, .modules_read = 1 };
	struct fake *f = calloc(1, sizeof(*f));
	struct bpf_insn in = LDX(BPF_W, 0);
	const struct core_relo_detail *d;

	ck_assert(f);
	fake_open(f, 1);
	fake_add(f, BPF_CORE_FIELD_BYTE_OFFSET, L_S_V, "0:0", &in);
	fake_finish(f);
	t = (struct core_target){ .btf = f->target, .name = "k" };
	ck_assert_int_eq(core_relocate_prog_targets(&f->obj, &f->prog, f->prog.insns, &ts, CORE_DETAIL,
						    &rep, &eb), -EINVAL);
	ck_assert_uint_eq(rep.ndetail, 1);
	d = &rep.detail[0];
	ck_assert(d->failed);
	ck_assert_msg(strstr(d->why, "field offset ambiguity"), "%s", d->why);
	ck_assert_uint_eq(d->ncands, 2);
	ck_assert_uint_eq(d->cands[0].type_id, T_S);
	ck_assert(d->cands[0].matched);
	ck_assert_str_eq(d->cands[0].btf, "k");
	ck_assert_str_eq(d->cands[0].type, "struct s");
	ck_assert_uint_eq(d->cands[1].type_id, 10);
	ck_assert(!d->cands[1].matched);
	ck_assert_str_eq(d->cands[1].why,
			 "ambiguous: different result than candidate [4] (field at bit 0, not 64)");
	core_targets_drop_cands(&ts);
	core_report_free(&rep);
	fake_close(f);
	free(f);
}
END_TEST

/* The hand cases with CORE_DETAIL: the same instructions (detail changes
 * nothing), and rows with values, the matched type and rejections. */
START_TEST(test_detail_hand)
{
	struct errbuf eb = { "" };
	struct core_report rep;
	struct core_target t;
	struct core_targets ts = { .v = &t, .n = 1, .modules_read = 1 };
	struct fake *f = calloc(1, sizeof(*f));
	const struct core_relo_detail *d;
	size_t at = 0;

	ck_assert(f);
	fake_open(f, 0);
	for (size_t i = 0; i < NHCASES; i++)
		fake_add(f, hcases[i].kind, hcases[i].type_id, hcases[i].access,
			 hcases[i].in);
	fake_finish(f);
	t = (struct core_target){ .btf = f->target, .name = "vmlinux" };
	ck_assert_msg(core_relocate_prog_targets(&f->obj, &f->prog, f->prog.insns, &ts, CORE_DETAIL,
						 &rep, &eb) == 0, "%s", eb.msg);
	for (size_t i = 0; i < NHCASES; i++) {
		assert_insn(&f->insns[at], &hcases[i].out[0], i);
		if (hcases[i].in[0].code == (BPF_LD | BPF_IMM | BPF_DW))
			assert_insn(&f->insns[++at], &hcases[i].out[1], i);
		at++;
	}
	ck_assert_uint_eq(rep.ndetail, NHCASES);
	ck_assert_uint_eq(rep.npoisoned, 2);
	/* 0: s.a moved 0 -> 8, matched struct s [4] at 0:2 */
	d = &rep.detail[0];
	ck_assert_str_eq(d->path, "struct s.a");
	ck_assert_str_eq(d->access, "0:0");
	ck_assert_uint_eq(d->local_val, 0);
	ck_assert_uint_eq(d->target_val, 8);
	ck_assert(d->matched && !d->poisoned);
	ck_assert_uint_eq(d->target_type_id, T_S);
	ck_assert_str_eq(d->target_btf, "vmlinux");
	ck_assert_str_eq(d->target_path, "struct s.a");
	ck_assert_str_eq(d->target_access, "0:2");
	ck_assert_uint_eq(d->ncands, 1);
	ck_assert(d->cands[0].matched);
	/* 3: s___old.gone: poisoned, the candidate lacks the field */
	d = &rep.detail[3];
	ck_assert(d->poisoned && !d->matched);
	ck_assert_str_eq(d->why, "no field 'gone' in target 'struct s'");
	ck_assert_uint_eq(d->ncands, 1);
	ck_assert_str_eq(d->cands[0].why, "field 'gone' missing");
	/* 13: c widened u32 -> u64 */
	d = &rep.detail[13];
	ck_assert_uint_eq(d->local_sz, 4);
	ck_assert_uint_eq(d->target_sz, 8);
	/* 14: x found through the target's anonymous union: 0:1:0 */
	ck_assert_str_eq(rep.detail[14].target_access, "0:1:0");
	/* 20: E_A missing from enum e */
	ck_assert_str_eq(rep.detail[20].cands[0].why, "enumerator 'E_A' missing");
	/* 26: type_matches refused */
	ck_assert_msg(strstr(rep.detail[26].cands[0].why, "does not match"), "%s",
		      rep.detail[26].cands[0].why);
	/* 21: local type id: no candidates at all */
	ck_assert_uint_eq(rep.detail[21].ncands, 0);
	ck_assert_uint_eq(rep.detail[21].local_val, L_S);
	core_targets_drop_cands(&ts);
	core_report_free(&rep);
	fake_close(f);
	free(f);
}
END_TEST

/* ---- pruning: one local type, one layout ---- */

/*
 * Local s___w { int q; int a; } has three candidates in the ambiguous
 * target: s (a at 8), s___v1 (a at 0) and s___v2 (q at 0, a at 4). Asked
 * alone, "offset of a" is ambiguous. After "does q exist", which only
 * s___v2 satisfies, the other two are set aside (libbpf drops them from
 * its cand_cache), so the offset is s___v2's 4 -- also when the two
 * records are in different programs sharing the target set.
 */
static void prune_fake(struct fake *f, int offset_first)
{
	struct bpf_insn ex = MOV64(1), off = LDX(BPF_W, 4);

	fake_open(f, 1);
	if (offset_first)
		fake_add(f, BPF_CORE_FIELD_BYTE_OFFSET, L_S_W, "0:1", &off);
	fake_add(f, BPF_CORE_FIELD_EXISTS, L_S_W, "0:0", &ex);
	if (!offset_first)
		fake_add(f, BPF_CORE_FIELD_BYTE_OFFSET, L_S_W, "0:1", &off);
	fake_finish(f);
}

START_TEST(test_prune_same_prog)
{
	struct errbuf eb = { "" };
	struct core_report rep;
	struct core_target t;
	struct core_targets ts = { .v = &t, .n = 1, .modules_read = 1 };
	struct fake *f = calloc(1, sizeof(*f));
	const struct core_relo_detail *d;

	ck_assert(f);
	prune_fake(f, 0);
	t = (struct core_target){ .btf = f->target, .name = "k" };
	ck_assert_msg(core_relocate_prog_targets(&f->obj, &f->prog, f->prog.insns, &ts, CORE_DETAIL,
						 &rep, &eb) == 0, "%s", eb.msg);
	ck_assert_int_eq(f->insns[0].imm, 1);	/* q exists (in s___v2) */
	ck_assert_int_eq(f->insns[1].off, 4);	/* s___v2's a, not s's 8 */
	d = &rep.detail[1];
	ck_assert_uint_eq(d->target_type_id, 11);
	ck_assert_uint_eq(d->ncands, 3);
	ck_assert_uint_eq(d->cands[0].type_id, T_S);
	ck_assert(!d->cands[0].matched);
	ck_assert_str_eq(d->cands[0].why,
			 "set aside: other candidates satisfied relocation #0 of program 'p', this one did not");
	ck_assert_uint_eq(d->cands[1].type_id, 10);
	ck_assert(!d->cands[1].matched);
	ck_assert(d->cands[2].matched);
	core_targets_drop_cands(&ts);
	core_report_free(&rep);
	fake_close(f);
	free(f);
}
END_TEST

/* The other order: the offset comes first, all three still compete, and
 * they disagree (libbpf fails the same way). */
START_TEST(test_prune_order)
{
	struct errbuf eb = { "" };
	struct fake *f = calloc(1, sizeof(*f));

	ck_assert(f);
	prune_fake(f, 1);
	ck_assert_int_eq(core_relocate_prog(&f->obj, &f->prog, f->target, &eb), -EINVAL);
	ck_assert_msg(strstr(eb.msg, "CO-RE relocation #0 (byte_off struct s___w.a, access 0:1)") &&
		      strstr(eb.msg, "field offset ambiguity"), "%s", eb.msg);
	fake_close(f);
	free(f);
}
END_TEST

/* Two programs of one section, one record each: the set aside candidates
 * stay aside for the second program; a fresh target set forgets them. */
START_TEST(test_prune_across_progs)
{
	struct errbuf eb = { "" };
	struct core_target t;
	struct core_targets ts = { .v = &t, .n = 1, .modules_read = 1 };
	struct fake *f = calloc(1, sizeof(*f));
	struct obj_prog p2;

	ck_assert(f);
	prune_fake(f, 0);
	t = (struct core_target){ .btf = f->target, .name = "k" };
	p2 = f->prog;
	p2.name = "p2";
	p2.sec_off = 8;
	p2.insns = &f->insns[1];
	p2.insn_cnt = 1;
	f->prog.insn_cnt = 1;
	ck_assert_msg(core_relocate_prog_targets(&f->obj, &f->prog, f->prog.insns, &ts, 0, NULL,
						 &eb) == 0, "%s", eb.msg);
	ck_assert_msg(core_relocate_prog_targets(&f->obj, &p2, p2.insns, &ts, 0, NULL,
						 &eb) == 0, "%s", eb.msg);
	ck_assert_int_eq(f->insns[1].off, 4);
	/* alone, the second program's record is ambiguous */
	f->insns[1].off = 4;
	ck_assert_int_eq(core_relocate_prog(&f->obj, &p2, f->target, &eb), -EINVAL);
	core_targets_drop_cands(&ts);
	fake_close(f);
	free(f);
}
END_TEST

/* ---- modules ---- */

/* Local: struct s { int a; }, struct m { int y; }, struct nowhere { int z; }. */
enum { ML_INT = 1, ML_S, ML_M, ML_NOWHERE };

static void build_mod_local(struct tbtf *b)
{
	tb_init(b);
	tb_int(b, "int", 4, BTF_INT_SIGNED, 32);		/* [1] */
	tb_type(b, "s", BTF_KIND_STRUCT, 0, 1, 4);		/* [2] */
	tb_member(b, "a", ML_INT, 0);
	tb_type(b, "m", BTF_KIND_STRUCT, 0, 1, 4);		/* [3] */
	tb_member(b, "y", ML_INT, 0);
	tb_type(b, "nowhere", BTF_KIND_STRUCT, 0, 1, 4);	/* [4] */
	tb_member(b, "z", ML_INT, 0);
}

/*
 * "vmlinux": [1] int, [2] struct s { int a; }.
 * "mod1" (split, ids from 3): [3] struct s { int pad; int a; } (never a
 *     candidate: vmlinux has an s), [4] struct m { int x; int pad; int y; }.
 * "mod2": [3] struct m { int pad[2]; int y; }, y at 8 as well.
 */
struct mods {
	void *blob[3];
	size_t size[3];
	struct btf *btf[3];
};

static void mods_build(struct mods *m)
{
	struct errbuf eb = { "" };
	struct tbtf *b = calloc(1, sizeof(*b));
	uint32_t str0;

	ck_assert(b);
	tb_init(b);
	tb_int(b, "int", 4, BTF_INT_SIGNED, 32);		/* [1] */
	tb_type(b, "s", BTF_KIND_STRUCT, 0, 1, 4);		/* [2] */
	tb_member(b, "a", 1, 0);
	m->blob[0] = tb_blob(b, &m->size[0]);
	str0 = (uint32_t)b->str_len;

	tb_init_split(b, 3, str0);
	tb_type(b, "s", BTF_KIND_STRUCT, 0, 2, 8);		/* [3] */
	tb_member(b, "pad", 1, 0);
	tb_member(b, "a", 1, 32);
	tb_type(b, "m", BTF_KIND_STRUCT, 0, 3, 12);		/* [4] */
	tb_member(b, "x", 1, 0);
	tb_member(b, "pad", 1, 32);
	tb_member(b, "y", 1, 64);
	m->blob[1] = tb_blob(b, &m->size[1]);

	tb_init_split(b, 3, str0);
	tb_array(b, 1, 1, 2);					/* [3] */
	tb_type(b, "m", BTF_KIND_STRUCT, 0, 2, 12);		/* [4] */
	tb_member(b, "pad", 3, 0);
	tb_member(b, "y", 1, 64);
	m->blob[2] = tb_blob(b, &m->size[2]);
	free(b);

	for (int i = 0; i < 3; i++)
		ck_assert_msg(btf_parse(m->blob[i], m->size[i], i ? m->btf[0] : NULL,
					&m->btf[i], &eb) == 0, "btf %d: %s", i, eb.msg);
}

static void mods_free(struct mods *m)
{
	for (int i = 2; i >= 0; i--) {
		btf_free(m->btf[i]);
		free(m->blob[i]);
	}
}

/* The three records of the module tests, on a fake object. */
static void mods_fake(struct fake *f)
{
	struct bpf_insn ldx = LDX(BPF_W, 0), one = MOV64(1);

	fake_open(f, 0);
	build_mod_local(&f->lb);
	fake_add(f, BPF_CORE_FIELD_BYTE_OFFSET, ML_S, "0:0", &ldx);	/* insn 0 */
	fake_add(f, BPF_CORE_FIELD_BYTE_OFFSET, ML_M, "0:0", &ldx);	/* insn 1 */
	fake_add(f, BPF_CORE_FIELD_EXISTS, ML_NOWHERE, "0:0", &one);	/* insn 2 */
	fake_finish(f);
}

START_TEST(test_modules)
{
	struct errbuf eb = { "" };
	struct core_report rep;
	struct core_targets ts;
	struct fake *f = calloc(1, sizeof(*f));
	struct bpf_insn s_a = LDX(BPF_W, 0), m_y = LDX(BPF_W, 8), zero = MOV64(0);
	const struct core_relo_detail *d;
	struct mods m;

	ck_assert(f);
	mods_build(&m);
	mods_fake(f);
	ck_assert_int_eq(core_targets_init(&ts, m.btf[0], "vmlinux", NULL, &eb), 0);
	ck_assert_int_eq(core_targets_add(&ts, m.btf[1], "mod1", 0, &eb), 0);
	ck_assert_int_eq(core_targets_add(&ts, m.btf[2], "mod2", 0, &eb), 0);
	ck_assert_msg(core_relocate_prog_targets(&f->obj, &f->prog, f->prog.insns, &ts, CORE_DETAIL,
						 &rep, &eb) == 0, "%s", eb.msg);
	/* s.a stays at vmlinux's 0: mod1's s (a at 4) is not looked at */
	assert_insn(&f->insns[0], &s_a, 0);
	assert_insn(&f->insns[1], &m_y, 1);
	assert_insn(&f->insns[2], &zero, 2);
	ck_assert_uint_eq(rep.ndetail, 3);
	d = &rep.detail[0];
	ck_assert_uint_eq(d->ncands, 1);
	ck_assert_str_eq(d->cands[0].btf, "vmlinux");
	ck_assert_str_eq(d->target_btf, "vmlinux");
	/* m.y: both modules' m, in module order; the second agrees */
	d = &rep.detail[1];
	ck_assert_uint_eq(d->ncands, 2);
	ck_assert_str_eq(d->cands[0].btf, "mod1");
	ck_assert_uint_eq(d->cands[0].type_id, 4);
	ck_assert(d->cands[0].matched);
	ck_assert_str_eq(d->cands[1].btf, "mod2");
	ck_assert(d->cands[1].matched);
	ck_assert_str_eq(d->cands[1].why, "same result as candidate [4]");
	ck_assert_str_eq(d->target_btf, "mod1");
	ck_assert_uint_eq(d->target_type_id, 4);
	ck_assert_str_eq(d->target_access, "0:2");
	/* nowhere.z: no candidate anywhere, the existence check reads 0 */
	d = &rep.detail[2];
	ck_assert(!d->matched && !d->poisoned);
	ck_assert_uint_eq(d->ncands, 0);
	ck_assert_str_eq(d->why, "no type like 'struct nowhere' in target");
	core_report_free(&rep);
	core_targets_close(&ts);
	/* the same through the old one-target API sees no modules */
	fake_close(f);
	mods_fake(f);
	ck_assert_msg(core_relocate_prog(&f->obj, &f->prog, m.btf[0], &eb) == 0, "%s",
		      eb.msg);
	ck_assert_int_eq(f->insns[1].code, BPF_JMP | BPF_CALL); /* poisoned */
	fake_close(f);
	mods_free(&m);
	free(f);
}
END_TEST

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *fp = fopen(path, "wb");

	ck_assert_msg(fp && fwrite(p, 1, n, fp) == n && fclose(fp) == 0, "%s", path);
}

/* A module folder is read only when a type is missing from vmlinux, then
 * every file but "vmlinux" in it, in name order. */
START_TEST(test_modules_dir)
{
	char dir[] = "/tmp/rawload-core-XXXXXX", path[256];
	struct errbuf eb = { "" };
	struct core_targets ts;
	struct fake *f = calloc(1, sizeof(*f));
	struct bpf_insn m_y = LDX(BPF_W, 8);
	struct mods m;

	ck_assert(f);
	ck_assert(mkdtemp(dir));
	mods_build(&m);
	snprintf(path, sizeof(path), "%s/vmlinux", dir);
	write_file(path, m.blob[0], m.size[0]);
	snprintf(path, sizeof(path), "%s/zz_mod2", dir);
	write_file(path, m.blob[2], m.size[2]);
	snprintf(path, sizeof(path), "%s/mod1", dir);
	write_file(path, m.blob[1], m.size[1]);

	/* s.a alone: vmlinux has s, the folder is not read */
	mods_fake(f);
	f->prog.insn_cnt = 1;
	ck_assert_int_eq(core_targets_init(&ts, m.btf[0], "vmlinux", dir, &eb), 0);
	ts.list_modules = host_btf_modules;
	ck_assert_msg(core_relocate_prog_targets(&f->obj, &f->prog, f->prog.insns, &ts, 0, NULL, &eb) == 0,
		      "%s", eb.msg);
	ck_assert_uint_eq(ts.n, 1);
	ck_assert(!ts.modules_read);
	/* all three: m is only in modules */
	fake_close(f);
	mods_fake(f);
	ck_assert_msg(core_relocate_prog_targets(&f->obj, &f->prog, f->prog.insns, &ts, 0, NULL, &eb) == 0,
		      "%s", eb.msg);
	assert_insn(&f->insns[1], &m_y, 1);
	ck_assert_uint_eq(ts.n, 3);
	ck_assert_str_eq(ts.v[1].name, "mod1");
	ck_assert_str_eq(ts.v[2].name, "zz_mod2");
	ck_assert(ts.v[1].owned && ts.v[1].btf->base == m.btf[0]);
	core_targets_close(&ts);

	/* a broken module is an error naming it */
	snprintf(path, sizeof(path), "%s/mod1", dir);
	write_file(path, "junk", 4);
	fake_close(f);
	mods_fake(f);
	ck_assert_int_eq(core_targets_init(&ts, m.btf[0], "vmlinux", dir, &eb), 0);
	ts.list_modules = host_btf_modules;
	ck_assert_int_lt(core_relocate_prog_targets(&f->obj, &f->prog, f->prog.insns, &ts, 0, NULL, &eb), 0);
	ck_assert_msg(strstr(eb.msg, "module BTF '") && strstr(eb.msg, "/mod1'"), "%s",
		      eb.msg);
	core_targets_close(&ts);

	for (const char *const *n = (const char *const[]){ "vmlinux", "mod1", "zz_mod2", NULL };
	     *n; n++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *n);
		unlink(path);
	}
	rmdir(dir);
	fake_close(f);
	mods_free(&m);
	free(f);
}
END_TEST

/* ---- vmlinux ---- */

/* bits_offset of member @member of STRUCT @sname in bpftool's raw dump of
 * vmlinux, in bytes; -1 if not found. An independent reading of the BTF. */
static long bpftool_member_off(const char *sname, const char *member)
{
	char cmd[256], line[512], head[128], mname[128];
	long off = -1;
	int in = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), BPFTOOL " btf dump file " VMLINUX " format raw");
	p = popen(cmd, "r");
	if (!p)
		return -1;
	snprintf(head, sizeof(head), "STRUCT '%s' ", sname);
	snprintf(mname, sizeof(mname), "\t'%s' type_id=", member);
	while (fgets(line, sizeof(line), p)) {
		if (line[0] == '[') {
			if (in)
				break;
			in = strstr(line, head) != NULL;
			continue;
		}
		if (in && strncmp(line, mname, strlen(mname)) == 0) {
			const char *b = strstr(line, "bits_offset=");

			if (b)
				off = strtol(b + 12, NULL, 10) / 8;
			break;
		}
	}
	while (fgets(line, sizeof(line), p))
		;
	pclose(p);
	return off;
}

/* The value a relocated instruction carries: offset of a memory access,
 * or the immediate. */
static long insn_value(const struct bpf_insn *insn)
{
	uint8_t cls = BPF_CLASS(insn->code);

	if (cls == BPF_LDX || cls == BPF_ST || cls == BPF_STX)
		return insn->off;
	return insn->imm;
}

START_TEST(test_vmlinux_core_obj)
{
	char path[] = PROGS_DIR "/core.bpf.o";
	struct errbuf eb = { "" };
	struct object obj;
	struct btf *vml = NULL;
	struct core_report rep;
	const struct btf_ext_sec *sec;
	const struct bpf_core_relo *recs;
	struct bpf_insn *orig;
	int pi, checked = 0;
	long pid_off, tgid_off;

	if (access(VMLINUX, R_OK) || access(BPFTOOL, X_OK) || access(path, R_OK)) {
		fprintf(stderr, "core: skipping vmlinux test (no %s, %s or %s)\n",
			VMLINUX, BPFTOOL, path);
		return;
	}
	ck_assert_msg(obj_open(path, &obj, &eb) == 0, "%s", eb.msg);
	ck_assert_msg(btf_load_file(VMLINUX, NULL, &vml, &eb) == 0, "%s", eb.msg);
	pi = obj_find_prog(&obj, "on_exec");
	ck_assert_int_ge(pi, 0);
	sec = btf_ext_find(&obj.ext->core_relo, obj.progs[pi].sec_name);
	ck_assert_ptr_nonnull(sec);
	ck_assert_uint_ge(sec->count, 10);

	orig = malloc(obj.progs[pi].insn_cnt * sizeof(*orig));
	ck_assert(orig);
	memcpy(orig, obj.progs[pi].insns, obj.progs[pi].insn_cnt * sizeof(*orig));
	ck_assert_msg(core_relocate_prog_report(&obj, &obj.progs[pi], vml, &rep,
						&eb) == 0, "%s", eb.msg);
	ck_assert_uint_eq(rep.applied, sec->count);

	pid_off = bpftool_member_off("task_struct", "pid");
	tgid_off = bpftool_member_off("task_struct", "tgid");
	ck_assert_int_gt(pid_off, 0);
	ck_assert_int_gt(tgid_off, 0);

	/* Each byte_off relocation of task_struct.pid / .tgid now carries
	 * bpftool's offset. */
	recs = sec->recs;
	for (uint32_t i = 0; i < sec->count; i++) {
		const struct bpf_core_relo *r = &recs[i];
		const struct btf_type *t;
		const char *acc, *tname, *mname;
		unsigned m;
		size_t idx = (r->insn_off - obj.progs[pi].sec_off) / 8;

		if (r->kind != BPF_CORE_FIELD_BYTE_OFFSET)
			continue;
		tname = btf_type_name(obj.btf, btf_skip_mods_typedefs(obj.btf, r->type_id));
		acc = btf_str(obj.btf, r->access_str_off);
		if (strcmp(tname, "task_struct") || sscanf(acc, "0:%u", &m) != 1 ||
		    strchr(acc + 2, ':'))
			continue;
		t = btf_type_by_id(obj.btf, btf_skip_mods_typedefs(obj.btf, r->type_id));
		mname = btf_str(obj.btf, btf_members(t)[m].name_off);
		if (strcmp(mname, "pid") == 0) {
			ck_assert_int_eq(insn_value(&obj.progs[pi].insns[idx]), pid_off);
			checked++;
		} else if (strcmp(mname, "tgid") == 0) {
			ck_assert_int_eq(insn_value(&obj.progs[pi].insns[idx]), tgid_off);
			checked++;
		}
	}
	ck_assert_int_ge(checked, 2);
	/* Kernels since 5.14 have __state, not state: the read of
	 * task_struct___old.state (dead code behind its existence check)
	 * is poisoned, as libbpf does; existence checks never are. */
	for (size_t i = 0; i < rep.npoisoned; i++)
		ck_assert_msg(strstr(rep.poisoned[i].desc,
				     "byte_off struct task_struct___old.state, access 0:0: "
				     "no field 'state' in target 'struct task_struct'"),
			      "%s", rep.poisoned[i].desc);
	ck_assert_uint_le(rep.npoisoned, 1);
	core_report_free(&rep);
	free(orig);
	btf_free(vml);
	obj_close(&obj);
}
END_TEST

/* ---- second_btf ---- */

/* The detail row of on_exec's first record of @kind on "struct @path". */
static const struct core_relo_detail *find_row(const struct core_report *rep,
					       uint32_t kind, const char *path)
{
	for (size_t i = 0; i < rep->ndetail; i++)
		if (rep->detail[i].kind == kind && !strcmp(rep->detail[i].path, path))
			return &rep->detail[i];
	ck_abort_msg("no %s row for %s", core_relo_kind_name(kind), path);
	return NULL;
}

START_TEST(test_second_btf)
{
	char path[] = PROGS_DIR "/core.bpf.o";
	struct errbuf eb = { "" };
	struct tbtf *b = calloc(1, sizeof(*b));
	struct core_target t;
	struct core_targets ts = { .v = &t, .n = 1, .modules_read = 1 };
	struct core_report rep;
	const struct core_relo_detail *d;
	struct object obj;
	struct btf *k = NULL;
	struct obj_prog *p;
	size_t size;
	void *blob;
	int pi;

	ck_assert(b);
	if (access(path, R_OK)) {
		fprintf(stderr, "core: skipping second_btf test (no %s)\n", path);
		free(b);
		return;
	}
	blob = core_btf_build(b, &size);
	ck_assert_msg(btf_parse(blob, size, NULL, &k, &eb) == 0, "%s", eb.msg);
	ck_assert_msg(obj_open(path, &obj, &eb) == 0, "%s", eb.msg);
	pi = obj_find_prog(&obj, "on_exec");
	ck_assert_int_ge(pi, 0);
	p = &obj.progs[pi];

	/* the plain API patches pid's load to this BTF's offset */
	{
		struct obj_prog copy = *p;
		struct bpf_insn *insns = malloc(p->insn_cnt * sizeof(*insns));

		ck_assert(insns);
		memcpy(insns, p->insns, p->insn_cnt * sizeof(*insns));
		copy.insns = insns;
		ck_assert_msg(core_relocate_prog(&obj, &copy, k, &eb) == 0, "%s", eb.msg);
		t = (struct core_target){ .btf = k, .name = "core.btf" };
		ck_assert_msg(core_relocate_prog_targets(&obj, p, p->insns, &ts, CORE_DETAIL, &rep,
							 &eb) == 0, "%s", eb.msg);
		/* detail or not, the same instructions */
		ck_assert(memcmp(insns, p->insns, p->insn_cnt * sizeof(*insns)) == 0);
		free(insns);
	}
	d = find_row(&rep, BPF_CORE_FIELD_BYTE_OFFSET, "struct task_struct.pid");
	ck_assert_uint_eq(d->target_val, CORE_BTF_PID_OFF);
	ck_assert_uint_ne(d->local_val, CORE_BTF_PID_OFF);
	ck_assert_int_eq(insn_value(&p->insns[d->insn_idx]), CORE_BTF_PID_OFF);
	ck_assert_uint_eq(d->target_type_id, CORE_BTF_TASK_ID);
	ck_assert_str_eq(d->target_btf, "core.btf");
	ck_assert_str_eq(d->target_access, "0:3");
	d = find_row(&rep, BPF_CORE_FIELD_BYTE_OFFSET, "struct task_struct.tgid");
	ck_assert_int_eq(insn_value(&p->insns[d->insn_idx]), CORE_BTF_TGID_OFF);
	d = find_row(&rep, BPF_CORE_FIELD_BYTE_OFFSET, "struct task_struct.real_parent");
	ck_assert_int_eq(insn_value(&p->insns[d->insn_idx]), CORE_BTF_REAL_PARENT_OFF);
	d = find_row(&rep, BPF_CORE_FIELD_BYTE_OFFSET, "struct task_struct.__state");
	ck_assert_int_eq(insn_value(&p->insns[d->insn_idx]), CORE_BTF_STATE_OFF);
	d = find_row(&rep, BPF_CORE_FIELD_BYTE_OFFSET, "struct task_struct.in_execve");
	ck_assert_uint_eq(d->target_val, CORE_BTF_IN_EXECVE_BIT / 8 / 4 * 4);
	d = find_row(&rep, BPF_CORE_FIELD_LSHIFT_U64, "struct task_struct.in_execve");
	ck_assert_uint_eq(d->target_val, 64 - (CORE_BTF_IN_EXECVE_BIT + 1 - 44 * 8));
	d = find_row(&rep, BPF_CORE_TYPE_SIZE, "struct task_struct");
	ck_assert_uint_eq(d->target_val, CORE_BTF_TASK_SIZE);
	d = find_row(&rep, BPF_CORE_TYPE_ID_TARGET, "struct task_struct");
	ck_assert_uint_eq(d->target_val, CORE_BTF_TASK_ID);
	d = find_row(&rep, BPF_CORE_ENUMVAL_VALUE, "enum pid_type::PIDTYPE_TGID");
	ck_assert_uint_eq(d->target_val, CORE_BTF_PIDTYPE_TGID);
	/* flags is a struct here: poisoned, and the candidate says why */
	d = find_row(&rep, BPF_CORE_FIELD_BYTE_OFFSET, "struct task_struct.flags");
	ck_assert(d->poisoned);
	ck_assert_int_eq(p->insns[d->insn_idx].imm, CORE_POISON_IMM);
	ck_assert_uint_eq(d->ncands, 1);
	ck_assert_str_eq(d->cands[0].why,
			 "field 'flags': incompatible types 'unsigned int' (local) vs "
			 "'struct rawload_flags' (target)");
	/* struct bpf_ringbuf: only a typedef of that name, not a candidate */
	d = find_row(&rep, BPF_CORE_TYPE_EXISTS, "struct bpf_ringbuf");
	ck_assert(!d->matched);
	ck_assert_uint_eq(d->target_val, 0);
	ck_assert_uint_eq(d->ncands, 1);
	ck_assert_str_eq(d->cands[0].why, "kind mismatch: TYPEDEF, the local type is STRUCT");
	/* poisoned: the flags read and task_struct___old.state, nothing else */
	ck_assert_uint_eq(rep.npoisoned, 2);

	core_targets_drop_cands(&ts);
	core_report_free(&rep);
	obj_close(&obj);
	btf_free(k);
	free(blob);
	free(b);
}
END_TEST

static Suite *core_suite(void)
{
	Suite *s = suite_create("core");
	TCase *tc;

	tc = tcase_create("hand");
	tcase_add_test(tc, test_hand_all);
	tcase_add_test(tc, test_hand_sec_off);
	tcase_add_test(tc, test_hand_none);
	tcase_add_test(tc, test_essential_name);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_loop_test(tc, test_errors, 0, (int)NECASES);
	suite_add_tcase(s, tc);

	tc = tcase_create("detail");
	tcase_add_test(tc, test_detail_ambiguous);
	tcase_add_test(tc, test_detail_hand);
	tcase_add_test(tc, test_prune_same_prog);
	tcase_add_test(tc, test_prune_order);
	tcase_add_test(tc, test_prune_across_progs);
	suite_add_tcase(s, tc);

	tc = tcase_create("modules");
	tcase_add_test(tc, test_modules);
	tcase_add_test(tc, test_modules_dir);
	suite_add_tcase(s, tc);

	tc = tcase_create("second_btf");
	tcase_add_test(tc, test_second_btf);
	suite_add_tcase(s, tc);

	tc = tcase_create("vmlinux");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_vmlinux_core_obj);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(core_suite)
