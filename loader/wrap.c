/*
 * loader/wrap.c - error messages wrapped for a terminal (see wrap.h).
 */
#include "wrap.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int columns(FILE *out)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;
	int n = env ? atoi(env) : 0;

	if (n <= 0 && !ioctl(fileno(out), TIOCGWINSZ, &ws))
		n = ws.ws_col;
	return n >= 40 ? n : 80;
}

/* @len bytes of @s from column @col on, broken at spaces before @width;
 * continuation lines start with @indent spaces. */
static void wrap_part(FILE *out, const char *s, size_t len, int col, int indent, int width)
{
	while (len) {
		size_t room = width > col ? (size_t)(width - col) : 1, cut = len;

		if (len > room) {
			cut = room;
			while (cut > 0 && s[cut] != ' ')
				cut--;
			if (!cut)	/* one word wider than the line: as it is */
				for (cut = room; cut < len && s[cut] != ' '; cut++)
					;
		}
		fwrite(s, 1, cut, out);
		while (cut < len && s[cut] == ' ')
			cut++;
		s += cut;
		len -= cut;
		if (len) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
		}
	}
}

void wrap_say(FILE *out, const char *prefix, const char *msg)
{
	int width = columns(out);
	const char *part = msg, *semi;
	int first = 1;

	if (!isatty(fileno(out)) || (int)(strlen(prefix) + strlen(msg)) <= width) {
		fprintf(out, "%s%s\n", prefix, msg);
		return;
	}
	fputs(prefix, out);
	while (*part) {
		size_t len = (semi = strstr(part, "; ")) ? (size_t)(semi - part) : strlen(part);

		if (!first)
			fputs("  ", out);
		wrap_part(out, part, len, first ? (int)strlen(prefix) : 2, first ? 2 : 4, width);
		fputc('\n', out);
		first = 0;
		part += len;
		if (semi)
			part += 2;
	}
}

void say_error(const char *obj, const char *msg)
{
	char prefix[512];

	snprintf(prefix, sizeof(prefix), "rawload: %s%s", obj ? obj : "", obj ? ": " : "");
	wrap_say(stderr, prefix, msg);
}
