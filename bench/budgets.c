/* budgets.c -- memory budgets of copp.h, measured (make budgets).
 *
 * Counts every malloc/calloc/realloc made while a full scenario runs (two
 * sessions: key exchange, sequence start, commands, every status request,
 * events, VIDEOPARAMETERS keys, resync, close) and fails if the library
 * allocated anything: with the mock backend the whole scenario must make zero
 * allocations; with libtom and OpenSSL the per-message path (commands and
 * status) must make zero, and what key setup, RSA and the RNG allocate is
 * reported as the backend's; with BearSSL every phase, and the key loading
 * before it, must make zero.  Also measures the stack one call takes with the
 * backend library's frames included (the call runs on a painted stack of its
 * own: ucontext), and prints sizeof of every object.  glibc only (it forwards
 * to __libc_malloc). */
#define _GNU_SOURCE
#define COPP_IMPLEMENTATION
#define COPP_WITH_LIBTOM
#define COPP_WITH_OPENSSL
#define COPP_WITH_BEARSSL
#define COPP_WITH_APP
#include "../copp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <sys/random.h>

#include "../tests/mock_hw.c"
#include "../tests/mock_crypto.c"
#include "bench_key.h"

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
static long g_allocs;
void *malloc(size_t n) { g_allocs++; return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { g_allocs++; return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { g_allocs++; return __libc_realloc(p, n); }
void free(void *p) { __libc_free(p); }

static int g_fail;
static void check(int ok, const char *what)
{
    if (!ok) {
        printf("FAILED: %s\n", what);
        g_fail = 1;
    }
}

typedef struct counts { long setup, hot, other, teardown; } counts;

/* The scenario; returns allocations per phase. */
static counts scenario(const copp_crypto *cr, void *user, const copp_rsa_private_key *key, int mock)
{
    static copp_connector conn;
    static copp_session s[2];
    static mock_hw hw;
    static const uint8_t guids[8][16] = {
        COPP_GUID_DXVA_COPPQueryConnectorType, COPP_GUID_DXVA_COPPQueryProtectionType,
        COPP_GUID_DXVA_COPPQueryLocalProtectionLevel, COPP_GUID_DXVA_COPPQueryGlobalProtectionLevel,
        COPP_GUID_DXVA_COPPQueryDisplayData, COPP_GUID_DXVA_COPPQueryHDCPKeyData,
        COPP_GUID_DXVA_COPPQueryBusData, COPP_GUID_DXVA_COPPQuerySignaling
    };
    static const uint8_t vpguid[16] = COPP_GUID_VIDEOPARAMETERS;
    static uint8_t cmd[4096], in[4096], out[4096];
    copp_mac_ctx app[2];
    copp_connector_desc d;
    counts c;
    uint8_t rgh[16], kdi[16], sig[256], cert[8], vp[356], data[4] = { 2, 0, 0, 0 };
    uint32_t len, cseq[2], sseq[2], key_cp;
    int i, k;
    long base;
    mock_hw_default(&hw);
    memset(&d, 0, sizeof d);
    d.hw = &mock_hw_ops; d.hw_user = &hw; d.crypto = cr; d.crypto_user = user;
    d.certificate = (const uint8_t *)"<cert/>"; d.certificate_len = 7;
    memset(kdi, 0x5A, sizeof kdi);

    base = g_allocs;
    check(copp_connector_init(&conn, &d) == COPP_S_OK, "connector init");
    for (i = 0; i < 2; i++) {
        cseq[i] = 7u * (uint32_t)i;
        sseq[i] = 100u + (uint32_t)i;
        check(copp_open(&conn, &s[i]) == COPP_S_OK, "open");
        check(copp_get_certificate_length(&s[i], &len) == COPP_S_OK, "cert length");
        check(copp_key_exchange(&s[i], rgh, cert, sizeof cert) == COPP_S_OK, "key exchange");
        if (mock) {
            memset(sig, 0, sizeof sig);
            memcpy(sig, rgh, 16);
            memcpy(sig + 16, kdi, 16);
            copp__st32(sig + 32, sseq[i]);
            copp__st32(sig + 36, cseq[i]);
        } else {   /* the application's side (libtommath): not the driver's, not counted */
            long before = g_allocs;
            check(copp_app_sign_start_sequence(sig, rgh, kdi, sseq[i], cseq[i], COPP_APP_SIG_RAW_LE, key->n, key->e) ==
                  COPP_S_OK, "sign");
            base += g_allocs - before;
        }
        check(copp_sequence_start(&s[i], sig) == COPP_S_OK, "sequence start");
        check(cr->mac_init(user, &app[i], kdi) == COPP_S_OK, "app mac_init");
    }
    c.setup = g_allocs - base;

    base = g_allocs;
    for (k = 0; k < 10; k++) {
        for (i = 0; i < 2; i++) {
            copp_app_set_protection_level(cmd, cseq[i], COPP_PROTECTION_TYPE_ACP, (uint32_t)(k + i) & 3u);
            copp_app_mac_command(cmd, cr, user, &app[i]);
            check(copp_command(&s[i], cmd) == COPP_S_OK, "command");
            cseq[i]++;
        }
    }
    copp_connector_event(&conn, COPP_STATUS_LINK_LOST);
    for (k = 0; k < 8; k++) {
        copp_app_status_request(in, rgh, guids[k], sseq[0], data, (k == 2 || k == 3) ? 4u : 0u);
        check(copp_query_status(&s[0], in, out) == COPP_S_OK, "status");
        check(copp_app_verify_status(out, rgh, cr, user, &app[0]) == COPP_S_OK, "verify");
        sseq[0]++;
    }
    c.hot = g_allocs - base;

    base = g_allocs;
    memset(vp, 0, sizeof vp);
    memcpy(vp, vpguid, 16);
    vp[20] = 2; vp[25] = 1; vp[84] = 1; vp[96] = 3;                 /* SET, COPYPROTECT, ACTIVATE, level 3 */
    check(copp_handle_videoparameters(&conn, vp, vp) == COPP_NO_ERROR, "activate");
    key_cp = (uint32_t)vp[92] | (uint32_t)vp[93] << 8 | (uint32_t)vp[94] << 16 | (uint32_t)vp[95] << 24;
    vp[84] = 2;                                                     /* DEACTIVATE */
    check(copp_handle_videoparameters(&conn, vp, vp) == COPP_NO_ERROR && key_cp != 0, "deactivate");
    check(copp_connector_resync(&conn, COPP_STATUS_RENEGOTIATION_REQUIRED) == COPP_S_OK, "resync");
    c.other = g_allocs - base;

    base = g_allocs;
    for (i = 0; i < 2; i++) {
        check(copp_close(&s[i]) == COPP_S_OK, "close");
        if (cr->mac_release) cr->mac_release(user, &app[i]);
    }
    c.teardown = g_allocs - base;
    return c;
}

/* ---- stack of one call, library frames included ----------------------------
 * The call runs on a stack of its own, filled with a pattern first; the
 * deepest byte no longer holding it is the high-water mark.  The bytes the
 * trampoline itself takes (measured with an empty call) are subtracted. */
static uint8_t g_stack[256 * 1024];
static ucontext_t g_uc_main, g_uc_call;
static void (*g_call)(void);
static void trampoline(void) { g_call(); }
static void call_nothing(void) {}

static size_t stack_raw(void (*fn)(void))
{
    size_t i;
    memset(g_stack, 0xA5, sizeof g_stack);
    getcontext(&g_uc_call);
    g_uc_call.uc_stack.ss_sp = g_stack;
    g_uc_call.uc_stack.ss_size = sizeof g_stack;
    g_uc_call.uc_link = &g_uc_main;
    g_call = fn;
    makecontext(&g_uc_call, trampoline, 0);
    swapcontext(&g_uc_main, &g_uc_call);
    for (i = 0; i < sizeof g_stack && g_stack[i] == 0xA5; i++) continue;
    return sizeof g_stack - i;
}

static size_t stack_of(void (*fn)(void))
{
    size_t base = stack_raw(call_nothing), used;
    fn();              /* once before: the dynamic linker binds its symbols */
    used = stack_raw(fn);
    return used > base ? used - base : 0;
}

/* The calls measured, on one connector with one session (g_st_*). */
static const copp_crypto *g_st_cr;
static void *g_st_user;
static const copp_rsa_private_key *g_st_key;
static copp_connector g_st_conn;
static copp_session g_st_s;
static mock_hw g_st_hw;
static copp_mac_ctx g_st_app;
static uint8_t g_st_sig[256], g_st_cmd[4096], g_st_in[4096], g_st_out[4096], g_st_rgh[16];
static uint32_t g_st_cseq, g_st_sseq;
static int32_t g_st_hr;
static const uint8_t *g_st_der;
static size_t g_st_der_len;
static copp_bearssl g_st_br;

/* A session at KEY_EXCHANGED (closed first when open) with its signature. */
static void st_ready(void)
{
    static const uint8_t kdi[16] = { 0x5A, 0x5A, 0x5A, 0x5A, 0x5A, 0x5A, 0x5A, 0x5A,
                                     0x5A, 0x5A, 0x5A, 0x5A, 0x5A, 0x5A, 0x5A, 0x5A };
    copp_connector_desc d;
    uint8_t cert[8];
    uint32_t len;
    if (copp_session_state(&g_st_s) != COPP_STATE_CLOSED) copp_close(&g_st_s);
    mock_hw_default(&g_st_hw);
    memset(&d, 0, sizeof d);
    d.hw = &mock_hw_ops; d.hw_user = &g_st_hw; d.crypto = g_st_cr; d.crypto_user = g_st_user;
    d.certificate = (const uint8_t *)"<cert/>"; d.certificate_len = 7;
    if (g_st_conn.initialized == 0) check(copp_connector_init(&g_st_conn, &d) == COPP_S_OK, "stack: connector");
    check(copp_open(&g_st_conn, &g_st_s) == COPP_S_OK && copp_get_certificate_length(&g_st_s, &len) == COPP_S_OK &&
          copp_key_exchange(&g_st_s, g_st_rgh, cert, sizeof cert) == COPP_S_OK, "stack: key exchange");
    g_st_cseq = 40;
    g_st_sseq = 90;
    check(copp_app_sign_start_sequence(g_st_sig, g_st_rgh, kdi, g_st_sseq, g_st_cseq, COPP_APP_SIG_RAW_LE, g_st_key->n,
                                       g_st_key->e) == COPP_S_OK, "stack: sign");
    g_st_cr->mac_init(g_st_user, &g_st_app, kdi);
}

static void call_sequence_start(void) { g_st_hr = copp_sequence_start(&g_st_s, g_st_sig); }

static void call_command(void)
{
    g_st_hr = copp_command(&g_st_s, g_st_cmd);
    copp__record(&g_st_s)->command_seq = g_st_cseq;   /* the same command again next time */
}

static void call_query_status(void)
{
    g_st_hr = copp_query_status(&g_st_s, g_st_in, g_st_out);
    copp__record(&g_st_s)->status_seq = g_st_sseq;
}

/* The BearSSL backend's RNG hook here: the getrandom system call, which
 * allocates nothing (libtomcrypt's rng_get_bytes fopens /dev/urandom). */
static int st_rng(void *user, uint8_t *buf, size_t len)
{
    (void)user;
    while (len > 0) {
        ssize_t n = getrandom(buf, len, 0);
        if (n <= 0) return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

static void call_bearssl_init_der(void)
{
    g_st_hr = copp_bearssl_init_der(&g_st_br, g_st_der, g_st_der_len, st_rng, NULL, 0);
}

/* Stack of sequence start, command and status on one backend; prints a row. */
static void stack_row(const char *name, const copp_crypto *cr, void *user, const copp_rsa_private_key *key)
{
    static const uint8_t g_conn[16] = COPP_GUID_DXVA_COPPQueryConnectorType;
    size_t seq, cmd, st;
    g_st_cr = cr, g_st_user = user, g_st_key = key;
    memset(&g_st_conn, 0, sizeof g_st_conn);
    st_ready();
    call_sequence_start();                      /* the dynamic linker's first binding, off the measured stack */
    check(g_st_hr == COPP_S_OK, "stack: sequence start");
    st_ready();
    seq = stack_raw(call_sequence_start) - stack_raw(call_nothing);
    check(g_st_hr == COPP_S_OK, "stack: sequence start (measured)");
    copp_app_set_protection_level(g_st_cmd, g_st_cseq, COPP_PROTECTION_TYPE_ACP, 1);
    copp_app_mac_command(g_st_cmd, cr, user, &g_st_app);
    cmd = stack_of(call_command);
    check(g_st_hr == COPP_S_OK, "stack: command");
    copp_app_status_request(g_st_in, g_st_rgh, g_conn, g_st_sseq, NULL, 0);
    st = stack_of(call_query_status);
    check(g_st_hr == COPP_S_OK, "stack: status");
    printf("  %-28s %6zu %8zu %8zu\n", name, seq, cmd, st);
    copp_close(&g_st_s);
    if (cr->mac_release) cr->mac_release(user, &g_st_app);
}

int main(void)
{
    static copp_libtom ltc;
    static copp_openssl ossl;
    static copp_bearssl br, br_port;
    static uint8_t der[4096];
    static mock_crypto mc;
    static uint8_t store[8][260];
    copp_rsa_private_key key;
    char vec[512];
    counts m, l, o, b, bp;
    long br_init;
    size_t der_len = 0;
    snprintf(vec, sizeof vec, "%s/copp_vectors.txt", getenv("COPP_VECTORS") ? getenv("COPP_VECTORS") : "../shared/vectors");
    memset(&key, 0, sizeof key);
    if (load_key(vec, &key, store) != 0) {
        fprintf(stderr, "budgets: cannot read %s\n", vec);
        return 1;
    }
    mock_crypto_default(&mc);
    check(copp_libtom_init(&ltc, &key, NULL, NULL, 0) == COPP_S_OK, "libtom init");
    check(copp_openssl_init(&ossl, &key, NULL, NULL, 0) == COPP_S_OK, "openssl init");
    {   /* BearSSL: the key from the DER file, counted too */
        char path[600];
        FILE *f;
        snprintf(path, sizeof path, "%s/test_rsa2048.der", getenv("COPP_VECTORS") ? getenv("COPP_VECTORS") : "../shared/vectors");
        f = fopen(path, "rb");
        if (f) {
            der_len = fread(der, 1, sizeof der, f);
            fclose(f);
        }
        br_init = g_allocs;
        check(copp_bearssl_init_der(&br, der, der_len, st_rng, NULL, 0) == COPP_S_OK, "bearssl init_der");
        check(copp_bearssl_init(&br_port, &key, st_rng, NULL, COPP_BEARSSL_AES_CT64 | COPP_BEARSSL_RSA_I31) == COPP_S_OK,
              "bearssl init (ct64, i31)");
        br_init = g_allocs - br_init;
    }

    m = scenario(&mock_crypto_table, &mc, &key, 1);
    l = scenario(copp_libtom_crypto(), &ltc, &key, 0);
    o = scenario(copp_openssl_crypto(), &ossl, &key, 0);
    b = scenario(copp_bearssl_crypto(), &br, &key, 0);
    bp = scenario(copp_bearssl_crypto(), &br_port, &key, 0);

    printf("heap allocations in a two-session scenario:   setup  per-message(20 cmd + 8 status)  vp+resync  close\n");
    printf("  mock backend (copp.h alone)                %6ld %6ld %26ld %6ld\n", m.setup, m.hot, m.other, m.teardown);
    printf("  libtom backend                             %6ld %6ld %26ld %6ld\n", l.setup, l.hot, l.other, l.teardown);
    printf("  openssl backend                            %6ld %6ld %26ld %6ld\n", o.setup, o.hot, o.other, o.teardown);
    printf("  bearssl backend                            %6ld %6ld %26ld %6ld\n", b.setup + bp.setup, b.hot + bp.hot,
           b.other + bp.other, b.teardown + bp.teardown);
    printf("  (libtom: libtommath digits in RSA, libtomcrypt's rng_get_bytes opens /dev/urandom;\n"
           "   openssl: RSA and one EVP_CIPHER_CTX per session at sequence start;\n"
           "   bearssl: x86ni/i62 and ct64/i31 both counted, RNG hook getrandom, key loading %ld;\n"
           "   the application's signature building, on libtommath, is not counted)\n", br_init);
    check(m.setup == 0 && m.hot == 0 && m.other == 0 && m.teardown == 0, "copp.h allocated");
    check(l.hot == 0, "libtom backend allocated on the hot path");
    check(o.hot == 0, "openssl backend allocated on the hot path");
    check(br_init == 0 && b.setup + bp.setup == 0 && b.hot + bp.hot == 0 && b.other + bp.other == 0 &&
          b.teardown + bp.teardown == 0, "bearssl backend allocated");

    printf("stack of one call, the backend library's frames included (bytes, high-water mark on a painted stack):\n");
    printf("  %-28s %6s %8s %8s\n", "backend", "seqstart", "command", "status");
    stack_row("bearssl (i62, x86ni)", copp_bearssl_crypto(), &br, &key);
    stack_row("bearssl (i31, ct64)", copp_bearssl_crypto(), &br_port, &key);
    stack_row("openssl", copp_openssl_crypto(), &ossl, &key);
    stack_row("libtom", copp_libtom_crypto(), &ltc, &key);
    g_st_der = der, g_st_der_len = der_len;
    printf("  %-28s %6zu  (copp_bearssl_init_der, the DER test key)\n", "bearssl key load", stack_of(call_bearssl_init_der));
    check(g_st_hr == COPP_S_OK, "stack: bearssl init_der");
    copp_bearssl_free(&g_st_br);

    printf("object sizes (bytes):\n");
    printf("  copp_session   %6zu  (copp_mac_ctx %zu of it; COPP_MAC_CTX_BYTES)\n", sizeof(copp_session), sizeof(copp_mac_ctx));
    printf("  copp_connector %6zu  (COPP_MAX_SESSIONS %d, COPP_MAX_VP_KEYS %d)\n", sizeof(copp_connector),
           COPP_MAX_SESSIONS, COPP_MAX_VP_KEYS);
    printf("  copp_libtom    %6zu\n", sizeof(copp_libtom));
    printf("  copp_openssl   %6zu\n", sizeof(copp_openssl));
    printf("  copp_bearssl   %6zu  (key, engines, init scratch: no allocation)\n", sizeof(copp_bearssl));
    copp_libtom_free(&ltc);
    copp_openssl_free(&ossl);
    copp_bearssl_free(&br);
    copp_bearssl_free(&br_port);
    printf("%s\n", g_fail ? "budgets: FAILED" : "budgets: ok (copp.h made no heap allocation)");
    return g_fail;
}
