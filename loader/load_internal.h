/*
 * loader/load_internal.h - the state of one load, shared by the load
 * driver (load.c) and `rawload plan` (plan.c), which runs the same steps
 * up to the first kernel call and prints what they decided instead of
 * going on. One set of steps, so the plan cannot drift from the load.
 */
#ifndef RAWLOAD_LOAD_INTERNAL_H
#define RAWLOAD_LOAD_INTERNAL_H

#include <signal.h>
#include <stdint.h>

#include "attach/attach.h"
#include "bpf/map.h"
#include "cli.h"
#include "elf/object.h"
#include "events.h"
#include "show/hist.h"
#include "relo/core.h"
#include "relo/reloc.h"
#include "relo/struct_ops.h"

struct load {
	const struct cli *c;
	struct object obj;
	struct relo_set relos;
	struct errbuf eb;
	int btf_fd;		/* object BTF in the kernel, or -1 */
	int *map_fds;		/* [map] fd, or -1 (always, in plan) */
	uint8_t **map_data;	/* [map] initial value of global data, or NULL */
	int *prog_fds;		/* [prog] fd, or -1 */
	int *selected;		/* [prog] 1 if this run loads it */
	struct btf *vmlinux;	/* target BTF (CO-RE, BTF-targeted programs) */
	const char *vmlinux_path; /* where it was read from */
	struct extern_value *ext; /* [extern] resolved values */
	uint32_t kversion;	/* KERNEL_VERSION() of the running kernel */
	int btf_func_ok;	/* the loaded BTF has FUNCs: func/line info usable */
	struct core_report *core; /* [prog] what CO-RE did to each function */
	/* The load image: what the kernel will be given, made once from the
	 * object (which stays as read) and used by the load, `plan` and
	 * --explain alike. */
	struct obj_map *maps;	/* [map] the maps to create: the object's
				 * declarations (names, vars, inits shared
				 * with it), with the sizes this run decides:
				 * --resize, a ring buffer's page-rounded size,
				 * a perf event array's CPU count, a struct_ops
				 * map's value size in the kernel's layout */
	struct bpf_insn **code;	/* [prog] the function's code after CO-RE
				 * (step_core), NULL if it has no records */
	struct final_prog *image; /* [prog] each selected program linked
				 * (step_link), its map references holding
				 * map indexes until step_progs binds fds */
	struct st_ops_kern *st_ops; /* [map] struct_ops maps in the target
				   kernel's layout; NULL without such maps */
	struct attach_set att;	/* what holds the attachments */
	size_t iters, others;	/* attached: iterators (read once, at
				 * attach), and programs that run on events */
	size_t nfailed;		/* attaches refused: the others still run,
				 * and the exit status is 1 (step_attach) */
	int first_failure;	/* -errno of the first of them */
	char *failed;		/* "'prog' (how:target), ..." of them */
	int reported;		/* the failing step printed its error itself
				 * (one refused attach, and nothing else) */
	struct run_option_input *runs; /* [--run] its program and input bytes
				 * (loader/run_option.c); NULL without --run */
	struct btf **types;	/* [c->ntypes] --types FILE, read by
				   step_options */
	struct event_format *fmts; /* [map] --format, resolved by step_options */
	struct hist_spec *hists; /* [c->nhists] --hist, resolved by step_options */
	int *dump_sel;		/* [map] --dump-maps NAMES: 1 to dump; NULL
				   to dump every map */
	char **made;		/* --pin: the pins and directories this run
				 * created, in order; removed, newest first,
				 * if the run fails (load_pins_rollback) */
	size_t nmade;
};

/* ---- between load.c, load_kernel.c and load_run.c ---- */

/* attach_set's iter_output (@ctx the load): an iterator's walk, printed
 * as text, a hex dump, or JSON lines (load_run.c). */
void load_iter_output(void *ctx, const char *prog, const uint8_t *data, size_t n);
/* Where record types come from: the object's BTF, then --types files. */
void load_event_types(const struct load *l, struct event_types *ty);

/* Remove what step_pin made (pins, then the directories it created), for
 * a run that failed after pinning: a failed run leaves nothing behind.
 * Frees the list either way. */
void load_pins_rollback(struct load *l, int remove);

/* Set by SIGINT/SIGTERM: the load stops between steps (a verifier run in
 * progress stops its retries), the run loop ends; cleanup follows. */
extern volatile sig_atomic_t load_stop;

