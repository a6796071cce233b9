/*
 * host/usym.h - a function in an executable or shared library, as the file
 * offset a uprobe needs.
 *
 * Host executables (ET_EXEC, ET_DYN: PIE programs and shared libraries),
 * read through elf/elf.c's elf_open_exec(). It only reads the file.
 */
#ifndef RAWLOAD_HOST_USYM_H
#define RAWLOAD_HOST_USYM_H

#include <stddef.h>
#include <stdint.h>

#include "elf/err.h"

/*
 * Resolve function @symbol in the 64-bit little-endian ELF file @path to a
 * file offset: its st_value (a virtual address) minus the PT_LOAD segment
 * that contains it moved back to the file, p_vaddr - p_offset. .symtab is
 * searched first (unstripped binaries, local functions too), then .dynsym
 * (what stripped binaries and libraries export). The file is untrusted:
 * every table is bounds-checked against the file size.
 * 0 and *@off, or -errno: -ENOENT no such function (the message says
 * which tables were searched), -ENOEXEC not an executable we can read.
 */
int usym_file_offset(const char *path, const char *symbol, uint64_t *off,
		     struct errbuf *eb);

/*
 * Does @name match shell glob @pattern? '*' matches any run of characters
 * (also none), '?' exactly one; every other character itself. No classes
 * ([a-z]) and no escapes: the glob libbpf's uprobe.multi and kprobe.multi
 * accept. A pattern without '*' or '?' is an exact name.
 */
int usym_glob_match(const char *pattern, const char *name);

/*
 * Every function of the 64-bit little-endian ELF file @path whose name
 * matches @pattern (usym_glob_match), as file offsets for a uprobe.multi
 * link: the defined, non-zero STT_FUNC symbols of .symtab and .dynsym,
 * each offset once (aliases -- getpid and __getpid, or a symbol in both
 * tables -- are one function; the first name found is kept, .symtab
 * before .dynsym), sorted by offset. The file is untrusted, as for
 * usym_file_offset.
 * On success 0, *@n >= 1, and two arrays of *@n entries the caller frees
 * with usym_glob_free: *@offsets (what the kernel takes) and *@names.
 * -ENOENT nothing matches (the message names the tables searched and how
 * many functions they hold), -ENOEXEC not an executable we can read or a
 * malformed table, -ENOMEM, or the open's errno; the arrays are NULL then.
 */
int usym_glob(const char *path, const char *pattern, uint64_t **offsets, char ***names,
	      size_t *n, struct errbuf *eb);
void usym_glob_free(uint64_t *offsets, char **names, size_t n);

#endif
