/*
 * host/ksym.c - kernel function names from kallsyms (see ksym.h).
 *
 * /proc/kallsyms has one symbol a line (kernel/kallsyms.c s_show):
 *
 *   ffffffff816c3560 t bprm_execve
 *   ffffffffc0a01000 t nft_do_chain	[nf_tables]
 *   ^ address (0 unless kptr_restrict allows) ^ type ^ name ^ module
 *
 * Types t/T are text (functions). Why a function can be missing:
 *   - the compiler inlined it into every caller (do_execve since 5.9);
 *   - gcc cloned it under a new name after dropping arguments
 *     (".isra.0"), propagating constants (".constprop.0"), splitting it
 *     (".part.0"), or moved its cold path out (".cold");
 *   - its config option is off or its module is not loaded.
 * "__pfx_NAME" entries are the 16 bytes of padding before NAME that
 * CONFIG_CALL_PADDING (6.2+) adds; they are never a useful suggestion.
 */
#include "ksym.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One text symbol name per call, NULL at the end of the file. */
static const char *next_func(FILE *f, char **line, size_t *cap)
{
	while (getline(line, cap, f) > 0) {
		char *p = strchr(*line, ' '), *name, *end;

		if (!p || (p[1] != 't' && p[1] != 'T') || p[2] != ' ')
			continue;
		name = p + 3;
		end = name + strcspn(name, " \t\n");
		*end = '\0';
		if (*name)
			return name;
	}
	return NULL;
}

static FILE *open_ksyms(const char *kallsyms, struct errbuf *eb)
{
	FILE *f = fopen(kallsyms, "r");

	if (!f)
		err_set(eb, -errno, "cannot read %s: %s", kallsyms, err_str(-errno));
	return f;
}

int ksym_each(const char *kallsyms, ksym_fn fn, void *arg, struct errbuf *eb)
{
	char *line = NULL, name[512], type;
	unsigned long long addr;
	size_t cap = 0;
	int err = 0;
	FILE *f;

	if (!(f = fopen(kallsyms, "re")))
		return err_set(eb, -errno, "%s: %s", kallsyms, err_str(-errno));
	while (!err && getline(&line, &cap, f) > 0)
		if (sscanf(line, "%llx %c %511s", &addr, &type, name) == 3)
			err = fn(arg, (uint64_t)addr, type, name);
	free(line);
	fclose(f);
	return err;
}

/* ksym_table_load's collector: names into one growing buffer (offsets
 * until the end, when the buffer stops moving), text symbols only. */
struct table_fill {
	struct ksym_table *t;
	size_t cap, names_len, names_cap;
};

static int table_add(void *arg, uint64_t addr, char type, const char *name)
{
	struct table_fill *f = arg;
	struct ksym_table *t = f->t;
	size_t len = strlen(name) + 1;

	if ((type != 't' && type != 'T') || !addr)
		return 0;
	if (t->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 4096;
		struct ksym_addr *s = realloc(t->syms, cap * sizeof(*s));

		if (!s)
			return -ENOMEM;
		t->syms = s;
		f->cap = cap;
	}
	if (f->names_len + len > f->names_cap) {
		size_t cap = f->names_cap ? f->names_cap * 2 : 1 << 20;
		char *s = realloc(t->names, cap);

		if (!s)
			return -ENOMEM;
		t->names = s;
		f->names_cap = cap;
	}
	memcpy(t->names + f->names_len, name, len);
	t->syms[t->n].addr = addr;
	t->syms[t->n++].name = (const char *)(uintptr_t)f->names_len;
	f->names_len += len;
	return 0;
}

