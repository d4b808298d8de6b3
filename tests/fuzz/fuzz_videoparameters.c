/* fuzz_videoparameters.c -- IOCTL_VIDEO_HANDLE_VIDEOPARAMETERS on arbitrary
 * bytes, up to 24 requests per input, beside an active COPP session holding
 * ACP.  Flags fix the Guid, pick SET + COPYPROTECT, and use a live key. */
#include "fuzz_common.h"
#include "fuzz_snap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t guid[16] = COPP_GUID_VIDEOPARAMETERS;
    static fz_world w;
    static fz_snap sn;
    uint8_t vp[356], out[356];
    fz_in in;
    int n;
    in.p = data; in.n = size; in.pos = 0;
    fz_init(&w);
    FZ_CHECK(fz_activate(&w, 0, 1, 1) == COPP_S_OK);
    {
        uint8_t cmd[4096];
        copp_app_set_protection_level(cmd, 1, COPP_PROTECTION_TYPE_ACP, fz_u8(&in) & 3u);
        fz_mac(&w, 0, cmd);
        FZ_CHECK(copp_command(&w.s[0], cmd) == COPP_S_OK);
    }
    for (n = 0; n < 24 && in.pos < in.n; n++) {
        uint8_t flags = fz_u8(&in);
        uint32_t st, keys_before = w.conn.nvp_keys;
        size_t k;
        memset(vp, 0, sizeof vp);
        fz_bytes(&in, vp, 100);
        if (flags & 1) memcpy(vp, guid, 16);
        if (flags & 2) {
            copp__st32(vp + 20, COPP_VP_COMMAND_SET);
            copp__st32(vp + 24, COPP_VP_FLAGS_COPYPROTECT);
            copp__st32(vp + 84, 1u << ((flags >> 2) & 3));   /* ACTIVATE, DEACTIVATE, CHANGE, 8 */
        }
        if ((flags & 16) && w.conn.nvp_keys) copp__st32(vp + 92, w.conn.vp_keys[(flags >> 5) % w.conn.nvp_keys].key);
        memset(out, 0x5C, sizeof out);
        fz_snap_take(&sn, &w, 0);
        st = copp_handle_videoparameters(&w.conn, vp, out);
        if (st != COPP_NO_ERROR) {
            FZ_CHECK(st == COPP_ERROR_INVALID_PARAMETER || st == COPP_ERROR_NOT_ENOUGH_MEMORY ||
                     st == COPP_ERROR_GEN_FAILURE);
            fz_snap_same(&sn, &w, 0);
            for (k = 0; k < sizeof out; k++) FZ_CHECK(out[k] == 0x5C);
        } else {
            FZ_CHECK(memcmp(out, guid, 16) == 0);
            FZ_CHECK(w.conn.nvp_keys + 1 >= keys_before && w.conn.nvp_keys <= keys_before + 1);
        }
        fz_invariants(&w);
    }
    return 0;
}
