/* test_vectors.c -- known answers that no one on this project wrote:
 * RFC 4493 AES-CMAC, the 128-bit-key cases of Wycheproof's aes_cmac_test.json,
 * and the OpenSSL-made COPP session of ../shared/vectors/copp_vectors.txt,
 * all read in place and run through the library's own paths. */

static void hex_or_die(const char *hex, uint8_t *out, size_t want)
{
    assert_non_null(hex);
    assert_int_equal(hex_decode(hex, out, want), want);
}

static size_t hex_var(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = hex_decode(hex, out, cap);
    assert_true(n != (size_t)-1);
    return n;
}

/* MAC through the backend under test: key once, then one message (+ zero tail). */
static void ltc_mac(const uint8_t key[16], const uint8_t *msg, size_t len, size_t zeros, uint8_t tag[16])
{
    static copp_libtom ltc;           /* only its AES index and scratch are used */
    static copp_openssl ossl;         /* its cipher and scratch are used */
    const copp_crypto *cr = copp_libtom_crypto();
    void *user = &ltc;
    copp_mac_ctx ctx;
#ifdef COPP_TEST_OPENSSL
    if (ossl.aes_cbc == NULL) assert_int_equal(copp_openssl_init(&ossl, &key_get()->priv, NULL, NULL, 0), COPP_S_OK);
    cr = copp_openssl_crypto();
    user = &ossl;
#endif
    (void)ossl;
    ltc.aes = register_cipher(&aes_desc);
    assert_true(ltc.aes >= 0);
    assert_int_equal(cr->mac_init(user, &ctx, key), COPP_S_OK);
    assert_int_equal(cr->mac(user, &ctx, msg, len, zeros, tag), COPP_S_OK);
    if (cr->mac_release) cr->mac_release(user, &ctx);
}

static void test_vectors_rfc4493(void **state)
{
    /* IETF RFC 4493 section 4, examples 1-4. */
    static const char *key = "2b7e151628aed2a6abf7158809cf4f3c";
    static const char *msg = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
                             "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
    static const struct { size_t len; const char *tag; } ex[] = {
        { 0, "bb1d6929e95937287fa37d129b756746" },
        { 16, "070a16b46b4d4144f79bdd9dd04a287c" },
        { 40, "dfa66747de9ae63030ca32611497c827" },
        { 64, "51f0bebf7e3b9d92fc49741779363cfe" },
    };
    uint8_t k[16], m[64], want[16], tag[16];
    size_t i;
    (void)state;
    hex_or_die(key, k, 16);
    hex_or_die(msg, m, 64);
    for (i = 0; i < sizeof ex / sizeof ex[0]; i++) {
        hex_or_die(ex[i].tag, want, 16);
        ltc_mac(k, m, ex[i].len, 0, tag);
        assert_memory_equal(tag, want, 16);
    }
}

static void test_vectors_zero_tail_equals_full_buffer(void **state)
{
    /* The status path MACs "reply bytes then zeros" without materialising the
     * zeros: it must equal the CMAC of the whole zero-extended buffer. */
    uint8_t key[16], buf[4080], t1[16], t2[16];
    size_t cut;
    (void)state;
    memset(key, 0x3C, sizeof key);
    for (cut = 0; cut <= 92; cut += 23) {
        memset(buf, 0, sizeof buf);
        memset(buf, 0xA7, cut);
        ltc_mac(key, buf, sizeof buf, 0, t1);
        ltc_mac(key, buf, cut, sizeof buf - cut, t2);
        assert_memory_equal(t1, t2, 16);
    }
}

