/*
 * host/usym.c - symbol to file offset for uprobes (see usym.h).
 *
 * The kernel places a uprobe at an offset in the file (struct uprobe's
 * inode + offset), not at an address: the same library is mapped at
 * different addresses in each process. Symbols carry addresses, so:
 *
 *   file offset = st_value - (p_vaddr - p_offset)   of the PT_LOAD holding it
 *
 *   e.g. PT_LOAD offset 0x1000 vaddr 0x401000: main at 0x401136 -> 0x1136
 *
 * Everything is read with fseek/fread into local structs (or, for the
 * globs of uprobe.multi, into copies of whole tables), so no pointer into
 * the file exists and every offset is checked before it is used.
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

/* The loadable segments, read once: symbol value -> file offset. */
struct segs {
	Elf64_Phdr *ph;		/* the PT_LOAD entries only */
	size_t n;
};

static int segs_read(struct efile *ef, const Elf64_Ehdr *eh, struct segs *sg)
{
	sg->n = 0;
	sg->ph = calloc(eh->e_phnum ? eh->e_phnum : 1, sizeof(*sg->ph));
	if (!sg->ph)
		return -ENOMEM;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;
		int err = read_at(ef, eh->e_phoff + (uint64_t)i * sizeof(ph), &ph, sizeof(ph));

		if (err)
			return err;
		if (ph.p_type == PT_LOAD)
			sg->ph[sg->n++] = ph;
	}
	return 0;
}

/* This file's rule, file offset = st_value - (p_vaddr - p_offset), through
 * the PT_LOAD whose file bytes hold @v; -ENOEXEC when none does. */
static int segs_offset(const struct segs *sg, uint64_t v, uint64_t *off)
{
	for (size_t i = 0; i < sg->n; i++)
		if (v >= sg->ph[i].p_vaddr && v - sg->ph[i].p_vaddr < sg->ph[i].p_filesz) {
			*off = v - sg->ph[i].p_vaddr + sg->ph[i].p_offset;
			return 0;
		}
	return -ENOEXEC;
}

