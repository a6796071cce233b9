/*
 * tests/unit/check_elf_bad.c - hostile objects, in-process.
 *
 * Each row starts from a real clang-built object (hello.bpf.o), changes one
 * field, and states the errno and a piece of the message that must come
 * back: the message is part of the behaviour (it must name the section or
 * symbol and the numbers). The buffers are malloc'ed at their exact size
 * and the suite runs under AddressSanitizer, so any read past the end is a
 * failure, not luck. Then every truncation of the file must be refused.
 */
#include <elf.h>
#include <errno.h>
#include <linux/btf.h>
#include <stdlib.h>
#include <string.h>

#include "elf/object.h"
#include "relo/reloc.h"
#include "img.h"
#include "unit.h"

#define OBJ PROGS_DIR "/hello.bpf.o"


/* The first symbol of type @type. */
static Elf64_Sym *sym_of(struct img *m, unsigned type)
{
	Elf64_Shdr *st = img_sec(m, ".symtab");
	Elf64_Sym *s = (Elf64_Sym *)(m->b + st->sh_offset);

	for (size_t i = 1; i < st->sh_size / sizeof(*s); i++)
		if (ELF64_ST_TYPE(s[i].st_info) == type)
			return &s[i];
	ck_abort_msg("no symbol of type %u", type);
	return NULL;
}

static Elf64_Rel *first_rel(struct img *m)
{
	return (Elf64_Rel *)(m->b + img_sec(m, ".relkprobe/do_execve")->sh_offset);
}

static struct btf_header *btf_hdr(struct img *m)
{
	return (struct btf_header *)(m->b + img_sec(m, ".BTF")->sh_offset);
}

static void m_shentsize(struct img *m) { m->eh->e_shentsize = 8; }
static void m_shoff(struct img *m) { m->eh->e_shoff = m->size - 16; }
static void m_class32(struct img *m) { m->eh->e_ident[EI_CLASS] = ELFCLASS32; }
static void m_bigendian(struct img *m) { m->eh->e_ident[EI_DATA] = ELFDATA2MSB; }
static void m_machine(struct img *m) { m->eh->e_machine = EM_X86_64; }
static void m_exec(struct img *m) { m->eh->e_type = ET_EXEC; }
static void m_shstrndx(struct img *m) { m->eh->e_shstrndx = m->eh->e_shnum; }
static void m_sec_past_end(struct img *m) { img_sec(m, ".text")->sh_offset = m->size; img_sec(m, ".text")->sh_size = 8; }
static void m_overlap(struct img *m) { img_sec(m, "license")->sh_offset = img_sec(m, ".text")->sh_offset; }
static void m_sec_name(struct img *m) { img_sec(m, "license")->sh_name = 0x7fffffff; }
static void m_strtab_nul(struct img *m)
{
	Elf64_Shdr *s = img_sec(m, ".strtab");
	m->b[s->sh_offset + s->sh_size - 1] = 'x';
}
static void m_sym_shndx(struct img *m) { sym_of(m, STT_FUNC)->st_shndx = m->eh->e_shnum; }
static void m_sym_value(struct img *m) { sym_of(m, STT_FUNC)->st_value = 0x100000; }
static void m_sym_name(struct img *m) { sym_of(m, STT_FUNC)->st_name = 0x7fffff; }
static void m_rel_info(struct img *m) { img_sec(m, ".relkprobe/do_execve")->sh_info = 999; }
static void m_rel_past(struct img *m) { first_rel(m)->r_offset = 0x100000; }
static void m_rel_misaligned(struct img *m) { first_rel(m)->r_offset += 4; }
static void m_rel_sym(struct img *m)
{
	Elf64_Rel *r = first_rel(m);
	r->r_info = ELF64_R_INFO(0xffffff, ELF64_R_TYPE(r->r_info));
}
static void m_rel_entsize(struct img *m) { img_sec(m, ".relkprobe/do_execve")->sh_entsize = 24; }
static void m_btf_hdr_len(struct img *m) { btf_hdr(m)->hdr_len = 0x7fffffff; }
static void m_btf_overlap(struct img *m) { btf_hdr(m)->type_len = btf_hdr(m)->str_off + 8; }
static void m_btf_magic(struct img *m) { btf_hdr(m)->magic = 0x9feb; }
static void m_prog_section(struct img *m)
{
	/* rename "kprobe/do_execve" in place to an unknown prefix */
	Elf64_Shdr *s = img_sec(m, "kprobe/do_execve");
	memcpy(m->b + m->sh[m->eh->e_shstrndx].sh_offset + s->sh_name, "kprobz", 6);
}

