# copp.h -- build, test and demo.  See README.md.
#   make demo            simulated GPU, two applications on one connector (TRANSCRIPT=FILE: record it;
#                        BACKEND=bearssl: the driver's crypto on the BearSSL backend)
#   make transcript-check  record the demo, replay it, find a planted divergence, no key material in it
#   make check           the fast loop: every cmocka suite (default config), the recorder suite, the compile check
#   make test            compile checks + every cmocka suite in every config + the demo
#   make compile-check   the header alone as C99 / C++11 with gcc and clang
#   make fuzz            each libFuzzer target for FUZZ_SECONDS (default 60) from its seed corpus
#   make sanitize        the suite under ASan+UBSan with gcc and clang, and under valgrind
#   make be-check        the core suites on big-endian s390x under qemu-user
#   make kmod-check      copp.h's core as an out-of-tree Linux kernel module (Kbuild, modpost)
#   make wine-check      the core suites built by mingw-w64 and run under Wine (Windows x64 ABI)
#   make vectors         regenerate tests/vectors (tools/gen_vectors.py, openssl command line)
#   make docs            regenerate docs/state-machine.{dot,svg} (transition table) and docs/api.md (header)
#   make install         copp.h, copp.pc, copp-libtom.pc, copp-openssl.pc, copp-bearssl.pc and the CMake package under PREFIX
#   make bench           hot paths vs their floors, timed (table, build/bench.csv, build/bench.png; the
#                        recorder's cost: build/bench-recorder.csv)
#   make bench-icount    the same cases as instruction counts under callgrind (build/bench-icount.csv)
#   make budgets         stack per entry point, object and code sizes, zero-allocation proof
#   make readme-figures  regenerate the figures blocks of README.md and docs/ (readme-check compares)
#   make heap-residue    key material a sequence start leaves in freed heap, per backend
#   make clean

SHELL   := /bin/bash
# Known answers: the project's own set (tests/vectors, made by `make vectors`)
# and, when it sits beside the clone, the independent second set.
VECTORS        := $(abspath tests/vectors)
SHARED_VECTORS ?= $(abspath ../shared/vectors)
VECDEFS        := -DCOPP_VECTORS_DIR='"$(VECTORS)"' -DCOPP_SHARED_VECTORS_DIR='"$(SHARED_VECTORS)"'
BUILD   := build
CC      ?= cc

LIBS      := -ltomcrypt -ltommath
TEST_LIBS := $(LIBS) -lcrypto -lbearssl -lcmocka -ljansson
WARN      := -Wall -Wextra -Wshadow -Werror
STRICT    := -O2 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wframe-larger-than=512 -Werror

# The suite runs once per configuration (jsmn-style).
CONFIGS      := default static nostdlib small openssl bearssl recorder
CFG_default  :=
CFG_static   := -DCOPP_STATIC
CFG_nostdlib := -DCOPP_NO_STDLIB
CFG_small    := -DCOPP_NO_STRINGS -DCOPP_MAX_SESSIONS=4
CFG_openssl  := -DCOPP_TEST_OPENSSL   # real-crypto tests on the OpenSSL backend
CFG_bearssl  := -DCOPP_TEST_BEARSSL   # real-crypto tests on the BearSSL backend
CFG_recorder := -DCOPP_WITH_RECORDER  # the transcript recorder compiled in; its suite (tests/test_recorder.c)

