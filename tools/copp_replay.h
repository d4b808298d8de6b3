/* copp_replay.h -- re-execute a transcript against the linked copp.h
 * (coppdump --replay; fuzz_transcript).
 *
 * A connector is rebuilt with replay callbacks: every hardware op, the RNG
 * and a replay crypto backend answer from the records, in order, and check
 * that copp asks what the recording says it asked (same op, same arguments).
 * Each call is made again with its recorded inputs, recorded again by a
 * recorder of the same flags, and the new record is compared item by item
 * with the old: the replay stops at the first divergence and says what
 * differs.  Secrets the transcript withholds are stood in for: rGH (any
 * bytes), the start sequence (the session's own rGH, or a different one when
 * the recording says RANDOM_MISMATCH), a command's withheld tag (one that
 * does not match).  With COPP_RECORDER_KEEP_MAC_KEY transcripts and
 * COPP_REPLAY_WITH_LIBTOM, every recorded tag is re-verified by AES-CMAC
 * under the recorded kDI.
 *
 * Include after copp.h (COPP_IMPLEMENTATION and COPP_WITH_RECORDER) and
 * copp_transcript.h.  The transcript is untrusted: malformed input is an
 * error (rp_run returns 2), never a crash.  out may be NULL (no timeline).
 * Returns 0 (replayed, no divergence), 1 (divergence), 2 (malformed, or
 * not replayable: e.g. it does not start at copp_connector_init). */
#ifndef COPP_REPLAY_H
#define COPP_REPLAY_H

#include <stdarg.h>
#include <stdlib.h>

#define RP_SESSIONS (COPP_MAX_SESSIONS + 1)
#define RP_RING     (64u * 1024u)
#define RP_MAX_CERT (1u << 20)

typedef struct rp_state {
    FILE *out;
    cpt_reader rd;
    cpt_record cur;            /* the record being replayed */
    size_t cb_off;             /* where its next callback item is searched from */
    int free_mode;             /* 1: callbacks answer defaults (the unrecorded pre-init) */
    int diverged, malformed;
    char why[320];
    copp_connector conn;
    copp_session sess[RP_SESSIONS];
    copp_session *cur_s;       /* the session of the call being replayed */
    copp_session scratch;      /* a session the recording had not bound */
    copp_hw_ops hw;
    copp_crypto crypto;
    copp_recorder rec;
    uint8_t ring[RP_RING];
    uint8_t exported[RP_RING + 64];
    uint8_t *cert;
    uint32_t applied[3];       /* the levels after the previous record */
#ifdef COPP_REPLAY_WITH_LIBTOM
    copp_libtom mac_backend;   /* re-verifies tags under a kept kDI */
    int have_mac_backend;
#endif
} rp_state;

static void rp_printf(rp_state *st, const char *fmt, ...)
{
    va_list ap;
    if (st->out == NULL) return;
    va_start(ap, fmt);
    vfprintf(st->out, fmt, ap);
    va_end(ap);
}

static void rp_diverge(rp_state *st, const char *fmt, ...)
{
    va_list ap;
    if (st->diverged || st->malformed) return;   /* the first one counts */
    st->diverged = 1;
    va_start(ap, fmt);
    vsnprintf(st->why, sizeof st->why, fmt, ap);
    va_end(ap);
}

static void rp_malformed(rp_state *st, const char *what)
{
    if (st->malformed) return;
    st->malformed = 1;
    snprintf(st->why, sizeof st->why, "record %u (offset %lu): %s", (unsigned)st->cur.seq,
             (unsigned long)st->cur.at, what);
}

/* The next CALLBACK item of the current record; it must be `id` with a
 * payload of at least `min` bytes.  NULL (and a divergence) otherwise. */
static const cpt_item *rp_next_cb(rp_state *st, uint32_t id, uint32_t min, cpt_item *it)
{
    int got;
    if (st->free_mode) return NULL;
    while ((got = cpt_item_next(&st->cur, &st->cb_off, it)) == 1)
        if (it->kind == COPP_REC_KIND_CALLBACK) break;
    if (got != 1 || it->kind != COPP_REC_KIND_CALLBACK) {
        rp_diverge(st, "copp called %s, the recording has no further callback in this call", cpt_cb_name(id));
        return NULL;
    }
    if (it->id != id) {
        rp_diverge(st, "copp called %s, the recording's next callback is %s", cpt_cb_name(id), cpt_cb_name(it->id));
        return NULL;
    }
    if (it->len < min) {
        rp_malformed(st, "callback item shorter than its layout");
        return NULL;
    }
    return it;
}

static uint32_t rp_u32(const cpt_item *it, uint32_t off) { return cpt_le32(it->p + off); }

static const char *rp_type_name(uint32_t t)
{
    return t == COPP_PROTECTION_TYPE_HDCP ? "HDCP" : t == COPP_PROTECTION_TYPE_ACP ? "ACP"
         : t == COPP_PROTECTION_TYPE_CGMSA ? "CGMS-A" : "type?";
}

/* ---- replay hardware ops ------------------------------------------------ */

static int32_t rp_get_protection_types(void *u, uint32_t *types)
{
    rp_state *st = (rp_state *)u;
    cpt_item it;
    if (st->free_mode) { *types = st->rd.h.protection_types; return COPP_S_OK; }
    if (!rp_next_cb(st, COPP_REC_CB_GET_PROTECTION_TYPES, 8, &it)) return COPP_E_FAIL;
    *types = rp_u32(&it, 4);
    return (int32_t)rp_u32(&it, 0);
}

