/*
 * elf/elf.c - the ELF64 reader (see elf.h).
 *
 * elf_open_mem() checks the whole file in one pass, in the order a reader
 * would trust it: the file header, the section header table, the section
 * name table, every section's extent, the symbol table and its names, and
 * every relocation section. After that the accessors index validated
 * arrays. Each check states the numbers it compared, because the message is
 * what a user with a broken object reads.
 */
#include "elf.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* R_BPF_* relocation types in a BPF object (llvm BPFELFObjectWriter). */
#define R_BPF_MAX 10

static int check_header(struct elf_file *ef, struct errbuf *eb)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)ef->data;

	if (ef->size < EI_NIDENT || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return err_set(eb, -EINVAL, "not an ELF file (no \\177ELF magic)");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return err_set(eb, -EINVAL, ef->exec ?
			       "ELF class %u: not a 64-bit file (ELFCLASS64), the only kind "
			       "rawload reads" :
			       "ELF class %u: only 64-bit (ELFCLASS64) BPF objects exist",
			       eh->e_ident[EI_CLASS]);
	/* clang -target bpfeb builds big-endian objects; rawload, like libbpf,
	 * loads only objects in the byte order of the x86/arm64 hosts. */
	if (eh->e_ident[EI_DATA] == ELFDATA2MSB && ef->exec)
		return err_set(eb, -EINVAL, "big-endian ELF: not a file of this machine");
	if (eh->e_ident[EI_DATA] == ELFDATA2MSB)
		return err_set(eb, -EINVAL,
			       "big-endian ELF (clang -target bpfeb) is not supported: "
			       "build with -target bpf or bpfel");
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return err_set(eb, -EINVAL, "ELF data encoding %u is unknown",
			       eh->e_ident[EI_DATA]);
	if (ef->size < sizeof(Elf64_Ehdr))
		return err_set(eb, -EINVAL,
			       "file is %zu bytes, shorter than the ELF header (%zu)",
			       ef->size, sizeof(Elf64_Ehdr));
	if (ef->exec && eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return err_set(eb, -ENOEXEC, "ELF type %u is neither an executable (ET_EXEC) "
			       "nor a shared library or PIE (ET_DYN)", eh->e_type);
	if (!ef->exec && eh->e_type != ET_REL)
		return err_set(eb, -EINVAL,
			       "ELF type %u is not ET_REL: a BPF object is the "
			       "relocatable output of 'clang -c'", eh->e_type);
	if (!ef->exec && eh->e_machine != EM_BPF)
		return err_set(eb, -EINVAL,
			       "ELF machine %u is not EM_BPF (%u): build with clang -target bpf",
			       eh->e_machine, EM_BPF);
	if (eh->e_version != EV_CURRENT)
		return err_set(eb, -EINVAL, "ELF version %u is not %u",
			       eh->e_version, EV_CURRENT);
	ef->ehdr = eh;
	return 0;
}

/*
 * The section header table: e_shoff, e_shnum entries of e_shentsize bytes.
 * e_shnum == 0 with a non-zero e_shoff means the real count is in section
 * 0's sh_size (the SHN_LORESERVE escape); no BPF object needs that many
 * sections, so it is refused rather than supported half-way.
 */
static int check_section_table(struct elf_file *ef, struct errbuf *eb)
{
	const Elf64_Ehdr *eh = ef->ehdr;
	uint64_t bytes, end;

	if (eh->e_shentsize != sizeof(Elf64_Shdr))
		return err_set(eb, -EINVAL,
			       "e_shentsize is %u, expected sizeof(Elf64_Shdr) = %zu",
			       eh->e_shentsize, sizeof(Elf64_Shdr));
	if (eh->e_shnum == 0)
		return err_set(eb, -EINVAL,
			       "no section header table (e_shnum is 0)");
	bytes = (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr);
	if (__builtin_add_overflow(eh->e_shoff, bytes, &end) || end > ef->size)
		return err_set(eb, -EINVAL,
			       "section header table at 0x%" PRIx64 " (%u entries) runs "
			       "past the end of the file (0x%zx bytes)",
			       (uint64_t)eh->e_shoff, eh->e_shnum, ef->size);
	if (eh->e_shoff % _Alignof(Elf64_Shdr) != 0)
		return err_set(eb, -EINVAL,
			       "section header table offset 0x%" PRIx64 " is not %zu-byte aligned",
			       (uint64_t)eh->e_shoff, _Alignof(Elf64_Shdr));
	if (((uintptr_t)ef->data) % _Alignof(Elf64_Shdr) != 0)
		return err_set(eb, -EINVAL, "file buffer is not 8-byte aligned");
	ef->shdrs = (const Elf64_Shdr *)(ef->data + eh->e_shoff);
	ef->shnum = eh->e_shnum;
	if (eh->e_shstrndx == SHN_UNDEF || eh->e_shstrndx >= ef->shnum)
		return err_set(eb, -EINVAL,
			       "section name table index e_shstrndx %u is not in 1..%zu",
			       eh->e_shstrndx, ef->shnum - 1);
	ef->shstrndx = eh->e_shstrndx;
	return 0;
}

/* A string table must end in NUL, so any offset inside it starts a string
 * that ends inside it: one check here saves one per lookup. */
static int check_strtab(const struct elf_file *ef, size_t idx, const char *what,
			struct errbuf *eb)
{
	const Elf64_Shdr *sh = &ef->shdrs[idx];
	const void *bytes;
	size_t len;
	int err;

	if (sh->sh_type != SHT_STRTAB)
		return err_set(eb, -EINVAL, "%s: section %zu has type %u, not SHT_STRTAB",
			       what, idx, sh->sh_type);
	err = elf_section_bytes(ef, idx, &bytes, &len, eb);
	if (err)
		return err_prefix(eb, err, "%s", what);
	if (len == 0 || ((const char *)bytes)[len - 1] != '\0')
		return err_set(eb, -EINVAL, "%s: section %zu (%zu bytes) does not end in NUL",
			       what, idx, len);
	return 0;
}

struct extent {
	uint64_t off, end;
	size_t idx;
};

static int extent_cmp(const void *a, const void *b)
{
	const struct extent *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* Two sections sharing file bytes would let one section's contents be
 * read as another's (code as a map definition, say): a linker never makes
 * that, so it is refused. Sorted by offset, only neighbours can overlap. */
static int check_overlaps(const struct elf_file *ef, struct errbuf *eb)
{
	struct extent *x = malloc(ef->shnum * sizeof(*x));
	size_t n = 0;
	int err = 0;

	if (!x)
		return err_set(eb, -ENOMEM, "out of memory");
	for (size_t i = 1; i < ef->shnum; i++)
		if (ef->shdrs[i].sh_type != SHT_NOBITS && ef->shdrs[i].sh_size) {
			x[n].off = ef->shdrs[i].sh_offset;
			x[n].end = ef->shdrs[i].sh_offset + ef->shdrs[i].sh_size;
			x[n++].idx = i;
		}
	qsort(x, n, sizeof(*x), extent_cmp);
	for (size_t k = 1; k < n && !err; k++)
		if (x[k].off < x[k - 1].end)
			err = err_set(eb, -EINVAL,
				      "sections %zu '%s' and %zu '%s' overlap in the file "
				      "(0x%" PRIx64 "..0x%" PRIx64 " and 0x%" PRIx64 "..0x%" PRIx64 ")",
				      x[k - 1].idx, elf_section_name(ef, x[k - 1].idx), x[k].idx,
				      elf_section_name(ef, x[k].idx), x[k - 1].off, x[k - 1].end,
				      x[k].off, x[k].end);
	free(x);
	return err;
}

static int check_sections(struct elf_file *ef, struct errbuf *eb)
{
	const Elf64_Shdr *names = &ef->shdrs[ef->shstrndx];
	uint64_t end;
	int err;

	/* Extents first (the name table's own included), then names. */
	for (size_t i = 1; i < ef->shnum; i++) {
		const Elf64_Shdr *sh = &ef->shdrs[i];

		if (sh->sh_type == SHT_NOBITS)
			continue;
		if (__builtin_add_overflow(sh->sh_offset, sh->sh_size, &end) ||
		    end > ef->size)
			return err_set(eb, -EINVAL,
				       "section %zu: offset 0x%" PRIx64 " + size 0x%" PRIx64
				       " runs past the end of the file (0x%zx bytes)",
				       i, (uint64_t)sh->sh_offset, (uint64_t)sh->sh_size,
				       ef->size);
	}
	err = check_strtab(ef, ef->shstrndx, "section name table", eb);
	if (err)
		return err;
	for (size_t i = 1; i < ef->shnum; i++) {
		if (ef->shdrs[i].sh_name >= names->sh_size)
			return err_set(eb, -EINVAL,
				       "section %zu: name offset 0x%x is past the section "
				       "name table (0x%" PRIx64 " bytes)",
				       i, ef->shdrs[i].sh_name, (uint64_t)names->sh_size);
	}
	return check_overlaps(ef, eb);
}

/*
 * Symbols: a BPF object has one SHT_SYMTAB. Each symbol's name must be in
 * its string table and its section index must name a real section or one of
 * the reserved indexes (SHN_UNDEF for externs, SHN_ABS, SHN_COMMON). A
 * symbol defined in a section must lie inside it: st_value + st_size is
 * where later stages read a program's instructions or a variable's bytes.
 */
static int check_symbol(const struct elf_file *ef, size_t i, struct errbuf *eb)
{
	const Elf64_Sym *s = &ef->syms[i];
	const Elf64_Shdr *sh;
	uint64_t end;

	if (s->st_name >= ef->shdrs[ef->strtab].sh_size)
		return err_set(eb, -EINVAL,
			       "symbol %zu: name offset 0x%x is past the string table "
			       "(0x%" PRIx64 " bytes)", i, s->st_name,
			       (uint64_t)ef->shdrs[ef->strtab].sh_size);
	if (s->st_shndx == SHN_UNDEF || s->st_shndx == SHN_ABS ||
	    s->st_shndx == SHN_COMMON)
		return 0;
	if (s->st_shndx >= ef->shnum)
		return err_set(eb, -EINVAL,
			       "symbol %zu '%s': section index %u is not in 1..%zu",
			       i, elf_sym_name(ef, i), s->st_shndx, ef->shnum - 1);
	if (ELF64_ST_TYPE(s->st_info) == STT_SECTION ||
	    ELF64_ST_TYPE(s->st_info) == STT_FILE)
		return 0;
	sh = &ef->shdrs[s->st_shndx];
	if (__builtin_add_overflow(s->st_value, s->st_size, &end) ||
	    end > sh->sh_size)
		return err_set(eb, -EINVAL,
			       "symbol %zu '%s': value 0x%" PRIx64 " + size 0x%" PRIx64
			       " lies outside section %u '%s' (size 0x%" PRIx64 ")",
			       i, elf_sym_name(ef, i), (uint64_t)s->st_value,
			       (uint64_t)s->st_size, s->st_shndx,
			       elf_section_name(ef, s->st_shndx), (uint64_t)sh->sh_size);
	return 0;
}

static int check_symtab(struct elf_file *ef, struct errbuf *eb)
{
	int err;

	for (size_t i = 1; i < ef->shnum; i++) {
		if (ef->shdrs[i].sh_type != SHT_SYMTAB)
			continue;
		if (ef->symtab)
			return err_set(eb, -EINVAL,
				       "sections %zu and %zu are both symbol tables",
				       ef->symtab, i);
		ef->symtab = i;
	}
	if (!ef->symtab)
		return 0;	/* an object without symbols has no programs; object.c says so */
	err = ELF_TABLE(ef, ef->symtab, Elf64_Sym, &ef->syms, &ef->nsyms, eb);
	if (err)
		return err;
	ef->strtab = ef->shdrs[ef->symtab].sh_link;
	if (ef->strtab == SHN_UNDEF || ef->strtab >= ef->shnum)
		return err_set(eb, -EINVAL,
			       "section %zu '%s': sh_link %zu (its string table) is not "
			       "in 1..%zu", ef->symtab, elf_section_name(ef, ef->symtab),
			       ef->strtab, ef->shnum - 1);
	err = check_strtab(ef, ef->strtab, "symbol string table", eb);
	if (err)
		return err;
	for (size_t i = 1; i < ef->nsyms; i++) {
		err = check_symbol(ef, i, eb);
		if (err)
			return err_prefix(eb, err, "section %zu '%s'", ef->symtab,
					  elf_section_name(ef, ef->symtab));
	}
	return 0;
}

static int rel_section(const struct elf_file *ef, size_t idx,
		       struct elf_rel_section *rs, int entries, struct errbuf *eb);

/*
 * Every REL section: its table, its target, its symbol table, and each
 * entry -- except the entries of the relocations for DWARF
 * (.rel.debug_*). Nothing in rawload reads DWARF or applies them, and in
 * an object built with a full vmlinux.h they are most of the file's
 * relocations (.rel.debug_str_offsets: 12,000 entries, a tenth of a CO-RE
 * load's instructions to check); their table is still checked to lie
 * inside the file.
 */
static int check_rel(const struct elf_file *ef, size_t idx, struct errbuf *eb)
{
	struct elf_rel_section rs;
	uint32_t target = ef->shdrs[idx].sh_info;
	int dwarf = target && target < ef->shnum &&
		    !strncmp(elf_section_name(ef, target), ".debug_", 7);

	return rel_section(ef, idx, &rs, !dwarf, eb);
}

/* The program headers of a host file: whole entries, inside the file,
 * aligned (they are read in place). */
static int check_phdrs(struct elf_file *ef, struct errbuf *eb)
{
	const Elf64_Ehdr *eh = ef->ehdr;
	uint64_t end;

	if (eh->e_phnum == 0)
		return 0;
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return err_set(eb, -ENOEXEC, "e_phentsize is %u, expected sizeof(Elf64_Phdr) "
			       "= %zu", eh->e_phentsize, sizeof(Elf64_Phdr));
	if (__builtin_add_overflow(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr),
				   &end) || end > ef->size)
		return err_set(eb, -ENOEXEC, "program headers at 0x%" PRIx64 " (%u entries) "
			       "run past the end of the file (0x%zx bytes)",
			       (uint64_t)eh->e_phoff, eh->e_phnum, ef->size);
	if (eh->e_phoff % _Alignof(Elf64_Phdr))
		return err_set(eb, -ENOEXEC, "program header offset 0x%" PRIx64 " is not "
			       "%zu-byte aligned", (uint64_t)eh->e_phoff, _Alignof(Elf64_Phdr));
	ef->phdrs = (const Elf64_Phdr *)(ef->data + eh->e_phoff);
	ef->phnum = eh->e_phnum;
	return 0;
}

/* A host file: its string tables end in NUL, as an object's must. */
static int validate_exec(struct elf_file *ef, struct errbuf *eb)
{
	int err;

	if ((err = check_header(ef, eb)) || (err = check_section_table(ef, eb)) ||
	    (err = check_phdrs(ef, eb)))
		return err;
	/* what check_sections() does, less the overlap rule: a linker's
	 * output is not policed here, only read safely */
	for (size_t i = 1; i < ef->shnum; i++) {
		const Elf64_Shdr *sh = &ef->shdrs[i];
		uint64_t end;

		if (sh->sh_type != SHT_NOBITS &&
		    (__builtin_add_overflow(sh->sh_offset, sh->sh_size, &end) || end > ef->size))
			return err_set(eb, -ENOEXEC, "section %zu: offset 0x%" PRIx64 " + size 0x%"
				       PRIx64 " runs past the end of the file (0x%zx bytes)", i,
				       (uint64_t)sh->sh_offset, (uint64_t)sh->sh_size, ef->size);
	}
	for (size_t i = 1; i < ef->shnum; i++)
		if (ef->shdrs[i].sh_type == SHT_STRTAB &&
		    (err = check_strtab(ef, i, "string table", eb)))
			return err;
	if (ef->shdrs[ef->shstrndx].sh_type != SHT_STRTAB)
		return err_set(eb, -ENOEXEC, "section name table %zu is not a SHT_STRTAB",
			       ef->shstrndx);
	for (size_t i = 1; i < ef->shnum; i++)
		if (ef->shdrs[i].sh_name >= ef->shdrs[ef->shstrndx].sh_size)
			return err_set(eb, -ENOEXEC, "section %zu: name offset 0x%x is past the "
				       "section name table", i, ef->shdrs[i].sh_name);
	return 0;
}

static int validate(struct elf_file *ef, struct errbuf *eb)
{
	int err;

	if (ef->exec)
		return validate_exec(ef, eb);

	if ((err = check_header(ef, eb)) || (err = check_section_table(ef, eb)) ||
	    (err = check_sections(ef, eb)) || (err = check_symtab(ef, eb)))
		return err;
	for (size_t i = 1; i < ef->shnum; i++) {
		if (ef->shdrs[i].sh_type == SHT_RELA)
			return err_set(eb, -EINVAL,
				       "section %zu '%s': RELA relocations; BPF objects "
				       "use REL (clang emits .rel*)",
				       i, elf_section_name(ef, i));
		if (ef->shdrs[i].sh_type == SHT_REL && (err = check_rel(ef, i, eb)))
			return err;
	}
	return 0;
}

static int open_mem(const void *data, size_t size, int exec, struct elf_file *ef,
		    struct errbuf *eb)
{
	int err;

	memset(ef, 0, sizeof(*ef));
	ef->data = data;
	ef->size = size;
	ef->exec = exec;
	err = validate(ef, eb);
	if (err)
		memset(ef, 0, sizeof(*ef));
	return err;
}

int elf_open_mem(const void *data, size_t size, struct elf_file *ef,
		 struct errbuf *eb)
{
	return open_mem(data, size, 0, ef, eb);
}

/* A host file that cannot be read safely is, to its caller, not an
 * executable rawload can use: ENOEXEC, as execve(2) says it. */
static int not_exec(int err)
{
	return err == -EINVAL ? -ENOEXEC : err;
}

int elf_open_exec_mem(const void *data, size_t size, struct elf_file *ef,
		      struct errbuf *eb)
{
	return not_exec(open_mem(data, size, 1, ef, eb));
}

/* Map @path and validate it as an object (@exec 0) or a host file. A host
 * file has no size limit: the mapping is lazy, and only the headers and
 * the sections asked for are ever read. */
static int open_file(const char *path, int exec, struct elf_file *ef, struct errbuf *eb)
{
	struct stat st;
	void *map;
	int fd, err;

	memset(ef, 0, sizeof(*ef));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(eb, -errno, "cannot open: %s", err_str(errno));
	if (fstat(fd, &st) < 0) {
		err = err_set(eb, -errno, "cannot stat: %s", err_str(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = err_set(eb, -EINVAL, "not a regular file");
		goto out;
	}
	if (st.st_size == 0) {
		err = err_set(eb, -EINVAL, "empty file: not an ELF object");
		goto out;
	}
	if (!exec && (uint64_t)st.st_size > ELF_MAX_FILE_SIZE) {
		err = err_set(eb, -EFBIG, "file is %jd bytes, over rawload's limit of %u",
			      (intmax_t)st.st_size, ELF_MAX_FILE_SIZE);
		goto out;
	}
	/* A private read-only mapping: the pages come from the page cache and
	 * nothing is copied until a later stage asks for a section. */
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		err = err_set(eb, -errno, "cannot map: %s", err_str(errno));
		goto out;
	}
	err = open_mem(map, (size_t)st.st_size, exec, ef, eb);
	if (err)
		munmap(map, (size_t)st.st_size);
	else
		ef->mapped = 1;
out:
	close(fd);
	return err;
}

int elf_open_file(const char *path, struct elf_file *ef, struct errbuf *eb)
{
	return open_file(path, 0, ef, eb);
}

int elf_open_exec(const char *path, struct elf_file *ef, struct errbuf *eb)
{
	return not_exec(open_file(path, 1, ef, eb));
}

int elf_vaddr_offset(const struct elf_file *ef, uint64_t vaddr, uint64_t *off,
		     uint32_t *flags)
{
	for (size_t i = 0; i < ef->phnum; i++) {
		const Elf64_Phdr *ph = &ef->phdrs[i];

		if (ph->p_type == PT_LOAD && vaddr >= ph->p_vaddr &&
		    vaddr - ph->p_vaddr < ph->p_filesz) {
			*off = vaddr - ph->p_vaddr + ph->p_offset;
			if (flags)
				*flags = ph->p_flags;
			return 0;
		}
	}
	return -ENOEXEC;
}

void elf_close(struct elf_file *ef)
{
	if (ef->mapped && ef->data)
		munmap((void *)ef->data, ef->size);
	memset(ef, 0, sizeof(*ef));
}

const char *elf_string(const struct elf_file *ef, size_t strndx, uint64_t off)
{
	const Elf64_Shdr *sh;

	if (strndx == SHN_UNDEF || strndx >= ef->shnum)
		return NULL;
	sh = &ef->shdrs[strndx];
	if (sh->sh_type != SHT_STRTAB || off >= sh->sh_size)
		return NULL;
	return (const char *)ef->data + sh->sh_offset + off;
}

const char *elf_section_name(const struct elf_file *ef, size_t idx)
{
	const char *s;

	if (idx == SHN_UNDEF || idx >= ef->shnum)
		return "";
	s = elf_string(ef, ef->shstrndx, ef->shdrs[idx].sh_name);
	return s ? s : "<bad name>";
}

size_t elf_find_section(const struct elf_file *ef, const char *name)
{
	for (size_t i = 1; i < ef->shnum; i++)
		if (strcmp(elf_section_name(ef, i), name) == 0)
			return i;
	return 0;
}

const char *elf_sym_name(const struct elf_file *ef, size_t i)
{
	const char *s;

	if (i >= ef->nsyms)
		return "";
	s = elf_string(ef, ef->strtab, ef->syms[i].st_name);
	return s ? s : "<bad name>";
}

int elf_section_bytes(const struct elf_file *ef, size_t idx,
		      const void **bytes, size_t *len, struct errbuf *eb)
{
	const Elf64_Shdr *sh;
	uint64_t end;

	if (idx == SHN_UNDEF || idx >= ef->shnum)
		return err_set(eb, -EINVAL, "section index %zu is not in 1..%zu",
			       idx, ef->shnum - 1);
	sh = &ef->shdrs[idx];
	if (sh->sh_type == SHT_NOBITS) {
		*bytes = NULL;
		*len = 0;
		return 0;
	}
	if (__builtin_add_overflow(sh->sh_offset, sh->sh_size, &end) ||
	    end > ef->size)
		return err_set(eb, -EINVAL,
			       "section %zu '%s': offset 0x%" PRIx64 " + size 0x%" PRIx64
			       " runs past the end of the file (0x%zx bytes)",
			       idx, elf_section_name(ef, idx), (uint64_t)sh->sh_offset,
			       (uint64_t)sh->sh_size, ef->size);
	*bytes = ef->data + sh->sh_offset;
	*len = sh->sh_size;
	return 0;
}

int elf_section_table(const struct elf_file *ef, size_t idx, size_t entsize,
		      size_t align, const void **table, size_t *count,
		      struct errbuf *eb)
{
	const Elf64_Shdr *sh;
	size_t len;
	int err;

	err = elf_section_bytes(ef, idx, table, &len, eb);
	if (err)
		return err;
	sh = &ef->shdrs[idx];
	if (sh->sh_entsize != entsize || len % entsize != 0)
		return err_set(eb, -EINVAL,
			       "section %zu '%s': %zu bytes in entries of %" PRIu64
			       " bytes, expected whole entries of %zu bytes",
			       idx, elf_section_name(ef, idx), len,
			       (uint64_t)sh->sh_entsize, entsize);
	if ((uintptr_t)*table % align != 0)
		return err_set(eb, -EINVAL,
			       "section %zu '%s': offset 0x%" PRIx64 " is not %zu-byte aligned",
			       idx, elf_section_name(ef, idx), (uint64_t)sh->sh_offset,
			       align);
	*count = len / entsize;
	return 0;
}

/*
 * r_offset names the first byte of the 8-byte instruction (or data word)
 * to patch in the target section; r_info packs the symbol index (high 32
 * bits) and the R_BPF_* type (low 32). Both are checked here so that later
 * stages index without checking.
 */
static int check_rel_entries(const struct elf_file *ef, size_t idx,
			     struct elf_rel_section *rs, int entries,
			     struct errbuf *eb);

int elf_rel_section(const struct elf_file *ef, size_t idx,
		    struct elf_rel_section *rs, struct errbuf *eb)
{
	return rel_section(ef, idx, rs, 1, eb);
}

static int rel_section(const struct elf_file *ef, size_t idx,
		       struct elf_rel_section *rs, int entries, struct errbuf *eb)
{
	int err;

	if (idx == SHN_UNDEF || idx >= ef->shnum || ef->shdrs[idx].sh_type != SHT_REL)
		return err_set(eb, -EINVAL, "section %zu is not a REL section", idx);
	memset(rs, 0, sizeof(*rs));
	rs->shndx = idx;
	/* elf_section_table names the section in its own messages */
	err = ELF_TABLE(ef, idx, Elf64_Rel, &rs->rels, &rs->count, eb);
	if (err)
		return err;
	err = check_rel_entries(ef, idx, rs, entries, eb);
	if (err)
		return err_prefix(eb, err, "section %zu '%s'", idx, elf_section_name(ef, idx));
	return 0;
}

static int check_rel_entries(const struct elf_file *ef, size_t idx,
			     struct elf_rel_section *rs, int entries,
			     struct errbuf *eb)
{
	const Elf64_Shdr *sh = &ef->shdrs[idx];
	uint64_t tsize;

	if (sh->sh_link != ef->symtab || !ef->symtab)
		return err_set(eb, -EINVAL,
			       "sh_link %u is not the symbol table (section %zu)",
			       sh->sh_link, ef->symtab);
	if (sh->sh_info == SHN_UNDEF || sh->sh_info >= ef->shnum)
		return err_set(eb, -EINVAL,
			       "sh_info %u (the section to patch) is not in 1..%zu",
			       sh->sh_info, ef->shnum - 1);
	rs->target = sh->sh_info;
	tsize = ef->shdrs[rs->target].sh_size;
	for (size_t i = 0; entries && i < rs->count; i++) {
		uint64_t off = rs->rels[i].r_offset;
		uint64_t sym = ELF64_R_SYM(rs->rels[i].r_info);
		uint64_t type = ELF64_R_TYPE(rs->rels[i].r_info);

		/* Data relocations (R_BPF_64_ABS32 in .maps or .BTF) patch 4
		 * bytes; code relocations patch an 8-byte instruction. Both
		 * must fit whole in the target. */
		if (off > tsize || tsize - off < 4)
			return err_set(eb, -EINVAL,
				       "relocation %zu at offset 0x%" PRIx64
				       " points past the section end (size 0x%" PRIx64 ")",
				       i, off, tsize);
		if (sym == 0 || sym >= ef->nsyms)
			return err_set(eb, -EINVAL,
				       "relocation %zu at offset 0x%" PRIx64
				       ": symbol index %" PRIu64 " is not in 1..%zu",
				       i, off, sym, ef->nsyms ? ef->nsyms - 1 : 0);
		if (type > R_BPF_MAX)
			return err_set(eb, -EINVAL,
				       "relocation %zu at offset 0x%" PRIx64
				       ": unknown relocation type %" PRIu64,
				       i, off, type);
	}
	return 0;
}
