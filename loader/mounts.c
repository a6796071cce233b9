/*
 * loader/mounts.c - making sure bpffs and tracefs are there.
 *
 * Pins live on a bpffs (BPF_OBJ_PIN refuses any other file system), and
 * tracepoint ids and bpf_printk's output live on tracefs. Minimal systems
 * (containers, initramfs, our VM tests) often have neither mounted.
 */
#include "mounts.h"

#include <errno.h>
#include <linux/magic.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>

int mounts_is_bpffs(const char *path)
{
	struct statfs st;

	return statfs(path, &st) == 0 && st.f_type == BPF_FS_MAGIC;
}

static int ensure(const char *dir, const char *type, long magic, int quiet,
		  struct errbuf *eb)
{
	struct statfs st;

	if (statfs(dir, &st) == 0 && st.f_type == magic)
		return 0;
	mkdir(dir, 0755);
	if (mount(type, dir, type, 0, NULL) < 0)
		return err_set(eb, -errno, "%s is not mounted at %s and mounting it failed: %s; "
			       "try 'mount -t %s %s %s'", type, dir, err_str(errno), type,
			       type, dir);
	if (!quiet)
		fprintf(stderr, "rawload: mounted %s at %s\n", type, dir);
	return 0;
}

int mounts_bpffs(int quiet, struct errbuf *eb)
{
	return ensure("/sys/fs/bpf", "bpf", BPF_FS_MAGIC, quiet, eb);
}

int mounts_tracefs(int quiet, struct errbuf *eb)
{
	return ensure("/sys/kernel/tracing", "tracefs", TRACEFS_MAGIC, quiet, eb);
}