static void test_vectors_spec_envelopes(void **state)
{
    /* COPP.md 10.7: command and status envelopes under kDI 00..0f. */
    world *w = world_new(W_REAL, NULL);
    uint8_t cmd[4096], tag[16], want[16], out[4096];
    copp_mac_ctx ctx;
    uint8_t kdi[16];
    int i;
    (void)state;
    for (i = 0; i < 16; i++) kdi[i] = (uint8_t)i;
    assert_int_equal(w->crypto->mac_init(w->crypto_user, &ctx, kdi), COPP_S_OK);   /* owned by app[0] below */
    assert_int_equal(copp_app_set_protection_level(cmd, 0x12345678u, COPP_PROTECTION_TYPE_ACP, 1), COPP_S_OK);
    assert_int_equal(copp_app_mac_command(cmd, w->crypto, w->crypto_user, &ctx), COPP_S_OK);
    hex_or_die("8482cc3d71f3fc893638af5140277410", want, 16);
    assert_memory_equal(cmd, want, 16);
    /* the wrong coverage (bytes 16..55 only) gives another tag */
    assert_int_equal(w->crypto->mac(w->crypto_user, &ctx, cmd + 16, 40, 0, tag), COPP_S_OK);
    hex_or_die("0cd5438d4c02f4a3067bf637e607ae49", want, 16);
    assert_memory_equal(tag, want, 16);

    /* status: a session keyed with the same kDI answers ConnectorType (DVI) */
    memcpy(w->app[0].kdi, kdi, 16);
    w_to_state(w, 0, COPP_STATE_KEY_EXCHANGED, 0);
    {
        uint8_t sig[256];
        copp_bytes n, e;
        static const uint8_t g_conn[16] = COPP_GUID_DXVA_COPPQueryConnectorType;
        n.p = key_get()->n; n.len = 256;
        e.p = key_get()->e; e.len = key_get()->e_len;
        assert_int_equal(copp_app_sign_start_sequence(sig, w->app[0].rgh, kdi, 5, 9, COPP_APP_SIG_RAW_LE, n, e),
                         COPP_S_OK);
        assert_int_equal(copp_sequence_start(&w->s[0], sig), COPP_S_OK);
        w->app[0].status_seq = 5;
        w->app[0].cmd_seq = 9;
        memcpy(&w->app[0].mac, &ctx, sizeof ctx);
        assert_int_equal(w_query(w, 0, g_conn, NULL, 0, out), COPP_S_OK);
    }
    hex_or_die("d9c49f60f078a77eea6659cd2cbe051f", want, 16);
    assert_memory_equal(out, want, 16);
    world_free(w);
}

static void test_vectors_wycheproof_cmac(void **state)
{
    json_error_t err;
    json_t *root = json_load_file(COPP_VECTORS_DIR "/wycheproof/aes_cmac_test.json", 0, &err);
    size_t gi, ti, run = 0, valid = 0;
    (void)state;
    assert_non_null(root);
    for (gi = 0; gi < json_array_size(json_object_get(root, "testGroups")); gi++) {
        json_t *g = json_array_get(json_object_get(root, "testGroups"), gi);
        json_t *tests = json_object_get(g, "tests");
        if (json_integer_value(json_object_get(g, "keySize")) != 128) continue;   /* COPP: AES-128 */
        assert_int_equal(json_integer_value(json_object_get(g, "tagSize")), 128);
        for (ti = 0; ti < json_array_size(tests); ti++) {
            json_t *t = json_array_get(tests, ti);
            uint8_t key[16], msg[512], want[16], tag[16];
            size_t mlen;
            int ok;
            hex_or_die(json_string_value(json_object_get(t, "key")), key, 16);
            mlen = hex_var(json_string_value(json_object_get(t, "msg")), msg, sizeof msg);
            hex_or_die(json_string_value(json_object_get(t, "tag")), want, 16);
            ltc_mac(key, msg, mlen, 0, tag);
            ok = memcmp(tag, want, 16) == 0;
            if (strcmp(json_string_value(json_object_get(t, "result")), "valid") == 0) {
                assert_true(ok);
                valid++;
            } else {
                assert_false(ok);
            }
            run++;
        }
    }
    json_decref(root);
    assert_int_equal(run, 102);   /* every 128-bit case of the file */
    assert_true(valid > 0 && valid < run);
}

/* RNG hook that answers every 16-byte request (rGH) with the vector's rGH,
 * and anything else (blinding) from the OS. */
static uint8_t g_script_rgh[16];
static int script_rng(void *u, uint8_t *buf, size_t len)
{
    (void)u;
    if (len == 16) {
        memcpy(buf, g_script_rgh, 16);
        return 0;
    }
    return copp_libtom_randombytes(NULL, buf, len);
}

static world *vec_world(void)
{
    world *w = world_new(W_REAL, NULL);
    const vec_case *c = vec_find(&g_vectors, "signature_raw_le");
    hex_or_die(vec_get(c, "rgh"), g_script_rgh, 16);
    if (w->real == W_LIBTOM) {
        copp_libtom_free(&w->ltc);
        assert_int_equal(copp_libtom_init(&w->ltc, &key_get()->priv, script_rng, NULL, 0), COPP_S_OK);
    } else {
        copp_openssl_free(&w->ossl);
        assert_int_equal(copp_openssl_init(&w->ossl, &key_get()->priv, script_rng, NULL, 0), COPP_S_OK);
    }
    return w;
}

static uint32_t vec_u32(const vec_case *c, const char *name)
{
    const char *v = vec_get(c, name);
    assert_non_null(v);
    return (uint32_t)strtoul(v, NULL, 16);   /* integers: big-endian hex */
}

