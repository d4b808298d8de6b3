/* test_signature.c -- COPPSequenceStart on real RSA-2048 (spec 10.3, 5.11):
 * both client encodings, the modulus boundary, bit flips, the backend's
 * big-endian and PKCS #1 v1.5 modes; key loading through each backend's
 * decoders (every encoding loads; encrypted, wrong-size, wrong-algorithm,
 * public, inconsistent, truncated and garbage keys are refused with their
 * reason); the MAC-only backends of the application side. */

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
        assert_int_equal(w_rec(w, 0)->status_seq, w->app[0].status_seq);
        assert_int_equal(w_rec(w, 0)->command_seq, w->app[0].cmd_seq);
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
    assert_int_equal(w_rec(w, 0)->status_seq, 10);
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
    assert_int_equal(w_rec(w, 0)->status_seq, 0xAABBCCDDu);
    assert_int_equal(w_rec(w, 0)->command_seq, 0x01020304u);
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

static void test_sig_openssl_backend(void **state)
{
    world *w;
    uint8_t le[256], be[256];
    size_t i;
    (void)state;
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
    assert_int_equal(w_rec(w, 0)->status_seq, 10);
    world_free(w);
}

/* The BearSSL backend on each engine pair (i62 or i31 RSA, x86ni or ct64
 * AES), little- and big-endian ciphertext: a session keyed, a command and a
 * MACed reply; the engines the object reports are the ones asked for (i62 and
 * x86ni where this machine has them). */
static void test_sig_bearssl_engines(void **state)
{
    static const uint8_t g_conn[16] = COPP_GUID_DXVA_COPPQueryConnectorType;
    uint32_t flags;
    (void)state;
    for (flags = 0; flags <= (COPP_BEARSSL_RSA_BIG_ENDIAN | COPP_BEARSSL_RSA_I31 | COPP_BEARSSL_AES_CT64); flags++) {
        world *w = world_new(W_MOCK, NULL);
        uint8_t le[256], be[256], out[4096];
        size_t i;
        uint32_t want = flags & (COPP_BEARSSL_RSA_I31 | COPP_BEARSSL_AES_CT64);
        assert_int_equal(copp_bearssl_init(&w->br, &key_get()->priv, test_rng, NULL, flags), COPP_S_OK);
        if (br_rsa_i62_private_get() == NULL) want |= COPP_BEARSSL_RSA_I31;
        if (br_aes_x86ni_ctrcbc_get_vtable() == NULL) want |= COPP_BEARSSL_AES_CT64;
        assert_int_equal(w->br.engines, want);
        assert_true(w->br.aes == ((want & COPP_BEARSSL_AES_CT64) ? &br_aes_ct64_ctrcbc_vtable : br_aes_x86ni_ctrcbc_get_vtable()));
        assert_true(w->br.priv == ((want & COPP_BEARSSL_RSA_I31) ? br_rsa_i31_private : br_rsa_i62_private_get()));
        w->conn.desc.crypto = w->crypto = copp_bearssl_crypto();
        w->conn.desc.crypto_user = w->crypto_user = &w->br;
        w->real = W_REAL;
        w_to_state(w, 0, COPP_STATE_KEY_EXCHANGED, 0);
        memset(w->app[0].kdi, 0x17 + (int)flags, 16);
        assert_int_equal(copp_app_sign_start_sequence(le, w->app[0].rgh, w->app[0].kdi, 10, 20,
                                                      COPP_APP_SIG_RAW_LE, sig_n(), sig_e()), COPP_S_OK);
        for (i = 0; i < 256; i++) be[i] = le[255 - i];
        if (flags & COPP_BEARSSL_RSA_BIG_ENDIAN) {
            snapshot sn;
            uint32_t why;
            snap_take(&sn, w, 0);   /* the little-endian bytes read big-endian: refused */
            assert_int_equal(copp_sequence_start(&w->s[0], le), COPP_E_UNEXPECTED);
            why = copp_session_last_reason(&w->s[0]);
            assert_true(why == COPP_REASON_BAD_CIPHERTEXT || why == COPP_REASON_RANDOM_MISMATCH);
            snap_check(&sn, w, 0);
        }
        assert_int_equal(copp_sequence_start(&w->s[0], (flags & COPP_BEARSSL_RSA_BIG_ENDIAN) ? be : le), COPP_S_OK);
        assert_int_equal(w_rec(w, 0)->status_seq, 10);
        w->app[0].status_seq = 10;
        w->app[0].cmd_seq = 20;
        assert_int_equal(w->crypto->mac_init(w->crypto_user, &w->app[0].mac, w->app[0].kdi), COPP_S_OK);
        assert_int_equal(w_level(w, 0, COPP_PROTECTION_TYPE_HDCP, 1), COPP_S_OK);
        assert_int_equal(w_query(w, 0, g_conn, NULL, 0, out), COPP_S_OK);
        world_free(w);
    }
}

