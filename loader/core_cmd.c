/*
 * loader/core_cmd.c - `rawload core OBJ [--btf FILE] [--json]`: every CO-RE
 * relocation of every program, resolved against a target BTF, without
 * loading anything and without root.
 *
 * It runs the same engine the load runs (relo/core.c) on each program and
 * reports, per relocation record:
 *
 *   on_exec  insn 12  byte_off  struct task_struct.tgid (0:73)  2460 -> 2468
 *   on_exec  insn 30  byte_off  struct task_struct___old.state (0:0)
 *                               0 -> poisoned: no field 'state' in target ...
 *
 * The local value is what clang put in the instruction (from the
 * build-time vmlinux.h); the target value is what the instruction holds
 * after relocation. relo/core.h reports only the poisoned records, so the
 * values are read off the instructions before and after the engine runs:
 * an offset is in insn.off for loads and stores, in imm for ALU/JMP
 * immediates, and in both imm halves of an ld_imm64.
 */
#include "core_cmd.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf/btf.h"
#include "elf/object.h"
#include "json.h"
#include "relo/core.h"

#define EXIT_OK 0
#define EXIT_BAD_INPUT 2

/* One relocation, ready to print. */
struct core_row {
	const char *prog;
	uint32_t relo_idx;	/* record index in its section's core_relo */
	size_t insn;		/* instruction index in the program */
	const char *kind;	/* "byte_off", ... */
	char path[256];		/* "struct task_struct.real_parent" */
	const char *access;	/* "0:54" */
	int64_t old_val, new_val;
	const char *poison;	/* reason, or NULL */
};

static int is_ldimm64(const struct bpf_insn *in)
{
	return in->code == (BPF_LD | BPF_IMM | BPF_DW);
}

/* The constant a CO-RE relocation rewrites in @in (see the file top). */
static int64_t insn_value(const struct bpf_insn *in, size_t room)
{
	unsigned cls = BPF_CLASS(in->code);

	if (is_ldimm64(in) && room >= 2)
		return (int64_t)((uint64_t)(uint32_t)in[1].imm << 32 | (uint32_t)in[0].imm);
	if (cls == BPF_LDX || cls == BPF_ST || cls == BPF_STX)
		return in->off;
	return in->imm;
}

/*
 * Spell access string @acc on local type @id with member names: "0:54"
 * on struct task_struct is "struct task_struct.real_parent"; a leading
 * non-zero index is an array index on the root pointer ("[2]"); anonymous
 * struct/union members are stepped through silently, as C spells them.
 * Enum kinds name the enumerator ("enum pid_type::PIDTYPE_TGID"), type
 * kinds the type alone.
 */
static void spell_access(const struct btf *btf, uint32_t id, const char *acc,
			 uint32_t kind, char *buf, size_t len)
{
	size_t n;
	char *end;

	btf_type_str(btf, id, buf, len);
	n = strlen(buf);
	if (kind == BPF_CORE_TYPE_ID_LOCAL || kind == BPF_CORE_TYPE_ID_TARGET ||
	    kind == BPF_CORE_TYPE_EXISTS || kind == BPF_CORE_TYPE_SIZE ||
	    kind == BPF_CORE_TYPE_MATCHES)
		return;
	for (int i = 0; *acc && n < len; i++) {
		unsigned long idx = strtoul(acc, &end, 10);
		const struct btf_type *t = btf_type_by_id(btf, btf_skip_mods_typedefs(btf, id));

		if (end == acc || !t)
			return;
		acc = *end == ':' ? end + 1 : end;
		if (kind == BPF_CORE_ENUMVAL_EXISTS || kind == BPF_CORE_ENUMVAL_VALUE) {
			if ((btf_kind(t) == BTF_KIND_ENUM || btf_kind(t) == BTF_KIND_ENUM64) &&
			    idx < btf_vlen(t))
				snprintf(buf + n, len - n, "::%s",
					 btf_str(btf, btf_kind(t) == BTF_KIND_ENUM
							      ? btf_enums(t)[idx].name_off
							      : btf_enum64s(t)[idx].name_off));
			return;
		}
		if (i == 0) { /* the root pointer, indexed like an array */
			if (idx)
				n += (size_t)snprintf(buf + n, len - n, "[%lu]", idx);
			continue;
		}
		if ((btf_kind(t) == BTF_KIND_STRUCT || btf_kind(t) == BTF_KIND_UNION) &&
		    idx < btf_vlen(t)) {
			const struct btf_member *m = &btf_members(t)[idx];
			const char *name = btf_str(btf, m->name_off);

			if (*name)
				n += (size_t)snprintf(buf + n, len - n, ".%s", name);
			id = m->type;
		} else if (btf_kind(t) == BTF_KIND_ARRAY) {
			n += (size_t)snprintf(buf + n, len - n, "[%lu]", idx);
			id = btf_array(t)->type;
		} else {
			return;
		}
	}
}

/* core.c's description repeats kind, type and access before ": why";
 * the row shows those already. */
static const char *poison_reason(const char *desc)
{
	const char *a = strstr(desc, ", access "), *why = a ? strstr(a, ": ") : NULL;

	return why ? why + 2 : desc;
}

