/*
 * relo/btf_sanitize.h - rewriting BTF kinds an older kernel does not know.
 *
 * BTF grew kinds over the years (FUNC 5.0, VAR/DATASEC 5.2, global FUNC
 * linkage 5.6, FLOAT 5.13, DECL_TAG 5.16, TYPE_TAG 5.17, ENUM64 6.0), and a
 * kernel refuses a whole BTF blob for one kind it does not know. The fix
 * libbpf made standard is to rewrite each such type, in place, into an
 * old kind of the same record size, so every type id stays valid.
 */
#ifndef RAWLOAD_BTF_SANITIZE_H
#define RAWLOAD_BTF_SANITIZE_H

#include <stddef.h>
#include <stdint.h>

#include "elf/err.h"

/* What the kernel lacks; the loader finds out by probing (bpf/prog.h). */
enum btf_feature {
	BTF_FEAT_DATASEC = 1 << 0,     /* VAR and DATASEC */
	BTF_FEAT_FUNC = 1 << 1,	       /* FUNC and FUNC_PROTO */
	BTF_FEAT_GLOBAL_FUNC = 1 << 2, /* FUNC with global linkage */
	BTF_FEAT_FLOAT = 1 << 3,
	BTF_FEAT_DECL_TAG = 1 << 4,
	BTF_FEAT_TYPE_TAG = 1 << 5,
	BTF_FEAT_ENUM64 = 1 << 6,
	BTF_FEAT_ALL = (1 << 7) - 1,
};

/* Which features the BTF blob @data uses (a mask of enum btf_feature). */
uint32_t btf_features_used(const void *data, size_t len);

/*
 * Rewrite @len bytes of BTF at @data for a kernel that lacks @missing.
 * The result is malloc'ed in *out (it may be a few bytes longer: ENUM64
 * needs one INT type appended). The input must already have passed
 * btf_parse.
 */
int btf_sanitize(const void *data, size_t len, uint32_t missing, uint8_t **out,
		 size_t *out_len, struct errbuf *eb);

const char *btf_feature_name(uint32_t feature);

/*
 * A minimal BTF blob that uses exactly one @feature (one bit), for the
 * loader to offer to the kernel: accepted means supported. Writes at most
 * BTF_PROBE_MAX bytes to @buf and returns the length.
 */
#define BTF_PROBE_MAX 256
size_t btf_probe_blob(uint32_t feature, uint8_t *buf);

#endif
