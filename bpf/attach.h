/*
 * bpf/attach.h - attaching loaded programs (the part issue 5 extends).
 * Each function returns an fd that holds the attachment: closing it
 * detaches (a BPF link, or a perf event carrying the program).
 */
#ifndef RAWLOAD_BPF_ATTACH_H
#define RAWLOAD_BPF_ATTACH_H

#include "elf/err.h"

/* tracepoint CATEGORY:NAME through the perf event of its id. */
int attach_tracepoint(int prog_fd, const char *category, const char *name,
		      struct errbuf *eb);
/* raw tracepoint NAME (raw_tp/ programs), or a BTF-typed program whose
 * target was fixed at load (tp_btf, fentry, fexit, lsm) with name NULL. */
int attach_raw_tp(int prog_fd, const char *name, struct errbuf *eb);

#endif
