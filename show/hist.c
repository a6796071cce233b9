/*
 * show/hist.c - --hist (see hist.h).
 *
 * A log2 histogram in a BPF map is only an array of counts: the program
 * computes slot = log2(value) and adds one there. What the slots mean is
 * the tool's convention, which bcc's libbpf-tools share (their
 * print_log2_hist): slot 0 holds 0 and 1, slot i >= 1 the values from 2^i
 * to 2^(i+1) - 1. The rows here have the same columns, so a user can put
 * rawload's output beside the tool's.
 */
#include "hist.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/map.h"
#include "dump.h"
#include "elf/btf.h"
#include "json.h"

/* An array of integers: its element size and count, or 0. */
static int int_array(const struct btf *btf, uint32_t id, uint32_t *elem, uint32_t *n)
{
	const struct btf_type *t = btf_type_by_id(btf, btf_skip_mods_typedefs(btf, id));
	const struct btf_type *el;

	if (!t || btf_kind(t) != BTF_KIND_ARRAY)
		return 0;
	el = btf_type_by_id(btf, btf_skip_mods_typedefs(btf, btf_array(t)->type));
	if (!el || btf_kind(el) != BTF_KIND_INT || BTF_INT_BITS(btf_int_info(el)) != el->size * 8 ||
	    (el->size != 1 && el->size != 2 && el->size != 4 && el->size != 8))
		return 0;
	*elem = el->size;
	*n = btf_array(t)->nelems;
	return *n > 0;
}

/* MAP of @arg: the longest part before '=' that names a map, so that a
 * map named "a.b" and "a.FIELD" can both be meant. */
static int split_map(const struct object *obj, const char *arg, size_t len,
		     const char **field)
{
	for (size_t n = len; n > 0; n--) {
		char name[128];
		int m;

		if (n != len && arg[n] != '.')
			continue;
		if (n >= sizeof(name))
			continue;
		memcpy(name, arg, n);
		name[n] = '\0';
		if ((m = obj_find_map(obj, name)) >= 0) {
			*field = n < len ? arg + n + 1 : NULL;
			return m;
		}
	}
	return -1;
}

int hist_resolve(const struct object *obj, const char *arg, struct hist_spec *h,
		 struct errbuf *eb)
{
	const char *eq = strchr(arg, '='), *field = NULL;
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg), flen;
	const struct btf *btf = obj->btf;
	const struct btf_type *t;
	const struct obj_map *m;
	int found = -1;

	memset(h, 0, sizeof(*h));
	h->member = -1;
	if ((h->map = split_map(obj, arg, len, &field)) < 0)
		return err_set(eb, -ENOENT, "--hist %s: no map '%.*s' in the object", arg,
			       (int)len, arg);
	m = &obj->maps[h->map];
	flen = field ? len - (size_t)(field - arg) : 0;
	snprintf(h->label, sizeof(h->label), "%.*s", eq ? (int)strlen(eq + 1) : field ?
		 (int)flen : 5, eq ? eq + 1 : field ? field : "value");
	if (!btf || !m->btf_value_type_id)
		return err_set(eb, -EINVAL, "--hist %s: map '%s' has no BTF value type (built "
			       "without -g, or declared with value_size): its counts cannot be "
			       "found", arg, m->name);
	t = btf_type_by_id(btf, btf_skip_mods_typedefs(btf, m->btf_value_type_id));
	if (!field && int_array(btf, m->btf_value_type_id, &h->elem_size, &h->nslots))
		return 0;
	if (!t || btf_kind(t) != BTF_KIND_STRUCT)
		return err_set(eb, -EINVAL, "--hist %s: the value of '%s' is %s, not an array "
			       "of counts or a struct holding one", arg, m->name,
			       t ? btf_kind_name(btf_kind(t)) : "?");
	for (unsigned i = 0; i < btf_vlen(t); i++) {
		const struct btf_member *mb = &btf_members(t)[i];
		const char *name = btf_str(btf, mb->name_off);
		uint32_t elem, n;

		if (field ? strlen(name) != flen || strncmp(name, field, flen)
			  : !int_array(btf, mb->type, &elem, &n))
			continue;
		if (!field && found >= 0)
			return err_set(eb, -EINVAL, "--hist %s: the value of '%s' has more than "
				       "one array of counts ('%s', '%s'): name one, --hist %s.%s",
				       arg, m->name, btf_str(btf, btf_members(t)[found].name_off),
				       name, m->name, name);
		found = (int)i;
		if (field)
			break;
	}
	if (found < 0)
		return err_set(eb, -ENOENT, field ? "--hist %s: the value of '%s' has no member "
			       "'%.*s'" : "--hist %s: the value of '%s' holds no array of counts",
			       arg, m->name, (int)flen, field);
	if (!int_array(btf, btf_members(t)[found].type, &h->elem_size, &h->nslots))
		return err_set(eb, -EINVAL, "--hist %s: member '%.*s' of '%s' is not an array "
			       "of integers", arg, (int)flen, field, m->name);
	h->member = found;
	h->off = btf_member_bit_offset(t, (unsigned)found) / 8;
	return 0;
}

/* "|*******   |": @count's share of @max in @width columns. */
static void stars(FILE *out, uint64_t count, uint64_t max, int width)
{
	int n = max ? (int)(count * (uint64_t)width / max) : 0;

	fputc('|', out);
	for (int i = 0; i < width; i++)
		fputc(i < n ? '*' : ' ', out);
	fputc('|', out);
}

