/* test_videoport.c -- IOCTL_VIDEO_HANDLE_VIDEOPARAMETERS and multiple-session
 * copy protection (spec 13, 12.4): GET, keys, wrong keys, refcount with mixed
 * DEACTIVATE / CHANGE-off, COPP interplay both ways, slots, failures. */

static const uint8_t g_vp_guid[16] = COPP_GUID_VIDEOPARAMETERS;

static void vp_build(uint8_t vp[356], uint32_t command, uint32_t flags, uint32_t cp_cmd, uint32_t key,
                     uint32_t trigger)
{
    memset(vp, 0, 356);
    memcpy(vp, g_vp_guid, 16);
    copp__st32(vp + 20, command);
    copp__st32(vp + 24, flags);
    copp__st32(vp + 84, cp_cmd);
    copp__st32(vp + 92, key);
    copp__st32(vp + 96, trigger);
}

/* ACTIVATE at an APS trigger level; returns the key (fails the test otherwise). */
static uint32_t vp_activate(world *w, uint32_t trigger)
{
    uint8_t vp[356], out[356];
    vp_build(vp, COPP_VP_COMMAND_SET, COPP_VP_FLAGS_COPYPROTECT, COPP_VP_CP_CMD_ACTIVATE, 0, trigger);
    assert_int_equal(copp_handle_videoparameters(&w->conn, vp, out), COPP_NO_ERROR);
    assert_int_not_equal(copp__ld32(out + 92), 0);
    return copp__ld32(out + 92);
}

static uint32_t vp_cp(world *w, uint32_t cp_cmd, uint32_t key, uint32_t trigger)
{
    uint8_t vp[356], out[356];
    vp_build(vp, COPP_VP_COMMAND_SET, COPP_VP_FLAGS_COPYPROTECT, cp_cmd, key, trigger);
    return copp_handle_videoparameters(&w->conn, vp, out);
}

/* A refused request: the status, the connector and the hardware unchanged, out untouched. */
static void vp_rejected(world *w, const uint8_t vp[356], uint32_t status)
{
    uint8_t out[356], fill[356];
    snapshot sn;
    memset(out, 0x5C, sizeof out);
    memset(fill, 0x5C, sizeof fill);
    snap_take(&sn, w, 0);
    assert_int_equal(copp_handle_videoparameters(&w->conn, vp, out), status);
    assert_memory_equal(out, fill, sizeof out);
    snap_check(&sn, w, 0);
}

static void test_vp_get(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    uint8_t vp[356], out[356], want[356];
    (void)state;
    w->hw.vp.dwMode = COPP_VP_MODE_TV_PLAYBACK;
    w->hw.vp.dwTVStandard = COPP_VP_TV_STANDARD_NTSC_M;
    w->hw.vp.dwFlickerFilter = 500;
    vp_build(vp, COPP_VP_COMMAND_GET, 0, 0, 0, 0);
    memset(vp + 100, 0xEE, 256);   /* OEM data passes through */
    assert_int_equal(copp_handle_videoparameters(&w->conn, vp, out), COPP_NO_ERROR);
    memcpy(want, vp, sizeof want);
    copp__st32(want + 24, COPP_VP_FLAGS_TV_MODE | COPP_VP_FLAGS_TV_STANDARD | COPP_VP_FLAGS_FLICKER |
                          COPP_VP_FLAGS_MAX_UNSCALED | COPP_VP_FLAGS_COPYPROTECT);
    copp__st32(want + 28, COPP_VP_MODE_TV_PLAYBACK);
    copp__st32(want + 32, COPP_VP_TV_STANDARD_NTSC_M);
    copp__st32(want + 36, COPP_VP_MODE_WIN_GRAPHICS | COPP_VP_MODE_TV_PLAYBACK);
    copp__st32(want + 40, COPP_VP_TV_STANDARD_NTSC_M | COPP_VP_TV_STANDARD_PAL_B);
    copp__st32(want + 44, 500);
    copp__st32(want + 56, 720);
    copp__st32(want + 60, 480);
    copp__st32(want + 80, COPP_VP_CP_TYPE_APS_TRIGGER);
    copp__st32(want + 88, COPP_VP_TV_STANDARD_NTSC_M);
    assert_memory_equal(out, want, 356);
    /* in place (out aliases in) gives the same */
    assert_int_equal(copp_handle_videoparameters(&w->conn, vp, vp), COPP_NO_ERROR);
    assert_memory_equal(vp, want, 356);
    world_free(w);

    /* no TV output and no ACP: dwFlags 0, standards WIN_VGA (spec 13.3) */
    w = world_new_ex(W_MOCK, &mock_hw_ops_minimal, COPP_PROTECTION_TYPE_HDCP);
    vp_build(vp, COPP_VP_COMMAND_GET, 0xFFFF, 0, 0, 0);
    assert_int_equal(copp_handle_videoparameters(&w->conn, vp, out), COPP_NO_ERROR);
    assert_int_equal(copp__ld32(out + 24), 0);
    assert_int_equal(copp__ld32(out + 32), COPP_VP_TV_STANDARD_WIN_VGA);
    assert_int_equal(copp__ld32(out + 40), COPP_VP_TV_STANDARD_WIN_VGA);
    /* copy protection asked of a connector without it: NO_ERROR, nothing happens */
    vp_build(vp, COPP_VP_COMMAND_SET, COPP_VP_FLAGS_COPYPROTECT, COPP_VP_CP_CMD_ACTIVATE, 0, 3);
    assert_int_equal(copp_handle_videoparameters(&w->conn, vp, out), COPP_NO_ERROR);
    assert_int_equal(copp__ld32(out + 92), 0);
    assert_int_equal(copp_connector_vp_key_count(&w->conn), 0);
    assert_int_equal(w->hw.nlog, 0);
    world_free(w);
}