/* (type, level) -> hr ops: the arguments must be the recorded ones. */
static int32_t rp_tl(rp_state *st, uint32_t id, uint32_t type, uint32_t level)
{
    cpt_item it;
    if (st->free_mode) return COPP_S_OK;
    if (!rp_next_cb(st, id, 12, &it)) return COPP_E_FAIL;
    if (rp_u32(&it, 0) != type || rp_u32(&it, 4) != level) {
        rp_diverge(st, "copp called %s(%s, %u), the recording has %s(%s, %u)", cpt_cb_name(id), rp_type_name(type),
                   (unsigned)level, cpt_cb_name(id), rp_type_name(rp_u32(&it, 0)), (unsigned)rp_u32(&it, 4));
        return COPP_E_FAIL;
    }
    return (int32_t)rp_u32(&it, 8);
}

static int32_t rp_set_protection(void *u, uint32_t t, uint32_t l) { return rp_tl((rp_state *)u, COPP_REC_CB_SET_PROTECTION, t, l); }
static int32_t rp_check_protection(void *u, uint32_t t, uint32_t l) { return rp_tl((rp_state *)u, COPP_REC_CB_CHECK_PROTECTION, t, l); }

static int32_t rp_get_protection(void *u, uint32_t type, uint32_t *level)
{
    rp_state *st = (rp_state *)u;
    cpt_item it;
    if (!rp_next_cb(st, COPP_REC_CB_GET_PROTECTION, 12, &it)) return COPP_E_FAIL;
    if (rp_u32(&it, 0) != type) {
        rp_diverge(st, "copp called get_protection(%s), the recording has get_protection(%s)", rp_type_name(type),
                   rp_type_name(rp_u32(&it, 0)));
        return COPP_E_FAIL;
    }
    *level = rp_u32(&it, 8);
    return (int32_t)rp_u32(&it, 4);
}

static int32_t rp_hv(rp_state *st, uint32_t id, uint32_t *v)
{
    cpt_item it;
    if (!rp_next_cb(st, id, 8, &it)) return COPP_E_FAIL;
    *v = rp_u32(&it, 4);
    return (int32_t)rp_u32(&it, 0);
}

static int32_t rp_get_connector_type(void *u, uint32_t *v) { return rp_hv((rp_state *)u, COPP_REC_CB_GET_CONNECTOR_TYPE, v); }
static int32_t rp_get_bus_type(void *u, uint32_t *v) { return rp_hv((rp_state *)u, COPP_REC_CB_GET_BUS_TYPE, v); }
static int32_t rp_get_tv_standards(void *u, uint32_t *v) { return rp_hv((rp_state *)u, COPP_REC_CB_GET_TV_STANDARDS, v); }

static int32_t rp_get_display_data(void *u, copp_display_data *dd)
{
    rp_state *st = (rp_state *)u;
    cpt_item it;
    if (!rp_next_cb(st, COPP_REC_CB_GET_DISPLAY_DATA, 28, &it)) return COPP_E_FAIL;
    dd->DisplayWidth = rp_u32(&it, 4);
    dd->DisplayHeight = rp_u32(&it, 8);
    dd->Format = rp_u32(&it, 12);
    dd->d3dFormat = rp_u32(&it, 16);
    dd->FreqNumerator = rp_u32(&it, 20);
    dd->FreqDenominator = rp_u32(&it, 24);
    return (int32_t)rp_u32(&it, 0);
}

static int32_t rp_get_hdcp_key_data(void *u, uint32_t *flags, uint8_t bksv[5])
{
    rp_state *st = (rp_state *)u;
    cpt_item it;
    if (!rp_next_cb(st, COPP_REC_CB_GET_HDCP_KEY_DATA, 13, &it)) return COPP_E_FAIL;
    *flags = rp_u32(&it, 4);
    memcpy(bksv, it.p + 8, 5);
    return (int32_t)rp_u32(&it, 0);
}

static int32_t rp_set_signaling(void *u, const copp_signaling *sig)
{
    rp_state *st = (rp_state *)u;
    cpt_item it;
    uint32_t i, want[7], got[7];
    if (!rp_next_cb(st, COPP_REC_CB_SET_SIGNALING, 44, &it)) return COPP_E_FAIL;
    got[0] = sig->ActiveTVProtectionStandard;
    for (i = 0; i < 3; i++) { got[1 + i] = sig->AspectRatioValidMask[i]; got[4 + i] = sig->AspectRatioData[i]; }
    for (i = 0; i < 7; i++) want[i] = rp_u32(&it, 4 * i);
    if (memcmp(want, got, sizeof want) != 0) {
        rp_diverge(st, "copp called set_signaling(standard 0x%x, aspect 0x%x), the recording has (0x%x, 0x%x)",
                   (unsigned)got[0], (unsigned)got[4], (unsigned)want[0], (unsigned)want[4]);
        return COPP_E_FAIL;
    }
    return (int32_t)rp_u32(&it, 40);
}

static void rp_vp_store(copp_videoparameters *p, const uint8_t *b)
{
#define COPP__X(f, off) p->f = cpt_le32(b + (off) - 16);
    COPP__VP_FIELDS(COPP__X)
#undef COPP__X
}

