/* show/explain.h - --explain: every syscall, decoded, with its purpose. */
#ifndef RAWLOAD_EXPLAIN_H
#define RAWLOAD_EXPLAIN_H

#include <stddef.h>
#include <stdio.h>

#include "elf/object.h"

/* Install the sys_trace hook; steps are then announced by explain_step. */
void explain_enable(size_t nsteps);
void explain_step(size_t i, size_t n, const char *name);
/* host/mounts.c mounted @type at @dir: under --explain the mount(2) call,
 * decoded like the others (host/ makes it, and says only that it did). */
void explain_mount(const char *type, const char *dir);

#endif
