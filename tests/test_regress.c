/* test_regress.c -- issue 10: one regression test per defect the
 * independent review reproduced, each written from the defect's description
 * (each fails on the copp.h before the fix), and a test for each behaviour
 * no test pinned down (the surviving mutants).  Public API and mock state
 * only, so the same file also builds against an older copp.h. */

#if defined(__GNUC__) || defined(__clang__)
#define REG_NOINLINE __attribute__((noinline))
#else
#define REG_NOINLINE
#endif

/* Under valgrind the stack probe below reads bytes no one initialized on
 * purpose: tell memcheck they are defined. */
#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define REG_DEFINED(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))
#endif
#endif
#ifndef REG_DEFINED
#define REG_DEFINED(p, n) ((void)0)
#endif

static const uint32_t reg_all_types = COPP_PROTECTION_TYPE_HDCP | COPP_PROTECTION_TYPE_ACP | COPP_PROTECTION_TYPE_CGMSA;

/* A SET carrying TV members and copy protection. */
static void reg_vp_tv_cp(uint8_t vp[356], uint32_t cp_cmd, uint32_t key, uint32_t trigger)
{
    vp_build(vp, COPP_VP_COMMAND_SET, COPP_VP_FLAGS_TV_MODE | COPP_VP_FLAGS_FLICKER | COPP_VP_FLAGS_COPYPROTECT,
             cp_cmd, key, trigger);
    copp__st32(vp + 28, COPP_VP_MODE_TV_PLAYBACK);   /* dwMode */
    copp__st32(vp + 44, 333);                        /* dwFlickerFilter */
}

/* The TV members of the mock are as they were before the call. */
static void reg_tv_untouched(const world *w, uint32_t vp_sets)
{
    assert_int_equal(w->hw.vp_sets, vp_sets);
    assert_int_equal(w->hw.vp.dwMode, 0);
    assert_int_equal(w->hw.vp.dwFlickerFilter, 0);
}

/* ---- defect 1: a failed VIDEOPARAMETERS SET changes nothing, hardware included */

static void test_reg_d1_failed_vp_set_leaves_tv_members(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    uint8_t vp[356];
    uint32_t key;
    (void)state;
    /* the RNG fails while drawing the ACTIVATE key */
    reg_vp_tv_cp(vp, COPP_VP_CP_CMD_ACTIVATE, 0, 2);
    w->mc.fail_at = w->mc.calls + 1;
    vp_rejected(w, vp, COPP_ERROR_GEN_FAILURE);
    reg_tv_untouched(w, 0);
    /* the ACP write fails during ACTIVATE */
    w->hw.fail_at = w->hw.calls + 2;   /* check_protection passes, set_protection fails */
    vp_rejected(w, vp, COPP_ERROR_GEN_FAILURE);
    reg_tv_untouched(w, 0);
    assert_int_equal(copp_connector_vp_key_count(&w->conn), 0);
    /* ... and during CHANGE */
    key = vp_activate(w, 1);
    reg_vp_tv_cp(vp, COPP_VP_CP_CMD_CHANGE, key, 2);
    w->hw.fail_at = w->hw.calls + 2;
    vp_rejected(w, vp, COPP_ERROR_GEN_FAILURE);
    reg_tv_untouched(w, 0);
    assert_int_equal(w->hw.level[1], 1);
    world_free(w);
}

/* The other order: the level went on, then vp_set failed: the level comes off again. */
static void test_reg_d1_vp_set_failure_undoes_the_level(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    uint8_t vp[356], out[356];
    uint32_t key, before;
    (void)state;
    reg_vp_tv_cp(vp, COPP_VP_CP_CMD_ACTIVATE, 0, 2);
    before = w->hw.nlog;
    w->hw.fail_at = w->hw.calls + 3;   /* check, set ACP 2, then vp_set fails */
    assert_int_equal(copp_handle_videoparameters(&w->conn, vp, out), COPP_ERROR_GEN_FAILURE);
    assert_int_equal(w->hw.failed_op, MOCK_OP_VP_SET);
    assert_int_equal(w->hw.level[1], 0);                  /* back off */
    assert_int_equal(w->hw.nlog - before, 2);             /* ACP 2, then ACP 0 */
    assert_int_equal(copp_connector_vp_key_count(&w->conn), 0);
    assert_int_equal(copp_connector_level(&w->conn, COPP_PROTECTION_TYPE_ACP), 0);
    assert_int_equal(w->conn.counts[1][2], 0);
    /* a CHANGE whose vp_set fails keeps the key at its old level */
    key = vp_activate(w, 3);
    reg_vp_tv_cp(vp, COPP_VP_CP_CMD_CHANGE, key, 2);
    w->hw.fail_at = w->hw.calls + 3;
    assert_int_equal(copp_handle_videoparameters(&w->conn, vp, out), COPP_ERROR_GEN_FAILURE);
    assert_int_equal(w->hw.level[1], 3);
    assert_int_equal(w->conn.counts[1][3], 1);
    assert_int_equal(w->conn.counts[1][2], 0);
    reg_tv_untouched(w, 0);
    world_free(w);
}

