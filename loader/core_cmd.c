/*
 * loader/core_cmd.c - `rawload core OBJ [--btf FILE] [--json]`: every CO-RE
 * relocation of every program, resolved against a target BTF, without
 * loading anything and without root.
 *
 * It runs the same engine the load runs (relo/core.c), with CORE_DETAIL,
 * on a copy of each program, and prints per relocation record a row, then
 * what the engine decided:
 *
 *   on_exec  insn 12  byte_off  struct task_struct.tgid (0:73)  2460 -> 2468
 *       target vmlinux [112] struct task_struct.tgid (0:75)
 *       candidate vmlinux [112] struct task_struct: chosen
 *   on_exec  insn 30  byte_off  struct task_struct___old.state (0:0)  0 -> poisoned: ...
 *       candidate vmlinux [112] struct task_struct: field 'state' missing
 *
 * The local value is what clang put in the instruction (from the
 * build-time vmlinux.h); the target value what the instruction holds after
 * relocation. The access path is one record's: clang writes one record
 * per struct crossed, so task->real_parent->tgid is two rows,
 * "struct task_struct.real_parent" and "struct task_struct.tgid".
 *
 * The target is the running kernel's vmlinux BTF, plus its modules' BTF
 * (/sys/kernel/btf/<module>) for a type vmlinux does not have, as in a
 * load; with --btf FILE it is that file alone.
 */
#include "core_cmd.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf/btf.h"
#include "elf/object.h"
#include "host/btf_modules.h"
#include "show/json.h"
#include "relo/core.h"
#include "wrap.h"

#define EXIT_OK 0
#define EXIT_BAD_INPUT 2

/* The text row's path: the engine's, or the raw record if it stopped
 * before spelling it. */
static const char *row_path(const struct core_relo_detail *d)
{
	return d->path[0] ? d->path : "?";
}

/* One record's row (its program's name in a column @width wide: the
 * longest name of the object), then its target and candidates. */
static void print_text(const char *prog, int width, const struct core_relo_detail *d)
{
	printf("%-*s insn %-4u %-14s %s (%s)  ", width, prog, d->insn_idx,
	       core_relo_kind_name(d->kind), row_path(d), d->access ? d->access : "?");
	if (d->failed)
		printf("%" PRId64 " -> error: %s\n", (int64_t)d->local_val, d->why);
	else if (d->poisoned)
		printf("%" PRId64 " -> poisoned: %s\n", (int64_t)d->local_val, d->why);
	else
		printf("%" PRId64 " -> %" PRId64 "\n", (int64_t)d->local_val,
		       (int64_t)d->target_val);
	if (d->matched) {
		printf("    target %s [%u] %s (%s)", d->target_btf, d->target_type_id,
		       d->target_path, d->target_access);
		if (d->local_sz && d->target_sz && d->local_sz != d->target_sz)
			printf(", load resized %u -> %u bytes", d->local_sz, d->target_sz);
		putchar('\n');
	} else if (!d->poisoned && !d->failed && d->why[0]) {
		printf("    no target: %s\n", d->why);
	}
	for (size_t i = 0; i < d->ncands; i++) {
		const struct core_cand_note *c = &d->cands[i];

		printf("    candidate %s [%u] %s: %s\n", c->btf, c->type_id, c->type,
		       c->matched ? (c->why[0] ? c->why : "chosen") : c->why);
	}
}

/* @in, the relocated instruction, as {"code", "off", "imm"} (an
 * ld_imm64's imm is the 64-bit value of both halves). */
static void json_insn(struct json *j, const struct bpf_insn *in, size_t room)
{
	json_obj_begin(j);
	json_ku64(j, "code", in->code);
	json_key(j, "off");
	json_i64(j, in->off);
	json_key(j, "imm");
	if (in->code == (BPF_LD | BPF_IMM | BPF_DW) && room >= 2)
		json_u64(j, (uint64_t)(uint32_t)in[1].imm << 32 | (uint32_t)in[0].imm);
	else
		json_i64(j, in->imm);
	json_obj_end(j);
}

