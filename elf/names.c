/*
 * elf/names.c - each consumer's alphabet (see names.h).
 */
#include "names.h"

#include <stdio.h>
#include <string.h>

static int is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int byte_ok(unsigned char c, enum name_rule rule)
{
	switch (rule) {
	case NAME_KERNEL:
		return is_alnum(c) || c == '_' || c == '.';
	case NAME_BPFFS:
		return is_alnum(c) || c == '_' || c == '-';
	case NAME_TRACEFS:
		return is_alnum(c) || c == '_' || c == '-' || c == '.';
	case NAME_WORD:
		return c > ' ' && c < 0x7f;
	}
	return 0;
}

long name_bad_byte(const char *s, enum name_rule rule)
{
	if (!s || !*s)
		return 0;
	if ((rule == NAME_TRACEFS || rule == NAME_KERNEL) && (!strcmp(s, ".") || !strcmp(s, "..")))
		return 0;
	for (size_t i = 0; s[i]; i++)
		if (!byte_ok((unsigned char)s[i], rule))
			return (long)i;
	return -1;
}

const char *name_rule_str(enum name_rule rule)
{
	switch (rule) {
	case NAME_KERNEL:
		return "letters, digits, '_' and '.', and not '.' or '..' (the kernel's rule "
		       "for BPF object names; with --pin, a file name)";
	case NAME_BPFFS:
		return "letters, digits, '_' and '-' (one file name on a bpffs, which "
		       "refuses '.')";
	case NAME_TRACEFS:
		return "letters, digits, '_', '-' and '.', and not '.' or '..' (a "
		       "directory of tracefs's events/)";
	case NAME_WORD:
		return "printable ASCII without spaces (a word of a tracefs command)";
	}
	return "?";
}

char *name_quote(const char *s, char *out, size_t size)
{
	size_t n = 0;

	if (!size)
		return out;
	for (; s && *s && n + 5 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= ' ' && c < 0x7f && c != '\\')
			out[n++] = (char)c;
		else
			n += (size_t)snprintf(out + n, size - n, "\\x%02x", c);
	}
	out[n] = '\0';
	return out;
}
