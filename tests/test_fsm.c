/* test_fsm.c -- every (state x call) pair against an independently written
 * table (spec section 2), plus the entry points' pointer and setup checks. */

enum { C_OPEN, C_CERTLEN, C_KEYX, C_SEQSTART, C_COMMAND, C_STATUS, C_CLOSE, C_DROP, C_N };

static const uint32_t fsm_states[] = {
    COPP_STATE_CLOSED, COPP_STATE_OPENED, COPP_STATE_CERT_LENGTH_RETURNED,
    COPP_STATE_KEY_EXCHANGED, COPP_STATE_SESSION_ACTIVE
};

/* Expected state after each call from each state; X = E_UNEXPECTED, no change. */
#define X 99u
static const uint32_t fsm_expect[5][C_N] = {
    /*            open  certlen keyx seqstart command status close drop */
    /* CLOSED */ { 1,    X,      X,   X,       X,      X,     X,    X },
    /* OPENED */ { X,    2,      X,   X,       X,      X,     0,    0 },
    /* CERT   */ { X,    X,      3,   X,       X,      X,     0,    0 },
    /* KEYX   */ { X,    X,      X,   4,       X,      X,     0,    0 },
    /* ACTIVE */ { X,    X,      X,   X,       4,      4,     0,    0 },
};

static void fsm_sig(world *w, int i, uint8_t sig[256])
{
    memset(sig, 0, 256);
    memcpy(sig, w->app[i].rgh, 16);
    memcpy(sig + 16, w->app[i].kdi, 16);
}

static int32_t fsm_call(world *w, int call)
{
    uint32_t len = 0;
    uint8_t rgh[16], cert[64], sig[256], out[4096];
    static const uint8_t g_conn[16] = COPP_GUID_DXVA_COPPQueryConnectorType;
    switch (call) {
    case C_OPEN: return copp_open(&w->conn, &w->s[0]);
    case C_CERTLEN: return copp_get_certificate_length(&w->s[0], &len);
    case C_KEYX: return copp_key_exchange(&w->s[0], rgh, cert, sizeof cert);
    case C_SEQSTART: fsm_sig(w, 0, sig); return copp_sequence_start(&w->s[0], sig);
    case C_COMMAND: return w_level(w, 0, COPP_PROTECTION_TYPE_ACP, 1);
    case C_STATUS: return w_query(w, 0, g_conn, NULL, 0, out);
    case C_DROP: return copp_connector_drop_session(&w->conn, &w->s[0]);
    default: return copp_close(&w->s[0]);
    }
}

static void test_fsm_every_pair(void **state)
{
    size_t si;
    int call;
    (void)state;
    for (si = 0; si < 5; si++) {
        for (call = 0; call < C_N; call++) {
            world *w = world_new(W_MOCK, NULL);
            snapshot sn;
            uint32_t want = fsm_expect[si][call];
            int32_t hr;
            w_to_state(w, 0, fsm_states[si], 0);
            snap_take(&sn, w, 0);
            hr = fsm_call(w, call);
            if (want == X && call == C_DROP) {   /* the connector does not list it; s is not even read */
                assert_int_equal(hr, COPP_E_UNEXPECTED);
                assert_int_equal(w->s[0].last_reason, sn.s.last_reason);
                snap_check(&sn, w, 0);
            } else if (want == X) {
                assert_int_equal(hr, COPP_E_UNEXPECTED);
                assert_int_equal(copp_session_last_reason(&w->s[0]), COPP_REASON_BAD_STATE);
                snap_check(&sn, w, 0);
            } else {
                assert_int_equal(hr, COPP_S_OK);
                assert_int_equal(copp_session_state(&w->s[0]), want);
                if (call == C_DROP) assert_int_equal(w->s[0].state, fsm_states[si]);   /* storage untouched */
            }
            world_free(w);
        }
    }
}

