/*
 * loader/load_struct_ops.c - struct_ops maps through a load: placed in the
 * target kernel's layout before the first kernel call, their programs
 * loaded against their members, their value written, and registered at
 * the commit point.
 *
 * The order, for SEC(".struct_ops.link") rl_cc (libbpf's, call for call):
 *
 *   place struct_ops   relo/struct_ops.c against the target BTF: the
 *                      kernel's struct tcp_congestion_ops and its wrapper
 *                      bpf_struct_ops_tcp_congestion_ops; which programs
 *                      load (those on no member, or on one the kernel
 *                      lacks, do not)
 *   create maps        BPF_MAP_CREATE type STRUCT_OPS, value_size = the
 *                      wrapper's size, btf_vmlinux_value_type_id = its id,
 *                      map_flags BPF_F_LINK
 *   load programs      BPF_PROG_LOAD type STRUCT_OPS, attach_btf_id = the
 *                      struct's id, expected_attach_type = member index
 *   fill map slots     BPF_MAP_UPDATE_ELEM key 0, the value with the
 *                      programs' fds: the map is READY, not registered
 *   attach             BPF_LINK_CREATE (BPF_STRUCT_OPS, the map's fd):
 *                      registered; closing the link at exit unregisters
 *
 * A plain SEC(".struct_ops") map (the form before kernel 6.4) has no
 * BPF_F_LINK: its BPF_MAP_UPDATE_ELEM *is* the registration, so it waits
 * for the attach step (and does not happen with --no-attach), and at exit
 * BPF_MAP_DELETE_ELEM unregisters it. Closing its fd would not: the
 * registration holds a reference to the map (bpf_struct_ops_map_update_elem
 * takes one, bpf_struct_ops_map_delete_elem drops it), so the congestion
 * control would outlive rawload.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attach/attach_internal.h"
#include "bpf/hook.h"
#include "show/json.h"
#include "load_internal.h"

static int is_st_ops_prog(const struct obj_prog *p)
{
	return !p->is_subprog && p->def && p->def->prog_type == BPF_PROG_TYPE_STRUCT_OPS;
}

/* The map and slot that hold program @prog: 1 and set, or 0. */
static int slot_of(const struct load *l, size_t prog, size_t *map,
		   const struct st_ops_slot **slot)
{
	for (size_t i = 0; l->st_ops && i < l->obj.nmaps; i++)
		for (size_t s = 0; s < l->st_ops[i].nslots; s++)
			if (l->st_ops[i].slots[s].prog == prog) {
				*map = i;
				*slot = &l->st_ops[i].slots[s];
				return 1;
			}
	return 0;
}

/* The member the kernel lacks that program @prog was set on, or NULL. */
static const char *dropped_member(const struct load *l, size_t prog, size_t *map)
{
	for (size_t i = 0; l->st_ops && i < l->obj.nmaps; i++)
		for (size_t d = 0; d < l->st_ops[i].ndropped; d++)
			if (l->st_ops[i].dropped[d] == prog) {
				*map = i;
				return l->st_ops[i].dropped_member[d];
			}
	return NULL;
}

/*
 * Which struct_ops programs load: a program on a member loads (and must,
 * so --prog may not leave it out: the map's value needs its fd); one on
 * no member, or only on members the kernel lacks, does not, because the
 * kernel would have nothing to verify it against (libbpf turns off its
 * autoload likewise).
 */
static int select_st_ops_progs(struct load *l)
{
	const struct object *o = &l->obj;

	for (size_t p = 0; p < o->nprogs; p++) {
		const struct st_ops_slot *slot;
		const char *member;
		size_t map;

		if (!is_st_ops_prog(&o->progs[p]))
			continue;
		if (slot_of(l, p, &map, &slot)) {
			if (!l->selected[p])
				return err_set(&l->eb, -EINVAL, "struct_ops map '%s' needs program "
					       "'%s' (member '%s'), which --prog leaves out; add "
					       "--prog %s", l->maps[map].name, o->progs[p].name,
					       slot->member, o->progs[p].name);
			continue;
		}
		if (!l->selected[p])
			continue;
		l->selected[p] = 0;
		member = dropped_member(l, p, &map);
		if (member)
			load_say(l, "struct_ops map '%s': the kernel's struct %s has no member "
			    "'%s'; left out, and program '%s' not loaded", l->maps[map].name,
			    l->st_ops[map].kern_type_name, member, o->progs[p].name);
		else
			load_say(l, "program '%s' (section '%s') is set on no struct_ops member: "
			    "not loaded", o->progs[p].name, o->progs[p].sec_name);
	}
	return 0;
}

