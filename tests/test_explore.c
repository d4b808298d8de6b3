/* test_explore.c -- exhaustive bounded exploration of the call space.
 *
 * Every sequence of calls up to depth 8 over two sessions (and depth 6 over
 * three) on one connector, drawn from: open, close, certificate length, key
 * exchange, sequence start (good and bad rGH), SetProtectionLevel ACP 0..3
 * and HDCP 0/1, a command with a bad MAC, a status request (good and stale
 * sequence), every call on a byte copy of a session (refused, nothing
 * changes), a LinkLost event, VIDEOPARAMETERS ACTIVATE (level 3) and
 * DEACTIVATE, and copp_connector_init again (refused while anything is
 * open).  A small model written here from the spec (its precedence rules
 * are the shared model.c) predicts every result, state, reply flag and the
 * applied level; after every step the library must agree with it exactly,
 * and no live session's request may be undercut.  COPP_ASSERT is live
 * (test_main.c): no sequence reaches one.  States are deduplicated on the model (the library is checked
 * against it at every step, so one representative per model state and
 * remaining depth covers every sequence through it). */

#define X_MAXS 3
#define X_MAXKEYS 8

enum {
    XA_OPEN, XA_CLOSE, XA_CERTLEN, XA_KEYX, XA_SEQ_OK, XA_SEQ_BAD, XA_ACP0, XA_ACP1, XA_ACP2, XA_ACP3,
    XA_HDCP0, XA_HDCP1, XA_BADMAC, XA_STATUS, XA_STATUS_STALE, XA_COPY, XA_PER_SESSION,
    /* global actions follow the per-session block */
    XA_EVENT = 0, XA_VP_ACT, XA_VP_DEACT, XA_REINIT, XA_GLOBAL
};

typedef struct xmodel {
    uint8_t st[X_MAXS], acp[X_MAXS], hdcp[X_MAXS], pending[X_MAXS];
    uint8_t sc[X_MAXS], cc[X_MAXS];   /* successful status / command calls since sequence start */
    uint8_t nkeys, keylev[X_MAXKEYS];
} xmodel;

typedef struct xworld {
    copp_connector conn;
    copp_session s[X_MAXS];
    mock_hw hw;
    mock_crypto mc;
    uint8_t rgh[X_MAXS][16];
    uint32_t keys[X_MAXKEYS];         /* live video-port keys, oldest first */
    copp_session copy;                /* a byte copy of a session (XA_COPY) */
    xmodel m;
} xworld;

/* Copy a world and re-point the connector's and sessions' internal pointers. */
static void xw_copy(xworld *dst, const xworld *src)
{
    uint32_t k;
    int i;
    memcpy(dst, src, sizeof *dst);
    for (k = 0; k < dst->conn.nsessions; k++)
        dst->conn.sessions[k].session = &dst->s[src->conn.sessions[k].session - src->s];
    for (i = 0; i < X_MAXS; i++)
        if (dst->s[i].conn) dst->s[i].conn = &dst->conn;
    dst->conn.desc.hw_user = &dst->hw;
    dst->conn.desc.crypto_user = &dst->mc;
}

static void xw_init(xworld *w)
{
    memset(w, 0, sizeof *w);
    mock_connector_init(&w->conn, &w->hw, &w->mc);
}

/* Start sequence numbers near the wrap, different per session. */
static uint32_t x_sstart(int i) { return 0xFFFFFFFEu + (uint32_t)i; }
static uint32_t x_cstart(int i) { return 0xFFFFFFFDu + 7u * (uint32_t)i; }

static void x_kdi(int i, uint8_t kdi[16])
{
    memset(kdi, 0x60 + i, 16);
}

/* The model's applied level of ACP (acp = 1) or HDCP: the shared reference
 * model (model.c) over the open sessions and, for ACP, the live keys. */
