/* test_faults.c -- fail-closed faults and resync (issue 3):
 * resync with and without changes, without a hardware reader, under mode
 * gating; and a scripted multi-session scenario run once per callback
 * position, failing the i-th hardware (and, separately, crypto) callback for
 * every i, with the invariants checked after every call (nghttp2 failmalloc). */

/* ---- resync ---------------------------------------------------------------- */

static void test_resync_no_change_no_writes(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    uint32_t before;
    uint8_t out[4096];
    (void)state;
    w_activate(w, 0);
    w_activate(w, 1);
    assert_int_equal(w_level(w, 0, T_HDCP, 1), COPP_S_OK);
    assert_int_equal(w_level(w, 1, T_CGMSA, 3), COPP_S_OK);
    before = w->hw.nlog;
    assert_int_equal(copp_connector_resync(&w->conn, COPP_STATUS_RENEGOTIATION_REQUIRED), COPP_S_OK);
    assert_int_equal(w->hw.nlog, before);               /* hardware already matches */
    assert_int_equal(w_query(w, 0, g_q_conn, NULL, 0, out), COPP_S_OK);
    assert_int_equal(copp__ld32(out + 36), COPP_STATUS_RENEGOTIATION_REQUIRED);
    assert_int_equal(w_query(w, 0, g_q_conn, NULL, 0, out), COPP_S_OK);
    assert_int_equal(copp__ld32(out + 36), 0);          /* once */
    assert_int_equal(w_query(w, 1, g_q_conn, NULL, 0, out), COPP_S_OK);
    assert_int_equal(copp__ld32(out + 36), COPP_STATUS_RENEGOTIATION_REQUIRED);
    /* flags 0: nothing raised */
    assert_int_equal(copp_connector_resync(&w->conn, 0), COPP_S_OK);
    assert_int_equal(w_rec(w, 0)->pending_flags, 0);
    world_free(w);
}

static void test_resync_restores_lost_state(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    static const uint32_t want[][2] = { { T_HDCP, 1 }, { T_CGMSA, 4 | 8 } };
    uint32_t before;
    (void)state;
    w_activate(w, 0);
    assert_int_equal(w_level(w, 0, T_HDCP, 1), COPP_S_OK);
    assert_int_equal(w_level(w, 0, T_ACP, 0), COPP_S_OK);
    assert_int_equal(w_level(w, 0, T_CGMSA, 4 | 8), COPP_S_OK);
    /* resume from suspend: the hardware lost HDCP and CGMS-A */
    w->hw.level[0] = 0;
    w->hw.level[2] = 0;
    before = w->hw.nlog;
    assert_int_equal(copp_connector_resync(&w->conn, COPP_STATUS_LINK_LOST), COPP_S_OK);
    hw_writes(w, before, want, 2);                      /* only the two that differ */
    assert_int_equal(w_rec(w, 0)->pending_flags, COPP_STATUS_LINK_LOST);
    world_free(w);

    /* without get_protection nothing can be read: every type is written */
    w = world_new(W_MOCK, &mock_hw_ops_minimal);
    w_activate(w, 0);
    assert_int_equal(w_level(w, 0, T_ACP, 3), COPP_S_OK);
    before = w->hw.nlog;
    assert_int_equal(copp_connector_resync(&w->conn, 0), COPP_S_OK);
    assert_int_equal(w->hw.nlog - before, 3);
    assert_int_equal(w->hw.level[1], 3);
    world_free(w);
}

