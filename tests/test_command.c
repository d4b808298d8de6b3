/* test_command.c -- COPPCommand (spec 4.5, 7, 10.4, 10.6): check order and
 * codes, sequence replay/skip/wrap, size limits, payload validation, mode
 * gating, hardware failure rollback, SetSignaling. */

static const uint8_t g_setsig[16] = COPP_GUID_DXVA_COPPSetSignaling;

/* Send cmd (already MACed or deliberately not) and expect hr + reason with
 * nothing changed. */
static void cmd_rejected(world *w, int i, const uint8_t *cmd, int32_t hr, uint32_t reason)
{
    snapshot sn;
    snap_take(&sn, w, i);
    assert_int_equal(copp_command(&w->s[i], cmd), hr);
    assert_int_equal(copp_session_last_reason(&w->s[i]), reason);
    snap_check(&sn, w, i);
}

static void level_cmd(world *w, int i, uint8_t cmd[4096], uint32_t type, uint32_t level)
{
    assert_int_equal(copp_app_set_protection_level(cmd, w->app[i].cmd_seq, type, level), COPP_S_OK);
    assert_int_equal(copp_app_mac_command(cmd, w->crypto, w->crypto_user, &w->app[i].mac), COPP_S_OK);
}

static void test_cmd_sequence_replay_skip_and_mac(void **state)
{
    world *w = world_new(W_REAL, NULL);   /* real AES-CMAC */
    uint8_t cmd[4096], first[4096];
    uint32_t seq0;
    (void)state;
    w_activate(w, 0);
    seq0 = w->app[0].cmd_seq;
    level_cmd(w, 0, first, COPP_PROTECTION_TYPE_ACP, 1);
    assert_int_equal(copp_command(&w->s[0], first), COPP_S_OK);
    w->app[0].cmd_seq++;
    assert_int_equal(w_rec(w, 0)->command_seq, seq0 + 1);
    cmd_rejected(w, 0, first, COPP_E_INVALIDARG, COPP_REASON_BAD_SEQUENCE);           /* replay */
    assert_int_equal(copp_app_set_protection_level(cmd, seq0 + 2, COPP_PROTECTION_TYPE_ACP, 2), COPP_S_OK);
    assert_int_equal(copp_app_mac_command(cmd, w->crypto, w->crypto_user, &w->app[0].mac), COPP_S_OK);
    cmd_rejected(w, 0, cmd, COPP_E_INVALIDARG, COPP_REASON_BAD_SEQUENCE);             /* skip */
    /* a MAC failure consumes nothing: the same sequence number then works */
    level_cmd(w, 0, cmd, COPP_PROTECTION_TYPE_ACP, 2);
    cmd[4095] ^= 0x01;   /* an unused data byte, covered by the MAC */
    cmd_rejected(w, 0, cmd, COPP_E_UNEXPECTED, COPP_REASON_BAD_MAC);
    cmd[4095] ^= 0x01;
    cmd[3] ^= 0x80;      /* the tag itself */
    cmd_rejected(w, 0, cmd, COPP_E_UNEXPECTED, COPP_REASON_BAD_MAC);
    cmd[3] ^= 0x80;
    assert_int_equal(copp_command(&w->s[0], cmd), COPP_S_OK);
    assert_int_equal(w->hw.level[1], 2);
    world_free(w);
}

static void test_cmd_sequence_wraps(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    (void)state;
    w->app[0].cmd_seq = 0xFFFFFFFFu;
    w->app[0].status_seq = 1;
    w_activate(w, 0);
    assert_int_equal(w_rec(w, 0)->command_seq, 0xFFFFFFFFu);
    assert_int_equal(w_level(w, 0, COPP_PROTECTION_TYPE_HDCP, 1), COPP_S_OK);
    assert_int_equal(w_rec(w, 0)->command_seq, 0u);
    assert_int_equal(w->app[0].cmd_seq, 0u);
    assert_int_equal(w_level(w, 0, COPP_PROTECTION_TYPE_HDCP, 0), COPP_S_OK);
    assert_int_equal(w_rec(w, 0)->command_seq, 1u);
    world_free(w);
}