static uint32_t x_applied(const xmodel *m, int acp, int n)
{
    uint32_t levels[X_MAXS + X_MAXKEYS];
    int i, k = 0;
    for (i = 0; i < n; i++)
        levels[k++] = m->st[i] == COPP_STATE_CLOSED ? MODEL_NONE : (uint32_t)(acp ? m->acp[i] : m->hdcp[i]);
    for (i = 0; acp && i < m->nkeys; i++) levels[k++] = m->keylev[i];
    return model_derive(acp ? 1 : 0, levels, (size_t)k);
}

/* Send a SetProtectionLevel with the model's expected sequence and a correct
 * (or deliberately wrong) mock MAC. */
static int32_t x_command(xworld *w, int i, uint32_t type, uint32_t level, int good_mac)
{
    uint8_t cmd[4096];
    copp_mac_ctx key;
    x_kdi(i, key.bytes);
    copp_app_set_protection_level(cmd, x_cstart(i) + w->m.cc[i], type, level);
    mock_mac(&w->mc, &key, cmd + 16, 4080, 0, cmd);
    if (!good_mac) cmd[5] ^= 0x40;
    return copp_command(&w->s[i], cmd);
}

static int32_t x_status(xworld *w, int i, int stale, uint32_t *flags)
{
    uint8_t in[4096], out[4096];
    static const uint8_t g[16] = COPP_GUID_DXVA_COPPQueryConnectorType;
    copp_mac_ctx key;
    int32_t hr;
    copp_app_status_request(in, w_rapp, g, x_sstart(i) + w->m.sc[i] - (uint32_t)stale, NULL, 0);
    hr = copp_query_status(&w->s[i], in, out);
    if (hr == COPP_S_OK) {
        x_kdi(i, key.bytes);
        assert_int_equal(copp_app_verify_status(out, w_rapp, &mock_crypto_table, &w->mc, &key), COPP_S_OK);
        *flags = copp__ld32(out + 36);
    }
    return hr;
}

