/*
 * show/dump.c - --dump-maps (see dump.h).
 *
 * Reading a map from user space: BPF_MAP_GET_NEXT_KEY walks the keys (a
 * NULL key gives the first), BPF_MAP_LOOKUP_ELEM copies each value out. A
 * per-CPU map's lookup returns one value per possible CPU, each rounded up
 * to 8 bytes, so the buffer is sized for all of them.
 */
#include "dump.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/map.h"
#include "json.h"

static void hexstr(struct json *j, const uint8_t *b, size_t n)
{
	char *s = malloc(n * 2 + 1);

	if (!s)
		return json_null(j);
	for (size_t i = 0; i < n; i++)
		sprintf(s + 2 * i, "%02x", b[i]);
	json_str(j, n ? s : "");
	free(s);
}

static uint64_t load_uint(const uint8_t *p, size_t size)
{
	uint64_t v = 0;

	memcpy(&v, p, size > 8 ? 8 : size);	/* little-endian hosts */
	return v;
}

static void fmt(struct json *j, const struct btf *btf, uint32_t id, const uint8_t *p,
		size_t avail, int depth);

/* An integer of @bits at @bit_off (a bitfield, or a whole int). */
static void fmt_int(struct json *j, const struct btf_type *t, const uint8_t *p,
		    uint32_t bit_off, uint32_t bits)
{
	uint32_t enc = BTF_INT_ENCODING(btf_int_info(t));
	uint64_t v = load_uint(p + bit_off / 8, (bit_off % 8 + bits + 7) / 8);

	v >>= bit_off % 8;
	if (bits < 64)
		v &= (UINT64_C(1) << bits) - 1;
	if (enc & BTF_INT_BOOL)
		json_bool(j, v != 0);
	else if ((enc & BTF_INT_SIGNED) && bits < 64 && (v >> (bits - 1)) & 1)
		json_i64(j, (int64_t)(v | ~((UINT64_C(1) << bits) - 1)));
	else if (enc & BTF_INT_SIGNED)
		json_i64(j, (int64_t)v);
	else
		json_u64(j, v);
}

static void fmt_array(struct json *j, const struct btf *btf, const struct btf_type *t,
		      const uint8_t *p, size_t avail, int depth)
{
	const struct btf_array *a = btf_array(t);
	const struct btf_type *el = btf_type_by_id(btf, btf_skip_mods_typedefs(btf, a->type));
	uint64_t esz = 0;

	btf_type_size(btf, a->type, &esz, NULL);
	if (el && btf_kind(el) == BTF_KIND_INT && el->size == 1 &&
	    !(BTF_INT_ENCODING(btf_int_info(el)) & BTF_INT_BOOL)) {
		size_t n = avail;

		if (a->nelems <= avail) {	/* char[N]: a string up to the first NUL */
			json_strn(j, (const char *)p, a->nelems);
			return;
		}
		/* cut by the record's end (a variable-length tail, as
		 * execsnoop's args[]): every byte the program sent, each NUL
		 * between strings kept, trailing ones dropped */
		while (n && !p[n - 1])
			n--;
		json_bytes(j, (const char *)p, n);
		return;
	}
	json_arr_begin(j);
	for (uint32_t i = 0; esz && i < a->nelems && (i + 1) * esz <= avail; i++)
		fmt(j, btf, a->type, p + i * esz, avail - i * esz, depth + 1);
	json_arr_end(j);
}

/* May a value of type @t be shown in part, when the bytes end inside it?
 * A struct or union (its complete members), a char array (the string so
 * far). Numbers and pointers are shown whole or not at all. */
static int partial_ok(const struct btf *btf, const struct btf_type *t)
{
	const struct btf_type *el;

	if (!t)
		return 0;
	if (btf_kind(t) == BTF_KIND_STRUCT || btf_kind(t) == BTF_KIND_UNION)
		return 1;
	if (btf_kind(t) != BTF_KIND_ARRAY)
		return 0;
	el = btf_type_by_id(btf, btf_skip_mods_typedefs(btf, btf_array(t)->type));
	return el && btf_kind(el) == BTF_KIND_INT && el->size == 1;
}

/*
 * A struct's members, in order, as far as @avail bytes hold them. A
 * record shorter than its type (execsnoop's variable-length args[]) ends
 * with "(cut)": how many of the type's bytes the record has, after the
 * members it holds whole and the one it ends in, if that one can be shown
 * in part.
 */