/* ---- defect 2: binding --------------------------------------------------------- */

/* Init on a connector with live sessions and keys is refused: the counts of
 * the sessions opened before stay theirs (on the old code the re-init cleared
 * them, and the old session's close then removed a later session's ACP 2). */
static void test_reg_d2_reinit_live_connector_refused(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    copp_connector_desc d;
    snapshot sn;
    (void)state;
    memcpy(&d, &w->conn.desc, sizeof d);
    w_activate(w, 0);
    assert_int_equal(w_level(w, 0, T_ACP, 2), COPP_S_OK);
    snap_take(&sn, w, 0);
    assert_int_equal(copp_connector_init(&w->conn, &d), COPP_E_UNEXPECTED);
    snap_check(&sn, w, 0);
    /* the scenario of the review: a session opened after the attempt, holding ACP 2 */
    w_activate(w, 1);
    assert_int_equal(w_level(w, 1, T_ACP, 2), COPP_S_OK);
    assert_int_equal(copp_close(&w->s[0]), COPP_S_OK);
    assert_int_equal(w->hw.level[1], 2);                         /* still under B */
    assert_int_equal(w_level_query(w, 1, g_global, T_ACP), 2);
    /* keys alone keep a connector in use too */
    assert_int_equal(copp_close(&w->s[1]), COPP_S_OK);
    (void)vp_activate(w, 1);
    assert_int_equal(copp_connector_init(&w->conn, &d), COPP_E_UNEXPECTED);
    assert_int_equal(copp_connector_vp_key_count(&w->conn), 1);
    assert_int_equal(w->hw.level[1], 1);
    world_free(w);
}

/* A byte copy of an open session, closed after the original: refused, and
 * the ACP 2 of the session opened since stays on. */
static void test_reg_d2_byte_copy_refused(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    copp_session *copy = (copp_session *)malloc(sizeof *copy);
    uint8_t cmd[4096], in[4096], out[4096], sig[256], rgh[16], cert[64];
    uint32_t len;
    snapshot sn;
    (void)state;
    w_activate(w, 0);
    assert_int_equal(w_level(w, 0, T_ACP, 2), COPP_S_OK);
    memcpy(copy, &w->s[0], sizeof *copy);
    assert_int_equal(copp_close(&w->s[0]), COPP_S_OK);
    w_activate(w, 1);
    assert_int_equal(w_level(w, 1, T_ACP, 2), COPP_S_OK);
    snap_take(&sn, w, 1);
    assert_int_equal(copp_close(copy), COPP_E_UNEXPECTED);
    snap_check(&sn, w, 1);
    assert_int_equal(w->hw.level[1], 2);
    /* and a copy of a live session can do nothing either, in any call */
    memcpy(copy, &w->s[1], sizeof *copy);
    assert_int_equal(copp_app_set_protection_level(cmd, w->app[1].cmd_seq, T_ACP, 0), COPP_S_OK);
    assert_int_equal(copp_app_mac_command(cmd, w->crypto, w->crypto_user, &w->app[1].mac), COPP_S_OK);
    assert_int_equal(copp_command(copy, cmd), COPP_E_UNEXPECTED);
    assert_int_equal(copp_app_status_request(in, w_rapp, g_q_conn, w->app[1].status_seq, NULL, 0), COPP_S_OK);
    assert_int_equal(copp_query_status(copy, in, out), COPP_E_UNEXPECTED);
    assert_int_equal(copp_get_certificate_length(copy, &len), COPP_E_UNEXPECTED);
    assert_int_equal(copp_key_exchange(copy, rgh, cert, sizeof cert), COPP_E_UNEXPECTED);
    memset(sig, 0, sizeof sig);
    assert_int_equal(copp_sequence_start(copy, sig), COPP_E_UNEXPECTED);
    assert_int_equal(copp_close(copy), COPP_E_UNEXPECTED);
    assert_int_equal(copp_session_state(copy), COPP_STATE_CLOSED);
    snap_check(&sn, w, 1);
    /* the original still works */
    assert_int_equal(copp_command(&w->s[1], cmd), COPP_S_OK);
    assert_int_equal(w->hw.level[1], 0);
    free(copy);
    world_free(w);
}

/* A stale session (a snapshot of an earlier opening of the same storage, in
 * the same state) and a session zeroed while open: refused. */
