#!/usr/bin/env bash
# scripts/vm/test-all.sh [FLAVOR...] - scripts/vm/run.sh for each kernel in
# turn (default: 6.1 6.1-rt 6.12 5.10 7.2), then "vm: N passed, N failed", the sum.
set -u
cd "$(dirname "$0")/../.."
flavors=("$@")
[ ${#flavors[@]} -gt 0 ] || flavors=(6.1 6.1-rt 6.12 5.10 7.2)
tp=0; tf=0
start=$(date +%s)
for fl in "${flavors[@]}"; do
	out=$(mktemp)
	bash scripts/vm/run.sh "$fl" | tee "$out"
	rc=${PIPESTATUS[0]}
	line=$(grep -E "^vm-$fl: [0-9]+ passed, [0-9]+ failed" "$out" | tail -n 1)
	rm -f "$out"
	if [ -z "$line" ]; then p=0; f=1
	else
		p=$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line")
		f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
		[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	fi
	tp=$((tp + p)); tf=$((tf + f))
done
echo "vm: all ${#flavors[@]} kernel(s) in $(( $(date +%s) - start )) s"
echo "vm: $tp passed, $tf failed"
[ "$tf" -eq 0 ]
