#!/usr/bin/env bash
# Hostile objects through the whole binary, built with ASan+UBSan+LSan:
# exit status 2, a message naming the file and what is wrong, no crash,
# no out-of-bounds read, no leak (LeakSanitizer fails the run on a leak).
cd "$(dirname "$0")/../.." && . tests/e2e/lib.sh
# Appended, so what tests/e2e/run.sh --asan set (log_path) still holds.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1:exitcode=99
src=$P/hello.bpf.o
size=$(stat -c %s $src)

for n in 0 1 16 63 64 65 200 $((size / 2)) $((size - 64)) $((size - 1)); do
	head -c $n $src >"$TMP/t$n.bpf.o"
	expect "truncated to $n bytes: exit 2 with a message" 2 "^rawload: $TMP/t$n.bpf.o: " \
		$ASAN_RAWLOAD inspect "$TMP/t$n.bpf.o"
done
printf 'not an elf file at all, just text\n' >"$TMP/text.bpf.o"
expect "not ELF" 2 'not an ELF file' $ASAN_RAWLOAD inspect "$TMP/text.bpf.o"
cp $src "$TMP/be.bpf.o" && printf '\002' | dd of="$TMP/be.bpf.o" bs=1 seek=5 conv=notrunc status=none
expect "big-endian object" 2 'big-endian ELF \(clang -target bpfeb\) is not supported' \
	$ASAN_RAWLOAD inspect "$TMP/be.bpf.o"
cp $src "$TMP/sh.bpf.o" && printf '\010\000' | dd of="$TMP/sh.bpf.o" bs=1 seek=58 conv=notrunc status=none
expect "e_shentsize = 8" 2 'e_shentsize is 8' $ASAN_RAWLOAD inspect "$TMP/sh.bpf.o"
expect "a directory is not an object" 2 'not a regular file' $ASAN_RAWLOAD inspect "$TMP"
expect "load of a bad object is also exit 2" 2 'big-endian' $ASAN_RAWLOAD "$TMP/be.bpf.o" --no-attach
expect "BTF the kernel would refuse (unused info bits) is refused first, exit 2" 2 \
	"'.BTF': type \[25\] FWD: info 0x67000000 has bits set outside kind_flag" \
	$ASAN_RAWLOAD tests/fuzz/regressions/fuzz_object/datasec-var-void-sanitize --no-attach
expect "an array map of 16 TiB is refused before the kernel (exit 2)" 2 \
	"map 'enormous': 4294967295 entries of 4096 bytes is 16777215 MiB" \
	$ASAN_RAWLOAD $P/bad_maps.bpf.o --no-attach
expect "a hash map with a 0-byte key is refused before the kernel (exit 2)" 2 \
	"map 'keyless': a HASH map needs a key, and key_size is 0" \
	$ASAN_RAWLOAD $P/bad_maps.bpf.o --no-attach --resize enormous=1
expect "recursive subprograms: exit 2 naming them" 2 "'odd' calls 'even' recursively" \
	$ASAN_RAWLOAD $P/bad_recursion.bpf.o --no-attach
out=$($ASAN_RAWLOAD $P/bad_recursion.bpf.o --no-attach --explain 2>&1)
if grep -q 'bpf(' <<<"$out"; then
	bad "a bad object never reaches the kernel" "$(grep 'bpf(' <<<"$out" | head -3)"
else
	ok "a bad object never reaches the kernel (no bpf() call in --explain)"
fi
finish
