/*
 * elf/btf_file.c - btf_load_file(): BTF from a file, raw or inside an ELF.
 *
 * Where it sits: the target BTF for CO-RE and attach checks comes from
 * here (/sys/kernel/btf/vmlinux and its modules, or a --btf FILE), and
 * btf_parse() (btf.c) does the rest. Two jobs that have nothing to do with
 * the format itself, which is why they are apart from the parser:
 *
 *   - Find the bytes. /sys/kernel/btf/<name> is raw BTF (magic 0xeB9F at byte
 *     0); a vmlinux image or a .bpf.o is an ELF file whose .BTF section
 *     holds it. The ELF walk here reads only the few header fields that
 *     finding ".BTF" needs, each bounds-checked, so that btf does not
 *     depend on elf/elf.c (which validates far more than this needs).
 *   - Decide how much to trust them. Only the kernel writes sysfs, and
 *     it verified its BTF before publishing it, so a raw file on sysfs is
 *     parsed BTF_PARSE_TRUSTED; anything else gets every check.
 *
 * The file is mapped, not read: vmlinux BTF is ~6 MB and a load usually
 * touches a small part of it. Where sysfs refuses mmap (before Linux 6.16,
 * and for module BTF), it is read into anonymous memory instead.
 */
#include "btf.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

/* Copy one record out of a file: ELF headers need 8-byte alignment that a
 * section offset need not give. */
static void btf_elf_shdr(const uint8_t *data, uint64_t shoff, size_t i,
			 Elf64_Shdr *sh)
{
	memcpy(sh, data + shoff + i * sizeof(*sh), sizeof(*sh));
}

/* Section @sh's bytes lie inside the file's @size bytes. */
static int btf_elf_sec_ok(const Elf64_Shdr *sh, size_t size)
{
	return sh->sh_type != SHT_NOBITS && sh->sh_offset <= size &&
	       sh->sh_size <= size - sh->sh_offset;
}

/*
 * Find ".BTF" in an ELF64 little-endian image: the few header fields this
 * needs, each bounds-checked. A deliberately small walk so that the BTF
 * module does not depend on elf/elf.c (vmlinux ELF files are also inputs
 * here, and the full reader validates far more than a BTF lookup needs).
 * Returns 0 with the section's place, -ENODATA if there is no .BTF, or
 * -EINVAL for a malformed file.
 */
static int btf_elf_find(const uint8_t *data, size_t size, uint64_t *off,
			uint64_t *len, struct errbuf *eb)
{
	static const char want[] = ".BTF"; /* compared with its NUL */
	Elf64_Ehdr eh;
	Elf64_Shdr sh, names;
	uint64_t shnum, shstrndx;

	if (size < sizeof(eh))
		return err_set(eb, -EINVAL, "%zu bytes are too few for an ELF header",
			       size);
	memcpy(&eh, data, sizeof(eh));
	if (eh.e_ident[EI_CLASS] != ELFCLASS64)
		return err_set(eb, -EINVAL, "not a 64-bit ELF file (class %u)",
			       eh.e_ident[EI_CLASS]);
	if (eh.e_ident[EI_DATA] == ELFDATA2MSB)
		return err_set(eb, -EINVAL, "big-endian ELF is not supported");
	if (eh.e_ident[EI_DATA] != ELFDATA2LSB)
		return err_set(eb, -EINVAL, "unknown ELF data encoding %u",
			       eh.e_ident[EI_DATA]);
	if (eh.e_shoff == 0 || eh.e_shentsize != sizeof(Elf64_Shdr))
		return err_set(eb, -EINVAL, "no usable section header table "
			       "(e_shoff 0x%" PRIx64 ", e_shentsize %u)",
			       (uint64_t)eh.e_shoff, eh.e_shentsize);
	if (eh.e_shoff > size || size - eh.e_shoff < sizeof(Elf64_Shdr))
		return err_set(eb, -EINVAL, "section header table at 0x%" PRIx64
			       " lies outside the file (%zu bytes)",
			       (uint64_t)eh.e_shoff, size);
	/* With 0xff00 or more sections the real count and name-table index
	 * live in section 0 (the ELF gABI's extended numbering). */
	btf_elf_shdr(data, eh.e_shoff, 0, &sh);
	shnum = eh.e_shnum ? eh.e_shnum : sh.sh_size;
	shstrndx = eh.e_shstrndx == SHN_XINDEX ? sh.sh_link : eh.e_shstrndx;
	if (shnum > (size - eh.e_shoff) / sizeof(Elf64_Shdr))
		return err_set(eb, -EINVAL, "section header table (%" PRIu64
			       " entries at 0x%" PRIx64 ") runs past the end of the "
			       "file (%zu bytes)", shnum, (uint64_t)eh.e_shoff, size);
	if (shnum < 2)
		return err_set(eb, -EINVAL, "the file has no sections");
	if (shstrndx == SHN_UNDEF || shstrndx >= shnum)
		return err_set(eb, -EINVAL, "section name table index %" PRIu64
			       " is not in 1..%" PRIu64, shstrndx, shnum - 1);
	btf_elf_shdr(data, eh.e_shoff, shstrndx, &names);
	if (!btf_elf_sec_ok(&names, size))
		return err_set(eb, -EINVAL, "section name table (section %" PRIu64
			       ") lies outside the file", shstrndx);

	for (uint64_t i = 1; i < shnum; i++) {
		btf_elf_shdr(data, eh.e_shoff, i, &sh);
		if (sh.sh_name >= names.sh_size ||
		    names.sh_size - sh.sh_name < sizeof(want) ||
		    memcmp(data + names.sh_offset + sh.sh_name, want, sizeof(want)))
			continue;
		if (!btf_elf_sec_ok(&sh, size))
			return err_set(eb, -EINVAL, "section %" PRIu64 " '.BTF' "
				       "(offset 0x%" PRIx64 ", size 0x%" PRIx64
				       ") lies outside the file (%zu bytes)", i,
				       (uint64_t)sh.sh_offset, (uint64_t)sh.sh_size,
				       size);
		*off = sh.sh_offset;
		*len = sh.sh_size;
		return 0;
	}
	return err_set(eb, -ENODATA, "no .BTF section (was it built with "
		       "clang -g?)");
}

