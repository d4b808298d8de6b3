/* test_status.c -- COPPQueryStatus (spec 4.6, 8, 5.7 - 5.10): every request's
 * reply byte for byte, input sizes, unknown GUIDs, untouched output and
 * unconsumed sequence on failure, aliasing, wrap. */

static const uint8_t g_q_conn[16] = COPP_GUID_DXVA_COPPQueryConnectorType;
static const uint8_t g_q_prot[16] = COPP_GUID_DXVA_COPPQueryProtectionType;
static const uint8_t g_q_display[16] = COPP_GUID_DXVA_COPPQueryDisplayData;
static const uint8_t g_q_hdcp[16] = COPP_GUID_DXVA_COPPQueryHDCPKeyData;
static const uint8_t g_q_bus[16] = COPP_GUID_DXVA_COPPQueryBusData;
static const uint8_t g_q_sig[16] = COPP_GUID_DXVA_COPPQuerySignaling;

/* The whole expected DXVA_COPPStatusOutput: zeros, cbSizeData @16, rApp @20,
 * dwFlags @36, then `words` u32 LE from @40, MAC over 16..4095 with the
 * application's key. */
static void expect_reply(world *w, int i, const uint8_t out[4096], uint32_t size, uint32_t flags,
                         const uint32_t *words, size_t nwords)
{
    uint8_t want[4096];
    size_t k;
    memset(want, 0, sizeof want);
    copp__st32(want + 16, size);
    memcpy(want + 20, w_rapp, 16);
    copp__st32(want + 36, flags);
    for (k = 0; k < nwords; k++) copp__st32(want + 40 + 4 * k, words[k]);
    assert_int_equal(w->crypto->mac(w->crypto_user, &w->app[i].mac, want + 16, 4080, 0, want), COPP_S_OK);
    assert_memory_equal(out, want, 4096);
}

static void test_status_every_reply_exact(void **state)
{
    world *w = world_new(W_REAL, NULL);
    uint8_t out[4096], data[4];
    (void)state;
    w_activate(w, 0);
    {   /* ConnectorType: DVI | Internal */
        uint32_t v[] = { COPP_CONNECTOR_TYPE_DVI | COPP_CONNECTOR_TYPE_INTERNAL };
        w->hw.connector = v[0];
        assert_int_equal(w_query(w, 0, g_q_conn, NULL, 0, out), COPP_S_OK);
        expect_reply(w, 0, out, 32, 0, v, 1);
    }
    {   /* ProtectionType */
        uint32_t v[] = { 7 };
        assert_int_equal(w_query(w, 0, g_q_prot, NULL, 0, out), COPP_S_OK);
        expect_reply(w, 0, out, 32, 0, v, 1);
    }
    {   /* Local and Global level */
        uint32_t v[] = { 2 };
        assert_int_equal(w_level(w, 0, COPP_PROTECTION_TYPE_ACP, 2), COPP_S_OK);
        copp__st32(data, COPP_PROTECTION_TYPE_ACP);
        assert_int_equal(w_query(w, 0, g_local, data, 4, out), COPP_S_OK);
        expect_reply(w, 0, out, 32, 0, v, 1);
        assert_int_equal(w_query(w, 0, g_global, data, 4, out), COPP_S_OK);
        expect_reply(w, 0, out, 32, 0, v, 1);
        /* global reports what the hardware has, whatever set it */
        w->hw.level[1] = 3;
        v[0] = 3;
        assert_int_equal(w_query(w, 0, g_global, data, 4, out), COPP_S_OK);
        expect_reply(w, 0, out, 32, 0, v, 1);
    }
    {   /* DisplayData: 720x480, interlaced, X8R8G8B8, 60000/1001 */
        uint32_t v[] = { 720, 480, 3, 22, 60000, 1001 };
        assert_int_equal(w_query(w, 0, g_q_display, NULL, 0, out), COPP_S_OK);
        expect_reply(w, 0, out, 44, 0, v, 6);
    }
    {   /* HDCPKeyData: repeater flag, KSV 11 22 33 44 55 LSB first in BKey, rest 0 */
        uint32_t v[] = { 1, 0x44332211u, 0x55 };
        assert_int_equal(w_query(w, 0, g_q_hdcp, NULL, 0, out), COPP_S_OK);
        expect_reply(w, 0, out, 72, 0, v, 3);
        assert_int_equal(out[44], 0x11);
        assert_int_equal(out[48], 0x55);
    }
    {   /* BusData */
        uint32_t v[] = { COPP_BUS_TYPE_PCIEXPRESS };
        assert_int_equal(w_query(w, 0, g_q_bus, NULL, 0, out), COPP_S_OK);
        expect_reply(w, 0, out, 32, 0, v, 1);
    }
    {   /* Signaling after a SetSignaling */
        uint8_t d[64], cmd[4096];
        static const uint8_t g_setsig2[16] = COPP_GUID_DXVA_COPPSetSignaling;
        uint32_t v[] = { w->hw.tv_standards, COPP_PROTECTION_STANDARD_EN300294_625I, 0,
                         7, 4, 0x30, 0x10, 0, 0 };
        memset(d, 0, sizeof d);
        copp__st32(d, COPP_PROTECTION_STANDARD_EN300294_625I);
        copp__st32(d + 4, 7); copp__st32(d + 8, 4);
        copp__st32(d + 12, 0x30); copp__st32(d + 16, 0x10);
        assert_int_equal(copp_app_command(cmd, g_setsig2, w->app[0].cmd_seq, d, 64), COPP_S_OK);
        assert_int_equal(w_send(w, 0, cmd), COPP_S_OK);
        assert_int_equal(w_query(w, 0, g_q_sig, NULL, 0, out), COPP_S_OK);
        expect_reply(w, 0, out, 88, 0, v, 9);
    }
    world_free(w);
}