static void print_json(struct json *j, const char *prog,
		       const struct core_relo_detail *d, const struct bpf_insn *code,
		       size_t insn_cnt)
{
	json_obj_begin(j);
	json_kstr(j, "prog", prog);
	json_ku64(j, "relo", d->relo_idx);
	json_ku64(j, "insn", d->insn_idx);
	json_kstr(j, "kind", core_relo_kind_name(d->kind));
	json_kstr(j, "type", row_path(d));
	json_ku64(j, "local_type_id", d->local_type_id);
	json_kstr(j, "access", d->access ? d->access : "");
	json_key(j, "local");
	json_i64(j, (int64_t)d->local_val);
	json_key(j, "target");
	if (d->poisoned || d->failed)
		json_null(j);
	else
		json_i64(j, (int64_t)d->target_val);
	json_kbool(j, "poisoned", d->poisoned);
	json_kbool(j, "error", d->failed);
	json_key(j, "insn_after"); /* what the kernel would get */
	json_insn(j, &code[d->insn_idx], insn_cnt - d->insn_idx);
	json_key(j, "reason");
	if (d->why[0])
		json_str(j, d->why);
	else
		json_null(j);
	json_key(j, "target_type");
	if (d->matched) {
		json_obj_begin(j);
		json_kstr(j, "btf", d->target_btf);
		json_ku64(j, "id", d->target_type_id);
		json_kstr(j, "type", d->target_path);
		json_kstr(j, "access", d->target_access);
		if (d->local_sz || d->target_sz) {
			json_ku64(j, "local_size", d->local_sz);
			json_ku64(j, "target_size", d->target_sz);
		}
		json_obj_end(j);
	} else {
		json_null(j);
	}
	json_key(j, "candidates");
	json_arr_begin(j);
	for (size_t i = 0; i < d->ncands; i++) {
		const struct core_cand_note *c = &d->cands[i];

		json_obj_begin(j);
		json_kstr(j, "btf", c->btf);
		json_ku64(j, "id", c->type_id);
		json_kstr(j, "type", c->type);
		json_kbool(j, "matched", c->matched);
		json_key(j, "reason");
		if (c->why[0])
			json_str(j, c->why);
		else
			json_null(j);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

/* Relocate a copy of program @p's code, print a row per record (those
 * before a failing one too). Returns the records printed, or -errno with
 * @eb set. */
static int report_prog(const struct object *obj, const struct obj_prog *p,
		       struct core_targets *ts, struct json *j, int width, struct errbuf *eb)
{
	struct core_report rep = { 0 };
	struct bpf_insn *code;
	int err;

	if (!btf_ext_find(&obj->ext->core_relo, p->sec_name))
		return 0;
	code = malloc(p->insn_cnt * sizeof(*code) + 1);
	if (!code)
		return err_set(eb, -ENOMEM, "out of memory");
	memcpy(code, p->insns, p->insn_cnt * sizeof(*code));
	err = core_relocate_prog_targets(obj, p, code, ts, CORE_DETAIL, &rep, eb);
	if (err)
		err_prefix(eb, err, "program '%s'", p->name);
	for (size_t i = 0; i < rep.ndetail; i++) {
		if (j)
			print_json(j, p->name, &rep.detail[i], code, p->insn_cnt);
		else
			print_text(p->name, width, &rep.detail[i]);
	}
	if (!err)
		err = (int)rep.ndetail;
	core_report_free(&rep);
	free(code);
	return err;
}

/* The target set: --btf FILE alone, or the running kernel's vmlinux with
 * its modules (read only if a type is missing from vmlinux). */
static int open_targets(const struct cli *c, struct btf **base,
			struct core_targets *ts, struct errbuf *eb)
{
	const char *path = c->btf ? c->btf : CORE_VMLINUX_BTF;
	int err = btf_load_file(path, NULL, base, eb);

	if (err)
		return err_prefix(eb, err, "target BTF '%s'", path);
	if (c->btf) { /* named by the file's last component */
		const char *slash = strrchr(c->btf, '/');

		return core_targets_init(ts, *base, slash ? slash + 1 : c->btf,
					 NULL, eb);
	}
	err = core_targets_init(ts, *base, "vmlinux", CORE_MODULE_BTF_DIR, eb);
	ts->list_modules = host_btf_modules;
	return err;
}

int core_cmd_run(const struct cli *c)
{
	const char *btf_path = c->btf ? c->btf : CORE_VMLINUX_BTF;
	struct core_targets ts = { 0 };
	struct object obj = { 0 };
	struct btf *target = NULL;
	struct errbuf eb = { "" };
	size_t *order = NULL, n;
	struct json j;
	int err, total = 0, status = EXIT_OK, width = 7;	/* "PROGRAM" */

	if ((err = obj_open(c->obj, &obj, &eb))) {
		say_error(c->obj, eb.msg);
		status = EXIT_BAD_INPUT;
		goto out;
	}
	if ((err = open_targets(c, &target, &ts, &eb))) {
		fprintf(stderr, "rawload: %s\n", eb.msg);
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
	/* subprograms too, each once, in the order a load relocates them:
	 * candidates one record sets aside stay aside for the next */
	order = malloc((obj.nprogs + 1) * sizeof(*order));
	n = order && obj.btf ? core_prog_order(&obj, NULL, order) : 0;
	if (!order) {
		fprintf(stderr, "rawload: %s: out of memory\n", c->obj);
		status = EXIT_BAD_INPUT;
	}
	for (size_t k = 0; k < n; k++)
		if ((int)strlen(obj.progs[order[k]].name) > width)
			width = (int)strlen(obj.progs[order[k]].name);
	if (!c->json && n)
		printf("%-*s %-9s %-14s %s\n", width, "PROGRAM", "INSN", "KIND",
		       "RELOCATION (ACCESS)  LOCAL -> TARGET");
	for (size_t k = 0; k < n; k++) {
		err = report_prog(&obj, &obj.progs[order[k]], &ts, c->json ? &j : NULL, width, &eb);
		if (err < 0) {
			fflush(stdout);
			say_error(c->obj, eb.msg);
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
	free(order);
	core_targets_close(&ts);
	btf_free(target);
	obj_close(&obj);
	return status;
}
