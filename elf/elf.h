/*
 * elf/elf.h - a small, paranoid ELF64 reader for BPF objects, and (with
 * elf_open_exec) for the host executables uprobes and USDT probes are
 * placed in: one reader, one set of checked accessors, for both.
 *
 * A clang-built prog.bpf.o is a relocatable ELF64 file (ET_REL) for
 * machine EM_BPF. rawload needs four things from it: the section table and
 * section names, the symbol table, the REL relocation sections (and which
 * section each patches), and the bytes of a section. This module is the
 * ONLY code that turns a file offset into a pointer: everything else asks
 * it, and it checks every offset, size and count taken from the file
 * against the file and the section with overflow-safe arithmetic.
 *
 * elf_open_*() validates the whole file once (header, every section's
 * bounds, every name, every symbol, every relocation), so the accessors
 * afterwards cannot fail on a file that opened.
 */
#ifndef RAWLOAD_ELF_H
#define RAWLOAD_ELF_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Refuse files larger than this before mapping them: a BPF object is a few
 * hundred KiB; this leaves room for generated thousand-program objects. */
#define ELF_MAX_FILE_SIZE (256u << 20)

struct elf_file {
	const uint8_t *data;	  /* the whole file: mmap'ed or the caller's */
	size_t size;		  /* bytes at @data */
	int mapped;		  /* 1 if elf_close() must munmap @data */
	const Elf64_Ehdr *ehdr;	  /* points at @data */
	const Elf64_Shdr *shdrs;  /* section header table, validated */
	size_t shnum;		  /* entries in @shdrs, including index 0 */
	size_t shstrndx;	  /* section holding the section names */
	size_t symtab;		  /* index of the SHT_SYMTAB section, 0 if none */
	size_t strtab;		  /* its string table (the symtab's sh_link) */
	const Elf64_Sym *syms;	  /* symbol table entries (symbol 0 is null) */
	size_t nsyms;		  /* entries in @syms */
	int exec;		  /* opened by elf_open_exec*(): a host file */
	const Elf64_Phdr *phdrs;  /* exec: the program headers, validated */
	size_t phnum;		  /* entries in @phdrs */
};

/* Map @path read-only and validate it. */
int elf_open_file(const char *path, struct elf_file *ef, struct errbuf *eb);
/* Validate @size bytes at @data (not copied; must outlive @ef). */
int elf_open_mem(const void *data, size_t size, struct elf_file *ef,
		 struct errbuf *eb);
void elf_close(struct elf_file *ef);

/*
 * The other kind of ELF file: an executable or shared library of this
 * machine (ET_EXEC or ET_DYN, 64-bit little-endian, any machine and
 * size), the file a uprobe or USDT probe is placed in. Validated: the
 * header, the section table and names, every section's extent, every
 * string table (so elf_string() is safe on them), the program headers.
 * Not the BPF rules: no symbol table is required (a stripped library has
 * only .dynsym, read with ELF_TABLE), relocations are not read. The
 * accessors below work on it as on an object.
 */
int elf_open_exec(const char *path, struct elf_file *ef, struct errbuf *eb);
int elf_open_exec_mem(const void *data, size_t size, struct elf_file *ef,
		      struct errbuf *eb);

/* Where the file holds virtual address @vaddr, by the program headers:
 * the PT_LOAD whose file bytes (p_filesz, not p_memsz) hold it gives
 *   file offset = vaddr - p_vaddr + p_offset
 * (the kernel places a uprobe at an inode and offset, not an address).
 * Its p_flags in *@flags (may be NULL). 0, or -ENOEXEC if no segment
 * holds it. */
int elf_vaddr_offset(const struct elf_file *ef, uint64_t vaddr, uint64_t *off,
		     uint32_t *flags);

/* A section's name; "" for index 0. @idx must be < shnum. */
const char *elf_section_name(const struct elf_file *ef, size_t idx);
/* The section named @name, or 0 if there is none. */
size_t elf_find_section(const struct elf_file *ef, const char *name);

/*
 * Where section @idx's contents lie in the file. SHT_NOBITS sections (.bss)
 * have a size but no bytes: *bytes is NULL, *len is 0 and the caller reads
 * sh_size. Returns 0 or -EINVAL with the reason in @eb.
 */
int elf_section_bytes(const struct elf_file *ef, size_t idx,
		      const void **bytes, size_t *len, struct errbuf *eb);

/*
 * A section viewed as an array of fixed-size records: refused unless
 * sh_entsize matches, the size is whole entries and the offset is aligned.
 */
int elf_section_table(const struct elf_file *ef, size_t idx, size_t entsize,
		      size_t align, const void **table, size_t *count,
		      struct errbuf *eb);
#define ELF_TABLE(ef, idx, type, out, count, eb)                          \
	elf_section_table((ef), (idx), sizeof(type), _Alignof(type),     \
			  (const void **)(out), (count), (eb))

/* A symbol's name ("" for none). @i must be < nsyms. */
const char *elf_sym_name(const struct elf_file *ef, size_t i);

/*
 * A relocation section (SHT_REL) as elf_open checked it: its entries, the
 * section they patch (sh_info) and the section's size. Every r_offset lies
 * inside the target and every symbol index inside the symbol table.
 */
struct elf_rel_section {
	size_t shndx;		/* the .rel section itself */
	size_t target;		/* the section it patches (sh_info) */
	const Elf64_Rel *rels;	/* its entries */
	size_t count;		/* number of entries */
};
/* Relocation section @idx (must be SHT_REL). */
int elf_rel_section(const struct elf_file *ef, size_t idx,
		    struct elf_rel_section *rs, struct errbuf *eb);

/* A string in string-table section @strndx at @off, checked; NULL if @off
 * is outside the table. Tables are NUL-terminated (checked at open). */
const char *elf_string(const struct elf_file *ef, size_t strndx, uint64_t off);

#endif
