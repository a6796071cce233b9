/*
 * relo/core_spec.c - CO-RE step 1: the LOCAL spec.
 *
 * A record names a local type and an access string ("0:1:2": element 0
 * of the root, member 1, element 2). Walking it over the object's own
 * BTF turns the indexes into what survives between kernels -- member
 * NAMES -- and gives the bit offset the compiler assumed. Also here: the
 * flavor rule ("task_struct___old" is "task_struct" to CO-RE) and the
 * printing of a spec as "struct task_struct.real_parent" for messages.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_internal.h"

static const char *const kind_names[] = {
	[BPF_CORE_FIELD_BYTE_OFFSET] = "byte_off",
	[BPF_CORE_FIELD_BYTE_SIZE] = "byte_sz",
	[BPF_CORE_FIELD_EXISTS] = "field_exists",
	[BPF_CORE_FIELD_SIGNED] = "signed",
	[BPF_CORE_FIELD_LSHIFT_U64] = "lshift_u64",
	[BPF_CORE_FIELD_RSHIFT_U64] = "rshift_u64",
	[BPF_CORE_TYPE_ID_LOCAL] = "local_type_id",
	[BPF_CORE_TYPE_ID_TARGET] = "target_type_id",
	[BPF_CORE_TYPE_EXISTS] = "type_exists",
	[BPF_CORE_TYPE_SIZE] = "type_size",
	[BPF_CORE_ENUMVAL_EXISTS] = "enumval_exists",
	[BPF_CORE_ENUMVAL_VALUE] = "enumval_value",
	[BPF_CORE_TYPE_MATCHES] = "type_matches",
};

const char *core_relo_kind_name(uint32_t kind)
{
	if (kind < sizeof(kind_names) / sizeof(kind_names[0]) && kind_names[kind])
		return kind_names[kind];
	return "unknown";
}

/* X___Y with X and Y not '_': "task_struct___old" is a flavor of
 * task_struct, "__state" and "a____b" are plain names. */
static bool is_flavor_sep(const char *s)
{
	return s[0] != '_' && s[1] == '_' && s[2] == '_' && s[3] == '_' &&
	       s[4] != '_';
}

size_t core_essential_name_len(const char *name)
{
	size_t n = strlen(name);

	/* The LAST separator counts, so "a___b___c" is a flavor of "a___b". */
	for (size_t i = n >= 5 ? n - 5 + 1 : 0; i-- > 0;)
		if (is_flavor_sep(name + i))
			return i + 1;
	return n;
}

/* Same name once flavors are cut. */
bool core_essential_names_equal(const char *a, const char *b)
{
	size_t la = core_essential_name_len(a), lb = core_essential_name_len(b);

	return la == lb && strncmp(a, b, la) == 0;
}

/* Follow modifiers and typedefs: the type and its id. */
const struct btf_type *core_skip_mods(const struct btf *btf, uint32_t id,
				      uint32_t *res_id)
{
	id = btf_skip_mods_typedefs(btf, id);
	if (res_id)
		*res_id = id;
	return btf_type_by_id(btf, id);
}

int64_t core_resolve_size(const struct btf *btf, uint32_t id)
{
	struct errbuf ignore;
	uint64_t sz;

	if (btf_type_size(btf, id, &sz, &ignore) < 0 || sz > INT64_MAX)
		return -EINVAL;
	return (int64_t)sz;
}

const char *core_enumerator_name(const struct btf *btf,
				 const struct btf_type *t, uint32_t i)
{
	return btf_str(btf, btf_kind(t) == BTF_KIND_ENUM ?
				    btf_enums(t)[i].name_off :
				    btf_enum64s(t)[i].name_off);
}

/* A trailing array of 0 elements in a struct (char data[]): any index is
 * in bounds. @acc is the accessor before the array. */
bool core_is_flex_arr(const struct btf *btf, const struct core_acc *acc,
		      const struct btf_array *arr)
{
	const struct btf_type *t;

	if (!acc->name || arr->nelems > 0)
		return false;
	t = btf_type_by_id(btf, acc->type_id);
	return is_composite(t) && acc->idx == btf_vlen(t) - 1;
}

/* "struct task_struct.real_parent" / "enum pid_type::PIDTYPE_TGID". */
void core_spec_str(const struct core_spec *spec, char *buf, size_t len)
{
	const struct btf_type *t = btf_type_by_id(spec->btf, spec->root_type_id);
	char tname[128];
	size_t n;

	btf_type_str(spec->btf, spec->root_type_id, tname, sizeof(tname));
	n = (size_t)snprintf(buf, len, "%s", tname);
	if (n >= len || !t)
		return;
	if (is_enumval_kind(spec->kind) && spec->len > 0) {
		snprintf(buf + n, len - n, "::%s", spec->spec[0].name);
		return;
	}
	if (!is_field_kind(spec->kind))
		return;
	for (int i = 0; i < spec->len && n < len; i++) {
		const struct core_acc *a = &spec->spec[i];

		if (a->name)
			n += (size_t)snprintf(buf + n, len - n, ".%s", a->name);
		else if (i > 0 || a->idx > 0)
			n += (size_t)snprintf(buf + n, len - n, "[%u]", a->idx);
	}
}