static int32_t rp_vp_get(void *u, copp_videoparameters *p)
{
    rp_state *st = (rp_state *)u;
    cpt_item it;
    uint8_t b[84];
    if (!rp_next_cb(st, COPP_REC_CB_VP_GET, 172, &it)) return COPP_E_FAIL;
    copp__rec_vp(b, p);
    if (memcmp(b, it.p + 4, sizeof b) != 0) {
        rp_diverge(st, "copp called vp_get with other VIDEOPARAMETERS than recorded");
        return COPP_E_FAIL;
    }
    rp_vp_store(p, it.p + 88);
    return (int32_t)rp_u32(&it, 0);
}

static int32_t rp_vp_set(void *u, const copp_videoparameters *p)
{
    rp_state *st = (rp_state *)u;
    cpt_item it;
    uint8_t b[84];
    if (!rp_next_cb(st, COPP_REC_CB_VP_SET, 88, &it)) return COPP_E_FAIL;
    copp__rec_vp(b, p);
    if (memcmp(b, it.p, sizeof b) != 0) {
        rp_diverge(st, "copp called vp_set with other VIDEOPARAMETERS than recorded");
        return COPP_E_FAIL;
    }
    return (int32_t)rp_u32(&it, 84);
}

/* ---- replay crypto ------------------------------------------------------ */

static int rp_randombytes(void *u, uint8_t *buf, size_t len)
{
    rp_state *st = (rp_state *)u;
    cpt_item it;
    size_t i;
    if (st->free_mode) { memset(buf, 0, len); return 0; }
    if (!rp_next_cb(st, COPP_REC_CB_RANDOMBYTES, 9, &it)) return -1;
    if (rp_u32(&it, 0) != len) {
        rp_diverge(st, "copp asked randombytes for %lu bytes, the recording drew %u", (unsigned long)len,
                   (unsigned)rp_u32(&it, 0));
        return -1;
    }
    if (it.p[8] && it.len - 9u == len) memcpy(buf, it.p + 9, len);
    else if (it.p[8]) { rp_malformed(st, "randombytes item: kept bytes are not its length"); return -1; }
    else for (i = 0; i < len; i++) buf[i] = (uint8_t)(0xA5u ^ i);   /* withheld (rGH): any bytes */
    return (int)rp_u32(&it, 4);
}

/* The RSA output stands in: the session's own rGH (or another when the
 * recording says RANDOM_MISMATCH), the kept kDI or zeros, the recorded
 * start sequence numbers. */
static int32_t rp_rsa_decrypt(void *u, const uint8_t sig[256], uint8_t out[256], size_t *out_len)
{
    rp_state *st = (rp_state *)u;
    cpt_item it;
    int32_t hr;
    uint32_t i;
    (void)sig;
    if (!rp_next_cb(st, COPP_REC_CB_RSA_DECRYPT, 17, &it)) return COPP_E_FAIL;
    hr = (int32_t)rp_u32(&it, 0);
    *out_len = rp_u32(&it, 4);
    memset(out, 0, 256);
    if (hr == COPP_S_OK && *out_len >= 40 && *out_len <= 256) {
        if (st->cur_s != NULL) memcpy(out, st->cur_s->rgh, 16);
        if (st->cur.reason == COPP_REASON_RANDOM_MISMATCH) for (i = 0; i < 16; i++) out[i] ^= 0xFF;
        if (it.p[16] && it.len >= 33) memcpy(out + 16, it.p + 17, 16);
        copp__st32(out + 32, rp_u32(&it, 8));
        copp__st32(out + 36, rp_u32(&it, 12));
    }
    if (*out_len > 256) *out_len = 256;   /* a hostile length copp would refuse anyway */
    return hr;
}

static int32_t rp_mac_init(void *u, copp_mac_ctx *ctx, const uint8_t key[16])
{
    rp_state *st = (rp_state *)u;
    cpt_item it;
    if (!rp_next_cb(st, COPP_REC_CB_MAC_INIT, 4, &it)) return COPP_E_FAIL;
    memset(ctx, 0, sizeof *ctx);
#ifdef COPP_REPLAY_WITH_LIBTOM
    if (st->have_mac_backend && (st->rd.h.flags & COPP_RECORDER_KEEP_MAC_KEY) && rp_u32(&it, 0) == COPP_S_OK &&
        copp_libtom_crypto()->mac_init(&st->mac_backend, ctx, key) != COPP_S_OK)
        memset(ctx, 0, sizeof *ctx);
#else
    (void)key;
#endif
    return (int32_t)rp_u32(&it, 0);
}

