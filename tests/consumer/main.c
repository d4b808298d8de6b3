/* A consumer of an installed copp.h, built by make consumer-check through
 * pkg-config (copp, copp-libtom, copp-openssl, copp-bearssl) and through
 * CMake's find_package (copp::copp, copp::libtom, copp::openssl,
 * copp::bearssl).  With a backend (COPP_WITH_LIBTOM, COPP_WITH_OPENSSL or
 * COPP_WITH_BEARSSL, which the .pc file or the target defines) it runs one whole session on that backend with the key file in
 * argv[1]: key exchange, sequence start, a MACed command, a MACed status
 * reply, close.  Without one it only checks the header works.
 *   usage: consumer [KEY]      exit 0 on success */
#define COPP_IMPLEMENTATION
#define COPP_WITH_APP
#include <copp.h>
#include "../../tools/copp_io.h"   /* the repository's key-file reader */
#include <stdio.h>
#include <string.h>
#ifdef COPP_WITH_BEARSSL
#include <sys/random.h>

/* The BearSSL backend's RNG hook (it has none of its own): getrandom. */
static int consumer_rng(void *user, uint8_t *buf, size_t len)
{
    (void)user;
    return getrandom(buf, len, 0) == (ssize_t)len ? 0 : -1;
}
#endif

#if defined(COPP_WITH_LIBTOM) || defined(COPP_WITH_OPENSSL) || defined(COPP_WITH_BEARSSL)
static uint32_t g_level = 0xFFFFFFFFu;

static int32_t hw_types(void *u, uint32_t *types)
{
    (void)u;
    *types = COPP_PROTECTION_TYPE_HDCP;
    return COPP_S_OK;
}

static int32_t hw_set(void *u, uint32_t type, uint32_t level)
{
    (void)u;
    (void)type;
    g_level = level;
    return COPP_S_OK;
}

#define FAIL(what) do { fprintf(stderr, "consumer: %s failed\n", what); return 1; } while (0)

