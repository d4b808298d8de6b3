/* cmocka.h -- a minimal stand-in for cmocka, used only for the big-endian run
 * (make be-check): the suites are cross-built for s390x and run under
 * qemu-user, and Debian ships no s390x cmocka that installs without adding a
 * foreign architecture to the machine.  It implements exactly the cmocka API
 * the suites use, with cmocka's semantics (integers compared as the largest
 * unsigned type, a failed assertion ends that test).  Everywhere else the
 * suites run on the real cmocka. */
#ifndef COPP_CMOCKA_SHIM_H
#define COPP_CMOCKA_SHIM_H
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct CMUnitTest {
    const char *name;
    void (*test_func)(void **state);
};
#define cmocka_unit_test(f) { #f, f }

static jmp_buf shim_jmp;
#define SHIM_FAIL(...) do { \
        fprintf(stderr, "[  ERROR   ] %s:%d: ", __FILE__, __LINE__); \
        fprintf(stderr, __VA_ARGS__); \
        fputc('\n', stderr); \
        longjmp(shim_jmp, 1); \
    } while (0)
#define assert_true(c) do { if (!(c)) SHIM_FAIL("%s", #c); } while (0)
#define assert_false(c) do { if (c) SHIM_FAIL("!(%s)", #c); } while (0)
#define assert_non_null(p) assert_true((p) != NULL)
#define assert_null(p) assert_true((p) == NULL)
#define assert_ptr_equal(a, b) assert_true((const void *)(a) == (const void *)(b))
#define assert_int_equal(a, b) do { uintmax_t a_ = (uintmax_t)(a), b_ = (uintmax_t)(b); \
        if (a_ != b_) SHIM_FAIL("%#jx != %#jx", a_, b_); } while (0)
#define assert_int_not_equal(a, b) do { uintmax_t a_ = (uintmax_t)(a), b_ = (uintmax_t)(b); \
        if (a_ == b_) SHIM_FAIL("%#jx == %#jx", a_, b_); } while (0)
#define assert_memory_equal(a, b, n) do { if (memcmp((a), (b), (n)) != 0) SHIM_FAIL("%s != %s", #a, #b); } while (0)
#define assert_string_equal(a, b) do { if (strcmp((a), (b)) != 0) SHIM_FAIL("\"%s\" != \"%s\"", (a), (b)); } while (0)
#define print_message(...) printf(__VA_ARGS__)
#define fail_msg(...) SHIM_FAIL(__VA_ARGS__)

static int _cmocka_run_group_tests(const char *group, const struct CMUnitTest *tests, size_t n, void *setup,
                                   void *teardown)
{
    size_t i;
    volatile int failed = 0;   /* survives the longjmp of a failing test */
    (void)setup;
    (void)teardown;
    printf("[==========] Running %u test(s) (%s).\n", (unsigned)n, group);
    for (i = 0; i < n; i++) {
        void *state = NULL;
        printf("[ RUN      ] %s\n", tests[i].name);
        fflush(stdout);
        if (setjmp(shim_jmp) == 0) {
            tests[i].test_func(&state);
            printf("[       OK ] %s\n", tests[i].name);
        } else {
            printf("[  FAILED  ] %s\n", tests[i].name);
            failed++;
        }
    }
    printf("[  PASSED  ] %u test(s).\n", (unsigned)(n - (size_t)failed));
    if (failed) printf("[  FAILED  ] %d test(s).\n", failed);
    return failed;
}
#endif
