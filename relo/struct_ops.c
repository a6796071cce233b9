/*
 * relo/struct_ops.c - a struct_ops map in the target kernel's layout
 * (see struct_ops.h for what the kernel wants and why).
 *
 * The value BPF_MAP_UPDATE_ELEM writes, for struct tcp_congestion_ops on
 * the 6.18 test host (offsets differ on other kernels; that is the point
 * of reading them from the target BTF):
 *
 *   struct bpf_struct_ops_tcp_congestion_ops      (256 bytes)
 *     +0   common   refcnt, state: user space leaves them 0 (the kernel
 *                   refuses anything else: bpf_struct_ops_map_update_elem)
 *     +64  data     struct tcp_congestion_ops     (192 bytes)
 *            +0    ssthresh     fd of program rl_ssthresh (member 0)
 *            +8    cong_avoid   fd of program rl_cong_avoid (member 1)
 *            ...
 *            +88   name         "rl_cc", copied from the object
 *            +136  init         fd of program rl_init (member 16)
 *
 * Members the kernel validates itself (init_member: tcp_congestion_ops'
 * name and flags) or refuses when non-zero (owner, list, key) are copied
 * as they are; the kernel's refusal then names the rule.
 */
#include "struct_ops.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Is type @id (modifiers, typedefs followed) a pointer to a function? */
static int is_func_ptr(const struct btf *btf, uint32_t id)
{
	const struct btf_type *t = btf_type_by_id(btf, btf_skip_mods_typedefs(btf, id));

	if (!t || btf_kind(t) != BTF_KIND_PTR)
		return 0;
	t = btf_type_by_id(btf, btf_skip_mods_typedefs(btf, t->type));
	return t && btf_kind(t) == BTF_KIND_FUNC_PROTO;
}

static int all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* Index of the member named @name in struct @st, or -1. */
static int member_by_name(const struct btf *btf, const struct btf_type *st, const char *name)
{
	for (unsigned i = 0; i < btf_vlen(st); i++)
		if (!strcmp(btf_str(btf, btf_members(st)[i].name_off), name))
			return (int)i;
	return -1;
}

/*
 * struct X and struct bpf_struct_ops_X in @target for the object's struct
 * @name (flavor suffix dropped), and where X sits in the wrapper. The
 * wrapper exists only for the types the kernel registered as struct_ops
 * (BPF_STRUCT_OPS_TYPE / register_bpf_struct_ops), so its absence is the
 * "not a struct_ops type" answer.
 */
static int find_kern_types(const struct btf *target, const char *target_name,
			   const char *name, struct st_ops_kern *k, struct errbuf *eb)
{
	char base[128], wrap[160];
	const struct btf_type *vt;
	int id, vid, data;
	uint32_t did;

	snprintf(base, sizeof(base), "%.*s", (int)btf_name_key_len(name), name);
	snprintf(wrap, sizeof(wrap), "bpf_struct_ops_%s", base);
	id = btf_find_by_name_kind(target, base, BTF_KIND_STRUCT);
	vid = btf_find_by_name_kind(target, wrap, BTF_KIND_STRUCT);
	if (vid < 0)
		return err_set(eb, -ENOENT, "the kernel has no struct_ops type '%s' (no %s in "
			       "%s BTF%s); struct_ops types defined by kernel modules are not "
			       "searched", base, wrap, target_name,
			       id < 0 ? ", nor a struct of that name" :
			       ": the struct exists but the kernel does not take it as struct_ops");
	if (id < 0)
		return err_set(eb, -ENOENT, "%s BTF has %s but no struct %s", target_name,
			       wrap, base);
	vt = btf_type_by_id(target, (uint32_t)vid);
	data = member_by_name(target, vt, "data");
	did = data < 0 ? 0 : btf_skip_mods_typedefs(target, btf_members(vt)[data].type);
	if (data < 0 || did != (uint32_t)id || btf_member_bitfield_size(vt, (unsigned)data))
		return err_set(eb, -EINVAL, "%s BTF: struct %s has no member 'data' of type "
			       "struct %s", target_name, wrap, base);
	k->kern_type_id = (uint32_t)id;
	k->kern_vtype_id = (uint32_t)vid;
	k->kern_type_name = btf_str(target, btf_type_by_id(target, (uint32_t)id)->name_off);
	k->value_size = vt->size;
	k->data_off = btf_member_bit_offset(vt, (unsigned)data) / 8;
	if ((uint64_t)k->data_off + btf_type_by_id(target, did)->size > vt->size)
		return err_set(eb, -EINVAL, "%s BTF: member 'data' of struct %s lies outside "
			       "it", target_name, wrap);
	k->value = calloc(1, vt->size ? vt->size : 1);
	if (!k->value)
		return err_set(eb, -ENOMEM, "out of memory");
	return 0;
}

