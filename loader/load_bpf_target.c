/*
 * loader/load_bpf_target.c - programs whose target is another BPF program
 * already in the kernel, not a kernel function: extensions (freplace) and
 * fentry/fexit on a BPF function.
 *
 * An extension program (BPF_PROG_TYPE_EXT, SEC("freplace/FUNC")) takes the
 * place of a global function of a loaded program: the policy step of an
 * XDP dispatcher, say, swapped without reloading the dispatcher. An fentry
 * or fexit program can run at the entry or exit of a BPF function the same
 * way it does at a kernel function's (xdpdump traces XDP programs so). The
 * verifier checks either against that function, so at load time the kernel
 * needs two things a vmlinux lookup cannot give:
 *
 *   attach_prog_fd  the program that holds FUNC;
 *   attach_btf_id   FUNC's id in *that program's* BTF (the BTF its loader
 *                   gave with BPF_BTF_LOAD), not in the kernel's.
 *
 * --attach freplace:PROG[:FUNC] (or fentry:PROG[:FUNC], fexit:PROG[:FUNC])
 * names the program: a path where it is pinned on bpffs, or the id
 * `bpftool prog` shows. FUNC defaults to the section's. The program's BTF
 * comes back from the kernel in steps, as libbpf's libbpf_find_prog_btf_id
 * does it: BPF_OBJ_GET_INFO_BY_FD of the program gives its btf_id,
 * BPF_BTF_GET_FD_BY_ID opens that BTF, and BPF_OBJ_GET_INFO_BY_FD of the
 * BTF, with a buffer, gives the raw bytes, which rawload's own parser reads.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/map.h"
#include "elf/btf.h"
#include "load_internal.h"

/* The --attach naming a BPF program for program @i (after its --prog, or
 * without --prog when the type fits): freplace: for an extension, fentry:
 * or fexit: with a BPF program as target for a tracing program; or NULL. */
static const struct cli_attach *bpf_target_spec(const struct load *l, size_t i)
{
	const struct obj_prog *pr = &l->obj.progs[i];
	int ext = pr->def->prog_type == BPF_PROG_TYPE_EXT;
	const struct cli_attach *a;

	for (size_t k = 0; k < l->c->nattaches; k++) {
		a = &l->c->attaches[k];
		if (ext ? a->at.how != AH_FREPLACE
			: !attach_target_is_prog(a->at.how, a->at.target))
			continue;
		if (a->prog >= 0 ? obj_find_prog(&l->obj, l->c->progs[a->prog]) == (int)i
				 : attach_applies(&l->obj, l->selected, i, a->at.how))
			return a;
	}
	return NULL;
}

/* "PROG:FUNC" -> PROG in @prog, FUNC in @func, when the part after the
 * last ':' is a C identifier; else all of it is PROG and *@func NULL. (A
 * pin path with a ':' of its own is given with :FUNC after it.) */
static void split_target(const char *target, char *prog, size_t psize, const char **func)
{
	const char *colon = strrchr(target, ':');
	int ident = colon && colon[1] && !isdigit((unsigned char)colon[1]);

	for (const char *c = colon ? colon + 1 : ""; *c && ident; c++)
		ident = isalnum((unsigned char)*c) || *c == '_';
	*func = ident ? colon + 1 : NULL;
	snprintf(prog, psize, "%.*s", (int)(ident ? (size_t)(colon - target) : strlen(target)),
		 target);
}

/* An fd of the program @prog names: an id (digits) or a bpffs pin. */
static int open_target(struct load *l, const char *prog, const char *spec)
{
	char why[300], link[64], proc[64];
	ssize_t n;
	int fd;

	if (*prog && strspn(prog, "0123456789") == strlen(prog)) {
		unsigned long long id = strtoull(prog, NULL, 10);

		/* ids are u32: a longer number must not wrap into another id */
		if (strlen(prog) > 10 || id > UINT32_MAX)
			return err_set(&l->eb, -EINVAL, "--attach %s: '%s' is no program id "
				       "(ids are 32-bit; see 'bpftool prog')", spec, prog);
		snprintf(why, sizeof(why), "open program id %s, the target program", prog);
		fd = obj_fd_by_id(BPF_PROG_GET_FD_BY_ID, (uint32_t)id, SYS_LOAD, why);
		if (fd == -ENOENT)
			return err_set(&l->eb, fd, "--attach %s: no program has id %s (see "
				       "'bpftool prog')", spec, prog);
		if (fd < 0)
			return err_set(&l->eb, fd, "--attach %s: BPF_PROG_GET_FD_BY_ID %s: %s",
				       spec, prog, err_str(fd));
		return fd;
	}
	snprintf(why, sizeof(why), "open the pinned target program %s", prog);
	fd = obj_get(prog, why);
	if (fd < 0)
		return err_set(&l->eb, fd, "--attach %s: BPF_OBJ_GET '%s': %s (PROG is a program "
			       "pinned on bpffs, or its id)", spec, prog, err_str(fd));
	/* a pin may hold a map or a link too; the fd's inode says which */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	if (strcmp(link, "anon_inode:bpf-prog")) {
		close(fd);
		return err_set(&l->eb, -EINVAL, "--attach %s: '%s' is not a program (%s)", spec,
			       prog, *link ? link : "unknown kind");
	}
	return fd;
}

/* The raw BTF the kernel keeps for program @fd (malloc'ed, in *@data),
 * and the program's name for messages. 0 or -errno. */
