/*
 * bpf/map.h - maps and pins: BPF_MAP_CREATE, element access, freeze, pin.
 * Plain parameters only (no struct object): see style.md's layering.
 */
#ifndef RAWLOAD_BPF_MAP_H
#define RAWLOAD_BPF_MAP_H

#include <stdint.h>

#include "elf/err.h"
#include "sys.h"

struct map_params {
	const char *name;	/* the object's name for it, for messages */
	const char *kernel_name;/* map_name given to the kernel (<= 15 bytes) */
	uint32_t type, key_size, value_size, max_entries, map_flags;
	uint32_t numa_node;	/* used when map_flags has BPF_F_NUMA_NODE */
	uint64_t map_extra;
	int inner_map_fd;	/* map-in-map template, or -1 */
	int btf_fd;		/* object BTF, or -1 */
	uint32_t btf_key_type_id, btf_value_type_id;
	uint32_t btf_vmlinux_value_type_id; /* struct_ops: the kernel's
				   bpf_struct_ops_X in vmlinux BTF, else 0 */
	const char *why;	/* for --explain */
};

/* Returns the new fd, owned by the caller, or -errno with @eb set. */
int map_create(const struct map_params *p, struct errbuf *eb);
int map_update(int fd, const void *key, const void *value, uint64_t flags,
	       enum sys_tag tag, const char *why, struct errbuf *eb);
/* BPF_MAP_DELETE_ELEM of @key. 0 or -errno with @eb set (when non-NULL). */
int map_delete(int fd, const void *key, enum sys_tag tag, const char *why,
	       struct errbuf *eb);
int map_lookup(int fd, const void *key, void *value, enum sys_tag tag,
	       const char *why);
/* 0 and *next set, -ENOENT at the end, or -errno. @key NULL = first. */
int map_next_key(int fd, const void *key, void *next, enum sys_tag tag,
		 const char *why);
int map_freeze(int fd, const char *why, struct errbuf *eb);

/* BPF_OBJ_PIN / BPF_OBJ_GET on a bpffs path. */
int obj_pin(int fd, const char *path, const char *why, struct errbuf *eb);
int obj_get(const char *path, const char *why);

/* BPF_PROG_GET_FD_BY_ID or BPF_BTF_GET_FD_BY_ID (@cmd) of object @id, the
 * ids bpftool shows: a new fd or -errno. */
int obj_fd_by_id(int cmd, uint32_t id, enum sys_tag tag, const char *why);

/* BPF_OBJ_GET_INFO_BY_FD into @info of @len bytes; 0 or -errno. */
int obj_info(int fd, void *info, uint32_t len, enum sys_tag tag,
	     const char *why);

#endif
