/* support.c -- shared fixtures for the cmocka suites: the vector-file reader,
 * the shared test RSA key, and a "world" (one connector, mock hardware, a
 * crypto backend, up to four sessions with their application side). */

#ifndef COPP_VECTORS_DIR
#define COPP_VECTORS_DIR "../shared/vectors"
#endif

#ifndef COPP_TEST_CORE
/* ---- hex and vector files (format: ../shared/vectors/README.md) ---------- */

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* Decode hex into out; returns the byte count, or (size_t)-1 on bad input. */
static size_t hex_decode(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = strlen(hex), i;
    if (n % 2 || n / 2 > cap) return (size_t)-1;
    for (i = 0; i < n / 2; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return (size_t)-1;
        out[i] = (uint8_t)(hi * 16 + lo);
    }
    return n / 2;
}

#define VEC_MAX_FIELDS 16
typedef struct vec_case {
    char *name;
    char *key[VEC_MAX_FIELDS];
    char *value[VEC_MAX_FIELDS];
    int n;
} vec_case;

typedef struct vec_file {
    char *text;
    vec_case cases[64];
    int n;
} vec_file;

static char *slurp(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long len;
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = (char *)malloc((size_t)len + 1);
    if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) { free(buf); buf = NULL; }
    fclose(f);
    if (buf) buf[len] = 0;
    if (len_out) *len_out = (size_t)len;
    return buf;
}

static char *trim(char *s)
{
    char *e;
    while (*s == ' ' || *s == '\t') s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) *--e = 0;
    return s;
}

/* Parse "name = value" blocks; a block starts at "case = NAME". */
static int vec_load(vec_file *vf, const char *path)
{
    char *line;
    memset(vf, 0, sizeof *vf);
    vf->text = slurp(path, NULL);
    if (!vf->text) return -1;
    for (line = strtok(vf->text, "\n"); line; line = strtok(NULL, "\n")) {
        char *eq, *k, *v;
        if (line[0] == '#') continue;
        eq = strchr(line, '=');
        if (!eq) continue;
        *eq = 0;
        k = trim(line);
        v = trim(eq + 1);
        if (strcmp(k, "case") == 0) {
            if (vf->n == 64) return -1;
            vf->cases[vf->n++].name = v;
        } else if (vf->n > 0 && vf->cases[vf->n - 1].n < VEC_MAX_FIELDS) {
            vec_case *c = &vf->cases[vf->n - 1];
            c->key[c->n] = k;
            c->value[c->n++] = v;
        }
    }
    return 0;
}

static const vec_case *vec_find(const vec_file *vf, const char *name)
{
    int i;
    for (i = 0; i < vf->n; i++)
        if (strcmp(vf->cases[i].name, name) == 0) return &vf->cases[i];
    return NULL;
}

static const char *vec_get(const vec_case *c, const char *key)
{
    int i;
    for (i = 0; c && i < c->n; i++)
        if (strcmp(c->key[i], key) == 0) return c->value[i];
    return NULL;
}

/* HRESULT named by an `expect` line. */
static int32_t vec_expect(const vec_case *c)
{
    const char *e = vec_get(c, "expect");
    if (e && strcmp(e, "S_OK") == 0) return COPP_S_OK;
    if (e && strcmp(e, "E_UNEXPECTED") == 0) return COPP_E_UNEXPECTED;
    if (e && strcmp(e, "E_INVALIDARG") == 0) return COPP_E_INVALIDARG;
    return 1; /* never an HRESULT a call returns: the test fails visibly */
}

/* ---- the shared test key (case rsa_key of copp_vectors.txt) -------------- */

typedef struct test_key {
    uint8_t n[256], e[4], d[256], p[128], q[128], dp[128], dq[128], qinv[128];
    size_t n_len, e_len, d_len, p_len, q_len, dp_len, dq_len, qinv_len;
    copp_rsa_private_key priv;
    int loaded;
} test_key;

static test_key g_key;
static vec_file g_vectors;

/* Odd-length hex (e = 10001) gets a leading zero nibble. */
static size_t hex_decode_int(const char *hex, uint8_t *out, size_t cap)
{
    char buf[1024];
    if (strlen(hex) % 2) {
        snprintf(buf, sizeof buf, "0%s", hex);
        return hex_decode(buf, out, cap);
    }
    return hex_decode(hex, out, cap);
}

