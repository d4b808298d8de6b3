/* residue.c -- key material left in freed heap by a sequence start
 * (make heap-residue, run by make test).
 *
 * malloc, calloc, realloc and free are interposed (glibc: they forward to
 * __libc_*); while a scenario runs, every block is copied just before it is
 * released (free, or a realloc that moves it).  The scenario, on one backend:
 * a failed sequence start (a valid ciphertext with the wrong rGH: decryption
 * succeeds, then the check fails), a good one, commands and status requests,
 * close.  Afterwards each released block is searched for the session key
 * kDI, the 40-byte start-sequence plaintext, and the private key's p, q, d,
 * dp and dq -- as big-endian and little-endian bytes and as libtommath
 * digits -- and each block, read as an integer (little-endian bytes, and
 * libtommath digits), is tested for a common factor with n: a multiple of p
 * or q gives n away by one gcd.
 *
 *   residue openssl   must find nothing (exit 1 otherwise)
 *   residue bearssl   must release no block at all (BearSSL allocates
 *                     nothing; the RNG hook is getrandom) and leave its
 *                     operation scratch (copp_bearssl.x, .work) all zero
 *   residue libtom    prints what libtommath leaves (documented; exit 0)
 *   residue control   frees a copy of kDI and a multiple of p unwiped: both
 *                     must be found (exit 1 otherwise), so the scan can fail
 *
 * The key is generated here by OpenSSL (any 2048-bit key will do). */
#define _GNU_SOURCE
#define COPP_IMPLEMENTATION
#define COPP_WITH_LIBTOM
#define COPP_WITH_OPENSSL
#define COPP_WITH_BEARSSL
#define COPP_WITH_APP
#include "../../copp.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/core_names.h>
#include <sys/random.h>

#include "../mock_hw.c"

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

/* ---- released blocks, copied as they go --------------------------------- */

typedef struct block { size_t off, len; } block;
static uint8_t *g_data;
static size_t g_data_len, g_data_cap;
static block *g_blocks;
static size_t g_nblocks, g_blocks_cap;
static int g_recording, g_busy;

/* Requested sizes by pointer (open addressing), so that only what the
 * program asked for is scanned, not the allocator's slack. */
#define SIZES_CAP ((size_t)1 << 20)
static struct { void *p; size_t n; } *g_sizes;

static size_t hash_ptr(const void *p) { return ((size_t)p >> 4) * 0x9E3779B97F4A7C15ull % SIZES_CAP; }

static void size_put(void *p, size_t n)
{
    size_t i;
    if (g_sizes == NULL) {
        g_sizes = __libc_calloc(SIZES_CAP, sizeof *g_sizes);
        if (g_sizes == NULL) abort();
    }
    for (i = hash_ptr(p); g_sizes[i].p != NULL && g_sizes[i].p != p && g_sizes[i].p != (void *)1; i = (i + 1) % SIZES_CAP) {}
    g_sizes[i].p = p;
    g_sizes[i].n = n;
}

static size_t size_take(void *p)
{
    size_t i;
    if (g_sizes == NULL) return malloc_usable_size(p);
    for (i = hash_ptr(p); g_sizes[i].p != NULL; i = (i + 1) % SIZES_CAP)
        if (g_sizes[i].p == p) {
            g_sizes[i].p = (void *)1;   /* tombstone */
            return g_sizes[i].n;
        }
    return malloc_usable_size(p);   /* allocated before we saw it */
}

static void keep(const void *p, size_t n)
{
    if (g_data_len + n > g_data_cap) {
        g_data_cap = (g_data_len + n) * 2 + 65536;
        g_data = __libc_realloc(g_data, g_data_cap);
    }
    if (g_nblocks == g_blocks_cap) {
        g_blocks_cap = g_blocks_cap * 2 + 1024;
        g_blocks = __libc_realloc(g_blocks, g_blocks_cap * sizeof *g_blocks);
    }
    if (g_data == NULL || g_blocks == NULL) abort();
    memcpy(g_data + g_data_len, p, n);
    g_blocks[g_nblocks].off = g_data_len;
    g_blocks[g_nblocks].len = n;
    g_nblocks++;
    g_data_len += n;
}

void *malloc(size_t n)
{
    void *p = __libc_malloc(n);
    if (p && !g_busy) { g_busy = 1; size_put(p, n); g_busy = 0; }
    return p;
}