/* "0:1:2" -> raw indexes. Strict: digits separated by single ':'. */
static int parse_access_str(const char *s, struct core_spec *spec,
			    struct errbuf *eb)
{
	spec->raw_len = 0;
	while (*s) {
		unsigned long v;
		char *end;

		if (spec->raw_len > 0) {
			if (*s != ':')
				break;
			s++;
		}
		if (*s < '0' || *s > '9')
			break;
		v = strtoul(s, &end, 10);
		if (v > INT32_MAX)
			return err_set(eb, -EINVAL, "index %lu too large", v);
		if (spec->raw_len == CORE_SPEC_MAX_LEN)
			return err_set(eb, -E2BIG, "more than %d accessors",
				       CORE_SPEC_MAX_LEN);
		spec->raw_spec[spec->raw_len++] = (uint32_t)v;
		s = end;
	}
	if (*s || spec->raw_len == 0)
		return err_set(eb, -EINVAL, "malformed access string");
	return 0;
}

/*
 * One step of a field's access string past the first: accessor @i enters
 * type *@id (a member of a struct or union, or an element of an array),
 * adds its offset to spec->bit_offset and leaves *@id at the type
 * entered. A member without a name (an anonymous struct or union) is
 * walked through but not recorded as a step of its own, as libbpf's
 * bpf_core_parse_spec does: the names are what candidates match on.
 */
static int step_into(struct core_spec *spec, int i, uint32_t *id, struct errbuf *eb)
{
	const struct btf *btf = spec->btf;
	uint32_t idx = spec->raw_spec[i];
	const struct btf_type *t = core_skip_mods(btf, *id, id);
	struct core_acc *acc = &spec->spec[spec->len];
	int64_t sz;

	if (is_composite(t)) {
		const struct btf_member *m;

		if (idx >= btf_vlen(t))
			return err_set(eb, -EINVAL, "member %u of [%u] out of range", idx, *id);
		m = btf_members(t) + idx;
		spec->bit_offset += btf_member_bit_offset(t, idx);
		if (m->name_off) {
			const char *name = btf_str(btf, m->name_off);

			if (!*name)
				return err_set(eb, -EINVAL, "member %u of [%u] has an empty name",
					       idx, *id);
			acc->type_id = *id;
			acc->idx = idx;
			acc->name = name;
			spec->len++;
		}
		*id = m->type;
		return 0;
	}
	if (kind_of(t) == BTF_KIND_ARRAY) {
		const struct btf_array *a = btf_array(t);

		core_skip_mods(btf, a->type, id);
		if (!core_is_flex_arr(btf, acc - 1, a) && idx >= a->nelems)
			return err_set(eb, -EINVAL, "index %u past array of %u", idx, a->nelems);
		acc->type_id = *id;
		acc->idx = idx;
		acc->name = NULL;
		spec->len++;
		sz = core_resolve_size(btf, *id);
		if (sz < 0)
			return err_set(eb, -EINVAL, "array element [%u] has no size", *id);
		spec->bit_offset += (uint32_t)(idx * sz * 8);
		return 0;
	}
	return err_set(eb, -EINVAL, "accessor %d: [%u] %s is neither composite nor array", i,
		       *id, btf_kind_name(kind_of(t)));
}

/*
 * libbpf's bpf_core_parse_spec. Type relocations must say "0"; enum ones
 * "N" = the N-th enumerator; field ones "N:m:...": N indexes the root as
 * an array (clang records p[N].x as N:x), the rest are member indexes in
 * structs/unions and element indexes in arrays. Unnamed members (anonymous
 * struct/union) add their offset but no accessor: they are found again by
 * the names inside them.
 */
int core_parse_spec(const struct btf *btf, uint32_t type_id,
		    const char *access, uint32_t kind, struct core_spec *spec,
		    struct errbuf *eb)
{
	const struct btf_type *t;
	struct core_acc *acc;
	uint32_t id;
	int64_t sz;
	int err;

	memset(spec, 0, sizeof(*spec));
	spec->btf = btf;
	spec->root_type_id = type_id;
	spec->kind = kind;

	err = parse_access_str(access, spec, eb);
	if (err)
		return err;

	if (is_type_kind(kind)) {
		if (spec->raw_len != 1 || spec->raw_spec[0] != 0)
			return err_set(eb, -EINVAL,
				       "type relocation access must be \"0\"");
		return 0;
	}

	t = core_skip_mods(btf, type_id, &id);
	if (!t)
		return err_set(eb, -EINVAL, "local type [%u] is void", type_id);

	acc = &spec->spec[0];
	acc->type_id = id;
	acc->idx = spec->raw_spec[0];
	spec->len++;

	if (is_enumval_kind(kind)) {
		if (!is_any_enum(t) || spec->raw_len > 1 ||
		    acc->idx >= btf_vlen(t))
			return err_set(eb, -EINVAL,
				       "not an enumerator of local type [%u]", id);
		acc->name = core_enumerator_name(btf, t, acc->idx);
		return 0;
	}
	if (!is_field_kind(kind))
		return err_set(eb, -EOPNOTSUPP, "unknown relocation kind %u",
			       kind);

	sz = core_resolve_size(btf, id);
	if (sz < 0)
		return err_set(eb, -EINVAL, "local type [%u] has no size", id);
	spec->bit_offset = (uint32_t)(acc->idx * sz * 8);

	for (int i = 1; i < spec->raw_len; i++)
		if ((err = step_into(spec, i, &id, eb)))
			return err;
	return 0;
}

/* "0:58" from a spec's raw indexes. */
void core_raw_str(const struct core_spec *spec, char *buf, size_t len)
{
	size_t n = 0;

	snprintf(buf, len, "0"); /* type relocations: the type itself */
	for (int i = 0; i < spec->raw_len && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, i ? ":%u" : "%u",
				      spec->raw_spec[i]);
}
