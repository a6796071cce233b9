/*
 * relo/extern.c - extern resolution (see extern.h). Placeholder: only
 * __weak externs resolve (to zero); issue 4 fills in the real sources.
 */
#include "extern.h"

#include <errno.h>
#include <string.h>

int extern_resolve(const struct object *obj, const struct extern_env *env,
		   struct extern_value *vals, uint8_t *kconfig, struct errbuf *eb)
{
	(void)env;
	(void)kconfig;
	for (size_t i = 0; i < obj->nexterns; i++) {
		memset(&vals[i], 0, sizeof(vals[i]));
		if (!obj->externs[i].is_weak)
			return err_set(eb, -ENOTSUP, "extern '%s': resolving %s externs is "
				       "not implemented yet", obj->externs[i].name,
				       obj->externs[i].kind == EXTERN_KCONFIG ? "__kconfig"
									    : "__ksym");
	}
	return 0;
}