void *calloc(size_t a, size_t b)
{
    void *p = __libc_calloc(a, b);
    if (p && !g_busy) { g_busy = 1; size_put(p, a * b); g_busy = 0; }
    return p;
}

void free(void *p)
{
    if (p && !g_busy) {
        size_t n;
        g_busy = 1;
        n = size_take(p);
        if (g_recording) keep(p, n);
        g_busy = 0;
    }
    __libc_free(p);
}

void *realloc(void *p, size_t n)
{
    void *q;
    size_t old = 0, mark_data = g_data_len, mark_blocks = g_nblocks;
    if (p == NULL) return malloc(n);
    if (!g_busy) {
        g_busy = 1;
        old = size_take(p);
        if (g_recording) keep(p, old);   /* kept only if the block moves */
        g_busy = 0;
    }
    q = __libc_realloc(p, n);
    if (!g_busy) {
        g_busy = 1;
        if (q == NULL) size_put(p, old);
        else size_put(q, n);
        if (q == p || q == NULL) { g_data_len = mark_data; g_nblocks = mark_blocks; }
        g_busy = 0;
    }
    return q;
}

/* ---- the key, generated by OpenSSL ----------------------------------------- */

static uint8_t g_comp[8][256];
static copp_rsa_private_key g_key;

static void make_key(void)
{
    static const char *names[8] = {
        OSSL_PKEY_PARAM_RSA_N, OSSL_PKEY_PARAM_RSA_E, OSSL_PKEY_PARAM_RSA_D, OSSL_PKEY_PARAM_RSA_FACTOR1,
        OSSL_PKEY_PARAM_RSA_FACTOR2, OSSL_PKEY_PARAM_RSA_EXPONENT1, OSSL_PKEY_PARAM_RSA_EXPONENT2,
        OSSL_PKEY_PARAM_RSA_COEFFICIENT1
    };
    copp_bytes *dst[8];
    EVP_PKEY *pk = EVP_RSA_gen(2048);
    int i;
    dst[0] = &g_key.n; dst[1] = &g_key.e; dst[2] = &g_key.d; dst[3] = &g_key.p;
    dst[4] = &g_key.q; dst[5] = &g_key.dp; dst[6] = &g_key.dq; dst[7] = &g_key.qinv;
    if (pk == NULL) abort();
    for (i = 0; i < 8; i++) {
        BIGNUM *bn = NULL;
        if (EVP_PKEY_get_bn_param(pk, names[i], &bn) != 1) abort();
        dst[i]->len = (size_t)BN_num_bytes(bn);
        if (BN_bn2bin(bn, g_comp[i]) != (int)dst[i]->len) abort();
        dst[i]->p = g_comp[i];
        BN_clear_free(bn);
    }
    EVP_PKEY_free(pk);
}

/* ---- needles ----------------------------------------------------------------- */

#define MAX_NEEDLES 64
typedef struct needle { const char *what; uint8_t b[16]; size_t n; } needle;
static needle g_needles[MAX_NEEDLES];
static int g_nneedles;

static void add_needle(const char *what, const uint8_t *b, size_t n)
{
    if (g_nneedles == MAX_NEEDLES || n > 16) abort();
    g_needles[g_nneedles].what = what;
    memcpy(g_needles[g_nneedles].b, b, n);
    g_needles[g_nneedles].n = n;
    g_nneedles++;
}

/* A big-endian integer as needles: 16 bytes from its middle as big-endian and
 * as little-endian bytes (OpenSSL's limbs on x86), and three whole 60-bit
 * libtommath digits from its middle. */
static void add_integer(const char *what, const uint8_t *be, size_t len)
{
    uint8_t le[256], w[8];
    mp_int x;
    int i, k;
    size_t mid = len / 2 - 8;
    add_needle(what, be + mid, 16);
    for (i = 0; i < (int)len; i++) le[i] = be[len - 1 - (size_t)i];
    add_needle(what, le + mid, 16);
    if (mp_init(&x) != MP_OKAY || mp_from_ubin(&x, be, len) != MP_OKAY) abort();
    for (i = x.used / 2 - 1; i <= x.used / 2 + 1; i++) {
        for (k = 0; k < 8; k++) w[k] = (uint8_t)(x.dp[i] >> (8 * k));
        add_needle(what, w, 8);
    }
    mp_clear(&x);
}

/* The plaintexts as integers, to recognise an unreduced one (P + k n). */
static mp_int g_plain[4];
static int g_nplain;