static void test_vp_bad_requests(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    uint8_t vp[356];
    uint32_t key;
    (void)state;
    key = vp_activate(w, 1);
    vp_build(vp, COPP_VP_COMMAND_GET, 0, 0, 0, 0);
    vp[15] ^= 1;                                                       /* wrong Guid */
    vp_rejected(w, vp, COPP_ERROR_INVALID_PARAMETER);
    vp_build(vp, 3, 0, 0, 0, 0);                                       /* dwCommand */
    vp_rejected(w, vp, COPP_ERROR_INVALID_PARAMETER);
    vp_build(vp, COPP_VP_COMMAND_SET, COPP_VP_FLAGS_COPYPROTECT, 8, key, 0);   /* dwCPCommand */
    vp_rejected(w, vp, COPP_ERROR_INVALID_PARAMETER);
    vp_build(vp, COPP_VP_COMMAND_SET, COPP_VP_FLAGS_COPYPROTECT, 0, key, 0);
    vp_rejected(w, vp, COPP_ERROR_INVALID_PARAMETER);
    /* wrong keys: 0, unknown, off by one bit -- for DEACTIVATE and CHANGE */
    {
        const uint32_t bad[] = { 0, key ^ 1u, key ^ 0x80000000u, ~key };
        size_t k;
        for (k = 0; k < sizeof bad / sizeof bad[0]; k++) {
            if (bad[k] == key) continue;
            vp_build(vp, COPP_VP_COMMAND_SET, COPP_VP_FLAGS_COPYPROTECT, COPP_VP_CP_CMD_DEACTIVATE, bad[k], 0);
            vp_rejected(w, vp, COPP_ERROR_INVALID_PARAMETER);
            vp_build(vp, COPP_VP_COMMAND_SET, COPP_VP_FLAGS_COPYPROTECT, COPP_VP_CP_CMD_CHANGE, bad[k], 3);
            vp_rejected(w, vp, COPP_ERROR_INVALID_PARAMETER);
        }
    }
    /* a released key is no longer valid */
    assert_int_equal(vp_cp(w, COPP_VP_CP_CMD_DEACTIVATE, key, 0), COPP_NO_ERROR);
    vp_build(vp, COPP_VP_COMMAND_SET, COPP_VP_FLAGS_COPYPROTECT, COPP_VP_CP_CMD_DEACTIVATE, key, 0);
    vp_rejected(w, vp, COPP_ERROR_INVALID_PARAMETER);
    /* NULLs and an uninitialized connector */
    assert_int_equal(copp_handle_videoparameters(NULL, vp, vp), COPP_ERROR_INVALID_PARAMETER);
    assert_int_equal(copp_handle_videoparameters(&w->conn, NULL, vp), COPP_ERROR_INVALID_PARAMETER);
    assert_int_equal(copp_handle_videoparameters(&w->conn, vp, NULL), COPP_ERROR_INVALID_PARAMETER);
    world_free(w);
    /* TV members without vp_set are refused */
    w = world_new(W_MOCK, &mock_hw_ops_minimal);
    vp_build(vp, COPP_VP_COMMAND_SET, COPP_VP_FLAGS_TV_MODE, 0, 0, 0);
    vp_rejected(w, vp, COPP_ERROR_INVALID_PARAMETER);
    world_free(w);
}

