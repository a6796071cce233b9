// SPDX-License-Identifier: GPL-2.0
/* usdt_v17.bpf.c - on_args with libbpf 1.7's argument records (bitfields;
 * see usdt_newer.h), for t_usdt.sh. */
#include "vmlinux.h"
#define USDT_LAYOUT_V17
#include "usdt_newer.h"
