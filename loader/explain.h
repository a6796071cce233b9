/* loader/explain.h - --explain: every syscall, decoded, with its purpose;
 * and --dump-maps. */
#ifndef RAWLOAD_EXPLAIN_H
#define RAWLOAD_EXPLAIN_H

#include <stddef.h>
#include <stdio.h>

#include "elf/object.h"

/* Install the sys_trace hook; steps are then announced by explain_step. */
void explain_enable(size_t nsteps);
void explain_step(size_t i, size_t n, const char *name);

/* Print every map's entries (hex without BTF formatting for now). */
void explain_dump_maps(const struct object *obj, const int *map_fds, int json,
		       FILE *out);

#endif