/* ---- key loading through each backend's own decoder (copp_*_init*) ------ */

/* One backend behind one interface, so every case runs on each. */
#define KB_LIBTOM  0
#define KB_OPENSSL 1
#define KB_BEARSSL 2
#define KB_COUNT   3
typedef struct key_be {
    const char *name;
    copp_libtom ltc;
    copp_openssl ossl;
    copp_bearssl br;
    int kind;      /* KB_* */
    int openssl;   /* kind == KB_OPENSSL (whose decoder does not say why it failed) */
} key_be;

static int32_t kb_der_flags(key_be *b, const uint8_t *der, size_t len, uint32_t flags)
{
    if (b->kind == KB_BEARSSL) return copp_bearssl_init_der(&b->br, der, len, test_rng, NULL, flags);
    return b->openssl ? copp_openssl_init_der(&b->ossl, der, len, NULL, NULL, flags)
                      : copp_libtom_init_der(&b->ltc, der, len, NULL, NULL, flags);
}

static int32_t kb_der(key_be *b, const uint8_t *der, size_t len) { return kb_der_flags(b, der, len, 0); }

static int32_t kb_pem(key_be *b, const char *pem, size_t len)
{
    if (b->kind == KB_BEARSSL) return copp_bearssl_init_pem(&b->br, pem, len, test_rng, NULL, 0);
    return b->openssl ? copp_openssl_init_pem(&b->ossl, pem, len, NULL, NULL, 0)
                      : copp_libtom_init_pem(&b->ltc, pem, len, NULL, NULL, 0);
}

static int32_t kb_parts(key_be *b, const copp_rsa_private_key *key, uint32_t flags)
{
    if (b->kind == KB_BEARSSL) return copp_bearssl_init(&b->br, key, test_rng, NULL, flags);
    return b->openssl ? copp_openssl_init(&b->ossl, key, NULL, NULL, flags) : copp_libtom_init(&b->ltc, key, NULL, NULL, flags);
}

static int32_t kb_file(key_be *b, const char *path, char err[COPP_IO_ERR_BYTES])
{
    if (b->kind == KB_BEARSSL) return copp_io_key_bearssl(&b->br, path, test_rng, NULL, 0, err);
    return b->openssl ? copp_io_key_openssl(&b->ossl, path, 0, err) : copp_io_key_libtom(&b->ltc, path, 0, err);
}

static int32_t kb_mac_only(key_be *b)
{
    if (b->kind == KB_BEARSSL) return copp_bearssl_init_mac(&b->br, test_rng, NULL, 0);
    return b->openssl ? copp_openssl_init_mac(&b->ossl) : copp_libtom_init_mac(&b->ltc);
}

static uint32_t kb_reason(const key_be *b)
{
    return b->kind == KB_BEARSSL ? b->br.key_reason : b->openssl ? b->ossl.key_reason : b->ltc.key_reason;
}

static const copp_crypto *kb_crypto(const key_be *b)
{
    return b->kind == KB_BEARSSL ? copp_bearssl_crypto() : b->openssl ? copp_openssl_crypto() : copp_libtom_crypto();
}

static void *kb_user(key_be *b)
{
    return b->kind == KB_BEARSSL ? (void *)&b->br : b->openssl ? (void *)&b->ossl : (void *)&b->ltc;
}

