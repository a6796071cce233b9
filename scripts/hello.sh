#!/usr/bin/env bash
# scripts/hello.sh - rawload's main job on this machine, end to end: load
# the hello example, attach it where this kernel allows (kprobe:bprm_execve
# where kprobes exist, else the execve tracepoint), run a program so that
# something happens, and show the line the BPF program printed.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x ./rawload ] && [ -f build/progs/hello.bpf.o ] || make -s rawload progs

if [ -e /sys/bus/event_source/devices/kprobe ] || [ -e /sys/kernel/tracing/kprobe_events ]; then
	attach=(--prog hello --attach kprobe:bprm_execve)
else
	echo "rawload hello: this kernel has no kprobes; using the execve tracepoint"
	attach=(--prog hello_tp)
fi
echo "+ ./rawload build/progs/hello.bpf.o ${attach[*]} --duration 3 --dump-maps"
./rawload build/progs/hello.bpf.o "${attach[@]}" --duration 3 --dump-maps &
pid=$!
sleep 1
echo "+ /bin/true   # an exec, for the program to see"
/bin/true
wait $pid