/* Run action a on world w (model and library), checking results. */
static void x_step(xworld *w, int nsess, int a)
{
    xmodel *m = &w->m;
    int i = a / XA_PER_SESSION, act = a % XA_PER_SESSION, t;
    uint32_t st = 0, flags = 0xFFFFFFFFu;
    int32_t hr, want = COPP_E_UNEXPECTED;
    if (i >= nsess) {   /* a global action */
        int g = a - nsess * XA_PER_SESSION;
        uint8_t vp[356], out[356];
        if (g == XA_EVENT) {
            copp_connector_event(&w->conn, COPP_STATUS_LINK_LOST);
            for (t = 0; t < nsess; t++)
                if (m->st[t] != COPP_STATE_CLOSED) m->pending[t] |= COPP_STATUS_LINK_LOST;
        } else if (g == XA_REINIT) {
            copp_connector_desc d;
            int busy = m->nkeys > 0;
            for (t = 0; t < nsess; t++) busy |= m->st[t] != COPP_STATE_CLOSED;
            memcpy(&d, &w->conn.desc, sizeof d);
            assert_int_equal(copp_connector_init(&w->conn, &d), busy ? COPP_E_UNEXPECTED : COPP_S_OK);
        } else if (g == XA_VP_ACT) {
            vp_build(vp, COPP_VP_COMMAND_SET, COPP_VP_FLAGS_COPYPROTECT, COPP_VP_CP_CMD_ACTIVATE, 0, 3);
            assert_int_equal(copp_handle_videoparameters(&w->conn, vp, out), COPP_NO_ERROR);
            w->keys[m->nkeys] = copp__ld32(out + 92);
            m->keylev[m->nkeys++] = 3;
        } else {
            vp_build(vp, COPP_VP_COMMAND_SET, COPP_VP_FLAGS_COPYPROTECT, COPP_VP_CP_CMD_DEACTIVATE,
                     m->nkeys ? w->keys[0] : 0, 0);
            assert_int_equal(copp_handle_videoparameters(&w->conn, vp, out),
                             m->nkeys ? COPP_NO_ERROR : COPP_ERROR_INVALID_PARAMETER);
            if (m->nkeys) {
                memmove(w->keys, w->keys + 1, sizeof w->keys[0] * (size_t)(m->nkeys - 1));
                memmove(m->keylev, m->keylev + 1, (size_t)(m->nkeys - 1));
                m->nkeys--;
            }
        }
    } else {
        uint8_t cert[64], sig[256];
        uint32_t len;
        switch (act) {
        case XA_OPEN:
            hr = copp_open(&w->conn, &w->s[i]);
            if (m->st[i] == COPP_STATE_CLOSED) {
                want = COPP_S_OK;
                m->st[i] = COPP_STATE_OPENED;
                m->acp[i] = m->hdcp[i] = m->pending[i] = m->sc[i] = m->cc[i] = 0;
            }
            break;
        case XA_CLOSE:
            hr = copp_close(&w->s[i]);
            if (m->st[i] != COPP_STATE_CLOSED) {
                want = COPP_S_OK;
                memset(w->rgh[i], 0, 16);
                m->st[i] = COPP_STATE_CLOSED;
                m->acp[i] = m->hdcp[i] = m->pending[i] = m->sc[i] = m->cc[i] = 0;
            }
            break;
        case XA_CERTLEN:
            hr = copp_get_certificate_length(&w->s[i], &len);
            if (m->st[i] == COPP_STATE_OPENED) { want = COPP_S_OK; m->st[i] = COPP_STATE_CERT_LENGTH_RETURNED; }
            break;
        case XA_KEYX:
            hr = copp_key_exchange(&w->s[i], w->rgh[i], cert, sizeof cert);
            if (m->st[i] == COPP_STATE_CERT_LENGTH_RETURNED) { want = COPP_S_OK; m->st[i] = COPP_STATE_KEY_EXCHANGED; }
            break;
        case XA_SEQ_OK:
        case XA_SEQ_BAD:
            memset(sig, 0, sizeof sig);
            memcpy(sig, w->rgh[i], 16);
            if (act == XA_SEQ_BAD) sig[0] ^= 1;
            x_kdi(i, sig + 16);
            copp__st32(sig + 32, x_sstart(i));
            copp__st32(sig + 36, x_cstart(i));
            hr = copp_sequence_start(&w->s[i], sig);
            if (m->st[i] == COPP_STATE_KEY_EXCHANGED && act == XA_SEQ_OK) {
                want = COPP_S_OK;
                m->st[i] = COPP_STATE_SESSION_ACTIVE;
            }
            break;
        case XA_COPY: {   /* every call on a byte copy of session i: refused, nothing changes */
            static copp_connector conn_before;
            static copp_session s_before[X_MAXS];
            uint8_t in[4096], out[4096];
            memcpy(&w->copy, &w->s[i], sizeof w->copy);
            memcpy(&conn_before, &w->conn, sizeof conn_before);
            memcpy(s_before, w->s, sizeof s_before);
            copp_app_status_request(in, w_rapp, g_q_conn, x_sstart(i) + m->sc[i], NULL, 0);
            assert_int_equal(copp_query_status(&w->copy, in, out), COPP_E_UNEXPECTED);
            copp_app_set_protection_level(in, x_cstart(i) + m->cc[i], COPP_PROTECTION_TYPE_ACP, 2);
            assert_int_equal(copp_command(&w->copy, in), COPP_E_UNEXPECTED);
            assert_int_equal(copp_get_certificate_length(&w->copy, &len), COPP_E_UNEXPECTED);
            assert_int_equal(copp_key_exchange(&w->copy, cert, cert, sizeof cert), COPP_E_UNEXPECTED);
            memset(sig, 0, sizeof sig);
            assert_int_equal(copp_sequence_start(&w->copy, sig), COPP_E_UNEXPECTED);
            hr = copp_close(&w->copy);
            assert_memory_equal(&conn_before, &w->conn, sizeof conn_before);
            assert_memory_equal(s_before, w->s, sizeof s_before);
            break;
        }
        case XA_BADMAC:
            hr = x_command(w, i, COPP_PROTECTION_TYPE_ACP, 1, 0);
            break;
        case XA_STATUS:
        case XA_STATUS_STALE:
            hr = x_status(w, i, act == XA_STATUS_STALE, &flags);
            if (m->st[i] == COPP_STATE_SESSION_ACTIVE) {
                if (act == XA_STATUS_STALE) {
                    want = COPP_E_INVALIDARG;
                } else {
                    want = COPP_S_OK;
                    assert_int_equal(flags, m->pending[i]);   /* events once, in the next reply */
                    m->pending[i] = 0;
                    m->sc[i]++;
                }
            }
            break;
        default: {   /* a level command */
            int acp = act <= XA_ACP3;
            uint32_t lvl = acp ? (uint32_t)(act - XA_ACP0) : (uint32_t)(act - XA_HDCP0);
            hr = x_command(w, i, acp ? COPP_PROTECTION_TYPE_ACP : COPP_PROTECTION_TYPE_HDCP, lvl, 1);
            if (m->st[i] == COPP_STATE_SESSION_ACTIVE) {
                want = COPP_S_OK;
                if (acp) m->acp[i] = (uint8_t)lvl;
                else m->hdcp[i] = (uint8_t)lvl;
                m->cc[i]++;
            }
            break;
        }
        }
        assert_int_equal(hr, want);
    }
    /* the library agrees with the model everywhere */
    for (t = 0; t < nsess; t++) {
        assert_int_equal(copp_session_state(&w->s[t]), m->st[t]);
        if (m->st[t] == COPP_STATE_CLOSED) continue;
        assert_int_equal(copp_session_local_level(&w->s[t], COPP_PROTECTION_TYPE_ACP), m->acp[t]);
        assert_int_equal(copp_session_local_level(&w->s[t], COPP_PROTECTION_TYPE_HDCP), m->hdcp[t]);
        assert_int_equal(copp__record(&w->s[t])->pending_flags, m->pending[t]);
        if (m->st[t] == COPP_STATE_SESSION_ACTIVE) {
            assert_int_equal(copp__record(&w->s[t])->status_seq, x_sstart(t) + m->sc[t]);
            assert_int_equal(copp__record(&w->s[t])->command_seq, x_cstart(t) + m->cc[t]);
        }
    }
    st = x_applied(m, 1, nsess);
    assert_int_equal(copp_connector_level(&w->conn, COPP_PROTECTION_TYPE_ACP), st);
    assert_int_equal(w->hw.level[1], st);
    assert_int_equal(copp_connector_level(&w->conn, COPP_PROTECTION_TYPE_HDCP), x_applied(m, 0, nsess));
    assert_int_equal(w->hw.level[0], x_applied(m, 0, nsess));
    assert_int_equal(copp_connector_vp_key_count(&w->conn), m->nkeys);
    /* nobody's request is undercut */
    for (t = 0; t < nsess; t++)
        if (m->st[t] != COPP_STATE_CLOSED) {
            assert_true(model_covers(1, st, m->acp[t]));
            assert_true(model_covers(0, x_applied(m, 0, nsess), m->hdcp[t]));
        }
}