static int32_t rp_mac(void *u, const copp_mac_ctx *ctx, const uint8_t *msg, size_t len, size_t zero_tail,
                      uint8_t tag[16])
{
    rp_state *st = (rp_state *)u;
    cpt_item it, w;
    size_t off = 0;
    uint32_t full, kept, i;
    const uint8_t *bytes;
    if (!rp_next_cb(st, COPP_REC_CB_MAC, 29, &it)) return COPP_E_FAIL;
    if (rp_u32(&it, 0) != len || rp_u32(&it, 4) != zero_tail) {
        rp_diverge(st, "copp called mac over %lu + %lu zero bytes, the recording over %u + %u", (unsigned long)len,
                   (unsigned long)zero_tail, (unsigned)rp_u32(&it, 0), (unsigned)rp_u32(&it, 4));
        return COPP_E_FAIL;
    }
    if (it.p[12]) {
        memcpy(tag, it.p + 13, 16);
#ifdef COPP_REPLAY_WITH_LIBTOM
        if (st->have_mac_backend && (st->rd.h.flags & COPP_RECORDER_KEEP_MAC_KEY)) {
            uint8_t t[16];
            if (copp_libtom_crypto()->mac(&st->mac_backend, ctx, msg, len, zero_tail, t) == COPP_S_OK &&
                memcmp(t, tag, 16) != 0)
                rp_diverge(st, "the recorded tag is not AES-CMAC under the recorded kDI");
        }
#endif
    } else {   /* withheld (a command's that did not match): a tag that does not match macKDI */
        memset(tag, 0, 16);
        while (cpt_item_next(&st->cur, &off, &w) == 1)
            if (w.kind == COPP_REC_KIND_INPUT && w.id == COPP_REC_ITEM_WIRE && cpt_wire(&w, &full, &bytes, &kept))
                for (i = 0; i < 16 && i < kept; i++) tag[i] = bytes[i];
        for (i = 0; i < 16; i++) tag[i] ^= 0xFF;
    }
    (void)ctx;
    (void)msg;
    return (int32_t)rp_u32(&it, 8);
}

static void rp_mac_release(void *u, copp_mac_ctx *ctx)
{
    rp_state *st = (rp_state *)u;
    cpt_item it;
    (void)ctx;
    (void)rp_next_cb(st, COPP_REC_CB_MAC_RELEASE, 0, &it);
}

static int32_t rp_oaep_decrypt(void *u, const uint8_t ct[256], uint8_t msg[256], size_t *msg_len)
{
    rp_state *st = (rp_state *)u;
    cpt_item it;
    (void)ct;
    if (!rp_next_cb(st, COPP_REC_CB_OAEP_DECRYPT, 8, &it)) return COPP_E_FAIL;
    memset(msg, 0, 256);
    *msg_len = rp_u32(&it, 4) > 256 ? 256 : rp_u32(&it, 4);
    return (int32_t)rp_u32(&it, 0);
}

/* ---- one record --------------------------------------------------------- */

/* The first input item of this id (NULL if none). */
static const cpt_item *rp_input(const cpt_record *r, uint32_t id, cpt_item *it)
{
    size_t off = 0;
    while (cpt_item_next(r, &off, it) == 1)
        if (it->kind == COPP_REC_KIND_INPUT && it->id == id) return it;
    return NULL;
}

/* A WIRE input of exactly n bytes into buf; 0 NULL pointer, 1 bytes, -1 malformed. */
static int rp_wire_in(rp_state *st, uint8_t *buf, uint32_t n)
{
    cpt_item it;
    const uint8_t *bytes;
    uint32_t full, kept;
    if (!rp_input(&st->cur, COPP_REC_ITEM_WIRE, &it) || !cpt_wire(&it, &full, &bytes, &kept)) {
        rp_malformed(st, "no well-formed wire input");
        return -1;
    }
    if (full == COPP_REC_NONE) return 0;
    if (full != n) { rp_malformed(st, "wire input of the wrong length for this call"); return -1; }
    memset(buf, 0, n);
    memcpy(buf, bytes, kept);
    return 1;
}

static void rp_args(const cpt_record *r, uint32_t *nulls, uint32_t *value)
{
    cpt_item it;
    *nulls = *value = 0;
    if (rp_input(r, COPP_REC_ITEM_ARGS, &it) && it.len >= 8) {
        *nulls = rp_u32(&it, 0);
        *value = rp_u32(&it, 4);
    }
}

/* The storage a session call runs on: the one the replay's connector lists
 * at the recorded slot, a free one for an open, or scratch storage that
 * claims the recorded state (the recording had it unbound). */
static copp_session *rp_session(rp_state *st)
{
    uint32_t i, j;
    if (st->cur.call == COPP_CALL_OPEN && st->cur.slot != COPP_REC_NONE) {
        for (i = 0; i < RP_SESSIONS; i++) {
            int listed = 0;
            for (j = 0; j < st->conn.nsessions; j++) listed |= st->conn.sessions[j].session == &st->sess[i];
            if (!listed) { memset(&st->sess[i], 0, sizeof st->sess[i]); return &st->sess[i]; }
        }
    }
    if (st->cur.slot != COPP_REC_NONE && st->cur.slot < st->conn.nsessions && st->cur.slot < COPP_MAX_SESSIONS &&
        st->conn.initialized == COPP__MAGIC)
        return st->conn.sessions[st->cur.slot].session;
    memset(&st->scratch, 0, sizeof st->scratch);
    if (st->cur.call != COPP_CALL_OPEN) {
        st->scratch.conn = &st->conn;
        st->scratch.state = st->cur.state_before;
    }
    return &st->scratch;
}

