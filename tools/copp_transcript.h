/* copp_transcript.h -- reader of copp.h transcripts (docs/transcript.md).
 *
 * A transcript is untrusted input (a field report, a file edited by hand, a
 * fuzzer's bytes): every length is checked against what is left before it
 * is used, nothing is read out of bounds, nothing is allocated, and every
 * malformed input is an error with its offset, never a crash.  Include after
 * copp.h (the format constants).  Header-only; every function static.
 *
 *   cpt_reader r;  cpt_record rec;  cpt_item it;  size_t off;
 *   if (cpt_open(&r, bytes, len) != 0) puts(r.err);
 *   while (cpt_next(&r, &rec) == 1)
 *       for (off = 0; cpt_item_next(&rec, &off, &it) == 1; ) ...
 *   if (r.failed) puts(r.err);
 */
#ifndef COPP_TRANSCRIPT_H
#define COPP_TRANSCRIPT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#if defined(__GNUC__) || defined(__clang__)
#define CPT_FN static __attribute__((unused))
#else
#define CPT_FN static
#endif

typedef struct cpt_header {
    uint32_t version, header_bytes;
    uint32_t lib_version;       /* COPP_VERSION_NUMBER of the recording library */
    uint32_t flags;             /* COPP_RECORDER_* */
    uint32_t max_sessions, max_vp_keys, config;
    uint32_t protection_types;  /* the connector's */
    uint32_t first_seq, dropped;
} cpt_header;

typedef struct cpt_item {
    uint32_t kind, id, len;     /* COPP_REC_KIND_*, item id, payload bytes */
    const uint8_t *p;           /* payload: len bytes inside the transcript */
    size_t at;                  /* transcript offset of the item header */
} cpt_item;

typedef struct cpt_record {
    size_t at;                  /* transcript offset of the record */
    uint32_t len, seq, call;
    const uint8_t *body;        /* the items, END included */
    uint32_t body_len;
    /* the END item, decoded */
    int32_t result;
    uint32_t reason, slot, state_before, state_after, flags;
    uint32_t applied[3], nsessions, nvp_keys;
} cpt_record;

typedef struct cpt_reader {
    const uint8_t *p;
    size_t len, off;
    cpt_header h;
    int failed;
    char err[160];
} cpt_reader;

CPT_FN uint32_t cpt_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

CPT_FN uint32_t cpt_le16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }

CPT_FN int cpt_fail(cpt_reader *r, size_t at, const char *what)
{
    r->failed = 1;
    snprintf(r->err, sizeof r->err, "offset %lu: %s", (unsigned long)at, what);
    return -1;
}

/* The header.  0, or -1 with r->err. */
CPT_FN int cpt_open(cpt_reader *r, const uint8_t *p, size_t len)
{
    memset(r, 0, sizeof *r);
    r->p = p;
    r->len = len;
    if (p == NULL || len < COPP_TRANSCRIPT_HEADER_BYTES) return cpt_fail(r, 0, "shorter than the 40-byte header");
    if (memcmp(p, COPP_TRANSCRIPT_MAGIC, 4) != 0) return cpt_fail(r, 0, "not a copp transcript (magic is not \"CPTR\")");
    r->h.version = cpt_le16(p + 4);
    r->h.header_bytes = cpt_le16(p + 6);
    if (r->h.version != COPP_TRANSCRIPT_VERSION) return cpt_fail(r, 4, "unknown transcript version");
    if (r->h.header_bytes != COPP_TRANSCRIPT_HEADER_BYTES) return cpt_fail(r, 6, "header length is not 40");
    r->h.lib_version = cpt_le32(p + 8);
    r->h.flags = cpt_le32(p + 12);
    r->h.max_sessions = cpt_le32(p + 16);
    r->h.max_vp_keys = cpt_le32(p + 20);
    r->h.config = cpt_le32(p + 24);
    r->h.protection_types = cpt_le32(p + 28);
    r->h.first_seq = cpt_le32(p + 32);
    r->h.dropped = cpt_le32(p + 36);
    r->off = COPP_TRANSCRIPT_HEADER_BYTES;
    return 0;
}

/* The item at *off of rec's body: 1 and *off moved past it, 0 at the end,
 * -1 when malformed (an item running past the record). */
CPT_FN int cpt_item_next(const cpt_record *rec, size_t *off, cpt_item *it)
{
    size_t o = *off;
    if (o >= rec->body_len) return 0;
    if (rec->body_len - o < COPP_REC_ITEM_HEADER_BYTES) return -1;
    it->kind = rec->body[o];
    it->id = rec->body[o + 1];
    it->len = cpt_le16(rec->body + o + 2);
#ifndef CPT_PLANTED_OVERREAD   /* make fuzz-control-transcript: this check removed, the fuzzer must notice */
    if (rec->body_len - o - COPP_REC_ITEM_HEADER_BYTES < it->len) return -1;
#endif
    it->p = rec->body + o + COPP_REC_ITEM_HEADER_BYTES;
    it->at = rec->at + COPP_REC_HEADER_BYTES + o;
    *off = o + COPP_REC_ITEM_HEADER_BYTES + it->len;
    return 1;
}

/* The next record, checked whole: its length inside the file, items that
 * tile it exactly, known kinds, one END item (44 bytes) and it last.
 * 1 got one, 0 end of transcript, -1 malformed (r->err, r->failed). */