static void fmt_struct(struct json *j, const struct btf *btf, const struct btf_type *t,
		       const uint8_t *p, size_t avail, int depth)
{
	const struct btf_member *m = btf_members(t);
	int cut = 0;

	json_obj_begin(j);
	for (unsigned i = 0; i < btf_vlen(t) && !cut; i++) {
		uint32_t off = btf_member_bit_offset(t, i), bits = btf_member_bitfield_size(t, i);
		const struct btf_type *mt = btf_type_by_id(btf, btf_skip_mods_typedefs(btf, m[i].type));
		const char *name = btf_str(btf, m[i].name_off);
		uint64_t msize = 0;

		if (bits)
			msize = (off % 8 + bits + 7) / 8;
		else
			btf_type_size(btf, m[i].type, &msize, NULL);
		if (off / 8 + msize > avail) {
			cut = 1;
			if (bits || off / 8 >= avail || !partial_ok(btf, mt))
				break;
		}
		json_key(j, *name ? name : "(anon)");
		if (bits && mt && btf_kind(mt) == BTF_KIND_INT)
			fmt_int(j, mt, p, off, bits);
		else
			fmt(j, btf, m[i].type, p + off / 8, avail - off / 8, depth + 1);
	}
	if (cut && avail < t->size) {
		char what[96];

		snprintf(what, sizeof(what), "%zu of %u bytes", avail, t->size);
		json_key(j, "(cut)");
		json_str(j, what);
	}
	json_obj_end(j);
}

static void fmt(struct json *j, const struct btf *btf, uint32_t id, const uint8_t *p,
		size_t avail, int depth)
{
	const struct btf_type *t = btf_type_by_id(btf, btf_skip_mods_typedefs(btf, id));
	uint64_t size = 0;

	if (!t || depth > 32 || btf_type_size(btf, id, &size, NULL) ||
	    (size > avail && !partial_ok(btf, t)))
		return json_null(j);
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		return fmt_int(j, t, p, BTF_INT_OFFSET(btf_int_info(t)), BTF_INT_BITS(btf_int_info(t)));
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_PTR:
		return json_u64(j, load_uint(p, size));
	case BTF_KIND_ARRAY:
		return fmt_array(j, btf, t, p, avail, depth);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return fmt_struct(j, btf, t, p, avail, depth);
	case BTF_KIND_VAR:
		return fmt(j, btf, t->type, p, avail, depth + 1);
	default:
		return hexstr(j, p, size);
	}
}

/* Key or value: by BTF when we have a type, else hex. */
void dump_value(struct json *j, const struct btf *btf, uint32_t id,
		     const uint8_t *p, size_t size)
{
	if (btf && id)
		fmt(j, btf, id, p, size, 0);
	else
		hexstr(j, p, size);
}

/* A global data map's value: an object of its variables, each at the
 * offset its ELF symbol gives (the object's DATASEC has no offsets). */
static void fmt_globals(struct json *j, const struct object *obj, const struct obj_map *m,
			const uint8_t *p)
{
	json_obj_begin(j);
	for (size_t i = 0; i < m->nvars; i++) {
		json_key(j, m->vars[i].name);
		fmt(j, obj->btf, m->vars[i].type_id, p + m->vars[i].offset, m->vars[i].size, 0);
	}
	json_obj_end(j);
}

