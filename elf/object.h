/*
 * elf/object.h - the object model: what a BPF object holds.
 *
 * This is the contract between rawload's stages, and the first file to
 * read. The pipeline, data flowing one way:
 *
 *   prog.bpf.o
 *      |  elf/     read: ELF sections, symbols, relocations; .BTF, .BTF.ext
 *      v
 *   struct object   programs, maps (.maps, legacy "maps", global data,
 *      |            struct_ops variables),
 *      |            externs, license, BTF, BTF.ext        <- this file
 *      |  relo/    transform, no syscalls: link subprograms, point ld_imm64
 *      v           at maps and data, resolve externs, apply CO-RE
 *   the load image  final instructions per program (map references by
 *      |            index until the maps exist), maps with their sizes
 *      |  bpf/     the kernel boundary: BTF_LOAD, MAP_CREATE, PROG_LOAD,
 *      v           attach
 *   fds and links   loader/ drives the steps, prints, cleans up
 *
 * Everything here is filled by obj_open() from the file alone: the same
 * object gives the same struct object on any machine. Nothing depends on
 * the running kernel, and nothing changes it after: CO-RE patches a copy
 * of the code, and the sizes a load decides live in its image (struct
 * load's code, image and maps in loader/load_internal.h). Cross-references are indexes into the arrays below
 * (-1 for none), and the object owns everything it points to.
 */
#ifndef RAWLOAD_OBJECT_H
#define RAWLOAD_OBJECT_H

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>

#include "btf.h"
#include "btf_ext.h"
#include "elf.h"
#include "err.h"
#include "secdef.h"
#include "uapi.h"

/* A function in an executable section. Functions in .text are
 * subprograms: linked into the programs that call them, never loaded on
 * their own. Every other function is a program. */
struct obj_prog {
	const char *name;	     /* the function's symbol name */
	const char *sec_name;	     /* its section, e.g. "kprobe/do_execve" */
	size_t shndx;		     /* that section's index */
	uint64_t sec_off;	     /* byte offset of its first instruction */
	size_t insn_cnt;	     /* instructions (8 bytes each) */
	struct bpf_insn *insns;	     /* a copy of them, as clang left them */
	int is_subprog;		     /* 1 for functions in .text */
	int is_global;		     /* STB_GLOBAL or STB_WEAK and not hidden:
					the kernel verifies such a subprogram
					on its own, from its BTF signature */
	int is_hidden;		     /* a global or weak symbol with hidden or
					internal visibility (__hidden, as in
					usdt.bpf.h): relo/btf_fixup.c makes its
					BTF FUNC static, as libbpf does */
	int autoload;		     /* 0 when the section name starts with
					'?' (SEC("?tc"): libbpf's "not loaded
					unless asked"); @sec_name is then the
					name after the '?', as libbpf keeps it */
	const struct secdef *def;    /* NULL for subprograms */
	const char *attach_target;   /* what follows "kprobe/" etc., or NULL */
	uint32_t btf_func_id;	     /* its FUNC type in .BTF, 0 if none */
	size_t nrelocs;		     /* ELF relocations inside its bytes */
	size_t ncore;		     /* CO-RE relocations inside its bytes */
};

/* A variable of a global data section, from the section's DATASEC. */
struct obj_var {
	const char *name;	/* the C variable's name */
	uint32_t offset;	/* byte offset in the section (ELF symbol) */
	uint32_t size;		/* bytes */
	uint32_t type_id;	/* its type in .BTF */
	uint32_t linkage;	/* BTF_VAR_STATIC / GLOBAL_ALLOCATED / ... */
};

/* Where a map's definition came from. */
enum map_origin {
	MAP_BTF,    /* a variable in SEC(".maps"), described by BTF */
	MAP_LEGACY, /* a struct bpf_map_def in SEC("maps") (pre-BTF objects) */
	MAP_DATA,   /* a global data section (.data, .rodata, .bss, .kconfig):
		       one-entry ARRAY holding the section's bytes */
	MAP_INNER,  /* the template of a map-in-map's inner map */
	MAP_STRUCT_OPS, /* a variable in SEC(".struct_ops") or
			   SEC(".struct_ops.link"): a table of function
			   pointers (elf/struct_ops.c) */
};

enum data_kind { DATA_DATA, DATA_RODATA, DATA_BSS, DATA_KCONFIG };