static void test_fsm_failed_start_then_retry(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    uint8_t sig[256];
    snapshot sn;
    (void)state;
    w_to_state(w, 0, COPP_STATE_KEY_EXCHANGED, 0);
    fsm_sig(w, 0, sig);
    sig[15] ^= 1;   /* wrong rGH */
    snap_take(&sn, w, 0);
    assert_int_equal(copp_sequence_start(&w->s[0], sig), COPP_E_UNEXPECTED);
    assert_int_equal(copp_session_last_reason(&w->s[0]), COPP_REASON_RANDOM_MISMATCH);
    snap_check(&sn, w, 0);
    sig[15] ^= 1;
    assert_int_equal(copp_sequence_start(&w->s[0], sig), COPP_S_OK);
    assert_int_equal(copp_session_state(&w->s[0]), COPP_STATE_SESSION_ACTIVE);
    /* only one successful start */
    assert_int_equal(copp_sequence_start(&w->s[0], sig), COPP_E_UNEXPECTED);
    world_free(w);
}

static void test_fsm_start_parses_40_bytes_ignores_rest(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    uint8_t sig[256];
    int i;
    (void)state;
    w_to_state(w, 0, COPP_STATE_KEY_EXCHANGED, 0);
    fsm_sig(w, 0, sig);
    copp__st32(sig + 32, 0x12345678u);
    copp__st32(sig + 36, 0x89ABCDEFu);
    for (i = 40; i < 255; i++) sig[i] = (uint8_t)(i * 7 + 1);  /* bytes 40.. ignored (spec 10.3) */
    assert_int_equal(copp_sequence_start(&w->s[0], sig), COPP_S_OK);
    assert_int_equal(w_rec(w, 0)->status_seq, 0x12345678u);
    assert_int_equal(w_rec(w, 0)->command_seq, 0x89ABCDEFu);
    /* plaintext shorter than 40 bytes is refused */
    world_free(w);
    w = world_new(W_MOCK, NULL);
    w_to_state(w, 0, COPP_STATE_KEY_EXCHANGED, 0);
    fsm_sig(w, 0, sig);
    w->mc.plain_len = 39;
    assert_int_equal(copp_sequence_start(&w->s[0], sig), COPP_E_UNEXPECTED);
    assert_int_equal(copp_session_last_reason(&w->s[0]), COPP_REASON_SHORT_PLAINTEXT);
    w->mc.plain_len = 40;
    assert_int_equal(copp_sequence_start(&w->s[0], sig), COPP_S_OK);
    world_free(w);
}

static void test_fsm_crypto_failures_change_nothing(void **state)
{
    world *w;
    uint8_t sig[256], rgh[16], cert[64];
    snapshot sn;
    (void)state;
    /* RNG failure at key exchange */
    w = world_new(W_MOCK, NULL);
    w_to_state(w, 0, COPP_STATE_CERT_LENGTH_RETURNED, 0);
    memset(rgh, 0x5A, sizeof rgh);
    memset(cert, 0x5A, sizeof cert);
    snap_take(&sn, w, 0);
    w->mc.fail_at = w->mc.calls + 1;
    assert_int_equal(copp_key_exchange(&w->s[0], rgh, cert, sizeof cert), COPP_E_FAIL);
    assert_int_equal(copp_session_last_reason(&w->s[0]), COPP_REASON_CRYPTO_FAILED);
    snap_check(&sn, w, 0);
    assert_int_equal(rgh[0], 0x5A);
    assert_int_equal(cert[0], 0x5A);
    world_free(w);
    /* RSA failure (passes the backend's HRESULT), then MAC keying failure */
    w = world_new(W_MOCK, NULL);
    w_to_state(w, 0, COPP_STATE_KEY_EXCHANGED, 0);
    fsm_sig(w, 0, sig);
    snap_take(&sn, w, 0);
    w->mc.fail_hr = COPP_E_OUTOFMEMORY;
    w->mc.fail_at = w->mc.calls + 1;
    assert_int_equal(copp_sequence_start(&w->s[0], sig), COPP_E_OUTOFMEMORY);
    snap_check(&sn, w, 0);
    w->mc.fail_hr = COPP_E_FAIL;
    w->mc.fail_at = w->mc.calls + 2;   /* rsa passes, mac_init fails */
    assert_int_equal(copp_sequence_start(&w->s[0], sig), COPP_E_FAIL);
    assert_int_equal(copp_session_last_reason(&w->s[0]), COPP_REASON_CRYPTO_FAILED);
    snap_check(&sn, w, 0);
    assert_int_equal(copp_sequence_start(&w->s[0], sig), COPP_S_OK);
    world_free(w);
}