/* Rebuild the description from the init record's DESC item. */
static int rp_desc(rp_state *st, copp_connector_desc *d)
{
    cpt_item it;
    uint32_t hw, cr, len;
    if (!rp_input(&st->cur, COPP_REC_ITEM_DESC, &it) || it.len < 16) {
        rp_malformed(st, "init record without its description");
        return -1;
    }
    len = rp_u32(&it, 0);
    hw = rp_u32(&it, 4);
    cr = rp_u32(&it, 8);
    if (len > RP_MAX_CERT) { rp_malformed(st, "certificate length over 1 MiB: not replayed"); return -1; }
    free(st->cert);
    st->cert = (uint8_t *)calloc(1, len + 1u);
    if (st->cert == NULL) { rp_malformed(st, "out of memory"); return -1; }
    memset(&st->hw, 0, sizeof st->hw);
    st->hw.get_protection_types = rp_get_protection_types;
    st->hw.set_protection = rp_set_protection;
#define RP_OP(bit, m, fn) if (hw & (1u << (bit))) st->hw.m = fn;
    RP_OP(2, get_protection, rp_get_protection) RP_OP(3, check_protection, rp_check_protection)
    RP_OP(4, get_connector_type, rp_get_connector_type) RP_OP(5, get_bus_type, rp_get_bus_type)
    RP_OP(6, get_display_data, rp_get_display_data) RP_OP(7, get_hdcp_key_data, rp_get_hdcp_key_data)
    RP_OP(8, get_tv_standards, rp_get_tv_standards) RP_OP(9, set_signaling, rp_set_signaling)
    RP_OP(10, vp_get, rp_vp_get) RP_OP(11, vp_set, rp_vp_set)
#undef RP_OP
    memset(&st->crypto, 0, sizeof st->crypto);
    st->crypto.randombytes = rp_randombytes;
    st->crypto.rsa_decrypt = rp_rsa_decrypt;
    st->crypto.mac_init = rp_mac_init;
    st->crypto.mac = rp_mac;
    if (cr & 1u) st->crypto.mac_release = rp_mac_release;
    if (cr & 2u) st->crypto.oaep_decrypt = rp_oaep_decrypt;
    memset(d, 0, sizeof *d);
    d->hw = &st->hw;
    d->hw_user = st;
    d->crypto = &st->crypto;
    d->crypto_user = st;
    d->certificate = st->cert;
    d->certificate_len = len;
    d->recorder = &st->rec;
    return 0;
}

static void rp_hex(rp_state *st, const uint8_t *p, uint32_t n)
{
    uint32_t i;
    for (i = 0; i < n; i++) rp_printf(st, "%02x", p[i]);
}

static const char *rp_status_names(uint32_t f, char buf[64])
{
    buf[0] = 0;
    if (f & COPP_STATUS_LINK_LOST) strcat(buf, "LinkLost ");
    if (f & COPP_STATUS_RENEGOTIATION_REQUIRED) strcat(buf, "RenegotiationRequired ");
    if (f & ~3u) strcat(buf, "other ");
    if (buf[0]) buf[strlen(buf) - 1] = 0;
    return buf;
}

/* What a command, status request or VIDEOPARAMETERS asked (its wire bytes). */
static void rp_print_request(rp_state *st, const cpt_record *r)
{
    static const uint8_t spl[16] = COPP_GUID_DXVA_COPPSetProtectionLevel, ssig[16] = COPP_GUID_DXVA_COPPSetSignaling;
    cpt_item it;
    const uint8_t *b;
    uint8_t m[4096];
    uint32_t full, kept;
    const struct copp__status_request *q;
    if (!rp_input(r, COPP_REC_ITEM_WIRE, &it) || !cpt_wire(&it, &full, &b, &kept) || full == COPP_REC_NONE ||
        full > sizeof m)
        return;
    memset(m, 0, sizeof m);
    memcpy(m, b, kept);
    if (r->call == COPP_CALL_COMMAND && full == 4096) {
        if (memcmp(m + 16, spl, 16) == 0)
            rp_printf(st, "        request: DXVA_COPPSetProtectionLevel(%s, %u), dwSequence 0x%08x\n",
                      rp_type_name(cpt_le32(m + 40)), (unsigned)cpt_le32(m + 44), (unsigned)cpt_le32(m + 32));
        else if (memcmp(m + 16, ssig, 16) == 0)
            rp_printf(st, "        request: DXVA_COPPSetSignaling(standard 0x%x), dwSequence 0x%08x\n",
                      (unsigned)cpt_le32(m + 40), (unsigned)cpt_le32(m + 32));
        else
            rp_printf(st, "        request: unknown command GUID, dwSequence 0x%08x\n", (unsigned)cpt_le32(m + 32));
    } else if (r->call == COPP_CALL_QUERY_STATUS && full == 4096) {
        q = copp__status_find(m + 16);
        rp_printf(st, "        request: %s", q != NULL ? q->name : "unknown status GUID");
        if (cpt_le32(m + 36) == 4) rp_printf(st, "(%s)", rp_type_name(cpt_le32(m + 40)));
        rp_printf(st, ", dwSequence 0x%08x\n", (unsigned)cpt_le32(m + 32));
    } else if (r->call == COPP_CALL_VIDEO_PARAMETERS && full == 356) {
        rp_printf(st, "        request: VIDEOPARAMETERS dwCommand %u, dwFlags 0x%x, dwCPCommand %u, APS trigger %u\n",
                  (unsigned)cpt_le32(m + 20), (unsigned)cpt_le32(m + 24), (unsigned)cpt_le32(m + 84),
                  (unsigned)cpt_le32(m + 96));
    }
}