static void test_vp_set_tv_members(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    uint8_t vp[356], out[356];
    (void)state;
    vp_build(vp, COPP_VP_COMMAND_SET, COPP_VP_FLAGS_TV_MODE | COPP_VP_FLAGS_FLICKER, 0, 0, 0);
    copp__st32(vp + 28, COPP_VP_MODE_TV_PLAYBACK);
    copp__st32(vp + 44, 250);
    assert_int_equal(copp_handle_videoparameters(&w->conn, vp, out), COPP_NO_ERROR);
    assert_int_equal(w->hw.vp.dwMode, COPP_VP_MODE_TV_PLAYBACK);
    assert_int_equal(w->hw.vp.dwFlickerFilter, 250);
    assert_int_equal(w->hw.nlog, 0);
    world_free(w);
}

static void test_vp_refcount_mixed_deactivate_and_change_off(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    uint32_t k1, k2, k3;
    static const uint32_t want[][2] = { { T_ACP, 2 }, { T_ACP, 3 }, { T_ACP, 1 }, { T_ACP, 0 } };
    (void)state;
    k1 = vp_activate(w, 2);                    /* write 2 */
    k2 = vp_activate(w, 1);                    /* ranks below 2 */
    k3 = vp_activate(w, 3 | 0xFC);             /* bits above 1 ignored: level 3, ranks below 2 */
    assert_int_equal(copp_connector_vp_key_count(&w->conn), 3);
    assert_true(k1 != k2 && k2 != k3 && k1 != k3);
    assert_int_equal(vp_cp(w, COPP_VP_CP_CMD_CHANGE, k1, 0), COPP_NO_ERROR);   /* k1 off: 3 now */
    assert_int_equal(vp_cp(w, COPP_VP_CP_CMD_DEACTIVATE, k3, 0), COPP_NO_ERROR); /* 1 now */
    assert_int_equal(vp_cp(w, COPP_VP_CP_CMD_CHANGE, k2, 0), COPP_NO_ERROR);   /* all off: 0 */
    assert_int_equal(copp_connector_vp_key_count(&w->conn), 2);                 /* k1, k2 live at 0 */
    assert_int_equal(vp_cp(w, COPP_VP_CP_CMD_CHANGE, k2, 0), COPP_NO_ERROR);   /* no change, no write */
    assert_int_equal(vp_cp(w, COPP_VP_CP_CMD_DEACTIVATE, k1, 0), COPP_NO_ERROR);
    assert_int_equal(vp_cp(w, COPP_VP_CP_CMD_DEACTIVATE, k2, 0), COPP_NO_ERROR);
    assert_int_equal(copp_connector_vp_key_count(&w->conn), 0);
    hw_writes(w, 0, want, 4);
    assert_int_equal(w->conn.counts[1][0] + w->conn.counts[1][1] + w->conn.counts[1][2] + w->conn.counts[1][3], 0);
    world_free(w);
}

