/*
 * loader/attach.c - attach dispatch (see attach.h).
 */
#include "attach.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/attach.h"

const char *attach_type_of(const struct obj_prog *p)
{
	switch (p->def->attach) {
	case ATTACH_KPROBE:
		return p->def->flags & SD_RETPROBE ? "kretprobe" : "kprobe";
	case ATTACH_KSYSCALL:
		return p->def->flags & SD_RETPROBE ? "kretsyscall" : "ksyscall";
	case ATTACH_UPROBE:
		return p->def->flags & SD_RETPROBE ? "uretprobe" : "uprobe";
	case ATTACH_TRACEPOINT: return "tracepoint";
	case ATTACH_RAW_TP: return "raw_tp";
	case ATTACH_TRACING:
		switch (p->def->attach_type) {
		case BPF_TRACE_RAW_TP: return "tp_btf";
		case BPF_TRACE_FEXIT: return "fexit";
		case BPF_MODIFY_RETURN: return "fmod_ret";
		default: return "fentry";
		}
	default:
		return secdef_attach_kind_name(p->def->attach);
	}
}

int attach_type_fits(const struct obj_prog *p, const char *type)
{
	return !strcmp(attach_type_of(p), type);
}

static int keep(struct attach_set *set, int fd, struct errbuf *eb)
{
	if (set->nfds >= ATTACH_MAX) {
		close(fd);
		return err_set(eb, -E2BIG, "more than %d attachments", ATTACH_MAX);
	}
	set->fds[set->nfds++] = fd;
	return 0;
}

/* tracepoint:CATEGORY:NAME (the section spells it CATEGORY/NAME) */
static int attach_tp(int prog_fd, const char *target, struct errbuf *eb)
{
	const char *sep = strpbrk(target, ":/");
	char cat[128];

	if (!sep || (size_t)(sep - target) >= sizeof(cat))
		return err_set(eb, -EINVAL, "tracepoint target '%s' is not CATEGORY:NAME",
			       target);
	snprintf(cat, sizeof(cat), "%.*s", (int)(sep - target), target);
	return attach_tracepoint(prog_fd, cat, sep + 1, eb);
}

int attach_program(const struct object *obj, size_t prog, int prog_fd,
		   const char *type, const char *target, struct attach_set *set,
		   struct errbuf *eb)
{
	const struct obj_prog *pr = &obj->progs[prog];
	int fd;

	if (!strcmp(type, "tracepoint"))
		fd = attach_tp(prog_fd, target, eb);
	else if (!strcmp(type, "raw_tp"))
		fd = attach_raw_tp(prog_fd, target, eb);
	else
		fd = err_set(eb, -ENOTSUP, "attaching '%s' programs is not implemented "
			     "yet; use --no-attach", type);
	if (fd < 0)
		return err_prefix(eb, fd, "program '%s'", pr->name);
	return keep(set, fd, eb);
}

void attach_release(struct attach_set *set)
{
	while (set->nfds)
		close(set->fds[--set->nfds]);
	while (set->nundo)
		free(set->undo[--set->nundo]);
}
