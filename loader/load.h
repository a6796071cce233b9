/* loader/load.h - `rawload OBJ ...` and `rawload core OBJ`: the load driver. */
#ifndef RAWLOAD_LOAD_H
#define RAWLOAD_LOAD_H

#include "cli.h"

enum load_result { LOAD_OK, LOAD_KERNEL_REFUSED, LOAD_BAD_INPUT };

enum load_result load_run(const struct cli *c);

#endif