/*
 * Map @fd's @size bytes read-only. sysfs only lets /sys/kernel/btf/vmlinux
 * be mmap'ed on recent kernels (the 2025 patch "btf: Allow mmap of vmlinux
 * btf", Linux 6.16); module BTF and older kernels refuse. Then the file is
 * read into anonymous memory instead, so btf_free() unmaps either way.
 */
static int btf_map_fd(int fd, size_t size, void **map, struct errbuf *eb)
{
	uint8_t *m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	size_t got = 0;

	if (m != MAP_FAILED) {
		*map = m;
		return 0;
	}
	if (size > BTF_MAX_SIZE)
		return err_set(eb, -EINVAL, "cannot mmap it (%s) and it is too "
			       "big to read (%zu bytes)", err_str(errno), size);
	m = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return err_set(eb, -ENOMEM, "out of memory for %zu bytes", size);
	while (got < size) {
		ssize_t n = pread(fd, m + got, size - got, (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = n < 0 ? -errno : -EIO;

			munmap(m, size);
			return err_set(eb, err, "read failed at byte %zu of %zu: %s",
				       got, size, n < 0 ? err_str(err) :
				       "unexpected end of file");
		}
		got += (size_t)n;
	}
	mprotect(m, size, PROT_READ);
	*map = m;
	return 0;
}

/*
 * Is @fd a sysfs file? Only the kernel writes sysfs, and the BTF there
 * (/sys/kernel/btf/vmlinux, /sys/kernel/btf/<module>) is what the running
 * kernel built and verified itself (btf_parse_vmlinux, btf_parse_module in
 * kernel/bpf/btf.c) before it published it: the one input rawload parses
 * BTF_PARSE_TRUSTED. A copy of it elsewhere (--btf FILE) is checked in full.
 */
static int statfs_is_sysfs(int fd)
{
	struct statfs sfs;

	return fstatfs(fd, &sfs) == 0 && sfs.f_type == SYSFS_MAGIC;
}

int btf_load_file(const char *path, const struct btf *base, struct btf **out,
		  struct errbuf *eb)
{
	void *map = NULL;
	size_t size = 0;
	uint64_t off = 0, len;
	struct stat st;
	int fd, err;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		return err_set(eb, err, "%s: cannot open: %s", path, err_str(err));
	}
	if (fstat(fd, &st) < 0) {
		err = -errno;
		err_set(eb, err, "%s: cannot stat: %s", path, err_str(err));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size <= 0) {
		err = err_set(eb, -EINVAL, "%s: not a regular, non-empty file", path);
		goto out;
	}
	if ((uint64_t)st.st_size > SIZE_MAX) {
		err = err_set(eb, -EFBIG, "%s: too big to map", path);
		goto out;
	}
	size = (size_t)st.st_size;
	err = btf_map_fd(fd, size, &map, eb);
	if (err) {
		err_prefix(eb, err, "%s", path);
		goto out;
	}

	len = size;
	if (size >= SELFMAG && memcmp(map, ELFMAG, SELFMAG) == 0) {
		err = btf_elf_find(map, size, &off, &len, eb);
		if (err) {
			err_prefix(eb, err, "%s", path);
			goto out;
		}
	}
	err = btf_parse_opts((const uint8_t *)map + off, len, base,
			     !off && statfs_is_sysfs(fd) ? BTF_PARSE_TRUSTED : 0,
			     out, eb);
	if (err) {
		err_prefix(eb, err, off ? "%s: section '.BTF'" : "%s", path);
		goto out;
	}
	/* btf_parse made its own aligned copy if .BTF sat at an odd offset;
	 * otherwise the btf reads the mapping and now owns it. */
	if (!(*out)->map) {
		(*out)->map = map;
		(*out)->map_len = size;
		map = NULL;
	}
out:
	if (map)
		munmap(map, size);
	close(fd);
	return err;
}
