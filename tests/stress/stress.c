/* stress.c -- the locking model under ThreadSanitizer.
 *
 * copp's rule (copp.h CONVENTIONS): calls on one connector, and on the
 * sessions bound to it, are serialized by the caller; different connectors
 * share no state and need no lock at all.  Here THREADS threads share one
 * connector (each with its own sessions, every call under the caller's
 * mutex, as a driver's per-adapter lock would do) and each thread also drives
 * a private connector of its own without any lock.  TSan reports any data race;
 * at the end the shared connector's invariants are checked: counts equal the
 * live sessions' levels plus live keys, and the hardware carries the level the
 * precedence rules derive. */
#define _POSIX_C_SOURCE 200809L
#include "../fuzz/fuzz_common.h"
#include <pthread.h>

#define THREADS 4
#define PER_THREAD 4           /* sessions per thread on the shared connector */
#define OPS 3000

typedef struct shared { copp_connector conn; mock_hw hw; mock_crypto mc; pthread_mutex_t lock; } shared;
static shared g_sh;
static copp_session g_sessions[THREADS][PER_THREAD];
static long g_commands[THREADS];   /* commands accepted, per thread: the run must do real work */
static uint8_t g_rgh[THREADS][PER_THREAD][16];

/* One call on session s of connector c (mock crypto: sig = plaintext). */
static long one_op(copp_connector *c, copp_session *s, uint8_t rgh[16], mock_crypto *mc, uint32_t r, int kdi_id)
{
    static const uint8_t g_conn[16] = COPP_GUID_DXVA_COPPQueryConnectorType;
    uint8_t cmd[4096], out[4096], sig[256], cert[64];
    copp_mac_ctx key;
    uint32_t len;
    memset(key.bytes, 0x40 + kdi_id, 16);
    switch (r % 7) {
    case 0:
        if (copp_session_state(s) == COPP_STATE_CLOSED && copp_open(c, s) == COPP_S_OK &&
            copp_get_certificate_length(s, &len) == COPP_S_OK && copp_key_exchange(s, rgh, cert, sizeof cert) == COPP_S_OK) {
            memset(sig, 0, sizeof sig);
            memcpy(sig, rgh, 16);
            memcpy(sig + 16, key.bytes, 16);
            copp_sequence_start(s, sig);
        }
        break;
    case 1: case 2: case 3:
        if (copp_is_active(s)) {
            copp_app_set_protection_level(cmd, copp__record(s)->command_seq, (r >> 8) % 3 == 0 ? COPP_PROTECTION_TYPE_HDCP
                                          : (r >> 8) % 3 == 1 ? COPP_PROTECTION_TYPE_ACP : COPP_PROTECTION_TYPE_CGMSA,
                                          (r >> 12) % 2);   /* 0/1: valid for every type */
            mock_mac(mc, &key, cmd + 16, 4080, 0, cmd);
            FZ_CHECK(copp_command(s, cmd) == COPP_S_OK);
            return 1;
        }
        break;
    case 4:
        if (copp_is_active(s)) {
            copp_app_status_request(cmd, rgh, g_conn, copp__record(s)->status_seq, NULL, 0);
            FZ_CHECK(copp_query_status(s, cmd, out) == COPP_S_OK);
        }
        break;
    case 5: copp_connector_event(c, COPP_STATUS_RENEGOTIATION_REQUIRED); break;
    default:
        if (copp_session_state(s) != COPP_STATE_CLOSED) FZ_CHECK(copp_close(s) == COPP_S_OK);
        break;
    }
    return 0;
}

static void *worker(void *arg)
{
    int id = (int)(intptr_t)arg, i;
    uint32_t r = 0x9E3779B9u * (uint32_t)(id + 1);
    copp_connector *own = (copp_connector *)calloc(1, sizeof *own);
    copp_session *own_s = (copp_session *)calloc(2, sizeof *own_s);
    mock_hw *own_hw = (mock_hw *)calloc(1, sizeof *own_hw);
    mock_crypto *own_mc = (mock_crypto *)calloc(1, sizeof *own_mc);
    uint8_t own_rgh[2][16];
    mock_connector_init(own, own_hw, own_mc);
    for (i = 0; i < OPS; i++) {
        r = r * 1664525u + 1013904223u;
#ifndef STRESS_NO_LOCK   /* the control build breaks the rule: TSan must report races */
        pthread_mutex_lock(&g_sh.lock);            /* the caller's per-connector lock */
#endif
        g_commands[id] += one_op(&g_sh.conn, &g_sessions[id][(r >> 20) % PER_THREAD], g_rgh[id][(r >> 20) % PER_THREAD], &g_sh.mc, r,
               id * PER_THREAD + (int)((r >> 20) % PER_THREAD));
#ifndef STRESS_NO_LOCK
        pthread_mutex_unlock(&g_sh.lock);
#endif
        one_op(own, &own_s[(r >> 24) & 1], own_rgh[(r >> 24) & 1], own_mc, r >> 3, 60 + (int)((r >> 24) & 1));
    }
    for (i = 0; i < 2; i++)
        if (copp_session_state(&own_s[i]) != COPP_STATE_CLOSED) copp_close(&own_s[i]);
    FZ_CHECK(copp_connector_session_count(own) == 0);
    free(own); free(own_s); free(own_hw); free(own_mc);
    return NULL;
}

int main(void)
{
    pthread_t th[THREADS];
    int i, t, j;
    uint32_t l, k;
    pthread_mutex_init(&g_sh.lock, NULL);
    mock_connector_init(&g_sh.conn, &g_sh.hw, &g_sh.mc);
    for (i = 0; i < THREADS; i++) pthread_create(&th[i], NULL, worker, (void *)(intptr_t)i);
    for (i = 0; i < THREADS; i++) pthread_join(th[i], NULL);
    /* invariants of the shared connector */
    for (t = 0; t < 3; t++) {
        for (l = 0; l < COPP__LEVELS; l++) {
            uint32_t n = 0;
            for (i = 0; i < THREADS; i++)
                for (j = 0; j < PER_THREAD; j++)
                    n += copp_session_local_level(&g_sessions[i][j], model_type_bit[t]) == l;
            for (k = 0; t == 1 && k < g_sh.conn.nvp_keys; k++) n += g_sh.conn.vp_keys[k].level == l;
            FZ_CHECK(g_sh.conn.counts[t][l] == n);
        }
        FZ_CHECK(g_sh.hw.level[t] == g_sh.conn.applied[t]);
        {   /* the shared reference model (model.c) over every session */
            uint32_t levels[THREADS * PER_THREAD];
            for (i = 0; i < THREADS * PER_THREAD; i++)
                levels[i] = copp_session_local_level(&g_sessions[i / PER_THREAD][i % PER_THREAD], model_type_bit[t]);
            FZ_CHECK(g_sh.conn.applied[t] == model_derive(t, levels, THREADS * PER_THREAD));
        }
    }
    {
        long total = 0;
        for (i = 0; i < THREADS; i++) total += g_commands[i];
        FZ_CHECK(total > THREADS * OPS / 10);
        printf("stress: %d threads x %d calls on one shared connector (caller-locked; %ld commands accepted) and "
               "%d private ones (unlocked): invariants hold, %u sessions left open\n", THREADS, OPS, total, THREADS,
               (unsigned)g_sh.conn.nsessions);
    }
    return 0;
}