static const test_key *key_get(void)
{
    const vec_case *c;
    if (g_key.loaded) return &g_key;
    if (g_vectors.text == NULL && vec_load(&g_vectors, COPP_VECTORS_DIR "/copp_vectors.txt") != 0) {
        fprintf(stderr, "cannot read %s/copp_vectors.txt\n", COPP_VECTORS_DIR);
        abort();
    }
    c = vec_find(&g_vectors, "rsa_key");
    if (!c) abort();
    g_key.n_len = hex_decode_int(vec_get(c, "n"), g_key.n, sizeof g_key.n);
    g_key.e_len = hex_decode_int(vec_get(c, "e"), g_key.e, sizeof g_key.e);
    g_key.d_len = hex_decode_int(vec_get(c, "d"), g_key.d, sizeof g_key.d);
    g_key.p_len = hex_decode_int(vec_get(c, "p"), g_key.p, sizeof g_key.p);
    g_key.q_len = hex_decode_int(vec_get(c, "q"), g_key.q, sizeof g_key.q);
    g_key.dp_len = hex_decode_int(vec_get(c, "dp"), g_key.dp, sizeof g_key.dp);
    g_key.dq_len = hex_decode_int(vec_get(c, "dq"), g_key.dq, sizeof g_key.dq);
    g_key.qinv_len = hex_decode_int(vec_get(c, "qinv"), g_key.qinv, sizeof g_key.qinv);
    if (g_key.n_len != 256 || g_key.e_len != 3) abort();
    g_key.priv.n.p = g_key.n;       g_key.priv.n.len = g_key.n_len;
    g_key.priv.e.p = g_key.e;       g_key.priv.e.len = g_key.e_len;
    g_key.priv.d.p = g_key.d;       g_key.priv.d.len = g_key.d_len;
    g_key.priv.p.p = g_key.p;       g_key.priv.p.len = g_key.p_len;
    g_key.priv.q.p = g_key.q;       g_key.priv.q.len = g_key.q_len;
    g_key.priv.dp.p = g_key.dp;     g_key.priv.dp.len = g_key.dp_len;
    g_key.priv.dq.p = g_key.dq;     g_key.priv.dq.len = g_key.dq_len;
    g_key.priv.qinv.p = g_key.qinv; g_key.priv.qinv.len = g_key.qinv_len;
    g_key.loaded = 1;
    return &g_key;
}

#endif /* COPP_TEST_CORE */

/* ---- a world: one connector, mock hardware, a backend, sessions ----------- */

#define W_SESSIONS 4

typedef struct app_side {
    uint8_t rgh[16], kdi[16];
    copp_mac_ctx mac;         /* the application's own keyed CMAC */
    uint32_t status_seq, cmd_seq;
} app_side;

/* world_new's `real`: the crypto behind the connector. */
#define W_MOCK 0     /* mock_crypto.c */
#ifdef COPP_TEST_CORE
#define W_REAL W_MOCK  /* no crypto library in the core configuration */
#else
#define W_REAL 1     /* the backend under test: libtom, or OpenSSL with COPP_TEST_OPENSSL */
#endif
#define W_LIBTOM 2   /* libtom always (its own modes and key checks) */

typedef struct world {
    mock_hw hw;
    mock_crypto mc;
#ifndef COPP_TEST_CORE
    copp_libtom ltc;
    copp_openssl ossl;
#endif
    int real;                 /* W_* */
    const copp_crypto *crypto;
    void *crypto_user;
    uint8_t cert[48];
    copp_connector conn;
    copp_session s[W_SESSIONS];
    app_side app[W_SESSIONS];
} world;

static const char w_cert[] = "<CertificateCollection Version=\"2.0\"/>";