static const struct row {
	const char *name;
	void (*mutate)(struct img *);
	int err;
	const char *msg;
} rows[] = {
	{ "e_shentsize = 8", m_shentsize, -EINVAL, "e_shentsize is 8, expected sizeof(Elf64_Shdr) = 64" },
	{ "e_shoff past the end", m_shoff, -EINVAL, "section header table at 0x" },
	{ "ELFCLASS32", m_class32, -EINVAL, "only 64-bit" },
	{ "big-endian (bpfeb)", m_bigendian, -EINVAL, "big-endian ELF (clang -target bpfeb) is not supported" },
	{ "e_machine x86_64", m_machine, -EINVAL, "is not EM_BPF" },
	{ "ET_EXEC", m_exec, -EINVAL, "is not ET_REL" },
	{ "e_shstrndx = e_shnum", m_shstrndx, -EINVAL, "e_shstrndx" },
	{ "section past the end", m_sec_past_end, -EINVAL, "runs past the end of the file" },
	{ "two sections sharing bytes", m_overlap, -EINVAL, "overlap in the file" },
	{ "section name past the table", m_sec_name, -EINVAL, "name offset 0x7fffffff is past the section name table" },
	{ "string table not NUL-terminated", m_strtab_nul, -EINVAL, "does not end in NUL" },
	{ "symbol st_shndx = e_shnum", m_sym_shndx, -EINVAL, "section index" },
	{ "symbol st_value past its section", m_sym_value, -EINVAL, "lies outside section" },
	{ "symbol st_name past .strtab", m_sym_name, -EINVAL, "name offset 0x7fffff is past the string table" },
	{ "rel sh_info out of range", m_rel_info, -EINVAL, "sh_info 999 (the section to patch)" },
	{ "r_offset past the end", m_rel_past, -EINVAL, "points past the section end" },
	{ "r_offset misaligned", m_rel_misaligned, -EINVAL, "is not on an instruction boundary (8 bytes)" },
	{ "r_sym out of range", m_rel_sym, -EINVAL, "symbol index 16777215" },
	{ "rel sh_entsize 24", m_rel_entsize, -EINVAL, "expected whole entries of 16 bytes" },
	{ "BTF hdr_len > size", m_btf_hdr_len, -EINVAL, "section" },
	{ "BTF type section overlaps strings", m_btf_overlap, -EINVAL, "'.BTF'" },
	{ "BTF byte-swapped magic", m_btf_magic, -EINVAL, "'.BTF'" },
	{ "unknown program section", m_prog_section, -EINVAL, "unknown section name 'kprobz/do_execve'" },
};

static void load_img(struct img *m)
{
	img_load(m, OBJ);
}

/* Open, and if the ELF reader accepted it, classify relocations too: some
 * checks (instruction alignment) belong to relo/. */
static int open_all(const void *b, size_t n, struct errbuf *eb)
{
	struct object obj;
	struct relo_set set;
	int err = obj_open_mem(b, n, "hello.bpf.o", &obj, eb);

	if (err)
		return err;
	err = reloc_collect(&obj, &set, eb);
	if (!err)
		reloc_free(&set);
	obj_close(&obj);
	return err;
}

START_TEST(test_mutation)
{
	const struct row *r = &rows[_i];
	struct errbuf eb = { "" };
	struct img m;
	int err;

	load_img(&m);
	r->mutate(&m);
	err = open_all(m.b, m.size, &eb);
	ck_assert_msg(err == r->err, "%s: got %d (%s), expected %d", r->name, err, eb.msg,
		      r->err);
	ck_assert_msg(strstr(eb.msg, r->msg), "%s: message '%s' lacks '%s'", r->name,
		      eb.msg, r->msg);
	free(m.b);
}
END_TEST

START_TEST(test_unmodified_opens)
{
	struct errbuf eb = { "" };
	struct img m;

	load_img(&m);
	ck_assert_msg(open_all(m.b, m.size, &eb) == 0, "%s", eb.msg);
	free(m.b);
}
END_TEST

/* Every proper prefix of the file is refused with a message, and nothing
 * reads past it (ASan). Each prefix gets its own exact-size buffer. */
START_TEST(test_every_truncation)
{
	struct img m;

	load_img(&m);
	for (size_t n = 0; n < m.size; n++) {
		struct errbuf eb = { "" };
		uint8_t *b = malloc(n ? n : 1);
		int err;

		memcpy(b, m.b, n);
		err = open_all(b, n, &eb);
		ck_assert_msg(err < 0 && eb.msg[0], "prefix of %zu bytes: err %d msg '%s'",
			      n, err, eb.msg);
		free(b);
	}
	free(m.b);
}
END_TEST

/* Each byte in [from, to) set to 0xff in turn: never a crash; success
 * or a message. */
static void flip_each(struct img *m, size_t from, size_t to)
{
	for (size_t off = from; off < to; off++) {
		struct errbuf eb = { "" };
		uint8_t save = m->b[off];
		int err;

		m->b[off] = 0xff;
		err = open_all(m->b, m->size, &eb);
		ck_assert_msg(err == 0 || eb.msg[0], "byte %zu: err %d without a message", off, err);
		m->b[off] = save;
	}
}

/* The ELF header and the whole section header table. */
START_TEST(test_header_bytes)
{
	struct img m;

	load_img(&m);
	flip_each(&m, 0, sizeof(Elf64_Ehdr));
	flip_each(&m, m.eh->e_shoff, m.size);
	free(m.b);
}
END_TEST

static Suite *elf_bad_suite(void)
{
	Suite *s = suite_create("elf_bad");
	TCase *tc = tcase_create("mutations");

	tcase_add_test(tc, test_unmodified_opens);
	tcase_add_loop_test(tc, test_mutation, 0, sizeof(rows) / sizeof(rows[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("truncation");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_every_truncation);
	tcase_add_test(tc, test_header_bytes);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(elf_bad_suite)
