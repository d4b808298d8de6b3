/* bench.c -- the hot paths of copp.h against their floors, in one run.
 *
 * Every case is measured in the same run as its floor, alternating the two
 * repetition by repetition after a warm-up; the ratio case / floor is taken
 * per repetition and printed with its spread (min / median / max):
 *   command        copp_command (SetProtectionLevel, valid MAC, hardware
 *                  callback) vs the backend's bare CMAC of the same 4080 bytes;
 *   status/<kind>  copp_query_status vs the bare CMAC + 4 KB zero fill;
 *   seqstart       copp_sequence_start vs the backend's bare RSA private op;
 *   churn          open + certificate length + key exchange + close vs the RNG
 *                  call + certificate copy they contain;
 *   command, 64 sessions   the command path with 64 sessions open on its
 *                  connector vs the same command on a connector with 1;
 *   command vs AES-NI   (OpenSSL and BearSSL backends) the command path vs a
 *                  plain AES-NI CBC-MAC loop over 4080 bytes: the physical
 *                  floor (n/a on a CPU without AES-NI: CPUID is asked first);
 *   seqstart vs br_rsa_private  (BearSSL) copp_sequence_start vs BearSSL's
 *                  bare private operation (br_rsa_i62_private / _i31_private)
 *                  on the same ciphertext.
 * Backends: mock (protocol logic alone), libtom (default), openssl (fast),
 * bearssl (allocation-free: x86ni AES where the CPU has AES-NI, i62 RSA) and
 * br-ct64-i31 (the same backend on its portable engines: ct64 AES, i31 RSA;
 * the command, AES-NI and RSA cases only).
 * The cases are one table, g_cases[] below: a new case is one entry there.
 *
 * Two units: `time` (ns per operation, CLOCK_MONOTONIC; the default) and
 * `icount` (instructions per operation under valgrind --tool=callgrind,
 * collection toggled by client requests around the measured calls only, the
 * backends on a deterministic RNG: the same counts on every run).
 *
 * To replay the same valid command (or status request) the bench rewinds the
 * session's private sequence counter between iterations; nothing else is
 * touched.  The AES-NI loop below is a measuring stick only, not used by the
 * library (which takes AES from libtomcrypt or OpenSSL).
 *
 *   usage: copp_bench [quick] [icount] [csv-path]
 *          copp_bench selftest
 *     quick     tiny counts (make test: keeps it building and running)
 *     icount    instruction counts; run under callgrind with
 *               --collect-atstart=no --callgrind-out-file=BASE and
 *               COPP_BENCH_CG_OUT=BASE (make bench-icount does)
 *     selftest  checks the verdict rule and the CSV quoting, exits */
#define _POSIX_C_SOURCE 199309L
#define COPP_IMPLEMENTATION
#define COPP_WITH_LIBTOM
#define COPP_WITH_OPENSSL
#define COPP_WITH_BEARSSL
#define COPP_WITH_APP
#ifdef BENCH_RECORDER   /* copp_bench_rec: the recorder's row alone (the other rows stay without it) */
#define COPP_WITH_RECORDER
#endif
#ifndef COPP_MAX_SESSIONS
#define COPP_MAX_SESSIONS 64
#endif
#include "../copp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <valgrind/callgrind.h>
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define BENCH_AESNI 1
#define BENCH_AES_TARGET __attribute__((target("aes,sse2")))
#endif

#include "../tests/mock_hw.c"
#include "../tests/mock_crypto.c"
#include "bench_key.h"

enum { MODE_TIME, MODE_ICOUNT };
static int g_quick, g_mode = MODE_TIME;

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
/* Only these functions use AES instructions (the file is not built with
 * -maes), and they run only when CPUID says the CPU has AES-NI. */
static int aesni_present(void)
{
    if (getenv("COPP_BENCH_NO_AESNI")) return 0;   /* lets a test take the n/a path on any CPU */
    __builtin_cpu_init();
    return __builtin_cpu_supports("aes");
}
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
BENCH_AES_TARGET static void aesni_key(aesni_ctx *c, const uint8_t key[16])
{
    c->rk[0] = _mm_loadu_si128((const __m128i *)(const void *)key);
    c->rk[1] = AESNI_EXP(c->rk[0], 0x01); c->rk[2] = AESNI_EXP(c->rk[1], 0x02);
    c->rk[3] = AESNI_EXP(c->rk[2], 0x04); c->rk[4] = AESNI_EXP(c->rk[3], 0x08);
    c->rk[5] = AESNI_EXP(c->rk[4], 0x10); c->rk[6] = AESNI_EXP(c->rk[5], 0x20);
    c->rk[7] = AESNI_EXP(c->rk[6], 0x40); c->rk[8] = AESNI_EXP(c->rk[7], 0x80);
    c->rk[9] = AESNI_EXP(c->rk[8], 0x1b); c->rk[10] = AESNI_EXP(c->rk[9], 0x36);
}
BENCH_AES_TARGET static void aesni_cbcmac(const aesni_ctx *c, const uint8_t *msg, size_t blocks, uint8_t out[16])
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
#else
static int aesni_present(void) { return 0; }
#endif

