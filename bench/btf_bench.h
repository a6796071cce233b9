/* bench/btf_bench.h - shared by btf_bench.c and its two sides, which live
 * in separate files because rawload's elf/btf.h and libbpf's bpf/btf.h
 * both declare a struct btf. */
#ifndef BTF_BENCH_H
#define BTF_BENCH_H
#include <linux/btf.h>
#include <stdint.h>

/* What CO-RE and BTF-targeted programs typically ask of vmlinux BTF. */
static const struct lookup { const char *name; unsigned kind; }
	LOOKUPS[] __attribute__((unused)) = {
	{ "task_struct", BTF_KIND_STRUCT }, { "mm_struct", BTF_KIND_STRUCT },
	{ "file", BTF_KIND_STRUCT },	    { "inode", BTF_KIND_STRUCT },
	{ "sk_buff", BTF_KIND_STRUCT },	    { "pt_regs", BTF_KIND_STRUCT },
	{ "cred", BTF_KIND_STRUCT },	    { "dentry", BTF_KIND_STRUCT },
};
#define NLOOKUPS (sizeof(LOOKUPS) / sizeof(LOOKUPS[0]))

extern const char *path;
void die(const char *what);
uint64_t run_rawload(void);
uint64_t run_libbpf(void);

#endif
