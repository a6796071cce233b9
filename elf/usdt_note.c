/*
 * elf/usdt_note.c - SystemTap SDT notes of a host ELF file (see
 * usdt_note.h for the note layout and the address-to-offset rule).
 *
 * The file, the program being traced, is read by elf/elf.c's host-file
 * reader (elf_open_exec*): the header, the section table and names and
 * the program headers are checked there once. This file reads only what a
 * USDT attach needs of it: .note.stapsdt and .stapsdt.base, found by name,
 * then each note, through img_get(), which copies bytes of the note
 * section into a local struct after checking the range: no note header
 * needs to be aligned, and no read leaves the section.
 *
 * Steps:
 *   1. open: 64-bit, little-endian, ET_EXEC or ET_DYN (elf_open_exec);
 *   2. the section names, for .note.stapsdt (SHT_NOTE) and .stapsdt.base;
 *   3. each note: header, name "stapsdt", type 3, desc = 3 addresses and
 *      3 strings, then the addresses through the PT_LOAD segments
 *      (elf_vaddr_offset).
 */
#include "usdt_note.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "elf.h"

#define NOTE_SEC ".note.stapsdt"
#define BASE_SEC ".stapsdt.base"
#define NOTE_NAME "stapsdt"	/* _SDT_NOTE_NAME */
#define NT_STAPSDT 3		/* _SDT_NOTE_TYPE */
/* three 8-byte addresses before the strings, on a 64-bit target */
#define DESC_ADDRS (3 * sizeof(uint64_t))

struct img {
	const uint8_t *data;
	uint64_t size;
};

/* Copy @n bytes at @off into @dst; -ENOEXEC if they are not all in the
 * note section. The one place this file turns an offset into a pointer. */
static int img_get(const struct img *im, uint64_t off, void *dst, uint64_t n)
{
	uint64_t end;

	if (__builtin_add_overflow(off, n, &end) || end > im->size)
		return -ENOEXEC;
	memcpy(dst, im->data + off, n);
	return 0;
}

/* A NUL-terminated string at @off within [@off, @limit) of the file,
 * copied into a new allocation; -ENOEXEC without a NUL before @limit. */
static int img_strdup(const struct img *im, uint64_t off, uint64_t limit, char **out,
		      size_t *len)
{
	const uint8_t *nul;

	if (limit > im->size || off >= limit)
		return -ENOEXEC;
	nul = memchr(im->data + off, '\0', limit - off);
	if (!nul)
		return -ENOEXEC;
	*len = (size_t)(nul - (im->data + off));
	*out = strndup((const char *)im->data + off, *len);
	return *out ? 0 : -ENOMEM;
}

/* Step 2: .note.stapsdt (*@note, the first SHT_NOTE of that name) and the
 * address of .stapsdt.base (*@base_addr, *@has_base). */
static int find_sections(const struct elf_file *ef, size_t *note, uint64_t *base_addr,
			 int *has_base, struct errbuf *eb)
{
	*note = 0;
	*has_base = 0;
	for (size_t i = 1; i < ef->shnum; i++) {
		const char *name = elf_section_name(ef, i);

		if (ef->shdrs[i].sh_type == SHT_NOTE && !*note && !strcmp(name, NOTE_SEC)) {
			*note = i;
		} else if (!strcmp(name, BASE_SEC)) {
			*base_addr = ef->shdrs[i].sh_addr;
			*has_base = 1;
		}
	}
	if (!*note)
		return err_set(eb, -ENOENT, "no " NOTE_SEC " section: the file has no USDT "
			       "probes (none compiled in with <sys/sdt.h>, or the notes were "
			       "stripped)");
	return 0;
}

/* Step 3 for one address: the PT_LOAD segment whose file bytes hold @addr
 * (p_filesz, not p_memsz: the kernel needs the bytes in the file), and
 * whether it has @flag (PF_X for code, PF_W for a semaphore). */
static enum usdt_loc addr_to_off(const struct elf_file *ef, uint64_t addr, uint32_t flag,
				 uint64_t *off)
{
	uint32_t flags;

	if (elf_vaddr_offset(ef, addr, off, &flags))
		return USDT_LOC_NO_SEGMENT;
	if (!(flags & flag))
		return flag == PF_X ? USDT_LOC_NOT_EXEC : USDT_LOC_NOT_WRITABLE;
	return USDT_LOC_OK;
}

