/*
 * bpf/usym.h - a function in an executable or shared library, as the file
 * offset a uprobe needs.
 *
 * Separate from elf/elf.c on purpose: that reader accepts only relocatable
 * BPF objects (ET_REL, EM_BPF); this one reads host executables (ET_EXEC,
 * ET_DYN: PIE programs and shared libraries). It only reads the file.
 */
#ifndef RAWLOAD_BPF_USYM_H
#define RAWLOAD_BPF_USYM_H

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

#endif