static void test_reg_d2_stale_and_reinitialised_sessions(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    copp_session *old = (copp_session *)malloc(sizeof *old);
    snapshot sn;
    (void)state;
    w_activate(w, 0);
    assert_int_equal(w_level(w, 0, T_HDCP, 1), COPP_S_OK);
    memcpy(old, &w->s[0], sizeof *old);
    assert_int_equal(copp_close(&w->s[0]), COPP_S_OK);
    memset(&w->app[0], 0, sizeof w->app[0]);
    w_activate(w, 0);                                 /* same storage, opened again, ACTIVE again */
    memcpy(&w->s[0], old, sizeof *old);               /* the old bytes put back */
    snap_take(&sn, w, 0);
    assert_int_equal(copp_close(&w->s[0]), COPP_E_UNEXPECTED);
    snap_check(&sn, w, 0);
    assert_int_equal(copp_session_state(&w->s[0]), COPP_STATE_CLOSED);   /* the connector's record rules */
    /* zeroed while open: not listed as what it claims (closed) */
    w_activate(w, 1);
    memset(&w->s[1], 0, sizeof w->s[1]);
    assert_int_equal(copp_open(&w->conn, &w->s[1]), COPP_E_UNEXPECTED);
    assert_int_equal(copp_connector_session_count(&w->conn), 2);
    free(old);
    world_free(w);
}

/* Fresh connector storage may hold anything: init tells it from a connector
 * in use by the magic and an in-range session or key count. */
static void test_reg_d2_init_on_garbage_storage(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    copp_connector *c = (copp_connector *)malloc(sizeof *c);
    copp_connector_desc d;
    copp_session s;
    (void)state;
    memcpy(&d, &w->conn.desc, sizeof d);
    memset(c, 0xA5, sizeof *c);                        /* garbage */
    assert_int_equal(copp_connector_init(c, &d), COPP_S_OK);
    assert_int_equal(copp_connector_session_count(c), 0);
    memset(&s, 0, sizeof s);
    assert_int_equal(copp_open(c, &s), COPP_S_OK);
    assert_int_equal(copp_close(&s), COPP_S_OK);
    assert_int_equal(copp_connector_init(c, &d), COPP_S_OK);   /* in use no longer */
    memset(c, 0xFF, sizeof *c);                        /* garbage with counts out of range */
    c->initialized = w->conn.initialized;
    assert_int_equal(copp_connector_init(c, &d), COPP_S_OK);
    /* the documented limit: the magic plus an in-range count is taken as in use */
    memset(c, 0, sizeof *c);
    c->initialized = w->conn.initialized;
    c->nsessions = 1;
    assert_int_equal(copp_connector_init(c, &d), COPP_E_UNEXPECTED);
    memset(c, 0, sizeof *c);
    c->initialized = w->conn.initialized;
    c->nvp_keys = COPP_MAX_VP_KEYS;
    assert_int_equal(copp_connector_init(c, &d), COPP_E_UNEXPECTED);
    free(c);
    world_free(w);
}

/* ---- defect 3: the video-port path asks check_protection ------------------------ */

static void test_reg_d3_vp_level_checked_against_mode(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    uint8_t vp[356], cmd[4096];
    uint32_t key;
    (void)state;
    w_activate(w, 0);
    w->hw.too_big_type = T_ACP;                    /* this mode cannot carry ACP 2 (or 3) */
    w->hw.too_big_from = 2;
    level_cmd(w, 0, cmd, T_ACP, 2);
    cmd_rejected(w, 0, cmd, COPP_DDERR_TOOBIGSIZE, COPP_REASON_MODE_TOO_BIG);
    vp_build(vp, COPP_VP_COMMAND_SET, COPP_VP_FLAGS_COPYPROTECT, COPP_VP_CP_CMD_ACTIVATE, 0, 2);
    vp_rejected(w, vp, COPP_ERROR_NOT_SUPPORTED);
    assert_int_equal(w->hw.level[1], 0);
    assert_int_equal(w_level_query(w, 0, g_global, T_ACP), 0);
    /* CHANGE too; level 1 is fine */
    key = vp_activate(w, 1);
    assert_int_equal(w->hw.level[1], 1);
    vp_build(vp, COPP_VP_COMMAND_SET, COPP_VP_FLAGS_COPYPROTECT, COPP_VP_CP_CMD_CHANGE, key, 2);
    vp_rejected(w, vp, COPP_ERROR_NOT_SUPPORTED);
    assert_int_equal(w_level_query(w, 0, g_global, T_ACP), 1);
    world_free(w);
}

/* ---- defect 4: check_protection is asked about the level that will be written --- */