/* Visited set: model hash -> the largest remaining depth it was expanded with. */
typedef struct xvisit { uint64_t *key; uint8_t *depth; size_t cap; size_t used; } xvisit;

static uint64_t x_hash(const xmodel *m)
{
    const uint8_t *p = (const uint8_t *)m;
    uint64_t h = 0xcbf29ce484222325ull;
    size_t i;
    for (i = 0; i < sizeof *m; i++) h = (h ^ p[i]) * 0x100000001b3ull;
    return h | 1u;   /* 0 marks an empty slot */
}

/* 1 if (m, remaining) still needs expanding; records it. */
static int x_visit(xvisit *v, const xmodel *m, int remaining)
{
    uint64_t h = x_hash(m);
    size_t i = (size_t)(h % v->cap);
    for (;;) {
        if (v->key[i] == 0) {
            assert_true(v->used + 1 < v->cap);
            v->key[i] = h;
            v->depth[i] = (uint8_t)remaining;
            v->used++;
            return 1;
        }
        if (v->key[i] == h) {
            if (v->depth[i] >= remaining) return 0;
            v->depth[i] = (uint8_t)remaining;
            return 1;
        }
        i = (i + 1) % v->cap;
    }
}

typedef struct xstats { uint64_t steps; } xstats;

static void x_dfs(xworld *stack, int level, int depth, int nsess, xvisit *v, xstats *st)
{
    int a, nact = nsess * XA_PER_SESSION + XA_GLOBAL;
    if (level == depth) return;
    for (a = 0; a < nact; a++) {
        xworld *next = &stack[level + 1];
        xw_copy(next, &stack[level]);
        x_step(next, nsess, a);
        st->steps++;
        if (x_visit(v, &next->m, depth - level - 1)) x_dfs(stack, level + 1, depth, nsess, v, st);
    }
}

