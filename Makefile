# copp.h -- build, test and demo.  See README.md.
#   make demo            simulated GPU, two applications on one connector
#   make test            compile checks + every cmocka suite in every config + the demo
#   make compile-check   the header alone as C99 / C++11 with gcc and clang
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

.PHONY: all test demo clean deps compile-check

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

demo: $(BUILD)/copp_demo
	$(BUILD)/copp_demo $(VECTORS)/test_rsa2048.der

test: compile-check $(addprefix $(BUILD)/copp_test-,$(CONFIGS)) $(BUILD)/copp_demo
	@set -e; for c in $(CONFIGS); do \
	  echo "== suite, config $$c"; \
	  $(BUILD)/copp_test-$$c; \
	done
	@echo "== demo"
	@$(BUILD)/copp_demo $(VECTORS)/test_rsa2048.der > $(BUILD)/demo.log || { cat $(BUILD)/demo.log; exit 1; }
	@tail -n 1 $(BUILD)/demo.log
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
