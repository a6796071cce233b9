/*
 * bpf/ksym.c - kernel function names from kallsyms (see ksym.h).
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

int ksym_syscall_prefix(const char *kallsyms, char *out, size_t size,
			struct errbuf *eb)
{
	FILE *f = open_ksyms(kallsyms, eb);
	char *line = NULL;
	size_t cap = 0;
	const char *s;
	int found = 0;

	if (!f)
		return -ENOENT;
	/* "__x64_sys_bpf" wins over a plain "sys_bpf" (kept as the fallback
	 * for kernels before 4.17, which had no per-arch wrappers). */
	snprintf(out, size, "sys_");
	while (!found && (s = next_func(f, &line, &cap))) {
		size_t n = strlen(s);

		if (n > 9 && !strncmp(s, "__", 2) && !strcmp(s + n - 8, "_sys_bpf") &&
		    !strstr(s, "compat")) {
			snprintf(out, size, "%.*s", (int)(n - 3), s);
			found = 1;
		}
	}
	free(line);
	fclose(f);
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

/* How close @s is to @name (lower is closer), or -1 for not at all. */
static long closeness(const char *s, const char *name, const char *stem)
{
	size_t n = strlen(name), sn = strlen(stem), len = strlen(s);
	const char *hit;

	if (!strncmp(s, "__pfx_", 6) || !strcmp(s, name))
		return -1;
	if (!strncmp(s, name, n) && s[n] == '.')
		return (long)len;			/* do_execve.isra.0 */
	if (strstr(s, "sys_") || strstr(s, ".cold"))
		return -1;
	if (len > sn && !strcmp(s + len - sn, stem) && s[len - sn - 1] == '_')
		return 1000 + (long)len;		/* bprm_execve */
	if (strstr(s, name))
		return 2000 + (long)len;		/* do_execveat_common */
	if (sn >= 4 && (hit = strstr(s, stem)) && (hit == s || hit[-1] == '_'))
		return 3000 + (long)len;		/* execve_foo */
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
