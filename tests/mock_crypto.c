/* mock_crypto.c -- deterministic crypto for logic tests (libhydrogen's idea):
 * a counter RNG, an identity "RSA" (the signature is the plaintext; a last
 * byte of 0xFF plays "ciphertext >= modulus"), and a cheap keyed checksum
 * instead of CMAC.  Any call can be made to fail.  Not cryptography: it only
 * lets the state machine be driven without RSA costs.  Included by test_main.c. */

typedef struct mock_crypto {
    uint8_t counter;      /* next RNG byte */
    uint32_t calls;       /* every backend call counts */
    uint32_t fail_at;     /* 1-based call to fail; 0 = never */
    int32_t fail_hr;      /* HRESULT of a failing rsa/mac call */
    uint32_t plain_len;   /* plaintext length the "RSA" reports (default 256) */
} mock_crypto;

static int mock_crypto_fails(mock_crypto *m)
{
    m->calls++;
    return m->fail_at != 0 && m->calls == m->fail_at;
}

static int mock_randombytes(void *u, uint8_t *buf, size_t len)
{
    mock_crypto *m = (mock_crypto *)u;
    size_t i;
    if (mock_crypto_fails(m)) return -1;
    for (i = 0; i < len; i++) buf[i] = m->counter++;
    return 0;
}

static int32_t mock_rsa(void *u, const uint8_t sig[256], uint8_t out[256], size_t *out_len)
{
    mock_crypto *m = (mock_crypto *)u;
    if (mock_crypto_fails(m)) return m->fail_hr;
    if (sig[255] == 0xFF) return COPP_E_UNEXPECTED;
    memcpy(out, sig, 256);
    *out_len = m->plain_len ? m->plain_len : 256;
    return COPP_S_OK;
}

static int32_t mock_mac_init(void *u, copp_mac_ctx *ctx, const uint8_t key[16])
{
    mock_crypto *m = (mock_crypto *)u;
    if (mock_crypto_fails(m)) return m->fail_hr;
    memcpy(ctx->bytes, key, 16);
    return COPP_S_OK;
}

/* Two FNV-1a-64 lanes over key | msg | zeros. */
static int32_t mock_mac(void *u, const copp_mac_ctx *ctx, const uint8_t *msg, size_t len,
                        size_t zero_tail, uint8_t tag[16])
{
    mock_crypto *m = (mock_crypto *)u;
    uint64_t a = 0xcbf29ce484222325ull, b = 0x84222325cbf29ce4ull;
    size_t i;
    if (mock_crypto_fails(m)) return m->fail_hr;
    for (i = 0; i < 16; i++) {
        a = (a ^ ctx->bytes[i]) * 0x100000001b3ull;
        b = (b ^ ctx->bytes[15 - i]) * 0x100000001b3ull;
    }
    for (i = 0; i < len + zero_tail; i++) {
        uint8_t x = i < len ? msg[i] : 0;
        a = (a ^ x) * 0x100000001b3ull;
        b = (b ^ (uint8_t)(x + 1u)) * 0x100000001b3ull;
    }
    for (i = 0; i < 8; i++) {
        tag[i] = (uint8_t)(a >> (8 * i));
        tag[8 + i] = (uint8_t)(b >> (8 * i));
    }
    return COPP_S_OK;
}

static const copp_crypto mock_crypto_table = { mock_randombytes, mock_rsa, mock_mac_init, mock_mac, NULL, NULL };

static void mock_crypto_default(mock_crypto *m)
{
    memset(m, 0, sizeof *m);
    m->counter = 0x40;
    m->fail_hr = COPP_E_FAIL;
}

/* A connector on mock hardware and mock crypto (both mocks included before
 * this file), with a short certificate: the common setup of the explorer,
 * the fuzz targets and the stress test. */
static inline void mock_connector_init(copp_connector *c, mock_hw *hw, mock_crypto *m)
{
    static const char cert[] = "<CertificateCollection Version=\"2.0\"/>";
    copp_connector_desc d;
    int32_t hr;
    mock_hw_default(hw);
    mock_crypto_default(m);
    memset(&d, 0, sizeof d);
    d.hw = &mock_hw_ops;
    d.hw_user = hw;
    d.crypto = &mock_crypto_table;
    d.crypto_user = m;
    d.certificate = (const uint8_t *)cert;
    d.certificate_len = (uint32_t)(sizeof cert - 1);
    hr = copp_connector_init(c, &d);
    if (hr != COPP_S_OK) abort();
}