static void test_vp_copp_interplay(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    uint32_t key;
    (void)state;
    w_activate(w, 0);
    /* video port raises, COPP sees it in the global level, not the local one */
    assert_int_equal(w_level(w, 0, T_ACP, 1), COPP_S_OK);
    key = vp_activate(w, 2);
    assert_int_equal(w->hw.level[1], 2);
    assert_int_equal(w_level_query(w, 0, g_global, T_ACP), 2);
    assert_int_equal(w_level_query(w, 0, g_local, T_ACP), 1);
    /* the video port lets go: COPP's level 1 stays */
    assert_int_equal(vp_cp(w, COPP_VP_CP_CMD_DEACTIVATE, key, 0), COPP_NO_ERROR);
    assert_int_equal(w->hw.level[1], 1);
    /* and the other way: a COPP session cannot lower the video port's ACP */
    key = vp_activate(w, 3);
    assert_int_equal(w->hw.level[1], 3);
    assert_int_equal(w_level(w, 0, T_ACP, 0), COPP_S_OK);
    assert_int_equal(w->hw.level[1], 3);
    assert_int_equal(copp_close(&w->s[0]), COPP_S_OK);
    assert_int_equal(w->hw.level[1], 3);
    /* CHANGE with trigger bits 0 switches this key off */
    assert_int_equal(vp_cp(w, COPP_VP_CP_CMD_CHANGE, key, 0), COPP_NO_ERROR);
    assert_int_equal(w->hw.level[1], 0);
    world_free(w);
}

/* RNG hook scripted by the test: a queue of 32-bit values, then the mock counter. */
static uint32_t g_rng_script[16];
static int g_rng_n, g_rng_pos;
static int script32_rng(void *u, uint8_t *buf, size_t len)
{
    if (len == 4 && g_rng_pos < g_rng_n) {
        copp__st32(buf, g_rng_script[g_rng_pos++]);
        return 0;
    }
    return mock_randombytes(u, buf, len);
}

#ifndef COPP_TEST_CORE   /* the OS RNG: a real backend */
static void test_vp_keys_unique_and_unpredictable(void **state)
{
    world *w = world_new(W_REAL, NULL);   /* the OS RNG, through the backend under test */
    uint32_t *seen = (uint32_t *)calloc(4000, sizeof *seen);
    uint32_t live[8];
    int i, j, dup = 0;
    (void)state;
    for (i = 0; i < 4000; i++) {
        uint32_t k = vp_activate(w, (uint32_t)i & 3u);
        for (j = 0; j < i && j < 4000; j++) dup += seen[j] == k;
        seen[i] = k;
        /* keep 8 live: release the oldest */
        if (i >= 8) assert_int_equal(vp_cp(w, COPP_VP_CP_CMD_DEACTIVATE, live[i % 8], 0), COPP_NO_ERROR);
        live[i % 8] = k;
        for (j = 0; j < 8 && j < i; j++)
            if (j != i % 8) assert_int_not_equal(live[j], k);
    }
    /* 4000 draws of 32 bits: a repeat anywhere in the history has probability
     * ~0.2%; two would be ~2e-6.  Live keys never repeat (checked above). */
    assert_true(dup <= 1);
    free(seen);
    world_free(w);
}
#endif

/* The rule itself, with an adversarial RNG: 0 and a live key are skipped. */
static void test_vp_keys_never_zero_or_live(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    copp_crypto scripted = mock_crypto_table;
    int i;
    (void)state;
    scripted.randombytes = script32_rng;
    w->conn.desc.crypto = &scripted;
    g_rng_script[0] = 0x11111111u;
    g_rng_n = 1; g_rng_pos = 0;
    assert_int_equal(vp_activate(w, 1), 0x11111111u);
    g_rng_script[0] = 0; g_rng_script[1] = 0x11111111u; g_rng_script[2] = 0x22222222u;
    g_rng_n = 3; g_rng_pos = 0;
    assert_int_equal(vp_activate(w, 1), 0x22222222u);
    /* an RNG that only ever repeats a live key: GEN_FAILURE after bounded tries, nothing changes */
    for (i = 0; i < 16; i++) g_rng_script[i] = 0x22222222u;
    g_rng_n = 16; g_rng_pos = 0;
    {
        uint8_t vp[356];
        vp_build(vp, COPP_VP_COMMAND_SET, COPP_VP_FLAGS_COPYPROTECT, COPP_VP_CP_CMD_ACTIVATE, 0, 3);
        vp_rejected(w, vp, COPP_ERROR_GEN_FAILURE);
    }
    g_rng_n = 0;
    world_free(w);
}

