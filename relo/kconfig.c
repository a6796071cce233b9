/*
 * relo/kconfig.c - an option of the kernel's configuration (see kconfig.h).
 */
#include "kconfig.h"

#include <errno.h>
#include <string.h>

int kconfig_lookup(const char *text, const char *name, const char **val,
		   size_t *val_len)
{
	size_t nlen = strlen(name);

	for (const char *line = text; *line;) {
		const char *eol = strchr(line, '\n');
		size_t llen = eol ? (size_t)(eol - line) : strlen(line);

		if (llen > nlen && !strncmp(line, name, nlen) && line[nlen] == '=') {
			*val = line + nlen + 1;
			*val_len = llen - nlen - 1;
			return 0;
		}
		line += llen + (eol ? 1 : 0);
	}
	return -ENOENT;
}