/* The start-sequence plaintext P (40 bytes, little-endian on the wire) and
 * kDI inside it; the same as the libtommath digits of the integer P. */
static void add_plaintext(const uint8_t p40[40])
{
    uint8_t be[40], w[8];
    mp_int x;
    int i, k;
    for (i = 0; i < 40; i++) be[i] = p40[39 - i];
    if (g_nplain == 4 || mp_init(&g_plain[g_nplain]) != MP_OKAY || mp_from_ubin(&g_plain[g_nplain], be, 40) != MP_OKAY)
        abort();
    g_nplain++;
    add_needle("kDI", p40 + 16, 16);
    for (i = 0; i < 16; i++) be[i] = p40[31 - i];
    add_needle("kDI", be, 16);
    add_needle("plaintext", p40, 16);
    add_needle("plaintext", p40 + 24, 16);
    for (i = 0; i < 40; i++) be[i] = p40[39 - i];
    if (mp_init(&x) != MP_OKAY || mp_from_ubin(&x, be, 40) != MP_OKAY) abort();
    for (i = 2; i <= 4 && i < x.used; i++) {   /* digits 2..4: bits 120..299, kDI's */
        for (k = 0; k < 8; k++) w[k] = (uint8_t)(x.dp[i] >> (8 * k));
        add_needle("kDI", w, 8);
    }
    mp_clear(&x);
}

/* ---- the scan ---------------------------------------------------------------- */

/* 1 if the integer has a factor in common with n other than 1 and n. */
static int shares_factor(mp_int *x, mp_int *n)
{
    mp_int g;
    int leak;
    if (mp_iszero(x)) return 0;
    if (mp_init(&g) != MP_OKAY || mp_gcd(x, n, &g) != MP_OKAY) abort();
    leak = mp_cmp_d(&g, 1) == MP_GT && mp_cmp(&g, n) != MP_EQ;
    mp_clear(&g);
    return leak;
}

/* 1 if x mod n is a start-sequence plaintext: P + k n gives kDI away by one
 * reduction. */
static int unreduced_plaintext(mp_int *x, mp_int *n)
{
    mp_int r;
    int i, hit = 0;
    if (mp_init(&r) != MP_OKAY || mp_mod(x, n, &r) != MP_OKAY) abort();
    for (i = 0; i < g_nplain; i++) hit |= mp_cmp(&r, &g_plain[i]) == MP_EQ;
    mp_clear(&r);
    return hit;
}

/* The block read as 60-bit libtommath digits, and as little-endian bytes:
 * 1 if it shares a factor with n, 2 if it is an unreduced plaintext. */
static int block_factor(const uint8_t *b, size_t len, mp_int *n)
{
    mp_int x;
    size_t i, words = len / 8;
    int leak = 0;
    uint8_t be[8192];
    if (len < 64 || len > sizeof be) return 0;
    if (mp_init(&x) != MP_OKAY || mp_grow(&x, (int)words + 1) != MP_OKAY) abort();
    for (i = 0; i < words; i++) {
        uint64_t v;
        memcpy(&v, b + 8 * i, 8);
        x.dp[i] = v & MP_MASK;
    }
    x.used = (int)words;
    mp_clamp(&x);
    leak |= shares_factor(&x, n) | (unreduced_plaintext(&x, n) << 1);
    for (i = 0; i < len; i++) be[i] = b[len - 1 - i];
    if (mp_from_ubin(&x, be, len) != MP_OKAY) abort();
    leak |= shares_factor(&x, n) | (unreduced_plaintext(&x, n) << 1);
    mp_clear(&x);
    return leak;
}

typedef struct tally { size_t blocks, bytes, dirty, factor, unreduced; int by_what[MAX_NEEDLES]; } tally;