static void test_fsm_null_pointers(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    uint8_t rgh[16], cert[64], buf[4096];
    snapshot sn;
    (void)state;
    assert_int_equal(copp_open(NULL, &w->s[0]), COPP_E_POINTER);
    assert_int_equal(copp_open(&w->conn, NULL), COPP_E_POINTER);
    assert_int_equal(copp_get_certificate_length(NULL, NULL), COPP_E_POINTER);
    assert_int_equal(copp_key_exchange(NULL, rgh, cert, 64), COPP_E_POINTER);
    assert_int_equal(copp_sequence_start(NULL, buf), COPP_E_POINTER);
    assert_int_equal(copp_command(NULL, buf), COPP_E_POINTER);
    assert_int_equal(copp_query_status(NULL, buf, buf), COPP_E_POINTER);
    assert_int_equal(copp_close(NULL), COPP_E_POINTER);
    copp_connector_event(NULL, COPP_STATUS_LINK_LOST);   /* no crash */

    w_to_state(w, 0, COPP_STATE_OPENED, 0);
    snap_take(&sn, w, 0);
    assert_int_equal(copp_get_certificate_length(&w->s[0], NULL), COPP_E_POINTER);
    snap_check(&sn, w, 0);
    assert_int_equal(copp_session_last_reason(&w->s[0]), COPP_REASON_NULL_POINTER);
    {
        uint32_t len = 0;
        assert_int_equal(copp_get_certificate_length(&w->s[0], &len), COPP_S_OK);
    }
    snap_take(&sn, w, 0);
    assert_int_equal(copp_key_exchange(&w->s[0], NULL, cert, 64), COPP_E_POINTER);
    assert_int_equal(copp_key_exchange(&w->s[0], rgh, NULL, 64), COPP_E_POINTER);
    snap_check(&sn, w, 0);
    /* certificate buffer one byte short: E_INVALIDARG, nothing written */
    memset(cert, 0x77, sizeof cert);
    assert_int_equal(copp_key_exchange(&w->s[0], rgh, cert, (uint32_t)strlen(w_cert) - 1), COPP_E_INVALIDARG);
    assert_int_equal(copp_session_last_reason(&w->s[0]), COPP_REASON_BUFFER_TOO_SMALL);
    assert_int_equal(cert[0], 0x77);
    snap_check(&sn, w, 0);
    assert_int_equal(copp_key_exchange(&w->s[0], w->app[0].rgh, cert, (uint32_t)strlen(w_cert)), COPP_S_OK);
    snap_take(&sn, w, 0);
    assert_int_equal(copp_sequence_start(&w->s[0], NULL), COPP_E_POINTER);
    snap_check(&sn, w, 0);
    world_free(w);

    w = world_new(W_MOCK, NULL);
    w_activate(w, 0);
    snap_take(&sn, w, 0);
    assert_int_equal(copp_command(&w->s[0], NULL), COPP_E_POINTER);
    assert_int_equal(copp_query_status(&w->s[0], NULL, buf), COPP_E_POINTER);
    assert_int_equal(copp_query_status(&w->s[0], buf, NULL), COPP_E_POINTER);
    snap_check(&sn, w, 0);
    world_free(w);
}

static int32_t fsm_bad_types(void *u, uint32_t *t) { (void)u; *t = 0x10; return COPP_S_OK; }

