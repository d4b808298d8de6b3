/* support.c -- shared fixtures for the cmocka suites: the vector-file reader,
 * the two vector sets and their test keys, and a "world" (one connector,
 * mock hardware, a crypto backend, up to four sessions with their
 * application side). */

/* The project's own known answers (always there), and the independent
 * second set beside the clone (../shared/vectors, run when present). */
#ifndef COPP_VECTORS_DIR
#define COPP_VECTORS_DIR "tests/vectors"
#endif
#ifndef COPP_SHARED_VECTORS_DIR
#define COPP_SHARED_VECTORS_DIR "../shared/vectors"
#endif

#ifndef COPP_TEST_CORE
#include "../tools/copp_io.h"

/* ---- hex and vector files (format: tests/vectors/README.md) -------------- */

/* Decode hex into out; returns the byte count, or (size_t)-1 on bad input. */
static size_t hex_decode(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0, bad = 0;
    return copp_io_hex(hex, strlen(hex), out, cap, &n, &bad) == 0 ? n : (size_t)-1;
}

#define VEC_MAX_FIELDS 16
#define VEC_MAX_CASES 64
typedef struct vec_case {
    char *name;
    char *key[VEC_MAX_FIELDS];
    char *value[VEC_MAX_FIELDS];
    int n;
} vec_case;

typedef struct vec_file {
    char *text;
    vec_case cases[VEC_MAX_CASES];
    int n;
} vec_file;

static char *trim(char *s)
{
    char *e;
    while (*s == ' ' || *s == '\t') s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) *--e = 0;
    return s;
}

/* Parse "name = value" blocks; a block starts at "case = NAME".  Returns 0,
 * -1 if the file cannot be read (err says why), -2 if it is malformed. */