static void vec_signature_case(const char *name)
{
    world *w = vec_world();
    const vec_case *c = vec_find(&g_vectors, name);
    uint8_t sig[256], rgh[16];
    snapshot sn;
    int32_t want;
    assert_non_null(c);
    w_to_state(w, 0, COPP_STATE_KEY_EXCHANGED, 0);
    hex_or_die(vec_get(c, "rgh"), rgh, 16);
    assert_memory_equal(w->app[0].rgh, rgh, 16);
    hex_or_die(vec_get(c, "signature"), sig, 256);
    want = vec_expect(c);
    snap_take(&sn, w, 0);
    assert_int_equal(copp_sequence_start(&w->s[0], sig), want);
    if (want == COPP_S_OK) {
        assert_int_equal(copp_session_state(&w->s[0]), COPP_STATE_SESSION_ACTIVE);
        assert_int_equal(w->s[0].status_seq, vec_u32(c, "status_start"));
        assert_int_equal(w->s[0].command_seq, vec_u32(c, "command_start"));
    } else {
        snap_check(&sn, w, 0);
    }
    world_free(w);
}

static void test_vectors_signatures(void **state)
{
    (void)state;
    key_get();
    vec_signature_case("signature_raw_le");
    vec_signature_case("signature_pkcs1v15_reversed_le");
    vec_signature_case("signature_wrong_rgh");
    vec_signature_case("signature_not_below_modulus");
}

static void test_vectors_session_commands_and_status(void **state)
{
    static const char *order[] = { "cmd_hdcp_on", "cmd_acp_level2", "cmd_cgmsa_copy_never_rc",
                                   "cmd_tampered_unused_byte", "cmd_replay_of_first" };
    static const uint8_t g_conn[16] = COPP_GUID_DXVA_COPPQueryConnectorType;
    world *w;
    const vec_case *c;
    uint8_t sig[256], cmd[4096], in[4096], out[4096], want[4096], rapp[16];
    size_t i;
    (void)state;
    key_get();
    w = vec_world();
    c = vec_find(&g_vectors, "signature_raw_le");
    w_to_state(w, 0, COPP_STATE_KEY_EXCHANGED, 0);
    hex_or_die(vec_get(c, "signature"), sig, 256);
    assert_int_equal(copp_sequence_start(&w->s[0], sig), COPP_S_OK);
    for (i = 0; i < sizeof order / sizeof order[0]; i++) {
        snapshot sn;
        int32_t hr, expect;
        c = vec_find(&g_vectors, order[i]);
        assert_non_null(c);
        hex_or_die(vec_get(c, "command"), cmd, 4096);
        expect = vec_expect(c);
        snap_take(&sn, w, 0);
        hr = copp_command(&w->s[0], cmd);
        assert_int_equal(hr, expect);
        if (hr != COPP_S_OK) snap_check(&sn, w, 0);
    }
    assert_int_equal(copp_session_last_reason(&w->s[0]), COPP_REASON_BAD_SEQUENCE);
    /* what the three accepted commands asked for is on the wire */
    assert_int_equal(w->hw.level[0], COPP_HDCP_LEVEL_1);
    assert_int_equal(w->hw.level[1], COPP_ACP_LEVEL_2);
    assert_int_equal(w->hw.level[2], COPP_CGMSA_COPY_NEVER | COPP_CGMSA_REDISTRIBUTION_CONTROL_REQUIRED);
    assert_int_equal(w->hw.nlog, 3);

    /* the expected status output, bit for bit: first status request of the session */
    c = vec_find(&g_vectors, "status_mac_example");
    hex_or_die(vec_get(c, "rapp"), rapp, 16);
    hex_or_die(vec_get(c, "status_output"), want, 4096);
    assert_int_equal(copp_app_status_request(in, rapp, g_conn, vec_u32(vec_find(&g_vectors, "signature_raw_le"),
                                                                      "status_start"), NULL, 0), COPP_S_OK);
    assert_int_equal(copp_query_status(&w->s[0], in, out), COPP_S_OK);
    assert_memory_equal(out, want, 4096);
    world_free(w);
}

static const struct CMUnitTest vector_tests[] = {
    cmocka_unit_test(test_vectors_rfc4493),
    cmocka_unit_test(test_vectors_zero_tail_equals_full_buffer),
    cmocka_unit_test(test_vectors_spec_envelopes),
    cmocka_unit_test(test_vectors_wycheproof_cmac),
    cmocka_unit_test(test_vectors_signatures),
    cmocka_unit_test(test_vectors_session_commands_and_status),
};
