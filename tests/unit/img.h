/*
 * tests/unit/img.h - a built object read into memory for mutation tests
 * (check_elf_bad.c, check_relo_bad.c): the raw ELF structures, found the
 * simple way, since the file is our own clang output, not hostile input.
 */
#ifndef RAWLOAD_UNIT_IMG_H
#define RAWLOAD_UNIT_IMG_H

#include <elf.h>
#include <stdint.h>
#include <string.h>

#include "unit.h"

struct img {
	uint8_t *b;
	size_t size;
	Elf64_Ehdr *eh;
	Elf64_Shdr *sh;
};

static inline void img_load(struct img *m, const char *path)
{
	m->b = unit_read_file(path, &m->size);
	m->eh = (Elf64_Ehdr *)m->b;
	m->sh = (Elf64_Shdr *)(m->b + m->eh->e_shoff);
}

static inline Elf64_Shdr *img_sec(struct img *m, const char *name)
{
	const char *names = (const char *)m->b + m->sh[m->eh->e_shstrndx].sh_offset;

	for (size_t i = 1; i < m->eh->e_shnum; i++)
		if (!strcmp(names + m->sh[i].sh_name, name))
			return &m->sh[i];
	ck_abort_msg("no section %s", name);
	return NULL;
}

#endif
