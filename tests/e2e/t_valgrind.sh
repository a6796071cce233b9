#!/usr/bin/env bash
# valgrind memcheck over real loads (root): every loadable test object, a
# few that fail in each way, and an attached run: no memcheck error, no
# definite or indirect leak, and the exit status each case should have.
# (ASan covers the parser; this covers the normal -O2 build on the paths
# that talk to the kernel, including the bpf() attrs valgrind checks for
# uninitialised bytes.)
cd "$(dirname "$0")/../.." && . tests/e2e/lib.sh
# ./rawload is static, and memcheck cannot replace malloc in a static
# binary: the same objects, linked dynamically (make build/rawload-dyn)
RAWLOAD=${VG_RAWLOAD:-./build/rawload-dyn}

if [ "$(id -u)" -ne 0 ]; then
	bad "root" "the valgrind tests load programs; run as root"
	finish; exit 1
fi
if ! command -v valgrind >/dev/null; then
	bad "valgrind" "valgrind is not installed (make deps)"
	finish; exit 1
fi
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
trap 'rm -f /sys/fs/bpf/pinned_totals; rm -rf "$TMP"' EXIT

# vg NAME STATUS ARGS...: rawload ARGS under memcheck must exit STATUS
# (99 is memcheck's: an error or a leak) with an empty error summary.
vg() {
	local name=$1 want=$2 rc
	shift 2
	valgrind --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
		--suppressions=tests/e2e/valgrind.supp --log-file="$TMP/vg.log" $RAWLOAD "$@" >"$TMP/out.log" 2>&1
	rc=$?
	if [ $rc -eq 99 ] || grep -qE 'ERROR SUMMARY: [1-9]|definitely lost: [1-9]|indirectly lost: [1-9]' "$TMP/vg.log"; then
		bad "$name" "memcheck: $(grep -E 'Syscall param|Invalid|uninitialised|lost|ERROR SUMMARY' "$TMP/vg.log" | head -n 6 | tr '\n' ' ')"
		sed 's/^/     /' "$TMP/vg.log" | grep -v '^     ==[0-9]*== *$' | head -n 40
	elif [ $rc -ne "$want" ]; then
		bad "$name" "exit $rc, expected $want: $(tail -n 3 "$TMP/out.log" | tr '\n' ' ')"
	else
		ok "$name"
	fi
}

for o in hello globals maps tailcall subprogs cgroup uprobe xdp_tc core externs printk; do
	vg "memcheck: load $o.bpf.o" 0 $P/$o.bpf.o --no-attach
	rm -f /sys/fs/bpf/pinned_totals # maps.bpf.o pins by name
done
vg "memcheck: load hello.bpf.o with --json --dump-maps" 0 $P/hello.bpf.o --no-attach --json --dump-maps
vg "memcheck: attached run (maps: tracepoints, 1 s, --dump-maps)" 0 $P/maps.bpf.o --duration 1 --dump-maps
rm -f /sys/fs/bpf/pinned_totals
vg "memcheck: attached run (core: tp_btf, 1 s)" 0 $P/core.bpf.o --duration 1

vg "memcheck: verifier rejection (bad_verifier)" 1 $P/bad_verifier.bpf.o --no-attach
vg "memcheck: recursive subprograms (bad_recursion)" 2 $P/bad_recursion.bpf.o --no-attach
head -c 3000 $P/hello.bpf.o >"$TMP/trunc.bpf.o"
vg "memcheck: truncated object" 2 "$TMP/trunc.bpf.o" --no-attach
vg "memcheck: attach failure (tracepoint:nope:nope)" 1 $P/hello.bpf.o --attach tracepoint:nope:nope --duration 1
vg "memcheck: missing file" 2 "$TMP/none.bpf.o" --no-attach
finish
