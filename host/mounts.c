/*
 * host/mounts.c - making sure bpffs and tracefs are there.
 *
 * Pins live on a bpffs (BPF_OBJ_PIN refuses any other file system), and
 * tracepoint ids, legacy kprobe/uprobe events, the list of traceable
 * functions and bpf_printk's output live on tracefs. Minimal systems
 * (containers, initramfs, `ip netns exec`, which mounts a fresh sysfs)
 * often have neither mounted.
 *
 * What rawload mounts it leaves mounted, as bpftool does: these are the
 * file systems' standard places, and another tool may have started using
 * them meanwhile; unmounting under it would be the collateral damage
 * rawload avoids elsewhere.
 */
#include "mounts.h"

#include <errno.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#define TRACEFS "/sys/kernel/tracing"
#define TRACEFS_DEBUG "/sys/kernel/debug/tracing"

static void (*on_mount)(const char *type, const char *dir);

void mounts_on_mount(void (*say)(const char *type, const char *dir))
{
	on_mount = say;
}

static int is_fs(const char *path, long magic)
{
	struct statfs st;

	return statfs(path, &st) == 0 && st.f_type == magic;
}

int mounts_is_bpffs(const char *path)
{
	return is_fs(path, BPF_FS_MAGIC);
}

/* mount(2) @type at @dir; 0 or -errno. */
static int do_mount(const char *dir, const char *type)
{
	if (mount(type, dir, type, 0, NULL) < 0)
		return -errno;
	if (on_mount)
		on_mount(type, dir);
	return 0;
}

int mounts_bpffs(struct errbuf *eb)
{
	int err;

	if (mounts_is_bpffs("/sys/fs/bpf"))
		return 0;
	mkdir("/sys/fs/bpf", 0755);
	err = do_mount("/sys/fs/bpf", "bpf");
	if (err)
		return err_set(eb, err, "bpffs is not mounted at /sys/fs/bpf and mounting it "
			       "failed: %s; try 'mount -t bpf bpf /sys/fs/bpf'", err_str(err));
	return 0;
}

static const char *tracefs_root;	/* the answer, once found */

const char *mounts_tracefs_known(void)
{
	return tracefs_root;
}

int mounts_tracefs(const char **root, struct errbuf *eb)
{
	struct stat st;
	int err;

	if (tracefs_root) {
		*root = tracefs_root;
		return 0;
	}
	/* Since Linux 4.1 tracefs has a directory of its own in sysfs; the
	 * debugfs path is an automount of the same file system (and the
	 * only one on older kernels). */
	if (is_fs(TRACEFS, TRACEFS_MAGIC))
		tracefs_root = TRACEFS;
	else if (is_fs(TRACEFS_DEBUG, TRACEFS_MAGIC))
		tracefs_root = TRACEFS_DEBUG;
	else if (!(err = do_mount(TRACEFS, "tracefs")))
		tracefs_root = TRACEFS;
	else if (stat(TRACEFS, &st) && stat(TRACEFS_DEBUG, &st) == 0 &&
		 !(err = do_mount(TRACEFS_DEBUG, "tracefs")))
		tracefs_root = TRACEFS_DEBUG;
	if (!tracefs_root)
		return err_set(eb, err, "tracefs is not mounted (at %s or %s) and mounting "
			       "it failed: %s; mount it with 'mount -t tracefs tracefs %s' "
			       "(as root; in a container, from the host)", TRACEFS,
			       TRACEFS_DEBUG, err_str(err), TRACEFS);
	*root = tracefs_root;
	return 0;
}