int step_struct_ops(struct load *l)
{
	struct object *o = &l->obj;
	const char *name = l->c->btf ? l->c->btf : "vmlinux";
	struct btf *target = NULL;
	int err = 0;

	for (size_t i = 0; !err && i < o->nmaps; i++) {
		if (l->maps[i].origin != MAP_STRUCT_OPS)
			continue;
		if (!l->st_ops && !(l->st_ops = calloc(o->nmaps, sizeof(*l->st_ops))))
			return err_set(&l->eb, -ENOMEM, "out of memory");
		if (!target && (err = load_target_btf(l, &target)))
			return err;
		err = st_ops_resolve(o, i, target, name, &l->st_ops[i], &l->eb);
		/* the kernel's wrapper, not the object's struct, is the value */
		l->maps[i].value_size = l->st_ops[i].value_size;
	}
	return err ? err : select_st_ops_progs(l);
}

int load_struct_ops_prog(struct load *l, size_t i, uint32_t *btf_id, uint32_t *attach_type)
{
	int r = l->st_ops ? st_ops_prog_attach(&l->obj, l->st_ops, i, btf_id, attach_type,
					       &l->eb) : 0;

	if (r == 0)
		return err_set(&l->eb, -EINVAL, "program '%s' is set on no struct_ops member",
			       l->obj.progs[i].name);
	return r < 0 ? r : 0;
}

static int write_value(struct load *l, size_t i, enum sys_tag tag, const char *why)
{
	uint32_t zero = 0;
	int err = st_ops_set_fds(&l->obj, i, &l->st_ops[i], l->prog_fds, &l->eb);

	if (!err)
		err = map_update(l->map_fds[i], &zero, l->st_ops[i].value, BPF_ANY, tag, why,
				 &l->eb);
	if (err)
		return err_prefix(&l->eb, err, "struct_ops map '%s'", l->maps[i].name);
	return 0;
}

static int is_link_map(const struct obj_map *m)
{
	return m->origin == MAP_STRUCT_OPS && (m->map_flags & RL_BPF_F_LINK);
}

int load_struct_ops_fill(struct load *l)
{
	char why[200];

	for (size_t i = 0; i < l->obj.nmaps; i++) {
		int err;

		if (!is_link_map(&l->maps[i]))
			continue;
		snprintf(why, sizeof(why), "write '%s': struct %s with %zu program fds; ready, "
			 "registered only by its link", l->maps[i].name,
			 l->st_ops[i].kern_type_name, l->st_ops[i].nslots);
		err = write_value(l, i, SYS_LOAD, why);
		if (err)
			return err;
	}
	return 0;
}

/* A .struct_ops map registers as its value is written; the entry (a copy
 * of the map's fd) undoes it with BPF_MAP_DELETE_ELEM at exit. The entry
 * and the copy exist first, so a registration is never left unrecorded. */
static int register_legacy(struct load *l, size_t i)
{
	const struct obj_map *m = &l->maps[i];
	struct attach_entry *e;
	char why[200];
	int err = attach_new_entry(&l->att, &e, &l->eb);

	if (err)
		return err;
	e->fd = fcntl(l->map_fds[i], F_DUPFD_CLOEXEC, 3);
	if (e->fd < 0)
		return err_set(&l->eb, -errno, "struct_ops map '%s': dup: %s", m->name,
			       err_str(-errno));
	snprintf(e->detach.what, sizeof(e->detach.what), "unregister struct_ops '%s'",
		 m->name);
	snprintf(why, sizeof(why), "register struct_ops '%s' (struct %s): writing the value "
		 "of a map without BPF_F_LINK registers it", m->name, l->st_ops[i].kern_type_name);
	err = write_value(l, i, SYS_ATTACH, why);
	if (err) {
		close(e->fd);
		return err;
	}
	e->undo = UNDO_MAP_DELETE;
	l->att.n++;
	return 0;
}