static int fetch_prog_btf(struct load *l, int fd, const char *spec, void **data,
			  uint32_t *size, char *name, size_t nsize)
{
	struct bpf_prog_info pi;
	struct bpf_btf_info bi;
	int bfd, err;

	memset(&pi, 0, sizeof(pi));
	err = obj_info(fd, &pi, sizeof(pi), SYS_LOAD, "the target program's BTF id");
	if (err)
		return err_set(&l->eb, err, "--attach %s: BPF_OBJ_GET_INFO_BY_FD: %s", spec,
			       err_str(err));
	snprintf(name, nsize, "%s", pi.name);
	if (!pi.btf_id)
		return err_set(&l->eb, -EINVAL, "--attach %s: program '%s' (id %u) was loaded "
			       "without BTF, so the kernel knows none of its functions' "
			       "prototypes; such a target must be built with clang -g",
			       spec, name, pi.id);
	bfd = obj_fd_by_id(BPF_BTF_GET_FD_BY_ID, pi.btf_id, SYS_LOAD,
			   "open the target program's BTF");
	if (bfd < 0)
		return err_set(&l->eb, bfd, "--attach %s: BPF_BTF_GET_FD_BY_ID %u: %s", spec,
			       pi.btf_id, err_str(bfd));
	/* Ask with a buffer a small program's BTF fits in; the kernel says
	 * the real size either way (btf_size), so a bigger one takes a second
	 * call with a buffer that size. */
	for (uint32_t cap = 4096;;) {
		void *p = realloc(*data, cap);

		if (!p) {
			err = -ENOMEM;
			break;
		}
		*data = p;
		memset(&bi, 0, sizeof(bi));
		bi.btf = (uint64_t)(uintptr_t)p;
		bi.btf_size = cap;
		err = obj_info(bfd, &bi, sizeof(bi), SYS_LOAD, "read the target's BTF");
		if (err || bi.btf_size <= cap)
			break;
		cap = bi.btf_size;
	}
	*size = bi.btf_size;
	close(bfd);
	if (err) {
		free(*data);
		*data = NULL;
		return err_set(&l->eb, err, "--attach %s: reading BTF id %u of program '%s': %s",
			       spec, pi.btf_id, name, err_str(err));
	}
	return 0;
}

int load_bpf_target_spec(const struct load *l, size_t i, char *prog, size_t psize,
			 const char **func, const char **spec, struct errbuf *eb)
{
	const struct obj_prog *pr = &l->obj.progs[i];
	const struct cli_attach *a = bpf_target_spec(l, i);

	*spec = NULL;
	if (!a && pr->def->prog_type != BPF_PROG_TYPE_EXT)
		return 0;	/* a tracing program on a kernel function */
	if (!a)
		return err_set(eb, -EINVAL, "program '%s' (section '%s') replaces a function "
			       "of another loaded BPF program, which the kernel needs at load "
			       "time: give it with --attach freplace:PROG (a pinned program or "
			       "its id from 'bpftool prog')", pr->name, pr->sec_name);
	split_target(a->at.target, prog, psize, func);
	if (!*func)
		*func = pr->attach_target;
	*spec = a->spec;
	if (!*func)
		return err_set(eb, -EINVAL, "--attach %s: section '%s' names no function; "
			       "say which with %s:PROG:FUNC", a->spec, pr->sec_name,
			       attach_how_name(a->at.how));
	return 0;
}

int load_bpf_target(struct load *l, size_t i, uint32_t *btf_id, int *target_fd)
{
	const struct obj_prog *pr = &l->obj.progs[i];
	char prog[256], name[32];
	const char *func, *spec;
	struct btf *btf = NULL;
	void *data = NULL;
	uint32_t size = 0;
	int fd, err, id;

	*target_fd = -1;
	err = load_bpf_target_spec(l, i, prog, sizeof(prog), &func, &spec, &l->eb);
	if (err || !spec)
		return err;
	fd = open_target(l, prog, spec);
	if (fd < 0)
		return fd;
	err = fetch_prog_btf(l, fd, spec, &data, &size, name, sizeof(name));
	if (!err && (err = btf_parse(data, size, NULL, &btf, &l->eb)))
		err_prefix(&l->eb, err, "--attach %s: the BTF of program '%s'", spec, name);
	if (!err && (id = btf_find_by_name_kind(btf, func, BTF_KIND_FUNC)) < 0)
		err = err_set(&l->eb, -ENOENT, "--attach %s: program '%s' has no function '%s' "
			      "(its BTF has no FUNC of that name)", spec, name, func);
	/* the verifier replaces only global functions: a static one may have
	 * been inlined or specialised for its callers (BTF_FUNC_STATIC is 0);
	 * fentry and fexit may watch either */
	if (!err && pr->def->prog_type == BPF_PROG_TYPE_EXT &&
	    !btf_vlen(btf_type_by_id(btf, (uint32_t)id)))
		err = err_set(&l->eb, -EINVAL, "--attach %s: function '%s' of program '%s' is "
			      "static; only global functions can be replaced (drop 'static', "
			      "keep __noinline)", spec, func, name);
	if (!err) {
		*btf_id = (uint32_t)id;
		*target_fd = fd;
		load_say(l, "program '%s' %s %s() of program '%s' (%s), BTF id %u", pr->name,
			 pr->def->prog_type == BPF_PROG_TYPE_EXT ? "replaces" : "traces",
			 func, name, prog, *btf_id);
	} else {
		close(fd);
	}
	btf_free(btf);
	free(data);
	return err;
}
