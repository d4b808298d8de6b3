/* ctgrind.c -- constant-time check with valgrind memcheck (the ctgrind
 * technique, as Monocypher uses it): secret bytes are marked undefined, and
 * memcheck reports any branch or memory index that depends on them.
 *   valgrind --error-exitcode=1 build/ctgrind            must pass
 *   valgrind --error-exitcode=1 build/ctgrind --leaky    must FAIL (control:
 *       an early-exit compare, proving the check can see a leak)
 * Checked: the MAC comparison and the rGH comparison (copp__ct_equal, equal
 * and unequal inputs), the key wipe (copp__wipe), the CMAC subkey doubling
 * (copp__cmac_dbl) of the OpenSSL and BearSSL backends, which handles
 * AES_K(0), and the BearSSL backend whole: its MAC (key schedule, subkeys,
 * the CMAC of a 4080-byte message with a zero tail) with kDI secret, and its
 * RSA operation (sequence start's rsa_decrypt) with the private key (p, q,
 * dp, dq, qinv) secret, on each engine (i62 and i31 RSA; x86ni, when the CPU
 * valgrind presents has AES-NI, and ct64 AES). */
#define COPP_IMPLEMENTATION
#define COPP_WITH_OPENSSL
#define COPP_WITH_BEARSSL
#include "../../copp.h"

#include <stdio.h>
#include <string.h>
#include <valgrind/memcheck.h>

static int leaky_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (a[i] != b[i]) return 0;   /* branches on secret bytes */
    return 1;
}

/* Compare, then declassify only the one-bit result (it is public: the call
 * fails or not). */
static int compare(const uint8_t *secret, const uint8_t *other, int leaky)
{
    int r;
    VALGRIND_MAKE_MEM_UNDEFINED(secret, 16);
    r = leaky ? leaky_equal(secret, other, 16) : copp__ct_equal(secret, other, 16);
    VALGRIND_MAKE_MEM_DEFINED(&r, sizeof r);
    VALGRIND_MAKE_MEM_DEFINED(secret, 16);
    return r;
}

/* The test key (tests/vectors/test_rsa2048.der), read by the BearSSL backend. */
static int os_rng(void *user, uint8_t *buf, size_t len)
{
    (void)user;
    return copp_openssl_randombytes(NULL, buf, len);
}

/* The BearSSL backend's MAC and RSA with their secrets undefined; returns
 * the number of wrong results (valgrind reports any secret-dependent branch
 * or index on its own). */
static int bearssl_checks(const char *der_path, uint32_t flags)
{
    static copp_bearssl k;
    static uint8_t der[4096], msg[4080], sig[256], out[256];
    copp_mac_ctx ctx;
    uint8_t kdi[16], tag[16], tag2[16];
    size_t len, out_len = 0, i;
    int32_t hr;
    int fails = 0;
    FILE *f = fopen(der_path, "rb");
    if (f == NULL) return 1;
    len = fread(der, 1, sizeof der, f);
    fclose(f);
    if (copp_bearssl_init_der(&k, der, len, os_rng, NULL, flags) != COPP_S_OK) return 1;
    for (i = 0; i < sizeof msg; i++) msg[i] = (uint8_t)(i * 7 + 3);
    for (i = 0; i < 16; i++) kdi[i] = (uint8_t)(0x3C ^ (i * 29));
    /* MAC: kDI and everything derived from it secret */
    VALGRIND_MAKE_MEM_UNDEFINED(kdi, sizeof kdi);
    if (copp_bearssl_crypto()->mac_init(&k, &ctx, kdi) != COPP_S_OK) fails++;
    if (copp_bearssl_crypto()->mac(&k, &ctx, msg, 100, sizeof msg - 100, tag) != COPP_S_OK) fails++;
    if (copp_bearssl_crypto()->mac(&k, &ctx, msg, sizeof msg, 0, tag2) != COPP_S_OK) fails++;
    VALGRIND_MAKE_MEM_DEFINED(tag, sizeof tag);
    VALGRIND_MAKE_MEM_DEFINED(tag2, sizeof tag2);
    fails += memcmp(tag, tag2, 16) == 0;   /* different messages, different tags */
    /* RSA: the CRT components secret; the ciphertext is public */
    for (i = 0; i < 5; i++) {   /* p and q keep their top byte defined: their bit lengths are public (BearSSL sizes its loops by them) */
        size_t top = i < 2 ? 1 : 0;
        VALGRIND_MAKE_MEM_UNDEFINED(k.key[i] + top, sizeof k.key[i] - top);
    }
    for (i = 0; i < 256; i++) sig[i] = (uint8_t)(i * 13 + 1);
    sig[255] = 0x01;   /* little-endian: the top byte small, so c < n */
    hr = copp_bearssl_crypto()->rsa_decrypt(&k, sig, out, &out_len);
    /* declassified: the result and the plaintext (the session's kDI, secret
     * again to whoever uses it; what happens with it is copp's, checked above) */
    VALGRIND_MAKE_MEM_DEFINED(&hr, sizeof hr);
    VALGRIND_MAKE_MEM_DEFINED(&out_len, sizeof out_len);
    VALGRIND_MAKE_MEM_DEFINED(out, sizeof out);
    if (hr != COPP_S_OK || out_len != 256) fails++;
    for (i = 0; i < 5; i++) VALGRIND_MAKE_MEM_DEFINED(k.key[i], sizeof k.key[i]);
    printf("ctgrind: bearssl %s RSA, %s AES: MAC and RSA with the key secret\n",
           (k.engines & COPP_BEARSSL_RSA_I31) ? "i31" : "i62", (k.engines & COPP_BEARSSL_AES_CT64) ? "ct64" : "x86ni");
    copp_bearssl_free(&k);
    return fails;
}

