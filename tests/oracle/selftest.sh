#!/bin/bash
# selftest.sh - does the oracle comparison work? (root; bpffs at /sys/fs/bpf)
#
#   tests/oracle/selftest.sh [OBJ...]      default: build/progs/*.bpf.o
#
# 1. Stable: each OBJ is loaded twice by build/oracle/oracle into two pin
#    directories; the two kdump outputs must be identical. This is what
#    shows that kdump's normalization removes everything that changes from
#    one load to the next (map ids, BTF ids).
# 2. Sensitive: tests/oracle/differ.bpf.c built three ways must give
#      base vs step: exactly one instruction differs (plus the tag);
#      base vs data: only the .rodata bytes differ (the tag does not).
#    The three builds share the file name differ.bpf.o: libbpf names the
#    .rodata map after the object file ("differ.rodata"), so a different
#    file name alone would already make a difference.
# Prints one line per check and "oracle: N passed, N failed"; exits 1 if
# any check failed. Pins live under /sys/fs/bpf/rawload-oracle-$$ and are
# removed on exit, LIBBPF_PIN_BY_NAME maps included (--pin-root). No name
# under /sys/fs/bpf may contain a '.': bpffs answers EPERM.
set -u
cd "$(dirname "$0")/../.." || exit 2
B=${B:-build}
CLANG=${CLANG:-$(command -v clang-19 || command -v clang)}
ORACLE=$B/oracle/oracle
KDUMP=$B/oracle/kdump
PINS=/sys/fs/bpf/rawload-oracle-$$
WORK=$(mktemp -d)
passed=0
failed=0

cleanup() { rm -rf "$PINS" "$WORK"; }
trap cleanup EXIT

