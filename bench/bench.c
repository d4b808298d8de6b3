/* bench.c -- the hot paths of copp.h against their floors, in one run.
 *
 * Every case is timed in the same run as its floor, alternating the two,
 * median of several repetitions after a warm-up:
 *   command        copp_command (SetProtectionLevel, valid MAC, hardware
 *                  callback) vs the backend's bare CMAC of the same 4080 bytes;
 *   status/<kind>  copp_query_status vs the bare CMAC + 4 KB zero fill;
 *   seqstart       copp_sequence_start vs the backend's bare RSA private op;
 *   churn          open + certificate length + key exchange + close vs the RNG
 *                  call + certificate copy they contain;
 *   command@64     the command path with 64 sessions on the connector vs 1;
 *   command/aesni  (OpenSSL backend) the command path vs a plain AES-NI
 *                  CBC-MAC loop over 4080 bytes: the physical floor.
 * Backends: mock (protocol logic alone), libtom (default), openssl (fast).
 *
 * To replay the same valid command (or status request) the bench rewinds the
 * session's private sequence counter between iterations; nothing else is
 * touched.  The AES-NI loop below is a measuring stick only, not used by the
 * library (which takes AES from libtomcrypt or OpenSSL).
 *
 *   usage: copp_bench [quick] [csv-path]     quick: tiny counts (make test) */
#define _POSIX_C_SOURCE 199309L
#define COPP_IMPLEMENTATION
#define COPP_WITH_LIBTOM
#define COPP_WITH_OPENSSL
#define COPP_WITH_APP
#ifndef COPP_MAX_SESSIONS
#define COPP_MAX_SESSIONS 64
#endif
#include "../copp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__x86_64__) && defined(__AES__)
#include <immintrin.h>
#define BENCH_AESNI 1
#endif

#include "../tests/mock_hw.c"
#include "../tests/mock_crypto.c"
#include "bench_key.h"

static int g_quick;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void die(const char *what, int32_t hr)
{
    fprintf(stderr, "bench: %s failed: 0x%08x (%s)\n", what, (unsigned)hr, copp_result_str(hr));
    exit(1);
}

/* ---- the physical floor: AES-NI CBC-MAC (measuring stick only) ----------- */
#ifdef BENCH_AESNI
static __m128i aesni_step(__m128i k, __m128i g)
{
    g = _mm_shuffle_epi32(g, 0xff);
    k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
    k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
    k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
    return _mm_xor_si128(k, g);
}
#define AESNI_EXP(k, r) aesni_step((k), _mm_aeskeygenassist_si128((k), (r)))
typedef struct aesni_ctx { __m128i rk[11]; } aesni_ctx;
static void aesni_key(aesni_ctx *c, const uint8_t key[16])
{
    c->rk[0] = _mm_loadu_si128((const __m128i *)(const void *)key);
    c->rk[1] = AESNI_EXP(c->rk[0], 0x01); c->rk[2] = AESNI_EXP(c->rk[1], 0x02);
    c->rk[3] = AESNI_EXP(c->rk[2], 0x04); c->rk[4] = AESNI_EXP(c->rk[3], 0x08);
    c->rk[5] = AESNI_EXP(c->rk[4], 0x10); c->rk[6] = AESNI_EXP(c->rk[5], 0x20);
    c->rk[7] = AESNI_EXP(c->rk[6], 0x40); c->rk[8] = AESNI_EXP(c->rk[7], 0x80);
    c->rk[9] = AESNI_EXP(c->rk[8], 0x1b); c->rk[10] = AESNI_EXP(c->rk[9], 0x36);
}
static void aesni_cbcmac(const aesni_ctx *c, const uint8_t *msg, size_t blocks, uint8_t out[16])
{
    __m128i x = _mm_setzero_si128();
    size_t b;
    int r;
    for (b = 0; b < blocks; b++) {
        x = _mm_xor_si128(x, _mm_loadu_si128((const __m128i *)(const void *)(msg + 16 * b)));
        x = _mm_xor_si128(x, c->rk[0]);
        for (r = 1; r < 10; r++) x = _mm_aesenc_si128(x, c->rk[r]);
        x = _mm_aesenclast_si128(x, c->rk[10]);
    }
    _mm_storeu_si128((__m128i *)(void *)out, x);
}
#endif

