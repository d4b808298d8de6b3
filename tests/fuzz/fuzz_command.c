/* fuzz_command.c -- COPPCommand on arbitrary bytes, up to 16 per input, over
 * two active sessions.  Per command: flags (fix dwSequence, force one of the
 * two command GUIDs, MAC it correctly, inject a hardware fault), the target
 * session, the 40-byte header, and up to 255 payload bytes. */
#include "fuzz_common.h"
#include "fuzz_snap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t g_level[16] = COPP_GUID_DXVA_COPPSetProtectionLevel;
    static const uint8_t g_sig[16] = COPP_GUID_DXVA_COPPSetSignaling;
    static fz_world w;
    static fz_snap sn;
    static uint8_t cmd[4096];
    fz_in in;
    int n;
    in.p = data; in.n = size; in.pos = 0;
    fz_init(&w);
    FZ_CHECK(fz_activate(&w, 0, fz_u32(&in), fz_u32(&in)) == COPP_S_OK);
    FZ_CHECK(fz_activate(&w, 1, 7, 0xFFFFFFFFu) == COPP_S_OK);
    for (n = 0; n < 16 && in.pos < in.n; n++) {
        uint8_t flags = fz_u8(&in), dlen;
        int i = fz_u8(&in) & 1;
        int32_t hr;
        memset(cmd, 0, sizeof cmd);
        fz_bytes(&in, cmd, 40);
        dlen = fz_u8(&in);
        fz_bytes(&in, cmd + 40, dlen);
        if (flags & 1) copp__st32(cmd + 32, fz_rec(&w, i)->command_seq);
        if (flags & 2) memcpy(cmd + 16, (flags & 4) ? g_sig : g_level, 16);
        if (flags & 8) copp__st32(cmd + 36, (flags & 4) ? 64u : 16u);
        if (flags & 16) fz_mac(&w, i, cmd);
        if (flags & 32) {
            w.hw.fail_at = w.hw.calls + 1u + (flags >> 6);
            w.faulted = 1;
        }
        fz_snap_take(&sn, &w, i);
        hr = copp_command(&w.s[i], cmd);
        w.hw.fail_at = 0;
        if (hr != COPP_S_OK) {
            fz_snap_same(&sn, &w, i);   /* nothing consumed, nothing applied */
        } else {
            FZ_CHECK(fz_rec(&w, i)->command_seq == sn.rec.command_seq + 1u);
            FZ_CHECK(copp__ld32(cmd + 32) == sn.rec.command_seq);
        }
        fz_invariants(&w);
    }
    return 0;
}
