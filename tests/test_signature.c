/* test_signature.c -- COPPSequenceStart on real RSA-2048 (spec 10.3, 5.11):
 * both client encodings, the modulus boundary, bit flips, the backend's
 * big-endian and PKCS #1 v1.5 modes, key loading. */

static copp_bytes sig_n(void) { copp_bytes b; b.p = key_get()->n; b.len = 256; return b; }
static copp_bytes sig_e(void) { copp_bytes b; b.p = key_get()->e; b.len = key_get()->e_len; return b; }

static void start_rejected(world *w, int i, const uint8_t sig[256], uint32_t reason)
{
    snapshot sn;
    snap_take(&sn, w, i);
    assert_int_equal(copp_sequence_start(&w->s[i], sig), COPP_E_UNEXPECTED);
    assert_int_equal(copp_session_last_reason(&w->s[i]), reason);
    snap_check(&sn, w, i);
}

static void test_sig_both_encodings_key_the_session(void **state)
{
    uint32_t enc;
    (void)state;
    for (enc = COPP_APP_SIG_RAW_LE; enc <= COPP_APP_SIG_PKCS1V15_REVERSED; enc++) {
        world *w = world_new(W_REAL, NULL);
        uint8_t out[4096];
        static const uint8_t g_conn[16] = COPP_GUID_DXVA_COPPQueryConnectorType;
        w_to_state(w, 0, COPP_STATE_SESSION_ACTIVE, enc);
        assert_int_equal(w->s[0].status_seq, w->app[0].status_seq);
        assert_int_equal(w->s[0].command_seq, w->app[0].cmd_seq);
        /* kDI was recovered: a MACed command and a MACed reply both verify */
        assert_int_equal(w_level(w, 0, COPP_PROTECTION_TYPE_HDCP, 1), COPP_S_OK);
        assert_int_equal(w_query(w, 0, g_conn, NULL, 0, out), COPP_S_OK);
        /* rGH is single use: wiped once the session is active */
        {
            static const uint8_t zero[16] = { 0 };
            assert_memory_equal(w->s[0].rgh, zero, 16);
        }
        world_free(w);
    }
}

static void test_sig_modulus_boundary(void **state)
{
    world *w = world_new(W_REAL, NULL);
    uint8_t sig[256];
    size_t i;
    (void)state;
    w_to_state(w, 0, COPP_STATE_KEY_EXCHANGED, 0);
    /* c = n (little-endian): not a ciphertext */
    for (i = 0; i < 256; i++) sig[i] = key_get()->n[255 - i];
    start_rejected(w, 0, sig, COPP_REASON_BAD_CIPHERTEXT);
    /* c = n - 1: a ciphertext, but its plaintext does not carry our rGH */
    sig[0]--;
    start_rejected(w, 0, sig, COPP_REASON_RANDOM_MISMATCH);
    /* all ones: above n */
    memset(sig, 0xFF, sizeof sig);
    start_rejected(w, 0, sig, COPP_REASON_BAD_CIPHERTEXT);
    world_free(w);
}

/* A backend in another mode, on the same connector storage. */
static void rekey(world *w, uint32_t flags)
{
    copp_libtom_free(&w->ltc);
    assert_int_equal(copp_libtom_init(&w->ltc, &key_get()->priv, NULL, NULL, flags), COPP_S_OK);
}

static void test_sig_backend_big_endian_mode(void **state)
{
    world *w = world_new(W_LIBTOM, NULL);
    uint8_t le[256], be[256];
    size_t i;
    (void)state;
    rekey(w, COPP_LIBTOM_RSA_BIG_ENDIAN);
    w_to_state(w, 0, COPP_STATE_KEY_EXCHANGED, 0);
    memset(w->app[0].kdi, 0x17, 16);
    assert_int_equal(copp_app_sign_start_sequence(le, w->app[0].rgh, w->app[0].kdi, 10, 20,
                                                  COPP_APP_SIG_RAW_LE, sig_n(), sig_e()), COPP_S_OK);
    {   /* LE bytes read big-endian: >= n, or a plaintext without our rGH */
        snapshot sn;
        uint32_t why;
        snap_take(&sn, w, 0);
        assert_int_equal(copp_sequence_start(&w->s[0], le), COPP_E_UNEXPECTED);
        why = copp_session_last_reason(&w->s[0]);
        assert_true(why == COPP_REASON_BAD_CIPHERTEXT || why == COPP_REASON_RANDOM_MISMATCH);
        snap_check(&sn, w, 0);
    }
    for (i = 0; i < 256; i++) be[i] = le[255 - i];
    assert_int_equal(copp_sequence_start(&w->s[0], be), COPP_S_OK);
    assert_int_equal(w->s[0].status_seq, 10);
    world_free(w);
}

