// SPDX-License-Identifier: GPL-2.0
/*
 * bench/libbpf_load.c - the libbpf side of the whole-load benchmark:
 * bpf_object__open_file + bpf_object__load + bpf_object__close, in-process,
 * nothing attached, nothing printed (libbpf's messages silenced). The same
 * work `rawload OBJ --no-attach` does. Exit 0 loaded, 1 refused, 2 usage.
 */
#include <stdarg.h>
#include <stdio.h>

#include <bpf/libbpf.h>

static int silent(enum libbpf_print_level l, const char *f, va_list ap)
{
	(void)l, (void)f, (void)ap;
	return 0;
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	int err;

	if (argc != 2) {
		fprintf(stderr, "usage: libbpf_load OBJ\n");
		return 2;
	}
	libbpf_set_print(silent);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "libbpf_load: cannot open %s\n", argv[1]);
		return 1;
	}
	err = bpf_object__load(obj);
	bpf_object__close(obj);
	if (err) {
		fprintf(stderr, "libbpf_load: load of %s failed: %d\n", argv[1], err);
		return 1;
	}
	return 0;
}