static void test_reg_d4_check_asks_the_derived_level(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    uint8_t cmd[4096];
    (void)state;
    w_activate(w, 0);
    w_activate(w, 1);
    w->hw.too_big_type = T_CGMSA;                  /* CopyNever with redistribution control: too much */
    w->hw.too_big_from = 4 | 8;
    assert_int_equal(w_level(w, 0, T_CGMSA, 4), COPP_S_OK);
    assert_int_equal(w->hw.check_level, 4);
    level_cmd(w, 1, cmd, T_CGMSA, 8);              /* alone fine, but 4 | 8 would be written */
    cmd_rejected(w, 1, cmd, COPP_DDERR_TOOBIGSIZE, COPP_REASON_MODE_TOO_BIG);
    assert_int_equal(w->hw.check_type, T_CGMSA);
    assert_int_equal(w->hw.check_level, 4 | 8);
    assert_int_equal(w->hw.level[2], 4);
    assert_int_equal(copp_session_local_level(&w->s[1], T_CGMSA), 0);
    /* a request that leaves the written level as it is asks nothing */
    w->hw.checks = 0;
    assert_int_equal(w_level(w, 1, T_CGMSA, 1), COPP_S_OK);
    assert_int_equal(w->hw.checks, 0);
    world_free(w);
}

/* ---- defect 5: resync's S_OK means every type carries its derived level ---------- */

static int32_t reg_get_fails(void *u, uint32_t type, uint32_t *level)
{
    (void)u; (void)type; (void)level;
    return COPP_E_FAIL;
}

static void test_reg_d5_resync_read_failure_then_good_write(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    (void)state;
    w_activate(w, 0);
    assert_int_equal(w_level(w, 0, T_HDCP, 1), COPP_S_OK);
    assert_int_equal(w_level(w, 0, T_ACP, 3), COPP_S_OK);
    w->hw.level[0] = 0;                            /* HDCP lost */
    w->hw.fail_at = w->hw.calls + 1;               /* and its read fails */
    assert_int_equal(copp_connector_resync(&w->conn, 0), COPP_S_OK);
    assert_int_equal(w->hw.failed_op, MOCK_OP_GET_PROTECTION);
    assert_int_equal(w->hw.level[0], 1);
    assert_int_equal(w->hw.level[1], 3);
    assert_int_equal(copp_connector_level(&w->conn, T_HDCP), 1);
    assert_int_equal(w->s[0].pending_flags, 0);    /* nothing lost: nothing to report */
    /* reads that fail and a write that fails: the write's HRESULT, LinkLost */
    w->hw.level[0] = 0;
    w->hw.fail_hr = COPP_E_POINTER;
    w->hw.fail_at = w->hw.calls + 2;               /* HDCP: check passes, the write fails */
    {
        copp_hw_ops ops = mock_hw_ops;
        ops.get_protection = reg_get_fails;        /* nothing can be read: every type written */
        w->conn.desc.hw = &ops;
        assert_int_equal(copp_connector_resync(&w->conn, 0), COPP_E_POINTER);
        w->conn.desc.hw = &mock_hw_ops;
    }
    assert_int_equal(w->hw.failed_op, MOCK_OP_SET_PROTECTION);
    assert_int_equal(w->hw.level[0], 0);
    assert_int_equal(w->hw.level[1], 3);
    assert_int_equal(w->s[0].pending_flags, COPP_STATUS_LINK_LOST);
    world_free(w);
}

/* ---- defect 6: the computed MAC tag leaves copp's stack ---------------------------- */

#define REG_PROBE 8192
static REG_NOINLINE void reg_stack_scrub(void)
{
    volatile uint8_t b[REG_PROBE];
    size_t i;
    for (i = 0; i < sizeof b; i++) b[i] = 0;
}

/* 1 if the dead stack below the caller's frame holds needle. */
static REG_NOINLINE int reg_stack_holds(const uint8_t *needle, size_t n)
{
    volatile uint8_t b[REG_PROBE];
    size_t i, j;
    REG_DEFINED((const void *)b, sizeof b);
    for (i = 0; i + n <= sizeof b; i++) {
        for (j = 0; j < n && b[i + j] == needle[j]; j++) {}
        if (j == n) return 1;
    }
    return 0;
}

static void test_reg_d6_command_tag_wiped(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    uint8_t cmd[4096], want[16];
    int32_t hr;
    int left;
    (void)state;
    w_activate(w, 0);
    assert_int_equal(copp_app_set_protection_level(cmd, w->app[0].cmd_seq, T_ACP, 1), COPP_S_OK);
    assert_int_equal(copp_app_mac_command(cmd, w->crypto, w->crypto_user, &w->app[0].mac), COPP_S_OK);
    memcpy(want, cmd, 16);                         /* the valid tag a forger would want */
    cmd[0] ^= 1;                                   /* ... sent with a wrong one */
    reg_stack_scrub();
    hr = copp_command(&w->s[0], cmd);
    left = reg_stack_holds(want, sizeof want);
    assert_int_equal(hr, COPP_E_UNEXPECTED);
    assert_false(left);
    /* and after an accepted command */
    cmd[0] ^= 1;
    reg_stack_scrub();
    hr = copp_command(&w->s[0], cmd);
    left = reg_stack_holds(want, sizeof want);
    assert_int_equal(hr, COPP_S_OK);
    assert_false(left);
    world_free(w);
}

