#!/usr/bin/env bash
# tests/selftests/compare.sh - rawload against libbpf on the kernel's own BPF
# selftests (root; make selftests-compare).
#
#   tests/selftests/compare.sh [NAME...]     default: every compiled object
#
# scripts/selftests-build.sh compiles tools/testing/selftests/bpf/progs/*.c
# of Debian's linux-source-6.1 into build/selftests/obj. Each object is
# loaded twice, nothing attached: by the libbpf oracle (build/oracle/oracle,
# libbpf 1.1, as a skeleton's bpf_object__load would) and by rawload
# (--no-attach). Both pin what they made; tests/oracle/kdump prints what the
# kernel holds of each pin (translated instructions with map ids as map
# names, program type, expected attach type, attach BTF id, func/line info
# counts, tag; each map's type, sizes, flags and BTF), and the two prints are
# compared. An object's outcome is one of
#   same          both loaded it, and the kernel holds the same of each
#   differ        both loaded it, and something differs (the first line says what)
#   libbpf-only   libbpf loaded it, rawload refused
#   rawload-only  rawload loaded it, libbpf refused
#   neither       both refused, rawload's refusal the kernel's (exit 1)
#   bad-object    both refused, rawload before any bpf() call (exit 2): the
#                 object needs what no plain load gives it (another program
#                 to replace, a test module's kfuncs, a link step first, ...)
#   no-compile    it does not compile on this machine (build/selftests/compile-failed.txt)
#   timeout       a load ran past 300 s (never expected: always a failure)
# tests/selftests/expected.txt lists every object whose outcome is not
# "same" or "neither", with the reason: each object rawload refuses by
# itself is there, so a refusal that hides a gap must be explained. A check per object: its outcome is
# the listed one, or "same"/"neither" when it is not listed. So the run
# fails on a new difference, and on an expected difference that has gone
# (the file must then be updated, and stays true). Ends with a table and
# "selftests: N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 2
B=${B:-build}
OBJDIR=$B/selftests/obj
EXPECTED=tests/selftests/expected.txt
RAWLOAD=${RAWLOAD:-./rawload}
JOBS=${JOBS:-$(nproc)}
PINS=/sys/fs/bpf/rawload-selftests-$$
WORK=$(mktemp -d)
export B RAWLOAD PINS WORK

cleanup() { rm -rf "$PINS" "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in "$B/oracle/oracle" "$B/oracle/kdump" "$RAWLOAD"; do
	[ -x "$tool" ] || { echo "selftests: $tool missing: run 'make oracle rawload'" >&2; exit 2; }
done
if [ ! -d "$OBJDIR" ]; then
	echo "selftests: no $OBJDIR: run scripts/selftests-build.sh" >&2
	exit 2
fi
# The oracle pins under /sys/fs/bpf and does not mount it.
if [ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" != bpf_fs ]; then
	mount -t bpf bpf /sys/fs/bpf && echo "selftests: mounted bpffs at /sys/fs/bpf"
fi
mkdir -p "$PINS" || exit 2

# compare_one NAME: writes "OUTCOME<TAB>detail" to $WORK/res/NAME.
compare_one() {
	local name=$1 obj=$B/selftests/obj/$1.bpf.o
	local pin=$PINS/$name log=$WORK/log/$name lib=0 raw=0 out detail="" progs="0 0"
	mkdir -p "$pin/lib" "$pin/raw" "$pin/byname" "$log"
	# timeout: a verifier walk is bounded by the kernel, but a hang must not
	# end CI; 300 s is ten times the slowest load seen (pyperf600).
	timeout 300 "$B/oracle/oracle" --pin-root "$pin/byname" "$obj" "$pin/lib" \
		>"$log/lib.log" 2>&1
	case $? in 0) lib=1 ;; 124) lib=t ;; esac
	timeout 300 "$RAWLOAD" "$obj" --no-attach --pin "$pin/raw" \
		>"$log/raw.log" 2>&1
	case $? in 0) raw=1 ;; 2) raw=2 ;; 124) raw=t ;; esac
	case $lib$raw in
	*t*) out=timeout; detail="a load ran past 300 s (libbpf $lib, rawload $raw)" ;;
	11)
		if "$B/oracle/kdump" "$pin/lib" >"$log/lib.json" 2>&1 &&
			"$B/oracle/kdump" "$pin/raw" >"$log/raw.json" 2>&1; then
			progs=$(python3 -c "$PROGS_PY" "$log/lib.json" "$log/raw.json")
			if diff -u "$log/lib.json" "$log/raw.json" >"$log/diff"; then
				out=same
			else
				out=differ
				detail=$(grep -m1 '^[-+][^-+]' "$log/diff")
			fi
		else
			out=differ
			detail="kdump failed: $(tail -n 1 "$log/lib.json" "$log/raw.json" | tr '\n' ' ')"
		fi ;;
	10) out=libbpf-only; detail=$(grep -a -m1 -E '^rawload:|error' "$log/raw.log") ;;
	01) out=rawload-only; detail=$(grep -a -m1 -iE 'failed|error' "$log/lib.log") ;;
	00) out=neither; detail=$(grep -a -m1 -E '^rawload:|error' "$log/raw.log") ;;
	02) out=bad-object; detail=$(grep -a -m1 -E '^rawload:' "$log/raw.log") ;;
	12) out=libbpf-only; detail=$(grep -a -m1 -E '^rawload:' "$log/raw.log") ;;
	esac
	rm -rf "$pin"
	printf '%s\t%s\t%s\n' "$out" "$progs" "${detail:0:200}" >"$WORK/res/$name"
}
export -f compare_one
# "N M": the programs in both prints, and how many of them are the same
# (matched by name: everything kdump prints of a program).
PROGS_PY='
import json, sys
a, b = ({p["name"]: p for p in json.load(open(f))["progs"]} for f in sys.argv[1:3])
both = set(a) & set(b)
print(len(set(a) | set(b)), sum(a[n] == b[n] for n in both))'
export PROGS_PY

