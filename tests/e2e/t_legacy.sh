#!/usr/bin/env bash
# Legacy SEC("maps") definitions (struct bpf_map_def): libbpf 1.x refuses
# them, rawload loads them with the declared shape and the program runs.
cd "$(dirname "$0")/../.." && . tests/e2e/lib.sh
[ "$(id -u)" -eq 0 ] || { bad "root" "needs root"; finish; exit 1; }

expect "libbpf 1.x refuses legacy maps (the reason rawload supports them)" 2 \
	'legacy map definitions' build/oracle/oracle --no-pin $P/legacy_maps.bpf.o
expect "--explain: legacy maps created with their declared shape" 0 \
	'map_type=HASH, key_size=4, value_size=8, max_entries=64, map_flags=NO_PREALLOC, map_name="legacy_pids"' \
	$RAWLOAD $P/legacy_maps.bpf.o --no-attach --explain
$RAWLOAD $P/legacy_maps.bpf.o --duration 2 --dump-maps --json >"$TMP/d" 2>"$TMP/e" &
pid=$!
wait_running $pid
python3 -c 'import os; [os.getpid() for _ in range(20)]'
wait $pid
n=$(python3 - "$TMP/d" <<'PY'
import json, sys, struct
d = json.load(open(sys.argv[1]))
m = [m for m in d["maps"] if m["name"] == "legacy_counts"][0]
e = [e for e in m["entries"] if e["key"] == "01000000"][0]
print(struct.unpack("<Q", bytes.fromhex(e["value"]))[0])
PY
)
if [ "${n:-0}" -ge 20 ]; then
	ok "the program ran and counted in a legacy map ($n), shown as hex (no BTF for it)"
else
	bad "legacy map count" "$n: $(cat "$TMP/e")"
fi
finish
