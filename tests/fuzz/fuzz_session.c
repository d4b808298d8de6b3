/* fuzz_session.c -- a byte stream turned into a sequence of API calls over
 * three sessions on one connector: open, close, certificate length, key
 * exchange, sequence start (good or bad rGH), SetProtectionLevel of any type
 * and level, SetSignaling, every status request, events, VIDEOPARAMETERS
 * ACTIVATE / CHANGE / DEACTIVATE, resync, copp_connector_init again, every
 * call on a byte copy of a session (refused, nothing changes), and hardware
 * and crypto faults.  Commands are MACed correctly most of the time so deep
 * states are reached.  The invariants are checked after every call, and
 * COPP_ASSERT aborts (fuzz_common.h), so no input reaches an assert. */
#include "fuzz_common.h"
#include "fuzz_snap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t g_sig[16] = COPP_GUID_DXVA_COPPSetSignaling;
    static const uint8_t g_vp[16] = COPP_GUID_VIDEOPARAMETERS;
    static fz_world w;
    static uint8_t cmd[4096], out[4096];
    fz_in in;
    int n;
    in.p = data; in.n = size; in.pos = 0;
    fz_init(&w);
    for (n = 0; n < 64 && in.pos < in.n; n++) {
        uint8_t op = fz_u8(&in), arg = fz_u8(&in);
        int i = (op >> 4) % FZ_SESSIONS;
        uint32_t len;
        uint8_t cert[64], sig[256], vp[356];
        switch (op & 15) {
        case 0: copp_open(&w.conn, &w.s[i]); break;
        case 1:
            if (arg & 0x80) {   /* a byte copy of session i: every call refused, nothing changes */
                static fz_snap sn;
                static uint8_t in2[4096];
                w.stray = w.s[i];
                fz_snap_take(&sn, &w, i);
                copp_app_set_protection_level(cmd, fz_rec(&w, i)->command_seq, COPP_PROTECTION_TYPE_ACP, arg & 3u);
                fz_mac(&w, i, cmd);
                FZ_CHECK(copp_command(&w.stray, cmd) == COPP_E_UNEXPECTED);
                copp_app_status_request(in2, w.rgh[i], fz_status_guids(0), fz_rec(&w, i)->status_seq, NULL, 0);
                FZ_CHECK(copp_query_status(&w.stray, in2, out) == COPP_E_UNEXPECTED);
                FZ_CHECK(copp_close(&w.stray) == COPP_E_UNEXPECTED);
                FZ_CHECK(copp_session_state(&w.stray) == COPP_STATE_CLOSED);
                fz_snap_same(&sn, &w, i);
            } else {
                copp_close(&w.s[i]);
            }
            break;
        case 2: copp_get_certificate_length(&w.s[i], &len); break;
        case 3: copp_key_exchange(&w.s[i], w.rgh[i], cert, arg & 1 ? 8u : sizeof cert); break;
        case 4:
            memset(sig, 0, sizeof sig);
            memcpy(sig, w.rgh[i], 16);
            if (arg & 1) sig[arg >> 4] ^= 1;
            fz_kdi(i, sig + 16);
            copp__st32(sig + 32, fz_u32(&in));
            copp__st32(sig + 36, fz_u32(&in));
            copp_sequence_start(&w.s[i], sig);
            break;
        case 5: case 6: case 7: {   /* SetProtectionLevel: type from arg, level from the next byte */
            static const uint32_t types[4] = { COPP_PROTECTION_TYPE_HDCP, COPP_PROTECTION_TYPE_ACP,
                                               COPP_PROTECTION_TYPE_CGMSA, 0x80000002u };
            uint8_t lv = fz_u8(&in);
            copp_app_set_protection_level(cmd, fz_rec(&w, i)->command_seq, types[arg & 3], lv & 15u);
            if (arg & 4) copp__st32(cmd + 32, fz_rec(&w, i)->command_seq + 1u);
            fz_mac(&w, i, cmd);
            if ((arg & 0x18) == 0x18) cmd[1] ^= 1;
            copp_command(&w.s[i], cmd);
            break;
        }
        case 8: {   /* SetSignaling */
            uint8_t d[64];
            memset(d, 0, sizeof d);
            fz_bytes(&in, d, 28);
            copp_app_command(cmd, g_sig, fz_rec(&w, i)->command_seq, d, 64);
            fz_mac(&w, i, cmd);
            copp_command(&w.s[i], cmd);
            break;
        }
        case 9: case 10: {   /* status */
            uint8_t d[4];
            int k = arg & 7;
            copp__st32(d, (uint32_t)1u << ((arg >> 3) & 3));
            copp_app_status_request(cmd, w.rgh[i], fz_status_guids(k), fz_rec(&w, i)->status_seq - ((arg >> 5) & 1u), d,
                                    copp__status_requests[k].in_size);
            copp_query_status(&w.s[i], cmd, out);
            break;
        }
        case 11: copp_connector_event(&w.conn, arg); break;
        case 12: {   /* VIDEOPARAMETERS */
            memset(vp, 0, sizeof vp);
            memcpy(vp, g_vp, 16);
            copp__st32(vp + 20, COPP_VP_COMMAND_SET);
            copp__st32(vp + 24, COPP_VP_FLAGS_COPYPROTECT);
            copp__st32(vp + 84, 1u << (arg & 3));
            if (w.conn.nvp_keys && (arg & 4)) copp__st32(vp + 92, w.conn.vp_keys[(arg >> 3) % w.conn.nvp_keys].key);
            copp__st32(vp + 96, arg >> 6);
            copp_handle_videoparameters(&w.conn, vp, vp);
            break;
        }
        case 13:
            if (arg & 0x80) {   /* init again: refused while a session or key is live, or a level is left on */
                copp_connector_desc d;
                int busy = w.conn.nvp_keys != 0, armed = w.hw.fail_at > w.hw.calls, k;
                int32_t hr;
                for (k = 0; k < FZ_SESSIONS; k++) busy |= copp_session_state(&w.s[k]) != COPP_STATE_CLOSED;
                for (k = 0; k < 3; k++) busy |= w.conn.applied[k] != 0;
                memcpy(&d, &w.conn.desc, sizeof d);
                hr = copp_connector_init(&w.conn, &d);
                if (busy) FZ_CHECK(hr == COPP_E_UNEXPECTED);
                else FZ_CHECK(hr == COPP_S_OK || (armed && w.hw.failed_op == MOCK_OP_GET_TYPES));
                if (hr == COPP_S_OK) copp_connector_resync(&w.conn, 0);   /* init writes no hardware */
            } else {
                copp_connector_resync(&w.conn, arg);
            }
            w.faulted = 0;
            break;
        case 14:   /* a hardware fault in one of the next calls */
            w.hw.fail_at = w.hw.calls + 1u + (arg & 7u);
            w.hw.fail_hr = (arg & 8) ? COPP_DDERR_TOOBIGSIZE : COPP_E_FAIL;
            w.faulted = 1;
            break;
        default:   /* a crypto fault in one of the next calls */
            w.mc.fail_at = w.mc.calls + 1u + (arg & 7u);
            break;
        }
        /* resync restores the derived levels only if its own writes succeeded */
        if ((op & 15) == 13 && w.hw.fail_at > w.hw.calls) w.faulted = 1;
        if ((op & 15) == 13) {
            int t;
            for (t = 0; t < 3; t++)
                if (w.conn.applied[t] != fz_expected(&w, t)) w.faulted = 1;
        }
        fz_invariants(&w);
    }
    for (n = 0; n < FZ_SESSIONS; n++)
        if (copp_session_state(&w.s[n]) != COPP_STATE_CLOSED) FZ_CHECK(copp_close(&w.s[n]) == COPP_S_OK);
    fz_invariants(&w);
    return 0;
}
