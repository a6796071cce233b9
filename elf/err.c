/* elf/err.c - building error messages outer-to-inner (see err.h). */
#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(struct errbuf *eb, int err, const char *fmt, ...)
{
	va_list ap;

	if (!eb)
		return err;
	va_start(ap, fmt);
	vsnprintf(eb->msg, sizeof(eb->msg), fmt, ap);
	va_end(ap);
	return err;
}

int err_prefix(struct errbuf *eb, int err, const char *fmt, ...)
{
	char inner[sizeof(eb->msg)];
	va_list ap;
	int n;

	if (!eb)
		return err;
	memcpy(inner, eb->msg, sizeof(inner));
	va_start(ap, fmt);
	n = vsnprintf(eb->msg, sizeof(eb->msg), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n + 3 < sizeof(eb->msg)) {
		size_t at = (size_t)n + 2, len = strlen(inner);

		memcpy(eb->msg + n, ": ", 2);
		if (len > sizeof(eb->msg) - at - 1)
			len = sizeof(eb->msg) - at - 1;	/* keep the outer context */
		memcpy(eb->msg + at, inner, len);
		eb->msg[at + len] = '\0';
	}
	return err;
}

/* The errnos a loader meets; the kernel-internal 512..530 range is what
 * bpf() returns from deep inside the verifier and the attach paths. */
static const struct {
	int no;
	const char *name;
} errno_names[] = {
	{ EPERM, "EPERM" },	{ ENOENT, "ENOENT" },	{ ESRCH, "ESRCH" },
	{ EINTR, "EINTR" },	{ EIO, "EIO" },		{ ENXIO, "ENXIO" },
	{ E2BIG, "E2BIG" },	{ ENOEXEC, "ENOEXEC" }, { EBADF, "EBADF" },
	{ EAGAIN, "EAGAIN" },	{ ENOMEM, "ENOMEM" },	{ EACCES, "EACCES" },
	{ EFAULT, "EFAULT" },	{ EBUSY, "EBUSY" },	{ EEXIST, "EEXIST" },
	{ ENODEV, "ENODEV" },	{ ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" },
	{ EINVAL, "EINVAL" },	{ ENFILE, "ENFILE" },	{ EMFILE, "EMFILE" },
	{ ENOSPC, "ENOSPC" },	{ ERANGE, "ERANGE" },	{ ENOSYS, "ENOSYS" },
	{ ELOOP, "ELOOP" },	{ EILSEQ, "EILSEQ" },	{ ESPIPE, "ESPIPE" },	{ ENODATA, "ENODATA" }, { EOVERFLOW, "EOVERFLOW" },
	{ EOPNOTSUPP, "EOPNOTSUPP" }, { EPROTO, "EPROTO" },
	{ EADDRNOTAVAIL, "EADDRNOTAVAIL" }, { ENOTSUP, "ENOTSUP" },
	{ KERNEL_ENOTSUPP, "ENOTSUPP" },	{ 512, "ERESTARTSYS" }, { 523, "EBADTYPE" },
};

const char *err_name(int err)
{
	if (err < 0)
		err = -err;
	for (size_t i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
		if (errno_names[i].no == err)
			return errno_names[i].name;
	return "E?";
}

const char *err_str(int err)
{
	static _Thread_local char buf[96];

	if (err < 0)
		err = -err;
	if (err == KERNEL_ENOTSUPP)
		snprintf(buf, sizeof(buf),
			 "ENOTSUPP (operation not supported by this kernel)");
	else
		snprintf(buf, sizeof(buf), "%s (%s)", err_name(err), strerror(err));
	return buf;
}