static void test_cmd_check_order(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    uint8_t cmd[4096];
    (void)state;
    w_activate(w, 0);
    /* header problems are reported before the MAC (sample order, spec 4.5) */
    level_cmd(w, 0, cmd, COPP_PROTECTION_TYPE_ACP, 9);
    cmd[0] ^= 1;
    copp__st32(cmd + 32, w->app[0].cmd_seq + 5);
    cmd_rejected(w, 0, cmd, COPP_E_INVALIDARG, COPP_REASON_BAD_SEQUENCE);
    copp__st32(cmd + 32, w->app[0].cmd_seq);
    cmd[16] ^= 1;
    cmd_rejected(w, 0, cmd, COPP_E_INVALIDARG, COPP_REASON_UNKNOWN_GUID);
    cmd[16] ^= 1;
    copp__st32(cmd + 36, 15);
    cmd_rejected(w, 0, cmd, COPP_E_INVALIDARG, COPP_REASON_BAD_SIZE);
    copp__st32(cmd + 36, 16);
    /* the payload (level 9: invalid) is not looked at before the MAC passes */
    cmd_rejected(w, 0, cmd, COPP_E_UNEXPECTED, COPP_REASON_BAD_MAC);
    cmd[0] ^= 1;
    cmd_rejected(w, 0, cmd, COPP_E_INVALIDARG, COPP_REASON_BAD_LEVEL);
    world_free(w);
}

static void test_cmd_size_limits(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    uint8_t cmd[4096];
    static const uint32_t bad[] = { 0, 15, 4057, 4096, 0xFFFFFFFFu };
    size_t k;
    (void)state;
    w_activate(w, 0);
    for (k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        assert_int_equal(copp_app_set_protection_level(cmd, w->app[0].cmd_seq, COPP_PROTECTION_TYPE_ACP, 1), COPP_S_OK);
        copp__st32(cmd + 36, bad[k]);
        assert_int_equal(copp_app_mac_command(cmd, w->crypto, w->crypto_user, &w->app[0].mac), COPP_S_OK);
        cmd_rejected(w, 0, cmd, COPP_E_INVALIDARG, COPP_REASON_BAD_SIZE);
    }
    /* 16 and 4056 are accepted */
    assert_int_equal(copp_app_set_protection_level(cmd, w->app[0].cmd_seq, COPP_PROTECTION_TYPE_ACP, 1), COPP_S_OK);
    copp__st32(cmd + 36, 4056);
    assert_int_equal(w_send(w, 0, cmd), COPP_S_OK);
    assert_int_equal(w_level(w, 0, COPP_PROTECTION_TYPE_ACP, 0), COPP_S_OK);
    /* SetSignaling needs 64 bytes */
    {
        uint8_t data[64] = { 0 };
        assert_int_equal(copp_app_command(cmd, g_setsig, w->app[0].cmd_seq, data, 63), COPP_S_OK);
        assert_int_equal(copp_app_mac_command(cmd, w->crypto, w->crypto_user, &w->app[0].mac), COPP_S_OK);
        cmd_rejected(w, 0, cmd, COPP_E_INVALIDARG, COPP_REASON_BAD_SIZE);
        assert_int_equal(copp_app_command(cmd, g_setsig, w->app[0].cmd_seq, data, 64), COPP_S_OK);
        assert_int_equal(w_send(w, 0, cmd), COPP_S_OK);
    }
    world_free(w);
}