ok()   { echo "ok   $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

for tool in "$ORACLE" "$KDUMP"; do
	[ -x "$tool" ] || { echo "selftest: $tool missing: run 'make oracle'" >&2; exit 2; }
done
mkdir -p "$PINS" || exit 2

# load TAG OBJ: oracle into $PINS/TAG, kdump into $WORK/TAG.json
load() {
	"$ORACLE" --pin-root "$PINS/$1/byname" "$2" "$PINS/$1" 2>"$WORK/$1.err" &&
		"$KDUMP" "$PINS/$1" >"$WORK/$1.json" 2>>"$WORK/$1.err"
}

# Count the changed lines of a diff: removed lines, not the --- header.
changed() { grep -c '^-[^-]' "$1"; }

# 1. Stable across loads
objs=("$@")
# bad_*.bpf.o are refused by the verifier on purpose (tests/e2e/t_load.sh);
# vm_*.bpf.o hold programs this host kernel refuses (fentry), for the VMs;
# legacy_maps (SEC("maps")) libbpf 1.x refuses by design; resize needs
# --resize, which libbpf has no command line for; netfilter: libbpf 1.1
# predates SEC("netfilter") (1.2): its load fails with EINVAL; struct_ops:
# libbpf 1.1 predates SEC(".struct_ops.link") (1.2) too, and loads its
# programs without their member (ENOTSUPP); struct_ops_legacy is its twin
# in the .struct_ops form 1.1 knows; cgroup_unix: the cgroup/*_unix
# sections are libbpf 1.3's, and 1.1 loads them with no attach type (EINVAL);
# umulti: SEC("uprobe.multi") is libbpf 1.3's too: 1.1 does not know the
# section ("missing BPF prog type") and refuses the load (EINVAL); so for
# ksession: SEC("kprobe.session") came with a later libbpf (for Linux 6.10).
# map_extra, map_extra64: __ulong() map fields are libbpf 1.4's; 1.1
# refuses them (and this host's kernel refuses to make an arena).
# freplace, progtrace: their programs load only against a loaded target
# program (t_freplace.sh compares freplace with --freplace-target).
# twins: its placeholder fentry/dummy_file_read loads on no kernel (its
# kind of tool's loader replaces the target or leaves it out); stacks:
# its stack-trace map's value_size is the tool loader's to set (as resize's
# max_entries).
[ ${#objs[@]} -gt 0 ] || for o in "$B"/progs/*.bpf.o; do
	case $(basename "$o") in bad_*|vm_*|legacy_maps.bpf.o|resize.bpf.o|netfilter.bpf.o|struct_ops.bpf.o|\
		cgroup_unix.bpf.o|umulti.bpf.o|ksession.bpf.o|freplace.bpf.o|map_extra.bpf.o|map_extra64.bpf.o|\
		progtrace.bpf.o|twins.bpf.o|stacks.bpf.o) ;;
	*) objs+=("$o") ;;
	esac
done
for obj in "${objs[@]}"; do
	n=$(basename "$obj" .bpf.o)
	if ! load "$n-1" "$obj" || ! load "$n-2" "$obj"; then
		fail "stable $n: load failed: $(cat "$WORK/$n-1.err" "$WORK/$n-2.err" 2>/dev/null | tail -1)"
	elif tests/oracle/compare.sh "$WORK/$n-1.json" "$WORK/$n-2.json" >"$WORK/$n.diff"; then
		ok "stable $n ($(wc -l <"$WORK/$n-1.json") lines)"
	else
		fail "stable $n: two loads differ:"; head -40 "$WORK/$n.diff"
	fi
	rm -rf "$PINS/$n-1" "$PINS/$n-2"
done
# A per-load kernel address (prog->aux before bpf_timer_set_callback, in
# features.bpf.o) is normalized in both halves: its upper 32 bits differ
# between loads too, if only when the two land in different 4 GiB windows
# of the direct map, which no two loads here can be made to do.
if [ -f "$WORK/features-1.json" ]; then
	hi=$(grep -A1 '"ld_kernel_address": "r' "$WORK/features-1.json" | sed -n 2p)
	if [ "$(echo "$hi" | tr -d ' ,')" = '{"ld_kernel_address":"high"}' ]; then
		ok "a per-load kernel address is normalized in both halves of its ld_imm64"
	else
		fail "the ld_imm64 after a per-load kernel address: '$hi'"
	fi
fi

# 2. Sensitive to a one-instruction and a data-only change
inc=(-idirafter "/usr/include/$(uname -m)-linux-gnu")
for v in "base -DSTEP=1" "step -DSTEP=2" 'data -DGREETING="bye"'; do
	mkdir -p "$WORK/${v%% *}"
	"$CLANG" -target bpf -g -O2 -Wall "${inc[@]}" ${v#* } \
		-c tests/oracle/differ.bpf.c -o "$WORK/${v%% *}/differ.bpf.o" ||
		{ fail "build differ.bpf.c (${v#* })"; exit 1; }
	load "${v%% *}" "$WORK/${v%% *}/differ.bpf.o" ||
		fail "load differ ${v%% *}: $(tail -1 "$WORK/${v%% *}.err")"
done
tests/oracle/compare.sh "$WORK/base.json" "$WORK/step.json" >"$WORK/step.diff"
if [ $? -eq 1 ] && [ "$(changed "$WORK/step.diff")" -eq 2 ] &&
   grep -q '^-      "tag"' "$WORK/step.diff" && grep -q '^-        "b7 01 0000 01000000"' "$WORK/step.diff"; then
	ok "differs: STEP=1 vs STEP=2 gives the tag and one instruction"
else
	fail "differs: STEP=1 vs STEP=2:"; cat "$WORK/step.diff"
fi
tests/oracle/compare.sh "$WORK/base.json" "$WORK/data.json" >"$WORK/data.diff"
if [ $? -eq 1 ] && [ "$(changed "$WORK/data.diff")" -eq 1 ] &&
   grep -q '^-        "0000: 6869' "$WORK/data.diff"; then
	ok "differs: GREETING change gives only the .rodata value"
else
	fail "differs: GREETING change:"; cat "$WORK/data.diff"
fi

echo "oracle: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
