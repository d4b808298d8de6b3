/* test_results.c -- copp_hresult_to_errno / copp_hresult_to_ntstatus /
 * copp_hresult_from_win32: every HRESULT copp returns (enumerated from the
 * header's own tables: the HRESULT and Win32 columns of COPP__REASONS, the
 * key reasons, the callback pass-throughs) maps to the errno and NTSTATUS
 * written out here, and the header's map has no row this file does not
 * expect. */
#include <errno.h>

typedef struct result_expect {
    uint32_t hr;       /* the HRESULT's 32-bit pattern */
    int err;           /* copp_hresult_to_errno */
    uint32_t nt;       /* copp_hresult_to_ntstatus, as its 32-bit pattern */
} result_expect;

/* Written out independently of COPP__RESULT_MAP. */
static const result_expect result_expected[] = {
    { 0x00000000u, 0,           0x00000000u },  /* S_OK -> STATUS_SUCCESS */
    { 0x8000FFFFu, -EPROTO,     0xC0000184u },  /* E_UNEXPECTED -> STATUS_INVALID_DEVICE_STATE */
    { 0x80070057u, -EINVAL,     0xC000000Du },  /* E_INVALIDARG -> STATUS_INVALID_PARAMETER */
    { 0x80004003u, -EFAULT,     0xC000000Du },  /* E_POINTER -> STATUS_INVALID_PARAMETER */
    { 0x8007000Eu, -ENOMEM,     0xC0000017u },  /* E_OUTOFMEMORY -> STATUS_NO_MEMORY */
    { 0x80004005u, -EIO,        0xC0000001u },  /* E_FAIL -> STATUS_UNSUCCESSFUL */
    { 0x887601E0u, -EOPNOTSUPP, 0xC01E0517u },  /* DDERR_TOOBIGSIZE -> STATUS_GRAPHICS_OPM_RESOLUTION_TOO_HIGH */
    { 0x8876024Eu, -EOPNOTSUPP, 0xC00000BBu },  /* DDERR_UNSUPPORTEDMODE -> STATUS_NOT_SUPPORTED */
    { 0x88760028u, -EAGAIN,     0xC00000A3u },  /* DDERR_CURRENTLYNOTAVAIL -> STATUS_DEVICE_NOT_READY */
    { 0x80070008u, -ENOMEM,     0xC0000017u },  /* WIN32(ERROR_NOT_ENOUGH_MEMORY) -> STATUS_NO_MEMORY */
    { 0x8007001Fu, -EIO,        0xC0000001u },  /* WIN32(ERROR_GEN_FAILURE) -> STATUS_UNSUCCESSFUL */
    { 0x80070032u, -EOPNOTSUPP, 0xC00000BBu },  /* WIN32(ERROR_NOT_SUPPORTED) -> STATUS_NOT_SUPPORTED */
    { 0x800700AAu, -EBUSY,      0x80000011u },  /* WIN32(ERROR_BUSY) -> STATUS_DEVICE_BUSY */
};
#define RESULT_EXPECTED_N (sizeof result_expected / sizeof result_expected[0])

static const result_expect *result_find(int32_t hr)
{
    size_t i;
    for (i = 0; i < RESULT_EXPECTED_N; i++)
        if (result_expected[i].hr == (uint32_t)hr) return &result_expected[i];
    return NULL;
}

/* hr must be one of the expected codes and map to its errno and NTSTATUS. */
static void result_check(int32_t hr, const char *what)
{
    const result_expect *e = result_find(hr);
    if (!e) fail_msg("%s: HRESULT 0x%08X has no expected mapping", what, (unsigned)(uint32_t)hr);
    if (copp_hresult_to_errno(hr) != e->err)
        fail_msg("%s: 0x%08X -> errno %d, want %d", what, (unsigned)(uint32_t)hr, copp_hresult_to_errno(hr), e->err);
    if ((uint32_t)copp_hresult_to_ntstatus(hr) != e->nt)
        fail_msg("%s: 0x%08X -> NTSTATUS 0x%08X, want 0x%08X", what, (unsigned)(uint32_t)hr,
                 (unsigned)(uint32_t)copp_hresult_to_ntstatus(hr), (unsigned)e->nt);
}