static int32_t kb_public(const key_be *b, uint8_t n[256], uint8_t e[4], size_t *e_len)
{
    if (b->kind == KB_BEARSSL) return copp_bearssl_public_key(&b->br, n, e, e_len);
    return b->openssl ? copp_openssl_public_key(&b->ossl, n, e, e_len) : copp_libtom_public_key(&b->ltc, n, e, e_len);
}

static void kb_free(key_be *b)
{
    if (b->kind == KB_BEARSSL) copp_bearssl_free(&b->br);
    else if (b->openssl) copp_openssl_free(&b->ossl);
    else copp_libtom_free(&b->ltc);
}

static void kb_init(key_be *b, int kind)
{
    static const char *const names[KB_COUNT] = { "libtom", "openssl", "bearssl" };
    memset(b, 0, sizeof *b);
    b->kind = kind;
    b->openssl = kind == KB_OPENSSL;
    b->name = names[kind];
}

/* A refusal: the HRESULT of the reason, the reason, and an object that holds
 * no key (it decrypts nothing; freeing it is harmless). */
static void kb_refused(key_be *b, int32_t hr, uint32_t want, const char *what)
{
    uint8_t n[256], e[4], out[256], sig[256];
    size_t e_len = 0, out_len = 0;
    if (kb_reason(b) != want || hr == COPP_S_OK)
        fail_msg("%s, %s: %s (%s), want %s", what, b->name, copp_result_str(hr), copp_key_reason_str(kb_reason(b)),
                 copp_key_reason_str(want));
    assert_int_equal(hr, want == COPP_KEY_OUT_OF_MEMORY ? COPP_E_OUTOFMEMORY : COPP_E_INVALIDARG);
    assert_int_equal(kb_public(b, n, e, &e_len), COPP_E_UNEXPECTED);
    memset(sig, 1, sizeof sig);
    assert_int_equal(kb_crypto(b)->rsa_decrypt(kb_user(b), sig, out, &out_len), COPP_E_FAIL);
    kb_free(b);
}

/* A loaded key: the test key's public half, and a start sequence decrypts. */
static void kb_loaded(key_be *b, int32_t hr, const char *what)
{
    uint8_t n[256], e[4], sig[256], out[256], rgh[16], kdi[16];
    size_t e_len = 0, out_len = 0;
    if (hr != COPP_S_OK) fail_msg("%s, %s: %s (%s)", what, b->name, copp_result_str(hr), copp_key_reason_str(kb_reason(b)));
    assert_int_equal(kb_reason(b), COPP_KEY_OK);
    assert_int_equal(kb_public(b, n, e, &e_len), COPP_S_OK);
    assert_memory_equal(n, key_get()->n, 256);
    assert_int_equal(e_len, key_get()->e_len);
    assert_memory_equal(e, key_get()->e, e_len);
    memset(rgh, 0x5C, 16);
    memset(kdi, 0xC5, 16);
    assert_int_equal(copp_app_sign_start_sequence(sig, rgh, kdi, 1, 2, COPP_APP_SIG_RAW_LE, sig_n(), sig_e()), COPP_S_OK);
    assert_int_equal(kb_crypto(b)->rsa_decrypt(kb_user(b), sig, out, &out_len), COPP_S_OK);
    assert_true(out_len >= 40);
    assert_memory_equal(out, rgh, 16);
    assert_memory_equal(out + 16, kdi, 16);
    kb_free(b);
}

static const char *const g_key_encodings[] = { "test_rsa2048.der", "keys/test_rsa2048_pkcs8.der",
                                               "keys/test_rsa2048_pkcs1.pem", "test_rsa2048.pem" };

static void test_key_every_encoding_loads(void **state)
{
    size_t i;
    int be;
    (void)state;
    for (be = 0; be < KB_COUNT; be++) {
        for (i = 0; i < sizeof g_key_encodings / sizeof g_key_encodings[0]; i++) {
            char path[1024], err[COPP_IO_ERR_BYTES];
            key_be b;
            size_t len;
            uint8_t *data = set_file(set_get(&g_own), g_key_encodings[i], &len);
            int pem = copp_io_is_pem(data, len);
            kb_init(&b, be);
            kb_loaded(&b, pem ? kb_pem(&b, (const char *)data, len) : kb_der(&b, data, len), g_key_encodings[i]);
            free(data);
            /* the same through the tools' key-file loader (PEM or DER by content) */
            snprintf(path, sizeof path, "%s/%s", COPP_VECTORS_DIR, g_key_encodings[i]);
            kb_init(&b, be);
            kb_loaded(&b, kb_file(&b, path, err), path);
        }
    }
}

