#!/usr/bin/env bash
# `rawload inspect`: every test object, text and JSON, checked for content.
cd "$(dirname "$0")/../.." && . tests/e2e/lib.sh

for o in $P/*.bpf.o; do
	n=$(basename "$o")
	expect "inspect $n" 0 '^programs \(' $ASAN_RAWLOAD inspect "$o"
	if $ASAN_RAWLOAD inspect --json "$o" >"$TMP/j" 2>&1 &&
	   python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/j"; then
		ok "inspect --json $n is valid JSON"
	else
		bad "inspect --json $n" "$(head -c 300 "$TMP/j")"
	fi
done

expect "hello: kprobe program with its target" 0 \
	'hello +kprobe/do_execve +KPROBE .*target=do_execve' $RAWLOAD inspect $P/hello.bpf.o
expect "hello: license" 0 'license "GPL"' $RAWLOAD inspect $P/hello.bpf.o
expect "hello: .rodata map named like libbpf" 0 'hello\.rodata' $RAWLOAD inspect $P/hello.bpf.o
expect "maps: ringbuf" 0 'RINGBUF' $RAWLOAD inspect $P/maps.bpf.o
expect "maps: map of maps has its inner map" 0 'inner map: ' $RAWLOAD inspect $P/maps.bpf.o
expect "maps: pinning by name" 0 'pinning by-name' $RAWLOAD inspect $P/maps.bpf.o
expect "tailcall: .values slots" 0 '\[1\] = tail_one' $RAWLOAD inspect $P/tailcall.bpf.o
expect "globals: .bss variables" 0 'globals\.bss' $RAWLOAD inspect $P/globals.bpf.o
expect "globals: custom .data section" 0 '\.data\.custom' $RAWLOAD inspect $P/globals.bpf.o
expect "subprogs: static and global subprograms" 0 'subprog static' $RAWLOAD inspect $P/subprogs.bpf.o
expect "core: CO-RE relocation count" 0 'BTF.ext: [0-9]+ func_info, [0-9]+ line_info, [1-9][0-9]* CO-RE' \
	$RAWLOAD inspect $P/core.bpf.o
expect "externs: kconfig and weak" 0 'LINUX_KERNEL_VERSION +kconfig' $RAWLOAD inspect $P/externs.bpf.o
expect "xdp_tc: XDP expected attach type" 0 'XDP +.*expected_attach_type=XDP' $RAWLOAD inspect $P/xdp_tc.bpf.o
# map flags by name, as plan and --explain print them (elf/object.c,
# obj_map_flags_str): BPF_F_LINK (1 << 13) of a .struct_ops.link map
expect "map flags by name: NO_PREALLOC" 0 '^  first_seen +.* flags NO_PREALLOC ' \
	$RAWLOAD inspect $P/maps.bpf.o
expect "map flags by name: LINK (.struct_ops.link)" 0 '^  rl_cc +.*STRUCT_OPS .* flags LINK ' \
	$RAWLOAD inspect $P/struct_ops.bpf.o
finish