int main(int argc, char **argv)
{
    uint8_t tag[16], mac[16], rgh[16], plain[16], key[16], L[16], k1[16];
    int leaky = argc > 1 && strcmp(argv[1], "--leaky") == 0, i, fails = 0;
    for (i = 0; i < 16; i++) {
        tag[i] = (uint8_t)(i * 37 + 1);
        rgh[i] = (uint8_t)(i * 11 + 5);
        key[i] = (uint8_t)(0xA0 + i);
        L[i] = (uint8_t)(0x80 | (i * 13));
    }
    /* MAC: the computed tag is secret until compared with macKDI */
    memcpy(mac, tag, 16);
    fails += compare(tag, mac, leaky) != 1;
    mac[15] ^= 1;
    fails += compare(tag, mac, leaky) != 0;
    mac[0] ^= 0x80;
    fails += compare(tag, mac, leaky) != 0;
    /* rGH: the decrypted start sequence is secret */
    memcpy(plain, rgh, 16);
    fails += compare(plain, rgh, leaky) != 1;
    plain[3] ^= 4;
    fails += compare(plain, rgh, leaky) != 0;
    /* the wipe writes zeros whatever the secret was, and leaves them defined */
    VALGRIND_MAKE_MEM_UNDEFINED(key, sizeof key);
    copp__wipe(key, sizeof key);
    if (VALGRIND_CHECK_MEM_IS_DEFINED(key, sizeof key) != 0) fails++;
    for (i = 0; i < 16; i++) fails += key[i] != 0;
    /* CMAC subkey: no branch on the top bit of the secret L */
    VALGRIND_MAKE_MEM_UNDEFINED(L, sizeof L);
    copp__cmac_dbl(k1, L);
    VALGRIND_MAKE_MEM_DEFINED(k1, sizeof k1);
    VALGRIND_MAKE_MEM_DEFINED(L, sizeof L);
    fails += k1[15] != (uint8_t)((L[15] << 1) ^ 0x87);
    if (!leaky && argc > 1) {   /* the BearSSL backend on each engine pair (the key file is argv[1]) */
        fails += bearssl_checks(argv[1], 0);
        fails += bearssl_checks(argv[1], COPP_BEARSSL_RSA_I31 | COPP_BEARSSL_AES_CT64);
    }
    printf("ctgrind: %s comparisons, wipe and subkey step: %s\n", leaky ? "LEAKY control" : "copp.h's",
           fails ? "wrong results" : "results right (valgrind judges the timing)");
    return fails != 0;
}