/* ops NULL: the full mock table; types: the connector's protection types. */
static world *world_new_ex(int real, const copp_hw_ops *ops, uint32_t types)
{
    world *w = (world *)calloc(1, sizeof *w);
    copp_connector_desc d;
    assert_non_null(w);
    mock_hw_default(&w->hw);
    w->hw.types = types;
    mock_crypto_default(&w->mc);
    w->real = real;
#ifndef COPP_TEST_CORE
#ifdef COPP_TEST_OPENSSL
    if (real == W_REAL) {
        assert_int_equal(copp_openssl_init(&w->ossl, &key_get()->priv, NULL, NULL, 0), COPP_S_OK);
        w->crypto = copp_openssl_crypto();
        w->crypto_user = &w->ossl;
    } else
#endif
    if (real) {
        assert_int_equal(copp_libtom_init(&w->ltc, &key_get()->priv, NULL, NULL, 0), COPP_S_OK);
        w->crypto = copp_libtom_crypto();
        w->crypto_user = &w->ltc;
        w->real = W_LIBTOM;
    } else
#endif
    {
        w->crypto = &mock_crypto_table;
        w->crypto_user = &w->mc;
    }
    memcpy(w->cert, w_cert, sizeof w_cert);
    memset(&d, 0, sizeof d);
    d.hw = ops ? ops : &mock_hw_ops;
    d.hw_user = &w->hw;
    d.crypto = w->crypto;
    d.crypto_user = w->crypto_user;
    d.certificate = w->cert;
    d.certificate_len = (uint32_t)strlen(w_cert);
    assert_int_equal(copp_connector_init(&w->conn, &d), COPP_S_OK);
    return w;
}

static world *world_new(int real, const copp_hw_ops *ops)
{
    return world_new_ex(real, ops, COPP_PROTECTION_TYPE_HDCP | COPP_PROTECTION_TYPE_ACP | COPP_PROTECTION_TYPE_CGMSA);
}

static void world_free(world *w)
{
    int i;
    for (i = 0; i < W_SESSIONS; i++) {
        if (copp_session_state(&w->s[i]) != COPP_STATE_CLOSED) copp_close(&w->s[i]);
        if (w->crypto->mac_release) w->crypto->mac_release(w->crypto_user, &w->app[i].mac);
    }
#ifndef COPP_TEST_CORE
    if (w->real == W_LIBTOM) copp_libtom_free(&w->ltc);
    else if (w->real == W_REAL) copp_openssl_free(&w->ossl);
#endif
    free(w);
}

/* Drive session i from CLOSED to `state` with valid calls. */
static void w_to_state(world *w, int i, uint32_t state, uint32_t encoding)
{
    copp_session *s = &w->s[i];
    app_side *a = &w->app[i];
    uint32_t len = 0;
    uint8_t cert[64], sig[256];
    if (state == COPP_STATE_CLOSED) return;
    assert_int_equal(copp_open(&w->conn, s), COPP_S_OK);
    if (state == COPP_STATE_OPENED) return;
    assert_int_equal(copp_get_certificate_length(s, &len), COPP_S_OK);
    assert_int_equal(len, strlen(w_cert));
    if (state == COPP_STATE_CERT_LENGTH_RETURNED) return;
    assert_int_equal(copp_key_exchange(s, a->rgh, cert, sizeof cert), COPP_S_OK);
    assert_memory_equal(cert, w_cert, len);
    if (state == COPP_STATE_KEY_EXCHANGED) return;
    memset(a->kdi, 0xA0 + i, 16);
    a->kdi[0] = (uint8_t)i;
    if (a->status_seq == 0 && a->cmd_seq == 0) {
        a->status_seq = 0x10000000u * (uint32_t)(i + 1) + 7;
        a->cmd_seq = 0x80000000u + 0x1000u * (uint32_t)i;
    }
#ifndef COPP_TEST_CORE
    if (w->real) {
        copp_bytes n, e;
        n.p = key_get()->n; n.len = key_get()->n_len;
        e.p = key_get()->e; e.len = key_get()->e_len;
        assert_int_equal(copp_app_sign_start_sequence(sig, a->rgh, a->kdi, a->status_seq, a->cmd_seq,
                                                      encoding, n, e), COPP_S_OK);
    } else
#endif
    {
        (void)encoding;
        memset(sig, 0, sizeof sig);
        memcpy(sig, a->rgh, 16);
        memcpy(sig + 16, a->kdi, 16);
        copp__st32(sig + 32, a->status_seq);
        copp__st32(sig + 36, a->cmd_seq);
    }
    assert_int_equal(copp_sequence_start(s, sig), COPP_S_OK);
    assert_int_equal(w->crypto->mac_init(w->crypto_user, &a->mac, a->kdi), COPP_S_OK);
}

