/* ctgrind.c -- constant-time check with valgrind memcheck (the ctgrind
 * technique, as Monocypher uses it): secret bytes are marked undefined, and
 * memcheck reports any branch or memory index that depends on them.
 *   valgrind --error-exitcode=1 build/ctgrind            must pass
 *   valgrind --error-exitcode=1 build/ctgrind --leaky    must FAIL (control:
 *       an early-exit compare, proving the check can see a leak)
 * Checked: the MAC comparison and the rGH comparison (copp__ct_equal, equal
 * and unequal inputs), the key wipe (copp__wipe), and the OpenSSL backend's
 * CMAC subkey doubling (copp__cmac_dbl), which handles AES_K(0). */
#define COPP_IMPLEMENTATION
#define COPP_WITH_OPENSSL
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
    printf("ctgrind: %s comparisons, wipe and subkey step: %s\n", leaky ? "LEAKY control" : "copp.h's",
           fails ? "wrong results" : "results right (valgrind judges the timing)");
    return fails != 0;
}
