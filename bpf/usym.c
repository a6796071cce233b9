/*
 * bpf/usym.c - symbol to file offset for uprobes (see usym.h).
 *
 * The kernel places a uprobe at an offset in the file (struct uprobe's
 * inode + offset), not at an address: the same library is mapped at
 * different addresses in each process. Symbols carry addresses, so:
 *
 *   file offset = st_value - (p_vaddr - p_offset)   of the PT_LOAD holding it
 *
 *   e.g. PT_LOAD offset 0x1000 vaddr 0x401000: main at 0x401136 -> 0x1136
 *
 * Everything is read with fseek/fread into local structs, so no pointer
 * into file data exists and every offset is checked before it is used.
 */
#include "usym.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* An open file and its size: every read is checked against it. */
struct efile {
	FILE *f;
	uint64_t size;
};

/* Read @n bytes at @off; -ENOEXEC when they are not all in the file. */
static int read_at(struct efile *ef, uint64_t off, void *buf, uint64_t n)
{
	uint64_t end;

	if (__builtin_add_overflow(off, n, &end) || end > ef->size)
		return -ENOEXEC;
	if (fseeko(ef->f, (off_t)off, SEEK_SET) || fread(buf, 1, n, ef->f) != n)
		return -EIO;
	return 0;
}

/* Is there a function @symbol in symbol table @sh (linked to string table
 * @strsh)? 1 with its value in *@value, 0 if not, or -errno. */
static int find_in_table(struct efile *ef, const Elf64_Shdr *sh, const Elf64_Shdr *strsh,
			 const char *symbol, uint64_t *value)
{
	size_t want = strlen(symbol) + 1;
	char *name = malloc(want + 1);
	int found = 0, err = 0;

	if (!name)
		return -ENOMEM;
	if (sh->sh_entsize != sizeof(Elf64_Sym))
		err = -ENOEXEC;
	for (uint64_t i = 0; !err && !found && i < sh->sh_size / sizeof(Elf64_Sym); i++) {
		Elf64_Sym s;

		err = read_at(ef, sh->sh_offset + i * sizeof(s), &s, sizeof(s));
		if (err || ELF64_ST_TYPE(s.st_info) != STT_FUNC || s.st_shndx == SHN_UNDEF ||
		    !s.st_value || s.st_name >= strsh->sh_size ||
		    strsh->sh_size - s.st_name < want)
			continue;
		/* the name must be exactly @symbol: its bytes, then the NUL */
		if (read_at(ef, strsh->sh_offset + s.st_name, name, want))
			continue;
		if (!memcmp(name, symbol, want)) {
			*value = s.st_value;
			found = 1;
		}
	}
	free(name);
	return err ? err : found;
}

/* The file offset of virtual address @v through the program headers. */
static int vaddr_to_offset(struct efile *ef, const Elf64_Ehdr *eh, uint64_t v,
			   uint64_t *off)
{
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;
		int err = read_at(ef, eh->e_phoff + (uint64_t)i * sizeof(ph), &ph, sizeof(ph));

		if (err)
			return err;
		if (ph.p_type == PT_LOAD && v >= ph.p_vaddr && v - ph.p_vaddr < ph.p_filesz) {
			*off = v - ph.p_vaddr + ph.p_offset;
			return 0;
		}
	}
	return -ENOEXEC;
}

static int check_header(struct efile *ef, Elf64_Ehdr *eh)
{
	if (read_at(ef, 0, eh, sizeof(*eh)) || memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return -ENOEXEC;
	/* x86_64 and arm64 hosts: 64-bit little-endian only */
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    (eh->e_type != ET_EXEC && eh->e_type != ET_DYN) ||
	    eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_phentsize != sizeof(Elf64_Phdr))
		return -ENOEXEC;
	return 0;
}

/* Search the tables of type @type (SHT_SYMTAB, SHT_DYNSYM). */
static int search(struct efile *ef, const Elf64_Ehdr *eh, uint32_t type,
		  const char *symbol, uint64_t *value)
{
	for (unsigned i = 0; i < eh->e_shnum; i++) {
		Elf64_Shdr sh, strsh;
		int err = read_at(ef, eh->e_shoff + (uint64_t)i * sizeof(sh), &sh, sizeof(sh));

		if (err)
			return err;
		if (sh.sh_type != type)
			continue;
		if (sh.sh_link >= eh->e_shnum ||
		    read_at(ef, eh->e_shoff + (uint64_t)sh.sh_link * sizeof(strsh), &strsh,
			    sizeof(strsh)) || strsh.sh_type != SHT_STRTAB)
			return -ENOEXEC;
		return find_in_table(ef, &sh, &strsh, symbol, value);
	}
	return 0;
}

int usym_file_offset(const char *path, const char *symbol, uint64_t *off,
		     struct errbuf *eb)
{
	struct efile ef = { fopen(path, "rb"), 0 };
	struct stat st;
	Elf64_Ehdr eh;
	uint64_t value = 0;
	const char *where = ".symtab";
	int err;

	if (!ef.f)
		return err_set(eb, -errno, "cannot open %s: %s", path, err_str(-errno));
	if (fstat(fileno(ef.f), &st)) {
		err = err_set(eb, -errno, "%s: fstat: %s", path, err_str(-errno));
		goto out;
	}
	ef.size = (uint64_t)st.st_size;
	if ((err = check_header(&ef, &eh))) {
		err = err_set(eb, err, "%s is not a 64-bit little-endian ELF executable or "
			      "shared library", path);
		goto out;
	}
	err = search(&ef, &eh, SHT_SYMTAB, symbol, &value);
	if (err == 0) {
		where = ".dynsym";
		err = search(&ef, &eh, SHT_DYNSYM, symbol, &value);
	}
	if (err < 0) {
		err = err_set(eb, err, "%s: malformed symbol table: %s", path, err_str(err));
		goto out;
	}
	if (err == 0) {
		err = err_set(eb, -ENOENT, "%s has no function '%s' in .symtab or .dynsym "
			      "(stripped, static or inlined?); list them with 'nm -D %s' or "
			      "'nm %s', or give a file offset", path, symbol, path, path);
		goto out;
	}
	err = vaddr_to_offset(&ef, &eh, value, off);
	if (err)
		err = err_set(eb, err, "%s: '%s' (%s value 0x%llx) is in no PT_LOAD segment",
			      path, symbol, where, (unsigned long long)value);
out:
	fclose(ef.f);
	return err;
}
