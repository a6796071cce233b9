#!/bin/bash
# bench/scale.sh - how a load's cost grows: generated objects with 1, 10,
# 100, 1000 programs, with 100, 1000, 10000 CO-RE relocations, with
# 1000, 10000, 65535 global variables, with 100 and 1000 programs each in
# its own section and with 100 and 1000 tp_btf programs (bench/gen.sh),
# rawload vs libbpf.
#
# Prints one tab-separated line per object and side:
#   kind size side wall_ms user_ms sys_ms cpu_ms rss_kb instr
# wall..rss: medians of REPS fresh-process runs (bench/runner); instr:
# callgrind's total for one run, "-" with CG=0.
# Environment: B, CLANG, RAWLOAD (default ./rawload), REPS (default 7),
# CG (0: no callgrind), SIZES_PROGS, SIZES_CORE, SIZES_VARS, SIZES_SECS,
# SIZES_TPBTF (an empty list skips that shape).
set -u
B=${B:-build}
CLANG=${CLANG:-clang-19}
RAWLOAD=${RAWLOAD:-./rawload}
REPS=${REPS:-7}
CG=${CG:-1}
SIZES_PROGS=${SIZES_PROGS-"1 10 100 1000"}
SIZES_CORE=${SIZES_CORE-"100 1000 10000"}
SIZES_VARS=${SIZES_VARS-"1000 10000 65535"}
SIZES_SECS=${SIZES_SECS-"100 1000"}
SIZES_TPBTF=${SIZES_TPBTF-"100 1000"}
GEN=$B/bench/gen
BPF_CFLAGS="-target bpf -g -O2 -Wall -Wno-unused-function -I$B/progs -D__TARGET_ARCH_x86 -I/usr/include/$(${CC:-gcc} -dumpmachine)"
mkdir -p "$GEN"

# obj KIND N: the generated object's path, built if missing or stale
obj() {
	local o=$GEN/$1$2.bpf.o
	if [ ! -f "$o" ] || [ bench/gen.sh -nt "$o" ]; then
		bash bench/gen.sh "$1" "$2" >"$GEN/$1$2.bpf.c" &&
			$CLANG $BPF_CFLAGS -c -o "$o" "$GEN/$1$2.bpf.c" || return 1
	fi
	echo "$o"
}

field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p"; }

measure() {
	local kind=$1 n=$2 side=$3 t ins=- cg; shift 3
	t=$("$B/bench/runner" -n "$REPS" -w 1 -- "$@") || { echo "scale: $side failed on $kind $n" >&2; return 1; }
	if [ "$CG" = 1 ]; then
		cg=$(mktemp)
		valgrind --tool=callgrind --callgrind-out-file="$cg" "$@" >/dev/null 2>&1 &&
			ins=$(sed -n 's/^summary: //p' "$cg")
		# keep rawload's profile of the biggest objects for callgrind_annotate
		[ "$side" = rawload ] && cp "$cg" "$GEN/callgrind.$kind$n.rawload"
		rm -f "$cg"
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$n" "$side" \
		"$(echo "$t" | field wall_ms)" "$(echo "$t" | field user_ms)" \
		"$(echo "$t" | field sys_ms)" "$(echo "$t" | field cpu_ms)" \
		"$(echo "$t" | field maxrss_kb)" "$ins"
}

specs() {
	local n
	for n in $SIZES_PROGS; do echo progs:$n; done
	for n in $SIZES_CORE; do echo core:$n; done
	for n in $SIZES_VARS; do echo vars:$n; done
	for n in $SIZES_SECS; do echo secs:$n; done
	for n in $SIZES_TPBTF; do echo tpbtf:$n; done
}

for spec in $(specs); do
	kind=${spec%:*} n=${spec#*:}
	o=$(obj "$kind" "$n") || { echo "scale: cannot build $kind $n" >&2; continue; }
	measure "$kind" "$n" rawload "$RAWLOAD" "$o" --no-attach
	measure "$kind" "$n" libbpf "$B/bench/libbpf_load" "$o"
done