static void test_vp_slots_and_failures(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    uint8_t vp[356];
    uint32_t keys[COPP_MAX_VP_KEYS], k;
    int i;
    (void)state;
    w_activate(w, 0);
    for (i = 0; i < COPP_MAX_VP_KEYS; i++) keys[i] = vp_activate(w, 0);
    vp_build(vp, COPP_VP_COMMAND_SET, COPP_VP_FLAGS_COPYPROTECT, COPP_VP_CP_CMD_ACTIVATE, 0, 1);
    vp_rejected(w, vp, COPP_ERROR_NOT_ENOUGH_MEMORY);
    for (i = 0; i < COPP_MAX_VP_KEYS; i++) assert_int_equal(vp_cp(w, COPP_VP_CP_CMD_DEACTIVATE, keys[i], 0), COPP_NO_ERROR);
    /* ACTIVATE whose hardware write fails: no key, nothing changed */
    w->hw.fail_at = w->hw.calls + 1;
    vp_rejected(w, vp, COPP_ERROR_GEN_FAILURE);
    assert_int_equal(copp_connector_vp_key_count(&w->conn), 0);
    k = vp_activate(w, 1);
    /* a CHANGE up whose write fails: refused, the key keeps its level */
    vp_build(vp, COPP_VP_COMMAND_SET, COPP_VP_FLAGS_COPYPROTECT, COPP_VP_CP_CMD_CHANGE, k, 2);
    w->hw.fail_at = w->hw.calls + 1;
    vp_rejected(w, vp, COPP_ERROR_GEN_FAILURE);
    assert_int_equal(w->conn.vp_keys[0].level, 1);
    assert_int_equal(vp_cp(w, COPP_VP_CP_CMD_CHANGE, k, 2), COPP_NO_ERROR);
    /* a CHANGE down whose write fails: taken all the same, the hardware
     * keeps level 2 (fail closed) and the session hears LinkLost */
    w->hw.fail_at = w->hw.calls + 2;   /* check_protection(1) passes, the write fails */
    assert_int_equal(vp_cp(w, COPP_VP_CP_CMD_CHANGE, k, 1), COPP_NO_ERROR);
    assert_int_equal(w->hw.failed_op, MOCK_OP_SET_PROTECTION);
    assert_int_equal(w->conn.vp_keys[0].level, 1);
    assert_int_equal(w->hw.level[1], 2);
    assert_int_equal(copp_connector_level(&w->conn, T_ACP), 2);
    assert_int_equal(w_rec(w, 0)->pending_flags, COPP_STATUS_LINK_LOST);
    /* DEACTIVATE whose write fails: the key is released all the same, the
     * hardware keeps level 2 (fail closed) and the session hears LinkLost */
    w->hw.fail_at = w->hw.calls + 1;
    assert_int_equal(vp_cp(w, COPP_VP_CP_CMD_DEACTIVATE, k, 0), COPP_NO_ERROR);
    assert_int_equal(copp_connector_vp_key_count(&w->conn), 0);
    assert_int_equal(w->hw.level[1], 2);
    assert_int_equal(copp_connector_level(&w->conn, T_ACP), 2);
    assert_int_equal(w_rec(w, 0)->pending_flags, COPP_STATUS_LINK_LOST);
    {
        uint8_t out[4096];
        assert_int_equal(w_query(w, 0, g_q_conn, NULL, 0, out), COPP_S_OK);
        assert_int_equal(copp__ld32(out + 36), COPP_STATUS_LINK_LOST);
    }
    assert_int_equal(w_level_query(w, 0, g_global, T_ACP), 2);   /* what the hardware has */
    world_free(w);
}

static const struct CMUnitTest videoport_tests[] = {
    cmocka_unit_test(test_vp_get),
    cmocka_unit_test(test_vp_bad_requests),
    cmocka_unit_test(test_vp_set_tv_members),
    cmocka_unit_test(test_vp_refcount_mixed_deactivate_and_change_off),
    cmocka_unit_test(test_vp_copp_interplay),
#ifndef COPP_TEST_CORE
    cmocka_unit_test(test_vp_keys_unique_and_unpredictable),
#endif
    cmocka_unit_test(test_vp_keys_never_zero_or_live),
    cmocka_unit_test(test_vp_slots_and_failures),
};