/* "rawload: ..." on stderr, unless --json owns the output. */
void load_say(const struct load *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The BTF id BTF-targeted program @pr is verified against, in the target
 * kernel's BTF (load.c, which reads that BTF). 0 or -errno. */
int load_attach_btf_id(struct load *l, const struct obj_prog *pr, uint32_t *id);

/* Programs whose target is a function of a loaded BPF program
 * (loader/load_bpf_target.c): extensions, and fentry/fexit given
 * --attach fentry:PROG[:FUNC]. The --attach of program @i, checked without
 * the kernel (step_options, plan): PROG in @prog, FUNC (or the section's)
 * in *@func, the --attach as given in *@spec, or *@spec NULL for a tracing
 * program on a kernel function. 0, or -EINVAL with @eb saying what is
 * missing (an extension without freplace:, a function named nowhere). */
int load_bpf_target_spec(const struct load *l, size_t i, char *prog, size_t psize,
			 const char **func, const char **spec, struct errbuf *eb);
/* The fd of that program (the caller closes it after BPF_PROG_LOAD) and
 * the BTF id of FUNC in the program's BTF; *@target_fd -1 when program @i
 * has no BPF target. 0 or -errno with @l->eb naming what is wrong. */
int load_bpf_target(struct load *l, size_t i, uint32_t *btf_id, int *target_fd);

/* The target BTF: --btf FILE or the running kernel's, read once, on first
 * need (CO-RE, ksyms, BTF-targeted programs, struct_ops). 0 or -errno. */
int load_target_btf(struct load *l, struct btf **out);

/* The steps, in the order load.c's table runs them: before the first
 * kernel call (load.c), creating kernel objects (load_kernel.c), after
 * the commit point (load_run.c). Each returns 0 or -errno with @l->eb. */
int step_open(struct load *l);
int step_options(struct load *l);
int step_relocs(struct load *l);
int step_core(struct load *l);
int step_externs(struct load *l);
int step_struct_ops(struct load *l);
int step_link(struct load *l);
int step_btf(struct load *l);
int step_maps(struct load *l);
int step_progs(struct load *l);
int step_slots(struct load *l);
int step_pin(struct load *l);
/* Each selected program's section target that will be used, read by its
 * way's rules (attach_section_spec) before anything is loaded. */
int step_targets(struct load *l);
int step_attach(struct load *l);
int step_run(struct load *l);
int step_dump(struct load *l);

/* Run the steps before the first kernel call (read, options, relocations,
 * CO-RE, externs, link): the load image is then made. 0, or -errno with
 * @l->eb set; *step names the step that failed. @l is zeroed first; call
 * load_release() in any case. */
int load_prepare(struct load *l, const struct cli *c, const char **step);
void load_release(struct load *l);

/* The BPF_MAP_CREATE parameters of map @i: as declared, plus what the
 * loader adds (global data flags, BTF ids only where the kernel takes
 * them). @why, when not NULL, gets the one-line reason for --explain. */
void load_map_params(const struct load *l, size_t i, struct map_params *p, char *why,
		     size_t whylen);

/* ---- struct_ops (load_struct_ops.c) ---- */

/* The attach_btf_id and expected_attach_type of struct_ops program @i
 * (its member's), into @btf_id and @attach_type. 0 or -errno. */
int load_struct_ops_prog(struct load *l, size_t i, uint32_t *btf_id,
			 uint32_t *attach_type);
/* Write the value of each .struct_ops.link map (its programs' fds in
 * place): the map is then ready, not yet registered. 0 or -errno. */
int load_struct_ops_fill(struct load *l);
/* Register every struct_ops map: a link for .struct_ops.link maps, the
 * value write for .struct_ops ones (undone by BPF_MAP_DELETE_ELEM at
 * exit). 0 or -errno. */
int load_struct_ops_attach(struct load *l);
/* `rawload plan`'s lines for struct_ops map @i: what the value holds, or
 * why it cannot be built ("" when @i is no struct_ops map). */
void load_struct_ops_describe(const struct load *l, size_t i, char *buf, size_t len);
/* The same as keys of the map's object in `rawload plan --json`:
 * struct_ops_type, btf_vmlinux_value_type_id, members {member: program}. */
struct json;
void load_struct_ops_json(const struct load *l, size_t i, struct json *j);
/* `rawload plan`'s attach line for struct_ops program @prog: @target gets
 * "MAP.MEMBER", @why the member and how the map registers. 1, or 0 when
 * the program fills no member. */
int load_struct_ops_member(const struct load *l, size_t prog, char *target, size_t tlen,
			   char *why, size_t wlen);

#endif
