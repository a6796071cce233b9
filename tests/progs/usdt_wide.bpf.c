// SPDX-License-Identifier: GPL-2.0
/* usdt_wide.bpf.c - on_args with 24-byte argument records and a 304-byte
 * struct __bpf_usdt_spec (see usdt_newer.h), for t_usdt.sh. */
#include "vmlinux.h"
#define USDT_LAYOUT_WIDE
#include "usdt_newer.h"
