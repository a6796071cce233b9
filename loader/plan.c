/* loader/plan.c - `rawload plan` (placeholder: issue 4 fills it in). */
#include "plan.h"

#include <stdio.h>

int plan_run(const struct cli *c)
{
	fprintf(stderr, "rawload: %s: 'rawload plan' is not implemented yet\n", c->obj);
	return 2;
}
