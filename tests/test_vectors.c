/* test_vectors.c -- known answers that nothing in copp.h computed:
 * RFC 4493 AES-CMAC (tests/vectors/rfc4493_cmac.txt), the 128-bit-key cases
 * of Wycheproof's AES-CMAC file (tests/vectors/wycheproof/), and a COPP
 * session made by tools/gen_vectors.py with the openssl command line
 * (tests/vectors/copp_vectors.txt): every signature case, the commands in
 * sending order, every status request's exact output, on the hardware
 * profile the file gives.  The same runner takes the independent set in
 * ../shared/vectors (another key, another generation run) when it is there,
 * as a second opinion, and reports a skip when it is not. */

static void hex_or_die(const char *hex, uint8_t *out, size_t want)
{
    assert_non_null(hex);
    assert_int_equal(hex_decode(hex, out, want), want);
}

static size_t hex_var(const char *hex, uint8_t *out, size_t cap)
{
    size_t n;
    assert_non_null(hex);
    n = hex_decode(hex, out, cap);
    assert_true(n != (size_t)-1);
    return n;
}

static uint32_t vec_u32(const vec_case *c, const char *name)
{
    const char *v = vec_get(c, name);
    assert_non_null(v);
    return (uint32_t)strtoul(v, NULL, 16);   /* integers: big-endian hex */
}

/* COPP_REASON_* named by a `reason` line (copp.h's names). */
static uint32_t vec_reason(const char *name)
{
#define COPP__X(n, value, hr, win32, text) if (strcmp(name, #n) == 0) return value;
    COPP__REASONS(COPP__X)
#undef COPP__X
    fail_msg("unknown reason %s", name);
    return 0;
}

/* MAC through the backend under test, keyed the way an application keys it
 * (a MAC-only backend object): one message plus a zero tail. */
static void backend_mac(const uint8_t key[16], const uint8_t *msg, size_t len, size_t zeros, uint8_t tag[16])
{
#if defined(COPP_TEST_OPENSSL)
    static copp_openssl app;
    const copp_crypto *cr = copp_openssl_crypto();
    if (app.aes_cbc == NULL) assert_int_equal(copp_openssl_init_mac(&app), COPP_S_OK);
#elif defined(COPP_TEST_BEARSSL)
    static copp_bearssl app;
    const copp_crypto *cr = copp_bearssl_crypto();
    if (app.aes == NULL) assert_int_equal(copp_bearssl_init_mac(&app, test_rng, NULL, 0), COPP_S_OK);
#else
    static copp_libtom app;
    static int ready;
    const copp_crypto *cr = copp_libtom_crypto();
    if (!ready) assert_int_equal(copp_libtom_init_mac(&app), COPP_S_OK);
    ready = 1;
#endif
    copp_mac_ctx ctx;
    assert_int_equal(cr->mac_init(&app, &ctx, key), COPP_S_OK);
    assert_int_equal(cr->mac(&app, &ctx, msg, len, zeros, tag), COPP_S_OK);
    if (cr->mac_release) cr->mac_release(&app, &ctx);
}

