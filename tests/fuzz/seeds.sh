#!/usr/bin/env bash
# tests/fuzz/seeds.sh OUTDIR OBJ... - cut the fuzzers' seeds from built BPF
# objects (make fuzz-seeds runs it; the results are never committed):
#   fuzz_elf, fuzz_object, fuzz_core,  the objects themselves; fuzz_elf also
#   fuzz_names
#                                      build/e2e/usdt_target, a program with
#                                      USDT notes (elf/usdt_note.c's input)
#   fuzz_btf                           each object's .BTF section
#   fuzz_btf_ext                       u32 len(.BTF) | .BTF | .BTF.ext
set -eu
out=$1; shift
objcopy=${FUZZ_OBJCOPY:-llvm-objcopy-19}
rm -rf "$out"
mkdir -p "$out"/{fuzz_elf,fuzz_object,fuzz_core,fuzz_names,fuzz_btf,fuzz_btf_ext}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -f build/e2e/usdt_target ] && cp build/e2e/usdt_target "$out/fuzz_elf/usdt_target"
for o in "$@"; do
	n=$(basename "$o" .bpf.o)
	cp "$o" "$out/fuzz_elf/$n"
	cp "$o" "$out/fuzz_object/$n"
	cp "$o" "$out/fuzz_core/$n"
	cp "$o" "$out/fuzz_names/$n"
	rm -f "$tmp/btf" "$tmp/ext"
	"$objcopy" --dump-section .BTF="$tmp/btf" "$o" "$tmp/o" 2>/dev/null || continue
	cp "$tmp/btf" "$out/fuzz_btf/$n"
	"$objcopy" --dump-section .BTF.ext="$tmp/ext" "$o" "$tmp/o" 2>/dev/null || continue
	python3 - "$tmp/btf" "$tmp/ext" "$out/fuzz_btf_ext/$n" <<'PY'
import struct, sys
btf = open(sys.argv[1], 'rb').read()
ext = open(sys.argv[2], 'rb').read()
open(sys.argv[3], 'wb').write(struct.pack('<I', len(btf)) + btf + ext)
PY
done
