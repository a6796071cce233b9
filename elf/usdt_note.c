/*
 * elf/usdt_note.c - SystemTap SDT notes of a host ELF file (see
 * usdt_note.h for the note layout and the address-to-offset rule).
 *
 * elf/elf.c reads BPF objects only (ET_REL, EM_BPF); this reads the other
 * kind of ELF file, the program being traced, and only the three things a
 * USDT attach needs: the section table (to find .note.stapsdt and
 * .stapsdt.base), the program headers (to turn addresses into file
 * offsets), and the notes. Every read goes through img_get(), which copies
 * bytes into a local struct after checking the range: no pointer into the
 * file escapes, and no header needs to be aligned.
 *
 * Steps:
 *   1. the ELF header: 64-bit, little-endian, ET_EXEC or ET_DYN;
 *   2. the section names, for .note.stapsdt (SHT_NOTE) and .stapsdt.base;
 *   3. the PT_LOAD segments;
 *   4. each note: header, name "stapsdt", type 3, desc = 3 addresses and
 *      3 strings, then the addresses through the segments.
 */
#include "usdt_note.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

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
 * file. The one place this file turns an offset into a pointer. */
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

/* Section @i's header. */
static int shdr_at(const struct img *im, const Elf64_Ehdr *eh, size_t i, Elf64_Shdr *sh)
{
	return img_get(im, eh->e_shoff + (uint64_t)i * sizeof(*sh), sh, sizeof(*sh));
}

/* Does section @sh have name @want in the section-name table @names? */
static int name_is(const struct img *im, const Elf64_Shdr *names, const Elf64_Shdr *sh,
		   const char *want)
{
	size_t n = strlen(want) + 1;
	char buf[32];

	if (n > sizeof(buf) || sh->sh_name >= names->sh_size ||
	    names->sh_size - sh->sh_name < n ||
	    img_get(im, names->sh_offset + sh->sh_name, buf, n))
		return 0;
	return !memcmp(buf, want, n);
}

/* Steps 1 and 2: the header, then .note.stapsdt (*@note) and the address
 * of .stapsdt.base (*@base_addr, *@has_base). */