void hist_log2_rows(FILE *out, const uint64_t *counts, uint32_t n, const char *label)
{
	uint64_t max = 0;
	int last = -1;

	for (uint32_t i = 0; i < n; i++) {
		if (counts[i])
			last = (int)i;
		if (counts[i] > max)
			max = counts[i];
	}
	if (last < 0)
		return;
	/* more than 33 slots need 20-digit bounds, in half the stars */
	int wide = last > 32, width = wide ? 20 : 10;

	fprintf(out, "%*s%-*s : count    distribution\n", wide ? 15 : 5, "", wide ? 29 : 19,
		label);
	for (int i = 0; i <= last; i++) {
		uint64_t high = i >= 63 ? UINT64_MAX : (UINT64_C(1) << (i + 1)) - 1;
		uint64_t low = i ? UINT64_C(1) << i : 0;

		fprintf(out, "%*llu -> %-*llu : %-8llu ", width, (unsigned long long)low, width,
			(unsigned long long)high, (unsigned long long)counts[i]);
		stars(out, counts[i], max, wide ? 20 : 40);
		fputc('\n', out);
	}
}

static uint64_t load_count(const uint8_t *p, uint32_t size)
{
	uint64_t v = 0;

	memcpy(&v, p, size);	/* little-endian hosts */
	return v;
}

/* The value's members other than the counts, as a JSON object. */
static void other_members(struct json *j, const struct btf *btf, uint32_t vid, int skip,
			  const uint8_t *val)
{
	const struct btf_type *t = btf_type_by_id(btf, btf_skip_mods_typedefs(btf, vid));

	json_obj_begin(j);
	for (unsigned i = 0; t && i < btf_vlen(t); i++) {
		const struct btf_member *mb = &btf_members(t)[i];
		uint64_t size = 0;

		if ((int)i == skip || btf_member_bitfield_size(t, i) ||
		    btf_type_size(btf, mb->type, &size, NULL))
			continue;
		json_key(j, btf_str(btf, mb->name_off));
		dump_value(j, btf, mb->type, val + btf_member_bit_offset(t, i) / 8, size);
	}
	json_obj_end(j);
}

static int percpu(uint32_t type)
{
	return type == BPF_MAP_TYPE_PERCPU_ARRAY || type == BPF_MAP_TYPE_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

/* One key's histogram, text or JSON. */
static void print_key(const struct object *obj, const struct obj_map *m,
		      const struct hist_spec *h, const uint8_t *key, const uint8_t *val,
		      const uint64_t *counts, int json, double ts, FILE *out)
{
	const struct btf *btf = obj->btf;
	struct json j;

	json_init(&j, out);
	if (json) {
		json_obj_begin(&j);
		if (ts >= 0) {
			json_key(&j, "ts");
			json_double(&j, ts);
		}
		json_kstr(&j, "hist", m->name);
		json_key(&j, "key");
		dump_value(&j, btf, m->btf_key_type_id, key, m->key_size);
		if (h->member >= 0) {
			json_key(&j, "value");
			other_members(&j, btf, m->btf_value_type_id, h->member, val);
		}
		json_kstr(&j, "unit", h->label);
		json_key(&j, "buckets");
		json_arr_begin(&j);
		for (uint32_t i = 0; i < h->nslots; i++) {
			json_obj_begin(&j);
			json_ku64(&j, "low", i ? UINT64_C(1) << (i < 63 ? i : 63) : 0);
			json_ku64(&j, "high", i >= 63 ? UINT64_MAX : (UINT64_C(1) << (i + 1)) - 1);
			json_ku64(&j, "count", counts[i]);
			json_obj_end(&j);
		}
		json_arr_end(&j);
		json_obj_end(&j);
		fputc('\n', out);
		return;
	}
	if (ts >= 0)
		fprintf(out, "[%10.6f] ", ts);
	fprintf(out, "%s key ", m->name);
	dump_value(&j, btf, m->btf_key_type_id, key, m->key_size);
	if (h->member >= 0) {
		fputc(' ', out);
		json_init(&j, out);
		other_members(&j, btf, m->btf_value_type_id, h->member, val);
	}
	fputs(":\n", out);
	hist_log2_rows(out, counts, h->nslots, h->label);
}

void hist_print(const struct object *obj, const struct obj_map *m, int fd,
		const struct hist_spec *h, int json, double ts, FILE *out)
{
	long ncpu = percpu(m->type) ? sysconf(_SC_NPROCESSORS_CONF) : 1;
	size_t stride = percpu(m->type) ? (m->value_size + 7) & ~(size_t)7 : m->value_size;
	uint8_t *key = calloc(1, m->key_size), *next = calloc(1, m->key_size);
	uint8_t *val = calloc((size_t)(ncpu > 0 ? ncpu : 1), stride ? stride : 1);
	uint64_t *counts = calloc(h->nslots, sizeof(*counts));
	int have = 0, any = 0;

	while (key && next && val && counts &&
	       map_next_key(fd, have ? key : NULL, next, SYS_RUN, NULL) == 0) {
		memcpy(key, next, m->key_size);
		have = 1;
		if (map_lookup(fd, key, val, SYS_RUN, NULL) < 0)
			continue;
		memset(counts, 0, h->nslots * sizeof(*counts));
		for (long c = 0; c < ncpu; c++)
			for (uint32_t i = 0; i < h->nslots; i++)
				counts[i] += load_count(val + (size_t)c * stride + h->off +
							(size_t)i * h->elem_size, h->elem_size);
		print_key(obj, m, h, key, val, counts, json, ts, out);
		any = 1;
	}
	if (!any && !json)
		fprintf(out, "%s: no histogram yet (the map is empty)\n", m->name);
	fflush(out);
	free(key);
	free(next);
	free(val);
	free(counts);
}
