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
 *   vmlinux  build/progs/core.bpf.o against /sys/kernel/btf/vmlinux: no
 *            error, and task_struct.pid / tgid offsets equal to what
 *            bpftool's raw dump of vmlinux says (tag-free; skipped when
 *            the file or bpftool is missing)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf/btf.h"
#include "elf/btf_ext.h"
#include "elf/object.h"
#include "relo/core.h"
#include "btf_build.h"
#include "unit.h"

#define VMLINUX "/sys/kernel/btf/vmlinux"
#define BPFTOOL "/usr/sbin/bpftool"
#define SEC_NAME "kprobe/x"

/* ---- the hand-built pair ---- */

/* Local ids (the object's .BTF). */
enum {
	L_INT = 1, L_UINT, L_S, L_S_OLD, L_E, L_S2, L_ARR, L_S3, L_S_M,
	L_PTR_S, L_S_V,
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

	tc = tcase_create("vmlinux");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_vmlinux_core_obj);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(core_suite)