static void test_sig_backend_pkcs1v15_mode(void **state)
{
    world *w = world_new(W_LIBTOM, NULL);
    uint8_t p[40], em[256], sig[256];
    unsigned long emlen = 256;
    mp_int m, n, e;
    size_t i;
    int prng = register_prng(&sprng_desc);
    (void)state;
    rekey(w, COPP_LIBTOM_RSA_PKCS1V15);
    w_to_state(w, 0, COPP_STATE_KEY_EXCHANGED, 0);
    /* an application that ran CryptEncrypt on the 40 bytes without reversing */
    memcpy(p, w->app[0].rgh, 16);
    memset(p + 16, 0x99, 16);
    copp__st32(p + 32, 0xAABBCCDDu);
    copp__st32(p + 36, 0x01020304u);
    assert_true(prng >= 0);
    assert_int_equal(pkcs_1_v1_5_encode(p, 40, LTC_PKCS_1_EME, 2048, NULL, prng, em, &emlen), CRYPT_OK);
    assert_int_equal(mp_init_multi(&m, &n, &e, NULL), MP_OKAY);
    assert_int_equal(mp_from_ubin(&m, em, 256), MP_OKAY);
    assert_int_equal(mp_from_ubin(&n, key_get()->n, 256), MP_OKAY);
    assert_int_equal(mp_from_ubin(&e, key_get()->e, key_get()->e_len), MP_OKAY);
    assert_int_equal(mp_exptmod(&m, &e, &n, &m), MP_OKAY);
    assert_int_equal(copp__mp_to_be(&m, em, 256), 0);
    mp_clear_multi(&m, &n, &e, NULL);
    for (i = 0; i < 256; i++) sig[i] = em[255 - i];
    assert_int_equal(copp_sequence_start(&w->s[0], sig), COPP_S_OK);
    assert_int_equal(w->s[0].status_seq, 0xAABBCCDDu);
    assert_int_equal(w->s[0].command_seq, 0x01020304u);
    world_free(w);

    /* in that mode a raw (unpadded) signature is refused as bad padding */
    w = world_new(W_LIBTOM, NULL);
    rekey(w, COPP_LIBTOM_RSA_PKCS1V15);
    w_to_state(w, 0, COPP_STATE_KEY_EXCHANGED, 0);
    assert_int_equal(copp_app_sign_start_sequence(sig, w->app[0].rgh, p + 16, 1, 2, COPP_APP_SIG_RAW_LE,
                                                  sig_n(), sig_e()), COPP_S_OK);
    start_rejected(w, 0, sig, COPP_REASON_BAD_CIPHERTEXT);
    world_free(w);
}

static void test_sig_key_loading(void **state)
{
    copp_libtom k;
    copp_rsa_private_key bad = key_get()->priv;
    uint8_t q2[128];
    (void)state;
    assert_int_equal(copp_libtom_init(NULL, &bad, NULL, NULL, 0), COPP_E_POINTER);
    assert_int_equal(copp_libtom_init(&k, NULL, NULL, NULL, 0), COPP_E_POINTER);
    assert_int_equal(copp_libtom_init(&k, &bad, NULL, NULL, 0x80), COPP_E_INVALIDARG);
    bad.n.len = 128;                                   /* a 1024-bit modulus */
    assert_int_equal(copp_libtom_init(&k, &bad, NULL, NULL, 0), COPP_E_INVALIDARG);
    bad = key_get()->priv;
    memcpy(q2, key_get()->q, 128);
    q2[127] ^= 2;                                      /* p q != n */
    bad.q.p = q2;
    assert_int_equal(copp_libtom_init(&k, &bad, NULL, NULL, 0), COPP_E_INVALIDARG);
    bad = key_get()->priv;
    bad.dq.p = NULL;
    assert_int_equal(copp_libtom_init(&k, &bad, NULL, NULL, 0), COPP_E_INVALIDARG);
    assert_int_equal(copp_libtom_init(&k, &key_get()->priv, NULL, NULL, 0), COPP_S_OK);
    copp_libtom_free(&k);
}

static void test_sig_openssl_backend(void **state)
{
    copp_openssl k;
    copp_rsa_private_key bad = key_get()->priv;
    world *w;
    uint8_t le[256], be[256];
    size_t i;
    (void)state;
    assert_int_equal(copp_openssl_init(NULL, &bad, NULL, NULL, 0), COPP_E_POINTER);
    assert_int_equal(copp_openssl_init(&k, &bad, NULL, NULL, 2), COPP_E_INVALIDARG);
    bad.n.len = 128;
    assert_int_equal(copp_openssl_init(&k, &bad, NULL, NULL, 0), COPP_E_INVALIDARG);
    bad = key_get()->priv;
    bad.d.p = NULL;
    assert_int_equal(copp_openssl_init(&k, &bad, NULL, NULL, 0), COPP_E_INVALIDARG);
    /* big-endian ciphertext mode, on a connector of its own */
    w = world_new(W_MOCK, NULL);
    assert_int_equal(copp_openssl_init(&w->ossl, &key_get()->priv, NULL, NULL, COPP_OPENSSL_RSA_BIG_ENDIAN), COPP_S_OK);
    w->conn.desc.crypto = copp_openssl_crypto();
    w->conn.desc.crypto_user = &w->ossl;
    w->crypto = copp_openssl_crypto();
    w->crypto_user = &w->ossl;
    w->real = W_REAL;
    w_to_state(w, 0, COPP_STATE_KEY_EXCHANGED, 0);
    memset(w->app[0].kdi, 0x17, 16);
    assert_int_equal(copp_app_sign_start_sequence(le, w->app[0].rgh, w->app[0].kdi, 10, 20,
                                                  COPP_APP_SIG_RAW_LE, sig_n(), sig_e()), COPP_S_OK);
    for (i = 0; i < 256; i++) be[i] = le[255 - i];
    assert_int_equal(copp_sequence_start(&w->s[0], be), COPP_S_OK);
    assert_int_equal(w->s[0].status_seq, 10);
    world_free(w);
}

static const struct CMUnitTest signature_tests[] = {
    cmocka_unit_test(test_sig_both_encodings_key_the_session),
    cmocka_unit_test(test_sig_modulus_boundary),
    cmocka_unit_test(test_sig_backend_big_endian_mode),
    cmocka_unit_test(test_sig_backend_pkcs1v15_mode),
    cmocka_unit_test(test_sig_key_loading),
    cmocka_unit_test(test_sig_openssl_backend),
};