static void test_key_files_refused_with_their_reason(void **state)
{
    static const struct { const char *file; uint32_t why; } cases[] = {
        { "keys/encrypted_pkcs8.pem", COPP_KEY_ENCRYPTED },
        { "keys/encrypted_pkcs8.der", COPP_KEY_ENCRYPTED },
        { "keys/encrypted_pkcs8_v1.der", COPP_KEY_ENCRYPTED },
        { "keys/encrypted_pkcs1.pem", COPP_KEY_ENCRYPTED },
        { "keys/rsa1024.pem", COPP_KEY_NOT_2048_BITS },
        { "keys/rsa4096.pem", COPP_KEY_NOT_2048_BITS },
        { "keys/ec_p256.pem", COPP_KEY_NOT_PRIVATE_KEY },
        { "keys/public.der", COPP_KEY_NOT_PRIVATE_KEY },
        { "keys/public.pem", COPP_KEY_NOT_PRIVATE_KEY },
        { "keys/bad_dp.der", COPP_KEY_INCONSISTENT },
        { "keys/bad_dq.der", COPP_KEY_INCONSISTENT },
        { "keys/bad_qinv.der", COPP_KEY_INCONSISTENT },
        { "keys/bad_d.der", COPP_KEY_INCONSISTENT },
        { "keys/bad_n.der", COPP_KEY_INCONSISTENT },
        { "keys/bad_e_even.der", COPP_KEY_BAD_EXPONENT },
        { "keys/bad_e_3.der", COPP_KEY_INCONSISTENT },
    };
    size_t i;
    int be;
    (void)state;
    for (be = 0; be < KB_COUNT; be++) {
        for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            key_be b;
            size_t len;
            uint8_t *data = set_file(set_get(&g_own), cases[i].file, &len);
            int pem = copp_io_is_pem(data, len);
            kb_init(&b, be);
            kb_refused(&b, pem ? kb_pem(&b, (const char *)data, len) : kb_der(&b, data, len), cases[i].why, cases[i].file);
            /* handed to the other decoder: PEM is not DER; DER has no PEM block
             * (OpenSSL's decoder does not say which: NOT_PRIVATE_KEY) */
            kb_init(&b, be);
            kb_refused(&b, pem ? kb_der(&b, data, len) : kb_pem(&b, (const char *)data, len),
                       (b.openssl || pem) ? COPP_KEY_NOT_PRIVATE_KEY : COPP_KEY_NOT_PEM, cases[i].file);
            free(data);
        }
    }
}

static uint32_t key_stride(void)
{
    const char *v = getenv("COPP_TEST_SAMPLE");   /* valgrind: every Nth length only */
    long n = v ? strtol(v, NULL, 10) : 1;
    return n > 1 ? (uint32_t)n : 1u;
}

/* Every truncation of every encoding of the test key, and garbage, is
 * refused with an error, never an abort (which would stop the run here). */
