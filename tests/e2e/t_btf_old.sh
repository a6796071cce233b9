#!/usr/bin/env bash
# BTF for kernels that lack newer kinds: rawload rewrites what the kernel
# does not know (as libbpf does) and the kernel accepts the result. The
# host kernel knows every kind, so RAWLOAD_TEST_BTF_MISSING pretends.
cd "$(dirname "$0")/../.." && . tests/e2e/lib.sh
[ "$(id -u)" -eq 0 ] || { bad "root" "needs root"; finish; exit 1; }
trap 'rm -f /sys/fs/bpf/pinned_totals; rm -rf "$TMP"' EXIT

for o in hello globals maps core externs xdp_tc; do
	out=$(RAWLOAD_TEST_BTF_MISSING=all $RAWLOAD $P/$o.bpf.o --no-attach 2>&1); rc=$?
	if [ $rc -eq 0 ] && grep -q 'rewrote BTF kinds' <<<"$out" && ! grep -q 'refused' <<<"$out"; then
		ok "$o: every new BTF kind rewritten, the kernel accepts the BTF"
	else
		bad "$o with every BTF kind rewritten" "exit $rc: $(head -c 500 <<<"$out")"
	fi
done
# bpf_loop callbacks need FUNC info, so without FUNC the object cannot load
# anyway; the other rewrites (0x79: all but FUNC and global FUNC) must work.
expect "subprogs: all but FUNC rewritten" 0 'rewrote BTF kinds' \
	env RAWLOAD_TEST_BTF_MISSING=0x79 $RAWLOAD $P/subprogs.bpf.o --no-attach
# No probe at all when the kernel accepts the BTF as it is.
out=$($RAWLOAD $P/core.bpf.o --no-attach --explain 2>&1)
if grep -q '\[probe\]' <<<"$out"; then
	bad "no feature probe on a current kernel" "$(grep -A1 '\[probe\]' <<<"$out" | head)"
else
	ok "no feature probe on a kernel that accepts the BTF"
fi
finish