/* ---- behaviours no test pinned down ------------------------------------------------- */

static void test_pin_display_and_signaling_hook_failures(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    uint8_t in[4096];
    (void)state;
    w_activate(w, 0);
    assert_int_equal(copp_app_status_request(in, w_rapp, g_q_display, w->app[0].status_seq, NULL, 0), COPP_S_OK);
    w->hw.fail_hr = COPP_DDERR_CURRENTLYNOTAVAIL;
    w->hw.fail_at = w->hw.calls + 1;
    status_rejected(w, 0, in, COPP_DDERR_CURRENTLYNOTAVAIL, COPP_REASON_HW_FAILED);
    assert_int_equal(w->hw.failed_op, MOCK_OP_GET_DISPLAY);
    assert_int_equal(copp_app_status_request(in, w_rapp, g_q_sig, w->app[0].status_seq, NULL, 0), COPP_S_OK);
    w->hw.fail_at = w->hw.calls + 1;
    status_rejected(w, 0, in, COPP_DDERR_CURRENTLYNOTAVAIL, COPP_REASON_HW_FAILED);
    assert_int_equal(w->hw.failed_op, MOCK_OP_GET_TV);
    /* both answer once the hardware does */
    {
        uint8_t out[4096];
        assert_int_equal(w_query(w, 0, g_q_display, NULL, 0, out), COPP_S_OK);
        assert_int_equal(w_query(w, 0, g_q_sig, NULL, 0, out), COPP_S_OK);
    }
    world_free(w);
}

/* ExtendedInfoChangeMask/Data of SetSignaling are not used (A21): any bytes
 * there are accepted and change nothing the zeros would not. */
static void test_pin_set_signaling_extended_info_ignored(void **state)
{
    world *w = world_new(W_MOCK, NULL), *z = world_new(W_MOCK, NULL);
    uint8_t d[64], out_w[4096], out_z[4096];
    int i;
    (void)state;
    w_activate(w, 0);
    w_activate(z, 0);
    sig_data(d, COPP_PROTECTION_STANDARD_EN300294_625I, 7, 3, 0xF0, 0x20, 0, 0, 0);
    assert_int_equal(send_sig(z, 0, d), COPP_S_OK);
    for (i = 28; i < 60; i++) d[i] = (uint8_t)(0x91 + i);
    assert_int_equal(send_sig(w, 0, d), COPP_S_OK);
    assert_memory_equal(&w->hw.sig, &z->hw.sig, sizeof w->hw.sig);
    assert_memory_equal(&w->conn.signaling, &z->conn.signaling, sizeof w->conn.signaling);
    assert_int_equal(w_query(w, 0, g_q_sig, NULL, 0, out_w), COPP_S_OK);
    assert_int_equal(w_query(z, 0, g_q_sig, NULL, 0, out_z), COPP_S_OK);
    assert_memory_equal(out_w, out_z, sizeof out_w);   /* same key, same sequence: the same reply, MAC included */
    world_free(w);
    world_free(z);
}

/* A vp_get that sets the copy-protection flag on a connector without ACP:
 * copp decides that flag, and clears it. */
static void test_pin_vp_get_copyprotect_cleared_without_acp(void **state)
{
    world *w = world_new_ex(W_MOCK, NULL, COPP_PROTECTION_TYPE_HDCP | COPP_PROTECTION_TYPE_CGMSA);
    uint8_t vp[356], out[356];
    (void)state;
    vp_build(vp, COPP_VP_COMMAND_GET, 0, 0, 0, 0);
    assert_int_equal(copp_handle_videoparameters(&w->conn, vp, out), COPP_NO_ERROR);
    assert_int_equal(copp__ld32(out + 24), COPP_VP_FLAGS_TV_MODE | COPP_VP_FLAGS_TV_STANDARD | COPP_VP_FLAGS_FLICKER |
                                               COPP_VP_FLAGS_MAX_UNSCALED);
    assert_int_equal(copp__ld32(out + 80), 0);   /* no dwCPType either */
    world_free(w);
}

/* A key is drawn at most 8 times: 7 unusable draws then a fresh one succeed,
 * 8 unusable draws fail. */
