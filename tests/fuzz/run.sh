#!/usr/bin/env bash
# tests/fuzz/run.sh LABEL SECONDS ARTIFACT_DIR HARNESS... - run each
# libFuzzer harness for SECONDS (make fuzz, make fuzz-smoke).
#
# Inputs: build/fuzz/corpus/<h>/ (written: what this and earlier runs
# found), tests/fuzz/corpus/<h>/ and build/fuzz/seeds/<h>/ (read only).
# A crash, leak, UB report, timeout (>10 s on one input) or out-of-memory
# is written to ARTIFACT_DIR/<h>/ and counts as a failure; replay it with
#   build/fuzz/replay/<h> FILE
# Prints one line per harness and "LABEL: N passed, N failed". With
# FUZZ_RECORD=FILE (make fuzz-long), each harness's outcome is also added
# to FILE as a row of its table: date, commit, seconds, executions, edges
# covered (libFuzzer's "cov"), features ("ft"), corpus size, outcome.
set -u
cd "$(dirname "$0")/../.."
label=$1 secs=$2 art=$3
shift 3
B=build/fuzz
pass=0 fail=0
record=${FUZZ_RECORD:-}
commit=$(git rev-parse --short HEAD 2>/dev/null || echo '?')
git diff --quiet HEAD 2>/dev/null || commit="$commit+"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
for h in "$@"; do
	mkdir -p "$B/corpus/$h" "$art/$h" "$B/logs" tests/fuzz/corpus/$h
	log=$B/logs/$h.log
	seeds=()
	[ -d "$B/seeds/$h" ] && seeds+=("$B/seeds/$h")
	"$B/bin/$h" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-dict=tests/fuzz/rawload.dict -print_final_stats=1 \
		-artifact_prefix="$art/$h/" \
		"$B/corpus/$h" tests/fuzz/corpus/$h "${seeds[@]}" >"$log" 2>&1
	rc=$?
	stats=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
	cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1)
	ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -n 1)
	corp=$(grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -n 1)
	rate=$(grep -E '^stat::average_exec_per_sec' "$log" | awk '{print $2}')
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1))
		echo "ok   $h: ${secs}s, ${stats:-?} runs, ${cov:-cov: ?}"
	else
		fail=$((fail + 1))
		found=$(grep -oE "Test unit written to [^ ]+" "$log" | tail -n 1)
		echo "FAIL $h: exit $rc; ${found:-no artifact}; log $log"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" | head -n 3 | sed 's/^/     /'
	fi
	if [ -n "$record" ]; then
		outcome=ok
		[ $rc -eq 0 ] || outcome="exit $rc: ${found:-no artifact}"
		printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
			"$(date -u '+%Y-%m-%d %H:%M')" "$commit" "$h" "$secs" "${stats:-?}" \
			"${rate:-?}" "${cov#cov: }" "${ft#ft: }" "${corp#corp: }" "$outcome" >>"$record"
	fi
done
echo "$label: $pass passed, $fail failed"
[ $fail -eq 0 ]
