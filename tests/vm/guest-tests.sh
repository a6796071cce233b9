#!/usr/bin/env bash
# tests/vm/guest-tests.sh - runs INSIDE the VM (scripts/vm/run.sh), from /src,
# which holds the repository's layout: ./rawload, build/progs/*.bpf.o,
# build/vm/getpid_loop, tests/e2e/lib.sh. Root, busybox + bash, no python.
# Prints "ok   NAME" / "FAIL NAME: why" lines and closes with
# "guest: N passed, N failed"; the host script reads those from the serial log.
cd "$(dirname "$0")/../.." && STAGE=guest && . tests/e2e/lib.sh
rel=$(uname -r)
read -r flavor want_rel <build/vm/FLAVOR 2>/dev/null

# 1. The kernel the host meant to boot, and its config where rawload looks.
echo "guest: kernel $rel (flavor ${flavor:-?}), $(nproc) cpu(s)"
if [ "$rel" = "$want_rel" ]; then ok "uname -r: $rel"; else bad "uname -r" "$rel, expected $want_rel"; fi
if [ -s "/boot/config-$rel" ]; then ok "/boot/config-$rel present"; else bad "kernel config" "no /boot/config-$rel"; fi
for d in /sys/fs/bpf /sys/kernel/tracing; do
	if mountpoint -q $d; then ok "mounted: $d"; else bad "mounted: $d" "not a mount point"; fi
done

# 2. The binary runs here (its libc was copied from the host).
expect "rawload --version" 0 '[0-9]+\.[0-9]+' $RAWLOAD --version

# 3. inspect needs no kernel: every object.
for o in $P/*.bpf.o; do
	n=$(basename "$o" .bpf.o)
	expect "inspect $n" 0 '' $RAWLOAD inspect "$o"
done

# 4. Every object that loads on these kernels loads: maps, BTF, programs,
#    CO-RE against this kernel's BTF (objects built against the 6.18 host).
for n in hello globals maps tailcall subprogs cgroup uprobe xdp_tc core externs; do
	expect "load --no-attach $n" 0 '' $RAWLOAD $P/$n.bpf.o --no-attach
done

# 5. A program runs: globals.bpf.o on tracepoint syscalls/sys_enter_getpid.
#    bss_u64 N: the N-th u64 of the .bss map's value in the --dump-maps --json
#    output (a hex string now; a {"hits":..} object once values use BTF).
bss_u64() { # FILE INDEX [FIELD]
	local j hex le i
	j=$(tr -d '\n' <"$1" | sed -n 's/.*"name":"[^"]*\.bss"\(.*\)/\1/p')
	if [ -n "$3" ] && grep -qE "\"$3\": *[0-9]+" <<<"$j"; then
		grep -oE "\"$3\": *[0-9]+" <<<"$j" | head -n 1 | grep -oE '[0-9]+$'
		return
	fi
	hex=$(sed -n 's/^[^}]*"entries":\[{"key":"[0-9a-f]*","value":"\([0-9a-f]*\)".*/\1/p' <<<"$j")
	hex=${hex:$(($2 * 16)):16}
	[ ${#hex} -eq 16 ] || return 1
	le=""
	for i in 14 12 10 8 6 4 2 0; do le+=${hex:$i:2}; done
	echo $((16#$le))
}
run_globals() { # extra options...
	$RAWLOAD $P/globals.bpf.o --duration 2 --dump-maps --json "$@" >"$TMP/dump.json" 2>"$TMP/err" &
	local pid=$!
	sleep 1
	build/vm/getpid_loop 100
	wait $pid
}
if run_globals; then
	h=$(bss_u64 "$TMP/dump.json" 0 hits); m=$(bss_u64 "$TMP/dump.json" 2 matched)
	if [ "${h:-0}" -ge 100 ] && [ "${m:-0}" -ge 100 ]; then
		ok "globals runs on sys_enter_getpid: hits=$h matched=$m"
	else
		bad "globals runs" "hits=$h matched=$m: $(head -c 400 "$TMP/dump.json") $(cat "$TMP/err")"
	fi
else
	bad "globals runs" "exit $?: $(cat "$TMP/err")"
fi

# 6. This kernel has what the host lacks: kprobes.
if [ -d /sys/bus/event_source/devices/kprobe ]; then
	ok "kprobe PMU present (type $(cat /sys/bus/event_source/devices/kprobe/type))"
else
	bad "kprobe PMU" "no /sys/bus/event_source/devices/kprobe"
fi
if grep -q ' bprm_execve$' /proc/kallsyms; then ok "bprm_execve in kallsyms"; else bad "bprm_execve" "not in /proc/kallsyms"; fi

finish