static void test_resync_mode_gating_and_write_failure(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    uint8_t out[4096];
    int32_t hr;
    (void)state;
    w_activate(w, 0);
    w_activate(w, 1);
    assert_int_equal(w_level(w, 0, T_ACP, 2), COPP_S_OK);
    assert_int_equal(w_level(w, 1, T_HDCP, 1), COPP_S_OK);
    /* mode change to 720p on component: ACP cannot be carried, and the
     * hardware dropped it; HDCP was lost too and can be restored */
    w->hw.too_big_type = T_ACP;
    w->hw.too_big_from = 1;
    w->hw.level[1] = 0;
    w->hw.level[0] = 0;
    hr = copp_connector_resync(&w->conn, COPP_STATUS_RENEGOTIATION_REQUIRED);
    assert_int_equal(hr, COPP_DDERR_TOOBIGSIZE);
    assert_int_equal(w->hw.level[0], 1);                          /* HDCP restored */
    assert_int_equal(w->hw.level[1], 0);                          /* ACP not written */
    assert_int_equal(copp_connector_level(&w->conn, T_ACP), 0);   /* recorded as the hardware has it */
    assert_int_equal(w->conn.counts[1][2], 1);                    /* A still asks for 2 */
    assert_int_equal(w_query(w, 0, g_q_conn, NULL, 0, out), COPP_S_OK);
    assert_int_equal(copp__ld32(out + 36), COPP_STATUS_LINK_LOST | COPP_STATUS_RENEGOTIATION_REQUIRED);
    assert_int_equal(w_level_query(w, 1, g_global, T_ACP), 0);    /* the truth */
    /* back to 480i: the next resync restores ACP 2 */
    w->hw.too_big_from = 0;
    assert_int_equal(copp_connector_resync(&w->conn, 0), COPP_S_OK);
    assert_int_equal(w->hw.level[1], 2);
    /* a failing write: LinkLost, the first failure returned */
    w->hw.level[0] = 0;
    w->hw.fail_hr = COPP_E_POINTER;
    w->hw.fail_at = w->hw.calls + 2;   /* HDCP: get ok, set fails */
    assert_int_equal(copp_connector_resync(&w->conn, 0), COPP_E_POINTER);
    assert_int_equal(w_rec(w, 1)->pending_flags, COPP_STATUS_LINK_LOST);
    assert_int_equal(copp_connector_resync(NULL, 0), COPP_E_POINTER);
    world_free(w);
}

/* ---- failing the i-th callback ---------------------------------------------- */

typedef struct fault_run {
    world *w;
    mock_crypto app_mc;          /* the applications' own crypto: never fails */
    uint32_t lost_events;        /* trace records that latched LinkLost */
    uint32_t steps, failed_calls;
} fault_run;

static void fault_trace(void *u, const copp_trace *t)
{
    fault_run *f = (fault_run *)u;
    if (t->flags & COPP_STATUS_LINK_LOST) f->lost_events++;   /* an event's, resync's, or a fail-closed call's */
}

/* What the shared reference model (model.c) derives for type t from the
 * open sessions' levels and the live keys. */
static uint32_t fault_model(const world *w, int t)
{
    uint32_t levels[W_SESSIONS + COPP_MAX_VP_KEYS];
    size_t n = 0;
    uint32_t k;
    int i;
    for (i = 0; i < W_SESSIONS; i++) levels[n++] = copp_session_local_level(&w->s[i], model_type_bit[t]);
    for (k = 0; t == 1 && k < w->conn.nvp_keys; k++) levels[n++] = w->conn.vp_keys[k].level;
    return model_derive(t, levels, n);
}

/* Invariants after every call. */
static void fault_check(fault_run *f, const uint32_t mismatch_before[3], uint32_t lost_before)
{
    world *w = f->w;
    int t, i;
    uint32_t l, n_open = 0, k;
    for (i = 0; i < W_SESSIONS; i++) {
        uint32_t st = w->s[i].state, listed = 0;
        assert_true(st <= COPP_STATE_SESSION_ACTIVE);
        for (k = 0; k < w->conn.nsessions; k++) listed += w->conn.sessions[k].session == &w->s[i];
        assert_int_equal(listed, st != COPP_STATE_CLOSED);
        n_open += st != COPP_STATE_CLOSED;
        if (st == COPP_STATE_CLOSED) {
            static const uint8_t zero[sizeof(copp_session)] = { 0 };
            copp_session c = w->s[i];
            c.last_reason = 0;
            assert_memory_equal(&c, zero, sizeof c);   /* no key or rGH left behind */
        }
    }
    assert_int_equal(w->conn.nsessions, n_open);
    for (t = 0; t < 3; t++) {
        for (l = 0; l < COPP__LEVELS; l++) {
            uint32_t n = 0;
            for (i = 0; i < W_SESSIONS; i++)
                n += copp_session_local_level(&w->s[i], model_type_bit[t]) == l;
            if (t == 1)
                for (k = 0; k < w->conn.nvp_keys; k++) n += w->conn.vp_keys[k].level == l;
            assert_int_equal(w->conn.counts[t][l], n);   /* counts = live sessions + live keys */
        }
        assert_int_equal(w->conn.applied[t], w->hw.level[t]);   /* copp's record is the hardware */
        /* hardware differs from the derived level only if a LinkLost went out when it began */
        if (w->conn.applied[t] != fault_model(w, t) && !mismatch_before[t])
            assert_true(f->lost_events > lost_before);
    }
}