static void test_cmd_payload_validation(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    uint8_t cmd[4096];
    static const uint32_t bad_types[] = { 0, 3, 5, 6, 7, 8, 0x10, 0x80000000u, 0x80000002u, 0xFFFFFFFFu };
    static const struct { uint32_t type, level; } bad_levels[] = {
        { COPP_PROTECTION_TYPE_HDCP, 2 }, { COPP_PROTECTION_TYPE_ACP, 4 },
        { COPP_PROTECTION_TYPE_CGMSA, 5 }, { COPP_PROTECTION_TYPE_CGMSA, 6 },
        { COPP_PROTECTION_TYPE_CGMSA, 7 }, { COPP_PROTECTION_TYPE_CGMSA, 13 },
        { COPP_PROTECTION_TYPE_CGMSA, 16 }, { COPP_PROTECTION_TYPE_ACP, COPP_LEVEL_NOT_AVAILABLE },
        { COPP_PROTECTION_TYPE_HDCP, COPP_LEVEL_NOT_AVAILABLE },
    };
    static const uint32_t good_cgmsa[] = { 0, 1, 2, 3, 4, 8, 9, 10, 11, 12 };
    size_t k;
    (void)state;
    w_activate(w, 0);
    for (k = 0; k < sizeof bad_types / sizeof bad_types[0]; k++) {
        level_cmd(w, 0, cmd, bad_types[k], 0);
        cmd_rejected(w, 0, cmd, COPP_E_INVALIDARG, COPP_REASON_BAD_PROTECTION_TYPE);
    }
    for (k = 0; k < sizeof bad_levels / sizeof bad_levels[0]; k++) {
        level_cmd(w, 0, cmd, bad_levels[k].type, bad_levels[k].level);
        cmd_rejected(w, 0, cmd, COPP_E_INVALIDARG, COPP_REASON_BAD_LEVEL);
    }
    for (k = 0; k < sizeof good_cgmsa / sizeof good_cgmsa[0]; k++) {
        assert_int_equal(w_level(w, 0, COPP_PROTECTION_TYPE_CGMSA, good_cgmsa[k]), COPP_S_OK);
        assert_int_equal(copp_session_local_level(&w->s[0], COPP_PROTECTION_TYPE_CGMSA), good_cgmsa[k]);
        assert_int_equal(w->hw.level[2], good_cgmsa[k]);
    }
    /* ExtendedInfoChangeMask/Data are ignored (A21) */
    assert_int_equal(copp_app_set_protection_level(cmd, w->app[0].cmd_seq, COPP_PROTECTION_TYPE_HDCP, 1), COPP_S_OK);
    copp__st32(cmd + 48, 0xFFFFFFFFu);
    copp__st32(cmd + 52, 0x12345678u);
    assert_int_equal(w_send(w, 0, cmd), COPP_S_OK);
    assert_int_equal(w->hw.level[0], 1);
    world_free(w);

    /* a type the connector does not have */
    w = world_new_ex(W_MOCK, NULL, COPP_PROTECTION_TYPE_ACP);
    w_activate(w, 0);
    assert_int_equal(copp_session_local_level(&w->s[0], COPP_PROTECTION_TYPE_HDCP), COPP_LEVEL_NOT_AVAILABLE);
    level_cmd(w, 0, cmd, COPP_PROTECTION_TYPE_HDCP, 1);
    cmd_rejected(w, 0, cmd, COPP_E_INVALIDARG, COPP_REASON_BAD_PROTECTION_TYPE);
    assert_int_equal(w_level(w, 0, COPP_PROTECTION_TYPE_ACP, 3), COPP_S_OK);
    world_free(w);
}

static void test_cmd_mode_too_big(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    uint8_t cmd[4096];
    (void)state;
    w_activate(w, 0);
    w->hw.too_big_type = COPP_PROTECTION_TYPE_ACP;   /* e.g. ACP on component at 720p */
    w->hw.too_big_from = 1;
    level_cmd(w, 0, cmd, COPP_PROTECTION_TYPE_ACP, 1);
    cmd_rejected(w, 0, cmd, COPP_DDERR_TOOBIGSIZE, COPP_REASON_MODE_TOO_BIG);
    assert_int_equal(w_level(w, 0, COPP_PROTECTION_TYPE_ACP, 0), COPP_S_OK);   /* off is always possible */
    assert_int_equal(w_level(w, 0, COPP_PROTECTION_TYPE_HDCP, 1), COPP_S_OK);
    world_free(w);
}