static void test_key_truncated_and_garbage_refused(void **state)
{
    uint32_t stride = key_stride(), seed = 12345;
    size_t i, cut, tried = 0;
    int be;
    (void)state;
    for (be = 0; be < KB_COUNT; be++) {
        for (i = 0; i < sizeof g_key_encodings / sizeof g_key_encodings[0]; i++) {
            size_t len;
            uint8_t *data = set_file(set_get(&g_own), g_key_encodings[i], &len);
            int pem = copp_io_is_pem(data, len);
            size_t whole = pem && data[len - 1] == '\n' ? len - 1 : len;   /* a PEM without its last newline is whole */
            for (cut = 0; cut < whole; cut += stride) {
                key_be b;
                uint8_t *part = (uint8_t *)malloc(cut + 1);   /* exactly cut bytes used: ASan sees an over-read */
                int32_t hr;
                assert_non_null(part);
                memcpy(part, data, cut);
                kb_init(&b, be);
                hr = pem ? kb_pem(&b, (const char *)part, cut) : kb_der(&b, part, cut);
                if (cut == 0) assert_int_equal(kb_reason(&b), COPP_KEY_EMPTY);
                if (hr == COPP_S_OK) fail_msg("%s cut to %lu bytes loaded (%s)", g_key_encodings[i], (unsigned long)cut, b.name);
                assert_int_equal(hr, COPP_E_INVALIDARG);
                kb_free(&b);
                free(part);
                tried++;
            }
            free(data);
        }
        for (i = 0; i < 256; i += stride) {
            key_be b;
            uint8_t junk[1300];
            size_t n = 1 + (i * 37) % sizeof junk, j;
            for (j = 0; j < n; j++) {
                seed = seed * 1103515245u + 12345u;
                junk[j] = (uint8_t)(seed >> 16);
            }
            if (i % 2 && n > 4) { junk[0] = 0x30; junk[1] = 0x82; junk[2] = 0x04; junk[3] = 0xa2; }  /* a SEQUENCE header */
            kb_init(&b, be);
            kb_refused(&b, kb_der(&b, junk, n), COPP_KEY_NOT_PRIVATE_KEY, "garbage DER");
            kb_init(&b, be);
            assert_int_equal(kb_pem(&b, (const char *)junk, n), COPP_E_INVALIDARG);
            kb_free(&b);
            tried += 2;
        }
    }
    assert_true(tried > 100);
}

/* Deeply nested DER: SEQUENCE in SEQUENCE, `len` bytes (a NULL innermost). */
static size_t key_nest(uint8_t *out, size_t len)
{
    size_t n = 2, h;
    out[len - 2] = 0x05; out[len - 1] = 0x00;
    for (;;) {
        h = n < 128 ? 2 : n < 256 ? 3 : 4;
        if (n + h > len) break;
        out[len - n - h] = 0x30;
        if (h == 2) out[len - n - 1] = (uint8_t)n;
        if (h == 3) { out[len - n - 2] = 0x81; out[len - n - 1] = (uint8_t)n; }
        if (h == 4) { out[len - n - 3] = 0x82; out[len - n - 2] = (uint8_t)(n >> 8); out[len - n - 1] = (uint8_t)n; }
        n += h;
    }
    memmove(out, out + len - n, n);
    return n;
}

typedef struct key_nest_job { const uint8_t *der; size_t len; int32_t hr; uint32_t why; } key_nest_job;

static void *key_nest_thread(void *arg)
{
    static copp_libtom k;   /* 4 KB of struct: not on the small stack */
    key_nest_job *j = (key_nest_job *)arg;
    j->hr = copp_libtom_init_der(&k, j->der, j->len, NULL, NULL, 0);
    j->why = k.key_reason;
    copp_libtom_free(&k);
    return NULL;
}

/* A key file of nested SEQUENCE headers (about 2000 levels in 8 KB) is
 * refused by both backends on a 192 KB thread stack.  libtomcrypt 1.18's
 * flexi decoder recurses per level: the libtom backend's encrypted-key test
 * once took about 260 KB of stack on it and crashed here. */
static void test_key_nested_der_bounded_stack(void **state)
{
    static uint8_t der[COPP_KEY_MAX_BYTES];
    static const size_t sizes[3] = { COPP_KEY_MAX_BYTES, 4096, 2048 };
    pthread_attr_t attr;
    pthread_t t;
    size_t i;
    (void)state;
    for (i = 0; i < 3; i++) {
        key_nest_job j;
        key_be b;
        j.len = key_nest(der, sizes[i]);
        j.der = der;
        j.hr = 0;
        j.why = COPP_KEY_COUNT_;
        assert_true(j.len > sizes[i] - 4 && der[0] == 0x30);
        assert_int_equal(pthread_attr_init(&attr), 0);
        assert_int_equal(pthread_attr_setstacksize(&attr, 192u * 1024u), 0);
        assert_int_equal(pthread_create(&t, &attr, key_nest_thread, &j), 0);
        assert_int_equal(pthread_join(t, NULL), 0);
        pthread_attr_destroy(&attr);
        assert_int_equal(j.hr, COPP_E_INVALIDARG);
        assert_int_equal(j.why, COPP_KEY_NOT_PRIVATE_KEY);
        kb_init(&b, 1);   /* OpenSSL's decoder stops at its nesting limit: the same reason */
        kb_refused(&b, kb_der(&b, der, j.len), COPP_KEY_NOT_PRIVATE_KEY, "nested SEQUENCEs");
    }
}