/* The program local member @i is set to, or -1. */
static long prog_of(const struct obj_map *m, unsigned i)
{
	for (size_t f = 0; f < m->nst_funcs; f++)
		if (m->st_funcs[f].member == i)
			return (long)m->st_funcs[f].prog;
	return -1;
}

static int add_slot(struct st_ops_kern *k, size_t prog, const char *member,
		    uint32_t kern_member, uint32_t off, struct errbuf *eb)
{
	struct st_ops_slot *s = realloc(k->slots, (k->nslots + 1) * sizeof(*s));

	if (!s)
		return err_set(eb, -ENOMEM, "out of memory");
	k->slots = s;
	s[k->nslots++] = (struct st_ops_slot){ prog, member, kern_member, off };
	return 0;
}

static int add_dropped(struct st_ops_kern *k, size_t prog, const char *member,
		       struct errbuf *eb)
{
	size_t *d = realloc(k->dropped, (k->ndropped + 1) * sizeof(*d));
	const char **dm;

	if (!d)
		return err_set(eb, -ENOMEM, "out of memory");
	k->dropped = d;
	dm = realloc(k->dropped_member, (k->ndropped + 1) * sizeof(*dm));
	if (!dm)
		return err_set(eb, -ENOMEM, "out of memory");
	k->dropped_member = dm;
	d[k->ndropped] = prog;
	dm[k->ndropped++] = member;
	return 0;
}

/* Local member @i of map @m into @k's value: a function pointer becomes
 * a slot, data is copied to the kernel member's offset. */
static int place_member(const struct object *obj, const struct obj_map *m, unsigned i,
			const struct btf *target, const char *target_name,
			struct st_ops_kern *k, struct errbuf *eb)
{
	const struct btf *btf = obj->btf;
	const struct btf_type *st = btf_type_by_id(btf, m->st_type_id);
	const struct btf_type *kst = btf_type_by_id(target, k->kern_type_id);
	const struct btf_member *lm = &btf_members(st)[i];
	const char *name = btf_str(btf, lm->name_off);
	uint32_t loff = btf_member_bit_offset(st, i) / 8, koff;
	const struct btf_type *lt, *kt;
	uint64_t lsize = 0, ksize = 0;
	long prog = prog_of(m, i);
	int j, err;

	if (btf_member_bitfield_size(st, i))
		return err_set(eb, -EINVAL, "member '%s' is a bitfield; struct_ops members "
			       "cannot be", name);
	err = btf_type_size(btf, lm->type, &lsize, eb);
	if (err)
		return err_prefix(eb, err, "member '%s'", name);
	if ((uint64_t)loff + lsize > m->data_size)
		return err_set(eb, -EINVAL, "member '%s' lies outside the variable", name);
	j = member_by_name(target, kst, name);
	if (j < 0) {
		/* Zero means "not set": leave it out, so one object can carry
		 * callbacks a given kernel does not have yet. */
		if (prog >= 0)
			return add_dropped(k, (size_t)prog, name, eb);
		if (all_zero(m->data + loff, lsize))
			return 0;
		return err_set(eb, -ENOENT, "member '%s' is set, but the kernel's struct %s "
			       "(%s BTF) has no member of that name; remove it or leave it 0",
			       name, k->kern_type_name, target_name);
	}
	koff = btf_member_bit_offset(kst, (unsigned)j) / 8;
	lt = btf_type_by_id(btf, btf_skip_mods_typedefs(btf, lm->type));
	kt = btf_type_by_id(target, btf_skip_mods_typedefs(target, btf_members(kst)[j].type));
	if (btf_member_bitfield_size(kst, (unsigned)j) || !lt || !kt ||
	    btf_kind(lt) != btf_kind(kt))
		return err_set(eb, -EINVAL, "member '%s' is a %s here but a %s%s in the kernel's "
			       "struct %s", name, lt ? btf_kind_name(btf_kind(lt)) : "void",
			       kt ? btf_kind_name(btf_kind(kt)) : "void",
			       btf_member_bitfield_size(kst, (unsigned)j) ? " bitfield" : "",
			       k->kern_type_name);
	if (is_func_ptr(btf, lm->type) != is_func_ptr(target, btf_members(kst)[j].type))
		return err_set(eb, -EINVAL, "member '%s' is %sa function pointer here but %sone "
			       "in the kernel's struct %s", name, prog >= 0 ? "" : "not ",
			       prog >= 0 ? "not " : "", k->kern_type_name);
	if (is_func_ptr(btf, lm->type))
		return prog < 0 ? 0 : add_slot(k, (size_t)prog, name, (uint32_t)j,
					       k->data_off + koff, eb);
	err = btf_type_size(target, btf_members(kst)[j].type, &ksize, eb);
	if (err)
		return err_prefix(eb, err, "kernel member '%s'", name);
	if (ksize != lsize)
		return err_set(eb, -EINVAL, "member '%s' is %llu bytes here but %llu in the "
			       "kernel's struct %s", name, (unsigned long long)lsize,
			       (unsigned long long)ksize, k->kern_type_name);
	if ((uint64_t)koff + ksize > kst->size)
		return err_set(eb, -EINVAL, "kernel member '%s' lies outside struct %s", name,
			       k->kern_type_name);
	memcpy(k->value + k->data_off + koff, m->data + loff, lsize);
	return 0;
}

