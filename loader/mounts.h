/* loader/mounts.h - bpffs and tracefs, mounted at their standard places
 * when a step needs them and they are missing (as bpftool does). */
#ifndef RAWLOAD_MOUNTS_H
#define RAWLOAD_MOUNTS_H

#include "elf/err.h"

/* 0 when /sys/fs/bpf is a bpffs (mounting it if needed), else -errno. */
int mounts_bpffs(int quiet, struct errbuf *eb);
/* 0 when /sys/kernel/tracing is a tracefs (mounting it if needed). */
int mounts_tracefs(int quiet, struct errbuf *eb);
/* Is @path on a bpffs? */
int mounts_is_bpffs(const char *path);

#endif