/* The timeline lines of one (original) record. */
static void rp_print_record(rp_state *st, const cpt_record *r)
{
    static const char *const tn[3] = { "HDCP", "ACP", "CGMS-A" };
    cpt_item it;
    size_t off = 0;
    char fl[64];
    uint32_t i, full, kept;
    const uint8_t *bytes;
    rp_printf(st, "#%-4u %-28s", (unsigned)r->seq, cpt_call_name(r->call));
    if (r->slot != COPP_REC_NONE) rp_printf(st, " session %u", (unsigned)r->slot);
    if (r->call == COPP_CALL_VIDEO_PARAMETERS)
        rp_printf(st, " -> %s (Win32 %u)", copp_result_str(r->result), (unsigned)copp__vp_status(r->result, r->reason));
    else
        rp_printf(st, " -> %s", copp_result_str(r->result));
    if (r->result != COPP_S_OK) rp_printf(st, " 0x%08x, %s", (unsigned)r->result, copp_reason_str(r->reason));
    if (r->state_before != r->state_after)
        rp_printf(st, "   %s -> %s", cpt_state_name(r->state_before), cpt_state_name(r->state_after));
    rp_printf(st, "\n");
    rp_print_request(st, r);
    while (cpt_item_next(r, &off, &it) == 1) {
        if (it.kind != COPP_REC_KIND_CALLBACK) continue;
        rp_printf(st, "        %-20s", cpt_cb_name(it.id));
        switch (it.id) {
        case COPP_REC_CB_SET_PROTECTION: case COPP_REC_CB_CHECK_PROTECTION:
            if (it.len >= 12) rp_printf(st, " (%s, %u) -> %s", rp_type_name(rp_u32(&it, 0)), (unsigned)rp_u32(&it, 4),
                                        copp_result_str((int32_t)rp_u32(&it, 8)));
            break;
        case COPP_REC_CB_GET_PROTECTION:
            if (it.len >= 12) rp_printf(st, " (%s) -> %s, level %u", rp_type_name(rp_u32(&it, 0)),
                                        copp_result_str((int32_t)rp_u32(&it, 4)), (unsigned)rp_u32(&it, 8));
            break;
        case COPP_REC_CB_RANDOMBYTES:
            if (it.len >= 9) rp_printf(st, " %u bytes -> %d%s", (unsigned)rp_u32(&it, 0), (int)rp_u32(&it, 4),
                                       it.p[8] ? "" : " (withheld: rGH)");
            break;
        case COPP_REC_CB_RSA_DECRYPT:
            if (it.len >= 17) rp_printf(st, " -> %s, %u bytes (withheld), starts 0x%08x 0x%08x%s",
                                        copp_result_str((int32_t)rp_u32(&it, 0)), (unsigned)rp_u32(&it, 4),
                                        (unsigned)rp_u32(&it, 8), (unsigned)rp_u32(&it, 12),
                                        it.p[16] ? " kDI KEPT (dangerous flag)" : "");
            break;
        case COPP_REC_CB_MAC:
            if (it.len >= 29) {
                rp_printf(st, " %u + %u zero bytes -> %s, tag ", (unsigned)rp_u32(&it, 0), (unsigned)rp_u32(&it, 4),
                          copp_result_str((int32_t)rp_u32(&it, 8)));
                if (it.p[12]) rp_hex(st, it.p + 13, 16); else rp_printf(st, "withheld");
            }
            break;
        default:
            if (it.len >= 8 && it.id != COPP_REC_CB_SET_SIGNALING && it.id != COPP_REC_CB_VP_SET &&
                it.id != COPP_REC_CB_CHECK_PROTECTION)
                rp_printf(st, " -> %s, 0x%x", copp_result_str((int32_t)rp_u32(&it, 0)), (unsigned)rp_u32(&it, 4));
            else if (it.id == COPP_REC_CB_SET_SIGNALING && it.len >= 44)
                rp_printf(st, " (standard 0x%x) -> %s", (unsigned)rp_u32(&it, 0), copp_result_str((int32_t)rp_u32(&it, 40)));
            else if (it.id == COPP_REC_CB_VP_SET && it.len >= 88)
                rp_printf(st, " (dwFlags 0x%x) -> %s", (unsigned)rp_u32(&it, 8), copp_result_str((int32_t)rp_u32(&it, 84)));
            else if (it.len >= 4)
                rp_printf(st, " -> %s", copp_result_str((int32_t)rp_u32(&it, 0)));
        }
        rp_printf(st, "\n");
    }
    for (i = 0; i < 3; i++)
        if (r->applied[i] != st->applied[i] && r->call != COPP_CALL_CONNECTOR_INIT)
            rp_printf(st, "        level %-6s %u -> %u\n", tn[i], (unsigned)st->applied[i], (unsigned)r->applied[i]);
    if (r->flags) rp_printf(st, "        events raised: %s (to every session)\n", rp_status_names(r->flags, fl));
    off = 0;
    if (r->call == COPP_CALL_QUERY_STATUS && r->result == COPP_S_OK)
        while (cpt_item_next(r, &off, &it) == 1)
            if (it.kind == COPP_REC_KIND_OUTPUT && it.id == COPP_REC_ITEM_WIRE && cpt_wire(&it, &full, &bytes, &kept)) {
                uint32_t f = kept >= 40 ? cpt_le32(bytes + 36) : 0;   /* dwFlags of the reply */
                if (f) rp_printf(st, "        events delivered: %s\n", rp_status_names(f, fl));
            }
    for (i = 0; i < 3; i++) st->applied[i] = r->applied[i];
}

