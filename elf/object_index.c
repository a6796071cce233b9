/*
 * elf/object_index.c - the object's indexes of its sections, built once at
 * read so that nothing done once per program or per section has to scan
 * all the sections (or all the symbols) again.
 *
 * Why: an object holds one code section per distinct SEC() name, so a
 * thousand programs with a thousand attach targets are a thousand
 * sections. Any "for each program (or section), find X by looking at
 * every section (or symbol)" is then a million steps: before these
 * indexes, 100 -> 1000 one-program sections cost 58x the instructions
 * (bench/scale.sh secs; bench/notes.md). Three indexes replace the scans:
 *
 *   secidx     sections sorted by (name, index): the section of a name
 *              in O(log n) (obj_find_section), for .BTF.ext's per-section
 *              tables, which name their section rather than number it.
 *   secprogs   per section index, the run of obj->progs it holds
 *              (collect_progs adds a section's programs together), so
 *              the relocations of a section are shared out among its
 *              programs only, not among all of them.
 *   funcs      (temporary, obj_funcs_by_section) the STT_FUNC symbols
 *              grouped by section with a counting sort, so that finding
 *              a section's functions reads its own symbols only.
 *
 * Like symidx (object.c), they are caches of what the file says, filled
 * by obj_open and freed by obj_close.
 */
#include "object_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int cmp_seckey(const void *a, const void *b)
{
	const struct obj_seckey *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->shndx < y->shndx ? -1 : x->shndx > y->shndx;
}

int obj_index_sections(struct object *obj, struct errbuf *eb)
{
	const struct elf_file *ef = &obj->elf;
	size_t n = ef->shnum ? ef->shnum : 1;

	obj->secidx = malloc(n * sizeof(*obj->secidx));
	obj->secprogs = calloc(n, sizeof(*obj->secprogs));
	if (!obj->secidx || !obj->secprogs)
		return err_set(eb, -ENOMEM, "out of memory for %zu sections", n);
	for (size_t i = 1; i < ef->shnum; i++)
		obj->secidx[obj->nsecidx++] =
			(struct obj_seckey){ elf_section_name(ef, i), i };
	qsort(obj->secidx, obj->nsecidx, sizeof(*obj->secidx), cmp_seckey);
	return 0;
}

size_t obj_find_section(const struct object *obj, const char *name)
{
	size_t lo = 0, hi = obj->nsecidx;

	/* the first key not below (name, 0): the lowest index of that name */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(obj->secidx[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < obj->nsecidx && strcmp(obj->secidx[lo].name, name) == 0)
		return obj->secidx[lo].shndx;
	return 0;
}

/*
 * A counting sort of the STT_FUNC symbols by st_shndx: section i's are
 * (*@syms)[(*@start)[i] .. (*@start)[i + 1]), in symbol-table order (the
 * order a scan of the symbol table met them in). Symbols of no section
 * below shnum (SHN_ABS, SHN_COMMON, ...) are left out: no code section
 * has their index. Both arrays are the caller's to free.
 */
int obj_funcs_by_section(const struct elf_file *ef, size_t **start,
			 size_t **syms, struct errbuf *eb)
{
	size_t *st = calloc(ef->shnum + 1, sizeof(*st));
	size_t *sy = malloc((ef->nsyms ? ef->nsyms : 1) * sizeof(*sy));
	size_t *fill = calloc(ef->shnum + 1, sizeof(*fill));
	int err = 0;

	if (!st || !sy || !fill) {
		err = err_set(eb, -ENOMEM, "out of memory for %zu symbols", ef->nsyms);
		goto out;
	}
	/* count each section's functions in st[shndx + 1]; the running sum
	 * then turns each count into where its section starts */
	for (size_t i = 1; i < ef->nsyms; i++)
		if (ELF64_ST_TYPE(ef->syms[i].st_info) == STT_FUNC &&
		    ef->syms[i].st_shndx < ef->shnum)
			st[ef->syms[i].st_shndx + 1]++;
	for (size_t s = 0; s < ef->shnum; s++)
		st[s + 1] += st[s];
	for (size_t i = 1; i < ef->nsyms; i++) {
		size_t s = ef->syms[i].st_shndx;

		if (ELF64_ST_TYPE(ef->syms[i].st_info) == STT_FUNC && s < ef->shnum)
			sy[st[s] + fill[s]++] = i;
	}
out:
	free(fill);
	if (err) {
		free(st);
		free(sy);
		st = sy = NULL;
	}
	*start = st;
	*syms = sy;
	return err;
}