static void test_pin_vp_key_redraw_bound(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    copp_crypto scripted = mock_crypto_table;
    uint8_t vp[356];
    int i;
    (void)state;
    scripted.randombytes = script32_rng;
    w->conn.desc.crypto = &scripted;
    g_rng_script[0] = 0x77777777u;
    g_rng_n = 1; g_rng_pos = 0;
    assert_int_equal(vp_activate(w, 1), 0x77777777u);
    for (i = 0; i < 7; i++) g_rng_script[i] = (i & 1) ? 0u : 0x77777777u;   /* live key, 0, live key ... */
    g_rng_script[7] = 0x12345678u;
    g_rng_n = 8; g_rng_pos = 0;
    assert_int_equal(vp_activate(w, 1), 0x12345678u);
    assert_int_equal(g_rng_pos, 8);
    for (i = 0; i < 8; i++) g_rng_script[i] = (i & 1) ? 0u : 0x12345678u;
    g_rng_script[8] = 0x0BADF00Du;                                          /* never reached */
    g_rng_n = 9; g_rng_pos = 0;
    vp_build(vp, COPP_VP_COMMAND_SET, COPP_VP_FLAGS_COPYPROTECT, COPP_VP_CP_CMD_ACTIVATE, 0, 1);
    vp_rejected(w, vp, COPP_ERROR_GEN_FAILURE);
    assert_int_equal(g_rng_pos, 8);
    g_rng_n = 0;
    world_free(w);
}

/* The trace records of connector_event and resync, field by field. */
static void test_pin_event_and_resync_trace_records(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    trace_log log;
    (void)state;
    w_activate(w, 0);
    assert_int_equal(w_level(w, 0, T_ACP, 2), COPP_S_OK);
    memset(&log, 0, sizeof log);
    w->conn.desc.trace = trace_rec;
    w->conn.desc.trace_user = &log;
    copp_connector_event(&w->conn, COPP_STATUS_RENEGOTIATION_REQUIRED | 0x80u);
    assert_int_equal(log.n, 1);
    assert_int_equal(log.t[0].call, COPP_CALL_EVENT);
    assert_true(log.t[0].session == NULL);
    assert_int_equal(log.t[0].result, COPP_S_OK);
    assert_int_equal(log.t[0].reason, COPP_REASON_NONE);
    assert_int_equal(log.t[0].state_before, COPP_STATE_CLOSED);
    assert_int_equal(log.t[0].state_after, COPP_STATE_CLOSED);
    assert_int_equal(log.t[0].flags, COPP_STATUS_RENEGOTIATION_REQUIRED);   /* other bits dropped */
    /* a clean resync: one record, the flags it raised */
    log.n = 0;
    assert_int_equal(copp_connector_resync(&w->conn, COPP_STATUS_RENEGOTIATION_REQUIRED), COPP_S_OK);
    assert_int_equal(log.n, 2);                       /* the event it raised, then resync itself */
    assert_int_equal(log.t[0].call, COPP_CALL_EVENT);
    assert_int_equal(log.t[1].call, COPP_CALL_RESYNC);
    assert_true(log.t[1].session == NULL);
    assert_int_equal(log.t[1].result, COPP_S_OK);
    assert_int_equal(log.t[1].reason, COPP_REASON_NONE);
    assert_int_equal(log.t[1].state_before, COPP_STATE_CLOSED);
    assert_int_equal(log.t[1].state_after, COPP_STATE_CLOSED);
    assert_int_equal(log.t[1].flags, COPP_STATUS_RENEGOTIATION_REQUIRED);
    /* a resync the mode refuses: its HRESULT and reason, LinkLost added */
    log.n = 0;
    w->hw.level[1] = 0;
    w->hw.too_big_type = T_ACP;
    w->hw.too_big_from = 1;
    assert_int_equal(copp_connector_resync(&w->conn, 0), COPP_DDERR_TOOBIGSIZE);
    assert_int_equal(log.n, 2);
    assert_int_equal(log.t[0].call, COPP_CALL_EVENT);
    assert_int_equal(log.t[0].flags, COPP_STATUS_LINK_LOST);
    assert_int_equal(log.t[1].call, COPP_CALL_RESYNC);
    assert_int_equal(log.t[1].result, COPP_DDERR_TOOBIGSIZE);
    assert_int_equal(log.t[1].reason, COPP_REASON_MODE_TOO_BIG);
    assert_int_equal(log.t[1].flags, COPP_STATUS_LINK_LOST);
    world_free(w);
}

