/* loader/plan.h - `rawload plan OBJ [--btf FILE]`: everything a load would
 * do up to its first syscall, shown without root. */
#ifndef RAWLOAD_PLAN_H
#define RAWLOAD_PLAN_H

#include "cli.h"

/* Returns the exit status (0, or 2 for a bad object). */
int plan_run(const struct cli *c);

#endif
