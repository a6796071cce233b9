/* loader/core_cmd.h - `rawload core OBJ [--btf FILE] [--json]`: each CO-RE
 * relocation resolved against a target BTF, without loading. */
#ifndef RAWLOAD_CORE_CMD_H
#define RAWLOAD_CORE_CMD_H

#include "cli.h"

/* Returns the exit status (0, or 2 for a bad object or target BTF). */
int core_cmd_run(const struct cli *c);

#endif