/* ---- results ------------------------------------------------------------- */

enum { MAXREP = 31 };

typedef struct row {
    char backend[16], name[40], floor_name[48];
    double per_op, floor_per_op;     /* medians: ns (time) or instructions (icount) per operation */
    double rmin, rmed, rmax;         /* ratio case / floor over the repetitions */
    int reps, floor_na;              /* floor_na: the floor cannot be measured here */
    double goal;                     /* the ratio the issue asks for, 0 = none */
} row;
static row g_rows[96];
static int g_nrows;

/* The verdict for a goal and the spread of the ratio over the repetitions:
 * ok only when every repetition meets the goal, MISS only when none does,
 * NOISY when they straddle it (the run cannot tell). */
static const char *verdict(double goal, double rmin, double rmax, int floor_na)
{
    if (floor_na) return "n/a";
    if (goal <= 0) return "-";
    if (rmax <= goal) return "ok";
    if (rmin > goal) return "MISS";
    return "NOISY";
}

/* One CSV field per RFC 4180: quoted when it holds a comma, a quote or a
 * line break, quotes doubled inside. */
static void csv_field(FILE *f, const char *s, int last)
{
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"') fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputs(last ? "\r\n" : ",", f);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof v[0], cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ---- measuring one side ----------------------------------------------------
 * A side is the measured call op, called iters times: timed as one loop, or,
 * when it has a prep (set-up that must stay outside, e.g. the key exchange
 * before a sequence start), call by call with prep outside the clock; then
 * the median call counts, so the occasional slow call (OpenSSL refreshes its
 * RSA blinding every 32 operations) biases neither side.  Under callgrind the
 * collection is switched on around op only, and the dump's total is read. */

typedef void (*op_fn)(void *ctx);
typedef struct side { op_fn prep, op; void *ctx; } side;

static const char *g_cg_out;   /* callgrind's --callgrind-out-file */
static int g_dumps;

static double icount_read(void)
{
    char path[600], line[256];
    double total = -1;
    FILE *f;
    CALLGRIND_DUMP_STATS_AT("copp_bench");
    snprintf(path, sizeof path, "%s.%d", g_cg_out, ++g_dumps);
    f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "bench: cannot read callgrind's dump %s\n", path);
        exit(1);
    }
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "totals: ", 8) == 0) total = strtod(line + 8, NULL);
    fclose(f);
    remove(path);
    if (total < 0) {
        fprintf(stderr, "bench: no totals line in %s\n", path);
        exit(1);
    }
    return total;
}

static double measure(const side *s, long iters)
{
    enum { MAXCALLS = 512 };
    static double calls[MAXCALLS];
    long i;
    if (g_mode == MODE_ICOUNT && !s->prep) {
        CALLGRIND_TOGGLE_COLLECT;
        for (i = 0; i < iters; i++) s->op(s->ctx);
        CALLGRIND_TOGGLE_COLLECT;
        return icount_read() / (double)iters;
    }
    if (g_mode == MODE_ICOUNT) {   /* call by call, the median call (as timed below) */
        if (iters > MAXCALLS) iters = MAXCALLS;
        for (i = 0; i < iters; i++) {
            s->prep(s->ctx);
            CALLGRIND_TOGGLE_COLLECT;
            s->op(s->ctx);
            CALLGRIND_TOGGLE_COLLECT;
            calls[i] = icount_read();
        }
        return median(calls, (int)iters);
    }
    if (!s->prep) {
        uint64_t t0 = now_ns();
        for (i = 0; i < iters; i++) s->op(s->ctx);
        return (double)(now_ns() - t0) / (double)iters;
    }
    if (iters > MAXCALLS) iters = MAXCALLS;
    for (i = 0; i < iters; i++) {
        uint64_t t0;
        s->prep(s->ctx);
        t0 = now_ns();
        s->op(s->ctx);
        calls[i] = (double)(now_ns() - t0);
    }
    return median(calls, (int)iters);
}

/* ---- the case table ------------------------------------------------------- */

typedef struct bworld bworld;
enum { B_MOCK = 1, B_LIBTOM = 2, B_OPENSSL = 4, B_BEARSSL = 8, B_BR_PORT = 16,
       B_REAL = B_LIBTOM | B_OPENSSL | B_BEARSSL, B_ALL = B_MOCK | B_REAL };
typedef struct bcase {
    const char *name, *floor;
    unsigned backends;      /* where it runs (B_*) */
    double goal;            /* ratio goal on real backends, 0 = none */
    double mock_goal;       /* the same on the mock backend */
    long iters, mock_iters; /* calls of op per repetition */
    int per;                /* operations per call of op (the ns and counts are per operation) */
    int arg;                /* for the case's setup (e.g. which status request) */
    /* Fills the case's two sides; returns 0, or 1 when the floor cannot be
     * measured on this machine (the row says n/a). */
    int (*setup)(bworld *w, const struct bcase *c, side *a, side *b);
    void (*done)(bworld *w);
} bcase;

