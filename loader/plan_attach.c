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

#include "attach/attach.h"
#include "show/json.h"

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

/* Program @prog's attach at @sp, as @what ("--attach") asks:
 * "will fail" and why when a check the load makes before asking the
 * kernel refuses it; else what the check found (a usdt probe's sites, a
 * uprobe.multi glob's functions) and, with --pid, whether the attach is
 * filtered to that process (attach_takes_pid). */
static void plan_one(const struct plan *pl, size_t prog, const struct attach_spec *sp,
		     const char *what)
{
	enum attach_how how = sp->how;
	const struct object *o = &pl->l.obj;
	struct errbuf eb = { { 0 } };
	char info[400], filter[96] = "", why[sizeof(eb.msg) + 48];
	int pid = pl->l.c->pid;

	if (attach_check(o, prog, sp, info, sizeof(info), &eb)) {
		snprintf(why, sizeof(why), "%s; will fail: %s", what, eb.msg);
	} else {
		if (pid && attach_takes_pid(how))
			snprintf(filter, sizeof(filter), "; only in process %d (--pid)", pid);
		else if (pid)
			snprintf(filter, sizeof(filter), "; --pid %d does not apply: every process",
				 pid);
		snprintf(why, sizeof(why), "%s%s%s%s", what, info[0] ? "; " : "", info, filter);
	}
	attach_out(pl, &o->progs[prog], attach_how_name(how), sp->target, why);
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
						: attach_applies(o, pl->l.selected, i, a->at.how);

			if (mine) {
				given = 1;
				plan_one(pl, i, &a->at, "--attach");
			}
		}
		if (given)
			continue;
		if (load_struct_ops_member(&pl->l, i, st, sizeof(st), why, sizeof(why))) {
			attach_out(pl, p, "struct_ops", st, why);
		} else if (attach_section_target(p)) {
			struct attach_spec sp;
			struct errbuf eb = { { 0 } };

			if (attach_section_spec(p, &sp, &eb) < 0) {
				snprintf(why, sizeof(why), "the section's target; will fail: %s",
					 eb.msg);
				attach_out(pl, p, attach_how_name(attach_how_of(p)),
					   attach_section_target(p), why);
			} else {
				plan_one(pl, i, &sp, "the section's target");
			}
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