static void test_pin_result_str(void **state)
{
    (void)state;
#ifndef COPP_NO_STRINGS
    assert_string_equal(copp_result_str(COPP_S_OK), "S_OK");
    assert_string_equal(copp_result_str(COPP_E_UNEXPECTED), "E_UNEXPECTED");
    assert_string_equal(copp_result_str(COPP_E_INVALIDARG), "E_INVALIDARG");
    assert_string_equal(copp_result_str(COPP_E_POINTER), "E_POINTER");
    assert_string_equal(copp_result_str(COPP_E_OUTOFMEMORY), "E_OUTOFMEMORY");
    assert_string_equal(copp_result_str(COPP_E_FAIL), "E_FAIL");
    assert_string_equal(copp_result_str(COPP_DDERR_TOOBIGSIZE), "DDERR_TOOBIGSIZE");
    assert_string_equal(copp_result_str(COPP_DDERR_UNSUPPORTEDMODE), "DDERR_UNSUPPORTEDMODE");
    assert_string_equal(copp_result_str(COPP_DDERR_CURRENTLYNOTAVAIL), "DDERR_CURRENTLYNOTAVAIL");
    assert_string_equal(copp_result_str(COPP__HRESULT_FAIL(0x80070005u)), "HRESULT");
    assert_string_equal(copp_reason_str(COPP_REASON_NOT_BOUND),
                        "session not listed by its connector in the state it claims (stale, copied or re-initialised)");
    assert_string_equal(copp_reason_str(1000), "unknown reason");
#else
    assert_string_equal(copp_result_str(COPP_E_FAIL), "");
    assert_string_equal(copp_reason_str(COPP_REASON_BAD_MAC), "");
#endif
}

static void test_pin_extended_format_fields(void **state)
{
    (void)state;
    assert_int_equal(copp_extended_format(0xAB, 0, 0, 0, 0, 0, 0), 0xABu);
    assert_int_equal(copp_extended_format(0, 0x9, 0, 0, 0, 0, 0), 0x9u << 8);
    assert_int_equal(copp_extended_format(0, 0, 0x5, 0, 0, 0, 0), 0x5u << 12);
    assert_int_equal(copp_extended_format(0, 0, 0, 0x6, 0, 0, 0), 0x6u << 15);
    assert_int_equal(copp_extended_format(0, 0, 0, 0, 0xC, 0, 0), 0xCu << 18);
    assert_int_equal(copp_extended_format(0, 0, 0, 0, 0, 0x15, 0), 0x15u << 22);
    assert_int_equal(copp_extended_format(0, 0, 0, 0, 0, 0, 0x1B), 0x1Bu << 27);
    /* every field at its widest, then one bit wider: truncated */
    assert_int_equal(copp_extended_format(0xFF, 0xF, 0x7, 0x7, 0xF, 0x1F, 0x1F), 0xFFFFFFFFu);
    assert_int_equal(copp_extended_format(0x1FF, 0x1F, 0xF, 0xF, 0x1F, 0x3F, 0x3F), 0xFFFFFFFFu);
    assert_int_equal(copp_extended_format(0x100, 0x10, 0x8, 0x8, 0x10, 0x20, 0x20), 0);
}

static void test_pin_accessors_on_bad_arguments(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    copp_connector *raw = (copp_connector *)calloc(1, sizeof *raw);
    static const uint32_t bad_types[] = { 0, 3, 5, 6, 7, 8, 0x10, 0x80000000u, 0xFFFFFFFFu };
    size_t k;
    (void)state;
    assert_int_equal(copp_connector_level(NULL, T_ACP), COPP_LEVEL_NOT_AVAILABLE);
    assert_int_equal(copp_connector_session_count(NULL), 0);
    assert_int_equal(copp_connector_vp_key_count(NULL), 0);
    assert_int_equal(copp_session_state(NULL), COPP_STATE_CLOSED);
    assert_int_equal(copp_session_last_reason(NULL), 0);
    assert_int_equal(copp_is_active(NULL), 0);
    assert_int_equal(copp_session_local_level(NULL, T_ACP), COPP_LEVEL_NOT_AVAILABLE);
    /* an uninitialised connector, even one whose counters say otherwise */
    raw->nsessions = 3;
    raw->nvp_keys = 2;
    assert_int_equal(copp_connector_level(raw, T_ACP), COPP_LEVEL_NOT_AVAILABLE);
    assert_int_equal(copp_connector_session_count(raw), 0);
    assert_int_equal(copp_connector_vp_key_count(raw), 0);
    /* out-of-range types on an open session and its connector */
    w_activate(w, 0);
    assert_int_equal(w_level(w, 0, T_ACP, 2), COPP_S_OK);
    for (k = 0; k < sizeof bad_types / sizeof bad_types[0]; k++) {
        assert_int_equal(copp_session_local_level(&w->s[0], bad_types[k]), COPP_LEVEL_NOT_AVAILABLE);
        assert_int_equal(copp_connector_level(&w->conn, bad_types[k]), COPP_LEVEL_NOT_AVAILABLE);
    }
    assert_int_equal(copp_session_local_level(&w->s[0], T_ACP), 2);
    assert_int_equal(copp_connector_level(&w->conn, T_ACP), 2);
    free(raw);
    world_free(w);
    /* a type the connector lacks */
    w = world_new_ex(W_MOCK, NULL, COPP_PROTECTION_TYPE_ACP);
    w_activate(w, 0);
    assert_int_equal(copp_connector_level(&w->conn, T_HDCP), COPP_LEVEL_NOT_AVAILABLE);
    assert_int_equal(copp_session_local_level(&w->s[0], T_HDCP), COPP_LEVEL_NOT_AVAILABLE);
    assert_int_equal(copp_connector_level(&w->conn, T_ACP), 0);
    world_free(w);
}