static void scan(tally *t)
{
    static const char *kinds[] = { "kDI", "plaintext", "p", "q", "d", "dp", "dq" };
    mp_int n;
    size_t i, j;
    int k;
    memset(t, 0, sizeof *t);
    if (mp_init(&n) != MP_OKAY || mp_from_ubin(&n, g_key.n.p, g_key.n.len) != MP_OKAY) abort();
    for (i = 0; i < g_nblocks; i++) {
        const uint8_t *b = g_data + g_blocks[i].off;
        size_t len = g_blocks[i].len;
        int dirty = 0, hit[sizeof kinds / sizeof kinds[0]] = { 0 };
        t->blocks++;
        t->bytes += len;
        for (k = 0; k < g_nneedles; k++)
            for (j = 0; j + g_needles[k].n <= len; j++)
                if (memcmp(b + j, g_needles[k].b, g_needles[k].n) == 0) {
                    size_t w;
                    for (w = 0; w < sizeof kinds / sizeof kinds[0]; w++)
                        if (strcmp(kinds[w], g_needles[k].what) == 0) hit[w] = 1;
                    break;
                }
        for (k = 0; k < (int)(sizeof kinds / sizeof kinds[0]); k++) {
            t->by_what[k] += hit[k];
            dirty |= hit[k];
        }
        k = block_factor(b, len, &n);
        t->factor += (size_t)(k & 1);
        t->unreduced += (size_t)(k >> 1);
        dirty |= k != 0;
        t->dirty += (size_t)dirty;
    }
    mp_clear(&n);
}

static void report(const char *name, const tally *t)
{
    printf("%-8s %5zu blocks (%7zu bytes) released: %zu held key material (kDI %d, plaintext %d, p %d, q %d, "
           "d %d, dp %d, dq %d; the plaintext by one reduction mod n %zu; a factor of n by one gcd %zu)\n", name,
           t->blocks, t->bytes, t->dirty, t->by_what[0], t->by_what[1], t->by_what[2], t->by_what[3], t->by_what[4],
           t->by_what[5], t->by_what[6], t->unreduced, t->factor);
}

/* ---- the scenario ------------------------------------------------------------ */

static void die(const char *what) { fprintf(stderr, "residue: %s\n", what); exit(2); }

static void scenario(const copp_crypto *cr, void *user)
{
    static copp_connector conn;
    static copp_session s;
    static mock_hw hw;
    static uint8_t cmd[4096], in[4096], out[4096];
    static const uint8_t g_conn[16] = COPP_GUID_DXVA_COPPQueryConnectorType;
    copp_connector_desc d;
    copp_mac_ctx app;
    uint8_t rgh[16], wrong[16], kdi[16], sig_bad[256], sig[256], cert[8], p40[40];
    uint32_t len, cseq = 0x1234, sseq = 77;
    int i;
    memset(&conn, 0, sizeof conn);
    memset(&s, 0, sizeof s);
    mock_hw_default(&hw);
    memset(&d, 0, sizeof d);
    d.hw = &mock_hw_ops; d.hw_user = &hw; d.crypto = cr; d.crypto_user = user;
    d.certificate = (const uint8_t *)"<cert/>"; d.certificate_len = 7;
    if (copp_connector_init(&conn, &d) != COPP_S_OK || copp_open(&conn, &s) != COPP_S_OK ||
        copp_get_certificate_length(&s, &len) != COPP_S_OK || copp_key_exchange(&s, rgh, cert, sizeof cert) != COPP_S_OK)
        die("setup");
    if (RAND_bytes(kdi, sizeof kdi) != 1) die("RAND_bytes");
    memcpy(wrong, rgh, 16);
    wrong[3] ^= 0x20;
    if (copp_app_sign_start_sequence(sig_bad, wrong, kdi, sseq, cseq, COPP_APP_SIG_RAW_LE, g_key.n, g_key.e) != COPP_S_OK ||
        copp_app_sign_start_sequence(sig, rgh, kdi, sseq, cseq, COPP_APP_SIG_RAW_LE, g_key.n, g_key.e) != COPP_S_OK)
        die("sign");
    memcpy(p40, rgh, 16);
    memcpy(p40 + 16, kdi, 16);
    copp__st32(p40 + 32, sseq);
    copp__st32(p40 + 36, cseq);
    add_plaintext(p40);
    memcpy(p40, wrong, 16);
    add_plaintext(p40);
    if (cr->mac_init(user, &app, kdi) != COPP_S_OK) die("app mac_init");

    g_recording = 1;
    if (copp_sequence_start(&s, sig_bad) != COPP_E_UNEXPECTED) die("the failed start did not fail");
    if (copp_sequence_start(&s, sig) != COPP_S_OK) die("sequence start");
    for (i = 0; i < 4; i++) {
        copp_app_set_protection_level(cmd, cseq++, COPP_PROTECTION_TYPE_ACP, (uint32_t)i & 3u);
        copp_app_mac_command(cmd, cr, user, &app);
        if (copp_command(&s, cmd) != COPP_S_OK) die("command");
    }
    for (i = 0; i < 2; i++) {
        copp_app_status_request(in, rgh, g_conn, sseq++, NULL, 0);
        if (copp_query_status(&s, in, out) != COPP_S_OK) die("status");
    }
    if (copp_close(&s) != COPP_S_OK) die("close");
    g_recording = 0;
    if (cr->mac_release) cr->mac_release(user, &app);
}

