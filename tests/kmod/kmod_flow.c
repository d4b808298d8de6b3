/* kmod_flow.c -- what the kernel module's init runs (tests/kmod/copp_kmod.c),
 * and what make kmod-check also runs in user space (flow_main.c) since a
 * module cannot be loaded on the build machine: one COPP session on the
 * simulated hardware (tests/mock_hw.c) and the deterministic mock crypto
 * (tests/mock_crypto.c) -- open, certificate length, key exchange, sequence
 * start, SetProtectionLevel HDCP 1 (MACed), a MACed status reply checked,
 * VIDEOPARAMETERS GET, close -- checking the hardware level after each step.
 * Included after copp.h (COPP_IMPLEMENTATION, COPP_WITH_APP) and the mocks.
 * All buffers are static (the kernel's stack budget); not reentrant.
 * Returns 0, or the step number that went wrong (1..), with *hr its HRESULT. */
static mock_hw kf_hw;
static mock_crypto kf_mc;
static copp_connector kf_conn;
static copp_session kf_s;
static copp_mac_ctx kf_app_mac;
static uint8_t kf_msg[4096], kf_out[4096], kf_vp_in[356], kf_vp_out[356], kf_cert[64], kf_sig[256];

static int copp_kmod_flow(int32_t *hr)
{
    static const char cert[] = "<CertificateCollection Version=\"2.0\"/>";
    static const uint8_t guid_local[16] = COPP_GUID_DXVA_COPPQueryLocalProtectionLevel;
    static const uint8_t rapp[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
    static const uint8_t vp_guid[16] = COPP_GUID_VIDEOPARAMETERS;
    copp_connector_desc d;
    uint8_t rgh[16] = { 0 }, kdi[16], type_le[4];
    uint32_t len = 0, status_seq = 0x01000007u, cmd_seq = 0x80000000u;
    int step = 0;
    size_t i;

    mock_hw_default(&kf_hw);
    mock_crypto_default(&kf_mc);
    memset(&kf_conn, 0, sizeof kf_conn);
    memset(&kf_s, 0, sizeof kf_s);
    memset(&d, 0, sizeof d);
    d.hw = &mock_hw_ops;
    d.hw_user = &kf_hw;
    d.crypto = &mock_crypto_table;
    d.crypto_user = &kf_mc;
    d.certificate = (const uint8_t *)cert;
    d.certificate_len = (uint32_t)(sizeof cert - 1);
#define KF_STEP(call) do { step++; *hr = (call); if (*hr != COPP_S_OK) return step; } while (0)
#define KF_TRUE(c) do { step++; if (!(c)) { *hr = COPP_E_FAIL; return step; } } while (0)
    KF_STEP(copp_connector_init(&kf_conn, &d));
    KF_STEP(copp_open(&kf_conn, &kf_s));
    KF_STEP(copp_get_certificate_length(&kf_s, &len));
    KF_TRUE(len == sizeof cert - 1);
    KF_STEP(copp_key_exchange(&kf_s, rgh, kf_cert, sizeof kf_cert));
    KF_TRUE(memcmp(kf_cert, cert, len) == 0);
    /* The mock "RSA" is the identity: the signature is the start sequence
     * (rGH | kDI | status start | command start, spec 10.3). */
    for (i = 0; i < 16; i++) kdi[i] = (uint8_t)(0xA0u + i);
    memset(kf_sig, 0, sizeof kf_sig);
    memcpy(kf_sig, rgh, 16);
    memcpy(kf_sig + 16, kdi, 16);
    copp__st32(kf_sig + 32, status_seq);
    copp__st32(kf_sig + 36, cmd_seq);
    KF_STEP(copp_sequence_start(&kf_s, kf_sig));
    KF_STEP(mock_crypto_table.mac_init(&kf_mc, &kf_app_mac, kdi));
    KF_STEP(copp_app_set_protection_level(kf_msg, cmd_seq, COPP_PROTECTION_TYPE_HDCP, COPP_HDCP_LEVEL_1));
    KF_STEP(copp_app_mac_command(kf_msg, &mock_crypto_table, &kf_mc, &kf_app_mac));
    KF_STEP(copp_command(&kf_s, kf_msg));
    KF_TRUE(kf_hw.level[0] == COPP_HDCP_LEVEL_1);
    KF_TRUE(copp_connector_level(&kf_conn, COPP_PROTECTION_TYPE_HDCP) == COPP_HDCP_LEVEL_1);
    copp__st32(type_le, COPP_PROTECTION_TYPE_HDCP);
    KF_STEP(copp_app_status_request(kf_msg, rapp, guid_local, status_seq, type_le, 4));
    KF_STEP(copp_query_status(&kf_s, kf_msg, kf_out));
    KF_STEP(copp_app_verify_status(kf_out, rapp, &mock_crypto_table, &kf_mc, &kf_app_mac));
    /* VIDEOPARAMETERS (spec 13): GET, then ACTIVATE copy protection (a key
     * from the RNG) and DEACTIVATE it with that key. */
    memset(kf_vp_in, 0, sizeof kf_vp_in);
    memcpy(kf_vp_in, vp_guid, 16);
    copp__st32(kf_vp_in + 20, COPP_VP_COMMAND_GET);
    KF_TRUE(copp_handle_videoparameters(&kf_conn, kf_vp_in, kf_vp_out) == COPP_NO_ERROR);
    copp__st32(kf_vp_in + 20, COPP_VP_COMMAND_SET);
    copp__st32(kf_vp_in + 24, COPP_VP_FLAGS_COPYPROTECT);
    copp__st32(kf_vp_in + 84, COPP_VP_CP_CMD_ACTIVATE);
    copp__st32(kf_vp_in + 96, 1u);
    KF_TRUE(copp_handle_videoparameters(&kf_conn, kf_vp_in, kf_vp_out) == COPP_NO_ERROR);
    KF_TRUE(copp_connector_vp_key_count(&kf_conn) == 1 && copp__ld32(kf_vp_out + 92) != 0);
    copp__st32(kf_vp_in + 84, COPP_VP_CP_CMD_DEACTIVATE);
    copp__st32(kf_vp_in + 92, copp__ld32(kf_vp_out + 92));
    KF_TRUE(copp_handle_videoparameters(&kf_conn, kf_vp_in, kf_vp_out) == COPP_NO_ERROR);
    KF_TRUE(copp_connector_vp_key_count(&kf_conn) == 0);
    KF_STEP(copp_close(&kf_s));
    KF_TRUE(kf_hw.level[0] == COPP_HDCP_LEVEL_0);
    KF_TRUE(copp_connector_session_count(&kf_conn) == 0);
#undef KF_STEP
#undef KF_TRUE
    *hr = COPP_S_OK;
    return 0;
}
