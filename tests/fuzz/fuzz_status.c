/* fuzz_status.c -- COPPQueryStatus on arbitrary bytes, up to 16 per input.
 * Per request: flags (fix dwSequence, force a known GUID, fix cbSizeData,
 * latch an event), the 40-byte header and 4 data bytes.  A failure must leave
 * the output untouched and the session unchanged; a success must be a MACed
 * reply of a documented size that echoes rApp, with zeros after it. */
#include "fuzz_common.h"
#include "fuzz_snap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fz_world w;
    static fz_snap sn;
    static uint8_t req[4096], out[4096];
    fz_in in;
    int n;
    in.p = data; in.n = size; in.pos = 0;
    fz_init(&w);
    FZ_CHECK(fz_activate(&w, 0, fz_u32(&in), 3) == COPP_S_OK);
    for (n = 0; n < 16 && in.pos < in.n; n++) {
        uint8_t flags = fz_u8(&in);
        int32_t hr;
        size_t k;
        memset(req, 0, sizeof req);
        fz_bytes(&in, req, 44);
        if (flags & 1) copp__st32(req + 32, fz_rec(&w, 0)->status_seq);
        if (flags & 2) memcpy(req + 16, fz_status_guids((flags >> 5) & 7), 16);
        if (flags & 4) copp__st32(req + 36, copp__status_requests[(flags >> 5) & 7].in_size);
        if (flags & 8) copp_connector_event(&w.conn, flags & 16 ? COPP_STATUS_RENEGOTIATION_REQUIRED : COPP_STATUS_LINK_LOST);
        memset(out, 0xA5, sizeof out);
        fz_snap_take(&sn, &w, 0);
        hr = copp_query_status(&w.s[0], req, out);
        if (hr != COPP_S_OK) {
            fz_snap_same(&sn, &w, 0);
            for (k = 0; k < sizeof out; k++) FZ_CHECK(out[k] == 0xA5);
        } else {
            copp_mac_ctx key;
            uint32_t sz = copp__ld32(out + 16);
            fz_kdi(0, key.bytes);
            FZ_CHECK(copp_app_verify_status(out, req, &mock_crypto_table, &w.mc, &key) == COPP_S_OK);
            FZ_CHECK(sz == 32 || sz == 44 || sz == 72 || sz == 88);
            FZ_CHECK(copp__ld32(out + 36) == sn.rec.pending_flags);
            for (k = 20 + sz; k < sizeof out; k++) FZ_CHECK(out[k] == 0);
            FZ_CHECK(fz_rec(&w, 0)->status_seq == sn.rec.status_seq + 1u && fz_rec(&w, 0)->pending_flags == 0);
        }
        fz_invariants(&w);
    }
    return 0;
}
