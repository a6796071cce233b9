/* host/mounts.h - bpffs and tracefs, mounted at their standard places
 * when a step needs them and they are missing (as bpftool does). */
#ifndef RAWLOAD_MOUNTS_H
#define RAWLOAD_MOUNTS_H

#include "elf/err.h"

/* Tell @say (type "bpf" or "tracefs", and where) each time a file system
 * had to be mounted: host/ never prints, loader/ does (not under --json).
 * NULL, the default: mount without a word. */
void mounts_on_mount(void (*say)(const char *type, const char *dir));
/* 0 when /sys/fs/bpf is a bpffs (mounting it if needed), else -errno. */
int mounts_bpffs(struct errbuf *eb);
/*
 * The tracefs directory for the rest of the run, in *@root:
 * /sys/kernel/tracing, or /sys/kernel/debug/tracing where only debugfs
 * shows it. When neither is a tracefs, tracefs is mounted at
 * /sys/kernel/tracing (or, where that directory is missing, at
 * /sys/kernel/debug/tracing), once per run, and rawload says so. The
 * answer is kept: later calls cost nothing. 0, or -errno with @eb saying
 * that tracefs itself, not the file wanted under it, is missing.
 */
int mounts_tracefs(const char **root, struct errbuf *eb);
/* The root mounts_tracefs found, or NULL if nothing asked for it yet. */
const char *mounts_tracefs_known(void);
/* Is @path on a bpffs? */
int mounts_is_bpffs(const char *path);

#endif