/* Explore `depth` more calls from the empty connector (active == 0) or from
 * the state where every session is already active (active == 1). */
static void x_explore(int nsess, int depth, int active, uint64_t *states, uint64_t *steps)
{
    xworld *stack = (xworld *)calloc((size_t)depth + 1, sizeof *stack);
    xvisit v;
    xstats st = { 0 };
    v.cap = (size_t)1 << 22;
    v.used = 0;
    v.key = (uint64_t *)calloc(v.cap, sizeof *v.key);
    v.depth = (uint8_t *)calloc(v.cap, 1);
    assert_non_null(stack);
    assert_non_null(v.key);
    xw_init(&stack[0]);
    if (active) {
        int i, a;
        for (i = 0; i < nsess; i++)
            for (a = XA_OPEN; a <= XA_SEQ_OK; a++)
                if (a != XA_CLOSE) x_step(&stack[0], nsess, i * XA_PER_SESSION + a);
    }
    x_visit(&v, &stack[0].m, depth);
    x_dfs(stack, 0, depth, nsess, &v, &st);
    *states = v.used;
    *steps = st.steps;
    free(v.key);
    free(v.depth);
    free(stack);
}

static double x_sequences(int nact, int depth)
{
    double total = 0, p = 1;
    int d;
    for (d = 1; d <= depth; d++) { p *= nact; total += p; }
    return total;
}

static void x_report(int nsess, int depth, int active)
{
    uint64_t states, steps;
    x_explore(nsess, depth, active, &states, &steps);
    print_message("      %d sessions, depth %d from %s: %llu distinct states, %llu calls checked, "
                  "covering %.3g call sequences\n", nsess, depth, active ? "all active" : "empty",
                  (unsigned long long)states, (unsigned long long)steps,
                  x_sequences(nsess * XA_PER_SESSION + XA_GLOBAL, depth));
    assert_true(states > (uint64_t)(getenv("COPP_TEST_SAMPLE") ? 100 : 500));   /* the search really ran */
}

static void test_explore_two_sessions_depth8(void **state)
{
    int depth = getenv("COPP_TEST_SAMPLE") ? 5 : 8;
    (void)state;
    x_report(2, depth, 0);
    x_report(2, depth, 1);
}

static void test_explore_three_sessions_depth6(void **state)
{
    int depth = getenv("COPP_TEST_SAMPLE") ? 4 : 6;
    (void)state;
    x_report(3, depth, 0);
    x_report(3, depth, 1);
}

static const struct CMUnitTest explore_tests[] = {
    cmocka_unit_test(test_explore_two_sessions_depth8),
    cmocka_unit_test(test_explore_three_sessions_depth6),
};