static void run_case(bworld *w, const char *backend, unsigned bit, const bcase *c)
{
    side a, b;
    double ta[MAXREP], tb[MAXREP], ratio[MAXREP];
    long iters = bit == B_MOCK ? c->mock_iters : c->iters;
    int reps = g_mode == MODE_ICOUNT ? 1 : g_quick ? 3 : 9, r, na;
    row *out = &g_rows[g_nrows++];
    memset(out, 0, sizeof *out);
    snprintf(out->backend, sizeof out->backend, "%s", backend);
    snprintf(out->name, sizeof out->name, "%s", c->name);
    snprintf(out->floor_name, sizeof out->floor_name, "%s", c->floor);
    out->goal = bit == B_MOCK ? c->mock_goal : c->goal;
    out->reps = reps;
    if (g_quick) iters = 2;
    else if (g_mode == MODE_ICOUNT && iters > 20) iters = 20;   /* counts repeat exactly: few calls suffice */
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    na = c->setup(w, c, &a, &b);
    measure(&a, iters / 4 + 1);   /* warm-up (under callgrind: not counted) */
    for (r = 0; r < reps; r++) {
        ta[r] = measure(&a, iters) / c->per;
        if (na) continue;
        tb[r] = measure(&b, iters) / c->per;
        ratio[r] = ta[r] / tb[r];
    }
    out->per_op = median(ta, reps);
    out->floor_na = na;
    if (!na) {
        out->floor_per_op = median(tb, reps);
        out->rmed = median(ratio, reps);   /* sorts ratio */
        out->rmin = ratio[0];
        out->rmax = ratio[reps - 1];
    }
    if (c->done) c->done(w);
}

/* ---- a bench world: one connector, mock hardware, one backend ------------- */

static const uint8_t b_rgh[16] = { 0x52, 0x47, 0x48, 0x2d, 0x62, 0x65, 0x6e, 0x63,
                                   0x68, 0x2d, 0x66, 0x69, 0x78, 0x65, 0x64, 0x21 };
static const uint8_t b_kdi[16] = { 0x6b, 0x44, 0x49, 0x2d, 0x62, 0x65, 0x6e, 0x63,
                                   0x68, 0x2d, 0x6b, 0x65, 0x79, 0x21, 0x21, 0x21 };
static const char b_cert[] = "<CertificateCollection Version=\"2.0\">bench</CertificateCollection>";

struct bworld {
    const char *name;
    mock_hw hw, hw_solo, hw_rec;   /* hw_rec: the recording connector's (BENCH_RECORDER) */
    mock_crypto mc;
    copp_libtom ltc;
    copp_openssl ossl;
    copp_bearssl br;
    const copp_crypto *backend;   /* the backend's own table */
    void *user;
    copp_crypto table;            /* the same with a fixed rGH, so one signature stays valid */
    copp_connector conn;
    copp_connector conn_solo;     /* a second connector that only ever has one session */
#ifdef BENCH_RECORDER
    copp_connector conn_rec;      /* a third, recording every call (COPP_WITH_RECORDER) */
    copp_recorder rec;
    uint8_t ring[64 * 1024];      /* full after ~300 commands: the steady state evicts */
#endif
    copp_session s[64], solo, srec;
    copp_mac_ctx app_mac;
    uint8_t sig[256];
};

static bworld *g_bw;   /* fixed_rng's view of the backend */

static int fixed_rng(void *user, uint8_t *buf, size_t len)
{
    if (len == 16) {
        memcpy(buf, b_rgh, 16);
        return 0;
    }
    return g_bw->backend->randombytes(user, buf, len);
}

/* Under callgrind the backends draw from this instead of the OS (RSA
 * blinding values, and so the instructions spent on them, repeat run to run). */
static uint64_t g_det_state = 0x9e3779b97f4a7c15u;
static int det_rng(void *user, uint8_t *buf, size_t len)
{
    size_t i;
    (void)user;
    for (i = 0; i < len; i++) {
        g_det_state ^= g_det_state << 13;
        g_det_state ^= g_det_state >> 7;
        g_det_state ^= g_det_state << 17;
        buf[i] = (uint8_t)(g_det_state >> 24);
    }
    return 0;
}

static void connector_on(bworld *w, copp_connector *conn, mock_hw *hw, void *rec)
{
    copp_connector_desc d;
    int32_t hr;
    mock_hw_default(hw);
    memset(&d, 0, sizeof d);
#ifdef BENCH_RECORDER
    d.recorder = (copp_recorder *)rec;
#else
    (void)rec;
#endif
    d.hw = &mock_hw_ops;
    d.hw_user = hw;
    d.crypto = &w->table;
    d.crypto_user = w->user;
    d.certificate = (const uint8_t *)b_cert;
    d.certificate_len = (uint32_t)strlen(b_cert);
    if ((hr = copp_connector_init(conn, &d)) != COPP_S_OK) die("copp_connector_init", hr);
}

/* The BearSSL backend's RNG outside callgrind (it has no default): the OS
 * generator through libtomcrypt. */