/* Compare the re-recorded record with the original, item by item. */
static void rp_compare(rp_state *st, const cpt_record *mine)
{
    cpt_item a, b;
    size_t oa = 0, ob = 0;
    int ga, gb, n = 0;
    for (;;) {
        ga = cpt_item_next(&st->cur, &oa, &a);
        gb = cpt_item_next(mine, &ob, &b);
        if (ga != 1 || gb != 1) break;
        n++;
        if (a.kind != b.kind || a.id != b.id) {
            rp_diverge(st, "item %d: the recording has %s %u, the replay %s %u", n,
                       a.kind == COPP_REC_KIND_CALLBACK ? cpt_cb_name(a.id) : "item", (unsigned)a.id,
                       b.kind == COPP_REC_KIND_CALLBACK ? cpt_cb_name(b.id) : "item", (unsigned)b.id);
            return;
        }
        if (a.len != b.len || memcmp(a.p, b.p, a.len) != 0) {
            if (a.kind == COPP_REC_KIND_END)
                rp_diverge(st, "the result differs: recorded %s (%s), state %s, levels %u/%u/%u; replayed %s (%s), "
                           "state %s, levels %u/%u/%u", copp_result_str(st->cur.result), copp_reason_str(st->cur.reason),
                           cpt_state_name(st->cur.state_after), (unsigned)st->cur.applied[0],
                           (unsigned)st->cur.applied[1], (unsigned)st->cur.applied[2], copp_result_str(mine->result),
                           copp_reason_str(mine->reason), cpt_state_name(mine->state_after),
                           (unsigned)mine->applied[0], (unsigned)mine->applied[1], (unsigned)mine->applied[2]);
            else if (a.kind == COPP_REC_KIND_OUTPUT)
                rp_diverge(st, "the output (%s) differs from the recorded one", a.id == COPP_REC_ITEM_WIRE ? "wire bytes" : "value");
            else
                rp_diverge(st, "item %d (%s) differs", n, a.kind == COPP_REC_KIND_CALLBACK ? cpt_cb_name(a.id) : "input");
            return;
        }
    }
    if (ga == 1 || gb == 1)
        rp_diverge(st, "the %s has more items than the %s", ga == 1 ? "recording" : "replay", ga == 1 ? "replay" : "recording");
}

/* Re-execute the current record. */
static void rp_step(rp_state *st)
{
    cpt_record mine;
    cpt_reader rr;
    uint8_t buf[4096], out[4096], rgh[16];
    uint32_t nulls, value, len = 0, n;
    copp_connector_desc d;
    copp_session *s = NULL;
    cpt_item tmp;
    rp_args(&st->cur, &nulls, &value);
    st->cb_off = 0;
    st->cur_s = NULL;
    if (copp_recorder_init(&st->rec, st->ring, sizeof st->ring, st->rd.h.flags & COPP_RECORDER_KEEP_MAC_KEY) != COPP_S_OK) {
        rp_malformed(st, "recorder flags");
        return;
    }
    if (st->cur.call >= COPP_CALL_OPEN && st->cur.call <= COPP_CALL_CLOSE) st->cur_s = s = rp_session(st);
    switch (st->cur.call) {
    case COPP_CALL_CONNECTOR_INIT:
        if (rp_desc(st, &d) != 0) return;
        /* a recorded re-init (no epoch seed drawn): the storage had been initialized before */
        if (st->conn.initialized != COPP__MAGIC) {
            size_t off = 0;
            int seed = 0;
            while (cpt_item_next(&st->cur, &off, &tmp) == 1)
                seed |= tmp.kind == COPP_REC_KIND_CALLBACK && tmp.id == COPP_REC_CB_RANDOMBYTES;
            if (!seed && st->cur.result == COPP_S_OK) {
                d.recorder = NULL;
                st->free_mode = 1;
                (void)copp_connector_init(&st->conn, &d);
                st->free_mode = 0;
                d.recorder = &st->rec;
            }
        }
        (void)copp_connector_init(&st->conn, &d);
        break;
    case COPP_CALL_OPEN: (void)copp_open((nulls & 1) ? NULL : &st->conn, s); break;
    case COPP_CALL_GET_CERTIFICATE_LENGTH: (void)copp_get_certificate_length(s, (nulls & 1) ? NULL : &len); break;
    case COPP_CALL_KEY_EXCHANGE:
        (void)copp_key_exchange(s, (nulls & 1) ? NULL : rgh, (nulls & 2) ? NULL : st->cert, value);
        break;
    case COPP_CALL_SEQUENCE_START:
        if (rp_wire_in(st, buf, 256) < 0) return;
        (void)copp_sequence_start(s, (nulls & 1) ? NULL : buf);
        break;
    case COPP_CALL_COMMAND:
        if (rp_wire_in(st, buf, 4096) < 0) return;
        (void)copp_command(s, (nulls & 1) ? NULL : buf);
        break;
    case COPP_CALL_QUERY_STATUS:
        if (rp_wire_in(st, buf, 4096) < 0) return;
        (void)copp_query_status(s, (nulls & 1) ? NULL : buf, (nulls & 2) ? NULL : (nulls & 4) ? buf : out);
        break;
    case COPP_CALL_CLOSE: (void)copp_close(s); break;
    case COPP_CALL_EVENT: copp_connector_event(&st->conn, value); break;
    case COPP_CALL_VIDEO_PARAMETERS:
        if (rp_wire_in(st, buf, 356) < 0) return;
        (void)copp_handle_videoparameters(&st->conn, (nulls & 1) ? NULL : buf,
                                          (nulls & 2) ? NULL : (nulls & 4) ? buf : out);
        break;
    case COPP_CALL_RESYNC: (void)copp_connector_resync(&st->conn, value); break;
    case COPP_CALL_DROP_SESSION:
        s = (st->cur.slot != COPP_REC_NONE && st->cur.slot < st->conn.nsessions && st->cur.slot < COPP_MAX_SESSIONS)
            ? st->conn.sessions[st->cur.slot].session : &st->scratch;
        (void)copp_connector_drop_session(&st->conn, (nulls & 1) ? NULL : s);
        break;
    default:
        rp_malformed(st, "a call this coppdump cannot replay");
        return;
    }
    if (st->malformed || st->diverged) return;
    if (copp_recorder_export(&st->rec, st->exported, sizeof st->exported, &n) != COPP_S_OK ||
        cpt_open(&rr, st->exported, n) != 0 || cpt_next(&rr, &mine) != 1) {
        rp_diverge(st, "the replayed call left no record (the recording has one)");
        return;
    }
    rp_compare(st, &mine);
}