/* Storage that looks closed but still names a connector opens normally. */
static void test_pin_open_closed_session_with_stale_conn(void **state)
{
    world *w = world_new(W_MOCK, NULL), *other = world_new(W_MOCK, NULL);
    int i;
    (void)state;
    for (i = 0; i < 2; i++) {
        memset(&w->s[0], 0x3C, sizeof w->s[0]);   /* garbage ... */
        w->s[0].conn = i ? &other->conn : &w->conn;  /* ... naming this connector, or another */
        w->s[0].state = COPP_STATE_CLOSED;
        assert_int_equal(copp_open(&w->conn, &w->s[0]), COPP_S_OK);
        assert_int_equal(copp_session_state(&w->s[0]), COPP_STATE_OPENED);
        assert_int_equal(copp_session_local_level(&w->s[0], T_ACP), 0);
        assert_int_equal(w->s[0].pending_flags, 0);
        assert_int_equal(copp_close(&w->s[0]), COPP_S_OK);
    }
    assert_int_equal(copp_connector_session_count(&other->conn), 0);
    world_free(other);
    world_free(w);
}

/* A session whose state is out of range: every call refused, nothing changes. */
static void test_pin_close_out_of_range_state(void **state)
{
    world *w = world_new(W_MOCK, NULL);
    static const uint32_t bad[] = { 5, 9, 0x80000000u, 0xFFFFFFFFu };
    uint8_t buf[4096];
    size_t k;
    snapshot sn;
    (void)state;
    w_activate(w, 1);
    for (k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        memset(&w->s[0], 0, sizeof w->s[0]);
        w->s[0].conn = &w->conn;
        w->s[0].state = bad[k];
        snap_take(&sn, w, 0);
        assert_int_equal(copp_close(&w->s[0]), COPP_E_UNEXPECTED);
        snap_check(&sn, w, 0);
        memset(buf, 0, sizeof buf);
        assert_int_equal(copp_command(&w->s[0], buf), COPP_E_UNEXPECTED);
        assert_int_equal(copp_query_status(&w->s[0], buf, buf), COPP_E_UNEXPECTED);
        snap_check(&sn, w, 0);
        assert_int_equal(copp_session_state(&w->s[0]), COPP_STATE_CLOSED);
    }
    memset(&w->s[0], 0, sizeof w->s[0]);
    world_free(w);
}

static const struct CMUnitTest regress_tests[] = {
    cmocka_unit_test(test_reg_d1_failed_vp_set_leaves_tv_members),
    cmocka_unit_test(test_reg_d1_vp_set_failure_undoes_the_level),
    cmocka_unit_test(test_reg_d2_reinit_live_connector_refused),
    cmocka_unit_test(test_reg_d2_byte_copy_refused),
    cmocka_unit_test(test_reg_d2_stale_and_reinitialised_sessions),
    cmocka_unit_test(test_reg_d2_init_on_garbage_storage),
    cmocka_unit_test(test_reg_d3_vp_level_checked_against_mode),
    cmocka_unit_test(test_reg_d4_check_asks_the_derived_level),
    cmocka_unit_test(test_reg_d5_resync_read_failure_then_good_write),
    cmocka_unit_test(test_reg_d6_command_tag_wiped),
    cmocka_unit_test(test_pin_display_and_signaling_hook_failures),
    cmocka_unit_test(test_pin_set_signaling_extended_info_ignored),
    cmocka_unit_test(test_pin_vp_get_copyprotect_cleared_without_acp),
    cmocka_unit_test(test_pin_vp_key_redraw_bound),
    cmocka_unit_test(test_pin_event_and_resync_trace_records),
    cmocka_unit_test(test_pin_result_str),
    cmocka_unit_test(test_pin_extended_format_fields),
    cmocka_unit_test(test_pin_accessors_on_bad_arguments),
    cmocka_unit_test(test_pin_open_closed_session_with_stale_conn),
    cmocka_unit_test(test_pin_close_out_of_range_state),
};
