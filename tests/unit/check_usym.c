/*
 * tests/unit/check_usym.c - suite "usym": the glob matcher uprobe.multi
 * uses (host/usym.c), and the function collection behind it on a
 * hand-built executable (which symbols count, aliases merged by offset,
 * .symtab before .dynsym, sorted) and on malformed ones, then on this
 * compiled test binary against the one-name lookup uprobes use.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/usym.h"
#include "unit.h"

/* ---- the glob matcher -------------------------------------------------- */

static const struct {
	const char *pattern, *name;
	int match;
} globs[] = {
	{ "add", "add", 1 },	   { "add", "add2", 0 },     { "add", "ad", 0 },
	{ "add*", "add", 1 },	   { "add*", "add2", 1 },    { "add*", "xadd", 0 },
	{ "*add", "xadd", 1 },	   { "*add", "addx", 0 },    { "add?", "add2", 1 },
	{ "add?", "add", 0 },	   { "add?", "add22", 0 },   { "?u*", "sub", 1 },
	{ "?u*", "frame_dummy", 0 }, { "*", "", 1 },	     { "*", "anything", 1 },
	{ "", "", 1 },		   { "", "a", 0 },	     { "?", "", 0 },
	{ "**", "ab", 1 },	   { "a*b*c", "axxbyyc", 1 }, { "a*b*c", "axxbyy", 0 },
	{ "getp*id", "getpid", 1 }, { "getp*id", "getppid", 1 },
	{ "getp*id", "getpwuid", 1 }, { "getp*id", "getpid_x", 0 },
	/* backtracking: the first "ab" is not the one that ends the name */
	{ "*ab", "abxab", 1 },	   { "*a?c", "abcaxc", 1 },  { "*a?c", "abcaxd", 0 },
	/* no classes and no escapes: '[' and '\' are plain characters */
	{ "a[bc]", "ab", 0 },	   { "a[bc]", "a[bc]", 1 },  { "a\\*", "a\\x", 1 },
	/* exponential for a naive recursion; one pass here */
	{ "*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0 },
};

START_TEST(test_glob_match)
{
	ck_assert_msg(usym_glob_match(globs[_i].pattern, globs[_i].name) == globs[_i].match,
		      "'%s' on '%s': expected %d", globs[_i].pattern, globs[_i].name,
		      globs[_i].match);
}
END_TEST

/* ---- a hand-built ET_DYN ------------------------------------------------ */

/*
 * Layout (one text segment, file offset 0x1000 at vaddr 0x401000, so a
 * function at 0x4011xx is at file offset 0x11xx):
 *   0x000 ELF header, 0x40 program header
 *   0x100 .symtab (SYMS entries)   0x400 .strtab
 *   0x500 .dynsym (DSYMS entries)  0x600 .dynstr  0x680 .shstrtab
 *   0x700 section headers: null, .symtab, .strtab, .dynsym, .dynstr, .text,
 *         .shstrtab
 */
enum { SYMTAB_AT = 0x100, STRTAB_AT = 0x400, DYNSYM_AT = 0x500, DYNSTR_AT = 0x600,
       SHSTR_AT = 0x680, SHDR_AT = 0x700, NSEC = 7,
       IMG_SIZE = SHDR_AT + NSEC * sizeof(Elf64_Shdr) };
static const char shstrtab[] = "\0.symtab\0.strtab\0.dynsym\0.dynstr\0.text\0.shstrtab";

static const char strtab[] = "\0add\0add2\0add_alias\0addobj\0addundef\0addzero\0addl\0sub";
enum { S_ADD = 1, S_ADD2 = 5, S_ALIAS = 10, S_OBJ = 20, S_UNDEF = 27, S_ZERO = 36,
       S_ADDL = 44, S_SUB = 49 };
static const char dynstr[] = "\0add\0add3";
enum { D_ADD = 1, D_ADD3 = 5 };

#define FUNC(b) ELF64_ST_INFO(b, STT_FUNC)
static const Elf64_Sym syms[] = {
	{ 0 },
	{ S_ADD, FUNC(STB_GLOBAL), 0, 5, 0x401100, 16 },
	{ S_ADD2, FUNC(STB_GLOBAL), 0, 5, 0x401200, 16 },
	{ S_ALIAS, FUNC(STB_WEAK), 0, 5, 0x401100, 16 },	/* same code as add */
	{ S_OBJ, ELF64_ST_INFO(STB_GLOBAL, STT_OBJECT), 0, 5, 0x401180, 8 },
	{ S_UNDEF, FUNC(STB_GLOBAL), 0, SHN_UNDEF, 0, 0 },
	{ S_ZERO, FUNC(STB_GLOBAL), 0, 5, 0, 0 },
	{ S_ADDL, FUNC(STB_LOCAL), 0, 5, 0x401300, 16 },	/* static: .symtab only */
	{ S_SUB, FUNC(STB_GLOBAL), 0, 5, 0x401400, 16 },
	{ 9999, FUNC(STB_GLOBAL), 0, 5, 0x401480, 16 },	/* name past .strtab */
};
static const Elf64_Sym dsyms[] = {
	{ 0 },
	{ D_ADD, FUNC(STB_GLOBAL), 0, 5, 0x401100, 16 },	/* also in .symtab */
	{ D_ADD3, FUNC(STB_GLOBAL), 0, 5, 0x401500, 16 },	/* .dynsym only */
};

static uint8_t img[IMG_SIZE];

static void img_build(void)
{
	Elf64_Ehdr eh = { 0 };
	Elf64_Phdr ph = { .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = 0x1000,
			  .p_vaddr = 0x401000, .p_filesz = 0x1000, .p_memsz = 0x1000 };
	Elf64_Shdr sh[NSEC] = {
		{ 0 },
		{ .sh_name = 1, .sh_type = SHT_SYMTAB, .sh_offset = SYMTAB_AT,
		  .sh_size = sizeof(syms), .sh_link = 2, .sh_entsize = sizeof(Elf64_Sym) },
		{ .sh_name = 9, .sh_type = SHT_STRTAB, .sh_offset = STRTAB_AT,
		  .sh_size = sizeof(strtab) },
		{ .sh_name = 17, .sh_type = SHT_DYNSYM, .sh_offset = DYNSYM_AT,
		  .sh_size = sizeof(dsyms), .sh_link = 4, .sh_entsize = sizeof(Elf64_Sym) },
		{ .sh_name = 25, .sh_type = SHT_STRTAB, .sh_offset = DYNSTR_AT,
		  .sh_size = sizeof(dynstr) },
		{ .sh_name = 33, .sh_type = SHT_NOBITS, .sh_addr = 0x401000, .sh_size = 0x1000 },
		{ .sh_name = 39, .sh_type = SHT_STRTAB, .sh_offset = SHSTR_AT,
		  .sh_size = sizeof(shstrtab) },
	};

	_Static_assert(sizeof(syms) <= STRTAB_AT - SYMTAB_AT, ".symtab fits");
	memset(img, 0, sizeof(img));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_version = EV_CURRENT;
	eh.e_type = ET_DYN;
	eh.e_machine = EM_X86_64;
	eh.e_phoff = sizeof(eh);
	eh.e_phnum = 1;
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_shoff = SHDR_AT;
	eh.e_shnum = NSEC;
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shstrndx = 6;
	memcpy(img, &eh, sizeof(eh));
	memcpy(img + sizeof(eh), &ph, sizeof(ph));
	memcpy(img + SYMTAB_AT, syms, sizeof(syms));
	memcpy(img + STRTAB_AT, strtab, sizeof(strtab));
	memcpy(img + DYNSYM_AT, dsyms, sizeof(dsyms));
	memcpy(img + DYNSTR_AT, dynstr, sizeof(dynstr));
	memcpy(img + SHSTR_AT, shstrtab, sizeof(shstrtab));
	memcpy(img + SHDR_AT, sh, sizeof(sh));
}

static Elf64_Shdr *img_shdr(unsigned i)
{
	return (Elf64_Shdr *)(img + SHDR_AT + i * sizeof(Elf64_Shdr));
}

/* Write img (its first @size bytes) to a fresh file; its path in @path. */
static void img_write(char *path, size_t size)
{
	int fd;

	strcpy(path, "/tmp/rawload-usym-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, img, size), (ssize_t)size);
	close(fd);
}

/* usym_glob on img as built; the result's arrays stay for the caller. */
static int glob_img(const char *pattern, uint64_t **off, char ***names, size_t *n,
		    struct errbuf *eb, size_t size)
{
	char path[64];
	int err;

	img_write(path, size);
	err = usym_glob(path, pattern, off, names, n, eb);
	unlink(path);
	return err;
}

START_TEST(test_glob_collect)
{
	struct errbuf eb = { { 0 } };
	uint64_t *off;
	char **names;
	size_t n;

	img_build();
	ck_assert_msg(glob_img("add*", &off, &names, &n, &eb, sizeof(img)) == 0, "%s", eb.msg);
	/* not addobj (an object), addundef (undefined), addzero (value 0);
	 * add_alias and .dynsym's add merged into add (first name kept);
	 * add3 from .dynsym; all sorted by offset */
	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(off[0], 0x1100);
	ck_assert_str_eq(names[0], "add");
	ck_assert_uint_eq(off[1], 0x1200);
	ck_assert_str_eq(names[1], "add2");
	ck_assert_uint_eq(off[2], 0x1300);
	ck_assert_str_eq(names[2], "addl");
	ck_assert_uint_eq(off[3], 0x1500);
	ck_assert_str_eq(names[3], "add3");
	usym_glob_free(off, names, n);

	ck_assert_msg(glob_img("add_alias", &off, &names, &n, &eb, sizeof(img)) == 0, "%s",
		      eb.msg);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(off[0], 0x1100);
	ck_assert_str_eq(names[0], "add_alias");
	usym_glob_free(off, names, n);

	ck_assert_msg(glob_img("*", &off, &names, &n, &eb, sizeof(img)) == 0, "%s", eb.msg);
	ck_assert_uint_eq(n, 5);	/* add add2 addl sub add3 */
	for (size_t i = 1; i < n; i++)
		ck_assert_uint_gt(off[i], off[i - 1]);
	usym_glob_free(off, names, n);
}
END_TEST

START_TEST(test_glob_no_match)
{
	struct errbuf eb = { { 0 } };
	uint64_t *off = (uint64_t *)1;
	char **names = (char **)1;
	size_t n = 7;

	img_build();
	ck_assert_int_eq(glob_img("addobj", &off, &names, &n, &eb, sizeof(img)), -ENOENT);
	ck_assert_ptr_null(off);
	ck_assert_ptr_null(names);
	ck_assert_uint_eq(n, 0);
	ck_assert_msg(strstr(eb.msg, "no function matching 'addobj' (7 functions in .symtab "
				     "and .dynsym); list them with 'nm ") != NULL, "%s", eb.msg);
	/* only .dynsym: the message says which table was searched */
	img_shdr(1)->sh_type = SHT_PROGBITS;
	ck_assert_int_eq(glob_img("addl", &off, &names, &n, &eb, sizeof(img)), -ENOENT);
	ck_assert_msg(strstr(eb.msg, "(2 functions in .dynsym)") != NULL, "%s", eb.msg);
}
END_TEST

/* Malformed files: -errno and a message naming the part, never a read
 * past the file (the unit binary runs under ASan). */
static void m_symtab_past_end(void) { img_shdr(1)->sh_offset = IMG_SIZE - 8; }
static void m_strtab_past_end(void) { img_shdr(2)->sh_size = 0x100000; }
static void m_bad_link(void) { img_shdr(3)->sh_link = 99; }
static void m_bad_entsize(void) { img_shdr(1)->sh_entsize = 16; }
static void m_no_segment(void) { ((Elf64_Phdr *)(img + sizeof(Elf64_Ehdr)))->p_filesz = 0x150; }
static void m_phdr_past_end(void) { ((Elf64_Ehdr *)img)->e_phoff = IMG_SIZE; }
static void m_not_elf(void) { img[1] = 'X'; }
static void m_elf32(void) { img[EI_CLASS] = ELFCLASS32; }

static const struct {
	const char *name;
	void (*mutate)(void);
	int err;
	const char *msg;
} bad[] = {
	{ "symtab past the end", m_symtab_past_end, -ENOEXEC,
	  "section 1: offset 0x8b8 + size 0xf0 runs past the end of the file" },
	{ "strtab past the end", m_strtab_past_end, -ENOEXEC,
	  "section 2: offset 0x400 + size 0x100000 runs past the end of the file" },
	{ "dynsym link out of range", m_bad_link, -ENOEXEC,
	  "malformed .dynsym: section 3 '.dynsym': its string table (sh_link 99) is no "
	  "SHT_STRTAB" },
	{ "symtab entsize 16", m_bad_entsize, -ENOEXEC,
	  "malformed .symtab: section 1 '.symtab': 240 bytes in entries of 16 bytes" },
	{ "add2 in no segment", m_no_segment, -ENOEXEC,
	  "'add2' (.symtab symbol 2, value 0x401200) is in no PT_LOAD segment" },
	{ "program headers past the end", m_phdr_past_end, -ENOEXEC, "program headers" },
	{ "not ELF", m_not_elf, -ENOEXEC, "not an ELF file" },
	{ "ELF32", m_elf32, -ENOEXEC, "ELF class 1: not a 64-bit file" },
};

START_TEST(test_glob_bad)
{
	struct errbuf eb = { { 0 } };
	uint64_t *off;
	char **names;
	size_t n;

	img_build();
	bad[_i].mutate();
	ck_assert_int_eq(glob_img("add*", &off, &names, &n, &eb, sizeof(img)), bad[_i].err);
	ck_assert_msg(strstr(eb.msg, bad[_i].msg) != NULL, "%s: '%s'", bad[_i].name, eb.msg);
	ck_assert_ptr_null(off);
}
END_TEST

START_TEST(test_glob_truncated)
{
	struct errbuf eb = { { 0 } };
	uint64_t *off;
	char **names;
	size_t n;

	/* every length short of the whole image is refused or (cut after the
	 * tables it needs) answered, never read past */
	img_build();
	for (size_t size = 0; size < sizeof(img); size += 7) {
		int err = glob_img("add*", &off, &names, &n, &eb, size);

		ck_assert_msg(err == -ENOEXEC || (err == 0 && n == 4), "size %zu: %d %s", size,
			      err, eb.msg);
		if (!err)
			usym_glob_free(off, names, n);
	}
	ck_assert_int_eq(usym_glob("/nonexistent/x", "a", &off, &names, &n, &eb), -ENOENT);
	ck_assert_msg(strstr(eb.msg, "/nonexistent/x: cannot open: ENOENT") != NULL, "%s", eb.msg);
}
END_TEST

/* ---- this binary, built by the compiler --------------------------------- */

START_TEST(test_glob_compiled)
{
	struct errbuf eb = { { 0 } };
	uint64_t *off, one;
	char **names;
	size_t n;
	int found = 0;

	ck_assert_msg(usym_glob("/proc/self/exe", "usym_glob*", &off, &names, &n, &eb) == 0,
		      "%s", eb.msg);
	ck_assert_uint_ge(n, 3);	/* usym_glob, usym_glob_free, usym_glob_match */
	for (size_t i = 0; i < n; i++) {
		ck_assert(usym_glob_match("usym_glob*", names[i]));
		if (i)
			ck_assert_uint_gt(off[i], off[i - 1]);
		if (!strcmp(names[i], "usym_glob_match")) {
			/* the one-name lookup uprobe:PATH:SYMBOL uses agrees */
			ck_assert_msg(usym_file_offset("/proc/self/exe", names[i], &one, &eb) == 0,
				      "%s", eb.msg);
			ck_assert_uint_eq(off[i], one);
			found = 1;
		}
	}
	ck_assert(found);
	usym_glob_free(off, names, n);
}
END_TEST

static Suite *usym_suite(void)
{
	Suite *s = suite_create("usym");
	TCase *tc = tcase_create("glob");

	tcase_add_loop_test(tc, test_glob_match, 0, sizeof(globs) / sizeof(globs[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("functions");
	tcase_add_test(tc, test_glob_collect);
	tcase_add_test(tc, test_glob_no_match);
	tcase_add_loop_test(tc, test_glob_bad, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_glob_truncated);
	tcase_add_test(tc, test_glob_compiled);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(usym_suite)