int st_ops_resolve(const struct object *obj, size_t map, const struct btf *target,
		   const char *target_name, struct st_ops_kern *k, struct errbuf *eb)
{
	const struct obj_map *m = &obj->maps[map];
	const struct btf_type *st;
	int err;

	memset(k, 0, sizeof(*k));
	err = find_kern_types(target, target_name, m->st_type_name, k, eb);
	st = btf_type_by_id(obj->btf, m->st_type_id);
	for (unsigned i = 0; !err && i < btf_vlen(st); i++)
		err = place_member(obj, m, i, target, target_name, k, eb);
	if (err)
		return err_prefix(eb, err, "struct_ops map '%s' (struct %s)", m->name,
				  m->st_type_name);
	return 0;
}

int st_ops_prog_attach(const struct object *obj, const struct st_ops_kern *ks,
		       size_t prog, uint32_t *btf_id, uint32_t *attach_type,
		       struct errbuf *eb)
{
	const struct st_ops_slot *first = NULL;
	size_t first_map = 0;

	for (size_t i = 0; i < obj->nmaps; i++)
		for (size_t s = 0; s < ks[i].nslots; s++) {
			const struct st_ops_slot *sl = &ks[i].slots[s];

			if (sl->prog != prog)
				continue;
			if (!first) {
				first = sl;
				first_map = i;
				*btf_id = ks[i].kern_type_id;
				*attach_type = sl->kern_member;
			} else if (ks[i].kern_type_id != *btf_id || sl->kern_member != *attach_type) {
				return err_set(eb, -EINVAL, "program '%s' fills member '%s' of "
					       "'%s' and member '%s' of '%s': a struct_ops program "
					       "is verified for one member of one struct; use two "
					       "programs", obj->progs[prog].name, first->member,
					       obj->maps[first_map].name, sl->member,
					       obj->maps[i].name);
			}
		}
	return first != NULL;
}

int st_ops_set_fds(const struct object *obj, size_t map, struct st_ops_kern *k,
		   const int *prog_fds, struct errbuf *eb)
{
	for (size_t s = 0; s < k->nslots; s++) {
		/* the kernel reads the pointer-sized member as an fd
		 * (bpf_struct_ops_map_update_elem: *(void **)(udata + moff)) */
		uint64_t fd = (uint64_t)prog_fds[k->slots[s].prog];

		if (prog_fds[k->slots[s].prog] < 0)
			return err_set(eb, -ENOENT, "struct_ops map '%s': member '%s' needs "
				       "program '%s', which is not loaded", obj->maps[map].name,
				       k->slots[s].member, obj->progs[k->slots[s].prog].name);
		memcpy(k->value + k->slots[s].value_off, &fd, sizeof(fd));
	}
	return 0;
}

void st_ops_free(struct st_ops_kern *k)
{
	free(k->value);
	free(k->slots);
	free(k->dropped);
	free(k->dropped_member);
	memset(k, 0, sizeof(*k));
}