mkdir -p "$WORK/res" "$WORK/log"
if [ $# -gt 0 ]; then
	names=("$@")
else
	mapfile -t names < <(ls "$OBJDIR" | sed -n 's/\.bpf\.o$//p')
fi
printf '%s\n' "${names[@]}" | xargs -P "$JOBS" -I{} bash -c 'compare_one "$1"' _ {}

# The expectation: NAME OUTCOME reason...
declare -A want why
while read -r n o r; do
	case $n in '' | '#'*) continue ;; esac
	want[$n]=$o
	why[$n]=$r
done <"$EXPECTED"

# show_log NAME OUTCOME: what a failed check needs to be understood.
show_log() {
	local l=$WORK/log/$1
	case $2 in
	differ) sed -n '1,40p' "$l/diff" ;;
	libbpf-only | neither | bad-object) tail -n 8 "$l/raw.log" ;;
	rawload-only) grep -a -m8 -E '^libbpf: ' "$l/lib.log" | tail -n 8 ;;
	same) ;;
	esac | sed 's/^/     | /'
}

passed=0
failed=0
progs_all=0
progs_same=0
declare -A count
for n in "${names[@]}"; do
	IFS=$'\t' read -r got progs detail <"$WORK/res/$n" || { got=missing; progs="0 0"; detail=""; }
	read -r np ns <<<"$progs"
	progs_all=$((progs_all + np))
	progs_same=$((progs_same + ns))
	count[$got]=$((${count[$got]:-0} + 1))
	exp=${want[$n]:-}
	if [ -z "$exp" ]; then
		case $got in same | neither) passed=$((passed + 1)); continue ;; esac
		echo "FAIL $n: $got, not in $EXPECTED: $detail"
		show_log "$n" "$got"
		failed=$((failed + 1))
	elif [ "$got" = "$exp" ]; then
		echo "ok   $n: $got as expected (${why[$n]})"
		passed=$((passed + 1))
	else
		echo "FAIL $n: $got, $EXPECTED says $exp (${why[$n]}): $detail"
		show_log "$n" "$got"
		failed=$((failed + 1))
	fi
done

# The objects that did not compile: the same list as expected.txt's
# no-compile lines (only when every object was asked for).
if [ $# -eq 0 ]; then
	while IFS=: read -r n err; do
		count[no-compile]=$((${count[no-compile]:-0} + 1))
		if [ "${want[$n]:-}" = no-compile ]; then
			passed=$((passed + 1))
		else
			echo "FAIL $n: does not compile, not expected:$err"
			failed=$((failed + 1))
		fi
	done <"$B/selftests/compile-failed.txt"
	for n in "${!want[@]}"; do
		[ "${want[$n]}" = no-compile ] || continue
		if [ ! -e "$WORK/res/$n" ] && ! grep -q "^$n:" "$B/selftests/compile-failed.txt"; then
			echo "FAIL $n: expected not to compile, but it is not in the list"
			failed=$((failed + 1))
		fi
		if [ -e "$WORK/res/$n" ]; then
			echo "FAIL $n: compiles now; $EXPECTED says no-compile"
			failed=$((failed + 1))
		fi
	done
	# A listed object that is not there at all.
	for n in "${!want[@]}"; do
		[ "${want[$n]}" = no-compile ] && continue
		[ -e "$WORK/res/$n" ] || { echo "FAIL $n: listed in $EXPECTED, not built"; failed=$((failed + 1)); }
	done
fi

loaded_lib=$((${count[same]:-0} + ${count[differ]:-0} + ${count[libbpf-only]:-0}))
loaded_raw=$((${count[same]:-0} + ${count[differ]:-0} + ${count[rawload-only]:-0}))
echo
echo "selftests of linux-source-6.1, loaded here by libbpf 1.1 and by rawload:"
printf '  %-32s %4d\n' \
	"objects compared" "${#names[@]}" \
	"loaded by libbpf" "$loaded_lib" \
	"loaded by rawload" "$loaded_raw" \
	"loaded by both, same" "${count[same]:-0}" \
	"loaded by both, differ" "${count[differ]:-0}" \
	"libbpf only" "${count[libbpf-only]:-0}" \
	"rawload only" "${count[rawload-only]:-0}" \
	"refused by both: by the kernel" "${count[neither]:-0}" \
	"  by rawload before the kernel" "${count[bad-object]:-0}" \
	"programs of objects both loaded" "$progs_all" \
	"  of them the same" "$progs_same" \
	"did not compile" "${count[no-compile]:-0}"
echo "selftests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
