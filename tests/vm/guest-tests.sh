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
	if grep -q " $d " /proc/mounts; then ok "mounted: $d"; else bad "mounted: $d" "not in /proc/mounts"; fi
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
for n in hello globals maps tailcall subprogs cgroup uprobe xdp_tc core; do
	expect "load --no-attach $n" 0 '' $RAWLOAD $P/$n.bpf.o --no-attach
done
# externs.bpf.o calls the bpf_iter_num kfuncs, which kernels before 6.4
# do not have: there the load must fail naming the missing kfunc; from 6.4
# on it loads, with the BTF accepted (externs rewritten as libbpf does).
case $(uname -r) in
6.[0-3].*|5.*)
	expect "externs: a kfunc this kernel lacks is named" 2 \
		"extern 'bpf_iter_num_[a-z]+' \(__ksym\): no FUNC of that name" \
		$RAWLOAD $P/externs.bpf.o --no-attach ;;
*)
	out=$($RAWLOAD $P/externs.bpf.o --no-attach 2>&1); rc=$?
	if [ $rc -eq 0 ] && ! grep -q 'refused the object' <<<"$out"; then
		ok "externs: loads with its BTF"
	else
		bad "externs" "exit $rc: $out"
	fi ;;
esac

# 4b. CO-RE ground truth: 'rawload core' resolves core.bpf.o (built against
#     the 6.18 host's vmlinux.h) against this kernel's BTF; every plain field
#     offset and the struct size must be what this kernel's BTF says, read
#     independently with bpftool (bits_offset / 8, size=).
core_truth() {
	local out btf rc=0 f got want size
	out=$($RAWLOAD core $P/core.bpf.o 2>&1) || { bad "rawload core core.bpf.o" "$out"; return; }
	ok "rawload core core.bpf.o: $(grep -cE ' -> ' <<<"$out") relocations resolved"
	btf=$(bpftool btf dump file /sys/kernel/btf/vmlinux 2>&1 |
		sed -n "/^\[[0-9]*\] STRUCT 'task_struct' size=/,/^\[/p")
	[ -n "$btf" ] || { bad "CO-RE ground truth" "bpftool found no struct task_struct"; return; }
	for f in pid tgid real_parent __state flags comm; do
		got=$(grep -E "byte_off +struct task_struct\.$f \(" <<<"$out" | head -n 1 | awk '{print $NF}')
		want=$(grep -E "^[[:space:]]+'$f' type_id=[0-9]+ bits_offset=" <<<"$btf" | head -n 1 |
			sed -E 's/.*bits_offset=([0-9]+).*/\1/')
		if [ -n "$got" ] && [ -n "$want" ] && [ "$got" -eq $((want / 8)) ]; then
			ok "CO-RE task_struct.$f at $got (BTF: bit $want)"
		else
			bad "CO-RE task_struct.$f" "rawload says '$got', BTF bits_offset '$want'"
		fi
	done
	got=$(grep -E 'type_size +struct task_struct ' <<<"$out" | awk '{print $NF}')
	size=$(head -n 1 <<<"$btf" | sed -E 's/.* size=([0-9]+).*/\1/')
	if [ -n "$got" ] && [ "$got" = "$size" ]; then ok "CO-RE sizeof(task_struct) = $got"
	else bad "CO-RE sizeof(task_struct)" "rawload says '$got', BTF size '$size'"; fi
	got=$(grep -E 'field_exists +struct task_struct___fake' <<<"$out" | awk '{print $NF}')
	if [ "$got" = 0 ]; then ok "CO-RE: task_struct___fake.no_such_field does not exist"
	else bad "CO-RE fake field" "rawload says '$got'"; fi
}
core_truth

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

# 7. kprobe attach (bpf_printk from bprm_execve): exec programs meanwhile.
#    rawload reads trace_pipe itself for a program that calls bpf_printk, so
#    the line shows in its output (or in the trace buffer if it did not).
echo >/sys/kernel/tracing/trace
$RAWLOAD $P/hello.bpf.o --attach kprobe:bprm_execve --duration 2 >"$TMP/k.out" 2>&1 &
kp=$!
sleep 1
for i in 1 2 3; do /bin/true; done
wait $kp; krc=$?
if [ $krc -eq 0 ] && cat "$TMP/k.out" /sys/kernel/tracing/trace | grep -q 'hello from pid'; then
	ok "kprobe:bprm_execve: bpf_printk line seen"
else
	bad "kprobe:bprm_execve" "exit $krc: $(head -c 600 "$TMP/k.out")"
fi
# do_execve is inlined on these kernels: the refusal says so and offers
# the real names (design.md's example).
expect "kprobe:do_execve refused with alternatives" 1 'not in /proc/kallsyms.*bprm_execve' \
	$RAWLOAD $P/hello.bpf.o --attach kprobe:do_execve --duration 1

finish
