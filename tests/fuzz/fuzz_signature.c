/* fuzz_signature.c -- COPPSequenceStart on arbitrary bytes.  Mock crypto:
 * the "decryption" is the identity, so the input is the plaintext and reaches
 * the parse; flags splice in the right rGH and vary the plaintext length. */
#include "fuzz_common.h"
#include "fuzz_snap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fz_world w;
    static fz_snap sn;
    fz_in in;
    uint8_t sig[256];
    uint8_t flags;
    uint32_t len;
    uint8_t cert[64];
    int32_t hr;
    in.p = data; in.n = size; in.pos = 0;
    fz_init(&w);
    flags = fz_u8(&in);
    w.mc.plain_len = (flags & 4) ? fz_u8(&in) + 1u : 0;   /* 1..256, or the default 256 */
    fz_bytes(&in, sig, sizeof sig);
    FZ_CHECK(copp_open(&w.conn, &w.s[0]) == COPP_S_OK);
    if (flags & 8) {   /* sometimes from the wrong state */
        FZ_CHECK(copp_get_certificate_length(&w.s[0], &len) == COPP_S_OK);
        FZ_CHECK(copp_key_exchange(&w.s[0], w.rgh[0], cert, sizeof cert) == COPP_S_OK);
    }
    if (flags & 1) memcpy(sig, w.rgh[0], 16);
    if (flags & 2) w.mc.fail_at = w.mc.calls + 1u + (flags >> 6);
    fz_snap_take(&sn, &w, 0);
    hr = copp_sequence_start(&w.s[0], sig);
    if (hr != COPP_S_OK) {
        fz_snap_same(&sn, &w, 0);
    } else {
        FZ_CHECK(copp_is_active(&w.s[0]));
        FZ_CHECK(fz_rec(&w, 0)->status_seq == copp__ld32(sig + 32) && fz_rec(&w, 0)->command_seq == copp__ld32(sig + 36));
        FZ_CHECK(copp_sequence_start(&w.s[0], sig) == COPP_E_UNEXPECTED);
    }
    fz_invariants(&w);
    FZ_CHECK(copp_close(&w.s[0]) == COPP_S_OK);
    fz_invariants(&w);
    return 0;
}