int main(int argc, char **argv)
{
    static const char cert[] = "<CertificateCollection Version=\"2.0\"/>";
    static const uint8_t g_local[16] = COPP_GUID_DXVA_COPPQueryLocalProtectionLevel;
    static copp_hw_ops ops;
    static copp_connector conn;
    static copp_session s;
    static uint8_t cmd[4096], in[4096], out[4096];
    uint8_t rgh[16], kdi[16], rapp[16], sig[256], buf[64], data[4];
    char err[COPP_IO_ERR_BYTES];
    copp_connector_desc d;
    copp_mac_ctx mac;
    uint32_t len = 0;
#ifdef COPP_WITH_LIBTOM
    static copp_libtom drv, app;   /* the driver's backend with its key; the application's, MAC only */
    const char *name = "libtom";
    const copp_crypto *cr = copp_libtom_crypto();
    uint8_t n[256], e[4];
    size_t e_len = 0;
    copp_bytes nb, eb;
#elif defined(COPP_WITH_BEARSSL)
    static copp_bearssl drv, app;
    const char *name = "bearssl";
    const copp_crypto *cr = copp_bearssl_crypto();
    uint8_t p[256];
    size_t i;
#else
    static copp_openssl drv, app;
    const char *name = "openssl";
    const copp_crypto *cr = copp_openssl_crypto();
    EVP_PKEY_CTX *pub;
    uint8_t p[256], c[256];
    size_t clen = sizeof c, i;
#endif
    if (argc != 2) {
        fprintf(stderr, "usage: %s KEY\n", argv[0]);
        return 2;
    }
#ifdef COPP_WITH_LIBTOM
    if (copp_io_key_libtom(&drv, argv[1], 0, err) != COPP_S_OK || copp_libtom_init_mac(&app) != COPP_S_OK) {
        fprintf(stderr, "consumer: %s\n", err);
        return 1;
    }
#elif defined(COPP_WITH_BEARSSL)
    if (copp_io_key_bearssl(&drv, argv[1], consumer_rng, NULL, 0, err) != COPP_S_OK ||
        copp_bearssl_init_mac(&app, consumer_rng, NULL, 0) != COPP_S_OK) {
        fprintf(stderr, "consumer: %s\n", err);
        return 1;
    }
#else
    if (copp_io_key_openssl(&drv, argv[1], 0, err) != COPP_S_OK || copp_openssl_init_mac(&app) != COPP_S_OK) {
        fprintf(stderr, "consumer: %s\n", err);
        return 1;
    }
#endif
    ops.get_protection_types = hw_types;
    ops.set_protection = hw_set;
    memset(&d, 0, sizeof d);
    d.hw = &ops;
    d.crypto = cr;
    d.crypto_user = &drv;
    d.certificate = (const uint8_t *)cert;
    d.certificate_len = (uint32_t)strlen(cert);
    if (copp_connector_init(&conn, &d) != COPP_S_OK) FAIL("copp_connector_init");
    if (copp_open(&conn, &s) != COPP_S_OK || copp_get_certificate_length(&s, &len) != COPP_S_OK ||
        copp_key_exchange(&s, rgh, buf, sizeof buf) != COPP_S_OK)
        FAIL("open, certificate length, key exchange");
    if (cr->randombytes(&app, kdi, sizeof kdi) != 0 || cr->randombytes(&app, rapp, sizeof rapp) != 0) FAIL("RNG");
    /* the application encrypts rGH | kDI | status start 7 | command start 9 to the driver's key */
#ifdef COPP_WITH_LIBTOM
    if (copp_libtom_public_key(&drv, n, e, &e_len) != COPP_S_OK) FAIL("copp_libtom_public_key");
    nb.p = n; nb.len = 256;
    eb.p = e; eb.len = e_len;
    if (copp_app_sign_start_sequence(sig, rgh, kdi, 7, 9, COPP_APP_SIG_RAW_LE, nb, eb) != COPP_S_OK) FAIL("signing");
#elif defined(COPP_WITH_BEARSSL)
    memset(p, 0, sizeof p);   /* raw RSA of the 256-byte block read little-endian (spec 10.3), by BearSSL's public op */
    memcpy(p, rgh, 16);
    memcpy(p + 16, kdi, 16);
    p[32] = 7;
    p[36] = 9;
    for (i = 0; i < 128; i++) { uint8_t t = p[i]; p[i] = p[255 - i]; p[255 - i] = t; }
    if (drv.pub(p, sizeof p, &drv.pk) != 1) FAIL("signing");
    for (i = 0; i < 256; i++) sig[i] = p[255 - i];
#else
    memset(p, 0, sizeof p);   /* raw RSA of the 256-byte block read little-endian (spec 10.3) */
    memcpy(p, rgh, 16);
    memcpy(p + 16, kdi, 16);
    p[32] = 7;
    p[36] = 9;
    for (i = 0; i < 128; i++) { uint8_t t = p[i]; p[i] = p[255 - i]; p[255 - i] = t; }
    pub = EVP_PKEY_CTX_new_from_pkey(NULL, drv.pkey, NULL);
    if (pub == NULL || EVP_PKEY_encrypt_init(pub) != 1 || EVP_PKEY_CTX_set_rsa_padding(pub, RSA_NO_PADDING) != 1 ||
        EVP_PKEY_encrypt(pub, c, &clen, p, sizeof p) != 1 || clen != 256)
        FAIL("signing");
    EVP_PKEY_CTX_free(pub);
    for (i = 0; i < 256; i++) sig[i] = c[255 - i];
#endif
    if (copp_sequence_start(&s, sig) != COPP_S_OK) FAIL("copp_sequence_start");
    /* one MACed command and one MACed status reply */
    if (cr->mac_init(&app, &mac, kdi) != COPP_S_OK) FAIL("mac_init");
    if (copp_app_set_protection_level(cmd, 9, COPP_PROTECTION_TYPE_HDCP, COPP_HDCP_LEVEL_1) != COPP_S_OK ||
        copp_app_mac_command(cmd, cr, &app, &mac) != COPP_S_OK || copp_command(&s, cmd) != COPP_S_OK || g_level != 1)
        FAIL("HDCP on");
    data[0] = (uint8_t)COPP_PROTECTION_TYPE_HDCP; data[1] = data[2] = data[3] = 0;
    if (copp_app_status_request(in, rapp, g_local, 7, data, 4) != COPP_S_OK || copp_query_status(&s, in, out) != COPP_S_OK ||
        copp_app_verify_status(out, rapp, cr, &app, &mac) != COPP_S_OK || out[40] != 1)
        FAIL("local level query");
    if (cr->mac_release) cr->mac_release(&app, &mac);
    if (copp_close(&s) != COPP_S_OK || g_level != 0) FAIL("close");
#ifdef COPP_WITH_LIBTOM
    copp_libtom_free(&drv);
    copp_libtom_free(&app);
#elif defined(COPP_WITH_BEARSSL)
    copp_bearssl_free(&drv);
    copp_bearssl_free(&app);
#else
    copp_openssl_free(&drv);
    copp_openssl_free(&app);
#endif
    printf("consumer (%s backend): one session: key loaded, sequence start, HDCP on by a MACed command, "
           "MACed level reply verified, close turned it off\n", name);
    return 0;
}
#else
int main(void)
{
    copp_session s = { 0 };
    if (copp_session_state(&s) != COPP_STATE_CLOSED || copp_open(NULL, &s) != COPP_E_POINTER) return 1;
    printf("consumer (no backend): copp.h found and working\n");
    return 0;
}
#endif