static void test_key_input_guards(void **state)
{
    static uint8_t big[COPP_KEY_MAX_BYTES + 1];
    int be;
    (void)state;
    assert_int_equal(copp_libtom_init(NULL, &key_get()->priv, NULL, NULL, 0), COPP_E_POINTER);
    assert_int_equal(copp_libtom_init_der(NULL, big, 10, NULL, NULL, 0), COPP_E_POINTER);
    assert_int_equal(copp_libtom_init_pem(NULL, "", 1, NULL, NULL, 0), COPP_E_POINTER);
    assert_int_equal(copp_libtom_init_mac(NULL), COPP_E_POINTER);
    assert_int_equal(copp_openssl_init(NULL, &key_get()->priv, NULL, NULL, 0), COPP_E_POINTER);
    assert_int_equal(copp_openssl_init_der(NULL, big, 10, NULL, NULL, 0), COPP_E_POINTER);
    assert_int_equal(copp_openssl_init_pem(NULL, "", 1, NULL, NULL, 0), COPP_E_POINTER);
    assert_int_equal(copp_openssl_init_mac(NULL), COPP_E_POINTER);
    assert_int_equal(copp_bearssl_init(NULL, &key_get()->priv, test_rng, NULL, 0), COPP_E_POINTER);
    assert_int_equal(copp_bearssl_init_der(NULL, big, 10, test_rng, NULL, 0), COPP_E_POINTER);
    assert_int_equal(copp_bearssl_init_pem(NULL, "", 1, test_rng, NULL, 0), COPP_E_POINTER);
    assert_int_equal(copp_bearssl_init_mac(NULL, test_rng, NULL, 0), COPP_E_POINTER);
    {   /* BearSSL has no default RNG: the hook is required */
        key_be b;
        kb_init(&b, KB_BEARSSL);
        assert_int_equal(copp_bearssl_init(&b.br, &key_get()->priv, NULL, NULL, 0), COPP_E_POINTER);
        assert_int_equal(b.br.key_reason, COPP_KEY_NULL_POINTER);
        assert_int_equal(copp_bearssl_init_mac(&b.br, NULL, NULL, 0), COPP_E_POINTER);
        assert_int_equal(copp_bearssl_init_mac(&b.br, test_rng, NULL, COPP_BEARSSL_RSA_I31), COPP_E_INVALIDARG);
        assert_int_equal(b.br.key_reason, COPP_KEY_BAD_FLAGS);
    }
    for (be = 0; be < KB_COUNT; be++) {
        key_be b;
        kb_init(&b, be);
        assert_int_equal(kb_der(&b, NULL, 100), COPP_E_POINTER);
        assert_int_equal(kb_reason(&b), COPP_KEY_NULL_POINTER);
        assert_int_equal(kb_parts(&b, NULL, 0), COPP_E_POINTER);
        assert_int_equal(kb_reason(&b), COPP_KEY_NULL_POINTER);
        kb_refused(&b, kb_der(&b, big, 0), COPP_KEY_EMPTY, "0 bytes of DER");
        kb_refused(&b, kb_pem(&b, (const char *)big, 0), COPP_KEY_EMPTY, "0 bytes of PEM");
        kb_refused(&b, kb_der(&b, big, sizeof big), COPP_KEY_TOO_LONG, "COPP_KEY_MAX_BYTES + 1");
        kb_refused(&b, kb_parts(&b, &key_get()->priv, 0x80), COPP_KEY_BAD_FLAGS, "flag 0x80");
        kb_refused(&b, kb_der_flags(&b, big, 10, 0x80), COPP_KEY_BAD_FLAGS, "DER with flag 0x80");
        kb_refused(&b, kb_pem(&b, "no PEM here\n", 12), b.openssl ? COPP_KEY_NOT_PRIVATE_KEY : COPP_KEY_NOT_PEM, "text");
    }
    {   /* the libtom PEM reader's own findings (OpenSSL's decoder only says it failed) */
        static const char bad64[] = "-----BEGIN PRIVATE KEY-----\nMIIE!AIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQC5U2HcbVuU0zww\n"
                                    "-----END PRIVATE KEY-----\n";
        static const char ragged[] = "-----BEGIN PRIVATE KEY-----\nMIIEvAIBADA\n-----END PRIVATE KEY-----\n";
        static const char noend[] = "-----BEGIN PRIVATE KEY-----\nMIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQC5U2HcbVuU0zww\n";
        static const char mismatch[] = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n";
        static const char empty[] = "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n";
        static const char cert[] = "-----BEGIN CERTIFICATE-----\nMIIE\n-----END CERTIFICATE-----\n";
        key_be b;
        kb_init(&b, 0);
        kb_refused(&b, kb_pem(&b, bad64, sizeof bad64 - 1), COPP_KEY_BAD_BASE64, "a '!' in the body");
        kb_refused(&b, kb_pem(&b, ragged, sizeof ragged - 1), COPP_KEY_BAD_BASE64, "a line of 11 characters");
        kb_refused(&b, kb_pem(&b, noend, sizeof noend - 1), COPP_KEY_NOT_PEM, "no END line");
        kb_refused(&b, kb_pem(&b, mismatch, sizeof mismatch - 1), COPP_KEY_NOT_PEM, "END label differs");
        kb_refused(&b, kb_pem(&b, empty, sizeof empty - 1), COPP_KEY_BAD_BASE64, "empty body");
        kb_refused(&b, kb_pem(&b, cert, sizeof cert - 1), COPP_KEY_NOT_PRIVATE_KEY, "a certificate");
    }
}