CPT_FN int cpt_next(cpt_reader *r, cpt_record *rec)
{
    size_t left, o = 0;
    cpt_item it;
    int got, ends = 0;
    if (r->failed) return -1;
    if (r->off >= r->len) return 0;
    left = r->len - r->off;
    memset(rec, 0, sizeof *rec);
    rec->at = r->off;
    if (left < COPP_REC_HEADER_BYTES) return cpt_fail(r, r->off, "truncated record header");
    rec->len = cpt_le32(r->p + r->off);
    rec->seq = cpt_le32(r->p + r->off + 4);
    rec->call = cpt_le16(r->p + r->off + 8);
    if (rec->len < COPP_REC_HEADER_BYTES + COPP_REC_ITEM_HEADER_BYTES + COPP_REC_END_BYTES)
        return cpt_fail(r, r->off, "record shorter than its header and END item");
    if (rec->len > left) return cpt_fail(r, r->off, "record runs past the end of the transcript");
    if (cpt_le16(r->p + r->off + 10) != 0) return cpt_fail(r, r->off + 10, "reserved record bytes are not zero");
    rec->body = r->p + r->off + COPP_REC_HEADER_BYTES;
    rec->body_len = rec->len - COPP_REC_HEADER_BYTES;
    for (;;) {
        size_t before = o;
        got = cpt_item_next(rec, &o, &it);
        if (got == 0) break;
        if (got < 0) return cpt_fail(r, rec->at + COPP_REC_HEADER_BYTES + before, "item runs past its record");
        if (ends) return cpt_fail(r, it.at, "item after the END item");
        if (it.kind < COPP_REC_KIND_INPUT || it.kind > COPP_REC_KIND_END) return cpt_fail(r, it.at, "unknown item kind");
        if (it.kind == COPP_REC_KIND_END) {
            const uint8_t *e = it.p;
            if (it.len != COPP_REC_END_BYTES) return cpt_fail(r, it.at, "END item is not 44 bytes");
            ends = 1;
            rec->result = (int32_t)cpt_le32(e);
            rec->reason = cpt_le32(e + 4);
            rec->slot = cpt_le32(e + 8);
            rec->state_before = cpt_le32(e + 12);
            rec->state_after = cpt_le32(e + 16);
            rec->flags = cpt_le32(e + 20);
            rec->applied[0] = cpt_le32(e + 24);
            rec->applied[1] = cpt_le32(e + 28);
            rec->applied[2] = cpt_le32(e + 32);
            rec->nsessions = cpt_le32(e + 36);
            rec->nvp_keys = cpt_le32(e + 40);
        }
    }
    if (!ends) return cpt_fail(r, rec->at, "record has no END item");
    r->off += rec->len;
    return 1;
}

/* A u32 at byte off of an item's payload: 1, or 0 when the payload is shorter. */
CPT_FN int cpt_u32(const cpt_item *it, uint32_t off, uint32_t *v)
{
    if (it->len < 4u || off > it->len - 4u) return 0;
    *v = cpt_le32(it->p + off);
    return 1;
}

/* A WIRE item's bytes: *full the message length (COPP_REC_NONE: a NULL
 * pointer), *kept and *bytes the stored leading bytes (the rest are zero).
 * 1, or 0 when malformed (shorter than 4, more bytes than the length). */
CPT_FN int cpt_wire(const cpt_item *it, uint32_t *full, const uint8_t **bytes, uint32_t *kept)
{
    if (!cpt_u32(it, 0, full)) return 0;
    *kept = it->len - 4u;
    *bytes = it->p + 4;
    if (*full == COPP_REC_NONE) return *kept == 0;
    return *kept <= *full;
}

/* Names for timelines. */
CPT_FN const char *cpt_call_name(uint32_t call)
{
    static const char *const names[] = {
        "copp_connector_init", "copp_open", "copp_get_certificate_length", "copp_key_exchange",
        "copp_sequence_start", "copp_command", "copp_query_status", "copp_close",
        "copp_connector_event", "copp_handle_videoparameters", "copp_connector_resync",
        "copp_connector_drop_session" };
    return call < sizeof names / sizeof names[0] ? names[call] : "unknown call";
}

CPT_FN const char *cpt_cb_name(uint32_t id)
{
    static const char *const hw[] = { "?", "get_protection_types", "set_protection", "get_protection",
        "check_protection", "get_connector_type", "get_bus_type", "get_display_data", "get_hdcp_key_data",
        "get_tv_standards", "set_signaling", "vp_get", "vp_set" };
    static const char *const cr[] = { "randombytes", "rsa_decrypt", "mac_init", "mac", "mac_release", "oaep_decrypt" };
    if (id >= 1 && id < sizeof hw / sizeof hw[0]) return hw[id];
    if (id >= COPP_REC_CB_RANDOMBYTES && id - COPP_REC_CB_RANDOMBYTES < sizeof cr / sizeof cr[0])
        return cr[id - COPP_REC_CB_RANDOMBYTES];
    return "unknown callback";
}

CPT_FN const char *cpt_state_name(uint32_t s)
{
    static const char *const names[] = { "CLOSED", "OPENED", "CERT_LENGTH_RETURNED", "KEY_EXCHANGED", "SESSION_ACTIVE" };
    return s < 5 ? names[s] : "?";
}

#endif /* COPP_TRANSCRIPT_H */
