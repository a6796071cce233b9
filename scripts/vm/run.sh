#!/usr/bin/env bash
# scripts/vm/run.sh FLAVOR - boot one Debian kernel under qemu (software
# emulation: no KVM) with the test initramfs, and report its verdict.
#
# Fetches the kernel if needed (fetch-kernels.sh), rebuilds the initramfs
# (mkinitramfs.sh), boots with the serial console captured to
# build/vm/<flavor>.log, prints the guest's test lines prefixed with
# "[<flavor>]" and closes with
#   vm-<flavor>: N passed, N failed
# Exit status non-zero on: failures, a timeout (VM_TIMEOUT, default 300 s),
# "Kernel panic", or no "guest: N passed, N failed" summary (each of the last
# three counts as one failure more).
#
# Environment: VM_TIMEOUT (s), VM_MEM (MiB, default 1024), VM_SMP (default 1),
# VM_APPEND (extra kernel command line), and mkinitramfs.sh's VM_MODULES, VM_BINS.
set -uo pipefail
cd "$(dirname "$0")/../.."

fl=${1:?usage: run.sh FLAVOR (6.1, 6.1-rt, 6.12, 5.10, 7.2)}
VM=build/vm
log=$VM/$fl.log
timeout_s=${VM_TIMEOUT:-300}
t0=$(date +%s.%N)

say() { echo "vm-$fl: $*"; }
verdict() { # PASS FAIL
	say "$1 passed, $2 failed"
	[ "$2" -eq 0 ]
	exit
}

if ! scripts/vm/fetch-kernels.sh "$fl" >"$VM.fetch-$fl.out" 2>&1; then
	cat "$VM.fetch-$fl.out" >&2
	say "could not fetch the kernel"; verdict 0 1
fi
read -r _ rel pkg <"$VM/kernels/$fl/PACKAGE"
rm -f "$VM.fetch-$fl.out"
# the static helpers the guest runs (tests/vm/NAME.c -> build/vm/NAME), as
# tests/vm/Makefile.inc builds them, for a run without make
for c in tests/vm/*.c; do
	h=$VM/$(basename "$c" .c)
	if [ ! -x "$h" ] || [ "$c" -nt "$h" ]; then
		${CC:-cc} -static -O2 -Wall -Wextra -o "$h" "$c" || { say "cannot build $h"; verdict 0 1; }
	fi
done
if ! scripts/vm/mkinitramfs.sh "$fl" >/dev/null; then
	say "could not build the initramfs"; verdict 0 1
fi
echo "[$fl] kernel $rel from $pkg"

# lsm=: every LSM these Debian kernels build in that Debian enables by default,
# plus bpf (BPF LSM programs need it listed).
# One CPU: with two, live kernel text patching (kprobes inserted and
# removed with int3 + cross-CPU sync) raced under TCG and a 6.12 guest died
# of a stray int3 in syscall_trace_enter; VM_SMP=2 to try again.
append="console=ttyS0 quiet panic=-1 lsm=lockdown,capability,landlock,yama,apparmor,bpf ${VM_APPEND:-}"
t1=$(date +%s.%N)
timeout --foreground -k 10 "$timeout_s" \
	qemu-system-x86_64 -machine q35 -cpu max -m "${VM_MEM:-1024}" -smp "${VM_SMP:-1}" \
	-nographic -no-reboot -nodefaults -serial stdio -monitor none \
	-kernel "$VM/kernels/$fl/vmlinuz" -initrd "$VM/$fl/initramfs.cpio.gz" \
	-append "$append" </dev/null 2>&1 | sed -E 's/\r//g; s/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\x1bc//g' >"$log"
rc=${PIPESTATUS[0]}
t2=$(date +%s.%N)

extra=0
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	echo "[$fl] FAIL timeout: no power-off within ${timeout_s}s (log: $log)"; extra=$((extra + 1))
elif [ "$rc" -ne 0 ]; then
	echo "[$fl] FAIL qemu exited $rc (log: $log): $(tail -n 5 "$log")"; extra=$((extra + 1))
fi
if grep -q 'Kernel panic' "$log"; then
	echo "[$fl] FAIL kernel panic:"; grep -A 20 'Kernel panic' "$log" | head -n 25 | sed "s/^/[$fl]   /"
	extra=$((extra + 1))
fi
grep -E '^(ok   |FAIL |note |guest: |vm-init: )' "$log" | sed "s/^/[$fl] /"
sum=$(grep -E '^guest: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
if [ -z "$sum" ]; then
	echo "[$fl] FAIL no guest summary line (log: $log); last lines:"
	tail -n 15 "$log" | sed "s/^/[$fl]   /"
	extra=$((extra + 1)); p=0; f=0
else
	p=$(sed -E 's/^guest: ([0-9]+) passed.*/\1/' <<<"$sum")
	f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$sum")
fi
boot=$(sed -n 's/^vm-init: booted .* in \([0-9.]*\) s$/\1/p' "$log")
printf '[%s] times: build %.1f s, qemu %.1f s (guest uptime at /init %s s)\n' "$fl" \
	"$(echo "$t1 - $t0" | bc 2>/dev/null || awk "BEGIN{print $t1-$t0}")" \
	"$(awk "BEGIN{print $t2-$t1}")" "${boot:-?}"
verdict "$p" $((f + extra))
