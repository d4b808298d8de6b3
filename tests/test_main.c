/* test_main.c -- the one translation unit of the test binary: the library
 * (COPP_IMPLEMENTATION, with the libtom backend and the app helpers), the
 * mocks, the fixtures and every suite, so that the same suite also runs under
 * COPP_STATIC.  -DCOPP_TEST_OPENSSL runs the real-crypto tests on the OpenSSL
 * backend instead of libtom, -DCOPP_TEST_BEARSSL on the BearSSL backend (the
 * key-loading suites run every backend in every configuration).  -DCOPP_TEST_CORE builds without any crypto
 * library (mock crypto everywhere; the vector and RSA suites left out): the
 * configuration cross-built for the big-endian run.  Usage: copp_test [suite ...]   (none: every suite). */
#include <stdio.h>
#include <stdlib.h>

/* COPP_ASSERT is live in every configuration of the suites (NO_STDLIB and
 * NDEBUG included): a library assertion aborts the run, so no input or call
 * order the suites or the exploration make can reach one unnoticed.
 * test_asserts_are_live (hardening) shows the hook is wired. */
static int g_assert_expected;   /* > 0: a test provokes one on purpose */
static int g_assert_seen;
static void copp_test_assert_failed(const char *what, const char *file, int line)
{
    g_assert_seen++;
    if (g_assert_expected > 0) return;
    fprintf(stderr, "%s:%d: COPP_ASSERT(%s) failed\n", file, line, what);
    abort();
}
#define COPP_ASSERT(x) ((x) ? (void)0 : copp_test_assert_failed(#x, __FILE__, __LINE__))

#define COPP_IMPLEMENTATION
#ifndef COPP_TEST_CORE   /* the core configuration: no crypto libraries (the big-endian run) */
#define COPP_WITH_LIBTOM
#define COPP_WITH_OPENSSL
#define COPP_WITH_BEARSSL
#endif
#define COPP_WITH_APP
#include "../copp.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#ifndef COPP_TEST_CORE
#include <pthread.h>
#endif
#ifndef COPP_TEST_CORE
#include <jansson.h>
#endif

#include "mock_hw.c"
#include "mock_crypto.c"
#include "model.c"
#include "support.c"
#include "test_fsm.c"
#ifndef COPP_TEST_CORE
#include "test_vectors.c"
#endif
#include "test_command.c"
#include "test_status.c"
#include "test_refcount.c"
#ifndef COPP_TEST_CORE
#include "test_signature.c"
#endif
#include "test_videoport.c"
#include "test_faults.c"
#include "test_hardening.c"
#include "test_explore.c"
#include "test_regress.c"
#include "test_results.c"
#include "test_abi.c"
#ifdef COPP_WITH_RECORDER
#include "../tools/copp_transcript.h"
#include "../tools/copp_replay.h"
#include "test_recorder.c"
#endif

typedef struct suite { const char *name; const struct CMUnitTest *tests; size_t n; } suite;
#define SUITE(name, arr) { name, arr, sizeof arr / sizeof arr[0] }

int main(int argc, char **argv)
{
    static const suite suites[] = {
        SUITE("fsm", fsm_tests),
#ifndef COPP_TEST_CORE
        SUITE("vectors", vector_tests),
#endif
        SUITE("command", command_tests),
        SUITE("status", status_tests),
        SUITE("refcount", refcount_tests),
#ifndef COPP_TEST_CORE
        SUITE("signature", signature_tests),
#endif
        SUITE("videoport", videoport_tests),
        SUITE("faults", fault_tests),
        SUITE("hardening", hardening_tests),
        SUITE("explore", explore_tests),
        SUITE("regress", regress_tests),
        SUITE("results", results_tests),
        SUITE("abi", abi_tests),
#ifdef COPP_WITH_RECORDER
        SUITE("recorder", recorder_tests),
#endif
    };
    size_t i;
    int failed = 0, a;
    for (i = 0; i < sizeof suites / sizeof suites[0]; i++) {
        int want = argc < 2;
        for (a = 1; a < argc; a++) want |= strcmp(argv[a], suites[i].name) == 0;
        if (want) failed += _cmocka_run_group_tests(suites[i].name, suites[i].tests, suites[i].n, NULL, NULL);
    }
    return failed ? 1 : 0;
}
