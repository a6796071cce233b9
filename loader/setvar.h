/* loader/setvar.h - --set VAR=VALUE: write a global before load. */
#ifndef RAWLOAD_SETVAR_H
#define RAWLOAD_SETVAR_H

#include <stdint.h>

#include "elf/object.h"

/* Find @var in the object's global data maps and write @value, parsed by
 * its BTF type (integer, bool, enum, char array), into @data[map]. */
int setvar_apply(const struct object *obj, uint8_t **data, const char *var,
		 const char *value, struct errbuf *eb);

#endif
