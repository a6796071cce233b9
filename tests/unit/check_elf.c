/*
 * tests/unit/check_elf.c - the ELF reader against libelf.
 *
 * libelf (elfutils) is an independent reader of the same format, so for
 * every object under build/progs/ the two must agree on everything rawload
 * takes from the file: the section table (name, type, flags, size, offset,
 * link, info, entsize, and the bytes), the symbol table, and every REL
 * section's entries and target. A disagreement names the object, the
 * section or symbol, and both values.
 *
 * The accessor tests after that pin down the API's promises on known
 * objects: lookups by name, .bss having a size but no bytes, and the REL
 * view of a program's relocations.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf/elf.h"
#include "elf/object.h"
#include "unit.h"

/* Both readers open the same file; the test owns both handles. */
struct both {
	const char *path;
	struct elf_file ef;	/* ours */
	int fd;			/* libelf's descriptor */
	Elf *e;			/* libelf's handle */
	size_t shstrndx;	/* libelf's section name table index */
};

static void both_open(struct both *b, const char *path)
{
	struct errbuf eb = { { 0 } };
	int err;

	memset(b, 0, sizeof(*b));
	b->path = path;
	err = elf_open_file(path, &b->ef, &eb);
	ck_assert_msg(err == 0, "%s: elf_open_file: %d: %s", path, err, eb.msg);

	ck_assert_msg(elf_version(EV_CURRENT) != EV_NONE, "libelf: %s",
		      elf_errmsg(-1));
	b->fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_msg(b->fd >= 0, "%s: open: %s", path, strerror(errno));
	b->e = elf_begin(b->fd, ELF_C_READ, NULL);
	ck_assert_msg(b->e != NULL, "%s: elf_begin: %s", path, elf_errmsg(-1));
	ck_assert_msg(elf_kind(b->e) == ELF_K_ELF, "%s: libelf: not ELF", path);
	ck_assert_msg(elf_getshdrstrndx(b->e, &b->shstrndx) == 0,
		      "%s: elf_getshdrstrndx: %s", path, elf_errmsg(-1));
}

static void both_close(struct both *b)
{
	elf_end(b->e);
	close(b->fd);
	elf_close(&b->ef);
}

/* Open the object at position @i of the sorted build/progs list. */
static void both_open_nth(struct both *b, char ***list, int i)
{
	*list = unit_list_objects();
	for (int k = 0; k <= i; k++)
		ck_assert_msg((*list)[k] != NULL,
			      "no object #%d in %s: run 'make progs'", i, PROGS_DIR);
	both_open(b, (*list)[i]);
}

static GElf_Shdr lib_shdr(const struct both *b, size_t i)
{
	Elf_Scn *scn = elf_getscn(b->e, i);
	GElf_Shdr sh;

	ck_assert_msg(scn != NULL, "%s: elf_getscn(%zu): %s", b->path, i,
		      elf_errmsg(-1));
	ck_assert_msg(gelf_getshdr(scn, &sh) != NULL, "%s: gelf_getshdr(%zu): %s",
		      b->path, i, elf_errmsg(-1));
	return sh;
}

static const char *lib_str(const struct both *b, size_t strndx, size_t off)
{
	const char *s = elf_strptr(b->e, strndx, off);

	ck_assert_msg(s != NULL, "%s: elf_strptr(%zu, %zu): %s", b->path, strndx,
		      off, elf_errmsg(-1));
	return s;
}

#define SAME(what, ours, theirs)                                               \
	ck_assert_msg((uint64_t)(ours) == (uint64_t)(theirs),                  \
		      "%s: %s: rawload says 0x%llx, libelf says 0x%llx",      \
		      b->path, what, (unsigned long long)(ours),               \
		      (unsigned long long)(theirs))

