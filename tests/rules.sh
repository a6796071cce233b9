#!/usr/bin/env bash
# tests/rules.sh - the layering rules of style.md, checked on every run.
#   elf/  includes only elf/ headers      relo/ only elf/ and relo/
#   host/ only elf/err.h, elf/elf.h       relo/ opens no file of the machine
#   bpf/  includes only elf/err.h, uapi.h only loader/ and show/ print
#   attach/ only elf/ host/ bpf/          show/ only elf/ bpf/
#   the folders' include graph follows the pipeline (printed below)
#   no libbpf or libelf header in rawload's own code
set -u
cd "$(dirname "$0")/.."
pass=0 fail=0
check() { # name, command producing offending lines
	local name=$1 bad
	bad=$(eval "$2")
	if [ -z "$bad" ]; then
		pass=$((pass + 1)); echo "ok   $name"
	else
		fail=$((fail + 1)); echo "FAIL $name:"; sed 's/^/       /' <<<"$bad"
	fi
}
quote_includes() { grep -Hn '#include "' "$@" 2>/dev/null; }

check "elf/ includes only elf/" \
  "quote_includes elf/*.[ch] | grep -vE '#include \"(err|elf|btf|btf_ext|btf_internal|names|object|object_internal|secdef|uapi|usdt_arg|usdt_layout|usdt_note)\\.h\"'"
check "relo/ includes only elf/ and relo/" \
  "quote_includes relo/*.[ch] | grep -vE '#include \"(elf/[a-z_]+|[a-z_]+)\\.h\"'"
check "host/ includes only elf/err.h, elf/elf.h (the host-file reader) and host/" \
  "quote_includes host/*.[ch] | grep -vE '#include \"(elf/err|elf/elf|[a-z_]+)\\.h\"'"
check "relo/ opens no file or folder: host/ reads the machine, loader/ hands it over" \
  "grep -HnE '\\b(fopen|fdopen|opendir|open|openat|mmap)\\s*\\(' relo/*.c 2>/dev/null"
check "bpf/ includes only elf/err.h, elf/uapi.h and bpf/" \
  "quote_includes bpf/*.[ch] | grep -vE '#include \"(elf/err|elf/uapi|[a-z_]+)\\.h\"'"
check "UAPI numbers newer than Debian 12's header are defined once, in elf/uapi.h" \
  "grep -HnE '#define RL_BPF_' elf/*.[ch] relo/*.[ch] bpf/*.[ch] attach/*.[ch] show/*.[ch] loader/*.[ch] 2>/dev/null | grep -v '^elf/uapi.h:'"
check "only loader/ and show/ print" \
  "grep -HnE '\\b(printf|puts|perror|fprintf\\s*\\(\\s*std(out|err))\\b|\\bexit\\s*\\(' elf/*.c relo/*.c host/*.c bpf/*.c attach/*.c 2>/dev/null | grep -vE 'snprintf|format\\(printf'"
check "no libbpf/libelf in rawload's code" \
  "grep -HnE '#include\\s*<(bpf/|libelf|gelf)' loader elf bpf relo host attach show -r 2>/dev/null"
check "attach/ includes only elf/, host/, bpf/ and attach/" \
  "quote_includes attach/*.[ch] | grep -vE '#include \"((elf|host|bpf)/[a-z_]+|[a-z_]+)\\.h\"'"
check "show/ includes only elf/, bpf/ and show/" \
  "quote_includes show/*.[ch] | grep -vE '#include \"((elf|bpf)/[a-z_]+|[a-z_]+)\\.h\"'"
check "an include without a folder names a header of the same folder" \
  "for d in elf relo host bpf attach show loader; do quote_includes \$d/*.[ch] | sed -nE 's/^([^:]+):.*#include \"([a-z_]+\\.h)\".*/\\1 \\2/p' | while read f h; do [ -f \$d/\$h ] || echo \"\$f: \$h\"; done; done"

# The folders' include graph, every edge: none may point against the
# pipeline elf -> relo, host -> bpf -> attach, show -> loader.
echo "include graph (folder -> folders it includes):"
for d in elf relo host bpf attach show loader; do
	printf '  %-7s -> %s\n' "$d" "$(quote_includes $d/*.[ch] | sed -nE 's/.*#include "([a-z]+)\/.*/\1/p' | sort -u | grep -vx "$d" | tr '\n' ' ')"
done

check "rawload links only libc (static: no NEEDED entries)" \
  "readelf -d ./rawload | grep NEEDED"
check "rawload-dyn, the same objects linked dynamically, needs only libc" \
  "ldd build/rawload-dyn 2>&1 | grep -vE 'linux-vdso|libc\\.so|ld-linux'"
echo "rules: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