/* The next free slot of @out, zeroed. */
static int note_push(struct usdt_notes *out, struct usdt_note **n)
{
	if (out->n == out->cap) {
		size_t cap = out->cap ? 2 * out->cap : 8;
		struct usdt_note *v = realloc(out->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		out->v = v;
		out->cap = cap;
	}
	*n = &out->v[out->n++];
	memset(*n, 0, sizeof(**n));
	return 0;
}

/* Step 3 for one note whose desc is @dsz bytes at @doff of the section. */
static int note_desc(const struct elf_file *ef, const struct img *im, uint64_t doff,
		     uint64_t dsz, uint64_t base_addr, int has_base, struct usdt_notes *out)
{
	uint64_t a[3], at = doff + DESC_ADDRS, end = doff + dsz;
	struct usdt_note *n;
	size_t len;
	int err;

	if (dsz < DESC_ADDRS || img_get(im, doff, a, sizeof(a)))
		return -ENOEXEC;
	if ((err = note_push(out, &n)))
		return err;
	n->pc = a[0];
	n->base = a[1];
	n->semaphore = a[2];
	if ((err = img_strdup(im, at, end, &n->provider, &len)))
		return err;
	at += len + 1;
	if ((err = img_strdup(im, at, end, &n->name, &len)))
		return err;
	at += len + 1;
	if ((err = img_strdup(im, at, end, &n->args, &len)))
		return err;
	/* prelink moved the image by (where .stapsdt.base is now) - (where
	 * it was at link time); unsigned wrap-around is the subtraction */
	n->addr = n->pc + (has_base ? base_addr - n->base : 0);
	n->pc_loc = addr_to_off(ef, n->addr, PF_X, &n->file_off);
	n->sema_loc = USDT_LOC_NONE;
	if (n->semaphore)
		n->sema_loc = addr_to_off(ef, n->semaphore + (has_base ? base_addr - n->base : 0),
					  PF_W, &n->sema_off);
	return 0;
}

static uint64_t align4(uint64_t v)
{
	return (v + 3) & ~(uint64_t)3;
}

/* Steps 2 and 3 on an opened file. */
static int parse(const struct elf_file *ef, struct usdt_notes *out, struct errbuf *eb)
{
	uint64_t base_addr = 0, off;
	struct img im;
	const void *bytes;
	size_t sec, len;
	int has_base = 0, err;

	out->e_type = ef->ehdr->e_type;
	out->e_machine = ef->ehdr->e_machine;
	if ((err = find_sections(ef, &sec, &base_addr, &has_base, eb)) ||
	    (err = elf_section_bytes(ef, sec, &bytes, &len, eb)))
		return err;
	im = (struct img){ bytes, len };
	for (off = 0; off < len;) {
		uint64_t name_off = off + sizeof(Elf64_Nhdr), desc_off, next;
		char name[sizeof(NOTE_NAME)];
		Elf64_Nhdr nh;

		if (img_get(&im, off, &nh, sizeof(nh)))
			goto bad;
		/* the sizes are u32s, off < 2^63: these sums cannot wrap */
		desc_off = name_off + align4(nh.n_namesz);
		next = desc_off + align4(nh.n_descsz);
		if (next > len)
			goto bad;
		if (nh.n_type == NT_STAPSDT && nh.n_namesz == sizeof(name) &&
		    !img_get(&im, name_off, name, sizeof(name)) && !memcmp(name, NOTE_NAME, sizeof(name))) {
			err = note_desc(ef, &im, desc_off, nh.n_descsz, base_addr, has_base, out);
			if (err == -ENOMEM)
				return err_set(eb, err, "out of memory");
			if (err)
				goto bad;
		}
		off = next;
	}
	return 0;
bad:
	return err_set(eb, -ENOEXEC, NOTE_SEC ": the note at offset 0x%llx (section offset "
		       "0x%llx) is malformed or runs past the section end",
		       (unsigned long long)(ef->shdrs[sec].sh_offset + off),
		       (unsigned long long)off);
}

int usdt_notes_parse(const void *img, size_t size, struct usdt_notes *out,
		     struct errbuf *eb)
{
	struct elf_file ef;
	int err;

	memset(out, 0, sizeof(*out));
	if ((err = elf_open_exec_mem(img, size, &ef, eb)))
		return err;
	err = parse(&ef, out, eb);
	elf_close(&ef);
	return err;
}

int usdt_notes_read(const char *path, struct usdt_notes *out, struct errbuf *eb)
{
	struct elf_file ef;
	int err;

	memset(out, 0, sizeof(*out));
	if ((err = elf_open_exec(path, &ef, eb)))
		return err_prefix(eb, err, "%s", path);
	err = parse(&ef, out, eb);
	if (err)
		err_prefix(eb, err, "%s", path);
	elf_close(&ef);
	return err;
}

void usdt_notes_free(struct usdt_notes *notes)
{
	for (size_t i = 0; i < notes->n; i++) {
		free(notes->v[i].provider);
		free(notes->v[i].name);
		free(notes->v[i].args);
	}
	free(notes->v);
	memset(notes, 0, sizeof(*notes));
}

const char *usdt_loc_str(enum usdt_loc loc)
{
	switch (loc) {
	case USDT_LOC_OK: return "ok";
	case USDT_LOC_NONE: return "none";
	case USDT_LOC_NO_SEGMENT: return "in no PT_LOAD segment of the file";
	case USDT_LOC_NOT_EXEC: return "in a segment that is not executable";
	case USDT_LOC_NOT_WRITABLE: return "in a segment that is not writable";
	}
	return "?";
}