static void test_fsm_connector_init(void **state)
{
    mock_hw hw;
    mock_crypto mc;
    copp_connector c;
    copp_connector_desc d;
    copp_hw_ops ops = mock_hw_ops;
    copp_crypto cr = mock_crypto_table;
    copp_session s;
    (void)state;
    mock_hw_default(&hw);
    mock_crypto_default(&mc);
    memset(&d, 0, sizeof d);
    memset(&s, 0, sizeof s);
    memset(&c, 0x5A, sizeof c);   /* fresh storage: garbage (defined, for valgrind) */
    d.hw = &ops; d.hw_user = &hw; d.crypto = &cr; d.crypto_user = &mc;
    assert_int_equal(copp_connector_init(NULL, &d), COPP_E_POINTER);
    assert_int_equal(copp_connector_init(&c, NULL), COPP_E_POINTER);
    d.certificate_len = 5;  /* NULL certificate with a length */
    assert_int_equal(copp_connector_init(&c, &d), COPP_E_POINTER);
    d.certificate_len = 0;
    ops.set_protection = NULL;
    assert_int_equal(copp_connector_init(&c, &d), COPP_E_INVALIDARG);
    ops = mock_hw_ops;
    ops.get_protection_types = fsm_bad_types;   /* DPCP bit: not supported */
    assert_int_equal(copp_connector_init(&c, &d), COPP_E_INVALIDARG);
    ops = mock_hw_ops;
    cr.mac = NULL;
    assert_int_equal(copp_connector_init(&c, &d), COPP_E_INVALIDARG);
    cr = mock_crypto_table;
    hw.fail_at = 1;
    hw.fail_hr = COPP_E_OUTOFMEMORY;
    assert_int_equal(copp_connector_init(&c, &d), COPP_E_OUTOFMEMORY);
    hw.fail_at = 0;
    /* an uninitialized connector refuses sessions */
    memset(&c, 0, sizeof c);
    assert_int_equal(copp_open(&c, &s), COPP_E_UNEXPECTED);
    assert_int_equal(copp_connector_init(&c, &d), COPP_S_OK);
    assert_int_equal(copp_open(&c, &s), COPP_S_OK);
    /* an empty certificate is legal: length 0, no buffer needed */
    {
        uint32_t len = 99;
        uint8_t rgh[16];
        assert_int_equal(copp_get_certificate_length(&s, &len), COPP_S_OK);
        assert_int_equal(len, 0);
        assert_int_equal(copp_key_exchange(&s, rgh, NULL, 0), COPP_S_OK);
    }
    assert_int_equal(copp_close(&s), COPP_S_OK);
}

static void test_fsm_session_slots(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    copp_session *extra = (copp_session *)calloc(COPP_MAX_SESSIONS + 1, sizeof *extra);
    int i;
    (void)state;
    for (i = 0; i < COPP_MAX_SESSIONS; i++) assert_int_equal(copp_open(&w->conn, &extra[i]), COPP_S_OK);
    assert_int_equal(copp_connector_session_count(&w->conn), COPP_MAX_SESSIONS);
    assert_int_equal(copp_open(&w->conn, &extra[COPP_MAX_SESSIONS]), COPP_E_OUTOFMEMORY);
    assert_int_equal(copp_session_last_reason(&extra[COPP_MAX_SESSIONS]), COPP_REASON_NO_SLOT);
    assert_int_equal(copp_session_state(&extra[COPP_MAX_SESSIONS]), COPP_STATE_CLOSED);
    /* reopening an open session is out of order, even after it was zeroed by mistake */
    assert_int_equal(copp_open(&w->conn, &extra[0]), COPP_E_UNEXPECTED);
    {
        copp_session keep = extra[1];
        memset(&extra[1], 0, sizeof extra[1]);
        assert_int_equal(copp_open(&w->conn, &extra[1]), COPP_E_UNEXPECTED);
        assert_int_equal(copp_connector_session_count(&w->conn), COPP_MAX_SESSIONS);
        extra[1] = keep;
    }
    assert_int_equal(copp_close(&extra[0]), COPP_S_OK);
    assert_int_equal(copp_open(&w->conn, &extra[COPP_MAX_SESSIONS]), COPP_S_OK);
    for (i = 1; i <= COPP_MAX_SESSIONS; i++) assert_int_equal(copp_close(&extra[i]), COPP_S_OK);
    assert_int_equal(copp_connector_session_count(&w->conn), 0);
    free(extra);
    world_free(w);
}

static void test_fsm_close_wipes(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    static const uint8_t zero[sizeof(copp_session)] = { 0 };
    (void)state;
    w_activate(w, 0);
    assert_int_equal(w_level(w, 0, COPP_PROTECTION_TYPE_HDCP, 1), COPP_S_OK);
    assert_int_equal(copp_close(&w->s[0]), COPP_S_OK);
    assert_memory_equal(&w->s[0], zero, sizeof zero);   /* key, rGH, counters: all gone */
    assert_int_equal(copp_close(&w->s[0]), COPP_E_UNEXPECTED); /* double close */
    assert_int_equal(w->hw.level[0], 0);
    world_free(w);
}

