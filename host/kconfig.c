/*
 * host/kconfig.c - the kernel's build configuration, read from the
 * running machine (see kconfig.h).
 */
#include "kconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inflate.h"

/* Read a whole file whose size stat() cannot be trusted for: /proc files
 * report size 0, so read until EOF, up to @max bytes. */
static int read_all(const char *path, size_t max, uint8_t **out, size_t *len,
		    struct errbuf *eb)
{
	size_t cap = 1 << 16, n = 0;
	uint8_t *buf = malloc(cap + 1), *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;

	if (fd < 0 || !buf) {
		err = fd < 0 ? -errno : -ENOMEM;
		err = err_set(eb, err, "%s: %s", path, err_str(err));
		goto out;
	}
	for (;;) {
		if (n == cap) {
			if (cap >= max) {
				err = err_set(eb, -EFBIG, "%s: larger than %zu bytes", path, max);
				goto out;
			}
			cap *= 2;
			if (!(p = realloc(buf, cap + 1))) {
				err = err_set(eb, -ENOMEM, "out of memory");
				goto out;
			}
			buf = p;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = err_set(eb, -errno, "%s: read: %s", path, err_str(-errno));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	buf = NULL;
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return err;
}

int kconfig_read(const char *path, char **text, struct errbuf *eb)
{
	uint8_t *raw = NULL, *plain;
	size_t len = 0, plain_len;
	int err = read_all(path, KCONFIG_MAX_SIZE, &raw, &len, eb);

	if (err)
		return err;
	if (!inflate_is_gzip(raw, len)) {
		*text = (char *)raw;
		return 0;
	}
	err = inflate_gzip(raw, len, KCONFIG_MAX_SIZE, &plain, &plain_len, eb);
	free(raw);
	if (err)
		return err_prefix(eb, err, "%s", path);
	*text = (char *)plain; /* inflate leaves a NUL after the data */
	return 0;
}


/*
 * The order: the path given, then /proc/config.gz (the running kernel's
 * own, by construction), then /boot/config-RELEASE (what the distribution
 * installed next to it). libbpf tries /boot first; the two only differ
 * when both exist and disagree, i.e. when /boot holds a stale config for
 * the same release.
 */
int kconfig_read_running(const char *path, const char *release, char **text,
			 char *used, size_t used_size, struct errbuf *eb)
{
	char boot[300];
	const char *paths[3] = { path, NULL, NULL };
	int err = -ENOENT;

	if (!path) {
		paths[0] = "/proc/config.gz";
		if (release) {
			snprintf(boot, sizeof(boot), "/boot/config-%s", release);
			paths[1] = boot;
		}
	}
	for (int k = 0; k < 3 && paths[k]; k++) {
		err = kconfig_read(paths[k], text, eb);
		if (!err) {
			snprintf(used, used_size, "%s", paths[k]);
			return 0;
		}
	}
	if (!path)
		return err_set(eb, err, "cannot read the kernel config: neither "
			       "/proc/config.gz nor %s is readable; pass the file "
			       "explicitly", paths[1] ? paths[1] : "/boot/config-RELEASE");
	return err;
}
