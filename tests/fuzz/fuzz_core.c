/*
 * tests/fuzz/fuzz_core.c - CO-RE relocation (relo/core.c) on arbitrary
 * objects.
 *
 * obj_open_mem, then core_relocate_prog_report for every function with
 * CO-RE records, against the object's own .BTF as the target kernel's
 * (every local type then has itself as a candidate, so the matching and
 * patching paths run, not only "no candidate"), then once more against a
 * tiny target where nearly everything is poisoned. A program that
 * relocated is then linked (reloc_collect + reloc_build_prog) as the
 * loader would. No syscall is reached.
 */
#include <string.h>
#include "elf/object.h"
#include "relo/core.h"
#include "relo/reloc.h"
#include "tests/fuzz/fuzz.h"

static volatile uint32_t sink;

/* One INT "int" and a FWD "task_struct". */
static const uint32_t tiny_words[] = {
	0x0001eb9f, 24, 0, 28, 28, 17,
	1, BTF_INFO_ENC(BTF_KIND_INT, 0, 0), 4, BTF_INT_ENC(BTF_INT_SIGNED, 0, 32),
	5, BTF_INFO_ENC(BTF_KIND_FWD, 0, 0), 0,
	0x746e6900, 0x73617400, 0x74735f6b, 0x74637572, 0x00000000,
};

static void relocate(struct object *obj, const struct btf *target)
{
	struct errbuf eb;

	for (size_t i = 0; i < obj->nprogs; i++) {
		struct core_report rep;

		if (!obj->progs[i].ncore)
			continue;
		memset(&rep, 0, sizeof(rep));
		if (core_relocate_prog_report(obj, &obj->progs[i], target, &rep,
					      &eb) == 0) {
			sink += (uint32_t)rep.applied;
			for (size_t k = 0; k < rep.npoisoned; k++)
				sink += (uint32_t)strlen(rep.poisoned[k].desc) +
					rep.poisoned[k].insn_idx;
		}
		core_report_free(&rep);
	}
}

static void link_all(const struct object *obj)
{
	struct relo_set set;
	struct errbuf eb;
	int *fds = calloc(obj->nmaps + 1, sizeof(*fds));
	struct reloc_env env = { fds, NULL, NULL };

	memset(&set, 0, sizeof(set));
	if (fds && reloc_collect(obj, &set, &eb) == 0)
		for (size_t i = 0; i < obj->nprogs; i++) {
			struct final_prog fp;

			if (obj->progs[i].is_subprog)
				continue;
			if (reloc_build_prog(obj, &set, i, &env, &fp, &eb) == 0)
				reloc_free_prog(&fp);
		}
	reloc_free(&set);
	free(fds);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct btf *tiny;
	struct object obj;
	struct errbuf eb;
	uint8_t *buf;

	if (!tiny && btf_parse(tiny_words, sizeof(tiny_words) - 3, NULL, &tiny, &eb))
		__builtin_trap(); /* the fixed target must parse */
	if (size > FUZZ_MAX_INPUT)
		return 0;
	buf = fuzz_copy(data, size);
	if (!buf)
		return 0;
	memset(&obj, 0, sizeof(obj));
	if (obj_open_mem(buf, size, "fuzz.bpf.o", &obj, &eb) == 0 && obj.btf) {
		size_t ncore = 0;

		for (size_t i = 0; i < obj.nprogs; i++)
			ncore += obj.progs[i].ncore;
		if (ncore) {
			relocate(&obj, obj.btf);
			link_all(&obj);
			/* the instructions were patched in place: a second pass
			 * against another target sees patched values, which
			 * must be refused cleanly, never crash */
			relocate(&obj, tiny);
		}
	}
	obj_close(&obj);
	free(buf);
	return 0;
}