static void print_text(const struct core_row *r)
{
	printf("%-16s insn %-4zu %-14s %s (%s)  ", r->prog, r->insn, r->kind, r->path,
	       r->access);
	if (r->poison)
		printf("%" PRId64 " -> poisoned: %s\n", r->old_val, r->poison);
	else
		printf("%" PRId64 " -> %" PRId64 "\n", r->old_val, r->new_val);
}

static void print_json(struct json *j, const struct core_row *r)
{
	json_obj_begin(j);
	json_kstr(j, "prog", r->prog);
	json_ku64(j, "relo", r->relo_idx);
	json_ku64(j, "insn", r->insn);
	json_kstr(j, "kind", r->kind);
	json_kstr(j, "type", r->path);
	json_kstr(j, "access", r->access);
	json_key(j, "local");
	json_i64(j, r->old_val);
	if (r->poison) {
		json_key(j, "target");
		json_null(j);
		json_kbool(j, "poisoned", 1);
		json_kstr(j, "reason", r->poison);
	} else {
		json_key(j, "target");
		json_i64(j, r->new_val);
		json_kbool(j, "poisoned", 0);
	}
	json_obj_end(j);
}

/* Relocate program @p of @obj on a copy of its code, and print a row per
 * record. Returns the records printed, or -errno with @eb set. */
static int report_prog(const struct object *obj, struct obj_prog *p,
		       const struct btf *target, struct json *j, struct errbuf *eb)
{
	const struct btf_ext_sec *sec = btf_ext_find(&obj->ext->core_relo, p->sec_name);
	const struct bpf_core_relo *recs;
	struct core_report rep = { 0 };
	struct bpf_insn *before;
	uint64_t end = p->sec_off + (uint64_t)p->insn_cnt * sizeof(struct bpf_insn);
	int err, rows = 0;

	if (!sec)
		return 0;
	before = malloc(p->insn_cnt * sizeof(*before) + 1);
	if (!before)
		return err_set(eb, -ENOMEM, "out of memory");
	memcpy(before, p->insns, p->insn_cnt * sizeof(*before));
	err = core_relocate_prog_report(obj, p, target, &rep, eb);
	if (err) {
		err_prefix(eb, err, "program '%s'", p->name);
		goto out;
	}
	recs = sec->recs;
	for (uint32_t i = 0; i < sec->count; i++) {
		struct core_row r = { .prog = p->name, .relo_idx = i };

		if (recs[i].insn_off < p->sec_off || recs[i].insn_off >= end)
			continue;
		r.insn = (recs[i].insn_off - p->sec_off) / sizeof(struct bpf_insn);
		r.kind = core_relo_kind_name(recs[i].kind);
		r.access = btf_str(obj->btf, recs[i].access_str_off);
		spell_access(obj->btf, recs[i].type_id, r.access, recs[i].kind, r.path,
			     sizeof(r.path));
		r.old_val = insn_value(&before[r.insn], p->insn_cnt - r.insn);
		r.new_val = insn_value(&p->insns[r.insn], p->insn_cnt - r.insn);
		for (size_t k = 0; k < rep.npoisoned; k++)
			if (rep.poisoned[k].relo_idx == i)
				r.poison = poison_reason(rep.poisoned[k].desc);
		if (j)
			print_json(j, &r);
		else
			print_text(&r);
		rows++;
	}
	err = rows;
out:
	/* the object is only read from here on; leave it as it was */
	memcpy(p->insns, before, p->insn_cnt * sizeof(*before));
	core_report_free(&rep);
	free(before);
	return err;
}

int core_cmd_run(const struct cli *c)
{
	const char *btf_path = c->btf ? c->btf : "/sys/kernel/btf/vmlinux";
	struct object obj = { 0 };
	struct btf *target = NULL;
	struct errbuf eb = { "" };
	struct json j;
	int err, total = 0, status = EXIT_OK;

	if ((err = obj_open(c->obj, &obj, &eb))) {
		fprintf(stderr, "rawload: %s: %s\n", c->obj, eb.msg);
		status = EXIT_BAD_INPUT;
		goto out;
	}
	if ((err = btf_load_file(btf_path, NULL, &target, &eb))) {
		fprintf(stderr, "rawload: target BTF '%s': %s\n", btf_path, eb.msg);
		status = EXIT_BAD_INPUT;
		goto out;
	}
	if (c->json) {
		json_init(&j, stdout);
		json_obj_begin(&j);
		json_kstr(&j, "object", c->obj);
		json_kstr(&j, "target_btf", btf_path);
		json_key(&j, "relocations");
		json_arr_begin(&j);
	} else {
		printf("%s: CO-RE relocations against %s\n", c->obj, btf_path);
	}
	for (size_t i = 0; i < obj.nprogs && obj.ext && obj.btf; i++) {
		/* subprograms too: their records are relocated where they
		 * are linked in, with the same values */
		err = report_prog(&obj, &obj.progs[i], target, c->json ? &j : NULL, &eb);
		if (err < 0) {
			fprintf(stderr, "rawload: %s: %s\n", c->obj, eb.msg);
			status = EXIT_BAD_INPUT;
			break;
		}
		total += err;
	}
	if (c->json) {
		json_arr_end(&j);
		json_ku64(&j, "count", (uint64_t)total);
		json_obj_end(&j);
		putchar('\n');
	} else if (status == EXIT_OK) {
		printf("%d relocation%s\n", total, total == 1 ? "" : "s");
	}
out:
	btf_free(target);
	obj_close(&obj);
	return status;
}
