/* test_refcount.c -- many sessions on one connector (spec 11, 12): local vs
 * global levels, OPM precedence and the separate redistribution-control rule,
 * hardware written only when the applied level changes, close in any state,
 * status events once per session; a seeded random walk against a reference
 * model written here from the spec's tables. */

#define T_HDCP COPP_PROTECTION_TYPE_HDCP
#define T_ACP COPP_PROTECTION_TYPE_ACP
#define T_CGMSA COPP_PROTECTION_TYPE_CGMSA

/* The hardware log since index `from` must be exactly these (type, level) writes. */
static void hw_writes(const world *w, uint32_t from, const uint32_t (*want)[2], uint32_t n)
{
    uint32_t k;
    assert_int_equal(w->hw.nlog - from, n);
    for (k = 0; k < n; k++) {
        assert_int_equal(w->hw.log[from + k].type, want[k][0]);
        assert_int_equal(w->hw.log[from + k].level, want[k][1]);
    }
}

static void test_rc_hdcp_stays_on_until_last(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    static const uint32_t on[][2] = { { T_HDCP, 1 } }, off[][2] = { { T_HDCP, 0 } };
    (void)state;
    w_activate(w, 0);
    w_activate(w, 1);
    assert_int_equal(w_level(w, 0, T_HDCP, 1), COPP_S_OK);
    assert_int_equal(w_level(w, 1, T_HDCP, 1), COPP_S_OK);
    hw_writes(w, 0, on, 1);                       /* one write for two requests */
    assert_int_equal(copp_close(&w->s[0]), COPP_S_OK);
    hw_writes(w, 0, on, 1);                       /* B still needs it */
    assert_int_equal(w_level_query(w, 1, g_global, T_HDCP), 1);
    assert_int_equal(copp_close(&w->s[1]), COPP_S_OK);
    hw_writes(w, 1, off, 1);
    assert_int_equal(w->hw.level[0], 0);
    world_free(w);
}

static void test_rc_acp_precedence(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    /* OPM precedence 0 < 1 < 3 < 2: numeric max would pick 3 over 2 */
    static const uint32_t want[][2] = { { T_ACP, 2 }, { T_ACP, 3 }, { T_ACP, 0 } };
    (void)state;
    w_activate(w, 0);
    w_activate(w, 1);
    assert_int_equal(w_level(w, 0, T_ACP, 2), COPP_S_OK);    /* write 2 */
    assert_int_equal(w_level(w, 1, T_ACP, 1), COPP_S_OK);    /* 1 < 2: no write */
    assert_int_equal(w_level(w, 1, T_ACP, 3), COPP_S_OK);    /* 3 < 2: no write */
    assert_int_equal(w_level_query(w, 1, g_global, T_ACP), 2);
    assert_int_equal(w_level_query(w, 1, g_local, T_ACP), 3);
    assert_int_equal(w_level_query(w, 0, g_local, T_ACP), 2);
    assert_int_equal(w_level(w, 1, T_ACP, 0), COPP_S_OK);    /* B lets go: A's 2 stays */
    assert_int_equal(w_level(w, 1, T_ACP, 3), COPP_S_OK);
    assert_int_equal(w_level(w, 0, T_ACP, 0), COPP_S_OK);    /* write 3 */
    assert_int_equal(w_level(w, 1, T_ACP, 0), COPP_S_OK);    /* write 0 */
    hw_writes(w, 0, want, 3);
    world_free(w);
}

static void test_rc_cgmsa_precedence_and_redistribution_control(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    static const uint32_t want[][2] = {
        { T_CGMSA, 3 }, { T_CGMSA, 2 }, { T_CGMSA, 4 }, { T_CGMSA, 4 | 8 },
        { T_CGMSA, 3 | 8 }, { T_CGMSA, 8 }, { T_CGMSA, 0 },
    };
    (void)state;
    w_activate(w, 0);
    w_activate(w, 1);
    assert_int_equal(w_level(w, 0, T_CGMSA, 3), COPP_S_OK);       /* CopyOneGeneration */
    assert_int_equal(w_level(w, 1, T_CGMSA, 2), COPP_S_OK);       /* CopyNoMore ranks above */
    assert_int_equal(w_level(w, 1, T_CGMSA, 4), COPP_S_OK);       /* CopyNever */
    assert_int_equal(w_level(w, 0, T_CGMSA, 3 | 8), COPP_S_OK);   /* RC from A, base from B */
    assert_int_equal(w_level_query(w, 0, g_global, T_CGMSA), 4 | 8);
    assert_int_equal(w_level(w, 1, T_CGMSA, 0), COPP_S_OK);       /* 3|8 */
    assert_int_equal(w_level(w, 0, T_CGMSA, 8), COPP_S_OK);       /* RC alone */
    assert_int_equal(w_level(w, 0, T_CGMSA, 0), COPP_S_OK);
    hw_writes(w, 0, want, 7);
    world_free(w);
}

