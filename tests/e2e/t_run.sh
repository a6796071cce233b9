#!/usr/bin/env bash
# --run NAME: programs run on demand with BPF_PROG_TEST_RUN, as root on the
# host kernel. Each run's return value, the packet and context that come
# back, and the maps and globals the program wrote (read with --dump-maps)
# are checked against what the input implies; the packets are built here,
# in Python, independently of rawload's built-in one.
cd "$(dirname "$0")/../.." && . tests/e2e/lib.sh

if [ "$(id -u)" -ne 0 ]; then
	bad "root" "the run tests need root (CAP_BPF, CAP_SYS_ADMIN); run 'sudo make test'"
	finish; exit 1
fi
O=$P/testrun.bpf.o
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
PIN=/sys/fs/bpf/rawload-run-$$
trap 'rm -rf "$PIN" "$TMP"' EXIT

# The programs run below are the ones libbpf would load (tests/oracle).
if load_both $O; then
	ok "same instructions, info and maps as libbpf: testrun"
else
	bad "same as libbpf: testrun" "$(head -40 "$TMP/diff")"
fi

# ---- inputs ---------------------------------------------------------------
# builtin.hex: the packet rawload promises (bpf/testrun.h); ttl.hex: the
# same after xdp_ttl (TTL 63, checksum recomputed from scratch, not
# incrementally as the program does); tcp.bin: TCP to port 9; udp100.bin:
# a 100-byte UDP packet to port 53; args*.bin: struct args {int a, b, sum}.
python3 - "$TMP" <<'PY'
import struct, sys
tmp = sys.argv[1]
def csum(h):
    s = sum(struct.unpack("!%dH" % (len(h) // 2), h))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def ip(proto, l4, ttl=64):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 0, 0x4000, ttl, proto, 0,
                    bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + l4
def eth(payload):
    return bytes([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1]) + b"\x08\x00" + payload
def udp(sport, dport, data):
    return struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
def w(name, b):
    open(tmp + "/" + name, "wb").write(b)
builtin = eth(ip(17, udp(40000, 9, b"rawload --run pkt\n")))
assert len(builtin) == 60
w("builtin.hex", builtin.hex().encode())
w("ttl.hex", eth(ip(17, udp(40000, 9, b"rawload --run pkt\n"), ttl=63)).hex().encode())
tcp = struct.pack("!HHIIBBHHH", 40000, 9, 1, 0, 5 << 4, 0x02, 64240, 0, 0)
w("tcp.bin", eth(ip(6, tcp)))
w("udp100.bin", eth(ip(17, udp(1234, 53, bytes(100 - 42)))))
w("args.bin", struct.pack("<iii", 6, 7, 0))
w("args2.bin", struct.pack("<iii", -3, 5, 0))
# struct __sk_buff with only mark (offset 8) set: the kernel takes mark
w("skb_mark.bin", struct.pack("<III", 0, 0, 7))
PY

# j FILE EXPR: evaluate EXPR over the run objects (r[0], r[1], ...) and the
# --dump-maps object (d) of a --json run's stdout; prints the result.
j() {
	python3 - "$1" "$2" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
r = [l for l in lines if "run" in l]
d = ([l for l in lines if "maps" in l] or [{"maps": []}])[-1]
def m(name):        # a map's entries as {key: value}
    return {e["key"]: e["value"] for e in [x for x in d["maps"] if x["name"] == name][0]["entries"]}
def bss(var):
    return m(".bss")[0][var]
print(eval(sys.argv[2]))
PY
}

# runj NAME WANT EXPR OPTIONS...: run rawload on $O with --json --dump-maps
# and OPTIONS (under a timeout: a --run-only load must exit by itself),
# then require EXPR (see j) to print WANT.
runj() {
	local name=$1 want=$2 expr=$3 got
	shift 3
	if ! timeout 20 $RAWLOAD $O --json --dump-maps "$@" >"$TMP/out.json" 2>"$TMP/err"; then
		bad "$name" "exit $?: $(head -c 600 "$TMP/err")"
		return
	fi
	got=$(j "$TMP/out.json" "$expr" 2>&1)
	[ "$got" = "$want" ] && ok "$name: $got" || bad "$name" "got '$got', want '$want'; $(head -c 300 "$TMP/err")"
}

# ---- SEC("syscall"): the argument struct in, the struct back -----------------
runj "syscall: retval a*b, ctx_out has a+b, globals written" \
	"42 06000000070000000d000000 13 1" \
	'" ".join(map(str, [r[0]["retval"], r[0]["ctx_out"], bss("last_sum"), bss("sum_calls")]))' \
	--prog sum --run sum --ctx "$TMP/args.bin"
runj "syscall: other arguments, other results (retval is signed)" \
	"-15 fdffffff0500000002000000 2" \
	'" ".join(map(str, [r[0]["retval"], r[0]["ctx_out"], bss("last_sum")]))' \
	--prog sum --run sum --ctx "$TMP/args2.bin"
expect "syscall text: one line, no 'not attached' noise, exits by itself" 0 \
	'^rawload: run sum: retval 42, ctx 12 bytes out \(changed\)$' \
	timeout 20 $RAWLOAD $O --prog sum --run sum --ctx "$TMP/args.bin"
if out=$(timeout 20 $RAWLOAD $O --prog sum --run sum --ctx "$TMP/args.bin" 2>&1) &&
   [ "$out" = "rawload: run sum: retval 42, ctx 12 bytes out (changed)" ]; then
	ok "syscall: nothing but the run's line (no 'not attached', no 'running')"
else
	bad "syscall: nothing but the run's line" "$out"
fi
expect "--ctx from stdin" 0 '^rawload: run sum: retval 42,' \
	sh -c "$RAWLOAD $O --prog sum --run sum --ctx - <'$TMP/args.bin'"
expect "a syscall program not run says how to run it" 0 \
	"program 'sum' \(syscall\) is loaded but not run: a syscall program has no hook; run it with --run sum" \
	timeout 20 $RAWLOAD $O --prog sum --prog xdp_filter --run xdp_filter

# ---- XDP: the built-in packet, --repeat, a packet from a file ----------------
runj "xdp: built-in packet is UDP to port 9: XDP_DROP, and comes back unchanged" \
	"1 XDP_DROP True 60" \
	'" ".join(map(str, [r[0]["retval"], r[0]["retval_name"], r[0]["data_out"] == open("'"$TMP"'/builtin.hex").read(), r[0]["data_size_out"]]))' \
	--prog xdp_filter --run xdp_filter
runj "xdp: --repeat 5 runs it 5 times: UDP counter 5, TCP 0, xdp_packets 5" \
	"5 0 5 5 True" \
	'" ".join(map(str, [m("proto_count")[17], m("proto_count")[6], bss("xdp_packets"), r[0]["repeat"], r[0]["duration_ns"] > 0]))' \
	--prog xdp_filter --run xdp_filter --repeat 5
runj "xdp: --data tcp.bin takes the other branch: XDP_PASS, TCP counted" \
	"2 XDP_PASS 1 0 54" \
	'" ".join(map(str, [r[0]["retval"], r[0]["retval_name"], m("proto_count")[6], m("proto_count")[17], r[0]["data_size_out"]]))' \
	--prog xdp_filter --run xdp_filter --data "$TMP/tcp.bin"
expect "xdp text: retval decoded, time, bytes out" 0 \
	'^rawload: run xdp_filter: retval 2 \(XDP_PASS\), [0-9]+ ns, 54 bytes out$' \
	$RAWLOAD $O --prog xdp_filter --run xdp_filter --data "$TMP/tcp.bin"
expect "--data from stdin" 0 'retval 2 \(XDP_PASS\)' \
	sh -c "$RAWLOAD $O --prog xdp_filter --run xdp_filter --data - <'$TMP/tcp.bin'"
runj "xdp rewrite: TTL 63 and a checksum that matches a from-scratch one" \
	"3 XDP_TX True" \
	'" ".join(map(str, [r[0]["retval"], r[0]["retval_name"], r[0]["data_out"] == open("'"$TMP"'/ttl.hex").read()]))' \
	--prog xdp_ttl --run xdp_ttl
# (grep -E reads a pattern with newlines as one pattern per line, any of
# which may match: each line of output is checked on its own)
$RAWLOAD $O --prog xdp_ttl --run xdp_ttl -v >"$TMP/ttl.txt" 2>&1
for want in '^rawload: run xdp_ttl: retval 3 \(XDP_TX\), [0-9]+ ns, 60 bytes out, rewritten: 2 bytes differ from offset 22$' \
	'^  data_out \+0000  02 00 00 00 00 02 02 00  00 00 00 01 08 00 45 00$' \
	'^           \+0010  00 2e 00 00 40 00 3f 11  27 bd 0a 00 00 01 0a 00$'; do
	grep -qE -- "$want" "$TMP/ttl.txt" && ok "xdp rewrite text: /$want/" ||
		bad "xdp rewrite text" "no line /$want/ in: $(head -c 600 "$TMP/ttl.txt")"
done

# ---- tc and socket filter --------------------------------------------------
runj "tc: built-in packet: TC_ACT_OK, skb->len 60, protocol IPv4" \
	"0 TC_ACT_OK 60 2048" \
	'" ".join(map(str, [r[0]["retval"], r[0]["retval_name"], bss("tc_skb_len"), bss("tc_skb_protocol")]))' \
	--prog tc_len --run tc_len
runj "tc: a 100-byte packet and a __sk_buff with mark 7 (ctx_out has it too)" \
	"100 7 07000000" \
	'" ".join(map(str, [bss("tc_skb_len"), bss("tc_skb_mark"), r[0]["ctx_out"][16:24]]))' \
	--prog tc_len --run tc_len --data "$TMP/udp100.bin" --ctx "$TMP/skb_mark.bin"
runj "socket filter: keeps skb->len, which starts at the IP header (60 - 14)" \
	"46 None" \
	'" ".join(map(str, [r[0]["retval"], r[0].get("retval_name")]))' \
	--prog sock_len --run sock_len
expect "socket filter text: a plain number, and no 'rewritten' for the zeroed Ethernet header" 0 \
	'^rawload: run sock_len: retval 86, [0-9]+ ns, 100 bytes out$' \
	$RAWLOAD $O --prog sock_len --run sock_len --data "$TMP/udp100.bin"

# ---- several runs: inputs before any --run go to the runs they fit ----------
runj "two runs: --repeat before any --run goes to xdp, not to syscall" \
	"sum 42 xdp_filter 3 3" \
	'" ".join(map(str, [r[0]["run"], r[0]["retval"], r[1]["run"], r[1]["repeat"], m("proto_count")[17]]))' \
	--prog sum --prog xdp_filter --repeat 3 --run sum --ctx "$TMP/args.bin" --run xdp_filter

# ---- --explain ---------------------------------------------------------------
$RAWLOAD $O --prog xdp_filter --run xdp_filter --repeat 5 --explain >"$TMP/explain.txt" 2>&1
for want in '^  \[run\] bpf\(BPF_PROG_TEST_RUN, \{prog_fd=[0-9]+, data_in=<60 bytes>, data_size_in=60, data_out=<buffer>, repeat=5\} -> \{retval=1, duration=[0-9]+, data_size_out=60\}\) = 0$' \
	"^           # run 'xdp_filter' \(XDP\) on the built-in packet, repeated$" \
	'^rawload: step [0-9]+/[0-9]+ run$'; do
	grep -qE -- "$want" "$TMP/explain.txt" && ok "--explain: /$want/" ||
		bad "--explain" "no line /$want/ in: $(grep -A3 'step 14' "$TMP/explain.txt")"
done
expect "--explain: a syscall program's context, in and back in place" 0 \
	'\[run\] bpf\(BPF_PROG_TEST_RUN, \{prog_fd=[0-9]+, ctx_in=<12 bytes>, ctx_size_in=12\} -> \{retval=42, duration=0\}\) = 0' \
	$RAWLOAD $O --prog sum --run sum --ctx "$TMP/args.bin" --explain

# ---- errors ------------------------------------------------------------------
expect "unknown program: exit 2, named" 2 "--run nosuch: no program of that name" \
	$RAWLOAD $O --run nosuch
expect "a subprogram is no program to run" 2 "--run .*: no program of that name" \
	$RAWLOAD $P/subprogs.bpf.o --run "$($RAWLOAD inspect $P/subprogs.bpf.o --json |
		python3 -c 'import json,sys; print([p["name"] for p in json.load(sys.stdin)["programs"] if p["subprogram"]][0])')"
expect "unreadable --data: exit 2, named" 2 "--run xdp_filter: --data '/nonexistent': cannot open: ENOENT" \
	$RAWLOAD $O --prog xdp_filter --run xdp_filter --data /nonexistent
expect "--data for a syscall program: exit 2" 2 "a SYSCALL program runs on no packet; its input is --ctx FILE" \
	$RAWLOAD $O --run sum --data "$TMP/tcp.bin"
expect "--repeat for a syscall program: exit 2" 2 "runs a SYSCALL program exactly once" \
	$RAWLOAD $O --run sum --repeat 2 --ctx "$TMP/args.bin"
expect "stdin for two inputs: exit 2" 2 "'-' \(stdin\) can be read only once" \
	$RAWLOAD $O --run sum --ctx - --run xdp_filter --data - </dev/null
expect "a syscall program without its context: the kernel refuses (1), with the fix" 1 \
	"--run sum \(SYSCALL, section 'syscall'\): BPF_PROG_TEST_RUN \(data_size_in 0, ctx_size_in 0, repeat 0\): EINVAL .*; a SYSCALL program takes only --ctx FILE" \
	$RAWLOAD $O --prog sum --run sum
expect "a bad __sk_buff: the kernel refuses (1), naming the struct" 1 \
	"EINVAL .*the --ctx struct __sk_buff" \
	$RAWLOAD $O --prog tc_len --run tc_len --ctx "$TMP/args.bin"
expect "a tracepoint program cannot be run on demand: exit 1, said so" 1 \
	"--run hello_tp \(TRACEPOINT, section 'tracepoint/syscalls/sys_enter_execve'\): BPF_PROG_TEST_RUN .*: ENOTSUPP .*; the kernel cannot run TRACEPOINT programs on demand \(the type has no test_run\): attach it instead" \
	$RAWLOAD $P/hello.bpf.o --prog hello_tp --run hello_tp
expect "the same with --no-attach (printk.bpf.o)" 1 \
	"the kernel cannot run TRACEPOINT programs on demand" \
	$RAWLOAD $P/printk.bpf.o --no-attach --run "$($RAWLOAD inspect $P/printk.bpf.o --json |
		python3 -c 'import json,sys; print([p["name"] for p in json.load(sys.stdin)["programs"] if not p["subprogram"]][0])')"

# bpf_ksym_exists() on weak kfuncs: true for one the kernel has (an
# ld_imm64 of its vmlinux BTF id), false for one it lacks, whose guarded
# call is then dead code (ksym_exists.bpf.c).
$RAWLOAD $P/ksym_exists.bpf.o --run probe --dump-maps --json >"$TMP/kx.json" 2>"$TMP/kx.err" ||
	bad "ksym_exists: rawload" "$(tail -3 "$TMP/kx.err")"
kx() { val "$TMP/kx.json" ".maps[]|select(.name==\"$1\")|.entries[0].value.$2"; }
check "bpf_ksym_exists(bpf_rcu_read_lock), a kfunc the kernel has, is true" "$(kx .data have_rcu)" "v == 1"
check "bpf_ksym_exists() of a weak kfunc the kernel lacks is false" "$(kx .data have_missing)" "v == 0"
check "  and its guarded call is dropped, never made" "$(kx .bss called_missing)" "v == 0"

# A timer callback that re-arms itself names itself by address, which is
# no recursion (the selftests' timer.c; rawload once refused it as one):
# after --run arm the timer fires, and tick() re-arms it until 5 ticks.
$RAWLOAD $P/timer_rearm.bpf.o --run arm --duration 1 --dump-maps --json >"$TMP/tr.json" 2>"$TMP/tr.err" ||
	bad "timer_rearm: rawload" "$(tail -3 "$TMP/tr.err")"
check "a timer callback that re-arms itself loads, and ticks 5 times" \
	"$(val "$TMP/tr.json" '.maps[]|select(.name==".bss")|.entries[0].value.ticks')" "v == 5"

finish
