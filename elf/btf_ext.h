/*
 * elf/btf_ext.h - reading .BTF.ext: func_info, line_info and CO-RE records.
 *
 * .BTF.ext holds, per code section, three tables the kernel and the loader
 * need beside the instructions:
 *   func_info  (struct bpf_func_info)  instruction -> FUNC type: which
 *              function starts where; the kernel needs it for BTF-typed
 *              programs and shows it in bpftool.
 *   line_info  (struct bpf_line_info)  instruction -> source file/line/col;
 *              the verifier prints it beside its log.
 *   core_relo  (struct bpf_core_relo)  instruction -> a CO-RE relocation to
 *              apply against the target kernel's BTF.
 * Each table is: u32 record size, then per section {u32 sec_name_off (in
 * .BTF's strings), u32 num_info, num_info records}. In the file insn_off
 * counts BYTES from the section start; the parsed records keep that.
 *
 * The records are copied into aligned arrays of the current struct size,
 * so a producer's larger records (newer fields) are cut, not misread.
 */
#ifndef RAWLOAD_BTF_EXT_H
#define RAWLOAD_BTF_EXT_H

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>

#include "btf.h"
#include "err.h"

/* One section's records of one table. */
struct btf_ext_sec {
	const char *sec_name;	/* code section, e.g. "kprobe/do_execve" */
	uint32_t count;		/* number of records */
	void *recs;		/* count records of the table's struct, malloc'ed */
	int sorted;		/* by insn_off, every record's first field (clang
				 * writes them so): a reader may binary-search */
};

struct btf_ext_table {
	uint32_t file_rec_size; /* record size in the file (>= the struct's) */
	size_t nsecs;		/* sections that have records */
	struct btf_ext_sec *secs;
	/* [nsecs]: @secs sorted by sec_name, then by position, built by
	 * btf_ext_parse so that btf_ext_find is a binary search (every
	 * program asks for its section: a scan made an object of 1000
	 * sections quadratic). NULL in a table built by hand: then it scans. */
	const struct btf_ext_sec **by_name;
};

struct btf_ext {
	struct btf_ext_table func_info; /* recs are struct bpf_func_info */
	struct btf_ext_table line_info; /* recs are struct bpf_line_info */
	struct btf_ext_table core_relo; /* recs are struct bpf_core_relo */
};

/*
 * Parse @size bytes of .BTF.ext. @btf is the object's .BTF: section names
 * and (for core_relo) access strings are offsets into its strings, and
 * type ids must be in its range; all are checked here.
 */
int btf_ext_parse(const void *data, size_t size, const struct btf *btf,
		  struct btf_ext **out, struct errbuf *eb);
void btf_ext_free(struct btf_ext *ext);

/* The records of @table for section @sec_name, or NULL if none: the
 * first section of that name in the table's order, should it repeat. */
const struct btf_ext_sec *btf_ext_find(const struct btf_ext_table *table,
				       const char *sec_name);

#endif