/* Components: each inconsistency is found at init, by both backends (the
 * case that used to load: a dp with one bit flipped, then every sequence
 * start failed as E_FAIL). */
static void test_key_components_validated(void **state)
{
    uint8_t buf[8][256];
    int be, which;
    (void)state;
    for (be = 0; be < KB_COUNT; be++) {
        key_be b;
        copp_rsa_private_key k;
        /* one bit of dp, dq, qinv, q, d */
        for (which = 0; which < 5; which++) {
            copp_bytes *part;
            k = key_get()->priv;
            part = which == 0 ? &k.dp : which == 1 ? &k.dq : which == 2 ? &k.qinv : which == 3 ? &k.q : &k.d;
            memcpy(buf[which], part->p, part->len);
            buf[which][part->len / 2] ^= 0x08;
            part->p = buf[which];
            kb_init(&b, be);
            kb_refused(&b, kb_parts(&b, &k, 0), COPP_KEY_INCONSISTENT, "one component bit flipped");
        }
        k = key_get()->priv;
        k.n.len = 128;                                           /* a 1024-bit modulus */
        kb_init(&b, be);
        kb_refused(&b, kb_parts(&b, &k, 0), COPP_KEY_NOT_2048_BITS, "n of 1024 bits");
        k = key_get()->priv;
        memcpy(buf[5], k.e.p, k.e.len);
        buf[5][k.e.len - 1] ^= 1;                                /* e = 65536: even */
        k.e.p = buf[5];
        kb_init(&b, be);
        kb_refused(&b, kb_parts(&b, &k, 0), COPP_KEY_BAD_EXPONENT, "e even");
        memset(buf[6], 0, 8);
        buf[6][7] = 1;                                           /* e = 1, 8 bytes with leading zeros */
        k.e.p = buf[6];
        k.e.len = 8;
        kb_init(&b, be);
        kb_refused(&b, kb_parts(&b, &k, 0), COPP_KEY_BAD_EXPONENT, "e = 1");
        memset(buf[7], 0, 8);
        buf[7][2] = 1;
        buf[7][7] = 1;                                           /* e = 2^40 + 1: odd, 5 bytes */
        k.e.p = buf[7];
        kb_init(&b, be);
        kb_refused(&b, kb_parts(&b, &k, 0), COPP_KEY_BAD_EXPONENT, "e wider than 4 bytes");
        k = key_get()->priv;
        k.dq.p = NULL;
        kb_init(&b, be);
        kb_refused(&b, kb_parts(&b, &k, 0), COPP_KEY_MISSING_COMPONENT, "no dq");
        k = key_get()->priv;
        k.d.len = 0;                                             /* the OpenSSL backend needs d, the others do not */
        kb_init(&b, be);
        if (b.openssl) kb_refused(&b, kb_parts(&b, &k, 0), COPP_KEY_MISSING_COMPONENT, "no d");
        else kb_loaded(&b, kb_parts(&b, &k, 0), "no d (libtom)");
        kb_init(&b, be);
        kb_loaded(&b, kb_parts(&b, &key_get()->priv, 0), "the test key's components");
    }
}

