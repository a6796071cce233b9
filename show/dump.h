/* show/dump.h - --dump-maps: every map's entries, formatted with BTF. */
#ifndef RAWLOAD_DUMP_H
#define RAWLOAD_DUMP_H

#include <stdint.h>
#include <stdio.h>

#include "elf/object.h"

/*
 * design.md's format: {"maps":[{"name":..,"type":..,"key_size":..,
 * "value_size":..,"max_entries":..,"entries":[{"key":..,"value":..}]}]}.
 * With BTF, structs are objects keyed by member name, integers numbers,
 * char arrays strings, other arrays lists, per-CPU values a list with one
 * value per CPU; without BTF keys and values are hex strings. The text
 * form prints the same values, one entry per line.
 */
/* One value: formatted through BTF type @type_id when @btf and the id are
 * given, else a hex string. Used by --dump-maps and for events. */
struct json;
void dump_value(struct json *j, const struct btf *btf, uint32_t type_id,
		const uint8_t *p, size_t size);

/* Names kernel address @addr into @buf ("do_syscall_64+0x5d"): 1, or 0
 * when it cannot (show/ reads no machine file; loader/ passes one). */
typedef int (*dump_symbolize_fn)(void *ctx, uint64_t addr, char *buf, size_t size);

struct dump_opts {
	const int *only;	/* [map] 1 to dump it; NULL: every map */
	int json;
	FILE *out;
	dump_symbolize_fn symbolize; /* frames of stack-trace maps; NULL: hex */
	void *sym_ctx;
};

/* Every dumpable map with an fd: @maps [map] as created (the load's
 * sizes), @obj for their BTF. A stack-trace map's value is its frames,
 * newest first, kernel ones named through @o->symbolize, others in hex. */
void dump_maps(const struct object *obj, const struct obj_map *maps, const int *map_fds,
	       const struct dump_opts *o);

#endif
