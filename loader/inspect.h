/* loader/inspect.h - `rawload inspect`: print the object model. */
#ifndef RAWLOAD_INSPECT_H
#define RAWLOAD_INSPECT_H

#include <stdio.h>

#include "elf/object.h"

void inspect_text(const struct object *obj, FILE *out);
void inspect_json(const struct object *obj, FILE *out);

#endif
