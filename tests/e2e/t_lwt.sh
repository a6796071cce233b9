#!/usr/bin/env bash
# lwt:PREFIX:IFACE (root, host kernel): lightweight tunnel programs on a
# route of a network namespace of the test's own. UDP packets sent to the
# prefix must be counted by lwt_out and lwt_xmit (packets and bytes, as the
# sender knows them), the route must name the program while attached and be
# gone after exit, after SIGTERM, and after a SIGKILL once the next run has
# found the stale route of its own and replaced it.
cd "$(dirname "$0")/../.." && . tests/e2e/lib.sh

if [ "$(id -u)" -ne 0 ]; then
	bad "root" "the lwt tests need root (network namespaces, routes); run 'sudo make test'"
	finish; exit 1
fi
NS=rl-lwt-$$
O=$P/lwt.bpf.o
trap 'ip netns del "$NS" 2>/dev/null; rm -rf "$TMP"' EXIT
ip netns add "$NS" && ip -n "$NS" link add veth0 type veth peer name veth1 &&
	ip -n "$NS" link set veth0 up && ip -n "$NS" link set veth1 up &&
	ip -n "$NS" addr add 10.76.0.1/24 dev veth0 || { bad "netns" "cannot set up $NS"; finish; exit 1; }
# (background runs use 'ip netns exec' itself, which execs rawload, so that
# $! is rawload's pid)
in_ns() { ip netns exec "$NS" "$@"; }
# send N: N UDP datagrams of 100 bytes to 10.77.0.5:9 (each 128 bytes of
# IPv4 + UDP + payload when the route's hooks see it, before any link header)
send() {
	in_ns python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(int(sys.argv[1])):
    s.sendto(b"x" * 100, ("10.77.0.5", 9))' "$1"
}
route() { ip -n "$NS" $([[ $1 == *:* ]] && echo -6) route show "$1" 2>&1; }
bss() { val "$1" ".maps[]|select(.name==\".bss\")|.entries[0].value.$2"; }

# lwt_xmit, then lwt_out, each on its own run. rawload runs until the
# datagrams are sent and is then stopped (SIGINT, which dumps the maps as
# --duration would): a fixed --duration raced the sender, whose python3
# can take longer than that to start on a loaded machine, and the route
# was gone before the first datagram ("Network is unreachable").
for hook in xmit out; do
	base=$(max_ids)
	ip netns exec "$NS" $RAWLOAD $O --prog count_$hook --attach lwt:10.77.0.0/24:veth0 \
		--dump-maps --json >"$TMP/$hook.json" 2>"$TMP/$hook.err" &
	pid=$!; wait_running $pid
	r=$(route 10.77.0.0/24)
	grep -q "encap bpf $hook rawload_${pid}_count_$hook" <<<"$r" &&
		ok "lwt_$hook: the route names the program ($r)" || bad "lwt_$hook route" "$r"
	send 3 || bad "lwt_$hook: sending" "the route was not there"
	kill -INT $pid
	wait $pid || bad "lwt_$hook: rawload" "$(cat "$TMP/$hook.err")"
	check "lwt_$hook counts the 3 datagrams sent by the route" "$(bss "$TMP/$hook.json" ${hook}_packets)" "v == 3"
	check "lwt_$hook sees 3 x 128 bytes" "$(bss "$TMP/$hook.json" ${hook}_bytes)" "v == 384"
	[ -z "$(route 10.77.0.0/24)" ] && ok "lwt_$hook: the route is gone after exit" ||
		bad "lwt_$hook after exit" "$(route 10.77.0.0/24)"
	clean "lwt_$hook: nothing left after exit" "$base" $O
done

# lwt_in: attached at the route's input hook (its runs need forwarded
# traffic; the attachment is what is checked here), then SIGTERM
ip netns exec "$NS" $RAWLOAD $O --prog count_in --attach lwt:fd00:77::/64:veth0 \
	>"$TMP/in.out" 2>&1 &
