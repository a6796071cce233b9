/*
 * loader/wrap.h - an error message for a person at a terminal: rawload's
 * messages are one line, whole sentences joined by "; " (what failed;
 * why; what to try), which a log or a test greps as one. On a terminal a
 * line wider than the screen is cut by the terminal wherever it falls;
 * there the message is a headline and its hints, indented, each wrapped
 * between words.
 */
#ifndef RAWLOAD_WRAP_H
#define RAWLOAD_WRAP_H

#include <stdio.h>

/* "@prefix@msg\n" on @out: as one line when @out is no terminal or the
 * line fits its width ($COLUMNS, else the terminal's, else 80); else the
 * first "; "-part as the headline, each later part on lines of its own
 * indented by two spaces, all wrapped at spaces. */
void wrap_say(FILE *out, const char *prefix, const char *msg);
/* "rawload: OBJ: MSG" (or "rawload: MSG" without @obj) on stderr, wrapped
 * so. */
void say_error(const char *obj, const char *msg);

#endif