static void test_rc_close_in_every_state(void **state)
{
    uint32_t st;
    (void)state;
    for (st = COPP_STATE_OPENED; st <= COPP_STATE_SESSION_ACTIVE; st++) {
        world *w = world_new(W_MOCK, NULL);
        w_activate(w, 0);
        assert_int_equal(w_level(w, 0, T_ACP, 1), COPP_S_OK);
        w_to_state(w, 1, st, 0);
        assert_int_equal(w->conn.counts[1][0], 1);
        if (st == COPP_STATE_SESSION_ACTIVE) assert_int_equal(w_level(w, 1, T_ACP, 2), COPP_S_OK);
        assert_int_equal(copp_close(&w->s[1]), COPP_S_OK);
        assert_int_equal(w->conn.counts[1][0], 0);
        assert_int_equal(w->conn.counts[1][2], 0);
        assert_int_equal(w->conn.counts[1][1], 1);
        assert_int_equal(w->hw.level[1], 1);       /* A's level survives B's close */
        assert_int_equal(copp_connector_session_count(&w->conn), 1);
        assert_int_equal(copp_close(&w->s[0]), COPP_S_OK);
        assert_int_equal(w->hw.level[1], 0);
        world_free(w);
    }
}

static void test_rc_close_when_hardware_fails(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    uint8_t out[4096];
    (void)state;
    w_activate(w, 0);
    w_activate(w, 1);
    assert_int_equal(w_level(w, 0, T_HDCP, 1), COPP_S_OK);
    w->hw.fail_at = w->hw.calls + 1;               /* the HDCP-off write fails */
    assert_int_equal(copp_close(&w->s[0]), COPP_S_OK);
    assert_int_equal(copp_session_state(&w->s[0]), COPP_STATE_CLOSED);
    assert_int_equal(copp_connector_level(&w->conn, T_HDCP), 1);   /* still what hardware has */
    assert_int_equal(w->hw.level[0], 1);
    assert_int_equal(w->conn.counts[0][1], 0);
    /* the other session hears LinkLost once */
    assert_int_equal(w_query(w, 1, g_q_conn, NULL, 0, out), COPP_S_OK);
    assert_int_equal(copp__ld32(out + 36), COPP_STATUS_LINK_LOST);
    assert_int_equal(w_query(w, 1, g_q_conn, NULL, 0, out), COPP_S_OK);
    assert_int_equal(copp__ld32(out + 36), 0);
    /* the next change of that type re-derives and writes again */
    assert_int_equal(w_level(w, 1, T_HDCP, 1), COPP_S_OK);
    assert_int_equal(w_level(w, 1, T_HDCP, 0), COPP_S_OK);
    assert_int_equal(w->hw.level[0], 0);
    world_free(w);
}

static void test_rc_events_once_per_session(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    uint8_t out[4096];
    (void)state;
    w_activate(w, 0);
    w_activate(w, 1);
    w_to_state(w, 2, COPP_STATE_OPENED, 0);
    copp_connector_event(&w->conn, COPP_STATUS_LINK_LOST);
    assert_int_equal(w_query(w, 0, g_q_conn, NULL, 0, out), COPP_S_OK);
    assert_int_equal(copp__ld32(out + 36), COPP_STATUS_LINK_LOST);
    assert_int_equal(w_query(w, 0, g_q_prot, NULL, 0, out), COPP_S_OK);
    assert_int_equal(copp__ld32(out + 36), 0);                      /* A: once */
    copp_connector_event(&w->conn, COPP_STATUS_RENEGOTIATION_REQUIRED);
    copp_connector_event(&w->conn, 0xFFFFFFFFu);                    /* reserved bits ignored */
    assert_int_equal(w_level_query(w, 1, g_local, T_ACP), 0);       /* B: both, coalesced */
    assert_int_equal(w_query(w, 1, g_q_conn, NULL, 0, out), COPP_S_OK);
    assert_int_equal(copp__ld32(out + 36), 0);
    /* every reply type carries dwFlags: DisplayData and HDCPKeyData too */
    copp_connector_event(&w->conn, COPP_STATUS_LINK_LOST);
    assert_int_equal(w_query(w, 1, g_q_display, NULL, 0, out), COPP_S_OK);
    assert_int_equal(copp__ld32(out + 36), COPP_STATUS_LINK_LOST);
    copp_connector_event(&w->conn, COPP_STATUS_RENEGOTIATION_REQUIRED);
    assert_int_equal(w_query(w, 1, g_q_hdcp, NULL, 0, out), COPP_S_OK);
    assert_int_equal(copp__ld32(out + 36), COPP_STATUS_RENEGOTIATION_REQUIRED);
    /* C was only opened when the events came: it reports all of them once, when active */
    w_to_state(w, 3, COPP_STATE_OPENED, 0);     /* D opened after: nothing pending */
    {
        uint32_t len;
        uint8_t rgh[16], cert[64], sig[256];
        assert_int_equal(copp_get_certificate_length(&w->s[2], &len), COPP_S_OK);
        assert_int_equal(copp_key_exchange(&w->s[2], w->app[2].rgh, cert, sizeof cert), COPP_S_OK);
        memset(sig, 0, sizeof sig);
        memcpy(sig, w->app[2].rgh, 16);
        memset(w->app[2].kdi, 0, 16);
        assert_int_equal(copp_sequence_start(&w->s[2], sig), COPP_S_OK);
        assert_int_equal(w->crypto->mac_init(w->crypto_user, &w->app[2].mac, w->app[2].kdi), COPP_S_OK);
        w->app[2].status_seq = 0;
        w->app[2].cmd_seq = 0;
        (void)rgh;
    }
    assert_int_equal(w_query(w, 2, g_q_conn, NULL, 0, out), COPP_S_OK);
    assert_int_equal(copp__ld32(out + 36), COPP_STATUS_LINK_LOST | COPP_STATUS_RENEGOTIATION_REQUIRED);
    assert_int_equal(w_query(w, 2, g_q_conn, NULL, 0, out), COPP_S_OK);
    assert_int_equal(copp__ld32(out + 36), 0);
    assert_int_equal(w_rec(w, 3)->pending_flags, 0);
    world_free(w);
}

