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
 * The file is read by elf/elf.c's host-file reader (elf_open_exec), the
 * same checked accessors the BPF object is read with: every section, string
 * table and program header was checked against the file once, so the
 * symbol tables are walked in place.
 */
#include "usym.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf/elf.h"

/* The symbol tables searched, in order: .symtab (unstripped binaries,
 * local functions too), then .dynsym (what libraries export). */
static const struct {
	uint32_t type;
	const char *name;
} tables[] = { { SHT_SYMTAB, ".symtab" }, { SHT_DYNSYM, ".dynsym" } };

/* The first section of type @type: its symbols in *@syms (*@n of them),
 * the string table their names are in in *@strndx. 1, 0 if the file has
 * none, or -ENOEXEC with @eb when the table or its link is malformed. */
static int find_table(const struct elf_file *ef, uint32_t type, const Elf64_Sym **syms,
		      size_t *n, size_t *strndx, struct errbuf *eb)
{
	for (size_t i = 1; i < ef->shnum; i++) {
		const Elf64_Shdr *sh = &ef->shdrs[i];

		if (sh->sh_type != type)
			continue;
		if (sh->sh_link == SHN_UNDEF || sh->sh_link >= ef->shnum ||
		    ef->shdrs[sh->sh_link].sh_type != SHT_STRTAB)
			return err_set(eb, -ENOEXEC, "section %zu '%s': its string table (sh_link "
				       "%u) is no SHT_STRTAB", i, elf_section_name(ef, i),
				       sh->sh_link);
		if (ELF_TABLE(ef, i, Elf64_Sym, syms, n, eb))
			return -ENOEXEC;
		*strndx = sh->sh_link;
		return 1;
	}
	return 0;
}

/* A symbol a uprobe can be placed at: a defined function with an address
 * and a name; its name, or NULL. */
static const char *func_name(const struct elf_file *ef, size_t strndx, const Elf64_Sym *s)
{
	const char *name;

	if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || s->st_shndx == SHN_UNDEF || !s->st_value)
		return NULL;
	name = elf_string(ef, strndx, s->st_name);	/* NUL-ended: validated */
	return name && *name ? name : NULL;
}

int usym_file_offset(const char *path, const char *symbol, uint64_t *off,
		     struct errbuf *eb)
{
	struct elf_file ef;
	uint64_t value = 0;
	const char *where = "";
	int found = 0, err = elf_open_exec(path, &ef, eb);

	if (err)
		return err_prefix(eb, err, "%s", path);
	for (size_t t = 0; !found && t < sizeof(tables) / sizeof(tables[0]); t++) {
		const Elf64_Sym *syms;
		size_t n, strndx;
		const char *name;

		err = find_table(&ef, tables[t].type, &syms, &n, &strndx, eb);
		if (err < 0) {
			err = err_prefix(eb, err, "%s: malformed symbol table", path);
			goto out;
		}
		if (err == 0)
			continue;	/* no such table */
		for (size_t i = 0; !found && i < n; i++)
			if ((name = func_name(&ef, strndx, &syms[i])) && !strcmp(name, symbol)) {
				value = syms[i].st_value;
				where = tables[t].name;
				found = 1;
			}
	}
	if (!found) {
		err = err_set(eb, -ENOENT, "%s has no function '%s' in .symtab or .dynsym "
			      "(stripped, static or inlined?); list them with 'nm -D %s' or "
			      "'nm %s', or give a file offset", path, symbol, path, path);
		goto out;
	}
	err = elf_vaddr_offset(&ef, value, off, NULL);
	if (err)
		err = err_set(eb, err, "%s: '%s' (%s value 0x%llx) is in no PT_LOAD segment",
			      path, symbol, where, (unsigned long long)value);
out:
	elf_close(&ef);
	return err;
}

/*
 * ---- every function a glob matches (uprobe.multi) ----
 *
 * A library's .dynsym holds a few thousand functions and a large
 * program's .symtab a few hundred thousand: read in place, through the
 * mapping elf/elf.c validated, one pass per table.
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

/* Add every function of @syms (names in string table @strndx) that
 * matches @pattern to @u. -ENOEXEC with @eb naming the symbol when a
 * matching function lies in no segment. */
static int glob_table(const struct elf_file *ef, const Elf64_Sym *syms, size_t n,
		      size_t strndx, const char *pattern, const char *table,
		      struct ufuncs *u, struct errbuf *eb)
{
	for (size_t i = 0; i < n; i++) {
		const char *name = func_name(ef, strndx, &syms[i]);
		uint64_t off;

		if (!name)
			continue;
		u->seen++;
		if (!usym_glob_match(pattern, name))
			continue;
		if (elf_vaddr_offset(ef, syms[i].st_value, &off, NULL))
			return err_set(eb, -ENOEXEC, "'%s' (%s symbol %zu, value 0x%llx) is in no "
				       "PT_LOAD segment", name, table, i,
				       (unsigned long long)syms[i].st_value);
		if (ufuncs_add(u, off, name))
			return err_set(eb, -ENOMEM, "out of memory");
	}
	return 0;
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
	struct ufuncs u = { 0 };
	struct elf_file ef;
	char searched[32] = "";
	int err;

	*offsets = NULL;
	*names = NULL;
	*n = 0;
	if ((err = elf_open_exec(path, &ef, eb)))
		return err_prefix(eb, err, "%s", path);
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		const Elf64_Sym *syms;
		size_t nsyms, strndx;

		err = find_table(&ef, tables[t].type, &syms, &nsyms, &strndx, eb);
		if (err < 0) {
			err = err_prefix(eb, err, "%s: malformed %s", path, tables[t].name);
			goto out;
		}
		if (err == 0)
			continue;
		snprintf(searched + strlen(searched), sizeof(searched) - strlen(searched),
			 "%s%s", searched[0] ? " and " : "", tables[t].name);
		err = glob_table(&ef, syms, nsyms, strndx, pattern, tables[t].name, &u, eb);
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
	elf_close(&ef);
	return err;
}

void usym_glob_free(uint64_t *offsets, char **names, size_t n)
{
	for (size_t i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
	free(offsets);
}
