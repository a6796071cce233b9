/* loader/load.c - the load driver (issue 3 fills it in). */
#include "load.h"

#include <stdio.h>

enum load_result load_run(const struct cli *c)
{
	fprintf(stderr, "rawload: %s: loading is not implemented yet; "
		"use 'rawload inspect %s'\n", c->obj, c->obj);
	return LOAD_BAD_INPUT;
}
