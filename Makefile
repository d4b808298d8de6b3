# copp.h -- build, test and demo.  See README.md.
#   make demo            simulated GPU, two applications on one connector
#   make test            compile checks + every cmocka suite in every config + the demo
#   make compile-check   the header alone as C99 / C++11 with gcc and clang
#   make bench           hot paths vs their floors (table, build/bench.csv, build/bench.png)
#   make budgets         stack per entry point, object and code sizes, zero-allocation proof
#   make clean

VECTORS ?= $(abspath ../shared/vectors)
BUILD   := build
CC      ?= cc

LIBS      := -ltomcrypt -ltommath
TEST_LIBS := $(LIBS) -lcrypto -lcmocka -ljansson
WARN      := -Wall -Wextra -Wshadow -Werror
STRICT    := -O2 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wframe-larger-than=512 -Werror

# The suite runs once per configuration (jsmn-style).
CONFIGS      := default static nostdlib small openssl
CFG_default  :=
CFG_static   := -DCOPP_STATIC
CFG_nostdlib := -DCOPP_NO_STDLIB
CFG_small    := -DCOPP_NO_STRINGS -DCOPP_MAX_SESSIONS=4
CFG_openssl  := -DCOPP_TEST_OPENSSL   # real-crypto tests on the OpenSSL backend

TEST_SRC := $(wildcard tests/*.c)

.PHONY: all test demo clean deps compile-check bench budgets

# Benchmarks run at -O2 with AES-NI for the floor reference loop (x86-64 only).
BENCH_FLAGS := -std=c99 -O2 $(WARN) $(if $(filter x86_64,$(shell uname -m)),-maes,)

all: $(BUILD)/copp_demo $(addprefix $(BUILD)/copp_test-,$(CONFIGS))

# Installs missing Debian packages (idempotent; a no-op when all are present).
deps:
	@bash scripts/install-deps.sh

$(BUILD):
	@mkdir -p $(BUILD)

$(BUILD)/copp_test-%: $(TEST_SRC) copp.h | deps $(BUILD)
	$(CC) -std=c99 -g -O1 $(WARN) $(CFG_$*) -DCOPP_VECTORS_DIR='"$(VECTORS)"' tests/test_main.c -o $@ $(TEST_LIBS)

$(BUILD)/copp_demo: copp_hw_example.c copp.h | deps $(BUILD)
	$(CC) -std=c99 -g -O2 $(WARN) copp_hw_example.c -o $@ $(LIBS)

$(BUILD)/copp_bench: bench/bench.c copp.h tests/mock_hw.c tests/mock_crypto.c | deps $(BUILD)
	$(CC) $(BENCH_FLAGS) bench/bench.c -o $@ $(LIBS) -lcrypto

$(BUILD)/copp_budgets: bench/budgets.c copp.h tests/mock_hw.c tests/mock_crypto.c | deps $(BUILD)
	$(CC) $(BENCH_FLAGS) bench/budgets.c -o $@ $(LIBS) -lcrypto

bench: $(BUILD)/copp_bench
	COPP_VECTORS=$(VECTORS) $(BUILD)/copp_bench $(BUILD)/bench.csv
	@if command -v gnuplot >/dev/null 2>&1; then gnuplot bench/plot.gp && echo "plot: $(BUILD)/bench.png"; \
	 else echo "plot: gnuplot not installed, skipped (apt-get install gnuplot-nox)"; fi

# Stack per public function (-fstack-usage, -O2), code size, object sizes and
# the zero-allocation proof.
budgets: $(BUILD)/copp_budgets | deps $(BUILD)
	@printf '#define COPP_IMPLEMENTATION\n#include "copp.h"\n' > $(BUILD)/budget_core.c
	@$(CC) -std=c99 -O2 -fstack-usage -I. -c $(BUILD)/budget_core.c -o $(BUILD)/budget_core.o
	@echo "stack per public entry point (bytes, gcc -O2 -fstack-usage):"
	@grep -E ':copp_[a-z]+(_[a-z]+)*\s' $(BUILD)/budget_core.su | awk -F'\t' '{ split($$1, a, ":"); printf "  %-32s %5s\n", a[4], $$2 }' | sort -k2 -n
	@echo "code size of the core (no backend), bytes:"; size $(BUILD)/budget_core.o | awk 'NR == 2 { printf "  .text %s  .data %s  .bss %s\n", $$1, $$2, $$3 }'
	@COPP_VECTORS=$(VECTORS) $(BUILD)/copp_budgets

demo: $(BUILD)/copp_demo
	$(BUILD)/copp_demo $(VECTORS)/test_rsa2048.der

test: compile-check $(addprefix $(BUILD)/copp_test-,$(CONFIGS)) $(BUILD)/copp_demo $(BUILD)/copp_bench $(BUILD)/copp_budgets
	@set -e; for c in $(CONFIGS); do \
	  echo "== suite, config $$c"; \
	  $(BUILD)/copp_test-$$c; \
	done
	@echo "== demo"
	@$(BUILD)/copp_demo $(VECTORS)/test_rsa2048.der > $(BUILD)/demo.log || { cat $(BUILD)/demo.log; exit 1; }
	@tail -n 1 $(BUILD)/demo.log
	@echo "== bench, tiny counts (keeps it building and running; timings mean nothing here)"
	@COPP_VECTORS=$(VECTORS) $(BUILD)/copp_bench quick $(BUILD)/bench-quick.csv > $(BUILD)/bench-quick.log || { cat $(BUILD)/bench-quick.log; exit 1; }
	@echo "bench: ok"
	@echo "== budgets: no heap allocation in copp.h"
	@COPP_VECTORS=$(VECTORS) $(BUILD)/copp_budgets | tail -n 1
	@echo "== all suites passed in every config: $(CONFIGS)"

# The header alone (core, and with the libtom backend + app helpers), as C99
# and C++11, with gcc and clang, at the strict warning level; no stack frame
# over 512 bytes (-Wframe-larger-than at -O2).
compile-check: | deps $(BUILD)
	@set -e; \
	printf '#define COPP_IMPLEMENTATION\n#include "copp.h"\n' > $(BUILD)/cc_core.c; \
	printf '#define COPP_IMPLEMENTATION\n#define COPP_WITH_LIBTOM\n#define COPP_WITH_OPENSSL\n#define COPP_WITH_APP\n#include "copp.h"\n' > $(BUILD)/cc_full.c; \
	cp $(BUILD)/cc_core.c $(BUILD)/cc_core.cpp; cp $(BUILD)/cc_full.c $(BUILD)/cc_full.cpp; \
	for cc in gcc clang; do for f in core full; do \
	  $$cc -std=c99 $(STRICT) -Wstrict-prototypes -I. -c $(BUILD)/cc_$$f.c -o $(BUILD)/cc_$$f-$$cc.o; \
	  echo "ok: $$cc -std=c99 ($$f)"; done; done; \
	for cxx in g++ clang++; do for f in core full; do \
	  $$cxx -std=c++11 $(STRICT) -I. -c $(BUILD)/cc_$$f.cpp -o $(BUILD)/cc_$$f-$$cxx.o; \
	  echo "ok: $$cxx -std=c++11 ($$f)"; done; done

clean:
	rm -rf $(BUILD)