static void test_cmd_hw_failure_rolls_back(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    uint8_t cmd[4096];
    (void)state;
    w_activate(w, 0);
    w_activate(w, 1);
    assert_int_equal(w_level(w, 1, COPP_PROTECTION_TYPE_ACP, 1), COPP_S_OK);
    /* raising ACP to 2 needs a hardware write; make it fail with a driver code */
    level_cmd(w, 0, cmd, COPP_PROTECTION_TYPE_ACP, 2);
    w->hw.fail_hr = COPP_DDERR_CURRENTLYNOTAVAIL;
    w->hw.fail_at = w->hw.calls + 2;   /* check_protection passes, set_protection fails */
    cmd_rejected(w, 0, cmd, COPP_DDERR_CURRENTLYNOTAVAIL, COPP_REASON_HW_FAILED);
    assert_int_equal(copp_session_local_level(&w->s[0], COPP_PROTECTION_TYPE_ACP), 0);
    assert_int_equal(w->conn.counts[1][0], 1);
    assert_int_equal(w->conn.counts[1][1], 1);
    assert_int_equal(w->conn.counts[1][2], 0);
    /* a positive (non-HRESULT) failure is reported as E_FAIL */
    w->hw.fail_hr = 7;
    w->hw.fail_at = w->hw.calls + 1;
    cmd_rejected(w, 0, cmd, COPP_E_FAIL, COPP_REASON_HW_FAILED);   /* check_protection fails */
    /* the same command then goes through */
    assert_int_equal(copp_command(&w->s[0], cmd), COPP_S_OK);
    assert_int_equal(w->hw.level[1], 2);
    world_free(w);
}

static void sig_data(uint8_t d[64], uint32_t standard, uint32_t m1, uint32_t d1, uint32_t m2, uint32_t d2,
                     uint32_t m3, uint32_t d3, uint32_t reserved)
{
    memset(d, 0, 64);
    copp__st32(d, standard);
    copp__st32(d + 4, m1); copp__st32(d + 8, d1);
    copp__st32(d + 12, m2); copp__st32(d + 16, d2);
    copp__st32(d + 20, m3); copp__st32(d + 24, d3);
    copp__st32(d + 60, reserved);
}

static int32_t send_sig(world *w, int i, const uint8_t d[64])
{
    uint8_t cmd[4096];
    assert_int_equal(copp_app_command(cmd, g_setsig, w->app[i].cmd_seq, d, 64), COPP_S_OK);
    return w_send(w, i, cmd);
}

static void test_cmd_set_signaling(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    uint8_t d[64], cmd[4096];
    const uint32_t en = COPP_PROTECTION_STANDARD_EN300294_625I;
    snapshot sn;
    (void)state;
    w_activate(w, 0);
    w_activate(w, 1);
    sig_data(d, en, 7, COPP_ASPECT_RATIO_EN300294_BOX_16BY9_CENTER, 0xF0, 0x50, 0, 0, 0);
    assert_int_equal(send_sig(w, 0, d), COPP_S_OK);
    assert_int_equal(w->hw.sig_writes, 1);
    assert_int_equal(w->hw.sig.ActiveTVProtectionStandard, en);
    assert_int_equal(w->hw.sig.AspectRatioData[0], 3);
    assert_int_equal(w->hw.sig.AspectRatioData[1], 0x50);
    assert_int_equal(w->hw.sig.AspectRatioValidMask[1], 0xF0);
    /* masked update from another session: last writer wins, other bits stay */
    sig_data(d, en, 0, 0, 0x0F, 0x03, 0, 0, 0);
    assert_int_equal(send_sig(w, 1, d), COPP_S_OK);
    assert_int_equal(w->hw.sig.AspectRatioData[0], 3);
    assert_int_equal(w->hw.sig.AspectRatioData[1], 0x53);
    assert_int_equal(w->hw.sig.AspectRatioValidMask[1], 0xFF);
    assert_int_equal(w->hw.sig_writes, 2);
    /* the same state again: accepted, no hardware write */
    assert_int_equal(send_sig(w, 1, d), COPP_S_OK);
    assert_int_equal(w->hw.sig_writes, 2);
    /* invalid parameters */
    {
        static const uint32_t bad[][8] = {
            { 0x00008000u, 0, 0, 0, 0, 0, 0, 0 },                       /* reserved standard bit */
            { COPP_PROTECTION_STANDARD_IEC61880_525I, 0, 0, 0, 0, 0, 0, 0 }, /* not available here */
            { 0x80000000u, 0, 0, 0, 0, 0, 0, 0 },                       /* Unknown */
            { 0, 0x8, 0x8, 0, 0, 0, 0, 0 },                             /* mask1 beyond EN 300 294 bits */
            { 0, 7, 8, 0, 0, 0, 0, 0 },                                 /* data1 outside mask1 */
            { 0, 0, 0, 0x0F, 0x10, 0, 0, 0 },                           /* data2 outside mask2 */
            { 0, 0, 0, 0, 0, 1, 2, 0 },                                 /* data3 outside mask3 */
            { 0, 0, 0, 0, 0, 0, 0, 1 },                                 /* Reserved != 0 */
        };
        size_t k;
        for (k = 0; k < sizeof bad / sizeof bad[0]; k++) {
            sig_data(d, bad[k][0], bad[k][1], bad[k][2], bad[k][3], bad[k][4], bad[k][5], bad[k][6], bad[k][7]);
            assert_int_equal(copp_app_command(cmd, g_setsig, w->app[0].cmd_seq, d, 64), COPP_S_OK);
            assert_int_equal(copp_app_mac_command(cmd, w->crypto, w->crypto_user, &w->app[0].mac), COPP_S_OK);
            cmd_rejected(w, 0, cmd, COPP_E_INVALIDARG, COPP_REASON_BAD_SIGNALING);
        }
    }
    /* a failing set_signaling changes nothing */
    sig_data(d, 0, 7, 1, 0, 0, 0, 0, 0);
    assert_int_equal(copp_app_command(cmd, g_setsig, w->app[0].cmd_seq, d, 64), COPP_S_OK);
    assert_int_equal(copp_app_mac_command(cmd, w->crypto, w->crypto_user, &w->app[0].mac), COPP_S_OK);
    snap_take(&sn, w, 0);
    w->hw.fail_at = w->hw.calls + 2;   /* get_tv_standards ok, set_signaling fails */
    assert_int_equal(copp_command(&w->s[0], cmd), COPP_E_FAIL);
    snap_check(&sn, w, 0);
    assert_int_equal(copp_command(&w->s[0], cmd), COPP_S_OK);
    assert_int_equal(w->hw.sig.ActiveTVProtectionStandard, 0);
    assert_int_equal(w->hw.sig.AspectRatioData[0], 1);
    world_free(w);
}