/* The section table, every header field and every section's bytes. */
static void compare_sections(const struct both *b)
{
	const struct elf_file *ef = &b->ef;
	size_t n;
	char what[160];

	ck_assert_msg(elf_getshdrnum(b->e, &n) == 0, "%s: elf_getshdrnum: %s",
		      b->path, elf_errmsg(-1));
	SAME("section count", ef->shnum, n);
	SAME("section name table index", ef->shstrndx, b->shstrndx);

	for (size_t i = 0; i < n; i++) {
		GElf_Shdr sh = lib_shdr(b, i);
		const Elf64_Shdr *our = &ef->shdrs[i];
		const char *name = i ? lib_str(b, b->shstrndx, sh.sh_name) : "";
		const void *bytes;
		size_t len;
		struct errbuf eb = { { 0 } };
		Elf_Data *d;
		int err;

		ck_assert_msg(strcmp(elf_section_name(ef, i), name) == 0,
			      "%s: section %zu: rawload names it '%s', libelf '%s'",
			      b->path, i, elf_section_name(ef, i), name);
#define FIELD(f)                                                               \
	do {                                                                   \
		snprintf(what, sizeof(what), "section %zu '%s' " #f, i, name); \
		SAME(what, our->f, sh.f);                                      \
	} while (0)
		FIELD(sh_name);
		FIELD(sh_type);
		FIELD(sh_flags);
		FIELD(sh_addr);
		FIELD(sh_offset);
		FIELD(sh_size);
		FIELD(sh_link);
		FIELD(sh_info);
		FIELD(sh_addralign);
		FIELD(sh_entsize);
#undef FIELD
		if (i == 0)
			continue;

		/* The bytes: ours must be exactly libelf's untranslated data. */
		err = elf_section_bytes(ef, i, &bytes, &len, &eb);
		ck_assert_msg(err == 0, "%s: section %zu '%s': elf_section_bytes: %s",
			      b->path, i, name, eb.msg);
		d = elf_rawdata(elf_getscn(b->e, i), NULL);
		if (sh.sh_type == SHT_NOBITS) {
			ck_assert_msg(bytes == NULL && len == 0,
				      "%s: NOBITS section %zu '%s' has bytes (%zu)",
				      b->path, i, name, len);
			continue;
		}
		ck_assert_msg(d != NULL || sh.sh_size == 0,
			      "%s: section %zu '%s': elf_rawdata: %s", b->path, i,
			      name, elf_errmsg(-1));
		snprintf(what, sizeof(what), "section %zu '%s' byte count", i, name);
		SAME(what, len, d ? d->d_size : 0);
		ck_assert_msg(len == 0 || memcmp(bytes, d->d_buf, len) == 0,
			      "%s: section %zu '%s': bytes differ from libelf's",
			      b->path, i, name);
	}
}

/* elf_find_section returns the first section of that name, as a linear
 * search over libelf's names would. */
static void compare_lookup(const struct both *b)
{
	size_t n = b->ef.shnum;

	for (size_t i = 1; i < n; i++) {
		const char *name = lib_str(b, b->shstrndx, lib_shdr(b, i).sh_name);
		size_t first = i;

		for (size_t j = 1; j < i; j++)
			if (strcmp(lib_str(b, b->shstrndx, lib_shdr(b, j).sh_name),
				   name) == 0) {
				first = j;
				break;
			}
		ck_assert_msg(elf_find_section(&b->ef, name) == first,
			      "%s: elf_find_section(\"%s\") = %zu, expected %zu",
			      b->path, name, elf_find_section(&b->ef, name), first);
	}
}

/* The symbol table, entry by entry. Returns the number of symbols. */
static size_t compare_symbols(const struct both *b)
{
	const struct elf_file *ef = &b->ef;
	size_t symtab = 0, n = ef->shnum;
	GElf_Shdr sh;
	Elf_Data *d;
	size_t count;
	char what[200];

	for (size_t i = 1; i < n; i++)
		if (lib_shdr(b, i).sh_type == SHT_SYMTAB) {
			symtab = i;
			break;
		}
	ck_assert_msg(symtab != 0, "%s: libelf finds no SHT_SYMTAB", b->path);
	SAME("symbol table index", ef->symtab, symtab);
	sh = lib_shdr(b, symtab);
	SAME("symbol string table index", ef->strtab, sh.sh_link);
	d = elf_getdata(elf_getscn(b->e, symtab), NULL);
	ck_assert_msg(d != NULL, "%s: elf_getdata(symtab): %s", b->path,
		      elf_errmsg(-1));
	count = sh.sh_size / sh.sh_entsize;
	SAME("symbol count", ef->nsyms, count);

	for (size_t i = 0; i < count; i++) {
		const Elf64_Sym *our = &ef->syms[i];
		GElf_Sym s;
		const char *name;

		ck_assert_msg(gelf_getsym(d, (int)i, &s) != NULL,
			      "%s: gelf_getsym(%zu): %s", b->path, i, elf_errmsg(-1));
		name = lib_str(b, sh.sh_link, s.st_name);
		ck_assert_msg(strcmp(elf_sym_name(ef, i), name) == 0,
			      "%s: symbol %zu: rawload names it '%s', libelf '%s'",
			      b->path, i, elf_sym_name(ef, i), name);
#define SYM(label, ours, theirs)                                               \
	do {                                                                   \
		snprintf(what, sizeof(what), "symbol %zu '%s' %s", i, name,    \
			 label);                                               \
		SAME(what, ours, theirs);                                      \
	} while (0)
		SYM("section index", our->st_shndx, s.st_shndx);
		SYM("value", our->st_value, s.st_value);
		SYM("size", our->st_size, s.st_size);
		SYM("binding", ELF64_ST_BIND(our->st_info), GELF_ST_BIND(s.st_info));
		SYM("type", ELF64_ST_TYPE(our->st_info), GELF_ST_TYPE(s.st_info));
		SYM("visibility", ELF64_ST_VISIBILITY(our->st_other),
		    GELF_ST_VISIBILITY(s.st_other));
#undef SYM
	}
	return count;
}

/* Every SHT_REL section through elf_rel_section(). Returns how many
 * relocation sections there were. */
static size_t compare_relocations(const struct both *b)
{
	size_t n = b->ef.shnum, nrel = 0;
	char what[200];

	for (size_t i = 1; i < n; i++) {
		GElf_Shdr sh = lib_shdr(b, i);
		const char *name = lib_str(b, b->shstrndx, sh.sh_name);
		struct elf_rel_section rs;
		struct errbuf eb = { { 0 } };
		Elf_Data *d;
		size_t count;
		int err;

		if (sh.sh_type != SHT_REL)
			continue;
		nrel++;
		err = elf_rel_section(&b->ef, i, &rs, &eb);
		ck_assert_msg(err == 0, "%s: section %zu '%s': elf_rel_section: %s",
			      b->path, i, name, eb.msg);
		snprintf(what, sizeof(what), "section %zu '%s' index", i, name);
		SAME(what, rs.shndx, i);
		snprintf(what, sizeof(what), "section %zu '%s' target (sh_info)", i,
			 name);
		SAME(what, rs.target, sh.sh_info);
		d = elf_getdata(elf_getscn(b->e, i), NULL);
		ck_assert_msg(d != NULL, "%s: elf_getdata(%zu): %s", b->path, i,
			      elf_errmsg(-1));
		count = sh.sh_size / sh.sh_entsize;
		snprintf(what, sizeof(what), "section %zu '%s' entry count", i, name);
		SAME(what, rs.count, count);

		for (size_t j = 0; j < count; j++) {
			GElf_Rel r;

			ck_assert_msg(gelf_getrel(d, (int)j, &r) != NULL,
				      "%s: gelf_getrel(%zu, %zu): %s", b->path, i, j,
				      elf_errmsg(-1));
			snprintf(what, sizeof(what), "section %zu '%s' relocation %zu offset",
				 i, name, j);
			SAME(what, rs.rels[j].r_offset, r.r_offset);
			snprintf(what, sizeof(what), "section %zu '%s' relocation %zu type",
				 i, name, j);
			SAME(what, ELF64_R_TYPE(rs.rels[j].r_info), GELF_R_TYPE(r.r_info));
			snprintf(what, sizeof(what), "section %zu '%s' relocation %zu symbol",
				 i, name, j);
			SAME(what, ELF64_R_SYM(rs.rels[j].r_info), GELF_R_SYM(r.r_info));
		}
	}
	return nrel;
}

/* One object of build/progs per iteration (_i is the loop index). */
START_TEST(test_same_as_libelf)
{
	struct both both, *b = &both;
	char **list;
	GElf_Ehdr eh;
	size_t nsyms, nrel;

	both_open_nth(b, &list, _i);
	ck_assert_msg(gelf_getehdr(b->e, &eh) != NULL, "%s: gelf_getehdr: %s",
		      b->path, elf_errmsg(-1));
	SAME("e_type", b->ef.ehdr->e_type, eh.e_type);
	SAME("e_machine", b->ef.ehdr->e_machine, eh.e_machine);
	SAME("e_shoff", b->ef.ehdr->e_shoff, eh.e_shoff);

	compare_sections(b);
	compare_lookup(b);
	nsyms = compare_symbols(b);
	nrel = compare_relocations(b);
	/* Not vacuous: every test program has symbols and relocations. */
	ck_assert_msg(nsyms > 1, "%s: only %zu symbols", b->path, nsyms);
	ck_assert_msg(nrel > 0, "%s: no REL sections", b->path);

	both_close(b);
	unit_free_list(list);
}
END_TEST

/* ---- accessors, on objects whose contents the test programs fix ---- */

#define GLOBALS_O PROGS_DIR "/globals.bpf.o"
#define SUBPROGS_O PROGS_DIR "/subprogs.bpf.o"
#define GETPID_SEC "tracepoint/syscalls/sys_enter_getpid"

static void open_ours(const char *path, struct elf_file *ef)
{
	struct errbuf eb = { { 0 } };
	int err = elf_open_file(path, ef, &eb);

	ck_assert_msg(err == 0, "%s: elf_open_file: %d: %s (run 'make progs')",
		      path, err, eb.msg);
}

static size_t find_sym(const struct elf_file *ef, const char *name)
{
	for (size_t i = 1; i < ef->nsyms; i++)
		if (strcmp(elf_sym_name(ef, i), name) == 0)
			return i;
	ck_abort_msg("no symbol '%s'", name);
	return 0;
}

START_TEST(test_find_section)
{
	struct elf_file ef;
	struct errbuf eb = { { 0 } };
	const void *bytes;
	size_t text, lic, len;

	open_ours(GLOBALS_O, &ef);
	text = elf_find_section(&ef, ".text");
	ck_assert_uint_gt(text, 0);
	ck_assert_str_eq(elf_section_name(&ef, text), ".text");
	ck_assert_uint_eq(ef.shdrs[text].sh_type, SHT_PROGBITS);
	ck_assert(ef.shdrs[text].sh_flags & SHF_EXECINSTR);

	lic = elf_find_section(&ef, "license");
	ck_assert_uint_gt(lic, 0);
	ck_assert_int_eq(elf_section_bytes(&ef, lic, &bytes, &len, &eb), 0);
	ck_assert_uint_eq(len, 4);
	ck_assert_mem_eq(bytes, "GPL", 4);

	ck_assert_uint_gt(elf_find_section(&ef, GETPID_SEC), 0);
	ck_assert_uint_gt(elf_find_section(&ef, ".data.custom"), 0);
	ck_assert_uint_gt(elf_find_section(&ef, ".rodata.custom"), 0);
	/* Exact names only: no prefix or suffix matches. */
	ck_assert_uint_eq(elf_find_section(&ef, ".nope"), 0);
	ck_assert_uint_eq(elf_find_section(&ef, ".tex"), 0);
	ck_assert_uint_eq(elf_find_section(&ef, ".data.custo"), 0);
	ck_assert_uint_eq(elf_find_section(&ef, ""), 0);
	ck_assert_str_eq(elf_section_name(&ef, 0), "");
	elf_close(&ef);
}
END_TEST

START_TEST(test_bss_is_nobits)
{
	struct elf_file ef;
	struct errbuf eb = { { 0 } };
	const void *bytes = (const void *)1;
	size_t bss, len = 99;

	open_ours(GLOBALS_O, &ef);
	bss = elf_find_section(&ef, ".bss");
	ck_assert_uint_gt(bss, 0);
	ck_assert_uint_eq(ef.shdrs[bss].sh_type, SHT_NOBITS);
	ck_assert_uint_gt(ef.shdrs[bss].sh_size, 0);	/* a size, but no bytes */
	ck_assert_int_eq(elf_section_bytes(&ef, bss, &bytes, &len, &eb), 0);
	ck_assert_ptr_null(bytes);
	ck_assert_uint_eq(len, 0);
	elf_close(&ef);
}
END_TEST

START_TEST(test_section_bytes_data)
{
	struct elf_file ef;
	struct errbuf eb = { { 0 } };
	const void *bytes;
	size_t sec, len;
	int v;

	/* globals.bpf.c: int custom_counter SEC(".data.custom") = 7;
	 *                const volatile int custom_limit SEC(".rodata.custom") = 42; */
	open_ours(GLOBALS_O, &ef);
	sec = elf_find_section(&ef, ".data.custom");
	ck_assert_int_eq(elf_section_bytes(&ef, sec, &bytes, &len, &eb), 0);
	ck_assert_uint_eq(len, sizeof(int));
	memcpy(&v, bytes, sizeof(v));
	ck_assert_int_eq(v, 7);
	sec = elf_find_section(&ef, ".rodata.custom");
	ck_assert_int_eq(elf_section_bytes(&ef, sec, &bytes, &len, &eb), 0);
	ck_assert_uint_eq(len, sizeof(int));
	memcpy(&v, bytes, sizeof(v));
	ck_assert_int_eq(v, 42);
	/* Index 0 and indexes past the table are refused with a reason. */
	ck_assert_int_eq(elf_section_bytes(&ef, 0, &bytes, &len, &eb), -EINVAL);
	ck_assert_int_eq(elf_section_bytes(&ef, ef.shnum, &bytes, &len, &eb),
			 -EINVAL);
	ck_assert(eb.msg[0] != '\0');
	elf_close(&ef);
}
END_TEST

START_TEST(test_symbols)
{
	struct elf_file ef;
	const Elf64_Sym *s;
	size_t prog_sec;

	open_ours(GLOBALS_O, &ef);
	ck_assert_uint_gt(ef.symtab, 0);
	ck_assert_uint_gt(ef.nsyms, 1);
	ck_assert_str_eq(elf_sym_name(&ef, 0), "");

	/* A program is a global function symbol in its section. */
	prog_sec = elf_find_section(&ef, GETPID_SEC);
	s = &ef.syms[find_sym(&ef, "count_getpid")];
	ck_assert_uint_eq(s->st_shndx, prog_sec);
	ck_assert_uint_eq(ELF64_ST_TYPE(s->st_info), STT_FUNC);
	ck_assert_uint_eq(ELF64_ST_BIND(s->st_info), STB_GLOBAL);
	ck_assert_uint_eq(s->st_value, 0);
	ck_assert_uint_eq(s->st_size, ef.shdrs[prog_sec].sh_size);

	/* Variables: an object symbol in the section of their kind. */
	s = &ef.syms[find_sym(&ef, "target_pid")];
	ck_assert_uint_eq(s->st_shndx, elf_find_section(&ef, ".rodata"));
	ck_assert_uint_eq(ELF64_ST_TYPE(s->st_info), STT_OBJECT);
	ck_assert_uint_eq(s->st_size, sizeof(int));
	s = &ef.syms[find_sym(&ef, "hits")];
	ck_assert_uint_eq(s->st_shndx, elf_find_section(&ef, ".bss"));
	s = &ef.syms[find_sym(&ef, "limits")];
	ck_assert_uint_eq(s->st_shndx, elf_find_section(&ef, ".data"));
	ck_assert_uint_eq(s->st_size, 16);
	elf_close(&ef);
}
END_TEST

/* obj_find_symbol's index answers what a scan of the symbol table
 * answers (the first symbol of that name in that section, of that type),
 * for every named symbol of every test program. */
static size_t scan_symbol(const struct elf_file *ef, size_t shndx, const char *name, int type)
{
	for (size_t i = 1; i < ef->nsyms; i++) {
		int t = (int)ELF64_ST_TYPE(ef->syms[i].st_info);

		if (ef->syms[i].st_shndx == shndx && t != STT_SECTION && t != STT_FILE &&
		    (type < 0 || t == type) && !strcmp(elf_sym_name(ef, i), name))
			return i;
	}
	return 0;
}

START_TEST(test_find_symbol_index)
{
	static const char *const objs[] = { GLOBALS_O, PROGS_DIR "/maps.bpf.o",
					    PROGS_DIR "/struct_ops.bpf.o",
					    SUBPROGS_O };
	size_t looked = 0;

	for (size_t k = 0; k < sizeof(objs) / sizeof(objs[0]); k++) {
		struct errbuf eb = { "" };
		struct object obj;
		const struct elf_file *ef = &obj.elf;

		ck_assert_msg(obj_open(objs[k], &obj, &eb) == 0, "%s: %s", objs[k], eb.msg);
		for (size_t i = 1; i < ef->nsyms; i++) {
			const char *name = elf_sym_name(ef, i);
			size_t sh = ef->syms[i].st_shndx;

			ck_assert_uint_eq(obj_find_symbol(&obj, sh, name, -1),
					  scan_symbol(ef, sh, name, -1));
			ck_assert_uint_eq(obj_find_symbol(&obj, sh, name, STT_OBJECT),
					  scan_symbol(ef, sh, name, STT_OBJECT));
			looked++;
		}
		ck_assert_uint_eq(obj_find_symbol(&obj, 1, "rl_no_such_symbol", -1), 0);
		obj_close(&obj);
	}
	ck_assert_uint_gt(looked, 50);
}
END_TEST

START_TEST(test_extern_symbols)
{
	struct elf_file ef;
	const Elf64_Sym *s;

	/* __kconfig and __ksym externs are undefined global symbols. */
	open_ours(PROGS_DIR "/externs.bpf.o", &ef);
	s = &ef.syms[find_sym(&ef, "LINUX_KERNEL_VERSION")];
	ck_assert_uint_eq(s->st_shndx, SHN_UNDEF);
	ck_assert_uint_eq(ELF64_ST_BIND(s->st_info), STB_GLOBAL);
	s = &ef.syms[find_sym(&ef, "CONFIG_DOES_NOT_EXIST")];
	ck_assert_uint_eq(s->st_shndx, SHN_UNDEF);
	ck_assert_uint_eq(ELF64_ST_BIND(s->st_info), STB_WEAK);
	/* A kfunc too; clang leaves undefined symbols' type STT_NOTYPE, so
	 * only BTF (a FUNC with extern linkage) tells it from a variable. */
	s = &ef.syms[find_sym(&ef, "bpf_iter_num_new")];
	ck_assert_uint_eq(s->st_shndx, SHN_UNDEF);
	ck_assert_uint_eq(ELF64_ST_TYPE(s->st_info), STT_NOTYPE);
	elf_close(&ef);
}
END_TEST

START_TEST(test_rel_section)
{
	struct elf_file ef;
	struct errbuf eb = { { 0 } };
	struct elf_rel_section rs;
	size_t prog, rel, text, calls = 0;

	/* subprogs.bpf.c: the raw_tp program calls into .text (R_BPF_64_32,
	 * type 10) and loads globals with ld_imm64 (R_BPF_64_64, type 1). */
	open_ours(SUBPROGS_O, &ef);
	prog = elf_find_section(&ef, "raw_tp/sys_enter");
	rel = elf_find_section(&ef, ".relraw_tp/sys_enter");
	text = elf_find_section(&ef, ".text");
	ck_assert_uint_gt(prog, 0);
	ck_assert_uint_gt(rel, 0);
	ck_assert_int_eq(elf_rel_section(&ef, rel, &rs, &eb), 0);
	ck_assert_uint_eq(rs.shndx, rel);
	ck_assert_uint_eq(rs.target, prog);
	ck_assert_uint_gt(rs.count, 0);
	for (size_t i = 0; i < rs.count; i++) {
		size_t sym = ELF64_R_SYM(rs.rels[i].r_info);
		unsigned type = ELF64_R_TYPE(rs.rels[i].r_info);

		ck_assert_uint_lt(rs.rels[i].r_offset, ef.shdrs[prog].sh_size);
		ck_assert_uint_eq(rs.rels[i].r_offset % 8, 0);
		ck_assert(type == 1 || type == 10);
		if (type == 10 && ef.syms[sym].st_shndx == text)
			calls++;
	}
	ck_assert_uint_gt(calls, 0);

	/* A section that is not SHT_REL is refused, with a reason. */
	eb.msg[0] = '\0';
	ck_assert_int_eq(elf_rel_section(&ef, prog, &rs, &eb), -EINVAL);
	ck_assert(eb.msg[0] != '\0');
	ck_assert_int_eq(elf_rel_section(&ef, 0, &rs, &eb), -EINVAL);
	elf_close(&ef);
}
END_TEST

START_TEST(test_open_mem_matches_file)
{
	struct elf_file fe, me;
	struct errbuf eb = { { 0 } };
	size_t size;
	void *buf = unit_read_file(GLOBALS_O, &size);

	open_ours(GLOBALS_O, &fe);
	ck_assert_int_eq(elf_open_mem(buf, size, &me, &eb), 0);
	ck_assert_uint_eq(me.size, size);
	ck_assert_int_eq(me.mapped, 0);
	ck_assert_int_eq(fe.mapped, 1);
	ck_assert_uint_eq(me.shnum, fe.shnum);
	ck_assert_uint_eq(me.symtab, fe.symtab);
	ck_assert_uint_eq(me.nsyms, fe.nsyms);
	for (size_t i = 0; i < me.shnum; i++)
		ck_assert_str_eq(elf_section_name(&me, i), elf_section_name(&fe, i));
	for (size_t i = 0; i < me.nsyms; i++)
		ck_assert_str_eq(elf_sym_name(&me, i), elf_sym_name(&fe, i));
	elf_close(&me);
	ck_assert_ptr_null(me.data);	/* closed: cleared, buffer not ours */
	elf_close(&fe);
	free(buf);
}
END_TEST

START_TEST(test_string_bounds)
{
	struct elf_file ef;
	const Elf64_Shdr *names;

	open_ours(GLOBALS_O, &ef);
	names = &ef.shdrs[ef.shstrndx];
	ck_assert_str_eq(elf_string(&ef, ef.shstrndx, 0), "");
	ck_assert_ptr_null(elf_string(&ef, ef.shstrndx, names->sh_size));
	ck_assert_ptr_null(elf_string(&ef, ef.shstrndx, UINT64_MAX));
	ck_assert_ptr_null(elf_string(&ef, 0, 0));
	ck_assert_ptr_null(elf_string(&ef, ef.shnum, 0));
	/* The symbol table is not a string table. */
	ck_assert_ptr_null(elf_string(&ef, ef.symtab, 0));
	elf_close(&ef);
}
END_TEST

/*
 * How many objects to loop over, fixed when the suite is built. Counted
 * with the same filter as unit_list_objects(), which cannot be called here:
 * its ck_assert()s only work inside a running test. With none built, one
 * iteration runs and fails with "run 'make progs'".
 */

static Suite *elf_suite(void)
{
	Suite *s = suite_create("elf");
	TCase *diff = tcase_create("libelf");
	TCase *acc = tcase_create("accessors");

	tcase_add_loop_test(diff, test_same_as_libelf, 0, unit_count_objects());
	suite_add_tcase(s, diff);

	tcase_add_test(acc, test_find_section);
	tcase_add_test(acc, test_find_symbol_index);
	tcase_add_test(acc, test_bss_is_nobits);
	tcase_add_test(acc, test_section_bytes_data);
	tcase_add_test(acc, test_symbols);
	tcase_add_test(acc, test_extern_symbols);
	tcase_add_test(acc, test_rel_section);
	tcase_add_test(acc, test_open_mem_matches_file);
	tcase_add_test(acc, test_string_bounds);
	suite_add_tcase(s, acc);
	return s;
}
UNIT_SUITE(elf_suite)