/* What a careless backend would do: an unwiped copy of kDI and a multiple of
 * p, freed. */
static void control(void)
{
    void *(*volatile alloc)(size_t) = malloc;   /* through volatile pointers: not elided */
    void (*volatile release)(void *) = free;
    uint8_t p40[40], *leak;
    mp_int m, p;
    int i;
    for (i = 0; i < 40; i++) p40[i] = (uint8_t)(0x31 * i + 7);
    add_plaintext(p40);
    if (mp_init_multi(&m, &p, NULL) != MP_OKAY || mp_from_ubin(&p, g_key.p.p, g_key.p.len) != MP_OKAY ||
        mp_mul_d(&p, 0x12345u, &m) != MP_OKAY)
        abort();
    g_recording = 1;
    leak = alloc(64);
    memset(leak, 0, 64);
    memcpy(leak + 8, p40 + 16, 16);
    release(leak);
    leak = alloc((size_t)m.used * sizeof(mp_digit));   /* m's digits, freed unwiped */
    memcpy(leak, m.dp, (size_t)m.used * sizeof(mp_digit));
    release(leak);
    g_recording = 0;
    mp_clear_multi(&m, &p, NULL);
}

/* The BearSSL backend's RNG hook: the getrandom system call (no heap). */
static int getrandom_rng(void *user, uint8_t *buf, size_t len)
{
    (void)user;
    return getrandom(buf, len, 0) == (ssize_t)len ? 0 : -1;
}

static int all_zero(const void *p, size_t n)
{
    const uint8_t *b = (const uint8_t *)p;
    size_t i;
    for (i = 0; i < n; i++)
        if (b[i]) return 0;
    return 1;
}

int main(int argc, char **argv)
{
    const char *which = argc > 1 ? argv[1] : "";
    static copp_libtom ltc;
    static copp_openssl ossl;
    static copp_bearssl br;
    int br_scratch_clean = 1;
    tally t;
    make_key();
    add_integer("p", g_key.p.p, g_key.p.len);
    add_integer("q", g_key.q.p, g_key.q.len);
    add_integer("d", g_key.d.p, g_key.d.len);
    add_integer("dp", g_key.dp.p, g_key.dp.len);
    add_integer("dq", g_key.dq.p, g_key.dq.len);
    if (strcmp(which, "openssl") == 0) {
        if (copp_openssl_init(&ossl, &g_key, NULL, NULL, 0) != COPP_S_OK) die("openssl init");
        scenario(copp_openssl_crypto(), &ossl);
        copp_openssl_free(&ossl);
    } else if (strcmp(which, "libtom") == 0) {
        if (copp_libtom_init(&ltc, &g_key, NULL, NULL, 0) != COPP_S_OK) die("libtom init");
        scenario(copp_libtom_crypto(), &ltc);
        copp_libtom_free(&ltc);
    } else if (strcmp(which, "bearssl") == 0) {
        if (copp_bearssl_init(&br, &g_key, getrandom_rng, NULL, 0) != COPP_S_OK) die("bearssl init");
        scenario(copp_bearssl_crypto(), &br);
        br_scratch_clean = all_zero(br.x, sizeof br.x) && all_zero(&br.work, sizeof br.work);
        copp_bearssl_free(&br);
    } else if (strcmp(which, "control") == 0) {
        control();
    } else {
        fprintf(stderr, "usage: residue openssl|libtom|bearssl|control\n");
        return 2;
    }
    scan(&t);
    report(which, &t);
    if (strcmp(which, "openssl") == 0 && t.dirty != 0) {
        printf("residue: FAILED: the OpenSSL backend left key material in freed heap\n");
        return 1;
    }
    if (strcmp(which, "bearssl") == 0 && (t.blocks != 0 || t.dirty != 0 || !br_scratch_clean)) {
        printf("residue: FAILED: the BearSSL backend released heap blocks (%zu) or left its scratch unwiped\n", t.blocks);
        return 1;
    }
    if (strcmp(which, "control") == 0 && (t.by_what[0] == 0 || t.factor == 0)) {
        printf("residue: FAILED: the planted kDI copy or multiple of p was not found\n");
        return 1;
    }
    return 0;
}
