/*
 * tests/unit/check_relo_bad.c - objects whose ELF is sound but whose code
 * relocations are not: each must be refused by relo/ with a message that
 * names the section, relocation or instruction, before any kernel call.
 * The rows start from subprogs.bpf.o (calls into .text, callbacks, maps).
 */
#include <elf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

#include "elf/object.h"
#include "relo/reloc.h"
#include "img.h"
#include "unit.h"

#define OBJ PROGS_DIR "/subprogs.bpf.o"
#define SEC_TP "tracepoint/syscalls/sys_enter_getpid"


/* The @n-th relocation of the tracepoint program whose R_BPF type is @type. */
static Elf64_Rel *rel_of(struct img *m, unsigned type, int n)
{
	Elf64_Shdr *rs = img_sec(m, ".rel" SEC_TP);
	Elf64_Rel *r = (Elf64_Rel *)(m->b + rs->sh_offset);

	for (size_t i = 0; i < rs->sh_size / sizeof(*r); i++)
		if (ELF64_R_TYPE(r[i].r_info) == type && n-- == 0)
			return &r[i];
	ck_abort_msg("no relocation of type %u", type);
	return NULL;
}

static struct bpf_insn *insn_at(struct img *m, uint64_t off)
{
	return (struct bpf_insn *)(m->b + img_sec(m, SEC_TP)->sh_offset + off);
}

/* R_BPF_64_64 = 1 (ld_imm64), R_BPF_64_32 = 10 (call) */
static void m_mid_ldimm64(struct img *m) { rel_of(m, 1, 0)->r_offset += 8; }
static void m_misaligned(struct img *m) { rel_of(m, 1, 0)->r_offset += 2; }
static void m_call_past_text(struct img *m) { insn_at(m, rel_of(m, 10, 0)->r_offset)->imm = 100000; }
static void m_call_into_middle(struct img *m) { insn_at(m, rel_of(m, 10, 1)->r_offset)->imm += 1; }
static void m_relo_on_plain_insn(struct img *m) { insn_at(m, rel_of(m, 1, 0)->r_offset)->code = BPF_ALU64 | BPF_MOV | BPF_K; }
static void m_sym_license(struct img *m)
{
	/* point a map relocation at the LICENSE symbol: not code, map or data */
	Elf64_Shdr *st = img_sec(m, ".symtab");
	Elf64_Sym *s = (Elf64_Sym *)(m->b + st->sh_offset);
	const char *str = (const char *)m->b + m->sh[st->sh_link].sh_offset;
	Elf64_Rel *r = rel_of(m, 1, 3);

	for (size_t i = 1; i < st->sh_size / sizeof(*s); i++)
		if (!strcmp(str + s[i].st_name, "LICENSE"))
			r->r_info = ELF64_R_INFO(i, ELF64_R_TYPE(r->r_info));
}

static const struct row {
	const char *name;
	void (*mutate)(struct img *);
	const char *msg;
} rows[] = {
	{ "relocation on the second half of an ld_imm64", m_mid_ldimm64,
	  "neither a call nor a 64-bit load" },
	{ "relocation not on an instruction boundary", m_misaligned,
	  "is not on an instruction boundary (8 bytes)" },
	{ "relocation on an instruction that takes none", m_relo_on_plain_insn,
	  "neither a call nor a 64-bit load" },
	{ "relocation to a symbol that is no code, map or data", m_sym_license,
	  "'LICENSE' lives in section" },
	{ "call past the end of .text", m_call_past_text, "is not the start of a subprogram" },
	{ "call into the middle of a function", m_call_into_middle,
	  "is not the start of a subprogram" },
};

static int open_and_link(const void *b, size_t n, struct errbuf *eb)
{
	struct object obj;
	struct relo_set set;
	int fds[64], err;

	err = obj_open_mem(b, n, "subprogs.bpf.o", &obj, eb);
	if (err)
		return err;
	for (size_t i = 0; i < 64; i++)
		fds[i] = 100 + (int)i;
	err = reloc_collect(&obj, &set, eb);
	for (size_t i = 0; !err && i < obj.nprogs; i++) {
		struct reloc_env env = { fds, NULL, NULL };
		struct final_prog fp;

		if (obj.progs[i].is_subprog)
			continue;
		err = reloc_build_prog(&obj, &set, i, &env, &fp, eb);
		if (!err)
			reloc_free_prog(&fp);
	}
	reloc_free(&set);
	obj_close(&obj);
	return err;
}

START_TEST(test_relo_mutation)
{
	const struct row *r = &rows[_i];
	struct errbuf eb = { "" };
	struct img m;
	int err;

	img_load(&m, OBJ);
	ck_assert_msg(open_and_link(m.b, m.size, &eb) == 0, "unmodified: %s", eb.msg);
	r->mutate(&m);
	err = open_and_link(m.b, m.size, &eb);
	ck_assert_msg(err == -EINVAL, "%s: got %d (%s)", r->name, err, eb.msg);
	ck_assert_msg(strstr(eb.msg, r->msg), "%s: '%s' lacks '%s'", r->name, eb.msg, r->msg);
	free(m.b);
}
END_TEST

static Suite *relo_bad_suite(void)
{
	Suite *s = suite_create("relo_bad");
	TCase *tc = tcase_create("mutations");

	tcase_add_loop_test(tc, test_relo_mutation, 0, sizeof(rows) / sizeof(rows[0]));
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(relo_bad_suite)