pid=$!; wait_running $pid
r=$(route fd00:77::/64)
grep -q "encap bpf in rawload_${pid}_count_in" <<<"$r" &&
	ok "lwt_in on an IPv6 prefix: the route names the program" || bad "lwt_in route" "$r"
kill -TERM $pid; wait $pid
[ -z "$(route fd00:77::/64)" ] && ok "lwt_in: the route is gone after SIGTERM" ||
	bad "lwt_in after SIGTERM" "$(route fd00:77::/64)"

# SIGKILL: the kernel keeps the route (it holds the program); the next run
# at that prefix finds it is a stale one of rawload's and replaces it
base=$(max_ids)
ip netns exec "$NS" $RAWLOAD $O --prog count_xmit --attach lwt:10.77.0.0/24:veth0 \
	>/dev/null 2>&1 &
pid=$!; wait_running $pid
kill -KILL $pid; wait $pid 2>/dev/null
grep -q "rawload_${pid}_count_xmit" <<<"$(route 10.77.0.0/24)" &&
	ok "SIGKILL leaves the route and its program" || bad "after SIGKILL" "$(route 10.77.0.0/24)"
expect "the next run replaces the stale route of a dead rawload" 0 "" \
	in_ns $RAWLOAD $O --prog count_xmit --attach lwt:10.77.0.0/24:veth0 --duration 0.3
[ -z "$(route 10.77.0.0/24)" ] && ok "  and removes its own at exit" ||
	bad "stale route replaced" "$(route 10.77.0.0/24)"
clean "SIGKILL then a new run: nothing left" "$base" $O

# ---- errors -----------------------------------------------------------------
ip -n "$NS" route add 10.78.0.0/24 dev veth0
expect "lwt: a route that is someone else's is left alone, and named" 1 \
	"lwt:10.78.0.0/24:veth0: RTM_NEWROUTE 10.78.0.0/24 encap bpf: EEXIST .*a route to that prefix exists already" \
	in_ns $RAWLOAD $O --prog count_xmit --attach lwt:10.78.0.0/24:veth0 --duration 0.3
grep -q "encap" <<<"$(route 10.78.0.0/24)" && bad "foreign route" "changed: $(route 10.78.0.0/24)" ||
	ok "  that route is unchanged"
expect "lwt: a missing interface" 1 "lwt:10.77.0.0/24:nosuch0: no network interface 'nosuch0'" \
	in_ns $RAWLOAD $O --prog count_xmit --attach lwt:10.77.0.0/24:nosuch0 --duration 0.3
expect "lwt: a bad prefix, exit 2" 2 "'10.77.0.0/40': the prefix length must be 0 to 32" \
	in_ns $RAWLOAD $O --prog count_xmit --attach lwt:10.77.0.0/40:veth0 --duration 0.3
expect "lwt: no interface, exit 2" 2 "expected lwt:PREFIX:IFACE" \
	in_ns $RAWLOAD $O --prog count_xmit --attach lwt:10.77.0.0/24 --duration 0.3
expect "lwt: a program of another type, before the load" 2 \
	"--attach lwt:10.77.0.0/24:veth0: program 'xdp_count' \(section 'xdp', type XDP\) does not fit: lwt: takes only programs of type LWT_IN/LWT_OUT/LWT_XMIT" \
	in_ns $RAWLOAD $P/xdp_tc.bpf.o --prog xdp_count --attach lwt:10.77.0.0/24:veth0 --duration 0.3
expect "lwt: three programs on one prefix: the second is refused, saying why" 1 \
	"this run has put another program on that route already .one program per route: choose with --prog" \
	in_ns $RAWLOAD $O --attach lwt:10.79.0.0/24:veth0 --duration 0.3
[ -z "$(route 10.79.0.0/24)" ] && ok "  and the first one's route is removed" ||
	bad "lwt: refused run's route" "$(route 10.79.0.0/24)"
expect "lwt programs without --attach say what they need" 0 \
	"give one with --attach lwt:PREFIX:IFACE" \
	$RAWLOAD $O --prog count_xmit --duration 0.3
finish