/* Replay a whole transcript.  0 / 1 / 2 as the header says. */
static int rp_run(rp_state *st, const uint8_t *p, size_t len, FILE *out)
{
    static const char *const tn[3] = { "HDCP", "ACP", "CGMS-A" };
    int got, n = 0, replay = 1;
    uint32_t i;
    memset(st, 0, sizeof *st);
    st->out = out;
    if (cpt_open(&st->rd, p, len) != 0) {
        rp_printf(st, "coppdump: not a readable transcript: %s\n", st->rd.err);
        return 2;
    }
#ifdef COPP_REPLAY_WITH_LIBTOM
    st->have_mac_backend = copp_libtom_init_mac(&st->mac_backend) == COPP_S_OK;
#endif
    rp_printf(st, "transcript v%u, copp.h %u.%u.%u, recorder flags 0x%x%s, COPP_MAX_SESSIONS %u, protection types 0x%x\n",
              (unsigned)st->rd.h.version, (unsigned)(st->rd.h.lib_version >> 16), (unsigned)((st->rd.h.lib_version >> 8) & 0xFF),
              (unsigned)(st->rd.h.lib_version & 0xFF), (unsigned)st->rd.h.flags,
              (st->rd.h.flags & COPP_RECORDER_KEEP_MAC_KEY) ? " (KEEP_MAC_KEY: holds kDI, dangerous)" : "",
              (unsigned)st->rd.h.max_sessions, (unsigned)st->rd.h.protection_types);
    if (st->rd.h.first_seq != 0 || st->rd.h.dropped != 0) {
        rp_printf(st, "the ring dropped %u record(s); the first held is #%u: listed, not replayed\n",
                  (unsigned)st->rd.h.dropped, (unsigned)st->rd.h.first_seq);
        replay = 0;
    }
    if (st->rd.h.max_sessions != COPP_MAX_SESSIONS) {
        rp_printf(st, "recorded with COPP_MAX_SESSIONS %u, this coppdump has %u: listed, not replayed\n",
                  (unsigned)st->rd.h.max_sessions, (unsigned)COPP_MAX_SESSIONS);
        replay = 0;
    }
    while ((got = cpt_next(&st->rd, &st->cur)) == 1) {
        if (n == 0 && st->cur.call != COPP_CALL_CONNECTOR_INIT && replay) {
            rp_printf(st, "the first record is not copp_connector_init: listed, not replayed\n");
            replay = 0;
        }
        rp_print_record(st, &st->cur);
        if (replay) rp_step(st);
        n++;
        if (st->malformed) break;
        if (st->diverged) {
            rp_printf(st, "\nDIVERGENCE at record #%u (%s): %s\n", (unsigned)st->cur.seq, cpt_call_name(st->cur.call), st->why);
            break;
        }
    }
    free(st->cert);
    st->cert = NULL;
#ifdef COPP_REPLAY_WITH_LIBTOM
    if (st->have_mac_backend) copp_libtom_free(&st->mac_backend);
#endif
    if (got < 0) {
        rp_printf(st, "coppdump: malformed transcript: %s\n", st->rd.err);
        return 2;
    }
    if (st->malformed) {
        rp_printf(st, "coppdump: not replayable: %s\n", st->why);
        return 2;
    }
    if (st->diverged) return 1;
    if (!replay) return 2;
    rp_printf(st, "\nreplayed %d record(s): no divergence; final levels", n);
    for (i = 0; i < 3; i++) rp_printf(st, " %s %u", tn[i], (unsigned)st->applied[i]);
    rp_printf(st, "\n");
    return 0;
}

#endif /* COPP_REPLAY_H */
