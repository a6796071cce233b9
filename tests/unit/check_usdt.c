/*
 * tests/unit/check_usdt.c - suite "usdt": the argument-spec parser
 * (elf/usdt_arg.c) on every operand form and on bad input, and the note
 * parser (elf/usdt_note.c) on a hand-built executable: address to file
 * offset through the segments, the semaphore, the prelink adjustment,
 * and malformed files.
 */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "elf/usdt_arg.h"
#include "elf/usdt_note.h"
#include "unit.h"

/* struct pt_regs offsets the parser must produce (kernel x86-64 layout) */
enum { AX = 80, DI = 112, SP = 152, BP = 32, R12 = 24, R13 = 16, R8 = 72, R15 = 0 };

/* ---- argument specs: good -------------------------------------------- */

struct want_arg {
	uint32_t type;
	uint64_t val_off;
	int16_t reg_off;
	uint8_t is_signed;
	int8_t bitshift;
};

static const struct {
	const char *args;
	int cnt;
	struct want_arg a[3];
} good[] = {
	{ "", 0, { { 0 } } },
	{ "   ", 0, { { 0 } } },
	{ "-4@$42", 1, { { USDT_ARG_CONST, 42, 0, 1, 32 } } },
	{ "-1@$5", 1, { { USDT_ARG_CONST, 5, 0, 1, 56 } } },
	{ "-4@$-9", 1, { { USDT_ARG_CONST, (uint64_t)-9, 0, 1, 32 } } },
	{ "8@$0x10", 1, { { USDT_ARG_CONST, 16, 0, 0, 0 } } },
	{ "8@$18446744073709551615", 1, { { USDT_ARG_CONST, UINT64_MAX, 0, 0, 0 } } },
	{ "-8@$-9223372036854775808", 1, { { USDT_ARG_CONST, 1ull << 63, 0, 1, 0 } } },
	{ "-4@%eax", 1, { { USDT_ARG_REG, 0, AX, 1, 32 } } },
	{ "4@%r12d", 1, { { USDT_ARG_REG, 0, R12, 0, 32 } } },
	{ "1@%r13b 2@%ax 8@%rdi", 3, { { USDT_ARG_REG, 0, R13, 0, 56 },
				       { USDT_ARG_REG, 0, AX, 0, 48 },
				       { USDT_ARG_REG, 0, DI, 0, 0 } } },
	{ "1@%dil -1@%spl 8@%r15", 3, { { USDT_ARG_REG, 0, DI, 0, 56 },
					{ USDT_ARG_REG, 0, SP, 1, 56 },
					{ USDT_ARG_REG, 0, R15, 0, 0 } } },
	{ "8@-16(%rbp)", 1, { { USDT_ARG_REG_DEREF, (uint64_t)-16, BP, 0, 0 } } },
	{ "-4@28(%rsp)", 1, { { USDT_ARG_REG_DEREF, 28, SP, 1, 32 } } },
	{ "8@(%rax)", 1, { { USDT_ARG_REG_DEREF, 0, AX, 0, 0 } } },
	{ "2@0x20(%r8)", 1, { { USDT_ARG_REG_DEREF, 32, R8, 0, 48 } } },
	{ "  -4@$1\t8@%rdi  ", 2, { { USDT_ARG_CONST, 1, 0, 1, 32 },
				    { USDT_ARG_REG, 0, DI, 0, 0 } } },
};

START_TEST(test_spec_good)
{
	struct usdt_spec s;
	struct errbuf eb = { { 0 } };
	int err = usdt_spec_parse(good[_i].args, 77, &s, &eb);

	ck_assert_msg(err == 0, "'%s': %s", good[_i].args, eb.msg);
	ck_assert_int_eq(s.arg_cnt, good[_i].cnt);
	ck_assert_uint_eq(s.usdt_cookie, 77);
	for (int k = 0; k < good[_i].cnt; k++) {
		const struct want_arg *w = &good[_i].a[k];
		const struct usdt_arg_spec *a = &s.args[k];

		ck_assert_msg(a->arg_type == w->type && a->val_off == w->val_off &&
			      a->reg_off == w->reg_off && a->arg_signed == w->is_signed &&
			      a->arg_bitshift == w->bitshift,
			      "'%s' arg %d: type %u val_off 0x%llx reg_off %d signed %u "
			      "bitshift %d", good[_i].args, k, a->arg_type,
			      (unsigned long long)a->val_off, a->reg_off, a->arg_signed,
			      a->arg_bitshift);
	}
	/* unused slots and the tail padding stay zero (specs compare as bytes) */
	for (int k = good[_i].cnt; k < USDT_MAX_ARGS; k++)
		ck_assert_uint_eq(s.args[k].arg_type | s.args[k].val_off | s.args[k].reg_off, 0);
	ck_assert_uint_eq(s.pad[0] | s.pad[5], 0);
}
END_TEST

