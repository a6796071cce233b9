#!/usr/bin/env bash
# scripts/selftests-build.sh - compile the kernel's BPF selftests, programs
# nobody in this project wrote, for tests/selftests/compare.sh.
#
#   scripts/selftests-build.sh [OUTDIR]      (default build/selftests)
#
# Source: Debian's linux-source-6.1 package (make deps installs it), whose
# tarball holds tools/testing/selftests/bpf/progs/*.c. Only what the
# programs include is unpacked: the selftests folder, tools/lib/bpf (the
# BPF-side headers of the libbpf of that tree), tools/include (its UAPI
# copy) and scripts/bpf_doc.py, which writes bpf_helper_defs.h from the
# UAPI bpf.h as libbpf's own Makefile does.
#
# Flags: those of the selftests Makefile's test_progs build (CLANG_BPF_BUILD_RULE
# with TRUNNER_BPF_CFLAGS): -g -Werror -O2 -target bpf -mcpu=v3, clang's host
# include dirs appended with -idirafter, -DENABLE_ATOMICS_TESTS, and
# -fno-inline for the two *_noinline tests. vmlinux.h is the running
# kernel's (build/progs/vmlinux.h), as a user would build on this machine;
# a program that uses a field a newer kernel dropped does not compile, and
# is listed as such.
#
# Output: OUTDIR/obj/NAME.bpf.o for each program that compiles, and
# OUTDIR/compile-failed.txt: one line "NAME: first error" for each that
# does not (sorted). Compiling is parallel over the CPUs and incremental:
# an object newer than its source and the headers is kept.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${1:-build/selftests}
TARBALL=${SELFTESTS_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
CLANG=${CLANG:-$(command -v clang-19 || command -v clang)}
VMLINUX_H=build/progs/vmlinux.h
JOBS=${JOBS:-$(nproc)}

if [ ! -r "$TARBALL" ]; then
	echo "selftests-build: no $TARBALL: install linux-source-6.1 (make deps)" >&2
	exit 1
fi
if [ ! -r "$VMLINUX_H" ]; then
	echo "selftests-build: no $VMLINUX_H: run 'make progs' first" >&2
	exit 1
fi

src=$OUT/src
top=linux-source-6.1
if [ ! -e "$src/.unpacked" ] || [ "$TARBALL" -nt "$src/.unpacked" ]; then
	rm -rf "$src"
	mkdir -p "$src"
	tar -xJf "$TARBALL" -C "$src" --strip-components=1 --wildcards \
		"$top/tools/testing/selftests/bpf/*" "$top/tools/lib/bpf/*" \
		"$top/tools/include/*" "$top/scripts/bpf_doc.py"
	touch "$src/.unpacked"
fi

# The include dir of the selftests Makefile (its INCLUDE_DIR): vmlinux.h
# and libbpf's installed headers under bpf/.
inc=$OUT/include
mkdir -p "$inc/bpf"
cp -u "$VMLINUX_H" "$inc/vmlinux.h"
for h in bpf_helpers.h bpf_tracing.h bpf_endian.h bpf_core_read.h usdt.bpf.h; do
	cp -u "$src/tools/lib/bpf/$h" "$inc/bpf/$h"
done
if [ ! -s "$inc/bpf/bpf_helper_defs.h" ]; then
	python3 "$src/scripts/bpf_doc.py" --header \
		--file "$src/tools/include/uapi/linux/bpf.h" >"$inc/bpf/bpf_helper_defs.h.tmp"
	mv "$inc/bpf/bpf_helper_defs.h.tmp" "$inc/bpf/bpf_helper_defs.h"
fi

sys_includes=$("$CLANG" -v -E - </dev/null 2>&1 |
	sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }' | tr '\n' ' ')
st=$src/tools/testing/selftests/bpf
export CLANG OUT
export CFLAGS_ALL="-g -Werror -D__TARGET_ARCH_x86 -mlittle-endian -I$inc -I$st \
-I$src/tools/include/uapi $sys_includes -Wno-compare-distinct-pointer-types \
-DENABLE_ATOMICS_TESTS -O2 -target bpf -mcpu=v3"

mkdir -p "$OUT/obj" "$OUT/err"
newest_header=$(ls -t "$st"/progs/*.h "$inc"/bpf/*.h "$inc/vmlinux.h" | head -n 1)
export newest_header

# One program: compile if stale; on failure keep clang's first error.
compile_one() {
	local c=$1 name extra=""
	name=$(basename "$c" .c)
	local o=$OUT/obj/$name.bpf.o e=$OUT/err/$name.txt
	if [ -e "$o" ] && [ "$o" -nt "$c" ] && [ "$o" -nt "$newest_header" ]; then
		return 0
	fi
	case $name in test_l4lb_noinline | test_xdp_noinline) extra=-fno-inline ;; esac
	rm -f "$o" "$e"
	# shellcheck disable=SC2086 # CFLAGS_ALL is a word list
	if ! $CLANG $CFLAGS_ALL $extra -c "$c" -o "$o.tmp" 2>"$e.full"; then
		rm -f "$o.tmp"
		{ grep -m1 'error:' "$e.full" || echo "clang failed"; } |
			sed -E 's|^.*/progs/||' >"$e"
	else
		mv "$o.tmp" "$o"
	fi
	rm -f "$e.full"
}
export -f compile_one

ls "$st"/progs/*.c | xargs -P "$JOBS" -I{} bash -c 'compile_one "$1"' _ {}

for e in "$OUT"/err/*.txt; do
	[ -e "$e" ] || continue
	printf '%s: %s\n' "$(basename "$e" .txt)" "$(cat "$e")"
done | sort >"$OUT/compile-failed.txt"
nsrc=$(ls "$st"/progs/*.c | wc -l)
nobj=$(ls "$OUT"/obj/*.bpf.o | wc -l)
echo "selftests-build: $nobj of $nsrc programs compiled; $(wc -l <"$OUT/compile-failed.txt") did not ($OUT/compile-failed.txt)"