/* One step: run a call, then check. */
#define FAULT_STEP(f, call) do { \
        uint32_t mm_[3], lb_ = (f)->lost_events; int t_; \
        for (t_ = 0; t_ < 3; t_++) mm_[t_] = (f)->w->conn.applied[t_] != fault_model((f)->w, t_); \
        if ((call) != 0) (f)->failed_calls++; \
        (f)->steps++; \
        fault_check((f), mm_, lb_); \
    } while (0)

static int32_t fault_activate(fault_run *f, int i)
{
    world *w = f->w;
    uint32_t len;
    uint8_t cert[64], sig[256];
    int32_t hr;
    hr = copp_get_certificate_length(&w->s[i], &len);
    if (hr == COPP_S_OK) hr = copp_key_exchange(&w->s[i], w->app[i].rgh, cert, sizeof cert);
    if (hr != COPP_S_OK) return hr;
    memset(sig, 0, sizeof sig);
    memcpy(sig, w->app[i].rgh, 16);
    memset(w->app[i].kdi, 0x30 + i, 16);
    memcpy(sig + 16, w->app[i].kdi, 16);
    w->app[i].status_seq = 100u * (uint32_t)i;
    w->app[i].cmd_seq = 0xFFFFFFFEu + (uint32_t)i;   /* wraps during the run */
    copp__st32(sig + 32, w->app[i].status_seq);
    copp__st32(sig + 36, w->app[i].cmd_seq);
    hr = copp_sequence_start(&w->s[i], sig);
    if (hr == COPP_S_OK) mock_mac_init(&f->app_mc, &w->app[i].mac, w->app[i].kdi);
    return hr;
}

static int32_t fault_cmd(fault_run *f, int i, uint8_t cmd[4096])
{
    int32_t hr;
    mock_mac(&f->app_mc, &f->w->app[i].mac, cmd + 16, 4080, 0, cmd);
    hr = copp_command(&f->w->s[i], cmd);
    if (hr == COPP_S_OK) f->w->app[i].cmd_seq++;
    return hr;
}

static int32_t fault_level(fault_run *f, int i, uint32_t type, uint32_t level)
{
    uint8_t cmd[4096];
    copp_app_set_protection_level(cmd, f->w->app[i].cmd_seq, type, level);
    return fault_cmd(f, i, cmd);
}

static int32_t fault_query(fault_run *f, int i, const uint8_t guid[16], uint32_t type)
{
    uint8_t in[4096], out[4096], data[4];
    int32_t hr;
    copp__st32(data, type);
    copp_app_status_request(in, w_rapp, guid, f->w->app[i].status_seq, data, guid == g_q_conn ? 0u : 4u);
    hr = copp_query_status(&f->w->s[i], in, out);
    if (hr == COPP_S_OK) {
        assert_int_equal(copp_app_verify_status(out, w_rapp, &mock_crypto_table, &f->app_mc, &f->w->app[i].mac),
                         COPP_S_OK);
        f->w->app[i].status_seq++;
    }
    return hr;
}

static uint32_t fault_vp(fault_run *f, uint32_t cp_cmd, uint32_t *key, uint32_t trigger)
{
    uint8_t vp[356], out[356];
    uint32_t st;
    vp_build(vp, COPP_VP_COMMAND_SET, COPP_VP_FLAGS_COPYPROTECT, cp_cmd, *key, trigger);
    st = copp_handle_videoparameters(&f->w->conn, vp, out);
    if (st == COPP_NO_ERROR && cp_cmd == COPP_VP_CP_CMD_ACTIVATE) *key = copp__ld32(out + 92);
    return st;
}