static int by_addr(const void *a, const void *b)
{
	const struct ksym_addr *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

int ksym_table_load(const char *kallsyms, struct ksym_table *t, struct errbuf *eb)
{
	struct table_fill f = { t, 0, 0, 0 };
	int err;

	memset(t, 0, sizeof(*t));
	err = ksym_each(kallsyms ? kallsyms : KSYM_DEFAULT, table_add, &f, eb);
	if (err == -ENOMEM)
		err_set(eb, err, "out of memory reading %s", kallsyms ? kallsyms : KSYM_DEFAULT);
	if (err) {
		ksym_table_free(t);
		return err;
	}
	for (size_t i = 0; i < t->n; i++)
		t->syms[i].name = t->names + (uintptr_t)t->syms[i].name;
	qsort(t->syms, t->n, sizeof(*t->syms), by_addr);
	return 0;
}

const char *ksym_table_find(const struct ksym_table *t, uint64_t addr, uint64_t *off)
{
	size_t lo = 0, hi = t->n;

	/* the last symbol at or below @addr */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	*off = addr - t->syms[lo - 1].addr;
	return t->syms[lo - 1].name;
}

void ksym_table_free(struct ksym_table *t)
{
	free(t->syms);
	free(t->names);
	memset(t, 0, sizeof(*t));
}

int ksym_has_func(const char *kallsyms, const char *name, struct errbuf *eb)
{
	FILE *f = open_ksyms(kallsyms, eb);
	char *line = NULL;
	size_t cap = 0;
	const char *s;
	int found = 0;

	if (!f)
		return -ENOENT;
	while (!found && (s = next_func(f, &line, &cap)))
		found = !strcmp(s, name);
	free(line);
	fclose(f);
	return found;
}

/* The wrapper prefix of this build's architecture (arch/x86/include/asm/
 * syscall_wrapper.h and its arm64/s390/riscv/powerpc siblings; libbpf's
 * arch_specific_syscall_pfx() lists the same six). An x86_64 kernel also
 * has __ia32_sys_* for 32-bit callers: not the one to probe. The one
 * table of them in rawload. */
#if defined(__x86_64__)
#define ARCH_SYS_PREFIX "__x64_sys_"
#elif defined(__i386__)
#define ARCH_SYS_PREFIX "__ia32_sys_"
#elif defined(__aarch64__)
#define ARCH_SYS_PREFIX "__arm64_sys_"
#elif defined(__s390x__)
#define ARCH_SYS_PREFIX "__s390x_sys_"
#elif defined(__riscv)
#define ARCH_SYS_PREFIX "__riscv_sys_"
#elif defined(__powerpc64__)
#define ARCH_SYS_PREFIX "__powerpc64_sys_"
#else
#define ARCH_SYS_PREFIX "sys_"
#endif

int ksym_syscall_prefix(const char *kallsyms, char *out, size_t size,
			struct errbuf *eb)
{
	int has = ksym_has_func(kallsyms, ARCH_SYS_PREFIX "bpf", eb);

	if (has < 0)
		return has;
	/* kernels before 4.17 had no wrappers: plain sys_NAME */
	snprintf(out, size, "%s", has ? ARCH_SYS_PREFIX : "sys_");
	return 0;
}

const char *ksym_stem(const char *name)
{
	static const char *const pfx[] = { "__", "do_", "sys_", "x64_", "arm64_",
					   "ia32_", "s390x_", "riscv_" };
	int again = 1;

	while (again) {
		again = 0;
		for (size_t i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++) {
			size_t n = strlen(pfx[i]);

			if (!strncmp(name, pfx[i], n) && name[n]) {
				name += n;
				again = 1;
			}
		}
	}
	return name;
}

/* How many words (joined by '_') @s has before offset @upto. */
static long words_before(const char *s, size_t upto)
{
	long n = 0;

	for (size_t i = 0; i < upto; i++)
		n += s[i] == '_';
	return n;
}

/*
 * How close @s is to @name (lower is closer), or -1 for not at all:
 *   0+     @name with a compiler suffix: do_execve.isra.0
 *   1000+  the stem as the last word, fewer words first: bprm_execve
 *          (1020+), kernel_execve, ... sched_mm_cid_after_execve (1080+)
 *   1050+  @name inside a longer name: do_execveat_common.isra.0
 *   3000+  the stem elsewhere as a word start: execve_foo
 * Shorter names win ties.
 */
static long closeness(const char *s, const char *name, const char *stem)
{
	size_t n = strlen(name), sn = strlen(stem), len = strlen(s);
	const char *hit;

	if (!strncmp(s, "__pfx_", 6) || !strcmp(s, name))
		return -1;
	if (!strncmp(s, name, n) && s[n] == '.')
		return (long)len;
	if (strstr(s, "sys_") || strstr(s, ".cold"))
		return -1;
	if (len > sn && !strcmp(s + len - sn, stem) && s[len - sn - 1] == '_')
		return 1000 + 20 * words_before(s, len - sn) + (long)len;
	if (strstr(s, name))
		return 1050 + (long)len;
	if (sn >= 4 && (hit = strstr(s, stem)) && (hit == s || hit[-1] == '_'))
		return 3000 + (long)len;
	return -1;
}

int ksym_suggest(const char *kallsyms, const char *name, size_t max,
		 char *out, size_t size)
{
	enum { KEEP = 8 };
	struct { long score; char name[128]; } best[KEEP];
	const char *stem = ksym_stem(name), *s;
	size_t nbest = 0, used = 0;
	FILE *f = fopen(kallsyms, "r");
	char *line = NULL;
	size_t cap = 0;

	if (size)
		out[0] = '\0';
	if (!f)
		return 0;
	if (max > KEEP)
		max = KEEP;
	while ((s = next_func(f, &line, &cap))) {
		long sc = closeness(s, name, stem);
		size_t at;

		if (sc < 0 || strlen(s) >= sizeof(best[0].name))
			continue;
		/* insertion into the sorted top list; duplicates (a name in
		 * two modules) are kept once */
		for (at = 0; at < nbest && best[at].score <= sc; at++)
			if (!strcmp(best[at].name, s))
				break;
		if ((at < nbest && !strcmp(best[at].name, s)) || at >= max)
			continue;
		if (nbest < max)
			nbest++;
		memmove(&best[at + 1], &best[at], (nbest - 1 - at) * sizeof(best[0]));
		best[at].score = sc;
		snprintf(best[at].name, sizeof(best[at].name), "%s", s);
	}
	free(line);
	fclose(f);
	for (size_t i = 0; i < nbest && used < size; i++) {
		int w = snprintf(out + used, size - used, "%s%s", i ? ", " : "", best[i].name);

		if (w < 0)
			break;
		used += (size_t)w;
	}
	return (int)nbest;
}

void ksym_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One function name per call from available_filter_functions ("name" or
 * "name [module]"), NULL at the end. */
static const char *next_listed(FILE *f, char **line, size_t *cap)
{
	while (getline(line, cap, f) > 0) {
		char *end = *line + strcspn(*line, " \t\n");

		*end = '\0';
		if (**line)
			return *line;
	}
	return NULL;
}

int ksym_glob(const char *list, const char *kallsyms, const char *pattern,
	      char ***out, size_t *n, const char **source, struct errbuf *eb)
{
	FILE *f = list ? fopen(list, "r") : NULL;
	int listed = f != NULL;
	char *line = NULL, **v = NULL;
	size_t cap = 0, nv = 0, vcap = 0, k = 0;
	const char *name;
	int err = 0;

	*out = NULL;
	*n = 0;
	if (!f && !(f = fopen(kallsyms, "r"))) {
		int e = errno;

		return err_set(eb, -e, "cannot read %s%s%s: %s", list ? list : "",
			       list ? " or " : "", kallsyms, err_str(-e));
	}
	*source = listed ? list : kallsyms;
	while ((name = listed ? next_listed(f, &line, &cap) : next_func(f, &line, &cap))) {
		if (fnmatch(pattern, name, 0) || !strncmp(name, "__pfx_", 6))
			continue;
		if (nv == vcap) {
			char **p = realloc(v, (vcap = vcap ? vcap * 2 : 16) * sizeof(*v));

			if (!p) {
				err = -ENOMEM;
				break;
			}
			v = p;
		}
		if (!(v[nv] = strdup(name))) {
			err = -ENOMEM;
			break;
		}
		nv++;
	}
	free(line);
	fclose(f);
	if (err) {
		ksym_names_free(v, nv);
		return err_set(eb, err, "out of memory");
	}
	qsort(v, nv, sizeof(*v), cmp_name);
	for (size_t i = 0; i < nv; i++) { /* drop repeats */
		if (k && !strcmp(v[k - 1], v[i]))
			free(v[i]);
		else
			v[k++] = v[i];
	}
	*out = v;
	*n = k;
	return 0;
}