/* ---- timing -------------------------------------------------------------- */

typedef void (*op_fn)(void *ctx);

static uint64_t time_op(op_fn f, void *ctx, long iters)
{
    long i;
    uint64_t t0 = now_ns();
    for (i = 0; i < iters; i++) f(ctx);
    return now_ns() - t0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Median ns/op of a and of b, alternating a and b rep by rep. */
static void pair(op_fn a, void *actx, op_fn b, void *bctx, long iters, double *a_ns, double *b_ns)
{
    enum { MAXREP = 31 };
    uint64_t ta[MAXREP], tb[MAXREP];
    int reps = g_quick ? 1 : 9, r;
    if (g_quick) iters = 2;
    time_op(a, actx, iters / 4 + 1);   /* warm-up */
    time_op(b, bctx, iters / 4 + 1);
    for (r = 0; r < reps; r++) {
        ta[r] = time_op(a, actx, iters);
        tb[r] = time_op(b, bctx, iters);
    }
    qsort(ta, (size_t)reps, sizeof ta[0], cmp_u64);
    qsort(tb, (size_t)reps, sizeof tb[0], cmp_u64);
    *a_ns = (double)ta[reps / 2] / (double)iters;
    *b_ns = (double)tb[reps / 2] / (double)iters;
}

/* ---- results ------------------------------------------------------------- */

typedef struct row {
    char backend[16], name[40], floor_name[40];
    double ns, floor_ns, target;   /* target: the ratio the issue asks for, 0 = none */
} row;
static row g_rows[64];
static int g_nrows;

static void add_row(const char *backend, const char *name, double ns, const char *floor_name, double floor_ns,
                    double target)
{
    row *r = &g_rows[g_nrows++];
    snprintf(r->backend, sizeof r->backend, "%s", backend);
    snprintf(r->name, sizeof r->name, "%s", name);
    snprintf(r->floor_name, sizeof r->floor_name, "%s", floor_name);
    r->ns = ns;
    r->floor_ns = floor_ns;
    r->target = target;
}

/* ---- a bench world: one connector, mock hardware, one backend ------------- */

static const uint8_t b_rgh[16] = { 0x52, 0x47, 0x48, 0x2d, 0x62, 0x65, 0x6e, 0x63,
                                   0x68, 0x2d, 0x66, 0x69, 0x78, 0x65, 0x64, 0x21 };
static const uint8_t b_kdi[16] = { 0x6b, 0x44, 0x49, 0x2d, 0x62, 0x65, 0x6e, 0x63,
                                   0x68, 0x2d, 0x6b, 0x65, 0x79, 0x21, 0x21, 0x21 };
static const char b_cert[] = "<CertificateCollection Version=\"2.0\">bench</CertificateCollection>";

typedef struct bworld {
    const char *name;
    mock_hw hw;
    mock_crypto mc;
    copp_libtom ltc;
    copp_openssl ossl;
    const copp_crypto *backend;   /* the backend's own table */
    void *user;
    copp_crypto table;            /* the same with a fixed rGH, so one signature stays valid */
    copp_connector conn;
    copp_session s[64];
    copp_mac_ctx app_mac;
    uint8_t sig[256];
} bworld;

static bworld *g_bw;   /* fixed_rng's view of the backend */

static int fixed_rng(void *user, uint8_t *buf, size_t len)
{
    if (len == 16) {
        memcpy(buf, b_rgh, 16);
        return 0;
    }
    return g_bw->backend->randombytes(user, buf, len);
}

static void bw_init(bworld *w, const char *name, const copp_rsa_private_key *key)
{
    copp_connector_desc d;
    int32_t hr;
    memset(w, 0, sizeof *w);
    w->name = name;
    mock_hw_default(&w->hw);
    mock_crypto_default(&w->mc);
    if (strcmp(name, "libtom") == 0) {
        if ((hr = copp_libtom_init(&w->ltc, key, NULL, NULL, 0)) != COPP_S_OK) die("copp_libtom_init", hr);
        w->backend = copp_libtom_crypto();
        w->user = &w->ltc;
    } else if (strcmp(name, "openssl") == 0) {
        if ((hr = copp_openssl_init(&w->ossl, key, NULL, NULL, 0)) != COPP_S_OK) die("copp_openssl_init", hr);
        w->backend = copp_openssl_crypto();
        w->user = &w->ossl;
    } else {
        w->backend = &mock_crypto_table;
        w->user = &w->mc;
    }
    g_bw = w;
    w->table = *w->backend;
    w->table.randombytes = fixed_rng;
    memset(&d, 0, sizeof d);
    d.hw = &mock_hw_ops;
    d.hw_user = &w->hw;
    d.crypto = &w->table;
    d.crypto_user = w->user;
    d.certificate = (const uint8_t *)b_cert;
    d.certificate_len = (uint32_t)strlen(b_cert);
    if ((hr = copp_connector_init(&w->conn, &d)) != COPP_S_OK) die("copp_connector_init", hr);
    /* the start sequence every session of this world will use */
    if (w->backend == &mock_crypto_table) {
        memset(w->sig, 0, sizeof w->sig);
        memcpy(w->sig, b_rgh, 16);
        memcpy(w->sig + 16, b_kdi, 16);
        copp__st32(w->sig + 32, 1000);
        copp__st32(w->sig + 36, 5000);
    } else {
        if ((hr = copp_app_sign_start_sequence(w->sig, b_rgh, b_kdi, 1000, 5000, COPP_APP_SIG_RAW_LE, key->n, key->e)) !=
            COPP_S_OK)
            die("copp_app_sign_start_sequence", hr);
    }
    if ((hr = w->backend->mac_init(w->user, &w->app_mac, b_kdi)) != COPP_S_OK) die("app mac_init", hr);
}

static void bw_free(bworld *w)
{
    int i;
    for (i = 0; i < 64; i++)
        if (copp_session_state(&w->s[i]) != COPP_STATE_CLOSED) copp_close(&w->s[i]);
    if (w->backend->mac_release) w->backend->mac_release(w->user, &w->app_mac);
    if (w->backend == copp_libtom_crypto()) copp_libtom_free(&w->ltc);
    if (w->backend == copp_openssl_crypto()) copp_openssl_free(&w->ossl);
}

static void bw_connect(bworld *w, copp_session *s, int activate)
{
    uint32_t len;
    uint8_t rgh[16], cert[sizeof b_cert];
    int32_t hr;
    if ((hr = copp_open(&w->conn, s)) != COPP_S_OK) die("copp_open", hr);
    if (!activate) return;
    if ((hr = copp_get_certificate_length(s, &len)) != COPP_S_OK) die("cert length", hr);
    if ((hr = copp_key_exchange(s, rgh, cert, sizeof cert)) != COPP_S_OK) die("key exchange", hr);
    if ((hr = copp_sequence_start(s, w->sig)) != COPP_S_OK) die("sequence start", hr);
}

/* ---- command path ---------------------------------------------------------- */

typedef struct cmd_ctx {
    bworld *w;
    copp_session *s;
    uint8_t a[4096], b[4096];   /* ACP 1 then ACP 2: the applied level changes every time */
    copp__slot *rec;   /* the connector's record of s: its counters */
    uint32_t seq0;
    uint8_t tag[16];
} cmd_ctx;

static void op_command(void *p)
{
    cmd_ctx *c = (cmd_ctx *)p;
    int32_t r1 = copp_command(c->s, c->a), r2 = copp_command(c->s, c->b);
    if ((r1 | r2) != COPP_S_OK) die("copp_command", r1 != COPP_S_OK ? r1 : r2);
    c->rec->command_seq = c->seq0;   /* rewind, so the same two commands stay valid */
}

static void op_bare_cmac2(void *p)
{
    cmd_ctx *c = (cmd_ctx *)p;
    c->w->backend->mac(c->w->user, &c->s->mac, c->a + 16, 4080, 0, c->tag);
    c->w->backend->mac(c->w->user, &c->s->mac, c->b + 16, 4080, 0, c->tag);
}

#ifdef BENCH_AESNI
static aesni_ctx g_aesni;
static void op_aesni_cbcmac2(void *p)
{
    cmd_ctx *c = (cmd_ctx *)p;
    aesni_cbcmac(&g_aesni, c->a + 16, 255, c->tag);
    aesni_cbcmac(&g_aesni, c->b + 16, 255, c->tag);
}
#endif

static void cmd_setup(cmd_ctx *c, bworld *w, copp_session *s)
{
    c->w = w;
    c->s = s;
    c->rec = copp__record(s);
    c->seq0 = c->rec->command_seq;
    copp_app_set_protection_level(c->a, c->seq0, COPP_PROTECTION_TYPE_ACP, 1);
    copp_app_set_protection_level(c->b, c->seq0 + 1, COPP_PROTECTION_TYPE_ACP, 2);
    copp_app_mac_command(c->a, w->backend, w->user, &w->app_mac);
    copp_app_mac_command(c->b, w->backend, w->user, &w->app_mac);
}

static void bench_command(bworld *w, long iters)
{
    static cmd_ctx c1, c64;
    double ns, floor_ns, ns64, ns1;
    char label[40];
    int i;
    bw_connect(w, &w->s[0], 1);
    cmd_setup(&c1, w, &w->s[0]);
    pair(op_command, &c1, op_bare_cmac2, &c1, iters, &ns, &floor_ns);
    add_row(w->name, "command", ns / 2, "bare CMAC 4080 B", floor_ns / 2, 1.03);
#ifdef BENCH_AESNI
    if (w->backend == copp_openssl_crypto() && __builtin_cpu_supports("aes")) {
        pair(op_command, &c1, op_aesni_cbcmac2, &c1, iters, &ns, &floor_ns);
        add_row(w->name, "command vs AES-NI", ns / 2, "AES-NI CBC-MAC loop", floor_ns / 2, 1.25);
    }
#endif
    /* 64 sessions on the connector: the same session's command path */
    for (i = 1; i < 64; i++) bw_connect(w, &w->s[i], 0);
    cmd_setup(&c64, w, &w->s[0]);
    pair(op_command, &c64, op_command, &c1, iters, &ns64, &ns1);
    snprintf(label, sizeof label, "command, 64 sessions");
    add_row(w->name, label, ns64 / 2, "command, 1 session", ns1 / 2, 1.05);
    for (i = 1; i < 64; i++) copp_close(&w->s[i]);
    copp_close(&w->s[0]);
}

/* ---- status path ----------------------------------------------------------- */

typedef struct st_ctx {
    bworld *w;
    copp_session *s;
    uint8_t in[4096], out[4096];
    copp__slot *rec;   /* the connector's record of s: its counters */
    uint32_t seq0;
    uint8_t tag[16];
} st_ctx;

static void op_status(void *p)
{
    st_ctx *c = (st_ctx *)p;
    int32_t hr = copp_query_status(c->s, c->in, c->out);
    if (hr != COPP_S_OK) die("copp_query_status", hr);
    c->rec->status_seq = c->seq0;
}

static void op_fill_and_cmac(void *p)
{
    st_ctx *c = (st_ctx *)p;
    memset(c->out, 0, sizeof c->out);
    c->w->backend->mac(c->w->user, &c->s->mac, c->out + 16, 4080, 0, c->tag);
}

static void bench_status(bworld *w, long iters)
{
    static const struct { const char *name; uint8_t guid[16]; int with_type; } kinds[] = {
        { "status/ConnectorType", COPP_GUID_DXVA_COPPQueryConnectorType, 0 },
        { "status/ProtectionType", COPP_GUID_DXVA_COPPQueryProtectionType, 0 },
        { "status/LocalLevel", COPP_GUID_DXVA_COPPQueryLocalProtectionLevel, 1 },
        { "status/GlobalLevel", COPP_GUID_DXVA_COPPQueryGlobalProtectionLevel, 1 },
        { "status/DisplayData", COPP_GUID_DXVA_COPPQueryDisplayData, 0 },
        { "status/HDCPKeyData", COPP_GUID_DXVA_COPPQueryHDCPKeyData, 0 },
        { "status/BusData", COPP_GUID_DXVA_COPPQueryBusData, 0 },
        { "status/Signaling", COPP_GUID_DXVA_COPPQuerySignaling, 0 },
    };
    static st_ctx c;
    static const uint8_t rapp[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
    uint8_t data[4];
    size_t k;
    bw_connect(w, &w->s[0], 1);
    c.w = w;
    c.s = &w->s[0];
    c.rec = copp__record(&w->s[0]);
    c.seq0 = c.rec->status_seq;
    copp__st32(data, COPP_PROTECTION_TYPE_ACP);
    for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        double ns, floor_ns;
        copp_app_status_request(c.in, rapp, kinds[k].guid, c.seq0, data, kinds[k].with_type ? 4u : 0u);
        pair(op_status, &c, op_fill_and_cmac, &c, iters, &ns, &floor_ns);
        add_row(w->name, kinds[k].name, ns, "bare CMAC + 4 KB zero fill", floor_ns, 1.05);
    }
    copp_close(&w->s[0]);
}

/* ---- sequence start and churn (per-call timing around the measured call) -- */

/* Per-call timing around the measured call, median over every call: the
 * setup (open, key exchange) and teardown stay outside, and the occasional
 * slow call (OpenSSL refreshes its RSA blinding factor every 32 operations)
 * does not bias one side of the pair. */
static void bench_seqstart(bworld *w, long iters)
{
    enum { MAXN = 512 };
    static uint64_t ta[MAXN], tb[MAXN];
    long i, n = g_quick ? 2 : iters;
    uint8_t plain[256];
    size_t plen;
    if (n > MAXN) n = MAXN;
    for (i = 0; i < n; i++) {
        uint32_t len;
        uint8_t rgh[16], cert[sizeof b_cert];
        uint64_t t0;
        int32_t hr;
        copp_open(&w->conn, &w->s[0]);
        copp_get_certificate_length(&w->s[0], &len);
        copp_key_exchange(&w->s[0], rgh, cert, sizeof cert);
        t0 = now_ns();
        hr = copp_sequence_start(&w->s[0], w->sig);
        ta[i] = now_ns() - t0;
        if (hr != COPP_S_OK) die("copp_sequence_start", hr);
        copp_close(&w->s[0]);
        t0 = now_ns();
        hr = w->backend->rsa_decrypt(w->user, w->sig, plain, &plen);
        tb[i] = now_ns() - t0;
        if (hr != COPP_S_OK) die("rsa_decrypt", hr);
    }
    qsort(ta, (size_t)n, sizeof ta[0], cmp_u64);
    qsort(tb, (size_t)n, sizeof tb[0], cmp_u64);
    /* the target is about real RSA; the mock's "RSA" is a 256-byte copy */
    add_row(w->name, "seqstart", (double)ta[n / 2], "bare RSA private op", (double)tb[n / 2],
            w->backend == &mock_crypto_table ? 0 : 1.05);
}

typedef struct churn_ctx { bworld *w; uint8_t rgh[16], cert[sizeof b_cert]; } churn_ctx;

static void op_churn(void *p)
{
    churn_ctx *c = (churn_ctx *)p;
    uint32_t len;
    int32_t hr;
    copp_open(&c->w->conn, &c->w->s[0]);
    copp_get_certificate_length(&c->w->s[0], &len);
    hr = copp_key_exchange(&c->w->s[0], c->rgh, c->cert, sizeof c->cert);
    copp_close(&c->w->s[0]);
    if (hr != COPP_S_OK) die("churn", hr);
}

/* What open + key exchange + close cannot avoid: zero the session, draw
 * rGH, copy the certificate, wipe the session. */
static copp_session g_scratch_session;
static void op_churn_floor(void *p)
{
    churn_ctx *c = (churn_ctx *)p;
    memset(&g_scratch_session, 0, sizeof g_scratch_session);
    fixed_rng(c->w->user, c->rgh, 16);
    memcpy(c->cert, b_cert, sizeof b_cert - 1);
    copp__wipe(&g_scratch_session, sizeof g_scratch_session);
}

static void bench_churn(bworld *w, long iters)
{
    static churn_ctx c;
    double ns, floor_ns;
    c.w = w;
    pair(op_churn, &c, op_churn_floor, &c, iters, &ns, &floor_ns);
    add_row(w->name, "open+keyx+close", ns, "zero+wipe session, RNG, cert copy", floor_ns, 0);
}

/* ---- main ------------------------------------------------------------------ */

int main(int argc, char **argv)
{
    static bworld w;
    static uint8_t store[8][260];
    static const char *backends[] = { "mock", "libtom", "openssl" };
    copp_rsa_private_key key;
    const char *csv_path = "build/bench.csv";
    char vec[512];
    FILE *csv;
    size_t b;
    int i, a;
    for (a = 1; a < argc; a++) {
        if (strcmp(argv[a], "quick") == 0) g_quick = 1;
        else csv_path = argv[a];
    }
    snprintf(vec, sizeof vec, "%s/copp_vectors.txt", getenv("COPP_VECTORS") ? getenv("COPP_VECTORS") : "../shared/vectors");
    memset(&key, 0, sizeof key);
    if (load_key(vec, &key, store) != 0) {
        fprintf(stderr, "bench: cannot read the test key from %s (set COPP_VECTORS)\n", vec);
        return 1;
    }
#ifdef BENCH_AESNI
    aesni_key(&g_aesni, b_kdi);
#endif
    for (b = 0; b < sizeof backends / sizeof backends[0]; b++) {
        int real = strcmp(backends[b], "mock") != 0;
        bw_init(&w, backends[b], &key);
        bench_command(&w, real ? 1000 : 1000);
        bench_status(&w, real ? 1000 : 1000);
        bench_seqstart(&w, real ? 200 : 512);
        bench_churn(&w, 20000);
        bw_free(&w);
    }
    printf("%-8s %-24s %12s %12s  %-34s %12s %9s %7s %9s\n", "backend", "case", "ns/op", "ops/s", "floor", "floor ns",
           "extra ns", "ratio", "target");
    for (i = 0; i < g_nrows; i++) {
        row *r = &g_rows[i];
        double ratio = r->ns / r->floor_ns;
        char tgt[16] = "-";
        if (r->target > 0) snprintf(tgt, sizeof tgt, "%s%.2f", ratio <= r->target ? "<=" : "MISS>", r->target);
        printf("%-8s %-24s %12.1f %12.0f  %-34s %12.1f %9.1f %7.3f %9s\n", r->backend, r->name, r->ns, 1e9 / r->ns,
               r->floor_name, r->floor_ns, r->ns - r->floor_ns, ratio, tgt);
    }
    csv = fopen(csv_path, "w");
    if (csv) {
        fprintf(csv, "backend,case,ns_per_op,ops_per_s,floor,floor_ns,extra_ns,ratio,target\n");
        for (i = 0; i < g_nrows; i++) {
            row *r = &g_rows[i];
            fprintf(csv, "%s,%s,%.1f,%.0f,%s,%.1f,%.1f,%.4f,%.2f\n", r->backend, r->name, r->ns, 1e9 / r->ns,
                    r->floor_name, r->floor_ns, r->ns - r->floor_ns, r->ns / r->floor_ns, r->target);
        }
        fclose(csv);
        printf("csv: %s\n", csv_path);
    }
    /* the same, one row per case and one column per backend, for gnuplot */
    {
        char dat_path[600];
        FILE *dat;
        int j, k;
        snprintf(dat_path, sizeof dat_path, "%.*s.dat", (int)(strlen(csv_path) > 4 ? strlen(csv_path) - 4 : strlen(csv_path)),
                 csv_path);
        dat = fopen(dat_path, "w");
        if (dat) {
            fprintf(dat, "case mock libtom openssl\n");
            for (i = 0; i < g_nrows; i++) {
                int first = 1;
                for (j = 0; j < i; j++) first &= strcmp(g_rows[j].name, g_rows[i].name) != 0;
                if (!first) continue;
                fprintf(dat, "\"%s\"", g_rows[i].name);
                for (k = 0; k < 3; k++) {
                    double v = -1;
                    for (j = 0; j < g_nrows; j++)
                        if (strcmp(g_rows[j].name, g_rows[i].name) == 0 && strcmp(g_rows[j].backend, backends[k]) == 0)
                            v = g_rows[j].ns;
                    if (v < 0) fprintf(dat, " NaN");
                    else fprintf(dat, " %.1f", v);
                }
                fprintf(dat, "\n");
            }
            fclose(dat);
        }
    }
    return 0;
}