/* Three sessions and one DVD player on one connector. */
static void fault_scenario(fault_run *f)
{
    world *w = f->w;
    uint32_t key = 0;
    uint8_t d[64];
    FAULT_STEP(f, copp_open(&w->conn, &w->s[0]));
    FAULT_STEP(f, copp_open(&w->conn, &w->s[1]));
    FAULT_STEP(f, copp_open(&w->conn, &w->s[2]));
    FAULT_STEP(f, fault_activate(f, 0));
    FAULT_STEP(f, fault_activate(f, 1));
    FAULT_STEP(f, fault_level(f, 0, T_HDCP, 1));
    FAULT_STEP(f, fault_level(f, 0, T_ACP, 2));
    FAULT_STEP(f, fault_level(f, 0, T_CGMSA, 4 | 8));
    FAULT_STEP(f, fault_vp(f, COPP_VP_CP_CMD_ACTIVATE, &key, 3));
    FAULT_STEP(f, fault_level(f, 1, T_ACP, 1));
    FAULT_STEP(f, fault_level(f, 1, T_CGMSA, 2));
    FAULT_STEP(f, fault_vp(f, COPP_VP_CP_CMD_CHANGE, &key, 1));
    FAULT_STEP(f, fault_query(f, 0, g_global, T_ACP));
    FAULT_STEP(f, fault_query(f, 1, g_q_conn, 0));
    FAULT_STEP(f, copp_close(&w->s[0]));
    FAULT_STEP(f, fault_vp(f, COPP_VP_CP_CMD_DEACTIVATE, &key, 0));
    FAULT_STEP(f, copp_connector_resync(&w->conn, COPP_STATUS_RENEGOTIATION_REQUIRED));
    sig_data(d, COPP_PROTECTION_STANDARD_EN300294_625I, 7, 3, 0, 0, 0, 0, 0);
    {
        uint8_t cmd[4096];
        static const uint8_t g_sig[16] = COPP_GUID_DXVA_COPPSetSignaling;
        copp_app_command(cmd, g_sig, w->app[1].cmd_seq, d, 64);
        FAULT_STEP(f, fault_cmd(f, 1, cmd));
    }
    FAULT_STEP(f, fault_level(f, 1, T_HDCP, 1));
    FAULT_STEP(f, fault_query(f, 1, g_local, T_HDCP));
    FAULT_STEP(f, copp_close(&w->s[2]));
    FAULT_STEP(f, copp_close(&w->s[1]));
}

static void fault_setup(fault_run *f)
{
    memset(f, 0, sizeof *f);
    f->w = world_new(W_MOCK, NULL);
    mock_crypto_default(&f->app_mc);
    f->w->conn.desc.trace = fault_trace;
    f->w->conn.desc.trace_user = f;
}

static void test_faults_every_callback_position(void **state)
{
    fault_run f;
    uint32_t n_hw, n_cr, base_hw, base_cr, i, runs = 0, failed_runs = 0, lost_runs = 0, absorbed_runs = 0, clean_writes;
    (void)state;
    /* clean run: everything succeeds, everything ends off */
    fault_setup(&f);
    base_hw = f.w->hw.calls;   /* connector init's calls, before any fault is armed */
    base_cr = f.w->mc.calls;
    fault_scenario(&f);
    assert_int_equal(f.failed_calls, 0);
    assert_int_equal(f.w->hw.level[0] | f.w->hw.level[1] | f.w->hw.level[2], 0);
    n_hw = f.w->hw.calls - base_hw;
    n_cr = f.w->mc.calls - base_cr;
    assert_true(n_hw >= 20);
    assert_true(n_cr >= 10);
    clean_writes = f.w->hw.nlog;
    world_free(f.w);
    for (i = 1; i <= n_hw + n_cr; i++) {
        fault_setup(&f);
        if (i <= n_hw) {
            f.w->hw.fail_at = base_hw + i;
            f.w->hw.fail_hr = (i & 1) ? COPP_E_FAIL : COPP_DDERR_CURRENTLYNOTAVAIL;
        } else {
            f.w->mc.fail_at = base_cr + i - n_hw;
        }
        fault_scenario(&f);
        runs++;
        /* a fault shows as a failed call, or (a release) as a LinkLost; a
         * failed read in resync is absorbed instead: the derived level is
         * then written blind (one write more than the clean run) and the
         * type carries it, so resync succeeds (its S_OK means exactly that) */
        if (f.failed_calls > 0 || f.lost_events > 0) failed_runs++;
        else {
            assert_int_equal(f.w->hw.failed_op, MOCK_OP_GET_PROTECTION);
            assert_int_equal(f.w->hw.nlog, clean_writes + 1);
            absorbed_runs++;
        }
        lost_runs += f.lost_events > 0;
        world_free(f.w);
    }
    /* every other position's fault was visible, and some of them were releases */
    assert_int_equal(failed_runs + absorbed_runs, runs);
    assert_int_equal(absorbed_runs, 3);   /* resync reads HDCP, ACP and CGMS-A once each */
    assert_true(lost_runs > 0);
    print_message("      fault positions: %u hardware + %u crypto = %u runs, %u with a fail-closed LinkLost, "
                  "%u failed resync reads absorbed by a write\n", n_hw, n_cr, runs, lost_runs, absorbed_runs);
}

static const struct CMUnitTest fault_tests[] = {
    cmocka_unit_test(test_resync_no_change_no_writes),
    cmocka_unit_test(test_resync_restores_lost_state),
    cmocka_unit_test(test_resync_mode_gating_and_write_failure),
    cmocka_unit_test(test_faults_every_callback_position),
};
