/* relo/btf_fixup.h - the object's .BTF with DATASEC sizes and offsets
 * filled in, ready for BPF_BTF_LOAD (see btf_fixup.c). */
#ifndef RAWLOAD_BTF_FIXUP_H
#define RAWLOAD_BTF_FIXUP_H

#include <stddef.h>
#include <stdint.h>

#include "elf/object.h"

/* *out (malloc'ed, caller frees) gets a fixed copy of obj->btf's bytes;
 * NULL and 0 when the object has no BTF. */
int btf_fixup(const struct object *obj, uint8_t **out, size_t *len,
	      struct errbuf *eb);

#endif
