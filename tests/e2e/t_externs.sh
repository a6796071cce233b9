#!/usr/bin/env bash
# Externs on the host kernel (root): __kconfig values from the running
# kernel's version and /proc/config.gz, __ksym addresses from
# /proc/kallsyms, kfuncs by BTF id; the program reports what it read in
# .bss, and the kernel gets what libbpf gives it.
cd "$(dirname "$0")/../.." && . tests/e2e/lib.sh

if [ "$(id -u)" -ne 0 ]; then
	bad "root" "the extern tests load programs; run as root"
	finish; exit 1
fi
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing
PIN=/sys/fs/bpf/rawload-externs-$$
cleanup() { rm -rf "$PIN" "$TMP"; }
trap cleanup EXIT
OBJ=$P/externs.bpf.o

# 1. Run it on sys_enter_getpid and read back what it saw.
$RAWLOAD $OBJ --duration 2 --dump-maps --json >"$TMP/dump.json" 2>"$TMP/err" &
pid=$!
wait_running $pid
python3 -c 'import os; [os.getpid() for _ in range(50)]'
wait $pid
rc=$?
config() { # the running kernel's value of option $1, "" if not set
	zcat /proc/config.gz 2>/dev/null | sed -n "s/^$1=//p" | head -1
}
if [ $rc -ne 0 ]; then
	bad "externs run" "exit $rc: $(tail -5 "$TMP/err")"
else
	ok "externs loads and runs"
	want_kver=$(uname -r | awk -F'[.-]' '{p = $3 + 0; if (p > 255) p = 255; print $1 * 65536 + $2 * 256 + p}')
	want_jit=$(config CONFIG_BPF_JIT); case $want_jit in y) want_jit=1;; m) want_jit=2;; *) want_jit=0;; esac
	want_hz=$(config CONFIG_HZ); want_hz=${want_hz:-0}
	want_getpid=$(awk '$3 == "__x64_sys_getpid" {print strtonum("0x" $1); exit}' /proc/kallsyms 2>/dev/null ||
		python3 -c 'import sys
for l in open("/proc/kallsyms"):
    a, t, n = l.split()[:3]
    if n == "__x64_sys_getpid": print(int(a, 16)); break')
	python3 - "$TMP/dump.json" >"$TMP/bss" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
m = [m for m in d["maps"] if m["name"] == ".bss"][0]
for k, v in m["entries"][0]["value"].items():
    print(k, v)
PY
	bss() { awk -v k="$1" '$1 == k {print $2}' "$TMP/bss"; }
	check() { # NAME WANT
		if [ "$(bss "$1")" = "$2" ]; then ok "extern value: $1 = $2"
		else bad "extern value: $1" "got '$(bss "$1")', want '$2'"; fi
	}
	check kernel_version "$want_kver"
	check bpf_syscall 1
	check bpf_jit "$want_jit"
	check hz "$want_hz"
	check missing_int 0
	check missing_bool 0
	check getpid_addr "$want_getpid"
	check missing_addr 0
	check iter_sum 45
	c=$(bss calls)
	if [ "${c:-0}" -ge 50 ]; then ok "ran on every getpid: calls=$c"; else bad "calls" "$c"; fi
fi

# 2. The same kernel objects as libbpf (as tests/e2e/t_load.sh compares).
# Identical: instructions (tag included), the .kconfig bytes, and the BTF
# with func/line info (the extern FUNC/VAR linkage rewritten before
# BTF_LOAD as libbpf does, relo/btf_fixup.c).
load_both $OBJ
rc=$?
if [ $rc -eq 0 ]; then
	ok "same instructions, .kconfig bytes, BTF, func and line info as libbpf: externs"
else
	bad "same as libbpf: externs" "status $rc: $(head -30 "$TMP/diff")"
fi
finish
