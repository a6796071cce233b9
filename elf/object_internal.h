/*
 * elf/object_internal.h - shared between object.c, object_externs.c,
 * maps.c and struct_ops.c only.
 */
#ifndef RAWLOAD_OBJECT_INTERNAL_H
#define RAWLOAD_OBJECT_INTERNAL_H

#include "object.h"

/* Append one zeroed element of @elem bytes to the array *@arr of *@n. */
int obj_grow(void **arr, size_t *n, size_t elem, struct errbuf *eb);

/* Append a zeroed map (inner = -1); NULL with @eb set when out of memory.
 * The pointer is valid until the next obj_add_map. */
struct obj_map *obj_add_map(struct object *obj, struct errbuf *eb);

/* A map's kernel name: the first 15 bytes of @name (BPF_OBJ_NAME_LEN is
 * 16 with the NUL). A plain copy: snprintf's "%.15s" cost a load of
 * twelve maps more than its BPF_MAP_CREATE attrs did. */
void obj_map_kernel_name(const char *name, char out[16]);

/* The libbpf kernel name of a global data map for section @sec_name. */
void obj_internal_map_name(const char *obj_name, const char *sec_name,
			   char out[16]);

/* The section index and the per-section program runs (elf/object_index.c):
 * obj->secidx sorted, obj->secprogs allocated (zeroed) for collect_progs. */
int obj_index_sections(struct object *obj, struct errbuf *eb);
/* The STT_FUNC symbols grouped by section, in symbol order: section i's
 * are (*@syms)[(*@start)[i] .. (*@start)[i + 1]); the caller frees both. */
int obj_funcs_by_section(const struct elf_file *ef, size_t **start,
			 size_t **syms, struct errbuf *eb);

/* Undefined global symbols: .kconfig and .ksyms externs, and the
 * .kconfig map (elf/object_externs.c). */
int obj_collect_externs(struct object *obj, struct errbuf *eb);

int maps_collect_btf(struct object *obj, struct errbuf *eb);
int maps_collect_legacy(struct object *obj, struct errbuf *eb);
int maps_parse_btf_def(const struct btf *btf, uint32_t struct_id,
		       struct obj_map *m, uint32_t *inner_struct,
		       struct errbuf *eb);

/* SEC(".struct_ops") and SEC(".struct_ops.link") variables -> maps, with
 * their function pointers -> programs (struct_ops.c). After the programs. */
int struct_ops_collect(struct object *obj, struct errbuf *eb);


#endif