/* The application side keys a MAC without any RSA key. */
static void test_key_mac_only_backends(void **state)
{
    static const uint8_t key[16] = { 0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                                     0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c };
    static const uint8_t msg[16] = { 0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40, 0x9f, 0x96,
                                     0xe9, 0x3d, 0x7e, 0x11, 0x73, 0x93, 0x17, 0x2a };
    static const uint8_t want[16] = { 0x07, 0x0a, 0x16, 0xb4, 0x6b, 0x4d, 0x41, 0x44,
                                      0xf7, 0x9b, 0xdd, 0x9d, 0xd0, 0x4a, 0x28, 0x7c };   /* RFC 4493 example 2 */
    int be;
    (void)state;
    for (be = 0; be < KB_COUNT; be++) {
        key_be b;
        copp_mac_ctx ctx;
        uint8_t tag[16], buf[8], n[256], e[4], sig[256], out[256];
        size_t e_len, out_len;
        kb_init(&b, be);
        assert_int_equal(kb_mac_only(&b), COPP_S_OK);
        assert_int_equal(kb_reason(&b), COPP_KEY_OK);
        assert_int_equal(kb_crypto(&b)->mac_init(kb_user(&b), &ctx, key), COPP_S_OK);
        assert_int_equal(kb_crypto(&b)->mac(kb_user(&b), &ctx, msg, 16, 0, tag), COPP_S_OK);
        assert_memory_equal(tag, want, 16);
        if (kb_crypto(&b)->mac_release) kb_crypto(&b)->mac_release(kb_user(&b), &ctx);
        assert_int_equal(kb_crypto(&b)->randombytes(kb_user(&b), buf, sizeof buf), 0);   /* for rApp */
        assert_int_equal(kb_public(&b, n, e, &e_len), COPP_E_UNEXPECTED);
        memset(sig, 0, sizeof sig);
        assert_int_equal(kb_crypto(&b)->rsa_decrypt(kb_user(&b), sig, out, &out_len), COPP_E_FAIL);
        kb_free(&b);
    }
}

/* Every reason has its own text (or none, under COPP_NO_STRINGS). */
static void test_key_reason_strings(void **state)
{
    uint32_t r;
    (void)state;
    for (r = 0; r < COPP_KEY_COUNT_; r++) {
#ifdef COPP_NO_STRINGS
        assert_string_equal(copp_key_reason_str(r), "");
#else
        uint32_t q;
        assert_true(strlen(copp_key_reason_str(r)) > 10);
        for (q = 0; q < r; q++) assert_string_not_equal(copp_key_reason_str(r), copp_key_reason_str(q));
#endif
    }
}

static const struct CMUnitTest signature_tests[] = {
    cmocka_unit_test(test_sig_both_encodings_key_the_session),
    cmocka_unit_test(test_sig_modulus_boundary),
    cmocka_unit_test(test_sig_backend_big_endian_mode),
    cmocka_unit_test(test_sig_backend_pkcs1v15_mode),
    cmocka_unit_test(test_sig_openssl_backend),
    cmocka_unit_test(test_sig_bearssl_engines),
    cmocka_unit_test(test_key_every_encoding_loads),
    cmocka_unit_test(test_key_files_refused_with_their_reason),
    cmocka_unit_test(test_key_truncated_and_garbage_refused),
    cmocka_unit_test(test_key_input_guards),
    cmocka_unit_test(test_key_nested_der_bounded_stack),
    cmocka_unit_test(test_key_components_validated),
    cmocka_unit_test(test_key_mac_only_backends),
    cmocka_unit_test(test_key_reason_strings),
};