/* A function pointer of a struct_ops variable set to a program: the
 * ELF relocation in .rel.struct_ops* at that member's bytes. */
struct obj_st_func {
	uint32_t member;	/* index of the member in the local struct */
	size_t prog;		/* the program it points to (index in progs) */
};

/* A .values initializer: slot @slot holds program or map @target. */
struct obj_map_init {
	uint32_t slot;
	const char *target;	/* program name (prog array) or map name */
};

struct obj_map {
	const char *name;	/* symbol name; section name for MAP_DATA;
				   "<outer>.inner" for MAP_INNER */
	char *name_owned;	/* @name when the object built it, else NULL */
	char kernel_name[16];	/* what BPF_MAP_CREATE is told, libbpf's way */
	enum map_origin origin;
	uint32_t type;		/* enum bpf_map_type */
	uint32_t key_size;	/* bytes */
	uint32_t value_size;	/* bytes; MAP_STRUCT_OPS: the local struct's
				   size (the load image's map gets the
				   kernel's, which relo/struct_ops.c works
				   out) */
	uint32_t max_entries;	/* as declared; 0 = must be set at load
				   (--resize, into the load image) */
	uint32_t map_flags;	/* BPF_F_* as declared */
	uint32_t numa_node;
	uint32_t pinning;	/* 0 none, 1 LIBBPF_PIN_BY_NAME */
	uint64_t map_extra;	/* bloom filter hashes, arena address */
	uint32_t btf_key_type_id;   /* in .BTF; 0 if unknown */
	uint32_t btf_value_type_id; /* in .BTF; 0 if unknown */
	uint32_t btf_var_id;	/* the VAR of the definition, 0 if none */
	size_t shndx;		/* section of the definition / the data */
	uint64_t sec_off;	/* byte offset of the definition in it */
	int inner;		/* index of the inner-map template, or -1 */
	/* MAP_DATA and MAP_STRUCT_OPS: */
	const uint8_t *data;	/* initial bytes in the file; NULL for .bss;
				   MAP_STRUCT_OPS: the variable's bytes */
	uint32_t data_size;	/* the section's size; the variable's */
	/* MAP_STRUCT_OPS only: */
	uint32_t st_type_id;	/* the variable's struct in .BTF */
	const char *st_type_name; /* its name, flavor ("___x") included */
	struct obj_st_func *st_funcs; /* its members set to programs */
	size_t nst_funcs;
	/* MAP_DATA only: */
	enum data_kind data_kind;
	uint32_t datasec_id;	/* its DATASEC in .BTF, 0 if none */
	struct obj_var *vars;	/* its variables, by offset */
	size_t nvars;
	/* .values initializers (prog arrays, map-in-map) */
	uint32_t values_off;	/* byte offset of "values" in the definition */
	int has_values;		/* the definition has a "values" member */
	struct obj_map_init *inits;
	size_t ninits;
};

/* A symbol the object uses but does not define: filled at load time from
 * the kernel (.kconfig values, .ksyms addresses or BTF ids). */
enum extern_kind { EXTERN_KCONFIG, EXTERN_KSYM };
struct obj_extern {
	const char *name;
	enum extern_kind kind;
	int is_weak;		/* __weak: missing becomes 0, not an error */
	int is_func;		/* a kfunc (a FUNC, called) vs a variable */
	size_t sym;		/* its ELF symbol */
	uint32_t btf_id;	/* its VAR or FUNC in .BTF, 0 if none */
	uint32_t type_id;	/* the VAR's type (after modifiers), 0 = typeless */
	uint32_t offset;	/* .kconfig: byte offset in the .kconfig map */
	uint32_t size;		/* .kconfig: bytes */
};

/* The relocation sections that patch code, as the ELF reader checked them. */
struct obj_relsec {
	struct elf_rel_section rel;
	const char *target_name; /* the code section it patches */
};

struct object {
	const char *path;	/* as given */
	char name[64];		/* file name up to the first '.', as libbpf
				   names objects ("hello" for hello.bpf.o) */
	struct elf_file elf;
	struct btf *btf;	/* .BTF, or NULL if the object has none */
	struct btf_ext *ext;	/* .BTF.ext, or NULL */
	char license[128];	/* SEC("license"), "" if absent */
	uint32_t kern_version;	/* SEC("version"), 0 if absent */
	int has_kern_version;