static void test_cmd_unknown_guid_and_other_sessions_key(void **state)
{
    world *w = world_new(W_REAL, NULL);
    uint8_t cmd[4096], data[16] = { 0 };
    static const uint8_t g_query[16] = COPP_GUID_DXVA_COPPQueryConnectorType;
    (void)state;
    w_activate(w, 0);
    w_activate(w, 1);
    /* a status GUID is not a command */
    assert_int_equal(copp_app_command(cmd, g_query, w->app[0].cmd_seq, data, 16), COPP_S_OK);
    assert_int_equal(copp_app_mac_command(cmd, w->crypto, w->crypto_user, &w->app[0].mac), COPP_S_OK);
    cmd_rejected(w, 0, cmd, COPP_E_INVALIDARG, COPP_REASON_UNKNOWN_GUID);
    /* a command MACed with another session's key is refused */
    assert_int_equal(copp_app_set_protection_level(cmd, w->app[0].cmd_seq, COPP_PROTECTION_TYPE_HDCP, 1), COPP_S_OK);
    assert_int_equal(copp_app_mac_command(cmd, w->crypto, w->crypto_user, &w->app[1].mac), COPP_S_OK);
    cmd_rejected(w, 0, cmd, COPP_E_UNEXPECTED, COPP_REASON_BAD_MAC);
    world_free(w);
}

static const struct CMUnitTest command_tests[] = {
    cmocka_unit_test(test_cmd_sequence_replay_skip_and_mac),
    cmocka_unit_test(test_cmd_sequence_wraps),
    cmocka_unit_test(test_cmd_check_order),
    cmocka_unit_test(test_cmd_size_limits),
    cmocka_unit_test(test_cmd_payload_validation),
    cmocka_unit_test(test_cmd_mode_too_big),
    cmocka_unit_test(test_cmd_hw_failure_rolls_back),
    cmocka_unit_test(test_cmd_set_signaling),
    cmocka_unit_test(test_cmd_unknown_guid_and_other_sessions_key),
};