static void test_vectors_rfc4493(void **state)
{
    char path[1024], err[COPP_IO_ERR_BYTES];
    vec_file vf;
    int i, run = 0;
    (void)state;
    snprintf(path, sizeof path, "%s/rfc4493_cmac.txt", COPP_VECTORS_DIR);
    assert_int_equal(vec_load(&vf, path, err), 0);
    for (i = 0; i < vf.n; i++) {
        uint8_t key[16], msg[64], want[16], tag[16];
        size_t len;
        hex_or_die(vec_get(&vf.cases[i], "key"), key, 16);
        len = hex_var(vec_get(&vf.cases[i], "message"), msg, sizeof msg);
        hex_or_die(vec_get(&vf.cases[i], "tag"), want, 16);
        backend_mac(key, msg, len, 0, tag);
        assert_memory_equal(tag, want, 16);
        run++;
    }
    free(vf.text);
    assert_int_equal(run, 4);   /* examples 1-4 of RFC 4493 section 4 */
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
        backend_mac(key, buf, sizeof buf, 0, t1);
        backend_mac(key, buf, cut, sizeof buf - cut, t2);
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

/* The 128-bit-key groups of a Wycheproof AES-CMAC file through the backend:
 * valid tags must match, invalid ones must not.  Returns the cases run. */
static size_t wycheproof_run(const char *path)
{
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    size_t gi, ti, run = 0, valid = 0;
    if (root == NULL) fprintf(stderr, "%s: %s\n", path, err.text);
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
            backend_mac(key, msg, mlen, 0, tag);
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
    assert_true(valid > 0 && valid < run);
    return run;
}

static void test_vectors_wycheproof_cmac(void **state)
{
    (void)state;
    /* the repository's copy holds every 128-bit case of the upstream file */
    assert_int_equal(wycheproof_run(COPP_VECTORS_DIR "/wycheproof/aes_cmac_128_test.json"), 102);
}

static void test_vectors_wycheproof_cmac_shared(void **state)
{
    vec_set *vs;
    char path[1024];
    FILE *f;
    (void)state;
    SHARED_OR_SKIP(vs);
    snprintf(path, sizeof path, "%s/wycheproof/aes_cmac_test.json", vs->dir);
    f = fopen(path, "rb");
    if (f == NULL) {
        printf("[ SKIPPED  ] second opinion: %s not present\n", path);
        skip();
    }
    fclose(f);
    assert_int_equal(wycheproof_run(path), 102);   /* the 128-bit cases of the full upstream file */
}

/* ---- a COPP session from a vector set ------------------------------------ */

/* RNG hook that answers every 16-byte request (rGH) with the set's rGH, and
 * anything else (blinding) from the OS. */
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

/* A connector on the set's hardware profile (the shared set has none: the
 * default DVI mock), its backend loaded from the set's PKCS #1 DER file
 * through the backend's own decoder.  backend: W_LIBTOM, or W_REAL for the
 * backend under test; flags: that backend's RSA mode. */
static world *vec_world(const vec_set *vs, int backend, uint32_t flags)
{
    const vec_case *hw = vec_find(&vs->vf, "hw_profile");
    const vec_case *key = vec_find(&vs->vf, "rsa_key");
    world *w = world_new_ex(W_MOCK, NULL, hw ? vec_u32(hw, "protection_types")
                                             : COPP_PROTECTION_TYPE_HDCP | COPP_PROTECTION_TYPE_ACP | COPP_PROTECTION_TYPE_CGMSA);
    uint8_t *der, n[256], e[4];
    size_t len, e_len = 0;
    int openssl = 0, bearssl = 0;
#ifdef COPP_TEST_OPENSSL
    openssl = backend == W_REAL;
#endif
#ifdef COPP_TEST_BEARSSL
    bearssl = backend == W_REAL;
#endif
    (void)backend;
    if (hw) {
        w->hw.connector = vec_u32(hw, "connector_type");
        w->hw.bus = vec_u32(hw, "bus_type");
        w->hw.dd.DisplayWidth = vec_u32(hw, "display_width");
        w->hw.dd.DisplayHeight = vec_u32(hw, "display_height");
        w->hw.dd.Format = vec_u32(hw, "display_format");
        w->hw.dd.d3dFormat = vec_u32(hw, "d3d_format");
        w->hw.dd.FreqNumerator = vec_u32(hw, "freq_numerator");
        w->hw.dd.FreqDenominator = vec_u32(hw, "freq_denominator");
        w->hw.hdcp_flags = vec_u32(hw, "hdcp_flags");
        w->hw.tv_standards = vec_u32(hw, "tv_standards");
        hex_or_die(vec_get(hw, "bksv"), w->hw.bksv, 5);
    }
    hex_or_die(vec_get(vec_find(&vs->vf, "signature_raw_le"), "rgh"), g_script_rgh, 16);
    assert_non_null(vec_get(key, "file_pkcs1_der"));
    der = set_file(vs, vec_get(key, "file_pkcs1_der"), &len);
    if (bearssl) {
        assert_int_equal(copp_bearssl_init_der(&w->br, der, len, script_rng, NULL, flags), COPP_S_OK);
        assert_int_equal(copp_bearssl_public_key(&w->br, n, e, &e_len), COPP_S_OK);
        w->crypto = copp_bearssl_crypto();
        w->crypto_user = &w->br;
        w->real = W_REAL;
    } else if (openssl) {
        assert_int_equal(copp_openssl_init_der(&w->ossl, der, len, script_rng, NULL, flags), COPP_S_OK);
        assert_int_equal(copp_openssl_public_key(&w->ossl, n, e, &e_len), COPP_S_OK);
        w->crypto = copp_openssl_crypto();
        w->crypto_user = &w->ossl;
        w->real = W_REAL;
    } else {
        assert_int_equal(copp_libtom_init_der(&w->ltc, der, len, script_rng, NULL, flags), COPP_S_OK);
        assert_int_equal(copp_libtom_public_key(&w->ltc, n, e, &e_len), COPP_S_OK);
        w->crypto = copp_libtom_crypto();
        w->crypto_user = &w->ltc;
        w->real = W_LIBTOM;
    }
    free(der);
    /* the DER file and the hex components of rsa_key are the same key */
    assert_memory_equal(n, vs->key.n, 256);
    assert_int_equal(e_len, vs->key.e_len);
    assert_memory_equal(e, vs->key.e, e_len);
    w->conn.desc.crypto = w->crypto;
    w->conn.desc.crypto_user = w->crypto_user;
    return w;
}

/* Key an application-side MAC with kdi on w's backend. */
static void vec_app_mac(world *w, int i, const uint8_t kdi[16])
{
    assert_int_equal(w->crypto->mac_init(w->crypto_user, &w->app[i].mac, kdi), COPP_S_OK);
}

static int vec_is(const vec_case *c, const char *prefix)
{
    return strncmp(c->name, prefix, strlen(prefix)) == 0;
}

static void vec_signature_case(const vec_set *vs, const vec_case *c)
{
    const char *mode = vec_get(c, "mode"), *reason = vec_get(c, "reason");
    int backend = W_REAL;
    uint32_t flags = 0;
    world *w;
    uint8_t sig[256], rgh[16];
    snapshot sn;
    int32_t want;
    if (mode && strcmp(mode, "big_endian") == 0) {
#if defined(COPP_TEST_OPENSSL)
        flags = COPP_OPENSSL_RSA_BIG_ENDIAN;
#elif defined(COPP_TEST_BEARSSL)
        flags = COPP_BEARSSL_RSA_BIG_ENDIAN;
#else
        flags = COPP_LIBTOM_RSA_BIG_ENDIAN;
#endif
    } else if (mode && strcmp(mode, "pkcs1v15") == 0) {
        backend = W_LIBTOM;   /* a mode of the libtom backend only */
        flags = COPP_LIBTOM_RSA_PKCS1V15;
    } else {
        assert_null(mode);
    }
    w = vec_world(vs, backend, flags);
    w_to_state(w, 0, COPP_STATE_KEY_EXCHANGED, 0);
    hex_or_die(vec_get(c, "rgh"), rgh, 16);
    assert_memory_equal(w->app[0].rgh, rgh, 16);
    hex_or_die(vec_get(c, "signature"), sig, 256);
    want = vec_expect(c);
    snap_take(&sn, w, 0);
    assert_int_equal(copp_sequence_start(&w->s[0], sig), want);
    if (want == COPP_S_OK) {
        uint8_t kdi[16];
        assert_int_equal(copp_session_state(&w->s[0]), COPP_STATE_SESSION_ACTIVE);
        assert_int_equal(w_rec(w, 0)->status_seq, vec_u32(c, "status_start"));
        assert_int_equal(w_rec(w, 0)->command_seq, vec_u32(c, "command_start"));
        /* the session holds the vector's kDI: a command MACed with it is accepted */
        hex_or_die(vec_get(c, "kdi"), kdi, 16);
        vec_app_mac(w, 0, kdi);
        w->app[0].cmd_seq = vec_u32(c, "command_start");
        assert_int_equal(w_level(w, 0, COPP_PROTECTION_TYPE_HDCP, 1), COPP_S_OK);
    } else {
        snap_check(&sn, w, 0);
        if (reason) assert_int_equal(copp_session_last_reason(&w->s[0]), vec_reason(reason));
    }
    world_free(w);
}

static void vec_signatures(const vec_set *vs)
{
    int i, run = 0, ok = 0;
    for (i = 0; i < vs->vf.n; i++) {
        if (!vec_is(&vs->vf.cases[i], "signature_")) continue;
        vec_signature_case(vs, &vs->vf.cases[i]);
        run++;
        ok += vec_expect(&vs->vf.cases[i]) == COPP_S_OK;
    }
    /* both encodings real clients produce, and refusals */
    assert_true(ok >= 2 && run - ok >= 2);
    assert_non_null(vec_find(&vs->vf, "signature_raw_le"));
    assert_non_null(vec_find(&vs->vf, "signature_pkcs1v15_reversed_le"));
}

/* Every cmd_ case in file order, then every status_ case, in one session. */
static void vec_session(const vec_set *vs, int need_every_request)
{
    static const uint8_t g_conn[16] = COPP_GUID_DXVA_COPPQueryConnectorType;
    static const uint8_t g_spl[16] = COPP_GUID_DXVA_COPPSetProtectionLevel;
    const vec_case *start = vec_find(&vs->vf, "signature_raw_le");
    uint32_t lv[3] = { 0, 0, 0 }, writes = 0, seq, kinds = 0;
    int i, cmds = 0, queries = 0;
    world *w = vec_world(vs, W_REAL, 0);
    uint8_t sig[256], kdi[16], cmd[4096], in[4096], out[4096], want[4096], rapp[16];
    w_to_state(w, 0, COPP_STATE_KEY_EXCHANGED, 0);
    hex_or_die(vec_get(start, "signature"), sig, 256);
    assert_int_equal(copp_sequence_start(&w->s[0], sig), COPP_S_OK);
    hex_or_die(vec_get(start, "kdi"), kdi, 16);
    vec_app_mac(w, 0, kdi);
    for (i = 0; i < vs->vf.n; i++) {
        const vec_case *c = &vs->vf.cases[i];
        const char *reason = vec_get(c, "reason");
        snapshot sn;
        int32_t hr, expect;
        if (!vec_is(c, "cmd_")) continue;
        hex_or_die(vec_get(c, "command"), cmd, 4096);
        expect = vec_expect(c);
        snap_take(&sn, w, 0);
        hr = copp_command(&w->s[0], cmd);
        if (hr != expect) fail_msg("%s: %s: got %s, want %s", vs->name, c->name, copp_result_str(hr), copp_result_str(expect));
        if (hr != COPP_S_OK) {
            snap_check(&sn, w, 0);
            if (reason) assert_int_equal(copp_session_last_reason(&w->s[0]), vec_reason(reason));
        } else if (memcmp(cmd + 16, g_spl, 16) == 0) {
            int t = mock_hw_tidx(copp__ld32(cmd + 40));
            writes += lv[t] != copp__ld32(cmd + 44);
            lv[t] = copp__ld32(cmd + 44);
        }
        cmds++;
    }
    /* what the accepted commands asked for is on the wire, written once per change */
    assert_true(cmds >= 5);
    assert_int_equal(w->hw.level[0], lv[0]);
    assert_int_equal(w->hw.level[1], lv[1]);
    assert_int_equal(w->hw.level[2], lv[2]);
    assert_int_equal(w->hw.nlog, writes);

    seq = vec_u32(start, "status_start");
    for (i = 0; i < vs->vf.n; i++) {
        const vec_case *c = &vs->vf.cases[i];
        const char *reason = vec_get(c, "reason"), *rq = vec_get(c, "request");
        snapshot sn;
        int32_t hr, expect = vec_get(c, "expect") ? vec_expect(c) : COPP_S_OK;
        if (!vec_is(c, "status_")) continue;
        hex_or_die(vec_get(c, "rapp"), rapp, 16);
        if (vec_get(c, "event")) copp_connector_event(&w->conn, vec_u32(c, "event"));
        if (rq) hex_or_die(rq, in, 4096);   /* the shared set: a ConnectorType request at the next number */
        else assert_int_equal(copp_app_status_request(in, rapp, g_conn, seq, NULL, 0), COPP_S_OK);
        memset(out, 0xEE, sizeof out);
        snap_take(&sn, w, 0);
        hr = copp_query_status(&w->s[0], in, out);
        if (hr != expect) fail_msg("%s: %s: got %s, want %s", vs->name, c->name, copp_result_str(hr), copp_result_str(expect));
        if (hr == COPP_S_OK) {
            const struct copp__status_request *q = copp__status_find(in + 16);
            assert_non_null(q);
            kinds |= 1u << (unsigned)(q - copp__status_requests);
            hex_or_die(vec_get(c, "status_output"), want, 4096);
            assert_memory_equal(out, want, 4096);
            assert_int_equal(copp_app_verify_status(out, rapp, w->crypto, w->crypto_user, &w->app[0].mac), COPP_S_OK);
            seq++;
        } else {
            size_t j;
            for (j = 0; j < sizeof out; j++) assert_int_equal(out[j], 0xEE);
            snap_check(&sn, w, 0);
            if (reason) assert_int_equal(copp_session_last_reason(&w->s[0]), vec_reason(reason));
        }
        queries++;
    }
    assert_true(queries >= 1);
    if (need_every_request) assert_int_equal(kinds, (1u << COPP__STATUS_REQUESTS) - 1);   /* every kind */
    world_free(w);
}

static void test_vectors_signatures(void **state)
{
    (void)state;
    vec_signatures(set_get(&g_own));
}

static void test_vectors_session(void **state)
{
    (void)state;
    vec_session(set_get(&g_own), 1);
}

static void test_vectors_signatures_shared(void **state)
{
    vec_set *vs;
    (void)state;
    SHARED_OR_SKIP(vs);
    vec_signatures(vs);
}

static void test_vectors_session_shared(void **state)
{
    vec_set *vs;
    (void)state;
    SHARED_OR_SKIP(vs);
    vec_session(vs, 0);
}

static const struct CMUnitTest vector_tests[] = {
    cmocka_unit_test(test_vectors_rfc4493),
    cmocka_unit_test(test_vectors_zero_tail_equals_full_buffer),
    cmocka_unit_test(test_vectors_spec_envelopes),
    cmocka_unit_test(test_vectors_wycheproof_cmac),
    cmocka_unit_test(test_vectors_signatures),
    cmocka_unit_test(test_vectors_session),
    cmocka_unit_test(test_vectors_wycheproof_cmac_shared),
    cmocka_unit_test(test_vectors_signatures_shared),
    cmocka_unit_test(test_vectors_session_shared),
};