static void w_activate(world *w, int i)
{
    w_to_state(w, i, COPP_STATE_SESSION_ACTIVE, COPP_APP_SIG_RAW_LE);
}

/* MAC cmd with session i's application key and send it; the application's
 * counter advances on success only (the library's rule, spec A4). */
static int32_t w_send(world *w, int i, uint8_t cmd[4096])
{
    int32_t hr;
    assert_int_equal(copp_app_mac_command(cmd, w->crypto, w->crypto_user, &w->app[i].mac), COPP_S_OK);
    hr = copp_command(&w->s[i], cmd);
    if (hr == COPP_S_OK) w->app[i].cmd_seq++;
    return hr;
}

static int32_t w_level(world *w, int i, uint32_t type, uint32_t level)
{
    uint8_t cmd[4096];
    assert_int_equal(copp_app_set_protection_level(cmd, w->app[i].cmd_seq, type, level), COPP_S_OK);
    return w_send(w, i, cmd);
}

static const uint8_t w_rapp[16] = { 0xf0, 0xe1, 0xd2, 0xc3, 0xb4, 0xa5, 0x96, 0x87,
                                    0x78, 0x69, 0x5a, 0x4b, 0x3c, 0x2d, 0x1e, 0x0f };

/* Send a status request; on success the reply's MAC and rApp must verify. */
static int32_t w_query(world *w, int i, const uint8_t guid[16], const uint8_t *data, uint32_t len,
                       uint8_t out[4096])
{
    uint8_t in[4096];
    int32_t hr;
    assert_int_equal(copp_app_status_request(in, w_rapp, guid, w->app[i].status_seq, data, len), COPP_S_OK);
    hr = copp_query_status(&w->s[i], in, out);
    if (hr == COPP_S_OK) {
        assert_int_equal(copp_app_verify_status(out, w_rapp, w->crypto, w->crypto_user, &w->app[i].mac),
                         COPP_S_OK);
        w->app[i].status_seq++;
    }
    return hr;
}

/* Level query (local or global) for one type; returns dwData, fails the test otherwise. */
static uint32_t w_level_query(world *w, int i, const uint8_t guid[16], uint32_t type)
{
    uint8_t data[4], out[4096];
    copp__st32(data, type);
    assert_int_equal(w_query(w, i, guid, data, 4, out), COPP_S_OK);
    assert_int_equal(copp__ld32(out + 16), 32);
    return copp__ld32(out + 40);
}

static const uint8_t g_local[16] = COPP_GUID_DXVA_COPPQueryLocalProtectionLevel;
static const uint8_t g_global[16] = COPP_GUID_DXVA_COPPQueryGlobalProtectionLevel;

/* Snapshots: a failed call must leave session and connector as they were,
 * but for the session's diagnostic last_reason. */
typedef struct snapshot { copp_session s; copp_connector c; mock_hw hw; } snapshot;

static void snap_take(snapshot *sn, const world *w, int i)
{
    memcpy(&sn->s, &w->s[i], sizeof sn->s);
    memcpy(&sn->c, &w->conn, sizeof sn->c);
    memcpy(&sn->hw, &w->hw, sizeof sn->hw);
}

static void snap_check(const snapshot *sn, const world *w, int i)
{
    copp_session now;
    memcpy(&now, &w->s[i], sizeof now);
    now.last_reason = sn->s.last_reason;
    assert_memory_equal(&now, &sn->s, sizeof now);
    assert_memory_equal(&w->conn, &sn->c, sizeof sn->c);
    /* hardware: same levels, no new writes (op call counters may move) */
    assert_memory_equal(w->hw.level, sn->hw.level, sizeof sn->hw.level);
    assert_int_equal(w->hw.nlog, sn->hw.nlog);
    assert_int_equal(w->hw.sig_writes, sn->hw.sig_writes);
}
