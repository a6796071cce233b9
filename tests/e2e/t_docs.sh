#!/usr/bin/env bash
# The documents cannot drift from the code: every example block in README.md
# and docs/*.md is rerun and compared (scripts/docs-examples --check), the man
# page renders without warnings and names every option --help names, the
# bash completion parses and completes, `make install` installs the three
# files, and every file path the documents mention exists. Root: the
# examples load programs.
cd "$(dirname "$0")/../.." && . tests/e2e/lib.sh
DOCS=(README.md docs/*.md)

# 0. The 6.1 and 6.12 kernels' BTF for docs/core.md, extracted from the VM
#    kernel packages (make vm-kernels fetches them); a no-op when up to date.
for k in 6.1 6.12; do
	if out=$(bash scripts/extract-btf.sh $k 2>&1) && [ -s build/vm/btf/$k.btf ]; then
		ok "extract-btf: build/vm/btf/$k.btf ($(wc -c <build/vm/btf/$k.btf) bytes)"
	else
		bad "extract-btf $k" "$out (run 'make vm-kernels KERNEL=$k')"
	fi
done
[ -s build/docs/core.bpf.o ] || bad "build/docs/core.bpf.o" "missing: run 'make docs-progs'"

# 1. Every example, rerun. One check per document, naming the first drift.
for d in "${DOCS[@]}"; do
	out=$(bash scripts/docs-examples --check "$d" 2>&1)
	if [ $? -eq 0 ]; then
		ok "examples in $d: $(grep -oE '[0-9]+ example\(s\) rerun' <<<"$out"), $(grep -oE '[0-9]+ VM-only' <<<"$out") skipped"
	else
		bad "examples in $d" "$(grep -A2 -m1 '^DRIFT' <<<"$out") (scripts/docs-examples --update $d to regenerate, then review the diff)"
	fi
done
# 1b. The check holds on any kernel build. (i) Every example again, with
#     another kernel's BTF (Debian's 6.1) bound over /sys/kernel/btf/vmlinux
#     in a mount namespace of its own: nothing the documents show may come
#     from the running kernel's type ids or layouts. (ii) The documents with
#     every machine-dependent value changed (tracepoint ids, kernel BTF type
#     ids) still check, while a changed struct offset, which is no such
#     value, is reported as drift: the normalization is not a blindfold.
if [ -s build/vm/btf/6.1.btf ]; then
	out=$(unshare -m --propagation private bash -c 'mount --bind build/vm/btf/6.1.btf \
		/sys/kernel/btf/vmlinux && exec bash scripts/docs-examples --check "$@"' x "${DOCS[@]}" 2>&1)
	if [ $? -eq 0 ]; then
		ok "examples rerun with 6.1's BTF as the running kernel's: $(grep -oE '[0-9]+ example\(s\) rerun, 0 drifted' <<<"$out")"
	else
		bad "examples with 6.1's BTF as the running kernel's" "$(grep -A2 -m1 '^DRIFT' <<<"$out")"
	fi
fi
mkdir -p "$TMP/mut"
for d in "${DOCS[@]}"; do
	perl -pe 's/(type=2 \(TRACEPOINT\), config=)(\d+)/$1.($2+7)/e; s/(\(id )(\d+)\)/$1.($2+7).")"/e;
		s/((?:btf|vmlinux) \[)(\d+)\]/$1.($2+7)."]"/ge;
		s/(target_type_id .* -> )(\d+)$/$1.($2+7)/e' "$d" >"$TMP/mut/$(basename "$d")"
done
changed=$(cat "${DOCS[@]}" | diff - <(cat "$TMP"/mut/*.md) | grep -c '^>')
out=$(bash scripts/docs-examples --check "$TMP"/mut/*.md 2>&1)
if [ $? -eq 0 ] && [ "$changed" -ge 20 ]; then
	ok "examples check with $changed lines of machine-dependent values changed"
else
	bad "examples with machine-dependent values changed ($changed lines)" "$(grep -A2 -m1 '^DRIFT' <<<"$out")"
fi
sed 's/task_struct.pid (0:88)  2432 -> 2432/task_struct.pid (0:88)  2432 -> 2436/' docs/core.md >"$TMP/mut/core.md"
out=$(bash scripts/docs-examples --check "$TMP/mut/core.md" 2>&1)
if [ $? -ne 0 ] && grep -q '^DRIFT' <<<"$out"; then
	ok "a changed struct offset in docs/core.md is drift"
else
	bad "a changed struct offset in docs/core.md" "not reported: $out"
fi

n=$(cat "${DOCS[@]}" | grep -c '^<!-- example')
vm=$(cat "${DOCS[@]}" | grep -c '^<!-- example-vm')
if [ "$n" -ge 15 ] && [ "$vm" -le 3 ]; then
	ok "docs hold $n examples, $vm of them VM-only"
else
	bad "example count" "$n examples, $vm VM-only (expected >= 15 and at most 3 VM-only)"
fi
# An output block nobody reruns: a fence starting with "$ " without a marker.
unmarked=$(awk 'FNR == 1 {prev = ""} /^```/ && !inb {inb = 1; if (prev !~ /^<!-- example/) {getline l; if (l ~ /^\$ /) print FILENAME ":" FNR ": " l}; prev = $0; next}
	/^```$/ && inb {inb = 0} {prev = $0}' "${DOCS[@]}")
if [ -z "$unmarked" ]; then
	ok "every command-output block has an example marker"
else
	bad "unmarked output blocks" "$unmarked"
fi

# 2. The man page: renders with no groff warnings, has the usual sections,
#    and names every option of --help.
MAN=docs/rawload.8
if ! command -v man >/dev/null || ! command -v groff >/dev/null; then
	bad "man page" "man or groff missing: apt-get install man-db groff-base"
else
	warn=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings=w -l "$MAN" 2>&1 >"$TMP/man.txt")
	if [ -z "$warn" ] && [ -s "$TMP/man.txt" ]; then
		ok "man -l $MAN renders without warnings ($(wc -l <"$TMP/man.txt") lines)"
	else
		bad "man -l $MAN" "warnings: $warn"
	fi
	miss=
	for s in NAME SYNOPSIS DESCRIPTION SUBCOMMANDS OPTIONS "ATTACH TYPES" "EXIT STATUS" ENVIRONMENT FILES EXAMPLES; do
		grep -q "^$s" "$TMP/man.txt" || miss="$miss $s"
	done
	[ -z "$miss" ] && ok "man page has every section" || bad "man page sections" "missing:$miss"
fi
opts=$($RAWLOAD --help 2>&1 | grep -oE '(^| )--?[a-z][a-z-]*' | tr -d ' ' | sort -u)
# every way of attach.c's table, as --list-attach-types names them
types=$($RAWLOAD --list-attach-types 2>&1 | grep -oE '^[a-z_.]+' | sort -u)
[ "$(echo "$types" | wc -l)" -ge 30 ] && ok "--list-attach-types names $(echo $types | wc -w) attach types" ||
	bad "--list-attach-types" "$($RAWLOAD --list-attach-types 2>&1 | head -3)"
for t in $types; do
	$RAWLOAD --help | sed -n '/--attach TYPE/,/--prog NAME/p' | grep -qE "(^| )$t(:|\[)" ||
		bad "--help lists attach type $t" "not in --attach's lines of --help"
done
miss_man= miss_comp=
for o in $opts; do
	grep -qF -- "$o" "$TMP/man.txt" || miss_man="$miss_man $o"
	# the list the completion offers (its `local opts=` line), not any
	# mention of the option elsewhere in the script
	grep -E '^\s*local opts=' scripts/bash-completion/rawload | grep -qE -- "(\"| )$o( |\")" ||
		miss_comp="$miss_comp $o"
done
for t in $types; do
	grep -qE "^ +(.*, )?${t//./\\.}(:|\\[| )" "$TMP/man.txt" || miss_man="$miss_man $t"
	PATH="$PWD:$PATH" bash -c '. scripts/bash-completion/rawload; _rawload_attach_types' |
		grep -qxE "${t//./\\.}(:.*| .*)?" || miss_comp="$miss_comp $t"
done
[ -z "$miss_man" ] && ok "man page names every option and attach type of --help" ||
	bad "man page vs --help" "not in $MAN:$miss_man"
[ -z "$miss_comp" ] && ok "completion offers every option and attach type of --help" ||
	bad "completion vs --help" "not in the completion:$miss_comp"

# 3. Bash completion: valid bash, and the completions, with COMP_WORDS as
#    bash splits them (':' is a word break).
COMP=scripts/bash-completion/rawload
if bash -n "$COMP" 2>"$TMP/bashn"; then ok "bash -n $COMP"; else bad "bash -n $COMP" "$(cat "$TMP/bashn")"; fi
printf '%s\n' 'ffffffff81000000 T bprm_execve' 'ffffffff81000010 t bprm_execve_tail.isra.0' \
	'ffffffff81000020 D bprm_data' 'ffffffff81000030 T do_sys_openat2' >"$TMP/kallsyms"
complete_as() { # EXPECTED WORDS...: the replies, space-separated, must equal EXPECTED
	local want=$1 got
	shift
	got=$(PATH="$PWD:$PATH" RAWLOAD_KALLSYMS="$TMP/kallsyms" bash -c '. "$0"; COMP_WORDS=("$@");
		COMP_CWORD=$(($# - 1)); COMPREPLY=(); _rawload; echo "${COMPREPLY[*]}"' "$COMP" "$@" 2>&1)
	if [ "$got" = "$want" ]; then
		ok "completion: '$*' -> '$want'"
	else
		bad "completion: '$*'" "got '$got', expected '$want'"
	fi
}
complete_as "--attach" rawload --att
complete_as "kprobe: kprobe.multi: kprobe.session:" rawload x.o --attach kpro
complete_as "bprm_execve bprm_execve_tail.isra.0" rawload x.o --attach kprobe : bprm
complete_as "do_sys_openat2" rawload x.o --attach fexit : do_sys
complete_as "inspect" rawload ins
complete_as "--btf --json" rawload core x.o --
complete_as "build/progs/hello.bpf.o" rawload build/progs/hello.b
complete_as "hello hello_tp" ./rawload build/progs/hello.bpf.o --prog hello
complete_as "xdp_filter xdp_ttl" ./rawload build/progs/testrun.bpf.o --run xdp
complete_as "sys_enter_execve sys_enter_execveat" rawload x.o --attach tracepoint : syscalls : sys_enter_execv
# names from the object: variables for --set, maps for --resize/--value-size/
# --hist/--dump-maps, ring and perf buffers for --format; tc directions;
# the functions of a uprobe's file
complete_as "target_pid= target_comm=" ./rawload build/progs/globals.bpf.o --set target
complete_as "start=" ./rawload build/progs/hist.bpf.o --resize s
complete_as "stacks=" ./rawload build/progs/stacks.bpf.o --value-size st
complete_as "hists" ./rawload build/progs/hist.bpf.o --hist hi
complete_as "start hists .rodata" ./rawload build/progs/hist.bpf.o --dump-maps ""
complete_as "events=" ./rawload build/progs/maps.bpf.o --format ev
complete_as "ingress" rawload x.o --attach tc : lo : in
LIBC=$(ldd /bin/true | awk '/libc\.so/ {print $3}')
complete_as "getpid" rawload x.o --attach uprobe : "$LIBC" : getpi
# the real /proc/kallsyms: bprm_execve is a text symbol on every kernel here
got=$(bash -c '. "$0"; COMP_WORDS=(rawload x.o --attach kprobe : bprm_exec); COMP_CWORD=5; _rawload;
	echo "${COMPREPLY[*]}"' "$COMP")
if grep -qw bprm_execve <<<"$got"; then ok "completion from /proc/kallsyms: $got"; else bad "completion from /proc/kallsyms" "got '$got'"; fi

# 4. make install: the binary, the man page, the completion, where they belong.
if grep -qE '^include docs/Makefile.inc' Makefile; then
	ok "the top Makefile includes docs/Makefile.inc"
	mk=(make -s)
else
	bad "Makefile" "the top Makefile does not 'include docs/Makefile.inc' (make install)"
	mk=(make -s -f Makefile -f docs/Makefile.inc)
fi
D=$TMP/destdir
if out=$("${mk[@]}" install DESTDIR="$D" PREFIX=/usr 2>&1); then
	miss=
	for f in usr/sbin/rawload usr/share/man/man8/rawload.8 usr/share/bash-completion/completions/rawload; do
		[ -s "$D/$f" ] || miss="$miss $f"
	done
	if [ -z "$miss" ] && [ -x "$D/usr/sbin/rawload" ] && "$D/usr/sbin/rawload" --version >/dev/null; then
		ok "make install DESTDIR PREFIX=/usr: $(cd "$D" && find . -type f | sort | tr '\n' ' ')"
	else
		bad "make install" "missing:$miss"
	fi
else
	bad "make install" "$out"
fi
# The README's way to enable it: Debian's bash-completion (make deps) finds
# the installed file by the command's name, on the first Tab.
BC=/usr/share/bash-completion/bash_completion
if [ ! -r "$BC" ]; then
	bad "bash-completion" "$BC missing: 'make deps' installs the bash-completion package"
elif got=$(bash -c '. "$1"; XDG_DATA_DIRS="$2" __load_completion rawload && complete -p rawload' \
	x "$BC" "$D/usr/share" 2>&1) && [ "$got" = "complete -F _rawload rawload" ]; then
	ok "bash-completion loads the installed completion: $got"
else
	bad "bash-completion loading $D/usr/share/bash-completion/completions/rawload" "$got"
fi

# 5. Every file path the documents mention exists: link targets (relative to
#    the document) and code spans naming a path in the tree.
miss=
for d in "${DOCS[@]}"; do
	dir=$(dirname "$d")
	while read -r p; do
		p=${p%%#*}
		[ -z "$p" ] && continue
		[ -e "$dir/$p" ] || miss="$miss $d:($p)"
	done < <(grep -oE '\]\([^)#:]+(#[^)]*)?\)' "$d" | sed -E 's/^\]\(//; s/\)$//')
	while read -r p; do
		[ -e "$p" ] || miss="$miss $d:\`$p\`"
	done < <(grep -oE '`(elf|relo|bpf|loader|tests|scripts|docs|bench|build)/[A-Za-z0-9_./-]*`' "$d" |
		tr -d '`' | grep -v '[*<]' | sort -u)
done
if [ -z "$miss" ]; then
	ok "every file path in the documents exists"
else
	bad "paths in the documents" "missing:$miss"
fi

# The README's first command ends with scripts/hello.sh, rawload's main
# job: it must exit 0 and show what the BPF program printed and counted.
if [ "$(id -u)" -eq 0 ]; then
	out=$(bash scripts/hello.sh 2>&1); rc=$?
	n=$(sed -n '/^map counts/{n;s/^ *0 = //p;q}' <<<"$out")
	if [ $rc -eq 0 ] && grep -q 'bpf_trace_printk: hello from pid [0-9]' <<<"$out" &&
	   [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ]; then
		ok "scripts/hello.sh (the README's first command): printk line shown, counts = $n"
	else
		bad "scripts/hello.sh" "exit $rc: $(tail -c 600 <<<"$out")"
	fi
else
	bad "scripts/hello.sh" "needs root (it loads and attaches hello.bpf.o)"
fi

finish
