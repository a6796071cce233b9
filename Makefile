# rawload - an eBPF loader on the raw bpf() syscall.
#
#   make            build ./rawload (statically linked, against libc only)
#   make test       build and run every test; ends with "N passed, N failed"
#   make deps       install the Debian packages (scripts/deps.sh, as root)
#
# Objects go to build/ (the normal build) and build/asan/ (the unit tests and
# a second rawload, built with AddressSanitizer + UBSan for hostile input).

VERSION  := 0.1.0
CC       ?= gcc
CFLAGS   ?= -O2 -g
WARN     := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral
CPPFLAGS := -std=c11 -D_GNU_SOURCE -I. -DRAWLOAD_VERSION='"$(VERSION)"'
ASAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

B        := build
LIB_SRC  := $(sort $(wildcard elf/*.c relo/*.c host/*.c bpf/*.c))
CLI_SRC  := $(sort $(wildcard attach/*.c show/*.c loader/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))
HDRS     := $(wildcard elf/*.h relo/*.h host/*.h bpf/*.h attach/*.h show/*.h loader/*.h tests/unit/*.h)

LIB_OBJ      := $(LIB_SRC:%.c=$(B)/%.o)
CLI_OBJ      := $(CLI_SRC:%.c=$(B)/%.o)
ASAN_LIB_OBJ := $(LIB_SRC:%.c=$(B)/asan/%.o)
ASAN_CLI_OBJ := $(CLI_SRC:%.c=$(B)/asan/%.o)
UNIT_OBJ     := $(UNIT_SRC:%.c=$(B)/asan/%.o)

# BPF test programs: clang-19 where Debian has it, else the default clang.
CLANG    ?= $(shell command -v clang-19 || command -v clang)
BPFTOOL  ?= $(shell command -v bpftool || echo /usr/sbin/bpftool)
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
BPF_CFLAGS := -target bpf -g -O2 -Wall -Wno-unused-function -I$(B)/progs -Itests/progs \
              -fdebug-prefix-map=$(CURDIR)=. \
              -D__TARGET_ARCH_x86 -I/usr/include/$(shell $(CC) -dumpmachine)
PROG_SRC := $(sort $(wildcard tests/progs/*.bpf.c))
PROG_OBJ := $(PROG_SRC:tests/progs/%.c=$(B)/progs/%.o)

.PHONY: all test unit e2e deps clean progs asan install bench usdt-targets docs-progs
all: rawload

# rawload is linked statically, against libc alone: a loader is a short
# process, and at every start the dynamic linker's symbol lookups were half
# the user-space instructions of a small load (bench/notes.md).
# $(B)/rawload-dyn is the same objects linked dynamically, for valgrind,
# which cannot see malloc and free inside a static binary.
RAWLOAD_LDFLAGS ?= -static
rawload: $(LIB_OBJ) $(CLI_OBJ)
	$(CC) $(CFLAGS) $(RAWLOAD_LDFLAGS) -o $@ $^
$(B)/rawload-dyn: $(LIB_OBJ) $(CLI_OBJ)
	$(CC) $(CFLAGS) -o $@ $^

$(B)/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -c -o $@ $<

# The sanitizer build: the unit tests link against it, and the e2e-asan
# stage (tests/e2e/run.sh --asan) runs every e2e script with build/asan/rawload.
$(B)/asan/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -O1 -g $(ASAN) $(WARN) -c -o $@ $<

$(B)/asan/rawload: $(ASAN_LIB_OBJ) $(ASAN_CLI_OBJ)
	$(CC) $(ASAN) -o $@ $^
asan: $(B)/asan/rawload

# Unit tests: Check, plus libelf as the ELF reader's independent oracle.
$(B)/asan/tests/unit/%.o: CPPFLAGS += $(shell pkg-config --cflags check libelf)
# show/disasm.c is pure (instructions in, text out): unit-tested too.
$(B)/unit: $(UNIT_OBJ) $(ASAN_LIB_OBJ) $(B)/asan/show/disasm.o
	$(CC) $(ASAN) -o $@ $^ $(shell pkg-config --libs check libelf)

# vmlinux.h for the test programs, generated from the running kernel's BTF;
# never committed.
$(B)/progs/vmlinux.h:
	@mkdir -p $(dir $@)
	@test -x "$(BPFTOOL)" || { echo "bpftool not found: run 'make deps'" >&2; exit 1; }
	$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@

$(B)/progs/.clang-ok:
	@mkdir -p $(dir $@)
	@test -n "$(CLANG)" || { echo "no clang found: run 'make deps'" >&2; exit 1; }
	@echo 'int x;' | $(CLANG) -target bpf -x c -c -o /dev/null - 2>/dev/null || \
	  { echo "$(CLANG) cannot build for -target bpf: install clang/llvm ('make deps')" >&2; exit 1; }
	@touch $@

$(B)/progs/%.bpf.o: tests/progs/%.bpf.c $(B)/progs/vmlinux.h $(B)/progs/.clang-ok $(wildcard tests/progs/*.h)
	$(CLANG) $(BPF_CFLAGS) -c -o $@ $<

progs: $(PROG_OBJ)

# docs/core.md's object: tests/progs/core.bpf.c compiled against the
# vmlinux.h of Debian 12's 6.12 kernel (its BTF taken from the package by
# scripts/extract-btf.sh), not the running kernel's, so the relocations the
# document shows are the same on every machine.
$(B)/vm/btf/%.btf:
	bash scripts/vm/fetch-kernels.sh $* >/dev/null
	bash scripts/extract-btf.sh $*
$(B)/docs/vmlinux.h: $(B)/vm/btf/6.12.btf
	@mkdir -p $(dir $@)
	$(BPFTOOL) btf dump file $< format c > $@.tmp && mv $@.tmp $@
$(B)/docs/core.bpf.o: tests/progs/core.bpf.c $(B)/docs/vmlinux.h $(B)/progs/.clang-ok $(wildcard tests/progs/*.h)
	$(CLANG) -I$(B)/docs $(BPF_CFLAGS) -c -o $@ $<
docs-progs: $(B)/docs/core.bpf.o $(B)/vm/btf/6.1.btf

# USDT targets for tests/e2e/t_usdt.sh: the same probes in a PIE (ET_DYN),
# a -no-pie executable (ET_EXEC), and with the semaphore-guarded probe in
# a shared library. -O2, so the argument operands are what optimized code
# has (registers, stack slots), not -O0's frame-pointer loads.
USDT_TARGETS := $(B)/e2e/usdt_target $(B)/e2e/usdt_target_exec $(B)/e2e/usdt_target_lib \
		$(B)/e2e/usdt_target_sib
USDT_SRC := tests/e2e/usdt_target.c tests/e2e/usdt_target_sema.c
$(B)/e2e/usdt_target: $(USDT_SRC)
	@mkdir -p $(dir $@)
	$(CC) -O2 -g $(WARN) -o $@ $(USDT_SRC)
$(B)/e2e/usdt_target_exec: $(USDT_SRC)
	@mkdir -p $(dir $@)
	$(CC) -O2 -g $(WARN) -no-pie -o $@ $(USDT_SRC)
$(B)/e2e/libusdt_sema.so: tests/e2e/usdt_target_sema.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g $(WARN) -fPIC -shared -o $@ $<
$(B)/e2e/usdt_target_lib: tests/e2e/usdt_target.c $(B)/e2e/libusdt_sema.so
	@mkdir -p $(dir $@)
	$(CC) -O2 -g $(WARN) -o $@ $< -L$(B)/e2e -lusdt_sema -Wl,-rpath,'$$ORIGIN'
# a base + index * scale argument (tests/e2e/usdt_target_sib.c)
$(B)/e2e/usdt_target_sib: tests/e2e/usdt_target_sib.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g $(WARN) -o $@ $<
usdt-targets: $(USDT_TARGETS)

# VM tests on Debian's 6.1, 6.1-rt and 6.12 kernels (tests/vm, scripts/vm).
include tests/vm/Makefile.inc

# Fuzzing (tests/fuzz): make fuzz, fuzz-smoke; the replay runs in make test.
include tests/fuzz/Makefile.inc

# make install (PREFIX, DESTDIR): the binary, the man page, bash completion.
include docs/Makefile.inc

# Benchmarks against libbpf (bench/): `make bench`, never part of make test.
include bench/Makefile.inc

# The libbpf-based reference loader and kernel dumper (test-only).
include tests/oracle/Makefile.inc
$(B)/oracle/%.bpf.o: tests/oracle/%.bpf.c $(B)/progs/vmlinux.h $(B)/progs/.clang-ok
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -c -o $@ $<
ORACLE_PROGS := $(patsubst tests/oracle/%.c,$(B)/oracle/%.o,$(wildcard tests/oracle/*.bpf.c))

# The kernel's BPF selftests against libbpf (tests/selftests).
include tests/selftests/Makefile.inc

test: rawload $(B)/rawload-dyn $(B)/asan/rawload $(B)/unit $(PROG_OBJ) $(USDT_TARGETS) oracle $(ORACLE_PROGS) $(VM_HELPERS) vm-kernels docs-progs selftests
	@bash tests/run.sh

deps:
	bash scripts/deps.sh

clean:
	rm -rf $(B) rawload
