/*
 * elf/err.h - the error buffer every module reports into.
 *
 * Library code (elf/, relo/, bpf/) never prints. A failing function returns
 * a negative errno and leaves one sentence in a struct errbuf; each caller
 * that knows more context puts it in front with err_prefix(), and loader/
 * prints the finished message once:
 *
 *   section 7 '.rel.text': relocation 3 at offset 0x40 points past ...
 *   ^ added by the caller  ^ written by the innermost check
 *
 * This is the bottom layer: it includes nothing of the project's.
 */
#ifndef RAWLOAD_ERR_H
#define RAWLOAD_ERR_H

struct errbuf {
	char msg[512];
};

/* Record what went wrong; returns @err (a negative errno), so a failure
 * path reads:  return err_set(eb, -EINVAL, "...", ...);  */
int err_set(struct errbuf *eb, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Put the caller's context in front of the message already in @eb:
 * "relocation 3 ..." becomes "section 7 '.rel.text': relocation 3 ...".
 * Returns @err. */
int err_prefix(struct errbuf *eb, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The kernel-internal ENOTSUPP (include/linux/errno.h): bpf() returns it
 * where user space would expect EOPNOTSUPP (an unsupported attach or
 * program feature), and libc has no name for it. */
#define KERNEL_ENOTSUPP 524

/* The symbolic name of an errno ("ENOENT"), including the kernel-internal
 * ones that leak out of bpf() (524 ENOTSUPP), which strerror() calls
 * "Unknown error". @err may be negative. */
const char *err_name(int err);

/* "ENOENT (No such file or directory)"; a static buffer per thread. */
const char *err_str(int err);

#endif
