/*
 * relo/struct_ops.h - a struct_ops map in the target kernel's layout.
 *
 * elf/struct_ops.c reads what the object says: variable rl_cc of struct
 * tcp_congestion_ops, its bytes, and which member points to which program.
 * The kernel wants all of it in *its* terms, which differ from kernel to
 * kernel (a member added in 6.x moves the ones after it):
 *
 *   BPF_MAP_CREATE   btf_vmlinux_value_type_id = id of struct
 *                    bpf_struct_ops_tcp_congestion_ops (the kernel's wrapper:
 *                    a refcount and state, then the struct as member 'data'),
 *                    value_size = its size
 *   BPF_PROG_LOAD    attach_btf_id = id of struct tcp_congestion_ops,
 *                    expected_attach_type = index of the program's member
 *                    in that struct (which callback the verifier checks
 *                    it against)
 *   the map's value  each data member copied to the kernel's offset of the
 *                    same-named member; each function pointer holds the
 *                    program's fd (the kernel swaps in a trampoline)
 *
 * This module works all of that out from the object and the target BTF,
 * without syscalls; loader/ puts the fds in and makes the calls.
 */
#ifndef RAWLOAD_RELO_STRUCT_OPS_H
#define RAWLOAD_RELO_STRUCT_OPS_H

#include <stddef.h>
#include <stdint.h>

#include "elf/btf.h"
#include "elf/object.h"

/* One function pointer of the map, placed in the kernel's struct. */
struct st_ops_slot {
	size_t prog;		/* the program it points to */
	const char *member;	/* the member's name (the object's BTF) */
	uint32_t kern_member;	/* its index in the kernel's struct: the
				   program's expected_attach_type */
	uint32_t value_off;	/* byte offset of the pointer in the map's
				   value: where the program's fd goes */
};

/* What struct_ops map becomes on the target kernel; all zero for a map
 * of another origin. */
struct st_ops_kern {
	uint32_t kern_type_id;	  /* struct X in the target BTF: the programs'
				     attach_btf_id */
	uint32_t kern_vtype_id;	  /* struct bpf_struct_ops_X: the map's
				     btf_vmlinux_value_type_id */
	const char *kern_type_name; /* X, in the target BTF's strings */
	uint32_t value_size;	  /* sizeof(struct bpf_struct_ops_X) */
	uint32_t data_off;	  /* offset of its member 'data' (an X) */
	uint8_t *value;		  /* @value_size bytes: data members copied,
				     function pointers 0 until st_ops_set_fds */
	struct st_ops_slot *slots;
	size_t nslots;
	size_t *dropped;	  /* programs set on members the kernel's
				     struct lacks: left out, not loaded */
	const char **dropped_member; /* [k] the member dropped[k] was on */
	size_t ndropped;
};

/*
 * Place struct_ops map @map of @obj in the layout of @target (vmlinux BTF;
 * @target_name names it in messages). The kernel struct is the one named
 * like the local struct up to any "___flavor" suffix. Rules, libbpf's:
 * members match by name; a member the kernel lacks is left out if it is
 * zero (a function pointer counts as zero: its program is then not
 * loaded), and is an error otherwise; a member found must be of the same
 * kind and, for data, of the same size; bitfields are refused.
 * 0, or -errno with @eb naming the map and member. st_ops_free @k either way.
 */
int st_ops_resolve(const struct object *obj, size_t map, const struct btf *target,
		   const char *target_name, struct st_ops_kern *k, struct errbuf *eb);

/* The attach_btf_id and expected_attach_type of program @prog, from the
 * slots of all @nmaps maps' @ks: 1 and set when a slot holds it, 0 if
 * none does. -EINVAL with @eb when two slots want different ones (a
 * program can be verified against one member only). */
int st_ops_prog_attach(const struct object *obj, const struct st_ops_kern *ks,
		       size_t prog, uint32_t *btf_id, uint32_t *attach_type,
		       struct errbuf *eb);

/* Write each slot's program fd (from @prog_fds, indexed like the object's
 * programs) into @k->value. 0, or -ENOENT naming a program without one. */
int st_ops_set_fds(const struct object *obj, size_t map, struct st_ops_kern *k,
		   const int *prog_fds, struct errbuf *eb);

void st_ops_free(struct st_ops_kern *k);

#endif
