/*
 * host/btf_modules.c - the kernel modules that carry BTF (see
 * btf_modules.h).
 */
#include "btf_modules.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The module names in @dir (every entry but ".", ".." and "vmlinux"),
 * sorted so the candidate order does not depend on readdir's. */
int host_btf_modules(const char *dir, char ***out, size_t *n, struct errbuf *eb)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	int err = 0;

	*n = 0;
	if (!d)
		return errno == ENOENT ? 0 :
			err_set(eb, -errno, "%s: %s", dir, strerror(errno));
	while ((e = readdir(d))) {
		char **p;

		if (e->d_name[0] == '.' || !strcmp(e->d_name, "vmlinux"))
			continue;
		p = realloc(v, (*n + 1) * sizeof(*p));
		if (!p || !(p[*n] = strdup(e->d_name))) {
			v = p ? p : v;
			err = err_set(eb, -ENOMEM, "out of memory");
			break;
		}
		v = p;
		(*n)++;
	}
	closedir(d);
	if (*n > 1)
		qsort(v, *n, sizeof(*v), cmp_str);
	*out = v;
	return err;
}

