/*
 * bpf/prog.h - BPF_PROG_LOAD with the verifier log, and BPF_BTF_LOAD.
 */
#ifndef RAWLOAD_BPF_PROG_H
#define RAWLOAD_BPF_PROG_H

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>

#include "elf/err.h"
#include "sys.h"

struct prog_params {
	const char *name;		/* full name, for messages */
	uint32_t prog_type, expected_attach_type, prog_flags;
	const struct bpf_insn *insns;
	uint32_t insn_cnt;
	const char *license;
	uint32_t kern_version;
	int btf_fd;			/* object BTF, or -1 */
	const struct bpf_func_info *func_info;	/* insn_off in instructions */
	uint32_t func_info_cnt;
	const struct bpf_line_info *line_info;
	uint32_t line_info_cnt;
	uint32_t attach_btf_id;		/* tp_btf/fentry/lsm target in vmlinux */
	int attach_btf_obj_fd;		/* module BTF holding it, or -1 */
	int attach_prog_fd;		/* freplace: the BPF program whose
					   function attach_btf_id is, or -1 */
	const int *fd_array;		/* maps/BTFs referenced by index, or NULL */
	const volatile int *interrupted;/* set by a signal handler: stop retrying */
	char *stats;			/* non-NULL: load with log_level 4
					   (BPF_LOG_STATS), the verifier's
					   counts into these @stats_size bytes
					   (-v; veristat does the same) */
	uint32_t stats_size;
	const char *why;
};

/* On failure *log (if @log is non-NULL) gets the whole verifier log,
 * malloc'ed (caller frees), and the returned errno is the kernel's first
 * answer, never a log-buffer ENOSPC. */
int prog_load(const struct prog_params *p, char **log, struct errbuf *eb);

/* BPF_BTF_LOAD of @size raw bytes. On failure *log gets the kernel's BTF
 * verifier log. Returns the fd or -errno. */
int btf_load_kernel(const void *data, uint32_t size, const char *why,
		    enum sys_tag tag, char **log, struct errbuf *eb);

/* BPF_PROG_BIND_MAP (5.10+): make the kernel hold map @map_fd for program
 * @prog_fd, and list it among the program's maps, although no
 * instruction refers to it. 0 or -errno (-EINVAL before 5.10). */
int prog_bind_map(int prog_fd, int map_fd, const char *why, struct errbuf *eb);

#endif
