#!/usr/bin/env bash
# tc over netlink (clsact + cls_bpf, as on kernels before tcx) on a machine
# that other tools share (issue 15, item 4), in a network namespace of the
# test's own: rawload deletes only the filter it added, and the clsact
# qdisc only when it added it and no filter is left on it; a second
# rawload on the same hook fails without touching the first one's filter;
# the qdisc of a SIGKILLed run is removed by the next run on that hook.
cd "$(dirname "$0")/../.." && . tests/e2e/lib.sh

if [ "$(id -u)" -ne 0 ]; then
	bad "root" "the tc tests need root (network namespaces, qdiscs); run 'sudo make test'"
	finish; exit 1
fi
NS=rl-tcs-$$
O=$P/xdp_tc.bpf.o
trap 'ip netns del "$NS" 2>/dev/null; rm -rf "$TMP"' EXIT
ip netns add "$NS" && ip -n "$NS" link set lo up || { bad "netns" "cannot set up $NS"; finish; exit 1; }
in_ns() { ip netns exec "$NS" "$@"; }
qdisc() { in_ns tc qdisc show dev lo | grep -c clsact; }
filters() { in_ns tc filter show dev lo ingress | grep -oE 'rawload_[0-9]+_[a-z_]+(\+clsact)?|pref 7 u32' | sort -u | tr '\n' ' '; }
start() { # start rawload on lo ingress in the background; $pid is rawload's
	# ('ip netns exec' and env exec it: not through in_ns, whose subshell
	# would be the pid)
	ip netns exec "$NS" env RAWLOAD_FORCE_NETLINK_TC=1 $RAWLOAD $O --prog tc_count \
		--attach tc:lo:ingress "$@" >"$TMP/run.out" 2>&1 &
	pid=$!
	wait_running $pid
}

# 1. Another tool's filter, added while rawload runs, survives rawload's
#    exit; so does the qdisc holding it.
start
in_ns tc filter add dev lo ingress pref 7 u32 match u32 0 0 classid 1:1
f=$(filters)
grep -q "rawload_${pid}_tc_count+clsact" <<<"$f" && ok "rawload's filter names it and the qdisc it added ($f)" ||
	bad "rawload's filter" "$f"
kill -INT $pid; wait $pid
f=$(filters)
[ "$f" = "pref 7 u32 " ] && ok "after exit only the other tool's filter is left" || bad "filters after exit" "'$f'"
check "  and the qdisc that holds it stays" "$(qdisc)" "v == 1"
# 2. A qdisc rawload did not add stays, even empty.
in_ns tc filter del dev lo ingress pref 7
expect "a run on a clsact qdisc that was there already" 0 "attached 'tc_count'" \
	in_ns env RAWLOAD_FORCE_NETLINK_TC=1 $RAWLOAD $O --prog tc_count --attach tc:lo:ingress --duration 0.3
check "  leaves that qdisc in place" "$(qdisc)" "v == 1"
in_ns tc qdisc del dev lo clsact
# 3. Two rawloads on one hook: the second is refused, and the first keeps
#    its filter (and, at its own exit, removes it and its qdisc).
start
first=$pid
expect "a second rawload on the same hook is refused" 1 "a filter with prio 1 handle 1 is there already" \
	in_ns env RAWLOAD_FORCE_NETLINK_TC=1 $RAWLOAD $O --prog tc_count --attach tc:lo:ingress --duration 0.3
grep -q "rawload_${first}_tc_count" <<<"$(filters)" && ok "  the first one's filter is still there" ||
	bad "the first rawload's filter after the second failed" "$(filters)"
kill -INT $first; wait $first
[ -z "$(filters)" ] && [ "$(qdisc)" = 0 ] && ok "  the first one removes its filter and its qdisc at exit" ||
	bad "after the first rawload's exit" "filters '$(filters)', $(qdisc) clsact"
# 4. SIGKILL: the filter and the qdisc stay; the next run on the hook
#    removes the stale filter and, at its exit, the qdisc it inherited.
base=$(max_ids)
start
killed=$pid
kill -KILL $killed; wait $killed 2>/dev/null
check "SIGKILL leaves the clsact qdisc" "$(qdisc)" "v == 1"
expect "the next run replaces the killed run's filter" 0 "attached 'tc_count'" \
	in_ns env RAWLOAD_FORCE_NETLINK_TC=1 $RAWLOAD $O --prog tc_count --attach tc:lo:ingress --duration 0.3
[ -z "$(filters)" ] && [ "$(qdisc)" = 0 ] && ok "  and removes the qdisc the killed run had added" ||
	bad "after the run that followed a SIGKILL" "filters '$(filters)', $(qdisc) clsact"
clean "SIGKILL then a new run: no program or map left" "$base" $O
finish