int load_struct_ops_attach(struct load *l)
{
	const struct object *o = &l->obj;

	for (size_t i = 0; i < o->nmaps; i++) {
		const struct obj_map *m = &l->maps[i];
		char what[96];
		int err, fd;

		if (m->origin != MAP_STRUCT_OPS)
			continue;
		if (l->c->no_attach) {
			load_say(l, "struct_ops %s (%s) is loaded but not registered (--no-attach)",
			    m->name, l->st_ops[i].kern_type_name);
			continue;
		}
		snprintf(what, sizeof(what), "struct_ops '%s'", m->name);
		if (is_link_map(m)) {
			fd = hook_struct_ops_link(l->map_fds[i], what, &l->eb);
			err = fd < 0 ? fd : attach_keep(&l->att, fd, &l->eb);
		} else {
			err = register_legacy(l, i);
		}
		if (err)
			return err;
		load_say(l, "struct_ops %s (%s) registered%s", m->name,
		    l->st_ops[i].kern_type_name, is_link_map(m) ? " through a BPF link" :
		    " (its value written; deleted at exit)");
		l->others++;
	}
	return 0;
}

void load_struct_ops_describe(const struct load *l, size_t i, char *buf, size_t len)
{
	const struct st_ops_kern *k = l->st_ops ? &l->st_ops[i] : NULL;
	size_t n;

	buf[0] = '\0';
	if (!k || l->maps[i].origin != MAP_STRUCT_OPS)
		return;
	n = (size_t)snprintf(buf, len, "      struct %s [%u] in struct bpf_struct_ops_%s [%u] "
			     "at +%u; %s", k->kern_type_name, k->kern_type_id,
			     k->kern_type_name, k->kern_vtype_id, k->data_off,
			     is_link_map(&l->maps[i]) ? "value written at load, registered "
			     "by BPF_LINK_CREATE" : "registered by writing its value at attach");
	for (size_t s = 0; s < k->nslots && n < len; s++)
		n += (size_t)snprintf(buf + n, len - n, "\n      +%-4u %-20s = program '%s' "
				      "(expected_attach_type %u)", k->slots[s].value_off,
				      k->slots[s].member, l->obj.progs[k->slots[s].prog].name,
				      k->slots[s].kern_member);
}

int load_struct_ops_member(const struct load *l, size_t prog, char *target, size_t tlen,
			   char *why, size_t wlen)
{
	const struct st_ops_slot *slot;
	size_t map;

	if (!slot_of(l, prog, &map, &slot))
		return 0;
	snprintf(target, tlen, "%s.%s", l->maps[map].name, slot->member);
	snprintf(why, wlen, "member %u of struct %s; registered with the map%s",
		 slot->kern_member, l->st_ops[map].kern_type_name,
		 is_link_map(&l->maps[map]) ? " by BPF_LINK_CREATE" :
		 " by writing its value");
	return 1;
}

void load_struct_ops_json(const struct load *l, size_t i, struct json *j)
{
	const struct st_ops_kern *k = l->st_ops ? &l->st_ops[i] : NULL;

	if (!k || l->maps[i].origin != MAP_STRUCT_OPS)
		return;
	json_kstr(j, "struct_ops_type", k->kern_type_name);
	json_ku64(j, "btf_vmlinux_value_type_id", k->kern_vtype_id);
	json_key(j, "members");
	json_obj_begin(j);
	for (size_t s = 0; s < k->nslots; s++)
		json_kstr(j, k->slots[s].member, l->obj.progs[k->slots[s].prog].name);
	json_obj_end(j);
}