TEST_SRC := $(wildcard tests/*.c)


.PHONY: transcript-check
.PHONY: all test check demo clean deps deps-demo compile-check bench budgets fuzz fuzz-smoke fuzz-replay sanitize \
        ctgrind stress bench-icount bench-check readme-figures readme-check deps-bench install consumer-check windows-check kmod-check wine-check docs docs-check be-check heap-residue vectors vectors-check

PREFIX ?= /usr/local

FUZZ_TARGETS := signature command status videoparameters session transcript
FUZZ_SECONDS ?= 60
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all

# Benchmarks run at -O2.  Only the AES-NI floor loop uses AES instructions (a
# target attribute in bench.c), and only after CPUID says the CPU has them.
BENCH_FLAGS := -std=c99 -O2 $(WARN)

all: $(BUILD)/copp_demo $(BUILD)/coppdump $(addprefix $(BUILD)/copp_test-,$(CONFIGS))

# coppdump: print a captured COPP message field by field (tools/coppdump.c).
$(BUILD)/coppdump: tools/coppdump.c tools/copp_io.h tools/copp_transcript.h tools/copp_replay.h copp.h | deps $(BUILD)
	$(CC) -std=c99 -O2 $(WARN) tools/coppdump.c -o $@ $(LIBS)

# Installs missing Debian packages (idempotent; a no-op when all are present):
# deps-demo only what the demo needs, deps everything make test uses.
deps:
	@bash scripts/install-deps.sh

deps-demo:
	@bash scripts/install-deps.sh demo

$(BUILD):
	@mkdir -p $(BUILD)

$(BUILD)/copp_test-%: $(TEST_SRC) copp.h tools/copp_transcript.h tools/copp_replay.h | deps $(BUILD)
	$(CC) -std=c99 -g -O1 $(WARN) $(CFG_$*) $(VECDEFS) tests/test_main.c -o $@ $(TEST_LIBS)

$(BUILD)/copp_demo: copp_hw_example.c copp.h tools/copp_io.h | deps-demo $(BUILD)
	$(CC) -std=c99 -g -O2 $(WARN) copp_hw_example.c -o $@ $(LIBS)

# The same demo with the driver's crypto on the BearSSL backend (make demo BACKEND=bearssl).
$(BUILD)/copp_demo-bearssl: copp_hw_example.c copp.h tools/copp_io.h | deps-demo $(BUILD)
	$(CC) -std=c99 -g -O2 $(WARN) -DCOPP_DEMO_BEARSSL copp_hw_example.c -o $@ $(LIBS) -lbearssl

$(BUILD)/copp_bench: bench/bench.c copp.h tests/mock_hw.c tests/mock_crypto.c | deps $(BUILD)
	$(CC) $(BENCH_FLAGS) bench/bench.c -o $@ $(LIBS) -lcrypto -lbearssl

# The recorder's cost (COPP_WITH_RECORDER): its row alone, in its own build
# so that every other row is measured without the recorder compiled in.
$(BUILD)/copp_bench_rec: bench/bench.c copp.h tests/mock_hw.c tests/mock_crypto.c | deps $(BUILD)
	$(CC) $(BENCH_FLAGS) -Wno-unused-function -DBENCH_RECORDER bench/bench.c -o $@ $(LIBS) -lcrypto -lbearssl

$(BUILD)/copp_budgets: bench/budgets.c copp.h tests/mock_hw.c tests/mock_crypto.c | deps $(BUILD)
	$(CC) $(BENCH_FLAGS) bench/budgets.c -o $@ $(LIBS) -lcrypto -lbearssl

bench: $(BUILD)/copp_bench $(BUILD)/copp_bench_rec | deps-bench
	COPP_VECTORS=$(VECTORS) $(BUILD)/copp_bench $(BUILD)/bench.csv
	COPP_VECTORS=$(VECTORS) $(BUILD)/copp_bench_rec $(BUILD)/bench-recorder.csv
	gnuplot -e "dat='$(BUILD)/bench.dat'; png='$(BUILD)/bench.png'; unit='ns'" bench/plot.gp && echo "plot: $(BUILD)/bench.png"

# The same cases as instruction counts under callgrind (collection toggled by
# client requests around the measured calls): the same numbers on every run.
bench-icount: $(BUILD)/copp_bench $(BUILD)/copp_bench_rec | deps
	@rm -rf $(BUILD)/icount && mkdir -p $(BUILD)/icount
	@COPP_VECTORS=$(VECTORS) COPP_BENCH_CG_OUT=$(BUILD)/icount/cg.out valgrind -q --tool=callgrind --collect-atstart=no \
	  --callgrind-out-file=$(BUILD)/icount/cg.out $(BUILD)/copp_bench icount $(BUILD)/bench-icount.csv
	@COPP_VECTORS=$(VECTORS) COPP_BENCH_CG_OUT=$(BUILD)/icount/cg-rec.out valgrind -q --tool=callgrind --collect-atstart=no \
	  --callgrind-out-file=$(BUILD)/icount/cg-rec.out $(BUILD)/copp_bench_rec icount $(BUILD)/bench-icount-recorder.csv

# The measured figures in README.md and docs/ (marker-delimited blocks),
# regenerated from make budgets and make bench-icount; readme-check compares
# them (sizes always, the rest where the block's fingerprint is this machine's).
FIGURE_DOCS := README.md docs/integration.md docs/bench.md
readme-figures: | deps
	@python3 tools/figures.py write $(FIGURE_DOCS)

readme-check: | deps
	@python3 tools/figures.py check $(FIGURE_DOCS)

# The bench with tiny counts: its verdict rule and CSV quoting (selftest), an
# RFC 4180 table, and the AES-NI floor n/a without AES-NI (forced, and on
# qemu-user's qemu64 CPU, whose CPUID has none).
bench-check: $(BUILD)/copp_bench $(BUILD)/copp_bench_rec | deps
	@COPP_VECTORS=$(VECTORS) $(BUILD)/copp_bench quick $(BUILD)/bench-quick.csv > $(BUILD)/bench-quick.log || { cat $(BUILD)/bench-quick.log; exit 1; }
	@COPP_VECTORS=$(VECTORS) $(BUILD)/copp_bench_rec quick $(BUILD)/bench-rec-quick.csv > $(BUILD)/bench-rec-quick.log || { cat $(BUILD)/bench-rec-quick.log; exit 1; }
	@grep -q '^"\?libtom"\?,"\?command, recorder on' $(BUILD)/bench-rec-quick.csv || { echo "bench: no recorder row"; cat $(BUILD)/bench-rec-quick.csv; exit 1; }
	@$(BUILD)/copp_bench selftest
	@COPP_VECTORS=$(VECTORS) COPP_BENCH_NO_AESNI=1 $(BUILD)/copp_bench quick $(BUILD)/bench-noaes.csv > $(BUILD)/bench-noaes.log && \
	  tr -d '\r' < $(BUILD)/bench-noaes.csv | grep -q '^openssl,command vs AES-NI,ns,[0-9.]*,AES-NI CBC-MAC loop,n/a,.*,n/a$$'
	@if [ "$$(uname -m)" = x86_64 ]; then COPP_VECTORS=$(VECTORS) qemu-x86_64 -cpu qemu64 $(BUILD)/copp_bench quick $(BUILD)/bench-qemu64.csv \
	   > $(BUILD)/bench-qemu64.log 2>&1 || { cat $(BUILD)/bench-qemu64.log; exit 1; }; \
	   grep -q 'AES-NI: absent' $(BUILD)/bench-qemu64.log || { echo "bench: qemu64 reported AES-NI"; exit 1; }; fi
	@python3 -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1],newline=""))); assert all(len(x)==13 for x in r), "ragged CSV"; \
	  assert any(x[1]=="command, 64 sessions" for x in r); assert {x[12] for x in r[1:]} <= {"ok","MISS","NOISY","-","n/a"}' $(BUILD)/bench-quick.csv
	@echo "bench: ok (RFC 4180 CSV, verdicts; no crash and the AES-NI floor n/a on a CPU without AES-NI: qemu64)"

deps-bench: deps
	@bash scripts/install-deps.sh bench

# Stack per public function (-fstack-usage, -O2), code size, object sizes and
# the zero-allocation proof.
budgets: $(BUILD)/copp_budgets | deps $(BUILD)
	@printf '#define COPP_IMPLEMENTATION\n#include "copp.h"\n' > $(BUILD)/budget_core.c
	@$(CC) -std=c99 -O2 -fstack-usage -I. -c $(BUILD)/budget_core.c -o $(BUILD)/budget_core.o
	@echo "stack per public entry point (bytes, gcc -O2 -fstack-usage):"
	@grep -E ':copp_[a-z]+(_[a-z]+)*\s' $(BUILD)/budget_core.su | awk -F'\t' '{ split($$1, a, ":"); printf "  %-32s %5s\n", a[4], $$2 }' | sort -k2 -n
	@echo "code size of the core (no backend), bytes:"; size $(BUILD)/budget_core.o | awk 'NR == 2 { printf "  .text %s  .data %s  .bss %s\n", $$1, $$2, $$3 }'
	@COPP_VECTORS=$(VECTORS) $(BUILD)/copp_budgets

# libFuzzer builds (clang) and plain replay builds (any compiler, sanitized).
FUZZ_DEPS := tests/fuzz/fuzz_common.h tests/fuzz/fuzz_snap.h copp.h tests/mock_hw.c tests/mock_crypto.c tests/model.c \
             tools/copp_transcript.h tools/copp_replay.h
$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_DEPS) | deps $(BUILD)
	clang -std=c99 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $< -o $@

$(BUILD)/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay_main.c $(FUZZ_DEPS) | deps $(BUILD)
	$(CC) -std=c99 -g -O1 $(WARN) $(SAN) $< tests/fuzz/replay_main.c -o $@

# Replays every seed corpus (and anything the fuzzers saved under build/) under ASan+UBSan.
fuzz-replay: $(addprefix $(BUILD)/replay_,$(FUZZ_TARGETS))
	@set -e; for t in $(FUZZ_TARGETS); do printf '%-16s ' $$t; \
	  $(BUILD)/replay_$$t tests/fuzz/corpus/$$t $$( [ -d $(BUILD)/fuzz-corpus/$$t ] && echo $(BUILD)/fuzz-corpus/$$t ); done

fuzz: $(addprefix $(BUILD)/fuzz_,$(FUZZ_TARGETS))
	@set -e; for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(BUILD)/fuzz-corpus/$$t; cp -n tests/fuzz/corpus/$$t/* $(BUILD)/fuzz-corpus/$$t/ 2>/dev/null || true; \
	  echo "== fuzz $$t for $(FUZZ_SECONDS) s"; \
	  $(BUILD)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -artifact_prefix=$(BUILD)/fuzz-$$t- \
	    $(BUILD)/fuzz-corpus/$$t 2>&1 | grep -E 'stat::number_of_executed_units|stat::peak_rss|ERROR|SUMMARY|Done' ; \
	  test $${PIPESTATUS[0]} -eq 0; done

# The transcript fuzzer's control: the reader built without its item-length
# check (CPT_PLANTED_OVERREAD) must be caught reading past its input.
fuzz-control-transcript: | deps $(BUILD)
	@clang -std=c99 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -DCPT_PLANTED_OVERREAD \
	  tests/fuzz/fuzz_transcript.c -o $(BUILD)/fuzz_transcript-planted
	@rm -rf $(BUILD)/fuzz-planted-corpus && mkdir -p $(BUILD)/fuzz-planted-corpus && cp tests/fuzz/corpus/transcript/* $(BUILD)/fuzz-planted-corpus/
	@if $(BUILD)/fuzz_transcript-planted -max_total_time=60 -artifact_prefix=$(BUILD)/fuzz-planted- $(BUILD)/fuzz-planted-corpus \
	    > $(BUILD)/fuzz-planted.log 2>&1; then echo "fuzz_transcript: the planted over-read was NOT found"; exit 1; \
	 else grep -m1 -o 'ERROR: AddressSanitizer: [a-z-]*' $(BUILD)/fuzz-planted.log; \
	   echo "fuzz_transcript: the planted over-read (no item-length check) was found"; fi

.PHONY: fuzz-control-transcript
fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=8

# The whole suite under ASan+UBSan (gcc and clang) and under valgrind memcheck
# (every 16th bit of the sweeps and shallower exploration there: valgrind is slow).
sanitize: | deps $(BUILD)
	$(CC) -std=c99 -g -O1 $(WARN) $(SAN) $(VECDEFS) tests/test_main.c -o $(BUILD)/copp_test-asan-gcc $(TEST_LIBS)
	clang -std=c99 -g -O1 $(WARN) $(SAN) $(VECDEFS) tests/test_main.c -o $(BUILD)/copp_test-asan-clang $(TEST_LIBS)
	clang -std=c99 -g -O1 $(WARN) $(SAN) -DCOPP_TEST_OPENSSL $(VECDEFS) tests/test_main.c -o $(BUILD)/copp_test-asan-clang-openssl $(TEST_LIBS)
	clang -std=c99 -g -O1 $(WARN) $(SAN) -DCOPP_TEST_BEARSSL $(VECDEFS) tests/test_main.c -o $(BUILD)/copp_test-asan-clang-bearssl $(TEST_LIBS)
	$(BUILD)/copp_test-asan-gcc
	$(BUILD)/copp_test-asan-clang
	$(BUILD)/copp_test-asan-clang-openssl
	$(BUILD)/copp_test-asan-clang-bearssl
	COPP_TEST_SAMPLE=16 valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite $(BUILD)/copp_test-default
	@echo "== sanitize: ASan+UBSan (gcc, clang, clang+OpenSSL, clang+BearSSL) and valgrind memcheck clean"

# Constant time: secret bytes marked undefined for valgrind (copp.h's compares, wipe and
# subkey step; the BearSSL backend's MAC and RSA op on both engine pairs); the leaky control must be caught.
ctgrind: | deps $(BUILD)
	@$(CC) -std=c99 -g -O1 $(WARN) tests/ct/ctgrind.c -o $(BUILD)/ctgrind -lcrypto -lbearssl
	@valgrind -q --error-exitcode=1 $(BUILD)/ctgrind $(VECTORS)/test_rsa2048.der
	@if valgrind -q --error-exitcode=1 $(BUILD)/ctgrind --leaky > $(BUILD)/ctgrind-control.log 2>&1; then \
	   echo "ctgrind: the leaky control was NOT caught"; exit 1; \
	 else echo "ctgrind: the leaky control was caught (so the check can fail)"; fi

# The locking model under ThreadSanitizer (clang and gcc); the unlocked control must be caught.
stress: | deps $(BUILD)
	@clang -std=c99 -g -O1 -fsanitize=thread $(WARN) tests/stress/stress.c -o $(BUILD)/stress-tsan -lpthread
	@$(CC) -std=c99 -g -O1 -fsanitize=thread $(WARN) tests/stress/stress.c -o $(BUILD)/stress-tsan-gcc -lpthread
	@TSAN_OPTIONS=halt_on_error=1 $(BUILD)/stress-tsan && TSAN_OPTIONS=halt_on_error=1 $(BUILD)/stress-tsan-gcc > /dev/null
	@clang -std=c99 -g -O1 -fsanitize=thread $(WARN) -DSTRESS_NO_LOCK tests/stress/stress.c -o $(BUILD)/stress-tsan-nolock -lpthread
	@if TSAN_OPTIONS=halt_on_error=1 timeout 120 $(BUILD)/stress-tsan-nolock > $(BUILD)/stress-control.log 2>&1; then \
	   echo "stress: the unlocked control was NOT caught"; exit 1; \
	 else echo "stress: the unlocked control was caught by TSan (so the check can fail)"; fi

# Key material in freed heap after sequence starts (tests/heap/residue.c):
# none for OpenSSL and BearSSL (fail otherwise; BearSSL releases no block at
# all and leaves its scratch zero), libtom's figure printed (libtommath
# frees temporaries unwiped; see README "Key material in freed heap"), and a
# planted leak the scan must find.
$(BUILD)/residue: tests/heap/residue.c copp.h tests/mock_hw.c | deps $(BUILD)
	$(CC) -std=c99 -g -O1 $(WARN) tests/heap/residue.c -o $@ $(LIBS) -lcrypto -lbearssl

heap-residue: $(BUILD)/residue
	@$(BUILD)/residue control > $(BUILD)/residue-control.log || { cat $(BUILD)/residue-control.log; exit 1; }
	@echo "residue: the planted kDI copy and multiple of p were found (so the scan can fail)"
	@$(BUILD)/residue openssl
	@$(BUILD)/residue bearssl
	@$(BUILD)/residue libtom

# The state-machine diagram, generated from copp.h's transition table.
$(BUILD)/fsm_dot: tools/fsm_dot.c copp.h | $(BUILD)
	@$(CC) -std=c99 $(WARN) tools/fsm_dot.c -o $@

docs: $(BUILD)/fsm_dot
	$(BUILD)/fsm_dot > docs/state-machine.dot
	dot -Tsvg docs/state-machine.dot -o docs/state-machine.svg
	python3 tools/gen_api.py copp.h > docs/api.md

# The checked-in generated docs must equal what the code gives now.
docs-check: $(BUILD)/fsm_dot
	@$(BUILD)/fsm_dot | diff -u docs/state-machine.dot - && echo "ok: docs/state-machine.dot matches the transition table"
	@python3 tools/gen_api.py copp.h | diff -u docs/api.md - && echo "ok: docs/api.md matches the header comments"

# Big-endian: the core suites (mock crypto; no crypto library) cross-built
# static for s390x and run under qemu-user.  tests/be/cmocka.h stands in for
# cmocka there (no s390x cmocka without a foreign architecture on the machine).
be-check: | deps $(BUILD)
	@s390x-linux-gnu-gcc -std=c99 -O2 -static $(WARN) -DCOPP_TEST_CORE -Itests/be tests/test_main.c -o $(BUILD)/copp_test-s390x
	@qemu-s390x $(BUILD)/copp_test-s390x > $(BUILD)/be.log 2>&1 || { cat $(BUILD)/be.log; exit 1; }
	@grep -c '^\[       OK \]' $(BUILD)/be.log | xargs -I{} echo "ok: {} tests passed on big-endian s390x (qemu-user)"

# Linux kernel: tests/kmod (Kbuild) built out of tree against the installed
# headers (Debian's linux-headers-amd64; any /usr/src/linux-headers-*-amd64 or
# /lib/modules/*/build, newest first; KDIR= overrides) with the kernel's own
# flags plus -Werror -Wframe-larger-than=1024: copp.h's core under
# COPP_KERNEL and COPP_STATIC, simulated hardware, mock crypto.  modpost must
# report no unresolved symbol, and must report the planted one of the control
# build.  The module cannot be loaded here: its init flow runs in user space.
kmod-check: | deps $(BUILD)
	@set -e; kdir="$(KDIR)"; \
	  if [ -z "$$kdir" ]; then for d in $$(ls -d /usr/src/linux-headers-*-amd64 /lib/modules/*/build 2>/dev/null | sort -rV); do \
	    if [ -f "$$d/Makefile" ] && [ -f "$$d/Module.symvers" ]; then kdir=$$d; break; fi; done; fi; \
	  [ -n "$$kdir" ] || { echo "kmod-check: no kernel headers (install linux-headers-amd64)"; exit 1; }; \
	  for m in kmod kmod-control; do rm -rf $(BUILD)/$$m; mkdir -p $(BUILD)/$$m; cp tests/kmod/Kbuild tests/kmod/copp_kmod.c $(BUILD)/$$m/; done; \
	  $(MAKE) --no-print-directory -C "$$kdir" M=$(abspath $(BUILD)/kmod) COPP_ROOT=$(abspath .) modules > $(BUILD)/kmod.log 2>&1 || { cat $(BUILD)/kmod.log; exit 1; }; \
	  if grep -E 'modpost|undefined|WARNING' $(BUILD)/kmod.log | grep -v '^ *MODPOST'; then echo "kmod-check: modpost complained"; exit 1; fi; \
	  test -f $(BUILD)/kmod/copp_kmod.ko; \
	  flags=$$(tr ' ' '\n' < $(BUILD)/kmod/.copp_kmod.o.cmd | grep -E '^-(mcmodel=|mno-red-zone|mno-sse$$|mno-mmx|mno-80387|mno-avx$$|Werror$$|Wframe-larger-than=|std=|O2$$)' | tr '\n' ' '); \
	  for f in -mcmodel=kernel -mno-red-zone -mno-sse -Werror; do case " $$flags " in *" $$f "*) ;; *) echo "kmod-check: $$f not in the build"; exit 1;; esac; done; \
	  [ "$$(tr ' ' '\n' < $(BUILD)/kmod/.copp_kmod.o.cmd | grep '^-Wframe-larger-than=' | tail -n 1)" = -Wframe-larger-than=1024 ] || { echo "kmod-check: the 1024-byte frame limit is not the last"; exit 1; }; \
	  echo "ok: kernel module built against $$kdir ($$(basename $$kdir)), modpost: no unresolved symbol; flags: $$flags"; \
	  if $(MAKE) --no-print-directory -C "$$kdir" M=$(abspath $(BUILD)/kmod-control) COPP_ROOT=$(abspath .) \
	       COPP_KMOD_FLAGS=-DCOPP_KMOD_PLANT_UNRESOLVED modules > $(BUILD)/kmod-control.log 2>&1 || \
	     ! grep -q '"copp_kmod_no_such_kernel_function" .* undefined' $(BUILD)/kmod-control.log; then \
	    echo "kmod-check: modpost did not report the planted unresolved symbol"; cat $(BUILD)/kmod-control.log; exit 1; fi; \
	  echo "ok: the control's planted unresolved symbol was reported by modpost (so the check can fail)"
	@$(CC) -std=c99 -O2 $(WARN) -Wframe-larger-than=1024 tests/kmod/flow_main.c -o $(BUILD)/kmod_flow && $(BUILD)/kmod_flow

# Windows: copp.h (with its implementation) cross-built by mingw-w64, its wire
# offsets, sizes and shared constants asserted equal to mingw-w64's strmif.h
# and opmapi.h at compile time.
windows-check: | deps $(BUILD)
	@x86_64-w64-mingw32-gcc -std=c99 -O2 $(WARN) -Wno-unused-local-typedefs -c tests/compile/mingw_layout.c -o $(BUILD)/mingw_layout.o
	@echo "ok: mingw-w64 x86_64 build; AMCOPP* (strmif.h) and OPM (opmapi.h) layouts and constants match"

# Windows x64 ABI: the core suites (COPP_TEST_CORE, mock crypto,
# tests/be/cmocka.h for cmocka) cross-built by mingw-w64 and run under Wine
# (a temporary WINEPREFIX).  The planted LLP64 slip (COPP_TEST_PLANT_LLP64:
# an unsigned long holding the 64-bit epoch) must fail there and pass on
# Linux.
WINE ?= /usr/lib/wine/wine64
wine-check: | deps $(BUILD)
	@x86_64-w64-mingw32-gcc -std=c99 -O2 -static $(WARN) -DCOPP_TEST_CORE -Itests/be tests/test_main.c -o $(BUILD)/copp_test-win64.exe
	@x86_64-w64-mingw32-gcc -std=c99 -O2 -static $(WARN) -DCOPP_TEST_CORE -DCOPP_TEST_PLANT_LLP64 -Itests/be tests/test_main.c -o $(BUILD)/copp_test-win64-llp64.exe
	@$(CC) -std=c99 -O2 $(WARN) -DCOPP_TEST_CORE -DCOPP_TEST_PLANT_LLP64 -Itests/be tests/test_main.c -o $(BUILD)/copp_test-llp64
	@set -e; pfx=$$(mktemp -d /tmp/copp-wine.XXXXXX); trap 'rm -rf "$$pfx"' EXIT; export WINEPREFIX=$$pfx WINEDEBUG=-all; \
	  $(WINE) $(BUILD)/copp_test-win64.exe 2>&1 | tr -d '\r' > $(BUILD)/wine.log; rc=$${PIPESTATUS[0]}; \
	  failed=$$(sed -n 's/^\[  FAILED  \] \(test_[A-Za-z0-9_]*\)$$/\1/p' $(BUILD)/wine.log | sort | tr '\n' ' '); \
	  ok=$$(grep -c '^\[       OK \]' $(BUILD)/wine.log || true); \
	  if [ -n "$$failed" ] || [ "$$ok" -lt 50 ] || [ $$rc -ne 0 ]; then \
	    cat $(BUILD)/wine.log; echo "wine-check: failed under Wine: '$$failed', $$ok passed, exit $$rc"; exit 1; fi; \
	  echo "ok: $$ok tests passed on Windows x64 under Wine ($$($(WINE) --version 2>/dev/null))"; \
	  $(BUILD)/copp_test-llp64 abi > $(BUILD)/llp64-linux.log 2>&1 || { cat $(BUILD)/llp64-linux.log; echo "wine-check: the planted LLP64 slip failed on Linux"; exit 1; }; \
	  if $(WINE) $(BUILD)/copp_test-win64-llp64.exe abi 2>&1 | tr -d '\r' > $(BUILD)/llp64-wine.log; [ $${PIPESTATUS[0]} -eq 0 ] || \
	     ! grep -q '^\[  FAILED  \] test_abi_epoch_64_bits$$' $(BUILD)/llp64-wine.log; then \
	    cat $(BUILD)/llp64-wine.log; echo "wine-check: the planted LLP64 slip was NOT caught under Wine"; exit 1; fi; \
	  echo "ok: the planted LLP64 slip (unsigned long as the 64-bit epoch) passes on Linux and fails under Wine"

# Install through CMake (one description of the layout: CMakeLists.txt).
install: | $(BUILD)
	cmake -S . -B $(BUILD)/cmake -DCMAKE_INSTALL_PREFIX=$(PREFIX) > /dev/null
	cmake --install $(BUILD)/cmake $(if $(DESTDIR),--prefix $(DESTDIR)$(PREFIX),)

# Install into build/prefix, then build and run a consumer through pkg-config
# (copp; copp-libtom, copp-openssl and copp-bearssl, one session each on the
# test key) and through find_package (copp::copp, copp::libtom, copp::openssl,
# copp::bearssl).
consumer-check: | deps $(BUILD)
	@rm -rf $(BUILD)/prefix $(BUILD)/consumer-cmake
	@$(MAKE) --no-print-directory install PREFIX=$(abspath $(BUILD)/prefix) > /dev/null
	@set -e; PKG_CONFIG_PATH=$(abspath $(BUILD)/prefix)/share/pkgconfig; export PKG_CONFIG_PATH; \
	  $(CC) -std=c99 $(WARN) $$(pkg-config --cflags copp) tests/consumer/main.c -o $(BUILD)/consumer-pkgconfig; \
	  printf 'pkg-config copp %s: ' "$$(pkg-config --modversion copp)"; $(BUILD)/consumer-pkgconfig; \
	  for b in libtom openssl bearssl; do \
	    $(CC) -std=c99 $(WARN) $$(pkg-config --cflags copp-$$b) tests/consumer/main.c -o $(BUILD)/consumer-pkgconfig-$$b \
	      $$(pkg-config --libs copp-$$b); \
	    printf 'pkg-config copp-%s: ' $$b; $(BUILD)/consumer-pkgconfig-$$b $(VECTORS)/test_rsa2048.pem; \
	  done
	@cmake -S tests/consumer -B $(BUILD)/consumer-cmake -DCMAKE_PREFIX_PATH=$(abspath $(BUILD)/prefix) > /dev/null && \
	  cmake --build $(BUILD)/consumer-cmake > /dev/null && printf 'find_package(copp) copp::copp: ' && $(BUILD)/consumer-cmake/consumer && \
	  printf 'find_package(copp) copp::libtom: ' && $(BUILD)/consumer-cmake/consumer-libtom $(VECTORS)/test_rsa2048.der && \
	  printf 'find_package(copp) copp::openssl: ' && $(BUILD)/consumer-cmake/consumer-openssl $(VECTORS)/test_rsa2048.der && \
	  printf 'find_package(copp) copp::bearssl: ' && $(BUILD)/consumer-cmake/consumer-bearssl $(VECTORS)/test_rsa2048.der

# The project's known answers (tests/vectors), remade by the openssl command
# line through tools/gen_vectors.py; vectors-check compares a fresh
# generation with what is committed.
vectors: | deps
	python3 tools/gen_vectors.py

vectors-check: | deps
	@python3 tools/gen_vectors.py --check

# make demo TRANSCRIPT=build/demo.cpt also writes the recorded transcript
# (docs/transcript.md; coppdump --replay build/demo.cpt replays it).
# BACKEND=bearssl runs the driver's crypto on the BearSSL backend (default libtom).
BACKEND ?= libtom
DEMO_BIN := $(BUILD)/copp_demo$(if $(filter bearssl,$(BACKEND)),-bearssl,)
demo: $(DEMO_BIN)
	$(DEMO_BIN) $(VECTORS)/test_rsa2048.pem $(TRANSCRIPT)

test: compile-check $(addprefix $(BUILD)/copp_test-,$(CONFIGS)) $(BUILD)/copp_demo $(BUILD)/copp_demo-bearssl $(BUILD)/copp_bench $(BUILD)/copp_budgets \
      $(BUILD)/coppdump
	@set -e; for c in $(CONFIGS); do \
	  echo "== suite, config $$c"; \
	  $(BUILD)/copp_test-$$c; \
	done
	@echo "== known answers: tests/vectors equal a fresh generation by the openssl command line"
	@$(MAKE) --no-print-directory vectors-check
	@echo "== demo"
	@$(BUILD)/copp_demo $(VECTORS)/test_rsa2048.pem > $(BUILD)/demo.log || { cat $(BUILD)/demo.log; exit 1; }
	@tail -n 1 $(BUILD)/demo.log
	@$(BUILD)/copp_demo $(VECTORS)/test_rsa2048.der > $(BUILD)/demo-der.log || { cat $(BUILD)/demo-der.log; exit 1; }
	@if $(BUILD)/copp_demo $(VECTORS)/keys/encrypted_pkcs8.pem > $(BUILD)/demo-bad.log 2>&1; then \
	   echo "demo: an encrypted key was accepted"; exit 1; fi; \
	 : > $(BUILD)/empty.key; \
	 if $(BUILD)/copp_demo $(BUILD)/empty.key > $(BUILD)/demo-empty.log 2>&1; then echo "demo: an empty key was accepted"; exit 1; fi; \
	 grep -q 'encrypted' $(BUILD)/demo-bad.log && grep -q 'empty (0 bytes)' $(BUILD)/demo-empty.log && \
	 echo "demo: same transcript from the DER key; an encrypted and an empty key are refused with their reasons"
	@$(BUILD)/copp_demo-bearssl $(VECTORS)/test_rsa2048.der > $(BUILD)/demo-bearssl.log || { cat $(BUILD)/demo-bearssl.log; exit 1; }
	@if $(BUILD)/copp_demo-bearssl $(VECTORS)/keys/encrypted_pkcs8.der > $(BUILD)/demo-bearssl-bad.log 2>&1; then \
	   echo "demo (BearSSL): an encrypted key was accepted"; exit 1; fi
	@grep -q 'encrypted' $(BUILD)/demo-bearssl-bad.log && echo "demo on the BearSSL backend: $$(tail -n 1 $(BUILD)/demo-bearssl.log); an encrypted key refused with its reason"
	@echo "== transcript: the demo recorded, replayed, a planted divergence found, no kDI or rGH in it"
	@$(MAKE) --no-print-directory transcript-check
	@echo "== bench, tiny counts (keeps it building and running; timings mean nothing here)"
	@$(MAKE) --no-print-directory bench-check
	@echo "== budgets: no heap allocation in copp.h"
	@COPP_VECTORS=$(VECTORS) $(BUILD)/copp_budgets | tail -n 1
	@echo "== coppdump: every vector, and the inputs a user gets wrong"
	@python3 tests/test_coppdump.py $(BUILD)/coppdump $(VECTORS) $(SHARED_VECTORS)
	@echo "== README and docs figures: what make budgets and make bench-icount give now"
	@$(MAKE) --no-print-directory readme-check
	@echo "== docs: the state-machine diagram matches the code"
	@$(MAKE) --no-print-directory docs-check
	@echo "== big-endian run (s390x under qemu-user)"
	@$(MAKE) --no-print-directory be-check
	@echo "== Linux kernel module build (Kbuild, linux-headers-amd64)"
	@$(MAKE) --no-print-directory kmod-check
	@echo "== Windows cross build (mingw-w64)"
	@$(MAKE) --no-print-directory windows-check
	@echo "== Windows x64 run (mingw-w64 build under Wine)"
	@$(MAKE) --no-print-directory wine-check
	@echo "== installed copp.h through pkg-config and CMake"
	@$(MAKE) --no-print-directory consumer-check
	@echo "== key material in freed heap after a sequence start"
	@$(MAKE) --no-print-directory heap-residue
	@echo "== constant-time check (valgrind)"
	@$(MAKE) --no-print-directory ctgrind
	@echo "== locking model under ThreadSanitizer"
	@$(MAKE) --no-print-directory stress
	@echo "== fuzz corpora replayed under ASan+UBSan"
	@$(MAKE) --no-print-directory fuzz-replay
	@echo "== fuzz smoke (libFuzzer, 8 s per target)"
	@$(MAKE) --no-print-directory fuzz-smoke
	@$(MAKE) --no-print-directory fuzz-control-transcript
	@echo "== all suites passed in every config: $(CONFIGS)"
	@if [ -f $(SHARED_VECTORS)/copp_vectors.txt ]; then \
	   echo "== known answers: tests/vectors and the independent set in $(SHARED_VECTORS)"; \
	 else echo "== known answers: tests/vectors only; the second opinion was SKIPPED (no $(SHARED_VECTORS))"; fi

# Transcripts (docs/transcript.md): record the demo, print its size per call,
# replay it with zero divergence; a copy with one callback result changed
# (the second set_protection made E_FAIL) must diverge at that record, and
# one with a status tag flipped must diverge under KEEP_MAC_KEY (the tags
# re-verified); a truncated one is refused (exit 2).  The default transcript
# holds neither application's kDI nor rGH; the KEEP_MAC_KEY one does hold
# kDI (so the scan can fail).
transcript-check: $(BUILD)/copp_demo $(BUILD)/coppdump
	@set -e; T=$(BUILD)/demo.cpt; \
	COPP_DEMO_SECRETS=$(BUILD)/demo.secrets $(BUILD)/copp_demo $(VECTORS)/test_rsa2048.pem $$T > $(BUILD)/demo-rec.log || { cat $(BUILD)/demo-rec.log; exit 1; }; \
	python3 tests/transcript.py sizes $$T; \
	$(BUILD)/coppdump --replay $$T > $(BUILD)/replay.log || { tail -n 5 $(BUILD)/replay.log; exit 1; }; \
	tail -n 1 $(BUILD)/replay.log; \
	n=$$(python3 tests/transcript.py plant $$T $(BUILD)/demo-planted.cpt set_protection 1); \
	if $(BUILD)/coppdump --replay $(BUILD)/demo-planted.cpt > $(BUILD)/replay-planted.log; then echo "replay: the planted divergence was NOT found"; exit 1; fi; \
	grep -q "^DIVERGENCE at record #$$n (copp_command): the result differs" $(BUILD)/replay-planted.log || { tail -n 3 $(BUILD)/replay-planted.log; exit 1; }; \
	echo "replay: set_protection's result changed to E_FAIL in record #$$n: divergence found there"; \
	python3 tests/transcript.py secrets $$T $(BUILD)/demo.secrets || { echo "transcript: key material found"; exit 1; }; \
	COPP_DEMO_KEEP_MAC_KEY=1 COPP_DEMO_SECRETS=$(BUILD)/demo-key.secrets $(BUILD)/copp_demo $(VECTORS)/test_rsa2048.pem $(BUILD)/demo-key.cpt > /dev/null; \
	if python3 tests/transcript.py secrets $(BUILD)/demo-key.cpt $(BUILD)/demo-key.secrets > /dev/null; then echo "transcript: the scan missed the kept kDI"; exit 1; fi; \
	echo "transcript: no kDI or rGH of the demo in the default transcript (the KEEP_MAC_KEY control holds kDI: found)"; \
	$(BUILD)/coppdump --replay $(BUILD)/demo-key.cpt > $(BUILD)/replay-key.log || { tail -n 3 $(BUILD)/replay-key.log; exit 1; }; \
	n=$$(python3 tests/transcript.py flip-tag $(BUILD)/demo-key.cpt $(BUILD)/demo-key-bad.cpt); \
	if $(BUILD)/coppdump --replay $(BUILD)/demo-key-bad.cpt > $(BUILD)/replay-key-bad.log; then echo "replay: a wrong tag passed"; exit 1; fi; \
	grep -q "^DIVERGENCE at record #$$n .*not AES-CMAC under the recorded kDI" $(BUILD)/replay-key-bad.log; \
	echo "replay: KEEP_MAC_KEY transcript re-verified; a flipped tag in record #$$n is found"; \
	head -c 1000 $$T > $(BUILD)/demo-trunc.cpt; \
	if $(BUILD)/coppdump --replay $(BUILD)/demo-trunc.cpt > $(BUILD)/replay-trunc.log; then echo "replay: a truncated transcript passed"; exit 1; fi; \
	grep -q "malformed transcript" $(BUILD)/replay-trunc.log && echo "replay: a truncated transcript is refused as malformed"

# The fast loop (well under a minute): every cmocka suite in the default
# configuration beside the header compile check (compile-check), two jobs.
check:
	@$(MAKE) --no-print-directory -j2 check-suites check-recorder compile-check

.PHONY: check-suites check-recorder
check-suites: $(BUILD)/copp_test-default
	@$(BUILD)/copp_test-default > $(BUILD)/check.log 2>&1 || { grep -E 'FAILED|ERROR|LINE|error' $(BUILD)/check.log; exit 1; }
	@grep -c '^\[       OK \]' $(BUILD)/check.log | xargs -I{} echo "ok: {} cmocka tests passed (default configuration)"

check-recorder: $(BUILD)/copp_test-recorder
	@$(BUILD)/copp_test-recorder recorder > $(BUILD)/check-recorder.log 2>&1 || { grep -E 'FAILED|ERROR|LINE|error' $(BUILD)/check-recorder.log; exit 1; }
	@grep -c '^\[       OK \]' $(BUILD)/check-recorder.log | xargs -I{} echo "ok: {} recorder tests passed (COPP_WITH_RECORDER)"

# The compile matrix.  The header alone (core; with both backends and the
# app helpers; and that with the transcript recorder): gcc and clang as C99/C11/C17, g++ and clang++ as C++11/C++17,
# at the strict warning level with no stack frame over 512 bytes
# (-Wframe-larger-than at -O2).  Then: declarations in two translation units
# with the implementation in one (linked and run); COPP_STATIC exports no
# copp symbol (nm); a freestanding COPP_NO_STDLIB object (with and without
# the recorder) imports nothing at -O0 and -O2 (nm -u); a -mgeneral-regs-only build (no floating point, x86-64);
# Microsoft's own COPP spellings declared before copp.h collide with nothing.
compile-check: | deps $(BUILD)
	@set -e; \
	printf '#define COPP_IMPLEMENTATION\n#include "copp.h"\n' > $(BUILD)/cc_core.c; \
	printf '#define COPP_IMPLEMENTATION\n#define COPP_WITH_LIBTOM\n#define COPP_WITH_OPENSSL\n#define COPP_WITH_BEARSSL\n#define COPP_WITH_APP\n#include "copp.h"\n' > $(BUILD)/cc_full.c; \
	printf '#define COPP_IMPLEMENTATION\n#define COPP_NO_STDLIB\n#include "copp.h"\n' > $(BUILD)/cc_free.c; \
	printf '#define COPP_IMPLEMENTATION\n#define COPP_WITH_RECORDER\n#define COPP_WITH_LIBTOM\n#define COPP_WITH_OPENSSL\n#define COPP_WITH_BEARSSL\n#define COPP_WITH_APP\n#include "copp.h"\n' > $(BUILD)/cc_rec.c; \
	printf '#define COPP_IMPLEMENTATION\n#define COPP_NO_STDLIB\n#define COPP_WITH_RECORDER\n#include "copp.h"\n' > $(BUILD)/cc_freerec.c; \
	cp $(BUILD)/cc_core.c $(BUILD)/cc_core.cpp; cp $(BUILD)/cc_full.c $(BUILD)/cc_full.cpp; cp $(BUILD)/cc_rec.c $(BUILD)/cc_rec.cpp; \
	for cc in gcc clang; do for std in c99 c11 c17; do for f in core full rec; do \
	  $$cc -std=$$std $(STRICT) -Wstrict-prototypes -I. -c $(BUILD)/cc_$$f.c -o $(BUILD)/cc_$$f-$$cc.o; done; \
	  echo "ok: $$cc -std=$$std (core, full, recorder)"; done; done; \
	for cxx in g++ clang++; do for std in c++11 c++17; do for f in core full rec; do \
	  $$cxx -std=$$std $(STRICT) -I. -c $(BUILD)/cc_$$f.cpp -o $(BUILD)/cc_$$f-$$cxx.o; done; \
	  echo "ok: $$cxx -std=$$std (core, full, recorder)"; done; done; \
	printf '#define COPP_IMPLEMENTATION\n#define COPP_WITH_BEARSSL\n#include "copp.h"\n' > $(BUILD)/cc_br.c; cp $(BUILD)/cc_br.c $(BUILD)/cc_br.cpp; \
	gcc -std=c99 $(STRICT) -Wstrict-prototypes -I. -c $(BUILD)/cc_br.c -o $(BUILD)/cc_br.o; \
	g++ -std=c++11 $(STRICT) -I. -c $(BUILD)/cc_br.cpp -o $(BUILD)/cc_br-g++.o; \
	echo "ok: gcc -std=c99, g++ -std=c++11 (the BearSSL backend alone)"; \
	for cc in gcc clang; do \
	  $$cc -std=c99 $(STRICT) tests/compile/two_tu_a.c tests/compile/two_tu_b.c -o $(BUILD)/two_tu-$$cc; $(BUILD)/two_tu-$$cc; \
	  $$cc -std=c99 $(STRICT) -c tests/compile/static_impl.c -o $(BUILD)/static_impl-$$cc.o; \
	  if nm -g --defined-only $(BUILD)/static_impl-$$cc.o | grep -q ' copp'; then echo "COPP_STATIC exports copp symbols ($$cc)"; exit 1; fi; \
	  for o in -O0 -O2; do for f in free freerec; do \
	    $$cc -std=c99 $$o -ffreestanding -fno-builtin -Wall -Wextra -Werror -I. -c $(BUILD)/cc_$$f.c -o $(BUILD)/cc_$$f-$$cc.o; \
	    if [ -n "$$(nm -u $(BUILD)/cc_$$f-$$cc.o)" ]; then echo "freestanding $$cc $$o ($$f) imports:"; nm -u $(BUILD)/cc_$$f-$$cc.o; exit 1; fi; \
	  done; done; \
	  if [ "$$(uname -m)" = x86_64 ]; then $$cc -std=c99 -O2 -mgeneral-regs-only -Wall -Wextra -Werror -I. -c $(BUILD)/cc_core.c -o $(BUILD)/cc_gro-$$cc.o; fi; \
	  $$cc -std=c99 -Wall -Wextra -Werror -c tests/compile/ms_names.c -o $(BUILD)/ms_names-$$cc.o; \
	  echo "ok: $$cc two-TU link, COPP_STATIC exports nothing, freestanding imports nothing, general-regs-only, Microsoft names"; \
	done

clean:
	rm -rf $(BUILD)
