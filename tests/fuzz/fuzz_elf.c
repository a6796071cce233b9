/*
 * tests/fuzz/fuzz_elf.c - the ELF readers on arbitrary bytes: elf/elf.c
 * (BPF objects), elf/usdt_note.c (the USDT notes of a traced program),
 * whose argument strings then go through elf/usdt_arg.c, and host/usym.c
 * (a traced program's functions, for uprobe and uprobe.multi).
 *
 * elf_open_mem promises that a file which opened can be walked without
 * further checks: every accessor is called on every section, symbol and
 * relocation, and every byte it hands out is read, so ASan sees any
 * pointer the reader let escape the file.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "host/usym.h"
#include "elf/elf.h"
#include "elf/usdt_arg.h"
#include "elf/usdt_note.h"
#include "tests/fuzz/fuzz.h"

static volatile uint8_t sink;

static void touch(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t x = 0;

	for (size_t i = 0; i < len; i++)
		x ^= b[i];
	sink ^= x;
}

static void walk(const struct elf_file *ef)
{
	struct errbuf eb;

	for (size_t i = 0; i < ef->shnum; i++) {
		const char *name = elf_section_name(ef, i);
		const void *bytes;
		size_t len;

		touch(name, strlen(name) + 1);
		if (elf_section_bytes(ef, i, &bytes, &len, &eb) == 0 && bytes)
			touch(bytes, len);
		if (ef->shdrs[i].sh_type == SHT_REL) {
			struct elf_rel_section rs;

			if (elf_rel_section(ef, i, &rs, &eb) == 0)
				touch(rs.rels, rs.count * sizeof(*rs.rels));
		}
		/* the record-table view with the sizes the library uses */
		{
			const void *tab;
			size_t cnt;

			if (elf_section_table(ef, i, 8, 8, &tab, &cnt, &eb) == 0)
				touch(tab, cnt * 8);
		}
		(void)elf_find_section(ef, name);
	}
	for (size_t i = 0; i < ef->nsyms; i++) {
		const char *name = elf_sym_name(ef, i);

		touch(name, strlen(name) + 1);
	}
	if (ef->symtab && ef->strtab) {
		const char *s = elf_string(ef, ef->strtab, 1);

		if (s)
			touch(s, strlen(s) + 1);
		s = elf_string(ef, ef->strtab, (uint64_t)-1);
		if (s)
			touch(s, strlen(s) + 1);
	}
	(void)elf_find_section(ef, ".text");
	(void)elf_find_section(ef, "");
}

/* The same bytes as a traced program: every note, every argument spec. */
static void walk_usdt(const uint8_t *buf, size_t size)
{
	struct usdt_notes n;
	struct usdt_spec spec;
	struct errbuf eb;

	if (usdt_notes_parse(buf, size, &n, &eb) == 0) {
		for (size_t i = 0; i < n.n; i++) {
			touch(n.v[i].provider, strlen(n.v[i].provider) + 1);
			touch(n.v[i].name, strlen(n.v[i].name) + 1);
			sink ^= (uint8_t)(n.v[i].file_off + n.v[i].sema_off);
			if (usdt_spec_parse(n.v[i].args, 0, &spec, &eb) == 0)
				sink ^= (uint8_t)spec.arg_cnt;
		}
	}
	usdt_notes_free(&n);
}

/* The same bytes as a program to probe. host/usym.c reads a path, not
 * memory (it reads host binaries with fread, never mapping them), so the
 * input goes to a memfd and the reader opens /proc/self/fd/N: the file
 * path it takes in rawload, with nothing on disk. */
static void walk_usym(const uint8_t *buf, size_t size)
{
	struct errbuf eb;
	uint64_t *off, one;
	char **names, path[64];
	size_t n;
	int fd = memfd_create("fuzz_usym", MFD_CLOEXEC);

	if (fd < 0)
		return;
	if (size && write(fd, buf, size) != (ssize_t)size)
		goto out;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (usym_glob(path, "*", &off, &names, &n, &eb) == 0) {
		for (size_t i = 0; i < n; i++) {
			touch(names[i], strlen(names[i]) + 1);
			sink ^= (uint8_t)off[i];
		}
		usym_glob_free(off, names, n);
	}
	if (usym_glob(path, "m?in*", &off, &names, &n, &eb) == 0)
		usym_glob_free(off, names, n);
	if (usym_file_offset(path, "main", &one, &eb) == 0)
		sink ^= (uint8_t)one;
out:
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_file ef;
	struct errbuf eb;
	uint8_t *buf;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	buf = fuzz_copy(data, size);
	if (!buf)
		return 0;
	memset(&ef, 0, sizeof(ef));
	if (elf_open_mem(buf, size, &ef, &eb) == 0) {
		walk(&ef);
		elf_close(&ef);
	} else {
		touch(eb.msg, strnlen(eb.msg, sizeof(eb.msg)));
	}
	walk_usdt(buf, size);
	walk_usym(buf, size);
	free(buf);
	return 0;
}