static int vec_load(vec_file *vf, const char *path, char err[COPP_IO_ERR_BYTES])
{
    char *line;
    size_t len;
    memset(vf, 0, sizeof *vf);
    vf->text = (char *)copp_io_read(path, 1u << 20, &len, err);
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
            if (vf->n == VEC_MAX_CASES) return -2;
            vf->cases[vf->n++].name = v;
        } else if (vf->n > 0 && vf->cases[vf->n - 1].n < VEC_MAX_FIELDS) {
            vec_case *c = &vf->cases[vf->n - 1];
            c->key[c->n] = k;
            c->value[c->n++] = v;
        } else {
            return -2;
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

/* ---- the two vector sets and their test keys (case rsa_key) -------------- */

typedef struct test_key {
    uint8_t n[256], e[4], d[256], p[128], q[128], dp[128], dq[128], qinv[128];
    size_t n_len, e_len, d_len, p_len, q_len, dp_len, dq_len, qinv_len;
    copp_rsa_private_key priv;
} test_key;

typedef struct vec_set {
    const char *name;   /* for messages */
    const char *dir;
    int tried, present;
    vec_file vf;
    test_key key;
} vec_set;

static vec_set g_own = { .name = "tests/vectors", .dir = COPP_VECTORS_DIR };
static vec_set g_shared = { .name = "../shared/vectors", .dir = COPP_SHARED_VECTORS_DIR };

/* Odd-length hex (e = 10001) gets a leading zero nibble. */
static size_t hex_decode_int(const char *hex, uint8_t *out, size_t cap)
{
    char buf[1024];
    if (hex == NULL) return (size_t)-1;
    if (strlen(hex) % 2) {
        snprintf(buf, sizeof buf, "0%s", hex);
        return hex_decode(buf, out, cap);
    }
    return hex_decode(hex, out, cap);
}

static void set_key_parse(vec_set *vs)
{
    test_key *k = &vs->key;
    const vec_case *c = vec_find(&vs->vf, "rsa_key");
    if (!c) {
        fprintf(stderr, "%s/copp_vectors.txt has no rsa_key case\n", vs->dir);
        abort();
    }
    k->n_len = hex_decode_int(vec_get(c, "n"), k->n, sizeof k->n);
    k->e_len = hex_decode_int(vec_get(c, "e"), k->e, sizeof k->e);
    k->d_len = hex_decode_int(vec_get(c, "d"), k->d, sizeof k->d);
    k->p_len = hex_decode_int(vec_get(c, "p"), k->p, sizeof k->p);
    k->q_len = hex_decode_int(vec_get(c, "q"), k->q, sizeof k->q);
    k->dp_len = hex_decode_int(vec_get(c, "dp"), k->dp, sizeof k->dp);
    k->dq_len = hex_decode_int(vec_get(c, "dq"), k->dq, sizeof k->dq);
    k->qinv_len = hex_decode_int(vec_get(c, "qinv"), k->qinv, sizeof k->qinv);
    if (k->n_len != 256 || k->e_len != 3 || k->d_len > 256 || k->p_len > 128 || k->q_len > 128 || k->dp_len > 128 ||
        k->dq_len > 128 || k->qinv_len > 128) {
        fprintf(stderr, "%s/copp_vectors.txt: rsa_key is not an RSA-2048 key with e = 65537\n", vs->dir);
        abort();
    }
    k->priv.n.p = k->n;       k->priv.n.len = k->n_len;
    k->priv.e.p = k->e;       k->priv.e.len = k->e_len;
    k->priv.d.p = k->d;       k->priv.d.len = k->d_len;
    k->priv.p.p = k->p;       k->priv.p.len = k->p_len;
    k->priv.q.p = k->q;       k->priv.q.len = k->q_len;
    k->priv.dp.p = k->dp;     k->priv.dp.len = k->dp_len;
    k->priv.dq.p = k->dq;     k->priv.dq.len = k->dq_len;
    k->priv.qinv.p = k->qinv; k->priv.qinv.len = k->qinv_len;
}

/* The set with its key, or NULL when it is not there (the shared set
 * only: the project's own set must be, or the run stops). */
static vec_set *set_get(vec_set *vs)
{
    char path[1024], err[COPP_IO_ERR_BYTES];
    int r;
    if (vs->tried) return vs->present ? vs : NULL;
    vs->tried = 1;
    snprintf(path, sizeof path, "%s/copp_vectors.txt", vs->dir);
    r = vec_load(&vs->vf, path, err);
    if (r == -1 && vs == &g_shared) return NULL;
    if (r != 0) {
        fprintf(stderr, "%s\n", r == -1 ? err : "malformed vector file");
        abort();
    }
    set_key_parse(vs);
    vs->present = 1;
    return vs;
}

/* The shared set, or a cmocka skip that says so. */
#define SHARED_OR_SKIP(vs)                                                                                  \
    do {                                                                                                    \
        (vs) = set_get(&g_shared);                                                                          \
        if ((vs) == NULL) {                                                                                 \
            printf("[ SKIPPED  ] second opinion: no independent vector set at %s (present in CI); "         \
                   "tests/vectors ran\n", COPP_SHARED_VECTORS_DIR);                                         \
            skip();                                                                                         \
        }                                                                                                   \
    } while (0)

/* A file of a set ("keys/rsa1024.pem"), read whole; free it. */
static uint8_t *set_file(const vec_set *vs, const char *name, size_t *len)
{
    char path[1024], err[COPP_IO_ERR_BYTES];
    uint8_t *data;
    snprintf(path, sizeof path, "%s/%s", vs->dir, name);
    data = copp_io_read(path, 1u << 20, len, err);
    if (data == NULL) fprintf(stderr, "%s\n", err);
    assert_non_null(data);
    return data;
}

/* The project's own test key: everything but the second-opinion runs uses it. */
static const test_key *key_get(void)
{
    return &set_get(&g_own)->key;
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
#define W_REAL 1     /* the backend under test: libtom, OpenSSL (COPP_TEST_OPENSSL) or BearSSL (COPP_TEST_BEARSSL) */
#endif
#define W_LIBTOM 2   /* libtom always (its own modes and key checks) */

typedef struct world {
    mock_hw hw;
    mock_crypto mc;
#ifndef COPP_TEST_CORE
    copp_libtom ltc;
    copp_openssl ossl;
    copp_bearssl br;
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

#ifndef COPP_TEST_CORE
/* The RNG hook given to the BearSSL backend (which has no default): the OS
 * generator through libtomcrypt. */
static int test_rng(void *u, uint8_t *buf, size_t len)
{
    (void)u;
    return copp_libtom_randombytes(NULL, buf, len);
}
#endif

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
#ifdef COPP_TEST_BEARSSL
    if (real == W_REAL) {
        assert_int_equal(copp_bearssl_init(&w->br, &key_get()->priv, test_rng, NULL, 0), COPP_S_OK);
        w->crypto = copp_bearssl_crypto();
        w->crypto_user = &w->br;
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

/* The connector's record of session i (sequence counters, latched events,
 * levels): the test fails when the connector does not list it. */
static copp__slot *w_rec(world *w, int i)
{
    copp__slot *r = copp__record(&w->s[i]);
    assert_non_null(r);
    return r;
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
    else if (w->real == W_REAL) {
        copp_openssl_free(&w->ossl);
        copp_bearssl_free(&w->br);
    }
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