static int os_rng(void *user, uint8_t *buf, size_t len)
{
    (void)user;
    return copp_libtom_randombytes(NULL, buf, len);
}

static void bw_init(bworld *w, const char *name, const copp_rsa_private_key *key)
{
    int (*rng)(void *, uint8_t *, size_t) = g_mode == MODE_ICOUNT ? det_rng : NULL;
    int32_t hr;
    memset(w, 0, sizeof *w);
    w->name = name;
    mock_crypto_default(&w->mc);
    if (strcmp(name, "libtom") == 0) {
        if ((hr = copp_libtom_init(&w->ltc, key, rng, NULL, 0)) != COPP_S_OK) die("copp_libtom_init", hr);
        w->backend = copp_libtom_crypto();
        w->user = &w->ltc;
    } else if (strcmp(name, "openssl") == 0) {
        if ((hr = copp_openssl_init(&w->ossl, key, rng, NULL, 0)) != COPP_S_OK) die("copp_openssl_init", hr);
        w->backend = copp_openssl_crypto();
        w->user = &w->ossl;
    } else if (strncmp(name, "b", 1) == 0) {   /* bearssl, br-ct64-i31 */
        uint32_t flags = strcmp(name, "bearssl") == 0 ? 0 : COPP_BEARSSL_AES_CT64 | COPP_BEARSSL_RSA_I31;
        if ((hr = copp_bearssl_init(&w->br, key, rng ? rng : os_rng, NULL, flags)) != COPP_S_OK) die("copp_bearssl_init", hr);
        w->backend = copp_bearssl_crypto();
        w->user = &w->br;
    } else {
        w->backend = &mock_crypto_table;
        w->user = &w->mc;
    }
    g_bw = w;
    w->table = *w->backend;
    w->table.randombytes = fixed_rng;
    connector_on(w, &w->conn, &w->hw, NULL);
    connector_on(w, &w->conn_solo, &w->hw_solo, NULL);
#ifdef BENCH_RECORDER
    if ((hr = copp_recorder_init(&w->rec, w->ring, sizeof w->ring, 0)) != COPP_S_OK) die("copp_recorder_init", hr);
    connector_on(w, &w->conn_rec, &w->hw_rec, &w->rec);
#endif
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
    if (copp_session_state(&w->solo) != COPP_STATE_CLOSED) copp_close(&w->solo);
    if (copp_session_state(&w->srec) != COPP_STATE_CLOSED) copp_close(&w->srec);
    if (w->backend->mac_release) w->backend->mac_release(w->user, &w->app_mac);
    if (w->backend == copp_libtom_crypto()) copp_libtom_free(&w->ltc);
    if (w->backend == copp_openssl_crypto()) copp_openssl_free(&w->ossl);
    if (w->backend == copp_bearssl_crypto()) copp_bearssl_free(&w->br);
}

static void bw_connect(bworld *w, copp_connector *conn, copp_session *s, int activate)
{
    uint32_t len;
    uint8_t rgh[16], cert[sizeof b_cert];
    int32_t hr;
    if ((hr = copp_open(conn, s)) != COPP_S_OK) die("copp_open", hr);
    if (!activate) return;
    if ((hr = copp_get_certificate_length(s, &len)) != COPP_S_OK) die("cert length", hr);
    if ((hr = copp_key_exchange(s, rgh, cert, sizeof cert)) != COPP_S_OK) die("key exchange", hr);
    if ((hr = copp_sequence_start(s, w->sig)) != COPP_S_OK) die("sequence start", hr);
}