/* Every HRESULT and Win32 code of the reason table, and the key reasons. */
static void test_results_every_reason(void **state)
{
    (void)state;
#define COPP__X(name, value, hr, win32, text) \
    result_check(hr, "COPP_REASON_" #name); \
    result_check(copp_hresult_from_win32(win32 ? (uint32_t)(win32) : COPP_ERROR_INVALID_PARAMETER), \
                 "COPP_REASON_" #name " (VIDEOPARAMETERS)");
    COPP__REASONS(COPP__X)
#undef COPP__X
#ifdef COPP__KEY_REASONS
#define COPP__X(name, value, hr, text) result_check(hr, "COPP_KEY_" #name);
    COPP__KEY_REASONS(COPP__X)
#undef COPP__X
#endif
    result_check(copp_hresult_from_win32(COPP_NO_ERROR), "COPP_NO_ERROR");
    /* Callback results copp hands on unchanged (HW_FAILED, CRYPTO_FAILED),
     * as the suites' mocks return them. */
    result_check(COPP_DDERR_CURRENTLYNOTAVAIL, "callback");
    result_check(COPP_DDERR_UNSUPPORTEDMODE, "callback");
    result_check(COPP_E_FAIL, "callback");
}

/* Both directions: every row of the header's map is one this file expects,
 * with the same values, and the counts agree. */
static void test_results_map_rows(void **state)
{
    size_t rows = 0;
    (void)state;
#define COPP__X(hr, err, nt, when) rows++; result_check(hr, when); \
    assert_int_equal((uint32_t)copp_hresult_to_ntstatus(hr), (uint32_t)(nt));
    COPP__RESULT_MAP(COPP__X)
#undef COPP__X
    assert_int_equal(rows, RESULT_EXPECTED_N);
    /* The NTSTATUS constants' 32-bit patterns (ntstatus.h, OPM.md 3). */
    assert_int_equal((uint32_t)COPP_NTSTATUS_INVALID_DEVICE_STATE, 0xC0000184u);
    assert_int_equal((uint32_t)COPP_NTSTATUS_GRAPHICS_OPM_RESOLUTION_TOO_HIGH, 0xC01E0517u);
    assert_true(COPP_NTSTATUS_UNSUCCESSFUL < 0 && COPP_NTSTATUS_DEVICE_BUSY < 0);
}

/* The numbers are Linux's where Linux uses the generic errno table. */
static void test_results_linux_numbers(void **state)
{
    (void)state;
#if defined(__linux__) && (defined(__x86_64__) || defined(__i386__) || defined(__aarch64__) || defined(__s390x__))
    assert_int_equal(copp_hresult_to_errno(COPP_E_UNEXPECTED), -71);
    assert_int_equal(copp_hresult_to_errno(COPP_E_INVALIDARG), -22);
    assert_int_equal(copp_hresult_to_errno(COPP_E_POINTER), -14);
    assert_int_equal(copp_hresult_to_errno(COPP_E_OUTOFMEMORY), -12);
    assert_int_equal(copp_hresult_to_errno(COPP_E_FAIL), -5);
    assert_int_equal(copp_hresult_to_errno(COPP_DDERR_TOOBIGSIZE), -95);
    assert_int_equal(copp_hresult_to_errno(COPP_DDERR_CURRENTLYNOTAVAIL), -11);
    assert_int_equal(copp_hresult_to_errno(copp_hresult_from_win32(COPP_ERROR_BUSY)), -16);
#else
    print_message("errno numbers are the platform's own here; the macros are checked\n");
#endif
}

/* HRESULT_FROM_WIN32, and the HRESULTs outside the map (a callback's own). */
static void test_results_other_values(void **state)
{
    (void)state;
    assert_int_equal((uint32_t)copp_hresult_from_win32(0u), 0u);
    assert_int_equal((uint32_t)copp_hresult_from_win32(87u), (uint32_t)COPP_E_INVALIDARG);
    assert_int_equal((uint32_t)copp_hresult_from_win32(COPP_ERROR_BUSY), 0x800700AAu);
    assert_int_equal((uint32_t)copp_hresult_from_win32(0x1234ABCDu), 0x8007ABCDu);
    /* E_NOTIMPL: an unmapped failure. */
    assert_int_equal(copp_hresult_to_errno(COPP__HRESULT_FAIL(0x80004001u)), -EIO);
    assert_int_equal((uint32_t)copp_hresult_to_ntstatus(COPP__HRESULT_FAIL(0x80004001u)), 0xC0000001u);
    /* HRESULT_FROM_NT(STATUS_GRAPHICS_OPM_INVALID_HANDLE): the NTSTATUS inside. */
    assert_int_equal((uint32_t)copp_hresult_to_ntstatus(COPP__HRESULT_FAIL(0xD01E050Cu)), 0xC01E050Cu);
    assert_int_equal(copp_hresult_to_errno(COPP__HRESULT_FAIL(0xD01E050Cu)), -EIO);
    /* A success code other than S_OK (S_FALSE): success. */
    assert_int_equal(copp_hresult_to_errno(1), 0);
    assert_int_equal((uint32_t)copp_hresult_to_ntstatus(1), 0u);
    assert_int_equal(copp_hresult_to_errno(INT32_MIN), -EIO);
}

/* Through real calls: the codes the calls return map as the table says. */
static void test_results_from_calls(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    uint8_t cmd[4096] = { 0 }, vp[356] = { 0 };
    uint32_t len = 0;
    (void)state;
    assert_int_equal(copp_open(&w->conn, &w->s[0]), COPP_S_OK);
    assert_int_equal(copp_hresult_to_errno(copp_command(&w->s[0], cmd)), -EPROTO);
    assert_int_equal((uint32_t)copp_hresult_to_ntstatus(copp_command(&w->s[0], cmd)), 0xC0000184u);
    assert_int_equal(copp_hresult_to_errno(copp_get_certificate_length(&w->s[0], NULL)), -EFAULT);
    assert_int_equal(copp_hresult_to_errno(copp_get_certificate_length(&w->s[0], &len)), 0);
    assert_int_equal(copp_hresult_to_errno(copp_hresult_from_win32(copp_handle_videoparameters(&w->conn, vp, vp))), -EINVAL);
    world_free(w);
}

static const struct CMUnitTest results_tests[] = {
    cmocka_unit_test(test_results_every_reason),
    cmocka_unit_test(test_results_map_rows),
    cmocka_unit_test(test_results_linux_numbers),
    cmocka_unit_test(test_results_other_values),
    cmocka_unit_test(test_results_from_calls),
};
