#!/bin/bash
# bench/load_bench.sh - whole loads without attaching: rawload vs libbpf.
#
#   bench/load_bench.sh OBJ...
#
# For each object, both sides in fresh processes:
#   rawload   $RAWLOAD OBJ --no-attach (default ./rawload)
#   libbpf    $B/bench/libbpf_load OBJ   (open + load + close, in-process)
# and prints one tab-separated line per side:
#   obj side wall_ms wall_min_ms user_ms sys_ms rss_kb instr bpf_calls by_cmd kern_ms
# wall/user/sys/rss: medians of $REPS runs (bench/runner, default 20);
# instr: valgrind callgrind's total for one run (user space, the whole
# process: dynamic linking included), "-" with CG=0; bpf_calls/by_cmd: from
# strace -e trace=bpf; kern_ms: the sum of strace -T's durations of those
# bpf() calls (median of 3 runs; strace adds its own overhead to each).
# Environment: B (build dir), REPS, CG (0: skip callgrind), PIN (a path the
# object pins, removed before every run; default /sys/fs/bpf/pinned_totals).
set -u
B=${B:-build}
REPS=${REPS:-20}
CG=${CG:-1}
PIN=${PIN:-/sys/fs/bpf/pinned_totals}
RAWLOAD=${RAWLOAD:-./rawload}
RUNNER=$B/bench/runner
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"; rm -f "$PIN"' EXIT

field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p"; }

# instructions OUT_PREFIX CMD...: callgrind's total Ir for one run
instructions() {
	local out=$TMP/cg.out
	rm -f "$PIN" "$out"
	if valgrind --tool=callgrind --callgrind-out-file="$out" "$@" >/dev/null 2>&1; then
		sed -n 's/^summary: //p' "$out"
	else
		echo "-"
	fi
}

# bpfcalls CMD...: "TOTAL CMD=N,CMD=N kern_ms" (kern_ms: median of 3 runs)
bpfcalls() {
	local st=$TMP/st sums=() total bycmd
	for r in 1 2 3; do
		rm -f "$PIN"
		strace -f -T -e trace=bpf -o "$st" "$@" >/dev/null 2>&1
		sums+=("$(grep -o '<[0-9.]*>$' "$st" | tr -d '<>' |
			awk '{s += $1} END {printf "%.3f", s * 1000}')")
	done
	total=$(grep -c 'bpf(BPF_' "$st")
	bycmd=$(grep -o 'bpf(BPF_[A-Z_]*' "$st" | sed 's/bpf(BPF_//' | sort | uniq -c |
		awk '{printf "%s%s=%d", sep, $2, $1; sep=","}')
	echo "$total ${bycmd:--} $(printf '%s\n' "${sums[@]}" | sort -n | sed -n 2p)"
}

one() {
	local obj=$1 side=$2; shift 2
	local t ins calls
	t=$("$RUNNER" -n "$REPS" -u "$PIN" -- "$@") || { echo "load_bench: $side failed on $obj" >&2; return 1; }
	if [ "$CG" = 1 ]; then ins=$(instructions "$@"); else ins=-; fi
	calls=$(bpfcalls "$@")
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$obj" "$side" \
		"$(echo "$t" | field wall_ms)" "$(echo "$t" | field wall_min_ms)" \
		"$(echo "$t" | field user_ms)" "$(echo "$t" | field sys_ms)" \
		"$(echo "$t" | field maxrss_kb)" "$ins" $calls
}

for obj in "$@"; do
	name=$(basename "$obj" .bpf.o)
	one "$name" rawload "$RAWLOAD" "$obj" --no-attach
	one "$name" libbpf "$B/bench/libbpf_load" "$obj"
done