static int is_percpu(uint32_t type)
{
	return type == BPF_MAP_TYPE_PERCPU_ARRAY || type == BPF_MAP_TYPE_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

static int dumpable(const struct obj_map *m)
{
	/* Program and map fds are not readable values; ring buffers and
	 * queues are read by consuming, not by key. */
	return m->key_size && m->type != BPF_MAP_TYPE_PROG_ARRAY &&
	       m->type != BPF_MAP_TYPE_ARRAY_OF_MAPS && m->type != BPF_MAP_TYPE_HASH_OF_MAPS &&
	       m->type != BPF_MAP_TYPE_RINGBUF && m->type != BPF_MAP_TYPE_PERF_EVENT_ARRAY;
}

/* A stack-trace map's value: value_size / 8 instruction addresses, the
 * innermost first, ended by a 0 (bpf_get_stackid fills what it has).
 * Kernel addresses (the upper half) are named, user ones printed in hex:
 * naming those needs the process's mappings, gone by now. */
static void fmt_frames(struct json *j, const uint8_t *p, size_t size,
		       const struct dump_opts *o)
{
	char name[256];

	json_arr_begin(j);
	for (size_t i = 0; i + 8 <= size; i += 8) {
		uint64_t a = load_uint(p + i, 8);

		if (!a)
			break;
		if (!(a >> 63) || !o->symbolize || !o->symbolize(o->sym_ctx, a, name, sizeof(name)))
			snprintf(name, sizeof(name), "0x%llx", (unsigned long long)a);
		json_str(j, name);
	}
	json_arr_end(j);
}

/* One map: a JSON object, or in text a header line and "KEY = VALUE" per
 * entry (the same value spelling, so the two outputs agree). */
static void dump_one(const struct object *obj, const struct obj_map *m, int fd,
		     struct json *j, long ncpu, const struct dump_opts *o)
{
	int text = !o->json;
	size_t stride = (m->value_size + 7) & ~(size_t)7;
	size_t vsz = is_percpu(m->type) ? stride * (size_t)ncpu : m->value_size;
	uint32_t vid = m->btf_value_type_id;
	uint8_t *key = calloc(1, m->key_size), *next = calloc(1, m->key_size);
	uint8_t *val = calloc(1, vsz ? vsz : 1);
	int have = 0;

	if (text) {
		fprintf(j->out, "map %s (%s, key %u, value %u, max_entries %u):\n", m->name,
			obj_map_type_name(m->type), m->key_size, m->value_size, m->max_entries);
	} else {
		json_obj_begin(j);
		json_kstr(j, "name", m->name);
		json_kstr(j, "type", obj_map_type_name(m->type));
		json_ku64(j, "key_size", m->key_size);
		json_ku64(j, "value_size", m->value_size);
		json_ku64(j, "max_entries", m->max_entries);
		json_key(j, "entries");
		json_arr_begin(j);
	}
	while (key && next && val && map_next_key(fd, have ? key : NULL, next, SYS_RUN, NULL) == 0) {
		memcpy(key, next, m->key_size);
		have = 1;
		if (map_lookup(fd, key, val, SYS_RUN, NULL) < 0)
			continue;
		if (text) {
			fputs("  ", j->out);
			json_init(j, j->out);
		} else {
			json_obj_begin(j);
			json_key(j, "key");
		}
		if (m->origin == MAP_DATA || m->type == BPF_MAP_TYPE_STACK_TRACE)
			json_u64(j, load_uint(key, 4));	/* an index, a stack id */
		else
			dump_value(j, obj->btf, m->btf_key_type_id, key, m->key_size);
		if (text) {
			fputs(" = ", j->out);
			json_init(j, j->out);
		} else {
			json_key(j, "value");
		}
		if (m->type == BPF_MAP_TYPE_STACK_TRACE) {
			fmt_frames(j, val, m->value_size, o);
		} else if (m->origin == MAP_DATA && m->nvars && obj->btf) {
			fmt_globals(j, obj, m, val);
		} else if (is_percpu(m->type)) {
			json_arr_begin(j);
			for (long c = 0; c < ncpu; c++)
				dump_value(j, obj->btf, vid, val + c * stride, m->value_size);
			json_arr_end(j);
		} else {
			dump_value(j, obj->btf, vid, val, m->value_size);
		}
		if (text)
			fputc('\n', j->out);
		else
			json_obj_end(j);
	}
	if (!text) {
		json_arr_end(j);
		json_obj_end(j);
	}
	free(key);
	free(next);
	free(val);
}

void dump_maps(const struct object *obj, const struct obj_map *maps, const int *map_fds,
	       const struct dump_opts *o)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	const int *only = o->only;
	int json = o->json;
	FILE *out = o->out;
	struct json j;

	json_init(&j, out);
	if (json) {
		json_obj_begin(&j);
		json_key(&j, "maps");
		json_arr_begin(&j);
	}
	for (size_t i = 0; i < obj->nmaps; i++) {
		if (map_fds[i] < 0 || !dumpable(&maps[i]) || (only && !only[i]))
			continue;
		dump_one(obj, &maps[i], map_fds[i], &j, ncpu, o);
	}
	if (json) {
		json_arr_end(&j);
		json_obj_end(&j);
		fputc('\n', out);
	}
}
