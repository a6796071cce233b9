/*
 * bpf/map.c - map commands (see map.h).
 */
#include "map.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/*
 * map_create - BPF_MAP_CREATE.
 *
 * Fills, and why:
 *   map_type, key_size, value_size, max_entries: the shape; the kernel
 *       checks them against the type (an ARRAY needs key_size 4).
 *   map_flags: as declared; .rodata and .kconfig get BPF_F_RDONLY_PROG
 *       from loader/ so that, once frozen, the verifier may treat their
 *       values as constants; global data gets BPF_F_MMAPABLE as libbpf's.
 *   inner_map_fd: map-in-map only: the template the inner maps must match.
 *   numa_node: only read by the kernel when BPF_F_NUMA_NODE is set.
 *   map_name: what bpftool shows; at most 15 bytes of [A-Za-z0-9_.].
 *   btf_fd, btf_key_type_id, btf_value_type_id: let the kernel check
 *       special fields (spin locks, timers) and let tools print entries by
 *       type; zero when the object has no BTF for the map.
 *   map_extra: bloom filter hash count; 0 elsewhere.
 *   btf_vmlinux_value_type_id: struct_ops only: the id of the kernel's
 *       struct bpf_struct_ops_X in vmlinux BTF, which tells the kernel
 *       which interface the map implements and the value's layout. The
 *       kernel still wants a valid btf_fd with it (the object's), and
 *       btf_key_type_id / btf_value_type_id zero (else EINVAL).
 * Left zero: map_ifindex (offload), value_type_btf_obj_fd (struct_ops
 * types of kernel modules, 6.9+: not searched).
 */
int map_create(const struct map_params *p, struct errbuf *eb)
{
	union bpf_attr attr;
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = p->type;
	attr.key_size = p->key_size;
	attr.value_size = p->value_size;
	attr.max_entries = p->max_entries;
	attr.map_flags = p->map_flags;
	attr.inner_map_fd = p->inner_map_fd >= 0 ? (uint32_t)p->inner_map_fd : 0;
	attr.numa_node = p->numa_node;
	/* @attr is zeroed: copying at most 15 bytes leaves the NUL */
	memcpy(attr.map_name, p->kernel_name, strnlen(p->kernel_name, sizeof(attr.map_name) - 1));
	/* As libbpf: the object's BTF goes with every map; the ids only
	 * where the caller has them (the kernel reads btf_fd only then). */
	if (p->btf_fd >= 0) {
		attr.btf_fd = (uint32_t)p->btf_fd;
		attr.btf_key_type_id = p->btf_key_type_id;
		attr.btf_value_type_id = p->btf_value_type_id;
	}
	attr.btf_vmlinux_value_type_id = p->btf_vmlinux_value_type_id;
	attr.map_extra = p->map_extra;

	fd = sys_bpf(BPF_MAP_CREATE, &attr, ATTR_SIZE(map_extra), SYS_LOAD, p->why);
	if (fd < 0)
		return err_set(eb, (int)fd,
			       "map '%s': BPF_MAP_CREATE (type %u, key %u, value %u, "
			       "max_entries %u, flags 0x%x): %s", p->name, p->type,
			       p->key_size, p->value_size, p->max_entries, p->map_flags,
			       err_str((int)fd));
	return (int)fd;
}

/* key, value and flags: BPF_ANY (0) creates or replaces the element. */
int map_update(int fd, const void *key, const void *value, uint64_t flags,
	       enum sys_tag tag, const char *why, struct errbuf *eb)
{
	union bpf_attr attr;
	long r;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = (uint32_t)fd;
	attr.key = (uint64_t)(uintptr_t)key;
	attr.value = (uint64_t)(uintptr_t)value;
	attr.flags = flags;
	r = sys_bpf(BPF_MAP_UPDATE_ELEM, &attr, ATTR_SIZE(flags), tag, why);
	if (r < 0)
		return err_set(eb, (int)r, "BPF_MAP_UPDATE_ELEM (map fd %d): %s", fd,
			       err_str((int)r));
	return 0;
}

int map_delete(int fd, const void *key, enum sys_tag tag, const char *why,
	       struct errbuf *eb)
{
	union bpf_attr attr;
	long r;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = (uint32_t)fd;
	attr.key = (uint64_t)(uintptr_t)key;
	r = sys_bpf(BPF_MAP_DELETE_ELEM, &attr, ATTR_SIZE(key), tag, why);
	if (r < 0 && eb)
		return err_set(eb, (int)r, "BPF_MAP_DELETE_ELEM (map fd %d): %s", fd,
			       err_str((int)r));
	return r < 0 ? (int)r : 0;
}

int map_lookup(int fd, const void *key, void *value, enum sys_tag tag,
	       const char *why)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = (uint32_t)fd;
	attr.key = (uint64_t)(uintptr_t)key;
	attr.value = (uint64_t)(uintptr_t)value;
	return (int)sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr, ATTR_SIZE(flags), tag, why);
}

int map_next_key(int fd, const void *key, void *next, enum sys_tag tag,
		 const char *why)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = (uint32_t)fd;
	attr.key = (uint64_t)(uintptr_t)key;
	attr.next_key = (uint64_t)(uintptr_t)next;
	return (int)sys_bpf(BPF_MAP_GET_NEXT_KEY, &attr, ATTR_SIZE(next_key), tag, why);
}

/* After BPF_MAP_FREEZE user space can no longer write the map, which is
 * what lets the verifier read a BPF_F_RDONLY_PROG map's bytes as
 * constants and prune branches on them. */
int map_freeze(int fd, const char *why, struct errbuf *eb)
{
	union bpf_attr attr;
	long r;

	memset(&attr, 0, sizeof(attr));
	attr.map_fd = (uint32_t)fd;
	r = sys_bpf(BPF_MAP_FREEZE, &attr, ATTR_SIZE(map_fd), SYS_LOAD, why);
	if (r < 0)
		return err_set(eb, (int)r, "BPF_MAP_FREEZE (map fd %d): %s", fd,
			       err_str((int)r));
	return 0;
}

int obj_pin(int fd, const char *path, const char *why, struct errbuf *eb)
{
	union bpf_attr attr;
	long r;

	memset(&attr, 0, sizeof(attr));
	attr.pathname = (uint64_t)(uintptr_t)path;
	attr.bpf_fd = (uint32_t)fd;
	r = sys_bpf(BPF_OBJ_PIN, &attr, ATTR_SIZE(file_flags), SYS_LOAD, why);
	if (r < 0)
		return err_set(eb, (int)r, "BPF_OBJ_PIN at '%s': %s%s", path,
			       err_str((int)r),
			       r == -EEXIST ? "; remove the old pin first" :
			       r == -EPERM || r == -EINVAL ? "; is the directory on a bpffs "
							   "mount (/sys/fs/bpf)?" : "");
	return 0;
}

int obj_get(const char *path, const char *why)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.pathname = (uint64_t)(uintptr_t)path;
	return (int)sys_bpf(BPF_OBJ_GET, &attr, ATTR_SIZE(file_flags), SYS_LOAD, why);
}

int obj_fd_by_id(int cmd, uint32_t id, enum sys_tag tag, const char *why)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	/* prog_id and btf_id are one field of the same union */
	attr.prog_id = id;
	return (int)sys_bpf(cmd, &attr, ATTR_SIZE(open_flags), tag, why);
}

int obj_info(int fd, void *info, uint32_t len, enum sys_tag tag, const char *why)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = (uint32_t)fd;
	attr.info.info_len = len;
	attr.info.info = (uint64_t)(uintptr_t)info;
	return (int)sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, ATTR_SIZE(info), tag, why);
}