static void close_all(bworld *w)
{
    int i;
    for (i = 0; i < 64; i++)
        if (copp_session_state(&w->s[i]) != COPP_STATE_CLOSED) copp_close(&w->s[i]);
    if (copp_session_state(&w->solo) != COPP_STATE_CLOSED) copp_close(&w->solo);
    if (copp_session_state(&w->srec) != COPP_STATE_CLOSED) copp_close(&w->srec);
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
static cmd_ctx g_cmd, g_cmd_solo;

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
BENCH_AES_TARGET static void op_aesni_cbcmac2(void *p)
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

static int setup_command(bworld *w, const bcase *c, side *a, side *b)
{
    (void)c;
    bw_connect(w, &w->conn, &w->s[0], 1);
    cmd_setup(&g_cmd, w, &w->s[0]);
    a->op = op_command, a->ctx = &g_cmd;
    b->op = op_bare_cmac2, b->ctx = &g_cmd;
    return 0;
}

static int setup_command_aesni(bworld *w, const bcase *c, side *a, side *b)
{
    setup_command(w, c, a, b);
#ifdef BENCH_AESNI
    if (aesni_present()) {
        aesni_key(&g_aesni, b_kdi);
        b->op = op_aesni_cbcmac2;
        return 0;
    }
#endif
    return 1;
}

/* 64 sessions open on the connector vs a connector with 1: the same command. */
static int setup_command64(bworld *w, const bcase *c, side *a, side *b)
{
    int i;
    (void)c;
    bw_connect(w, &w->conn, &w->s[0], 1);
    for (i = 1; i < 64; i++) bw_connect(w, &w->conn, &w->s[i], 0);
    bw_connect(w, &w->conn_solo, &w->solo, 1);
    cmd_setup(&g_cmd, w, &w->s[0]);
    cmd_setup(&g_cmd_solo, w, &w->solo);
    a->op = op_command, a->ctx = &g_cmd;
    b->op = op_command, b->ctx = &g_cmd_solo;
    return 0;
}

#ifdef BENCH_RECORDER
/* The same command on a connector that records every call (a 64 KB ring,
 * full: each record evicts older ones) vs one without a recorder, in one
 * build with COPP_WITH_RECORDER. */
static int setup_command_rec(bworld *w, const bcase *c, side *a, side *b)
{
    (void)c;
    bw_connect(w, &w->conn_rec, &w->srec, 1);
    bw_connect(w, &w->conn_solo, &w->solo, 1);
    cmd_setup(&g_cmd, w, &w->srec);
    cmd_setup(&g_cmd_solo, w, &w->solo);
    a->op = op_command, a->ctx = &g_cmd;
    b->op = op_command, b->ctx = &g_cmd_solo;
    return 0;
}
#endif

/* ---- status path ----------------------------------------------------------- */

typedef struct st_ctx {
    bworld *w;
    copp_session *s;
    uint8_t in[4096], out[4096];
    copp__slot *rec;   /* the connector's record of s: its counters */
    uint32_t seq0;
    uint8_t tag[16];
} st_ctx;
static st_ctx g_st;

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

static const struct { uint8_t guid[16]; int with_type; } g_kinds[] = {
    { COPP_GUID_DXVA_COPPQueryConnectorType, 0 },   { COPP_GUID_DXVA_COPPQueryProtectionType, 0 },
    { COPP_GUID_DXVA_COPPQueryLocalProtectionLevel, 1 }, { COPP_GUID_DXVA_COPPQueryGlobalProtectionLevel, 1 },
    { COPP_GUID_DXVA_COPPQueryDisplayData, 0 },     { COPP_GUID_DXVA_COPPQueryHDCPKeyData, 0 },
    { COPP_GUID_DXVA_COPPQueryBusData, 0 },         { COPP_GUID_DXVA_COPPQuerySignaling, 0 },
};

static int setup_status(bworld *w, const bcase *c, side *a, side *b)
{
    static const uint8_t rapp[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
    uint8_t data[4];
    bw_connect(w, &w->conn, &w->s[0], 1);
    g_st.w = w;
    g_st.s = &w->s[0];
    g_st.rec = copp__record(&w->s[0]);
    g_st.seq0 = g_st.rec->status_seq;
    copp__st32(data, COPP_PROTECTION_TYPE_ACP);
    copp_app_status_request(g_st.in, rapp, g_kinds[c->arg].guid, g_st.seq0, data, g_kinds[c->arg].with_type ? 4u : 0u);
    a->op = op_status, a->ctx = &g_st;
    b->op = op_fill_and_cmac, b->ctx = &g_st;
    return 0;
}

/* ---- sequence start and churn ---------------------------------------------- */

typedef struct seq_ctx { bworld *w; uint8_t plain[256]; size_t plen; } seq_ctx;
static seq_ctx g_seq;

static void prep_seqstart(void *p)   /* outside the measurement */
{
    seq_ctx *c = (seq_ctx *)p;
    uint32_t len;
    uint8_t rgh[16], cert[sizeof b_cert];
    if (copp_session_state(&c->w->s[0]) != COPP_STATE_CLOSED) copp_close(&c->w->s[0]);
    copp_open(&c->w->conn, &c->w->s[0]);
    copp_get_certificate_length(&c->w->s[0], &len);
    copp_key_exchange(&c->w->s[0], rgh, cert, sizeof cert);
}

static void op_seqstart(void *p)
{
    seq_ctx *c = (seq_ctx *)p;
    int32_t hr = copp_sequence_start(&c->w->s[0], c->w->sig);
    if (hr != COPP_S_OK) die("copp_sequence_start", hr);
}

static void prep_nothing(void *p) { (void)p; }

static void op_rsa(void *p)
{
    seq_ctx *c = (seq_ctx *)p;
    int32_t hr = c->w->backend->rsa_decrypt(c->w->user, c->w->sig, c->plain, &c->plen);
    if (hr != COPP_S_OK) die("rsa_decrypt", hr);
}

/* BearSSL's bare private operation on the signature as big-endian bytes
 * (what copp__br_rsa hands it), copied in place of each call's output. */
static uint8_t g_br_x[256];
static void op_br_rsa(void *p)
{
    seq_ctx *c = (seq_ctx *)p;
    size_t i;
    for (i = 0; i < 256; i++) g_br_x[i] = c->w->sig[255 - i];
    if (c->w->br.priv(g_br_x, &c->w->br.sk) != 1) die("br_rsa_private", COPP_E_FAIL);
}

static int setup_seqstart_br(bworld *w, const bcase *c, side *a, side *b)
{
    (void)c;
    g_seq.w = w;
    a->prep = prep_seqstart, a->op = op_seqstart, a->ctx = &g_seq;
    b->prep = prep_nothing, b->op = op_br_rsa, b->ctx = &g_seq;
    return 0;
}

static int setup_seqstart(bworld *w, const bcase *c, side *a, side *b)
{
    (void)c;
    g_seq.w = w;
    a->prep = prep_seqstart, a->op = op_seqstart, a->ctx = &g_seq;
    b->prep = prep_nothing, b->op = op_rsa, b->ctx = &g_seq;   /* call by call too, as a */
    return 0;
}

typedef struct churn_ctx { bworld *w; uint8_t rgh[16], cert[sizeof b_cert]; } churn_ctx;
static churn_ctx g_churn;

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

static int setup_churn(bworld *w, const bcase *c, side *a, side *b)
{
    (void)c;
    g_churn.w = w;
    a->op = op_churn, a->ctx = &g_churn;
    b->op = op_churn_floor, b->ctx = &g_churn;
    return 0;
}

/* The cases, in the order of the table.  goal: the ratio the issue asks for
 * (0: none); the mock's RSA is a 256-byte copy, so seqstart has no goal there. */
#ifdef BENCH_RECORDER
static const bcase g_cases[] = {   /* copp_bench_rec: the recorder's cost, as a ratio */
    { "command, recorder on", "command, no recorder", B_ALL, 0, 0, 1000, 1000, 2, 0, setup_command_rec, close_all },
};
#else
static const bcase g_cases[] = {
    { "command", "bare CMAC 4080 B", B_ALL | B_BR_PORT, 1.03, 1.03, 1000, 1000, 2, 0, setup_command, close_all },
    { "command vs AES-NI", "AES-NI CBC-MAC loop", B_OPENSSL, 1.25, 0, 1000, 1000, 2, 0, setup_command_aesni, close_all },
    { "command vs AES-NI", "AES-NI CBC-MAC loop", B_BEARSSL, 1.10, 0, 1000, 1000, 2, 0, setup_command_aesni, close_all },
    { "command vs AES-NI", "AES-NI CBC-MAC loop", B_BR_PORT, 0, 0, 100, 100, 2, 0, setup_command_aesni, close_all },
    { "command, 64 sessions", "command, 1 session", B_ALL, 1.05, 1.05, 1000, 1000, 2, 0, setup_command64, close_all },
    { "status/ConnectorType", "bare CMAC + 4 KB zero fill", B_ALL, 1.05, 1.05, 1000, 1000, 1, 0, setup_status, close_all },
    { "status/ProtectionType", "bare CMAC + 4 KB zero fill", B_ALL, 1.05, 1.05, 1000, 1000, 1, 1, setup_status, close_all },
    { "status/LocalLevel", "bare CMAC + 4 KB zero fill", B_ALL, 1.05, 1.05, 1000, 1000, 1, 2, setup_status, close_all },
    { "status/GlobalLevel", "bare CMAC + 4 KB zero fill", B_ALL, 1.05, 1.05, 1000, 1000, 1, 3, setup_status, close_all },
    { "status/DisplayData", "bare CMAC + 4 KB zero fill", B_ALL, 1.05, 1.05, 1000, 1000, 1, 4, setup_status, close_all },
    { "status/HDCPKeyData", "bare CMAC + 4 KB zero fill", B_ALL, 1.05, 1.05, 1000, 1000, 1, 5, setup_status, close_all },
    { "status/BusData", "bare CMAC + 4 KB zero fill", B_ALL, 1.05, 1.05, 1000, 1000, 1, 6, setup_status, close_all },
    { "status/Signaling", "bare CMAC + 4 KB zero fill", B_ALL, 1.05, 1.05, 1000, 1000, 1, 7, setup_status, close_all },
    { "seqstart", "bare RSA private op", B_ALL, 1.05, 0, 24, 64, 1, 0, setup_seqstart, close_all },
    { "seqstart vs br_rsa_private", "bare br_rsa_private", B_BEARSSL | B_BR_PORT, 1.05, 0, 24, 24, 1, 0,
      setup_seqstart_br, close_all },
    { "open+keyx+close", "zero+wipe session, RNG, cert copy", B_ALL, 0, 0, 20000, 20000, 1, 0, setup_churn, close_all },
};
#endif

/* ---- output ---------------------------------------------------------------- */

static const char *g_backends[] = { "mock", "libtom", "openssl", "bearssl", "br-ct64-i31" };
#define N_BACKENDS ((int)(sizeof g_backends / sizeof g_backends[0]))

static void fmt(char *buf, size_t n, const char *f, double v, int na)
{
    if (na) snprintf(buf, n, "n/a");
    else snprintf(buf, n, f, v);
}

static void print_table(void)
{
    const char *unit = g_mode == MODE_ICOUNT ? "Ir" : "ns";
    int i;
    printf("%-8s %-22s %12s/op  %-34s %10s %10s  %-23s %6s %-7s\n", "backend", "case", unit, "floor", "floor", "extra",
           "ratio min / med / max", "goal", "verdict");
    for (i = 0; i < g_nrows; i++) {
        const row *r = &g_rows[i];
        char fl[24], ex[24], rt[40], goal[16] = "-";
        fmt(fl, sizeof fl, "%.1f", r->floor_per_op, r->floor_na);
        fmt(ex, sizeof ex, "%.1f", r->per_op - r->floor_per_op, r->floor_na);
        if (r->floor_na) snprintf(rt, sizeof rt, "n/a");
        else if (r->reps == 1) snprintf(rt, sizeof rt, "%.3f", r->rmed);
        else snprintf(rt, sizeof rt, "%.3f / %.3f / %.3f", r->rmin, r->rmed, r->rmax);
        if (r->goal > 0) snprintf(goal, sizeof goal, "%.2f", r->goal);
        printf("%-8s %-22s %15.1f  %-34s %10s %10s  %-23s %6s %-7s\n", r->backend, r->name, r->per_op, r->floor_name, fl,
               ex, rt, goal, verdict(r->goal, r->rmin, r->rmax, r->floor_na));
    }
    printf("\nHow to read it (docs/bench.md):\n"
           "  ratio    case / floor within one repetition; min / med / max over the %d repetitions\n"
           "           (case and floor alternate, so both see the same machine).  A ratio below 1\n"
           "           (negative extra) means the case cost less than its floor in that run: within\n"
           "           noise for cases that do the floor's work plus a little, or real where the\n"
           "           floor does work the case avoids (the status floor zero-fills 4 KB that\n"
           "           copp_query_status MACs as a run of zeros without writing).\n"
           "  extra    %s/op of the case minus %s/op of its floor (medians).\n"
           "  verdict  ok: every repetition within the goal; MISS: every repetition over it;\n"
           "           NOISY: the repetitions straddle the goal, so this run cannot tell (rerun on a\n"
           "           quiet machine, or read make bench-icount); -: no goal; n/a: the floor cannot\n"
           "           be measured on this machine (no AES-NI).\n",
           g_nrows ? g_rows[0].reps : 0, unit, unit);
    if (g_mode == MODE_ICOUNT)
        printf("  Ir       instructions executed (callgrind), the same on every run of the same build;\n"
               "           they ignore cache misses and the cost of each instruction.\n");
}

static void write_csv(const char *path)
{
    FILE *csv = fopen(path, "wb");
    static const char *hdr[] = { "backend", "case", "unit", "per_op", "floor", "floor_per_op", "extra_per_op",
                                 "ratio_min", "ratio_median", "ratio_max", "reps", "goal", "verdict" };
    size_t h;
    int i;
    if (!csv) {
        fprintf(stderr, "bench: cannot write %s\n", path);
        exit(1);
    }
    for (h = 0; h < sizeof hdr / sizeof hdr[0]; h++) csv_field(csv, hdr[h], h + 1 == sizeof hdr / sizeof hdr[0]);
    for (i = 0; i < g_nrows; i++) {
        const row *r = &g_rows[i];
        char v[8][32];
        fmt(v[0], 32, "%.1f", r->per_op, 0);
        fmt(v[1], 32, "%.1f", r->floor_per_op, r->floor_na);
        fmt(v[2], 32, "%.1f", r->per_op - r->floor_per_op, r->floor_na);
        fmt(v[3], 32, "%.4f", r->rmin, r->floor_na);
        fmt(v[4], 32, "%.4f", r->rmed, r->floor_na);
        fmt(v[5], 32, "%.4f", r->rmax, r->floor_na);
        snprintf(v[6], 32, "%d", r->reps);
        if (r->goal > 0) snprintf(v[7], 32, "%.2f", r->goal);
        else v[7][0] = 0;
        csv_field(csv, r->backend, 0);
        csv_field(csv, r->name, 0);
        csv_field(csv, g_mode == MODE_ICOUNT ? "Ir" : "ns", 0);
        csv_field(csv, v[0], 0);
        csv_field(csv, r->floor_name, 0);
        for (h = 1; h < 8; h++) csv_field(csv, v[h], 0);
        csv_field(csv, verdict(r->goal, r->rmin, r->rmax, r->floor_na), 1);
    }
    fclose(csv);
    printf("csv: %s\n", path);
}

/* For gnuplot (bench/plot.gp): one row per case, per backend the per-op
 * value and the ratio with its min and max (NaN where the case does not run). */
static void write_dat(const char *csv_path)
{
    char path[600];
    size_t n = strlen(csv_path);
    FILE *dat;
    int i, j, k;
    snprintf(path, sizeof path, "%.*s.dat", (int)(n > 4 && strcmp(csv_path + n - 4, ".csv") == 0 ? n - 4 : n), csv_path);
    dat = fopen(path, "w");
    if (!dat) return;
    fprintf(dat, "case");
    for (k = 0; k < N_BACKENDS; k++) fprintf(dat, " %s %s_ratio %s_min %s_max", g_backends[k], g_backends[k], g_backends[k], g_backends[k]);
    fprintf(dat, "\n");
    for (i = 0; i < g_nrows; i++) {
        int first = 1;
        for (j = 0; j < i; j++) first &= strcmp(g_rows[j].name, g_rows[i].name) != 0;
        if (!first) continue;
        fprintf(dat, "\"%s\"", g_rows[i].name);
        for (k = 0; k < N_BACKENDS; k++) {
            const row *r = NULL;
            for (j = 0; j < g_nrows; j++)
                if (strcmp(g_rows[j].name, g_rows[i].name) == 0 && strcmp(g_rows[j].backend, g_backends[k]) == 0)
                    r = &g_rows[j];
            if (!r) fprintf(dat, " NaN NaN NaN NaN");
            else if (r->floor_na) fprintf(dat, " %.1f NaN NaN NaN", r->per_op);
            else fprintf(dat, " %.1f %.4f %.4f %.4f", r->per_op, r->rmed, r->rmin, r->rmax);
        }
        fprintf(dat, "\n");
    }
    fclose(dat);
}

/* ---- selftest: the verdict rule and the CSV quoting ------------------------ */

static int selftest(void)
{
    static const struct { double goal, rmin, rmax; int na; const char *want; } v[] = {
        { 1.05, 0.98, 1.04, 0, "ok" },   { 1.05, 0.98, 1.05, 0, "ok" },    { 1.05, 1.06, 1.20, 0, "MISS" },
        { 1.05, 1.00, 1.20, 0, "NOISY" }, { 1.05, 1.05, 1.06, 0, "NOISY" }, { 0, 0.5, 3.0, 0, "-" },
        { 1.25, 0, 0, 1, "n/a" },
    };
    static const char *fields[] = { "command, 64 sessions", "say \"hi\"", "plain", "" };
    char buf[256];
    FILE *f = tmpfile();
    size_t i, n;
    int bad = 0;
    for (i = 0; i < sizeof v / sizeof v[0]; i++)
        if (strcmp(verdict(v[i].goal, v[i].rmin, v[i].rmax, v[i].na), v[i].want) != 0) {
            printf("selftest: verdict(%.2f, %.2f..%.2f) is %s, want %s\n", v[i].goal, v[i].rmin, v[i].rmax,
                   verdict(v[i].goal, v[i].rmin, v[i].rmax, v[i].na), v[i].want);
            bad = 1;
        }
    if (!f) return 1;
    for (i = 0; i < 4; i++) csv_field(f, fields[i], i == 3);
    rewind(f);
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    if (strcmp(buf, "\"command, 64 sessions\",\"say \"\"hi\"\"\",plain,\r\n") != 0) {
        printf("selftest: CSV record is [%s]\n", buf);
        bad = 1;
    }
    printf("bench selftest: %s\n", bad ? "FAILED" : "ok (verdict rule, RFC 4180 quoting)");
    return bad;
}

/* ---- main ------------------------------------------------------------------ */

int main(int argc, char **argv)
{
    static bworld w;
    static uint8_t store[8][260];
    copp_rsa_private_key key;
    const char *csv_path = NULL;
    char vec[512];
    size_t b, c;
    int a;
    for (a = 1; a < argc; a++) {
        if (strcmp(argv[a], "quick") == 0) g_quick = 1;
        else if (strcmp(argv[a], "icount") == 0) g_mode = MODE_ICOUNT;
        else if (strcmp(argv[a], "selftest") == 0) return selftest();
        else csv_path = argv[a];
    }
    if (!csv_path) csv_path = g_mode == MODE_ICOUNT ? "build/bench-icount.csv" : "build/bench.csv";
    if (g_mode == MODE_ICOUNT) {
        g_cg_out = getenv("COPP_BENCH_CG_OUT");
        if (!RUNNING_ON_VALGRIND || !g_cg_out) {
            fprintf(stderr, "bench: icount runs under valgrind --tool=callgrind --collect-atstart=no "
                            "--callgrind-out-file=BASE with COPP_BENCH_CG_OUT=BASE (make bench-icount)\n");
            return 2;
        }
    }
    snprintf(vec, sizeof vec, "%s/copp_vectors.txt", getenv("COPP_VECTORS") ? getenv("COPP_VECTORS") : "../shared/vectors");
    memset(&key, 0, sizeof key);
    if (load_key(vec, &key, store) != 0) {
        fprintf(stderr, "bench: cannot read the test key from %s (set COPP_VECTORS)\n", vec);
        return 1;
    }
    printf("AES-NI: %s\n", aesni_present() ? "present (CPUID)" : "absent (CPUID): its floor is n/a");
    for (b = 0; b < sizeof g_backends / sizeof g_backends[0]; b++) {
        unsigned bit = 1u << b;
        bw_init(&w, g_backends[b], &key);
        for (c = 0; c < sizeof g_cases / sizeof g_cases[0]; c++)
            if (g_cases[c].backends & bit) run_case(&w, g_backends[b], bit, &g_cases[c]);
        bw_free(&w);
    }
    print_table();
    write_csv(csv_path);
    write_dat(csv_path);
    return 0;
}
