/* loader/core_cmd.c - `rawload core` (placeholder until issue 4's report). */
#include "core_cmd.h"

#include <stdio.h>

int core_cmd_run(const struct cli *c)
{
	fprintf(stderr, "rawload: %s: 'rawload core' is not implemented yet\n", c->obj);
	return 2;
}