/* ---- random walk against a reference model --------------------------------- */

/* The applied level the shared reference model (model.c) derives from the
 * open sessions' local levels. */
static uint32_t model_applied(const world *w, int t)
{
    uint32_t levels[W_SESSIONS];
    int i;
    for (i = 0; i < W_SESSIONS; i++) levels[i] = copp_session_local_level(&w->s[i], model_type_bit[t]);
    return model_derive(t, levels, W_SESSIONS);
}

static void model_check(const world *w)
{
    int t, i;
    uint32_t l;
    for (t = 0; t < 3; t++) {
        for (l = 0; l < COPP__LEVELS; l++) {
            uint32_t n = 0;
            for (i = 0; i < W_SESSIONS; i++) n += copp_session_local_level(&w->s[i], model_type_bit[t]) == l;
            assert_int_equal(w->conn.counts[t][l], n);
        }
        assert_int_equal(w->conn.applied[t], model_applied(w, t));
        assert_int_equal(w->hw.level[t], model_applied(w, t));
        /* nobody's request is undercut */
        for (i = 0; i < W_SESSIONS; i++)
            assert_true(model_covers(t, w->conn.applied[t], copp_session_local_level(&w->s[i], model_type_bit[t])));
    }
}

static void test_rc_random_walk_matches_model(void **state)
{
    static const uint32_t types[] = { T_HDCP, T_ACP, T_CGMSA };
    static const uint32_t levels[3][10] = { { 0, 1 }, { 0, 1, 2, 3 }, { 0, 1, 2, 3, 4, 8, 9, 10, 11, 12 } };
    static const int nlevels[3] = { 2, 4, 10 };
    world *w = world_new(W_MOCK, NULL);
    uint32_t rng = 12345, step, writes = 0;
    (void)state;
    for (step = 0; step < 4000; step++) {
        int i, t;
        uint32_t before = w->hw.nlog, old_applied[3];
        rng = rng * 1103515245u + 12345u;
        i = (int)((rng >> 16) % W_SESSIONS);
        t = (int)((rng >> 20) % 3);
        memcpy(old_applied, w->conn.applied, sizeof old_applied);
        if (w->s[i].state == COPP_STATE_CLOSED) {
            memset(&w->app[i], 0, sizeof w->app[i]);
            w_activate(w, i);
        } else if (((rng >> 8) & 15) == 0) {
            assert_int_equal(copp_close(&w->s[i]), COPP_S_OK);
        } else {
            uint32_t lv = levels[t][(rng >> 24) % (uint32_t)nlevels[t]];
            assert_int_equal(w_level(w, i, types[t], lv), COPP_S_OK);
            assert_int_equal(copp_session_local_level(&w->s[i], types[t]), lv);
        }
        model_check(w);
        /* a write happened exactly when an applied level changed */
        assert_int_equal(w->hw.nlog - before, (uint32_t)((old_applied[0] != w->conn.applied[0]) +
                                                         (old_applied[1] != w->conn.applied[1]) +
                                                         (old_applied[2] != w->conn.applied[2])));
        writes += w->hw.nlog - before;
    }
    assert_true(writes > 100);
    world_free(w);
}

static const struct CMUnitTest refcount_tests[] = {
    cmocka_unit_test(test_rc_hdcp_stays_on_until_last),
    cmocka_unit_test(test_rc_acp_precedence),
    cmocka_unit_test(test_rc_cgmsa_precedence_and_redistribution_control),
    cmocka_unit_test(test_rc_close_in_every_state),
    cmocka_unit_test(test_rc_close_when_hardware_fails),
    cmocka_unit_test(test_rc_events_once_per_session),
    cmocka_unit_test(test_rc_random_walk_matches_model),
};
