#!/usr/bin/env bash
# tests/e2e/run.sh - every e2e script, one summary for all of them.
set -u
cd "$(dirname "$0")/../.."
p=0 f=0
for t in tests/e2e/t_*.sh; do
	echo "== $t"
	out=$(bash "$t" 2>&1)
	echo "$out" | grep -v '^e2e: '
	line=$(grep -E '^e2e: [0-9]+ passed' <<<"$out" | tail -n 1)
	if [ -z "$line" ]; then
		echo "FAIL $t: no summary line"; f=$((f + 1)); continue
	fi
	p=$((p + $(sed -E 's/e2e: ([0-9]+) passed.*/\1/' <<<"$line")))
	f=$((f + $(sed -E 's/.* ([0-9]+) failed/\1/' <<<"$line")))
done
echo "e2e: $p passed, $f failed"
[ "$f" -eq 0 ]