static int find_sections(const struct img *im, Elf64_Ehdr *eh, Elf64_Shdr *note,
			 uint64_t *base_addr, int *has_base, struct errbuf *eb)
{
	Elf64_Shdr names, sh;
	int found = 0;

	if (img_get(im, 0, eh, sizeof(*eh)) || memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return err_set(eb, -ENOEXEC, "not an ELF file");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return err_set(eb, -ENOEXEC, "not a 64-bit little-endian ELF file");
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return err_set(eb, -ENOEXEC, "ELF type %u is neither an executable (ET_EXEC) "
			       "nor a shared library or PIE (ET_DYN)", eh->e_type);
	if (eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_phentsize != sizeof(Elf64_Phdr))
		return err_set(eb, -ENOEXEC, "section or program header size %u/%u is not "
			       "%zu/%zu", eh->e_shentsize, eh->e_phentsize, sizeof(Elf64_Shdr),
			       sizeof(Elf64_Phdr));
	if (eh->e_shstrndx >= eh->e_shnum || shdr_at(im, eh, eh->e_shstrndx, &names))
		return err_set(eb, -ENOEXEC, "section-name table %u is not in the file "
			       "(%u sections at 0x%llx)", eh->e_shstrndx, eh->e_shnum,
			       (unsigned long long)eh->e_shoff);
	*has_base = 0;
	for (size_t i = 1; i < eh->e_shnum; i++) {
		if (shdr_at(im, eh, i, &sh))
			return err_set(eb, -ENOEXEC, "section header %zu is past the end "
				       "of the file", i);
		if (sh.sh_type == SHT_NOTE && !found && name_is(im, &names, &sh, NOTE_SEC)) {
			*note = sh;
			found = 1;
		} else if (name_is(im, &names, &sh, BASE_SEC)) {
			*base_addr = sh.sh_addr;
			*has_base = 1;
		}
	}
	if (!found)
		return err_set(eb, -ENOENT, "no " NOTE_SEC " section: the file has no USDT "
			       "probes (none compiled in with <sys/sdt.h>, or the notes were "
			       "stripped)");
	return 0;
}

/* Step 3 for one address: the PT_LOAD segment whose file bytes hold @addr
 * (p_filesz, not p_memsz: the kernel needs the bytes in the file), and
 * whether it has @flag (PF_X for code, PF_W for a semaphore). */
static enum usdt_loc addr_to_off(const struct img *im, const Elf64_Ehdr *eh,
				 uint64_t addr, uint32_t flag, uint64_t *off)
{
	for (size_t i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;

		if (img_get(im, eh->e_phoff + (uint64_t)i * sizeof(ph), &ph, sizeof(ph)))
			return USDT_LOC_NO_SEGMENT;
		if (ph.p_type != PT_LOAD || addr < ph.p_vaddr || addr - ph.p_vaddr >= ph.p_filesz)
			continue;
		if (!(ph.p_flags & flag))
			return flag == PF_X ? USDT_LOC_NOT_EXEC : USDT_LOC_NOT_WRITABLE;
		*off = addr - ph.p_vaddr + ph.p_offset;
		return USDT_LOC_OK;
	}
	return USDT_LOC_NO_SEGMENT;
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

/* Step 4 for one note whose desc is @dsz bytes at @doff. */
static int note_desc(const struct img *im, const Elf64_Ehdr *eh, uint64_t doff,
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
	n->pc_loc = addr_to_off(im, eh, n->addr, PF_X, &n->file_off);
	n->sema_loc = USDT_LOC_NONE;
	if (n->semaphore)
		n->sema_loc = addr_to_off(im, eh, n->semaphore + (has_base ? base_addr - n->base : 0),
					  PF_W, &n->sema_off);
	return 0;
}

static uint64_t align4(uint64_t v)
{
	return (v + 3) & ~(uint64_t)3;
}

int usdt_notes_parse(const void *img, size_t size, struct usdt_notes *out,
		     struct errbuf *eb)
{
	const struct img im = { img, size };
	uint64_t base_addr = 0, off, end;
	Elf64_Ehdr eh;
	Elf64_Shdr sec = { 0 };
	int has_base = 0, err;

	memset(out, 0, sizeof(*out));
	if ((err = find_sections(&im, &eh, &sec, &base_addr, &has_base, eb)))
		return err;
	out->e_type = eh.e_type;
	out->e_machine = eh.e_machine;
	if (__builtin_add_overflow(sec.sh_offset, sec.sh_size, &end) || end > size)
		return err_set(eb, -ENOEXEC, NOTE_SEC ": offset 0x%llx + size 0x%llx runs "
			       "past the end of the file (0x%zx bytes)",
			       (unsigned long long)sec.sh_offset,
			       (unsigned long long)sec.sh_size, size);
	for (off = sec.sh_offset; off < end;) {
		uint64_t name_off = off + sizeof(Elf64_Nhdr), desc_off, next;
		char name[sizeof(NOTE_NAME)];
		Elf64_Nhdr nh;

		if (img_get(&im, off, &nh, sizeof(nh)) || end - off < sizeof(nh))
			goto bad;
		/* the sizes are u32s, off < 2^63: these sums cannot wrap */
		desc_off = name_off + align4(nh.n_namesz);
		next = desc_off + align4(nh.n_descsz);
		if (next > end)
			goto bad;
		if (nh.n_type == NT_STAPSDT && nh.n_namesz == sizeof(name) &&
		    !img_get(&im, name_off, name, sizeof(name)) && !memcmp(name, NOTE_NAME, sizeof(name))) {
			err = note_desc(&im, &eh, desc_off, nh.n_descsz, base_addr, has_base, out);
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
		       (unsigned long long)off, (unsigned long long)(off - sec.sh_offset));
}

int usdt_notes_read(const char *path, struct usdt_notes *out, struct errbuf *eb)
{
	struct stat st;
	void *map = MAP_FAILED;
	int fd, err;

	memset(out, 0, sizeof(*out));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(eb, -errno, "%s: %s", path, err_str(-errno));
	if (fstat(fd, &st)) {
		err = err_set(eb, -errno, "%s: fstat: %s", path, err_str(-errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size < sizeof(Elf64_Ehdr)) {
		err = err_set(eb, -ENOEXEC, "%s: not an ELF file", path);
		goto out;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		err = err_set(eb, -errno, "%s: mmap: %s", path, err_str(-errno));
		goto out;
	}
	err = usdt_notes_parse(map, (size_t)st.st_size, out, eb);
	if (err)
		err_prefix(eb, err, "%s", path);
out:
	if (map != MAP_FAILED)
		munmap(map, (size_t)st.st_size);
	close(fd);
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
