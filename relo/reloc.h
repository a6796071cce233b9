/*
 * relo/reloc.h - turning a BPF object into the instructions the kernel gets.
 *
 * Two steps, both pure functions of the object (and of what loader/ hands
 * over as plain numbers: extern values, the code CO-RE patched):
 *
 *  1. reloc_collect: each raw ELF relocation in a .rel<code> section
 *     becomes one semantic record (the way musl's and libbpf's linkers
 *     classify before they patch): which instruction, and whether it loads
 *     a map, a global variable, an extern, or calls/takes the address of a
 *     subprogram.
 *  2. reloc_build_prog: one program's final instructions: its own code,
 *     then every .text subprogram it reaches appended (depth first, in
 *     call order, as libbpf appends them), each relocation applied, and
 *     func_info/line_info moved to the instructions they describe. Built
 *     before any map exists (the load image), a map reference holds the
 *     map's index; reloc_bind_maps puts the fds there once they exist.
 */
#ifndef RAWLOAD_RELOC_H
#define RAWLOAD_RELOC_H

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>

#include "elf/err.h"
#include "elf/object.h"

enum relo_kind {
	RELO_MAP,	  /* ld_imm64 r, map        -> BPF_PSEUDO_MAP_FD */
	RELO_DATA,	  /* ld_imm64 r, &global    -> BPF_PSEUDO_MAP_VALUE + offset */
	RELO_CALL,	  /* call subprog           -> BPF_PSEUDO_CALL, relative */
	RELO_SUBPROG_ADDR,/* ld_imm64 r, &callback  -> BPF_PSEUDO_FUNC, relative */
	RELO_EXTERN_VAR,  /* ld_imm64 r, &extern    -> .kconfig value or ksym */
	RELO_EXTERN_FUNC, /* call kfunc             -> BPF_PSEUDO_KFUNC_CALL */
};

struct relo {
	enum relo_kind kind;
	uint64_t sec_off;   /* byte offset of the instruction in its section */
	size_t sym;	    /* ELF symbol */
	uint64_t sym_off;   /* the symbol's value (offset in its section) */
	int map;	    /* RELO_MAP/RELO_DATA: index in obj->maps */
	int ext;	    /* RELO_EXTERN_*: index in obj->externs */
};

/* One code section's block of relo_set.relos. */
struct relo_sec {
	size_t shndx;		/* the code section */
	size_t first, count;	/* relos[first .. first + count), by offset */
};

#define RELO_SEC_SEVERAL UINT32_MAX

/* All relocations of every code section, grouped per section. */
struct relo_set {
	struct relo *relos;	/* sorted by (section, offset) */
	size_t count;
	size_t *sec_shndx;	/* [i] = section of relos[i] (parallel) */
	struct relo_sec *secs;	/* one per code section with relocations */
	size_t nsecs;
	/* [shndx], for shndx < nsec_of (the object's shnum): 1 + the index in
	 * @secs of that code section's one block, 0 if it has none, or
	 * RELO_SEC_SEVERAL (two .rel sections patch it). Each program finds
	 * its section's relocations here in one step: looking through @secs
	 * per program was quadratic in an object of one-program sections.
	 * NULL in a set not made by reloc_collect: then @secs is searched. */
	uint32_t *sec_of;
	size_t nsec_of;
	/* Per .BTF.ext section, func_info's then line_info's (in the order
	 * of their tables' secs[]): 1 if its records ascend by insn_off, so
	 * reloc_build_prog can binary-search a program's records. NULL (no
	 * .BTF.ext, or a set not made by reloc_collect): scan them all. */
	uint8_t *ext_sorted;
};

int reloc_collect(const struct object *obj, struct relo_set *set,
		  struct errbuf *eb);
void reloc_free(struct relo_set *set);

const char *reloc_kind_name(enum relo_kind k);

/* What an extern resolved to; filled by loader/ (values from the kernel). */
struct extern_value {
	int resolved;		/* 0: a weak extern left missing */
	uint64_t addr;		/* ksym variable: its address (kallsyms) */
	uint32_t btf_id;	/* ksym with a type / kfunc: id in vmlinux BTF */
};

/* Inputs from outside the object, as plain numbers and arrays. */
struct reloc_env {
	/* [obj map index] -> fd; NULL: the load image, where each map
	 * reference holds its map's index until reloc_bind_maps() */
	const int *map_fds;
	const struct extern_value *ext;	/* [obj extern index], may be NULL */
	/* [obj prog index] the function's code after CO-RE (a copy the
	 * loader patched), or NULL (the array or an entry): as read */
	struct bpf_insn *const *code;
};

/* A program ready for BPF_PROG_LOAD. */
struct final_prog {
	struct bpf_insn *insns;
	size_t insn_cnt;
	struct bpf_func_info *func_info;
	size_t func_info_cnt;
	struct bpf_line_info *line_info;
	size_t line_info_cnt;
	size_t *subprogs;	/* obj prog indexes appended, in order */
	size_t nsubprogs;
	/* the ld_imm64s (insn indexes) that name a map (BPF_PSEUDO_MAP_FD or
	 * _VALUE, set by a relocation): where reloc_bind_maps puts fds */
	size_t *map_refs;
	size_t nmap_refs;
};

int reloc_build_prog(const struct object *obj, const struct relo_set *set,
		     size_t prog, const struct reloc_env *env,
		     struct final_prog *out, struct errbuf *eb);
/* A copy of @fp's instructions (built with map_fds NULL) in which each map
 * reference's index is replaced by @map_fds[index]: what BPF_PROG_LOAD
 * gets. NULL: out of memory. */
struct bpf_insn *reloc_bind_maps(const struct final_prog *fp, const int *map_fds);
void reloc_free_prog(struct final_prog *fp);

#endif
