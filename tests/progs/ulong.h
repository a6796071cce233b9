/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ulong.h - libbpf 1.4+'s __ulong() map field, for test programs built
 * with Debian's libbpf 1.1 headers, which predate it: an anonymous enum
 * whose one value is the field's (64 bits, where __uint()'s array length
 * holds 32). The two-level paste expands __COUNTER__ before it is pasted,
 * so each use names a distinct enumerator.
 */
#ifndef RAWLOAD_TEST_ULONG_H
#define RAWLOAD_TEST_ULONG_H
#ifndef __ulong
#define __ulong_cat2(a, b) a##b
#define __ulong_cat(a, b) __ulong_cat2(a, b)
#define __ulong(name, val) enum { __ulong_cat(__unique_value, __COUNTER__) = val } name
#endif
#endif
