// SPDX-License-Identifier: GPL-2.0
/* usdt_unknown.bpf.c - on_args with a struct __bpf_usdt_arg_spec member
 * rawload does not know (see usdt_newer.h): t_usdt.sh expects a refusal
 * naming it. */
#include "vmlinux.h"
#define USDT_LAYOUT_UNKNOWN
#include "usdt_newer.h"