typedef struct trace_log { copp_trace t[32]; int n; } trace_log;
static void trace_rec(void *u, const copp_trace *t)
{
    trace_log *l = (trace_log *)u;
    if (l->n < 32) l->t[l->n++] = *t;
}

static void test_fsm_trace_hook(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    trace_log log;
    uint32_t len;
    uint8_t sig[256] = { 0 };
    (void)state;
    memset(&log, 0, sizeof log);
    w->conn.desc.trace = trace_rec;
    w->conn.desc.trace_user = &log;
    assert_int_equal(copp_open(&w->conn, &w->s[0]), COPP_S_OK);
    assert_int_equal(copp_sequence_start(&w->s[0], sig), COPP_E_UNEXPECTED);
    assert_int_equal(copp_get_certificate_length(&w->s[0], &len), COPP_S_OK);
    copp_connector_event(&w->conn, COPP_STATUS_LINK_LOST);
    assert_int_equal(copp_close(&w->s[0]), COPP_S_OK);
    assert_int_equal(log.n, 5);
    assert_int_equal(log.t[0].call, COPP_CALL_OPEN);
    assert_int_equal(log.t[0].state_before, COPP_STATE_CLOSED);
    assert_int_equal(log.t[0].state_after, COPP_STATE_OPENED);
    assert_int_equal(log.t[1].call, COPP_CALL_SEQUENCE_START);
    assert_int_equal(log.t[1].result, COPP_E_UNEXPECTED);
    assert_int_equal(log.t[1].reason, COPP_REASON_BAD_STATE);
    assert_int_equal(log.t[2].state_after, COPP_STATE_CERT_LENGTH_RETURNED);
    assert_int_equal(log.t[3].call, COPP_CALL_EVENT);
    assert_int_equal(log.t[4].call, COPP_CALL_CLOSE);
    assert_int_equal(log.t[4].state_after, COPP_STATE_CLOSED);
    world_free(w);
}

static void test_fsm_hresult_values(void **state)
{
    (void)state;
    /* The exact 32-bit patterns of spec section 3. */
    assert_int_equal((uint32_t)COPP_S_OK, 0x00000000u);
    assert_int_equal((uint32_t)COPP_E_UNEXPECTED, 0x8000FFFFu);
    assert_int_equal((uint32_t)COPP_E_INVALIDARG, 0x80070057u);
    assert_int_equal((uint32_t)COPP_E_POINTER, 0x80004003u);
    assert_int_equal((uint32_t)COPP_E_OUTOFMEMORY, 0x8007000Eu);
    assert_int_equal((uint32_t)COPP_E_FAIL, 0x80004005u);
    assert_int_equal((uint32_t)COPP_DDERR_TOOBIGSIZE, 0x887601E0u);
    assert_int_equal((uint32_t)COPP_DDERR_UNSUPPORTEDMODE, 0x8876024Eu);
    assert_int_equal((uint32_t)COPP_DDERR_CURRENTLYNOTAVAIL, 0x88760028u);
    assert_true(COPP_E_UNEXPECTED < 0);
#ifndef COPP_NO_STRINGS
    assert_string_equal(copp_result_str(COPP_DDERR_TOOBIGSIZE), "DDERR_TOOBIGSIZE");
    assert_string_equal(copp_reason_str(COPP_REASON_BAD_MAC), "macKDI does not match the command");
#endif
}

static const struct CMUnitTest fsm_tests[] = {
    cmocka_unit_test(test_fsm_every_pair),
    cmocka_unit_test(test_fsm_failed_start_then_retry),
    cmocka_unit_test(test_fsm_start_parses_40_bytes_ignores_rest),
    cmocka_unit_test(test_fsm_crypto_failures_change_nothing),
    cmocka_unit_test(test_fsm_null_pointers),
    cmocka_unit_test(test_fsm_connector_init),
    cmocka_unit_test(test_fsm_session_slots),
    cmocka_unit_test(test_fsm_close_wipes),
    cmocka_unit_test(test_fsm_trace_hook),
    cmocka_unit_test(test_fsm_hresult_values),
};
