/*
 * loader/setvar.c - --set VAR=VALUE.
 *
 * The typical use is a `const volatile` knob in .rodata (a PID to filter
 * on, a feature switch): user space writes it between open and load, and
 * since .rodata is frozen the verifier then sees a constant and removes
 * the dead branches. The value is parsed by the variable's BTF type, and
 * must fit it.
 */
#include "setvar.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static int set_int(const struct btf_type *t, uint32_t size, uint8_t *dst,
		   const char *value, struct errbuf *eb)
{
	int is_signed = btf_kind(t) == BTF_KIND_INT &&
			(BTF_INT_ENCODING(btf_int_info(t)) & BTF_INT_SIGNED);
	int is_bool = btf_kind(t) == BTF_KIND_INT &&
		      (BTF_INT_ENCODING(btf_int_info(t)) & BTF_INT_BOOL);
	uint64_t u;
	char *end;

	if (is_bool || !strcmp(value, "true") || !strcmp(value, "false")) {
		if (!strcmp(value, "true") || !strcmp(value, "1"))
			u = 1;
		else if (!strcmp(value, "false") || !strcmp(value, "0"))
			u = 0;
		else
			return err_set(eb, -EINVAL, "'%s' is not a boolean (true/false/1/0)",
				       value);
	} else if (is_signed) {
		int64_t v;

		errno = 0;
		v = strtoll(value, &end, 0);
		if (errno || *end || end == value)
			return err_set(eb, -EINVAL, "'%s' is not an integer", value);
		if (size < 8 && (v < -(INT64_C(1) << (size * 8 - 1)) ||
				 v >= (INT64_C(1) << (size * 8 - 1))))
			return err_set(eb, -ERANGE, "%" PRId64 " does not fit a signed "
				       "%u-byte integer", v, size);
		u = (uint64_t)v;
	} else {
		errno = 0;
		u = strtoull(value, &end, 0);
		if (errno || *end || end == value || value[0] == '-')
			return err_set(eb, -EINVAL, "'%s' is not an unsigned integer", value);
		if (size < 8 && u >> (size * 8))
			return err_set(eb, -ERANGE, "%" PRIu64 " does not fit an unsigned "
				       "%u-byte integer", u, size);
	}
	memcpy(dst, &u, size);	/* little-endian: the low bytes first */
	return 0;
}

static int set_value(const struct btf *btf, const struct obj_var *v, uint8_t *dst,
		     const char *value, struct errbuf *eb)
{
	const struct btf_type *t = btf_type_by_id(btf, btf_skip_mods_typedefs(btf, v->type_id));

	if (!t)
		return err_set(eb, -EINVAL, "has no type");
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		if (v->size > 8)
			return err_set(eb, -EINVAL, "%u-byte integers are not supported", v->size);
		return set_int(t, v->size, dst, value, eb);
	case BTF_KIND_ARRAY: {
		const struct btf_type *el = btf_type_by_id(btf,
				btf_skip_mods_typedefs(btf, btf_array(t)->type));
		size_t n = strlen(value);

		if (!el || btf_kind(el) != BTF_KIND_INT || el->size != 1)
			break;
		if (n >= v->size)
			return err_set(eb, -ERANGE, "\"%s\" (%zu bytes and a NUL) does not "
				       "fit char[%u]", value, n, v->size);
		memset(dst, 0, v->size);
		memcpy(dst, value, n);
		return 0;
	}
	default:
		break;
	}
	return err_set(eb, -EINVAL, "has type %s; --set takes integers, booleans, "
		       "enums and char arrays", btf_kind_name(btf_kind(t)));
}

int setvar_apply(const struct object *obj, uint8_t **data, const char *var,
		 const char *value, struct errbuf *eb)
{
	/* a variable's name, offset and type are all in the BTF DATASEC of
	 * its section: without .BTF there is nothing to look it up in */
	if (!obj->btf)
		return err_set(eb, -ENOENT, "--set %s=%s: the object has no BTF (no .BTF "
			       "section), so its global variables have no names or types to "
			       "set; build it with clang -g", var, value);
	for (size_t m = 0; m < obj->nmaps; m++) {
		const struct obj_map *map = &obj->maps[m];

		for (size_t i = 0; i < map->nvars; i++) {
			int err;

			if (strcmp(map->vars[i].name, var))
				continue;
			err = set_value(obj->btf, &map->vars[i], data[m] + map->vars[i].offset,
					value, eb);
			return err ? err_prefix(eb, err, "--set %s=%s: variable '%s' in %s",
						var, value, var, map->name) : 0;
		}
	}
	return err_set(eb, -ENOENT, "--set %s=%s: no global variable '%s' in .data, "
		       ".rodata or .bss (see 'rawload inspect')", var, value, var);
}