/* base + index * scale (libbpf 1.7's BPF_USDT_ARG_SIB), as gcc writes an
 * array element under the "m" constraint; and register names. */
START_TEST(test_spec_sib)
{
	struct usdt_spec s;
	struct errbuf eb = { { 0 } };

	ck_assert_int_eq(usdt_spec_parse("-8@16(%rsp,%rax,8) 4@(%rax,%rbx)", 0, &s, &eb), 0);
	ck_assert_int_eq(s.arg_cnt, 2);
	ck_assert_uint_eq(s.args[0].arg_type, USDT_ARG_SIB);
	ck_assert_uint_eq(s.args[0].val_off, 16);
	ck_assert_int_eq(s.args[0].reg_off, SP);
	ck_assert_int_eq(s.args[0].idx_reg_off, AX);
	ck_assert_uint_eq(s.args[0].scale_bitshift, 3);
	ck_assert_uint_eq(s.args[0].arg_signed, 1);
	ck_assert_uint_eq(s.args[1].arg_type, USDT_ARG_SIB);
	ck_assert_uint_eq(s.args[1].val_off, 0);
	ck_assert_int_eq(s.args[1].reg_off, AX);
	ck_assert_int_eq(s.args[1].idx_reg_off, 40);	/* pt_regs.bx */
	ck_assert_uint_eq(s.args[1].scale_bitshift, 0);
	ck_assert_int_eq(usdt_reg_off("rip"), -1);
	ck_assert_int_eq(usdt_reg_off("ah"), -1);
	ck_assert_int_eq(usdt_reg_off("r9w"), 64);
}
END_TEST

/* ---- argument specs: bad, each with the words the message must hold ---- */

static const struct {
	const char *args;
	const char *msg;
} bad[] = {
	{ "8@global_counter(%rip)", "argument 1 '8@global_counter(%rip)': %rip-relative" },
	{ "-4@$1 8@-8(%rip)", "argument 2 '8@-8(%rip)': %rip-relative" },
	{ "8@%rip", "%rip-relative" },
	{ "8@$buf", "constant 'buf' is not a number" },
	{ "8@buf+8(%rax)", "offset 'buf+8' is not a number" },
	{ "8@(,%rax,8)", "an index without a base register" },
	{ "4@-4(%rbp,%rax,3)", "scale '3' is not 1, 2, 4 or 8" },
	{ "4@-4(%rbp,%rip,4)", "%rip-relative" },
	{ "8@%fs:40", "segment-prefixed" },
	{ "1@%ah", "register '%ah' cannot be read from struct pt_regs" },
	{ "8@%xmm0", "register '%xmm0'" },
	{ "8@(rax)", "'rax' is not a register" },
	{ "3@%eax", "size '3' is not 1, 2, 4 or 8" },
	{ "16@%rax", "size '16'" },
	{ "0x8@%rax", "size '0x8'" },
	{ "+8@%rax", "size '+8'" },
	{ "@%rax", "expected SIZE@OPERAND" },
	{ "%rax", "expected SIZE@OPERAND" },
	{ "8@", "operand '' is none of" },
	{ "8@rax", "operand 'rax' is none of" },
	{ "8@16(%rax", "operand '16(%rax' is none of" },
	{ "4@$99999999999999999999", "constant '99999999999999999999' is not a number" },
	{ "-4@$1 -4@$2 -4@$3 -4@$4 -4@$5 -4@$6 -4@$7 -4@$8 -4@$9 -4@$10 -4@$11 -4@$12 -4@$13",
	  "more than 12 arguments" },
};

START_TEST(test_spec_bad)
{
	struct usdt_spec s;
	struct errbuf eb = { { 0 } };
	int err = usdt_spec_parse(bad[_i].args, 0, &s, &eb);

	ck_assert_msg(err == -EINVAL, "'%s' parsed (err %d)", bad[_i].args, err);
	ck_assert_msg(strstr(eb.msg, bad[_i].msg), "'%s': message '%s' lacks '%s'",
		      bad[_i].args, eb.msg, bad[_i].msg);
}
END_TEST

/* ---- notes: a hand-built executable ------------------------------------ */

