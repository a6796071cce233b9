/*
 * tests/fuzz/fuzz_object.c - everything rawload does to an object before
 * its first bpf() call, on arbitrary bytes.
 *
 *   obj_open_mem      the whole object model (elf/object.c, maps.c, BTF,
 *                     BTF.ext, secdef)
 *   reloc_collect     raw relocations -> semantic records
 *   reloc_build_prog  every program (and subprogram) linked, with dummy map
 *                     fds and externs resolved to dummy values, then once
 *                     more with no extern values (the weak-missing path)
 *   btf_fixup         the BTF rawload would hand BPF_BTF_LOAD
 *   btf_sanitize      that BTF rewritten for a kernel missing each feature
 *                     in turn, and all of them
 *
 * No syscall is reached: these are pure functions of the bytes.
 */
#include <string.h>
#include "elf/object.h"
#include "relo/btf_fixup.h"
#include "relo/btf_sanitize.h"
#include "relo/reloc.h"
#include "tests/fuzz/fuzz.h"

static volatile uint32_t sink;

static void build_all(const struct object *obj, const struct relo_set *set,
		      const struct reloc_env *env)
{
	struct errbuf eb;

	for (size_t i = 0; i < obj->nprogs; i++) {
		struct final_prog fp;

		memset(&fp, 0, sizeof(fp));
		if (reloc_build_prog(obj, set, i, env, &fp, &eb) == 0) {
			for (size_t k = 0; k < fp.insn_cnt; k++)
				sink += fp.insns[k].imm;
			sink += (uint32_t)(fp.func_info_cnt + fp.line_info_cnt +
					   fp.nsubprogs);
			reloc_free_prog(&fp);
		}
	}
}

static void sanitize_all(const uint8_t *data, size_t len)
{
	struct errbuf eb;

	sink += btf_features_used(data, len);
	for (uint32_t f = 1; f <= BTF_FEAT_ALL; f <<= 1) {
		uint32_t missing = f == (BTF_FEAT_ALL + 1) / 2 ? BTF_FEAT_ALL : f;
		uint8_t *out = NULL;
		size_t out_len = 0;

		if (btf_sanitize(data, len, missing, &out, &out_len, &eb) == 0) {
			/* the result must still be BTF the parser accepts */
			struct btf *b = NULL;

			if (btf_parse(out, out_len, NULL, &b, &eb) == 0)
				sink += btf_type_cnt(b);
			btf_free(b);
		}
		free(out);
		sink += (uint32_t)strlen(btf_feature_name(f));
	}
}

static void pipeline(const struct object *obj)
{
	struct relo_set set;
	struct errbuf eb;
	int *fds = NULL;
	struct extern_value *ext = NULL;
	uint8_t *fixed = NULL;
	size_t fixed_len = 0;

	memset(&set, 0, sizeof(set));
	if (reloc_collect(obj, &set, &eb) == 0) {
		fds = calloc(obj->nmaps + 1, sizeof(*fds));
		ext = calloc(obj->nexterns + 1, sizeof(*ext));
		if (fds && ext) {
			struct reloc_env env = { fds, ext, NULL };

			for (size_t i = 0; i < obj->nmaps; i++)
				fds[i] = 100 + (int)i;
			for (size_t i = 0; i < obj->nexterns; i++) {
				ext[i].resolved = 1;
				ext[i].addr = 0xffffffff81000000ull + i;
				ext[i].btf_id = 1 + (uint32_t)i;
			}
			build_all(obj, &set, &env);
			for (size_t i = 0; i < obj->nexterns; i++)
				ext[i].resolved = 0;
			build_all(obj, &set, &env);
		}
	}
	reloc_free(&set);
	free(fds);
	free(ext);

	if (btf_fixup(obj, &fixed, &fixed_len, &eb) == 0 && fixed) {
		struct btf *b = NULL;

		/* btf_sanitize wants BTF that passed btf_parse */
		if (btf_parse(fixed, fixed_len, NULL, &b, &eb) == 0)
			sanitize_all(fixed, fixed_len);
		btf_free(b);
	}
	free(fixed);
	if (obj->btf)
		sanitize_all(obj->btf->data, obj->btf->size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct object obj;
	struct errbuf eb;
	uint8_t *buf;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	buf = fuzz_copy(data, size);
	if (!buf)
		return 0;
	memset(&obj, 0, sizeof(obj));
	if (obj_open_mem(buf, size, "fuzz.bpf.o", &obj, &eb) == 0) {
		for (size_t i = 0; i < obj.nmaps; i++)
			sink += (uint32_t)strlen(obj_map_type_name(obj.maps[i].type)) +
				(uint32_t)strlen(obj_map_origin_name(obj.maps[i].origin));
		pipeline(&obj);
	}
	obj_close(&obj);
	free(buf);
	return 0;
}