	struct obj_prog *progs;	/* programs first by section order, then
				   subprograms; in symbol order within */
	size_t nprogs;
	struct obj_map *maps;	/* .maps/maps definitions, then data maps */
	size_t nmaps;
	struct obj_extern *externs;
	size_t nexterns;
	struct obj_relsec *relsecs; /* .rel<code section> */
	size_t nrelsecs;
	size_t text_shndx;	/* .text, 0 if none */
	size_t maps_shndx;	/* .maps, 0 if none */
	size_t legacy_maps_shndx; /* maps, 0 if none */
	size_t kconfig_map;	/* index of the .kconfig map; meaningful only
				   when has_kconfig_map */
	int has_kconfig_map;
	struct obj_symkey *symidx; /* the named symbols (no STT_SECTION or
				   STT_FILE) sorted by section, name and index,
				   so obj_find_symbol is a binary search: an
				   object with 65,535 variables looks each one
				   up in 16 steps, not 65,535 */
	size_t nsymidx;
	struct obj_seckey *secidx; /* sections 1..shnum-1 sorted by name, then
				   index: obj_find_section is a binary search
				   (elf/object_index.c) */
	size_t nsecidx;
	struct obj_span *secprogs; /* [shndx]: the programs of that section,
				   a run of @progs (count 0 for a section
				   without code); filled by collect_progs */
};

/* One entry of struct object's section index. */
struct obj_seckey {
	const char *name;	/* the section's name, in .shstrtab */
	size_t shndx;		/* its index */
};

/* A run of an array: elements first .. first + count - 1. */
struct obj_span {
	size_t first;
	size_t count;
};

/* One entry of struct object's symbol index. */
struct obj_symkey {
	size_t shndx;		/* the symbol's st_shndx */
	const char *name;	/* its name, in the ELF string table */
	size_t sym;		/* its index in the symbol table */
};

/* Read and model @path. On failure *obj is empty (obj_close is safe). */
int obj_open(const char *path, struct object *obj, struct errbuf *eb);
/* The same from memory (tests, fuzzing); @name is the file name to use. */
int obj_open_mem(const void *data, size_t size, const char *name,
		 struct object *obj, struct errbuf *eb);
void obj_close(struct object *obj);

/* The programs that are loaded on their own: all but the subprograms. */
size_t obj_count_entries(const struct object *obj);
/* Index of the program / map named @name, or -1. */
int obj_find_prog(const struct object *obj, const char *name);
int obj_find_map(const struct object *obj, const char *name);
/* The MAP_DATA map that holds section @shndx, or -1. */
int obj_find_data_map(const struct object *obj, size_t shndx);
/* The first symbol (in symbol-table order) named @name defined in section
 * @shndx, of ELF symbol type @type (STT_OBJECT, ...) or, with @type -1, of
 * any type but STT_SECTION and STT_FILE; 0 if none. A binary search of
 * @obj->symidx. */
size_t obj_find_symbol(const struct object *obj, size_t shndx, const char *name, int type);
/* The section named @name with the lowest index (as elf_find_section's
 * scan finds it), or 0 if none: a binary search of @obj->secidx. */
size_t obj_find_section(const struct object *obj, const char *name);

/*
 * Is @m's shape one the kernel could create? Keys of 0 bytes where the type
 * looks values up by key, array keys other than 4 bytes, an array larger
 * than 4 GiB (a per-CPU array counted once for each of @ncpus possible
 * CPUs, which the caller reads from the machine): refused here with the
 * numbers, instead of an EINVAL (or an attempt to allocate it all) from
 * BPF_MAP_CREATE. Run after --resize.
 */
int obj_map_check(const struct obj_map *m, uint32_t ncpus, struct errbuf *eb);
/* Map types the kernel creates with max_entries 0, because their size is
 * not theirs to choose: local storage (a value per socket, inode, task or
 * cgroup, living as long as that object) and the old cgroup storage. */
int obj_map_unsized(uint32_t type);

const char *obj_map_origin_name(enum map_origin o);
const char *obj_map_type_name(uint32_t type);
/* @f's BPF_F_* map flags by name, "|"-joined ("RDONLY_PROG|MMAPABLE"),
 * bits without a name in hex after them; "0" for none. */
void obj_map_flags_str(uint32_t f, char *buf, size_t len);
const char *obj_data_kind_name(enum data_kind k);

#endif