/*
 * Layout of the image (0xa00 bytes):
 *   0x000 Elf64_Ehdr, ET_DYN, x86-64
 *   0x040 2 Elf64_Phdr: text  offset 0     vaddr 0x400000 filesz 0x800 R+X
 *                       data  offset 0x800 vaddr 0x600800 filesz 0x100 R+W
 *   0x200 .shstrtab
 *   0x300 .note.stapsdt: the notes img_note() appends
 *   0x900 4 Elf64_Shdr: null, .shstrtab, .note.stapsdt, .stapsdt.base
 */
#define IMG_SIZE 0xa00
#define NOTE_AT 0x300
#define SHDR_AT 0x900
#define BASE_ADDR 0x400500

struct img {
	uint8_t b[IMG_SIZE];
	size_t note_end;	/* where the next note goes */
};

static void img_put(struct img *im, size_t off, const void *p, size_t n)
{
	memcpy(im->b + off, p, n);
}

static void img_note(struct img *im, uint32_t type, uint64_t pc, uint64_t base,
		     uint64_t sema, const char *prov, const char *name, const char *args)
{
	Elf64_Nhdr nh = { 8, 0, type };
	uint64_t a[3] = { pc, base, sema };
	size_t at = im->note_end, d;

	nh.n_descsz = (uint32_t)(sizeof(a) + strlen(prov) + strlen(name) + strlen(args) + 3);
	img_put(im, at, &nh, sizeof(nh));
	img_put(im, at + 12, "stapsdt", 8);
	d = at + 20;
	img_put(im, d, a, sizeof(a));
	d += sizeof(a);
	img_put(im, d, prov, strlen(prov) + 1);
	d += strlen(prov) + 1;
	img_put(im, d, name, strlen(name) + 1);
	d += strlen(name) + 1;
	img_put(im, d, args, strlen(args) + 1);
	im->note_end = at + 20 + ((nh.n_descsz + 3) & ~3u);
}

/* Section headers last, when the notes' size is known. */
static void img_finish(struct img *im, uint64_t base_sec_addr)
{
	static const char names[] = "\0.shstrtab\0.note.stapsdt\0.stapsdt.base";
	Elf64_Shdr sh[4] = { { 0 } };

	img_put(im, 0x200, names, sizeof(names));
	sh[1] = (Elf64_Shdr){ .sh_name = 1, .sh_type = SHT_STRTAB, .sh_offset = 0x200,
			      .sh_size = sizeof(names) };
	sh[2] = (Elf64_Shdr){ .sh_name = 11, .sh_type = SHT_NOTE, .sh_offset = NOTE_AT,
			      .sh_size = im->note_end - NOTE_AT, .sh_addralign = 4 };
	sh[3] = (Elf64_Shdr){ .sh_name = 25, .sh_type = SHT_PROGBITS, .sh_addr = base_sec_addr,
			      .sh_offset = 0x500, .sh_size = 1 };
	img_put(im, SHDR_AT, sh, sizeof(sh));
}

static void img_init(struct img *im)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph[2] = {
		{ .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = 0, .p_vaddr = 0x400000,
		  .p_filesz = 0x800, .p_memsz = 0x800 },
		{ .p_type = PT_LOAD, .p_flags = PF_R | PF_W, .p_offset = 0x800,
		  .p_vaddr = 0x600800, .p_filesz = 0x100, .p_memsz = 0x200 },
	};

	memset(im, 0, sizeof(*im));
	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_version = EV_CURRENT;
	eh.e_type = ET_DYN;
	eh.e_machine = EM_X86_64;
	eh.e_phoff = sizeof(eh);
	eh.e_phnum = 2;
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_shoff = SHDR_AT;
	eh.e_shnum = 4;
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shstrndx = 1;
	img_put(im, 0, &eh, sizeof(eh));
	img_put(im, sizeof(eh), ph, sizeof(ph));
	im->note_end = NOTE_AT;
}

/* Two sites of prov:probe1 (one with a semaphore), a note of another type
 * the parser must skip, one in the data segment, one in no segment. */
static void img_standard(struct img *im, uint64_t base_sec_addr)
{
	img_init(im);
	img_note(im, 3, 0x400123, BASE_ADDR, 0x600810, "prov", "probe1", "-4@$5 8@%rdi");
	img_note(im, 1, 0x400999, BASE_ADDR, 0, "other", "type", "");
	img_note(im, 3, 0x400200, BASE_ADDR, 0, "prov", "probe1", "");
	img_note(im, 3, 0x600820, BASE_ADDR, 0, "prov", "in_data", "");
	img_note(im, 3, 0x900000, BASE_ADDR, 0x400010, "prov", "nowhere", "");
	img_finish(im, base_sec_addr);
}

