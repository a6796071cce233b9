/*
 * loader/plan_attach.c - part 3 of `rawload plan`: where each program
 * would be attached, by the load's own rules (attach_applies, the
 * struct_ops members, the section's target), with the checks the load
 * makes before asking the kernel (attach_check) run here too, so a
 * target that would be refused says "will fail" and why.
 */
#include "plan_internal.h"

#include <stdio.h>
#include <string.h>

#include "attach.h"
#include "json.h"

static void attach_out(const struct plan *pl, const struct obj_prog *p, const char *type,
		       const char *target, const char *why)
{
	if (!pl->j) {
		if (type)
			printf("  %-16s -> %s:%s (%s)\n", p->name, type, target, why);
		else
			printf("  %-16s -> not attached: %s\n", p->name, why);
		return;
	}
	json_obj_begin(pl->j);
	json_kstr(pl->j, "prog", p->name);
	if (type) {
		json_kstr(pl->j, "type", type);
		json_kstr(pl->j, "target", target);
	}
	json_kstr(pl->j, "why", why);
	json_obj_end(pl->j);
}

/* @what ("--attach"), and for a usdt target the sites it will probe, for
 * a uprobe.multi glob the functions it matched; with --pid (@pid), whether
 * the attach is filtered to that process (attach_takes_pid). */
static void plan_attach_info(const struct object *o, size_t prog, const char *type,
			     const char *target, const char *what, int pid, char *why,
			     size_t size)
{
	char info[400], filter[96] = "";

	if (!strcmp(type, "usdt")) {
		if (attach_usdt_check(o, target, info, sizeof(info), NULL))
			info[0] = '\0';
	} else if (!strcmp(type, "uprobe.multi") || !strcmp(type, "uretprobe.multi")) {
		if (attach_umulti_check(&o->progs[prog], type, target, info, sizeof(info), NULL))
			info[0] = '\0';
	} else {
		info[0] = '\0';
	}
	if (pid && attach_takes_pid(type))
		snprintf(filter, sizeof(filter), "; only in process %d (--pid)", pid);
	else if (pid)
		snprintf(filter, sizeof(filter), "; --pid %d does not apply: every process", pid);
	snprintf(why, size, "%s%s%s%s", what, info[0] ? "; " : "", info, filter);
}

/* What load.c's step_attach would do, program by program, without
 * doing it: the --attach options that apply, else the section's target. */
void plan_attach(const struct plan *pl)
{
	const struct object *o = &pl->l.obj;

	if (pl->j) {
		json_key(pl->j, "attach");
		json_arr_begin(pl->j);
	} else {
		printf("\nattach plan (after every program is loaded):\n");
	}
	for (size_t i = 0; i < o->nprogs; i++) {
		const struct obj_prog *p = &o->progs[i];
		char st[96], why[sizeof(((struct errbuf *)0)->msg) + 48];
		int given = 0;

		if (!pl->l.selected[i])
			continue;
		if (pl->l.c->no_attach) {
			attach_out(pl, p, NULL, NULL, "--no-attach");
			continue;
		}
		for (size_t k = 0; k < pl->l.c->nattaches; k++) {
			const struct cli_attach *a = &pl->l.c->attaches[k];
			/* the load's own rule (load_run.c), family fallback
			 * included: kretprobe: on a kprobe program, ... */
			int mine = a->prog >= 0 ? obj_find_prog(o, pl->l.c->progs[a->prog]) == (int)i
						: attach_applies(o, pl->l.selected, i, a->type);

			if (mine) {
				struct errbuf eb = { { 0 } };

				given = 1;
				/* a target the load would refuse before asking the
				 * kernel (sockmap:MAP that is no sockmap) says so */
				if (attach_check(o, i, a->type, a->target, &eb))
					snprintf(why, sizeof(why), "--attach; will fail: %s", eb.msg);
				else
					plan_attach_info(o, i, a->type, a->target, "--attach",
							 pl->l.c->pid, why, sizeof(why));
				attach_out(pl, p, a->type, a->target, why);
			}
		}
		if (given)
			continue;
		if (load_struct_ops_member(&pl->l, i, st, sizeof(st), why, sizeof(why))) {
			attach_out(pl, p, "struct_ops", st, why);
		} else if (attach_section_target(p)) {
			const char *t = attach_section_target(p);
			struct errbuf eb = { { 0 } };

			if (attach_check(o, i, attach_type_of(p), t, &eb))
				snprintf(why, sizeof(why), "the section's target; will fail: %s",
					 eb.msg);
			else
				plan_attach_info(o, i, attach_type_of(p), t, "the section's target",
						 pl->l.c->pid, why, sizeof(why));
			attach_out(pl, p, attach_type_of(p), t, why);
		} else {
			snprintf(why, sizeof(why), "its section names %s; give one with "
				 "--attach%s", p->attach_target ? "the hook, not where to attach"
				 : "no target", attach_hint(p));
			attach_out(pl, p, NULL, NULL, why);
		}
	}
	if (pl->j)
		json_arr_end(pl->j);
}
