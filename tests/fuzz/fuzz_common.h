/* fuzz_common.h -- shared by the libFuzzer targets in tests/fuzz/.
 *
 * One translation unit per target: the library (COPP_IMPLEMENTATION), the
 * test mocks, a connector with three session slots, and the invariant check
 * run after every call:
 *   - every session's state is one the table allows, and the connector's
 *     session list is exactly the open sessions;
 *   - closed sessions hold no byte (no key, no rGH);
 *   - counts per (type, level) = open sessions at that level + live
 *     video-port keys at that level;
 *   - the hardware carries the connector's recorded level, and (unless a
 *     hardware fault was injected) that is the level the precedence rules
 *     derive, computed here independently;
 *   - no open session's request is undercut.
 * Crash, leak and undefined behaviour are the sanitizers' business; a
 * COPP_ASSERT aborts (defined here, so always on). */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline void fz_abort(const char *what);
/* Library asserts abort the target whatever NDEBUG says: a fuzz input that
 * reached one would be a finding. */
#define COPP_ASSERT(x) do { if (!(x)) fz_abort("COPP_ASSERT(" #x ")"); } while (0)

#define COPP_IMPLEMENTATION
#define COPP_WITH_APP
#include "../../copp.h"

#include "../mock_hw.c"
#include "../mock_crypto.c"
#include "../model.c"

#define FZ_SESSIONS 3

typedef struct fz_world {
    copp_connector conn;
    copp_session s[FZ_SESSIONS];
    mock_hw hw;
    mock_crypto mc;
    uint8_t rgh[FZ_SESSIONS][16];
    uint32_t sstart[FZ_SESSIONS], cstart[FZ_SESSIONS];   /* the application's next sequence numbers */
    int faulted;                                         /* a hardware fault was injected */
    copp_session stray;                                  /* a byte copy of a session */
} fz_world;

static inline void fz_abort(const char *what)
{
    fprintf(stderr, "invariant broken: %s\n", what);
    abort();
}
#define FZ_CHECK(cond) do { if (!(cond)) fz_abort(#cond); } while (0)

static inline void fz_init(fz_world *w)
{
    memset(w, 0, sizeof *w);
    mock_connector_init(&w->conn, &w->hw, &w->mc);
}

/* The status request GUIDs, from the header's one table (spec 8 order).  The
 * fuzzers cannot catch an error in that table; test_vectors.c does (the
 * generator tools/gen_vectors.py writes every GUID and reply independently,
 * and every row must answer its vector byte for byte). */
#define fz_status_guids(k) (copp__status_requests[(k) % COPP__STATUS_REQUESTS].guid)

static inline void fz_kdi(int i, uint8_t kdi[16])
{
    memset(kdi, 0x70 + i, 16);
}

/* Take session i to SESSION_ACTIVE (mock crypto: the signature is the plaintext). */
static inline int32_t fz_activate(fz_world *w, int i, uint32_t sstart, uint32_t cstart)
{
    uint32_t len;
    uint8_t cert[64], sig[256];
    int32_t hr = copp_open(&w->conn, &w->s[i]);
    if (hr == COPP_S_OK) hr = copp_get_certificate_length(&w->s[i], &len);
    if (hr == COPP_S_OK) hr = copp_key_exchange(&w->s[i], w->rgh[i], cert, sizeof cert);
    if (hr != COPP_S_OK) return hr;
    memset(sig, 0, sizeof sig);
    memcpy(sig, w->rgh[i], 16);
    fz_kdi(i, sig + 16);
    copp__st32(sig + 32, sstart);
    copp__st32(sig + 36, cstart);
    hr = copp_sequence_start(&w->s[i], sig);
    if (hr == COPP_S_OK) {
        w->sstart[i] = sstart;
        w->cstart[i] = cstart;
    }
    return hr;
}

/* MAC a 4096-byte command with session i's key (what a genuine application does). */
static inline void fz_mac(fz_world *w, int i, uint8_t cmd[4096])
{
    copp_mac_ctx key;
    fz_kdi(i, key.bytes);
    mock_mac(&w->mc, &key, cmd + 16, 4080, 0, cmd);
}

/* The connector's record of session i (copp__record), or a zero record
 * when the connector does not list it. */
static inline const copp__slot *fz_rec(const fz_world *w, int i)
{
    static const copp__slot none;
    const copp__slot *r = copp__record(&w->s[i]);
    return r != NULL ? r : &none;
}

/* Session i's local level of type t, as the library reports it. */
static inline uint32_t fz_level(const fz_world *w, int i, int t)
{
    return copp_session_local_level(&w->s[i], model_type_bit[t]);
}

/* The level the shared reference model (model.c) derives for type t from
 * the sessions' local levels and the live video-port keys. */
static inline uint32_t fz_expected(const fz_world *w, int t)
{
    uint32_t levels[FZ_SESSIONS + COPP_MAX_VP_KEYS], k;
    size_t n = 0;
    int i;
    for (i = 0; i < FZ_SESSIONS; i++) levels[n++] = fz_level(w, i, t);
    for (k = 0; t == 1 && k < w->conn.nvp_keys; k++) levels[n++] = w->conn.vp_keys[k].level;
    return model_derive(t, levels, n);
}

static inline void fz_invariants(const fz_world *w)
{
    static const uint8_t zero[sizeof(copp_session)] = { 0 };
    uint32_t l, k, open = 0;
    int i, t;
    for (i = 0; i < FZ_SESSIONS; i++) {
        uint32_t listed = 0;
        FZ_CHECK(w->s[i].state <= COPP_STATE_SESSION_ACTIVE);
        for (k = 0; k < w->conn.nsessions; k++) listed += w->conn.sessions[k].session == &w->s[i];
        FZ_CHECK(listed == (w->s[i].state != COPP_STATE_CLOSED));
        open += w->s[i].state != COPP_STATE_CLOSED;
        if (w->s[i].state == COPP_STATE_CLOSED) {
            copp_session c = w->s[i];
            c.last_reason = 0;
            FZ_CHECK(memcmp(&c, zero, sizeof c) == 0);
        }
    }
    FZ_CHECK(w->conn.nsessions == open);
    for (t = 0; t < 3; t++) {
        for (l = 0; l < COPP__LEVELS; l++) {
            uint32_t n = 0;
            for (i = 0; i < FZ_SESSIONS; i++)
                n += fz_level(w, i, t) == l;
            for (k = 0; t == 1 && k < w->conn.nvp_keys; k++) n += w->conn.vp_keys[k].level == l;
            FZ_CHECK(w->conn.counts[t][l] == n);
        }
        FZ_CHECK(w->hw.level[t] == w->conn.applied[t]);
        if (!w->faulted) {
            FZ_CHECK(w->conn.applied[t] == fz_expected(w, t));
            for (i = 0; i < FZ_SESSIONS; i++) FZ_CHECK(model_covers(t, w->conn.applied[t], fz_level(w, i, t)));
        }
    }
}

/* A byte reader over the fuzzer's input; past the end it yields zeros. */
typedef struct fz_in { const uint8_t *p; size_t n, pos; } fz_in;
static inline uint8_t fz_u8(fz_in *in) { return in->pos < in->n ? in->p[in->pos++] : 0; }
static inline uint32_t fz_u32(fz_in *in)
{
    uint32_t v = fz_u8(in);
    v |= (uint32_t)fz_u8(in) << 8;
    v |= (uint32_t)fz_u8(in) << 16;
    return v | (uint32_t)fz_u8(in) << 24;
}
static inline void fz_bytes(fz_in *in, uint8_t *dst, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) dst[i] = fz_u8(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* FUZZ_COMMON_H */