START_TEST(test_notes_offsets)
{
	struct usdt_notes n;
	struct errbuf eb = { { 0 } };
	struct img im;

	img_standard(&im, BASE_ADDR);
	ck_assert_msg(usdt_notes_parse(im.b, sizeof(im.b), &n, &eb) == 0, "%s", eb.msg);
	ck_assert_uint_eq(n.n, 4);	/* the type-1 note skipped */
	ck_assert_uint_eq(n.e_type, ET_DYN);
	ck_assert_uint_eq(n.e_machine, EM_X86_64);
	ck_assert_str_eq(n.v[0].provider, "prov");
	ck_assert_str_eq(n.v[0].name, "probe1");
	ck_assert_str_eq(n.v[0].args, "-4@$5 8@%rdi");
	ck_assert_int_eq(n.v[0].pc_loc, USDT_LOC_OK);
	ck_assert_uint_eq(n.v[0].file_off, 0x123);
	ck_assert_int_eq(n.v[0].sema_loc, USDT_LOC_OK);
	ck_assert_uint_eq(n.v[0].sema_off, 0x810);	/* 0x600810 - 0x600800 + 0x800 */
	ck_assert_str_eq(n.v[1].args, "");
	ck_assert_uint_eq(n.v[1].file_off, 0x200);
	ck_assert_int_eq(n.v[1].sema_loc, USDT_LOC_NONE);
	ck_assert_int_eq(n.v[2].pc_loc, USDT_LOC_NOT_EXEC);
	ck_assert_int_eq(n.v[3].pc_loc, USDT_LOC_NO_SEGMENT);
	ck_assert_int_eq(n.v[3].sema_loc, USDT_LOC_NOT_WRITABLE);
	usdt_notes_free(&n);
}
END_TEST

/* prelink moved the image by 0x10: .stapsdt.base is now 0x400510 */
START_TEST(test_notes_prelink)
{
	struct usdt_notes n;
	struct errbuf eb = { { 0 } };
	struct img im;

	img_standard(&im, BASE_ADDR + 0x10);
	ck_assert_msg(usdt_notes_parse(im.b, sizeof(im.b), &n, &eb) == 0, "%s", eb.msg);
	ck_assert_uint_eq(n.v[0].pc, 0x400123);
	ck_assert_uint_eq(n.v[0].addr, 0x400133);
	ck_assert_uint_eq(n.v[0].file_off, 0x133);
	ck_assert_uint_eq(n.v[0].sema_off, 0x820);
	usdt_notes_free(&n);
}
END_TEST

/* Malformed files: each refused with -errno and a message, never read
 * past the buffer (the unit binary runs under ASan). */
static void mut_truncate_section(struct img *im)
{
	Elf64_Shdr sh;

	memcpy(&sh, im->b + SHDR_AT + 2 * sizeof(sh), sizeof(sh));
	sh.sh_size -= 6;	/* the last note's desc runs past the section */
	memcpy(im->b + SHDR_AT + 2 * sizeof(sh), &sh, sizeof(sh));
}
static void mut_no_note_section(struct img *im) { im->b[0x200 + 11 + 1] = 'X'; }
static void mut_not_elf(struct img *im) { im->b[1] = 'X'; }
static void mut_32bit(struct img *im) { im->b[EI_CLASS] = ELFCLASS32; }
static void mut_relocatable(struct img *im) { im->b[16] = ET_REL; }
static void mut_shoff_past_end(struct img *im)
{
	uint64_t off = IMG_SIZE - 8;

	memcpy(im->b + offsetof(Elf64_Ehdr, e_shoff), &off, sizeof(off));
}
static void mut_huge_descsz(struct img *im)
{
	uint32_t v = 0xfffffff0;

	memcpy(im->b + NOTE_AT + 4, &v, sizeof(v));
}
static void mut_unterminated_args(struct img *im)
{
	/* the first note's desc ends right after its name string */
	Elf64_Nhdr nh;

	memcpy(&nh, im->b + NOTE_AT, sizeof(nh));
	nh.n_descsz = 24 + 5 + 7;
	memcpy(im->b + NOTE_AT, &nh, sizeof(nh));
}
static void mut_short_desc(struct img *im)
{
	Elf64_Nhdr nh;

	memcpy(&nh, im->b + NOTE_AT, sizeof(nh));
	nh.n_descsz = 16;
	memcpy(im->b + NOTE_AT, &nh, sizeof(nh));
}