/* The file offset of virtual address @v, for one symbol. */
static int vaddr_to_offset(struct efile *ef, const Elf64_Ehdr *eh, uint64_t v,
			   uint64_t *off)
{
	struct segs sg = { NULL, 0 };
	int err = segs_read(ef, eh, &sg);

	if (!err)
		err = segs_offset(&sg, v, off);
	free(sg.ph);
	return err;
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

/* The first section of type @type (SHT_SYMTAB, SHT_DYNSYM) in *@sh and
 * the string table it links to in *@strsh: 1, 0 if there is none, or
 * -ENOEXEC when the link points nowhere sensible. */
static int find_table(struct efile *ef, const Elf64_Ehdr *eh, uint32_t type,
		      Elf64_Shdr *sh, Elf64_Shdr *strsh)
{
	for (unsigned i = 0; i < eh->e_shnum; i++) {
		int err = read_at(ef, eh->e_shoff + (uint64_t)i * sizeof(*sh), sh, sizeof(*sh));

		if (err)
			return err;
		if (sh->sh_type != type)
			continue;
		if (sh->sh_link >= eh->e_shnum ||
		    read_at(ef, eh->e_shoff + (uint64_t)sh->sh_link * sizeof(*strsh), strsh,
			    sizeof(*strsh)) || strsh->sh_type != SHT_STRTAB ||
		    sh->sh_entsize != sizeof(Elf64_Sym))
			return -ENOEXEC;
		return 1;
	}
	return 0;
}

/* Search the table of type @type for @symbol. */
static int search(struct efile *ef, const Elf64_Ehdr *eh, uint32_t type,
		  const char *symbol, uint64_t *value)
{
	Elf64_Shdr sh, strsh;
	int err = find_table(ef, eh, type, &sh, &strsh);

	return err <= 0 ? err : find_in_table(ef, &sh, &strsh, symbol, value);
}

/* Open @path and check its ELF header; on failure the file is closed and
 * @eb says why. */
static int efile_open(const char *path, struct efile *ef, Elf64_Ehdr *eh, struct errbuf *eb)
{
	struct stat st;
	int err;

	ef->f = fopen(path, "rb");
	if (!ef->f)
		return err_set(eb, -errno, "cannot open %s: %s", path, err_str(-errno));
	if (fstat(fileno(ef->f), &st)) {
		err = err_set(eb, -errno, "%s: fstat: %s", path, err_str(-errno));
		goto fail;
	}
	ef->size = (uint64_t)st.st_size;
	if ((err = check_header(ef, eh))) {
		err = err_set(eb, err, "%s is not a 64-bit little-endian ELF executable or "
			      "shared library", path);
		goto fail;
	}
	return 0;
fail:
	fclose(ef->f);
	ef->f = NULL;
	return err;
}

int usym_file_offset(const char *path, const char *symbol, uint64_t *off,
		     struct errbuf *eb)
{
	struct efile ef;
	Elf64_Ehdr eh;
	uint64_t value = 0;
	const char *where = ".symtab";
	int err = efile_open(path, &ef, &eh, eb);

	if (err)
		return err;
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

/*
 * ---- every function a glob matches (uprobe.multi) ----
 *
 * A library's .dynsym holds a few thousand functions and a large
 * program's .symtab a few hundred thousand, so the tables are read in
 * blocks and each string table once, instead of a seek per symbol as the
 * one-name lookup above does. Still no pointer into the file: the string
 * table is a copy, and strtab_at() is its one accessor.
 */

/*
 * Greedy, with one point to back up to: on a mismatch after a '*', that
 * '*' swallows one more character of @name and the rest of the pattern is
 * tried again. Only the latest '*' needs remembering (whatever an earlier
 * one could swallow, the later one can too), so the cost is at most
 * |pattern| * |name| steps, never the exponential of a naive recursion:
 *
 *   "add*" on "add2":  a d d match, '*' remembers "2", end of pattern -> yes
 *   "*2" on "add2":    '*' tries "", "a", "ad", "add" before '2' fits -> yes
 */
int usym_glob_match(const char *pattern, const char *name)
{
	const char *star = NULL, *resume = NULL;

	while (*name) {
		if (*pattern == '*') {
			star = ++pattern;
			resume = name;
		} else if (*pattern && (*pattern == '?' || *pattern == *name)) {
			pattern++;
			name++;
		} else if (star) {
			pattern = star;
			name = ++resume;
		} else {
			return 0;
		}
	}
	while (*pattern == '*')
		pattern++;
	return *pattern == '\0';
}

/* A string table read into memory: @size bytes at @s. */
struct strtab {
	char *s;
	uint64_t size;
};

/* The NUL-terminated name at @off, or NULL if it is not all inside. */
static const char *strtab_at(const struct strtab *t, uint64_t off)
{
	if (off >= t->size || !memchr(t->s + off, '\0', t->size - off))
		return NULL;
	return t->s + off;
}

/* One matching function while the tables are read: @seq, the order it was
 * found in, makes the sort stable, so the first name of an alias wins. */
struct ufunc {
	uint64_t off;
	size_t seq;
	char *name;
};

struct ufuncs {
	struct ufunc *v;
	size_t n, cap;
	size_t seen;		/* functions looked at, for the no-match message */
};

static int ufuncs_add(struct ufuncs *u, uint64_t off, const char *name)
{
	if (u->n == u->cap) {
		size_t cap = u->cap ? u->cap * 2 : 16;
		struct ufunc *v = realloc(u->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		u->v = v;
		u->cap = cap;
	}
	u->v[u->n].name = strdup(name);
	if (!u->v[u->n].name)
		return -ENOMEM;
	u->v[u->n].off = off;
	u->v[u->n].seq = u->n;
	u->n++;
	return 0;
}

static void ufuncs_free(struct ufuncs *u)
{
	for (size_t i = 0; i < u->n; i++)
		free(u->v[i].name);
	free(u->v);
	memset(u, 0, sizeof(*u));
}

#define SYM_BLOCK 512

/* Add every function of table @sh (strings in @strsh) that matches
 * @pattern to @u. -ENOEXEC with @eb naming the symbol when a matching
 * function lies in no segment. */
static int glob_table(struct efile *ef, const Elf64_Shdr *sh, const Elf64_Shdr *strsh,
		      const struct segs *sg, const char *pattern, const char *table,
		      struct ufuncs *u, struct errbuf *eb)
{
	uint64_t nsyms = sh->sh_size / sizeof(Elf64_Sym);
	struct strtab st = { NULL, strsh->sh_size };
	Elf64_Sym *blk = malloc(SYM_BLOCK * sizeof(*blk));
	int err = 0;

	/* bounds first: a hostile sh_size must not become a huge malloc */
	if (strsh->sh_offset > ef->size || st.size > ef->size - strsh->sh_offset) {
		err = err_set(eb, -ENOEXEC, "%s's string table (offset 0x%llx, size 0x%llx) is "
			      "not inside the file", table, (unsigned long long)strsh->sh_offset,
			      (unsigned long long)strsh->sh_size);
		goto out;
	}
	st.s = malloc(st.size ? st.size : 1);
	if (!blk || !st.s) {
		err = err_set(eb, -ENOMEM, "out of memory");
		goto out;
	}
	if ((err = read_at(ef, strsh->sh_offset, st.s, st.size))) {
		err = err_set(eb, err, "%s's string table: %s", table, err_str(err));
		goto out;
	}
	for (uint64_t i = 0; i < nsyms; i += SYM_BLOCK) {
		uint64_t k = nsyms - i < SYM_BLOCK ? nsyms - i : SYM_BLOCK;

		if ((err = read_at(ef, sh->sh_offset + i * sizeof(*blk), blk, k * sizeof(*blk)))) {
			err = err_set(eb, err, "%s (offset 0x%llx, %llu symbols) is not inside "
				      "the file", table, (unsigned long long)sh->sh_offset,
				      (unsigned long long)nsyms);
			goto out;
		}
		for (uint64_t j = 0; j < k; j++) {
			const Elf64_Sym *s = &blk[j];
			const char *name;
			uint64_t off;

			if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || s->st_shndx == SHN_UNDEF ||
			    !s->st_value || !(name = strtab_at(&st, s->st_name)) || !*name)
				continue;
			u->seen++;
			if (!usym_glob_match(pattern, name))
				continue;
			if (segs_offset(sg, s->st_value, &off)) {
				err = err_set(eb, -ENOEXEC, "'%s' (%s symbol %llu, value 0x%llx) is "
					      "in no PT_LOAD segment", name, table,
					      (unsigned long long)(i + j),
					      (unsigned long long)s->st_value);
				goto out;
			}
			if (ufuncs_add(u, off, name)) {
				err = err_set(eb, -ENOMEM, "out of memory");
				goto out;
			}
		}
	}
out:
	free(st.s);
	free(blk);
	return err;
}

static int by_offset(const void *a, const void *b)
{
	const struct ufunc *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sort @u by offset and hand it out as two arrays, one entry per offset
 * (the later names of an offset are freed). */
static int ufuncs_export(struct ufuncs *u, uint64_t **offsets, char ***names, size_t *n)
{
	size_t k = 0;

	qsort(u->v, u->n, sizeof(*u->v), by_offset);
	*offsets = malloc(u->n * sizeof(**offsets));
	*names = malloc(u->n * sizeof(**names));
	if (!*offsets || !*names) {
		free(*offsets);
		free(*names);
		*offsets = NULL;
		*names = NULL;
		return -ENOMEM;
	}
	for (size_t i = 0; i < u->n; i++) {
		if (k && (*offsets)[k - 1] == u->v[i].off) {
			free(u->v[i].name);
			continue;
		}
		(*offsets)[k] = u->v[i].off;
		(*names)[k++] = u->v[i].name;
	}
	free(u->v);
	memset(u, 0, sizeof(*u));
	*n = k;
	return 0;
}

int usym_glob(const char *path, const char *pattern, uint64_t **offsets, char ***names,
	      size_t *n, struct errbuf *eb)
{
	static const struct { uint32_t type; const char *name; } tables[] = {
		{ SHT_SYMTAB, ".symtab" }, { SHT_DYNSYM, ".dynsym" },
	};
	struct ufuncs u = { 0 };
	struct segs sg = { NULL, 0 };
	struct efile ef;
	Elf64_Ehdr eh;
	char searched[32] = "";
	int err;

	*offsets = NULL;
	*names = NULL;
	*n = 0;
	if ((err = efile_open(path, &ef, &eh, eb)))
		return err;
	if ((err = segs_read(&ef, &eh, &sg))) {
		err = err_set(eb, err, "%s: program headers (offset 0x%llx, %u entries): %s", path,
			      (unsigned long long)eh.e_phoff, eh.e_phnum,
			      err == -ENOMEM ? "out of memory" : "not inside the file");
		goto out;
	}
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		Elf64_Shdr sh, strsh;

		err = find_table(&ef, &eh, tables[t].type, &sh, &strsh);
		if (err < 0) {
			err = err_set(eb, err, "%s: malformed %s section header", path,
				      tables[t].name);
			goto out;
		}
		if (err == 0)
			continue;
		snprintf(searched + strlen(searched), sizeof(searched) - strlen(searched),
			 "%s%s", searched[0] ? " and " : "", tables[t].name);
		err = glob_table(&ef, &sh, &strsh, &sg, pattern, tables[t].name, &u, eb);
		if (err) {
			err = err_prefix(eb, err, "%s", path);
			goto out;
		}
	}
	if (u.n == 0) {
		err = err_set(eb, -ENOENT, "%s has no function matching '%s' (%zu functions in "
			      "%s); list them with 'nm %s' or 'nm -D %s'", path, pattern, u.seen,
			      searched[0] ? searched : "no .symtab or .dynsym: stripped of both",
			      path, path);
		goto out;
	}
	if (ufuncs_export(&u, offsets, names, n))
		err = err_set(eb, -ENOMEM, "out of memory");
out:
	ufuncs_free(&u);
	free(sg.ph);
	fclose(ef.f);
	return err;
}

void usym_glob_free(uint64_t *offsets, char **names, size_t n)
{
	for (size_t i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
	free(offsets);
}