/* A failing status call: hr + reason, output untouched, nothing consumed. */
static void status_rejected(world *w, int i, const uint8_t in[4096], int32_t hr, uint32_t reason)
{
    uint8_t out[4096], fill[4096];
    snapshot sn;
    memset(out, 0xA5, sizeof out);
    memset(fill, 0xA5, sizeof fill);
    snap_take(&sn, w, i);
    assert_int_equal(copp_query_status(&w->s[i], in, out), hr);
    assert_int_equal(copp_session_last_reason(&w->s[i]), reason);
    assert_memory_equal(out, fill, sizeof out);
    snap_check(&sn, w, i);
}

static void test_status_rejections(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    uint8_t in[4096], out[4096], data[8] = { 0 };
    static const uint8_t unknown[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
    static const uint8_t g_cmd[16] = COPP_GUID_DXVA_COPPSetProtectionLevel;
    static const uint32_t bad_types[] = { 0, 3, 8, 0x10, 0x80000000u, 0xFFFFFFFFu };
    size_t k;
    (void)state;
    w_activate(w, 0);
    /* unknown request GUIDs, including a command GUID (A5) */
    assert_int_equal(copp_app_status_request(in, w_rapp, unknown, w->app[0].status_seq, NULL, 0), COPP_S_OK);
    status_rejected(w, 0, in, COPP_E_INVALIDARG, COPP_REASON_UNKNOWN_GUID);
    assert_int_equal(copp_app_status_request(in, w_rapp, g_cmd, w->app[0].status_seq, NULL, 0), COPP_S_OK);
    status_rejected(w, 0, in, COPP_E_INVALIDARG, COPP_REASON_UNKNOWN_GUID);
    /* stale and future sequence numbers */
    assert_int_equal(copp_app_status_request(in, w_rapp, g_q_conn, w->app[0].status_seq - 1, NULL, 0), COPP_S_OK);
    status_rejected(w, 0, in, COPP_E_INVALIDARG, COPP_REASON_BAD_SEQUENCE);
    assert_int_equal(copp_app_status_request(in, w_rapp, g_q_conn, w->app[0].status_seq + 1, NULL, 0), COPP_S_OK);
    status_rejected(w, 0, in, COPP_E_INVALIDARG, COPP_REASON_BAD_SEQUENCE);
    /* cbSizeData: 0 for the plain queries, exactly 4 for the level queries (A20) */
    assert_int_equal(copp_app_status_request(in, w_rapp, g_q_conn, w->app[0].status_seq, data, 4), COPP_S_OK);
    status_rejected(w, 0, in, COPP_E_INVALIDARG, COPP_REASON_BAD_SIZE);
    copp__st32(data, COPP_PROTECTION_TYPE_ACP);
    assert_int_equal(copp_app_status_request(in, w_rapp, g_local, w->app[0].status_seq, data, 0), COPP_S_OK);
    status_rejected(w, 0, in, COPP_E_INVALIDARG, COPP_REASON_BAD_SIZE);
    assert_int_equal(copp_app_status_request(in, w_rapp, g_global, w->app[0].status_seq, data, 8), COPP_S_OK);
    status_rejected(w, 0, in, COPP_E_INVALIDARG, COPP_REASON_BAD_SIZE);
    copp__st32(in + 36, 0xFFFFFFFFu);
    status_rejected(w, 0, in, COPP_E_INVALIDARG, COPP_REASON_BAD_SIZE);
    /* level queries: exactly one supported type */
    for (k = 0; k < sizeof bad_types / sizeof bad_types[0]; k++) {
        copp__st32(data, bad_types[k]);
        assert_int_equal(copp_app_status_request(in, w_rapp, g_local, w->app[0].status_seq, data, 4), COPP_S_OK);
        status_rejected(w, 0, in, COPP_E_INVALIDARG, COPP_REASON_BAD_PROTECTION_TYPE);
    }
    /* hardware failure while answering */
    assert_int_equal(copp_app_status_request(in, w_rapp, g_q_conn, w->app[0].status_seq, NULL, 0), COPP_S_OK);
    w->hw.fail_at = w->hw.calls + 1;
    w->hw.fail_hr = COPP_E_POINTER;
    status_rejected(w, 0, in, COPP_E_POINTER, COPP_REASON_HW_FAILED);
    /* MAC failure: output untouched, pending events kept */
    copp_connector_event(&w->conn, COPP_STATUS_LINK_LOST);
    w->mc.fail_at = w->mc.calls + 1;
    status_rejected(w, 0, in, COPP_E_FAIL, COPP_REASON_CRYPTO_FAILED);
    /* after all that, the same sequence number still works and shows the event */
    assert_int_equal(w_query(w, 0, g_q_conn, NULL, 0, out), COPP_S_OK);
    assert_int_equal(copp__ld32(out + 36), COPP_STATUS_LINK_LOST);
    world_free(w);
}

static void test_status_optional_ops(void **state)
{
    world *w = world_new(W_MOCK, &mock_hw_ops_minimal);
    uint8_t in[4096], out[4096];
    (void)state;
    w_activate(w, 0);
    assert_int_equal(w_query(w, 0, g_q_conn, NULL, 0, out), COPP_S_OK);
    assert_int_equal(copp__ld32(out + 40), COPP_CONNECTOR_TYPE_UNKNOWN);
    assert_int_equal(w_query(w, 0, g_q_bus, NULL, 0, out), COPP_S_OK);
    assert_int_equal(copp__ld32(out + 40), COPP_BUS_TYPE_UNKNOWN);
    assert_int_equal(w_query(w, 0, g_q_sig, NULL, 0, out), COPP_S_OK);
    assert_int_equal(copp__ld32(out + 16), 88);
    assert_int_equal(copp__ld32(out + 40), 0);   /* no TV standards */
    assert_int_equal(copp_app_status_request(in, w_rapp, g_q_display, w->app[0].status_seq, NULL, 0), COPP_S_OK);
    status_rejected(w, 0, in, COPP_E_INVALIDARG, COPP_REASON_NOT_SUPPORTED);
    assert_int_equal(copp_app_status_request(in, w_rapp, g_q_hdcp, w->app[0].status_seq, NULL, 0), COPP_S_OK);
    status_rejected(w, 0, in, COPP_E_INVALIDARG, COPP_REASON_NOT_SUPPORTED);
    /* without get_protection the global query reports the applied level */
    assert_int_equal(w_level(w, 0, COPP_PROTECTION_TYPE_CGMSA, 9), COPP_S_OK);
    assert_int_equal(w_level_query(w, 0, g_global, COPP_PROTECTION_TYPE_CGMSA), 9);
    /* SetSignaling without signaling hardware: no standard is available, the
     * aspect-ratio state is still kept and reported */
    {
        uint8_t d[64];
        sig_data(d, COPP_PROTECTION_STANDARD_EN300294_625I, 0, 0, 0, 0, 0, 0, 0);
        assert_int_equal(send_sig(w, 0, d), COPP_E_INVALIDARG);
        sig_data(d, 0, 7, 5, 0, 0, 0, 0, 0);
        assert_int_equal(send_sig(w, 0, d), COPP_S_OK);
        assert_int_equal(w_query(w, 0, g_q_sig, NULL, 0, out), COPP_S_OK);
        assert_int_equal(copp__ld32(out + 52), 7);
        assert_int_equal(copp__ld32(out + 56), 5);
    }
    world_free(w);

    /* HDCPKeyData on a connector without HDCP (A13) */
    w = world_new_ex(W_MOCK, NULL, COPP_PROTECTION_TYPE_ACP);
    w_activate(w, 0);
    assert_int_equal(copp_app_status_request(in, w_rapp, g_q_hdcp, w->app[0].status_seq, NULL, 0), COPP_S_OK);
    status_rejected(w, 0, in, COPP_E_INVALIDARG, COPP_REASON_NOT_SUPPORTED);
    assert_int_equal(w_query(w, 0, g_q_prot, NULL, 0, out), COPP_S_OK);
    assert_int_equal(copp__ld32(out + 40), COPP_PROTECTION_TYPE_ACP);
    world_free(w);
}

static void test_status_alias_and_wrap(void **state)
{
    world *w = world_new(W_REAL, NULL);
    uint8_t buf[4096];
    (void)state;
    w->app[0].status_seq = 0xFFFFFFFFu;
    w->app[0].cmd_seq = 1;
    w_activate(w, 0);
    /* in and out may be one buffer */
    assert_int_equal(copp_app_status_request(buf, w_rapp, g_q_conn, 0xFFFFFFFFu, NULL, 0), COPP_S_OK);
    assert_int_equal(copp_query_status(&w->s[0], buf, buf), COPP_S_OK);
    assert_int_equal(copp_app_verify_status(buf, w_rapp, w->crypto, w->crypto_user, &w->app[0].mac), COPP_S_OK);
    assert_int_equal(copp__ld32(buf + 40), COPP_CONNECTOR_TYPE_DVI);
    assert_int_equal(w_rec(w, 0)->status_seq, 0u);   /* wrapped */
    w->app[0].status_seq = 0;
    assert_int_equal(w_query(w, 0, g_q_conn, NULL, 0, buf), COPP_S_OK);
    assert_int_equal(w_rec(w, 0)->status_seq, 1u);
    /* a reply whose MAC or rApp was altered fails the application's check */
    buf[100] ^= 1;
    assert_int_equal(copp_app_verify_status(buf, w_rapp, w->crypto, w->crypto_user, &w->app[0].mac),
                     COPP_E_UNEXPECTED);
    world_free(w);
}

static const struct CMUnitTest status_tests[] = {
    cmocka_unit_test(test_status_every_reply_exact),
    cmocka_unit_test(test_status_rejections),
    cmocka_unit_test(test_status_optional_ops),
    cmocka_unit_test(test_status_alias_and_wrap),
};
