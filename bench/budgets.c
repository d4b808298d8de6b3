/* budgets.c -- memory budgets of copp.h, measured (make budgets).
 *
 * Counts every malloc/calloc/realloc made while a full scenario runs (two
 * sessions: key exchange, sequence start, commands, every status request,
 * events, VIDEOPARAMETERS keys, resync, close) and fails if the library
 * allocated anything: with the mock backend the whole scenario must make zero
 * allocations; with libtom and OpenSSL the per-message path (commands and
 * status) must make zero, and what key setup, RSA and the RNG allocate is
 * reported as the backend's.  Also prints sizeof of every object.  glibc only (it forwards
 * to __libc_malloc). */
#define _GNU_SOURCE
#define COPP_IMPLEMENTATION
#define COPP_WITH_LIBTOM
#define COPP_WITH_OPENSSL
#define COPP_WITH_APP
#include "../copp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
        } else {
            check(copp_app_sign_start_sequence(sig, rgh, kdi, sseq[i], cseq[i], COPP_APP_SIG_RAW_LE, key->n, key->e) ==
                  COPP_S_OK, "sign");
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

int main(void)
{
    static copp_libtom ltc;
    static copp_openssl ossl;
    static mock_crypto mc;
    static uint8_t store[8][260];
    copp_rsa_private_key key;
    char vec[512];
    counts m, l, o;
    snprintf(vec, sizeof vec, "%s/copp_vectors.txt", getenv("COPP_VECTORS") ? getenv("COPP_VECTORS") : "../shared/vectors");
    memset(&key, 0, sizeof key);
    if (load_key(vec, &key, store) != 0) {
        fprintf(stderr, "budgets: cannot read %s\n", vec);
        return 1;
    }
    mock_crypto_default(&mc);
    check(copp_libtom_init(&ltc, &key, NULL, NULL, 0) == COPP_S_OK, "libtom init");
    check(copp_openssl_init(&ossl, &key, NULL, NULL, 0) == COPP_S_OK, "openssl init");

    m = scenario(&mock_crypto_table, &mc, &key, 1);
    l = scenario(copp_libtom_crypto(), &ltc, &key, 0);
    o = scenario(copp_openssl_crypto(), &ossl, &key, 0);

    printf("heap allocations in a two-session scenario:   setup  per-message(20 cmd + 8 status)  vp+resync  close\n");
    printf("  mock backend (copp.h alone)                %6ld %6ld %26ld %6ld\n", m.setup, m.hot, m.other, m.teardown);
    printf("  libtom backend                             %6ld %6ld %26ld %6ld\n", l.setup, l.hot, l.other, l.teardown);
    printf("  openssl backend                            %6ld %6ld %26ld %6ld\n", o.setup, o.hot, o.other, o.teardown);
    printf("  (libtom: libtommath digits in RSA, libtomcrypt's rng_get_bytes opens /dev/urandom;\n"
           "   openssl: RSA and one EVP_CIPHER_CTX per session at sequence start)\n");
    check(m.setup == 0 && m.hot == 0 && m.other == 0 && m.teardown == 0, "copp.h allocated");
    check(l.hot == 0, "libtom backend allocated on the hot path");
    check(o.hot == 0, "openssl backend allocated on the hot path");

    printf("object sizes (bytes):\n");
    printf("  copp_session   %6zu  (copp_mac_ctx %zu of it; COPP_MAC_CTX_BYTES)\n", sizeof(copp_session), sizeof(copp_mac_ctx));
    printf("  copp_connector %6zu  (COPP_MAX_SESSIONS %d, COPP_MAX_VP_KEYS %d)\n", sizeof(copp_connector),
           COPP_MAX_SESSIONS, COPP_MAX_VP_KEYS);
    printf("  copp_libtom    %6zu\n", sizeof(copp_libtom));
    printf("  copp_openssl   %6zu\n", sizeof(copp_openssl));
    copp_libtom_free(&ltc);
    copp_openssl_free(&ossl);
    printf("%s\n", g_fail ? "budgets: FAILED" : "budgets: ok (copp.h made no heap allocation)");
    return g_fail;
}