static const struct {
	const char *name;
	void (*mutate)(struct img *);
	size_t size;	/* 0: the whole image */
	int err;
	const char *msg;
} bad_notes[] = {
	{ "section cut mid-note", mut_truncate_section, 0, -ENOEXEC, "is malformed or runs past" },
	{ "no .note.stapsdt", mut_no_note_section, 0, -ENOENT, "no .note.stapsdt section" },
	{ "not ELF", mut_not_elf, 0, -ENOEXEC, "not an ELF file" },
	{ "32-bit", mut_32bit, 0, -ENOEXEC, "ELF class 1: not a 64-bit file" },
	{ "ET_REL", mut_relocatable, 0, -ENOEXEC, "neither an executable" },
	{ "section table past the end", mut_shoff_past_end, 0, -ENOEXEC,
	  "section header table at 0x9f8 (4 entries) runs past the end of the file" },
	{ "descsz near 4 GiB", mut_huge_descsz, 0, -ENOEXEC, "note at offset 0x300" },
	{ "args string missing", mut_unterminated_args, 0, -ENOEXEC, "malformed" },
	{ "desc shorter than 3 addresses", mut_short_desc, 0, -ENOEXEC, "malformed" },
	{ "file cut inside the notes", NULL, NOTE_AT + 30, -ENOEXEC,
	  "section header table at 0x900 (4 entries) runs past the end of the file" },
	{ "file cut inside the header", NULL, 40, -ENOEXEC, "shorter than the ELF header" },
};

START_TEST(test_notes_bad)
{
	struct usdt_notes n;
	struct errbuf eb = { { 0 } };
	struct img im;
	size_t size;
	uint8_t *copy;
	int err;

	img_standard(&im, BASE_ADDR);
	if (bad_notes[_i].mutate)
		bad_notes[_i].mutate(&im);
	size = bad_notes[_i].size ? bad_notes[_i].size : sizeof(im.b);
	/* an exact-size heap copy, so ASan sees any read past its end */
	copy = malloc(size);
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, im.b, size);
	err = usdt_notes_parse(copy, size, &n, &eb);
	usdt_notes_free(&n);
	free(copy);
	ck_assert_msg(err == bad_notes[_i].err, "%s: err %d, expected %d (%s)",
		      bad_notes[_i].name, err, bad_notes[_i].err, eb.msg);
	ck_assert_msg(strstr(eb.msg, bad_notes[_i].msg), "%s: message '%s' lacks '%s'",
		      bad_notes[_i].name, eb.msg, bad_notes[_i].msg);
}
END_TEST

/* The real thing, when the Makefile's e2e target is built: gcc's notes. */
START_TEST(test_notes_compiled)
{
	struct usdt_notes n;
	struct errbuf eb = { { 0 } };
	size_t twice = 0;
	int err = usdt_notes_read("build/e2e/usdt_target", &n, &eb);

	if (err == -ENOENT && strstr(eb.msg, "ENOENT")) {
		usdt_notes_free(&n);
		return;	/* not built: make usdt-targets (t_usdt.sh fails then) */
	}
	ck_assert_msg(err == 0, "%s", eb.msg);
	for (size_t i = 0; i < n.n; i++) {
		struct usdt_spec s;

		ck_assert_int_eq(n.v[i].pc_loc, USDT_LOC_OK);
		twice += !strcmp(n.v[i].name, "twice");
		if (!strcmp(n.v[i].name, "sema"))
			ck_assert_int_eq(n.v[i].sema_loc, USDT_LOC_OK);
		if (strcmp(n.v[i].name, "global"))
			ck_assert_msg(usdt_spec_parse(n.v[i].args, 0, &s, &eb) == 0, "%s", eb.msg);
	}
	ck_assert_uint_eq(twice, 2);
	usdt_notes_free(&n);
}
END_TEST

static Suite *usdt_suite(void)
{
	Suite *s = suite_create("usdt");
	TCase *tc = tcase_create("args");

	tcase_add_loop_test(tc, test_spec_good, 0, sizeof(good) / sizeof(good[0]));
	tcase_add_test(tc, test_spec_sib);
	tcase_add_loop_test(tc, test_spec_bad, 0, sizeof(bad) / sizeof(bad[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("notes");
	tcase_add_test(tc, test_notes_offsets);
	tcase_add_test(tc, test_notes_prelink);
	tcase_add_loop_test(tc, test_notes_bad, 0, sizeof(bad_notes) / sizeof(bad_notes[0]));
	tcase_add_test(tc, test_notes_compiled);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(usdt_suite)
