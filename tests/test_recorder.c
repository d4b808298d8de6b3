/* test_recorder.c -- the transcript recorder (COPP_WITH_RECORDER): record
 * layout and contents, the secrets policy, the ring, export, and that a
 * recording connector behaves exactly as one without.  Parsed with the
 * robust reader tools/copp_transcript.h.  Included by test_main.c. */

#define REC_CAP (256u * 1024u)
#define REC_MAX 128

typedef struct rec_fixture {
    copp_recorder rec;
    uint8_t ring[REC_CAP];
    uint8_t out[REC_CAP + 64];
    uint32_t out_len;
    cpt_reader rd;
    cpt_record r[REC_MAX];
    int n;
} rec_fixture;

static rec_fixture *rec_new(uint32_t cap, uint32_t flags)
{
    rec_fixture *f = (rec_fixture *)calloc(1, sizeof *f);
    assert_non_null(f);
    assert_int_equal(copp_recorder_init(&f->rec, f->ring, cap, flags), COPP_S_OK);
    return f;
}

/* Re-initialize w's connector (no session open) with f's recorder. */
static void rec_attach(world *w, rec_fixture *f)
{
    copp_connector_desc d;
    memcpy(&d, &w->conn.desc, sizeof d);
    d.recorder = &f->rec;
    assert_int_equal(copp_connector_init(&w->conn, &d), COPP_S_OK);
}

/* Export and parse every record; the reader must accept the whole transcript. */
static void rec_parse(rec_fixture *f)
{
    uint32_t need = 0;
    assert_int_equal(copp_recorder_export(&f->rec, NULL, 0, &need), COPP_S_OK);
    assert_true(need <= sizeof f->out);
    assert_int_equal(copp_recorder_export(&f->rec, f->out, sizeof f->out, &f->out_len), COPP_S_OK);
    assert_int_equal(f->out_len, need);
    assert_int_equal(cpt_open(&f->rd, f->out, f->out_len), 0);
    f->n = 0;
    while (f->n < REC_MAX && cpt_next(&f->rd, &f->r[f->n]) == 1) f->n++;
    if (f->rd.failed) fail_msg("reader: %s", f->rd.err);
}

/* The idx-th item of kind/id in record i (0: the first); NULL when absent. */
static int rec_item(const rec_fixture *f, int i, uint32_t kind, uint32_t id, int idx, cpt_item *out)
{
    size_t off = 0;
    while (cpt_item_next(&f->r[i], &off, out) == 1)
        if (out->kind == kind && out->id == id && idx-- == 0) return 1;
    return 0;
}

static int rec_count(const rec_fixture *f, int i, uint32_t kind, uint32_t id)
{
    cpt_item it;
    int n = 0;
    while (rec_item(f, i, kind, id, n, &it)) n++;
    return n;
}

static int rec_contains(const rec_fixture *f, const uint8_t *needle, size_t n)
{
    size_t i;
    for (i = 0; i + n <= f->out_len; i++)
        if (memcmp(f->out + i, needle, n) == 0) return 1;
    return 0;
}

static uint32_t rec_u32(const cpt_item *it, uint32_t off)
{
    uint32_t v = 0xDEADBEEFu;
    assert_true(cpt_u32(it, off, &v));
    return v;
}

static void test_recorder_init_args(void **st)
{
    copp_recorder r;
    uint8_t buf[64];
    uint32_t len = 0;
    (void)st;
    assert_int_equal(copp_recorder_init(NULL, buf, 64, 0), COPP_E_POINTER);
    assert_int_equal(copp_recorder_init(&r, NULL, 64, 0), COPP_E_POINTER);
    assert_int_equal(copp_recorder_init(&r, buf, 63, 0), COPP_E_INVALIDARG);
    assert_int_equal(copp_recorder_init(&r, buf, 64, 2), COPP_E_INVALIDARG);
    assert_int_equal(copp_recorder_init(&r, buf, 64, COPP_RECORDER_KEEP_MAC_KEY), COPP_S_OK);
    assert_int_equal(copp_recorder_export(&r, NULL, 0, NULL), COPP_E_POINTER);
    assert_int_equal(copp_recorder_export(NULL, NULL, 0, &len), COPP_E_POINTER);
    assert_int_equal(copp_recorder_export(&r, NULL, 0, &len), COPP_S_OK);
    assert_int_equal(len, COPP_TRANSCRIPT_HEADER_BYTES);   /* nothing recorded: the header alone */
    assert_int_equal(copp_recorder_export(&r, buf, 39, &len), COPP_E_INVALIDARG);
    assert_int_equal(len, 40);
}

/* A whole session on the real backend: one record per call, in order, each
 * with the items docs/transcript.md gives it, and no key material. */
static void test_recorder_session_records(void **st)
{
    world *w = world_new(W_REAL, NULL);
    rec_fixture *f = rec_new(REC_CAP, 0);
    static const uint32_t calls[] = { COPP_CALL_CONNECTOR_INIT, COPP_CALL_OPEN, COPP_CALL_GET_CERTIFICATE_LENGTH,
        COPP_CALL_KEY_EXCHANGE, COPP_CALL_SEQUENCE_START, COPP_CALL_COMMAND, COPP_CALL_QUERY_STATUS,
        COPP_CALL_CLOSE };
    uint8_t cmd[4096], data[4], out[4096], sent[4096];
    const uint8_t *bytes;
    uint32_t full, kept;
    cpt_item it;
    int i;
    (void)st;
    rec_attach(w, f);
    w_activate(w, 0);
    assert_int_equal(copp_app_set_protection_level(cmd, w->app[0].cmd_seq, COPP_PROTECTION_TYPE_HDCP, 1), COPP_S_OK);
    assert_int_equal(w_send(w, 0, cmd), COPP_S_OK);
    memcpy(sent, cmd, sizeof sent);
    copp__st32(data, COPP_PROTECTION_TYPE_HDCP);
    assert_int_equal(w_query(w, 0, g_local, data, 4, out), COPP_S_OK);
    assert_int_equal(copp_close(&w->s[0]), COPP_S_OK);
    rec_parse(f);

    assert_int_equal(f->rd.h.version, COPP_TRANSCRIPT_VERSION);
    assert_int_equal(f->rd.h.lib_version, COPP_VERSION_NUMBER);
    assert_int_equal(f->rd.h.protection_types, 7);
    assert_int_equal(f->rd.h.first_seq, 0);
    assert_int_equal(f->rd.h.dropped, 0);
    assert_int_equal(f->rd.h.max_sessions, COPP_MAX_SESSIONS);
    assert_int_equal(f->n, 8);
    for (i = 0; i < 8; i++) {
        assert_int_equal(f->r[i].call, calls[i]);
        assert_int_equal(f->r[i].seq, (uint32_t)i);
        assert_int_equal(f->r[i].result, COPP_S_OK);
    }
    /* init: the description, the types read; a re-init draws no epoch seed */
    assert_true(rec_item(f, 0, COPP_REC_KIND_INPUT, COPP_REC_ITEM_DESC, 0, &it));
    assert_int_equal(it.len, 16);
    assert_int_equal(rec_u32(&it, 0), strlen(w_cert));
    assert_int_equal(rec_u32(&it, 4), 0xFFF);   /* every hw op set */
    assert_true(rec_item(f, 0, COPP_REC_KIND_CALLBACK, COPP_REC_CB_GET_PROTECTION_TYPES, 0, &it));
    assert_int_equal(rec_u32(&it, 0), 0);
    assert_int_equal(rec_u32(&it, 4), 7);
    assert_int_equal(rec_count(f, 0, COPP_REC_KIND_CALLBACK, COPP_REC_CB_RANDOMBYTES), 0);
    /* open: slot 0, CLOSED -> OPENED */
    assert_int_equal(f->r[1].slot, 0);
    assert_int_equal(f->r[1].state_before, COPP_STATE_CLOSED);
    assert_int_equal(f->r[1].state_after, COPP_STATE_OPENED);
    assert_int_equal(f->r[1].nsessions, 1);
    assert_true(rec_item(f, 2, COPP_REC_KIND_OUTPUT, COPP_REC_ITEM_VALUE, 0, &it));
    assert_int_equal(rec_u32(&it, 0), strlen(w_cert));
    /* key exchange: the RNG draw and the output withheld (rGH) */
    assert_true(rec_item(f, 3, COPP_REC_KIND_CALLBACK, COPP_REC_CB_RANDOMBYTES, 0, &it));
    assert_int_equal(it.len, 9);
    assert_int_equal(rec_u32(&it, 0), 16);
    assert_int_equal(it.p[8], 0);
    assert_true(rec_item(f, 3, COPP_REC_KIND_OUTPUT, COPP_REC_ITEM_WITHHELD, 0, &it));
    assert_int_equal(rec_u32(&it, 0), 16);
    assert_true(rec_item(f, 3, COPP_REC_KIND_INPUT, COPP_REC_ITEM_ARGS, 0, &it));
    assert_int_equal(rec_u32(&it, 4), 64);   /* cert_cap */
    /* sequence start: the ciphertext kept, the plaintext reduced to its length and start numbers */
    assert_true(rec_item(f, 4, COPP_REC_KIND_INPUT, COPP_REC_ITEM_WIRE, 0, &it));
    assert_true(cpt_wire(&it, &full, &bytes, &kept));
    assert_int_equal(full, 256);
    assert_true(rec_item(f, 4, COPP_REC_KIND_CALLBACK, COPP_REC_CB_RSA_DECRYPT, 0, &it));
    assert_int_equal(it.len, 17);
    assert_int_equal(rec_u32(&it, 0), 0);
    assert_int_equal(rec_u32(&it, 8), 0x10000000u + 7);      /* status start (w_to_state's) */
    assert_int_equal(rec_u32(&it, 12), 0x80000000u);         /* command start */
    assert_int_equal(it.p[16], 0);
    assert_true(rec_item(f, 4, COPP_REC_KIND_CALLBACK, COPP_REC_CB_MAC_INIT, 0, &it));
    assert_int_equal(it.len, 4);
    /* command: its wire bytes to the last non-zero one, the matching tag, the register write */
    assert_true(rec_item(f, 5, COPP_REC_KIND_INPUT, COPP_REC_ITEM_WIRE, 0, &it));
    assert_true(cpt_wire(&it, &full, &bytes, &kept));
    assert_int_equal(full, 4096);
    assert_int_equal(kept, 45);   /* level 1 at CommandData + 4 = byte 44 */
    assert_memory_equal(bytes, sent, kept);
    assert_true(rec_item(f, 5, COPP_REC_KIND_CALLBACK, COPP_REC_CB_MAC, 0, &it));
    assert_int_equal(rec_u32(&it, 0), 4080);
    assert_int_equal(it.p[12], 1);
    assert_memory_equal(it.p + 13, sent, 16);   /* = macKDI on the wire */
    assert_true(rec_item(f, 5, COPP_REC_KIND_CALLBACK, COPP_REC_CB_SET_PROTECTION, 0, &it));
    assert_int_equal(rec_u32(&it, 0), COPP_PROTECTION_TYPE_HDCP);
    assert_int_equal(rec_u32(&it, 4), 1);
    assert_int_equal(rec_u32(&it, 8), 0);
    assert_int_equal(f->r[5].applied[0], 1);
    /* status: the reply as sent, its MAC included */
    assert_true(rec_item(f, 6, COPP_REC_KIND_OUTPUT, COPP_REC_ITEM_WIRE, 0, &it));
    assert_true(cpt_wire(&it, &full, &bytes, &kept));
    assert_int_equal(full, 4096);
    assert_memory_equal(bytes, out, kept);
    for (i = (int)kept; i < 4096; i++) assert_int_equal(out[i], 0);
    /* close: HDCP back to 0, the backend's release recorded (libtom: none) */
    assert_int_equal(f->r[7].state_after, COPP_STATE_CLOSED);
    assert_int_equal(f->r[7].applied[0], 0);
    assert_int_equal(f->r[7].nsessions, 0);
    /* the secrets policy: neither kDI nor rGH anywhere in the transcript */
    assert_false(rec_contains(f, w->app[0].kdi, 16));
    assert_false(rec_contains(f, w->app[0].rgh, 16));
    assert_true(rec_contains(f, sent, 16));   /* the scan can find 16 bytes that are there */
    world_free(w);
    free(f);
}

/* A command refused for its MAC: the computed tag (a valid MAC of bytes the
 * caller chose) is withheld; the wire bytes stay. */
static void test_recorder_bad_mac_withheld(void **st)
{
    world *w = world_new(W_MOCK, NULL);
    rec_fixture *f = rec_new(REC_CAP, 0);
    uint8_t cmd[4096], zero[16];
    cpt_item it;
    (void)st;
    memset(zero, 0, sizeof zero);
    rec_attach(w, f);
    w_activate(w, 0);
    assert_int_equal(copp_app_set_protection_level(cmd, w->app[0].cmd_seq, COPP_PROTECTION_TYPE_ACP, 1), COPP_S_OK);
    assert_int_equal(copp_app_mac_command(cmd, w->crypto, w->crypto_user, &w->app[0].mac), COPP_S_OK);
    cmd[0] ^= 1;
    assert_int_equal(copp_command(&w->s[0], cmd), COPP_E_UNEXPECTED);
    cmd[0] ^= 1;
    rec_parse(f);
    assert_int_equal(f->n, 6);
    assert_int_equal(f->r[5].reason, COPP_REASON_BAD_MAC);
    assert_true(rec_item(f, 5, COPP_REC_KIND_CALLBACK, COPP_REC_CB_MAC, 0, &it));
    assert_int_equal(it.len, 29);
    assert_int_equal(it.p[12], 0);
    assert_memory_equal(it.p + 13, zero, 16);
    assert_false(rec_contains(f, cmd, 16));   /* the valid tag is nowhere ... */
    assert_int_equal(copp_command(&w->s[0], cmd), COPP_S_OK);
    rec_parse(f);
    assert_int_equal(f->n, 7);
    assert_true(rec_item(f, 6, COPP_REC_KIND_CALLBACK, COPP_REC_CB_MAC, 0, &it));
    assert_int_equal(it.p[12], 1);            /* ... until the good command puts it on the wire */
    assert_memory_equal(it.p + 13, cmd, 16);
    world_free(w);
    free(f);
}

/* The dangerous debug flag keeps kDI (in the rsa_decrypt item), nothing else. */
static void test_recorder_keep_mac_key(void **st)
{
    world *w = world_new(W_REAL, NULL);   /* real RSA: the ciphertext does not show the plaintext */
    rec_fixture *f = rec_new(REC_CAP, COPP_RECORDER_KEEP_MAC_KEY);
    cpt_item it;
    (void)st;
    rec_attach(w, f);
    w_activate(w, 0);
    rec_parse(f);
    assert_int_equal(f->rd.h.flags, COPP_RECORDER_KEEP_MAC_KEY);
    assert_true(rec_item(f, 4, COPP_REC_KIND_CALLBACK, COPP_REC_CB_RSA_DECRYPT, 0, &it));
    assert_int_equal(it.len, 33);
    assert_int_equal(it.p[16], 1);
    assert_memory_equal(it.p + 17, w->app[0].kdi, 16);
    assert_false(rec_contains(f, w->app[0].rgh, 16));   /* rGH stays withheld */
    world_free(w);
    free(f);
}

/* A small ring keeps the newest whole records, counts the dropped ones and
 * numbers them on; a record larger than the ring is dropped, its number skipped. */
static void test_recorder_ring(void **st)
{
    world *w = world_new(W_MOCK, NULL);
    rec_fixture *f = rec_new(700, 0);
    uint8_t cmd[4096];
    int i;
    (void)st;
    rec_attach(w, f);
    w_activate(w, 0);
    for (i = 0; i < 20; i++) assert_int_equal(w_level(w, 0, COPP_PROTECTION_TYPE_ACP, (uint32_t)(i & 1)), COPP_S_OK);
    rec_parse(f);
    assert_true(f->n >= 2);
    assert_int_equal(f->rd.h.first_seq + (uint32_t)f->n, 25);   /* 5 to activate, 20 commands */
    assert_int_equal(f->rd.h.dropped, 25 - f->n);
    for (i = 0; i < f->n; i++) {
        assert_int_equal(f->r[i].seq, f->rd.h.first_seq + (uint32_t)i);
        assert_int_equal(f->r[i].call, COPP_CALL_COMMAND);
    }
    assert_true(f->out_len <= 700 + COPP_TRANSCRIPT_HEADER_BYTES);
    /* a command whose last byte is not zero: 4 KB of wire bytes, over the ring */
    assert_int_equal(copp_app_set_protection_level(cmd, w->app[0].cmd_seq, COPP_PROTECTION_TYPE_ACP, 1), COPP_S_OK);
    cmd[4095] = 1;
    assert_int_equal(w_send(w, 0, cmd), COPP_S_OK);
    copp_connector_event(&w->conn, COPP_STATUS_LINK_LOST);
    rec_parse(f);
    assert_int_equal(f->r[f->n - 1].seq, 26);              /* the event's */
    assert_int_equal(f->r[f->n - 1].call, COPP_CALL_EVENT);
    for (i = 0; i < f->n; i++) assert_int_not_equal(f->r[i].seq, 25);   /* the big command's is missing */
    assert_int_equal(f->rd.h.dropped, 26 - f->n + 1);
    world_free(w);
    free(f);
}

/* The same calls with and without a recorder: the same results, levels,
 * register writes and session records. */
static void test_recorder_transparent(void **st)
{
    world *a = world_new(W_MOCK, NULL), *b = world_new(W_MOCK, NULL);
    rec_fixture *f = rec_new(REC_CAP, 0);
    world *ws[2];
    uint8_t out[2][4096], vp[356], vpo[2][356];
    static const uint8_t g_vp[16] = COPP_GUID_VIDEOPARAMETERS;
    int k, i;
    (void)st;
    rec_attach(b, f);
    ws[0] = a;
    ws[1] = b;
    memset(vp, 0, sizeof vp);
    memcpy(vp, g_vp, 16);
    copp__st32(vp + 20, COPP_VP_COMMAND_GET);
    for (k = 0; k < 2; k++) {
        world *w = ws[k];
        w_activate(w, 0);
        w_activate(w, 1);
        assert_int_equal(w_level(w, 0, COPP_PROTECTION_TYPE_HDCP, 1), COPP_S_OK);
        assert_int_equal(w_level(w, 1, COPP_PROTECTION_TYPE_ACP, 1), COPP_S_OK);
        w->hw.too_big_type = COPP_PROTECTION_TYPE_ACP;
        w->hw.too_big_from = 2;
        assert_int_equal(w_level(w, 0, COPP_PROTECTION_TYPE_ACP, 2), COPP_DDERR_TOOBIGSIZE);
        assert_int_equal(w_query(w, 0, g_global, NULL, 0, out[k]), COPP_E_INVALIDARG);
        assert_int_equal(w_level_query(w, 1, g_global, COPP_PROTECTION_TYPE_ACP), 1);
        assert_int_equal(copp_handle_videoparameters(&w->conn, vp, vpo[k]), COPP_NO_ERROR);
        assert_int_equal(copp_connector_resync(&w->conn, COPP_STATUS_RENEGOTIATION_REQUIRED), COPP_S_OK);
        assert_int_equal(w_query(w, 0, (const uint8_t[16])COPP_GUID_DXVA_COPPQueryConnectorType, NULL, 0, out[k]),
                         COPP_S_OK);
        assert_int_equal(copp_close(&w->s[0]), COPP_S_OK);
    }
    assert_memory_equal(out[0], out[1], 4096);
    assert_memory_equal(vpo[0], vpo[1], 356);
    assert_memory_equal(a->hw.level, b->hw.level, sizeof a->hw.level);
    assert_int_equal(a->hw.nlog, b->hw.nlog);
    assert_memory_equal(a->hw.log, b->hw.log, sizeof a->hw.log);
    assert_memory_equal(a->conn.counts, b->conn.counts, sizeof a->conn.counts);
    assert_memory_equal(a->conn.applied, b->conn.applied, sizeof a->conn.applied);
    for (i = 0; i < (int)a->conn.nsessions; i++) {
        assert_int_equal(a->conn.sessions[i].state, b->conn.sessions[i].state);
        assert_memory_equal(a->conn.sessions[i].level, b->conn.sessions[i].level, sizeof a->conn.sessions[i].level);
    }
    rec_parse(f);
    assert_int_equal(f->r[f->n - 1].call, COPP_CALL_CLOSE);
    world_free(a);
    world_free(b);
    free(f);
}

/* Re-init from the connector's own desc (which holds the shims): the
 * caller's ops are found again, so each callback is recorded once. */
static void test_recorder_reinit_own_desc(void **st)
{
    world *w = world_new(W_MOCK, NULL);
    rec_fixture *f = rec_new(REC_CAP, 0);
    (void)st;
    rec_attach(w, f);
    assert_int_equal(copp_connector_init(&w->conn, &w->conn.desc), COPP_S_OK);
    assert_ptr_equal(w->conn.rec.user_hw, &mock_hw_ops);
    /* the OPM users that default to hw_user / crypto_user keep the caller's, not the shims' c */
    assert_ptr_equal(w->conn.desc.opm_user, &w->hw);
    assert_ptr_equal(w->conn.rec.user_opm_crypto_user, w->crypto_user);
    assert_ptr_equal(w->conn.desc.crypto->oaep_decrypt, w->crypto->oaep_decrypt != NULL ? copp__rec_oaep_decrypt : NULL);
    w_activate(w, 0);
    assert_int_equal(w_level(w, 0, COPP_PROTECTION_TYPE_HDCP, 1), COPP_S_OK);
    rec_parse(f);
    assert_int_equal(f->n, 7);
    assert_int_equal(f->r[1].call, COPP_CALL_CONNECTOR_INIT);
    assert_int_equal(rec_count(f, 1, COPP_REC_KIND_CALLBACK, COPP_REC_CB_GET_PROTECTION_TYPES), 1);
    assert_int_equal(rec_count(f, 6, COPP_REC_KIND_CALLBACK, COPP_REC_CB_SET_PROTECTION), 1);
    assert_int_equal(rec_count(f, 6, COPP_REC_KIND_CALLBACK, COPP_REC_CB_MAC), 1);
    assert_int_equal(w->hw.level[0], 1);
    world_free(w);
    free(f);
}

/* Fresh storage: the epoch seed is an RNG draw, kept (not a secret). */
static void test_recorder_fresh_init(void **st)
{
    world *w = world_new(W_MOCK, NULL);
    rec_fixture *f = rec_new(REC_CAP, 0);
    copp_connector *c = (copp_connector *)calloc(1, sizeof *c);
    copp_connector_desc d;
    cpt_item it;
    (void)st;
    assert_non_null(c);
    memcpy(&d, &w->conn.desc, sizeof d);
    d.recorder = &f->rec;
    d.hw = &mock_hw_ops_minimal;
    w->mc.counter = 0x40;
    assert_int_equal(copp_connector_init(c, &d), COPP_S_OK);
    rec_parse(f);
    assert_int_equal(f->n, 1);
    assert_true(rec_item(f, 0, COPP_REC_KIND_INPUT, COPP_REC_ITEM_DESC, 0, &it));
    assert_int_equal(rec_u32(&it, 4), 0x3);   /* only the two required ops */
    assert_true(rec_item(f, 0, COPP_REC_KIND_CALLBACK, COPP_REC_CB_RANDOMBYTES, 0, &it));
    assert_int_equal(it.len, 17);
    assert_int_equal(it.p[8], 1);
    assert_int_equal(it.p[9], 0x40);
    assert_int_equal(it.p[16], 0x47);
    assert_null(c->desc.hw->get_protection);   /* a NULL op stays NULL behind the shims */
    free(c);
    world_free(w);
    free(f);
}

/* Record a session that touches every callback and call kind (signaling,
 * every status request, VIDEOPARAMETERS GET and SET with TV members, an
 * event, a resync, failures of each kind, a drop), then replay it in
 * process: no divergence.  A copy with one callback result changed diverges
 * at that record; cut short it is malformed. */
static void rec_busy_session(world *w)
{
    static const uint8_t q[][16] = { COPP_GUID_DXVA_COPPQueryConnectorType, COPP_GUID_DXVA_COPPQueryProtectionType,
        COPP_GUID_DXVA_COPPQueryDisplayData, COPP_GUID_DXVA_COPPQueryHDCPKeyData, COPP_GUID_DXVA_COPPQueryBusData,
        COPP_GUID_DXVA_COPPQuerySignaling };
    uint8_t d[64], cmd[4096], out[4096], vp[356], vpo[356], data[4];
    uint32_t key;
    size_t i;
    w_activate(w, 0);
    w_activate(w, 1);
    w_to_state(w, 2, COPP_STATE_KEY_EXCHANGED, COPP_APP_SIG_RAW_LE);
    assert_int_equal(w_level(w, 0, COPP_PROTECTION_TYPE_HDCP, 1), COPP_S_OK);
    assert_int_equal(w_level(w, 1, COPP_PROTECTION_TYPE_CGMSA, 4 | 8), COPP_S_OK);
    sig_data(d, COPP_PROTECTION_STANDARD_EN300294_625I, 7, COPP_ASPECT_RATIO_EN300294_BOX_16BY9_CENTER, 0xF0, 0x50, 0, 0, 0);
    assert_int_equal(send_sig(w, 0, d), COPP_S_OK);
    for (i = 0; i < sizeof q / sizeof q[0]; i++) assert_int_equal(w_query(w, 1, q[i], NULL, 0, out), COPP_S_OK);
    copp__st32(data, COPP_PROTECTION_TYPE_CGMSA);
    assert_int_equal(w_query(w, 0, g_global, data, 4, out), COPP_S_OK);
    assert_int_equal(w_query(w, 0, g_local, data, 4, out), COPP_S_OK);
    vp_build(vp, COPP_VP_COMMAND_GET, 0, 0, 0, 0);
    assert_int_equal(copp_handle_videoparameters(&w->conn, vp, vpo), COPP_NO_ERROR);
    key = vp_activate(w, 3);
    vp_build(vp, COPP_VP_COMMAND_SET, COPP_VP_FLAGS_COPYPROTECT | COPP_VP_FLAGS_BRIGHTNESS, COPP_VP_CP_CMD_CHANGE, key, 1);
    copp__st32(vp + 72, 60);
    assert_int_equal(copp_handle_videoparameters(&w->conn, vp, vp), COPP_NO_ERROR);   /* in place */
    copp_connector_event(&w->conn, COPP_STATUS_LINK_LOST);
    assert_int_equal(w_query(w, 1, q[0], NULL, 0, out), COPP_S_OK);
    /* failures: a bad MAC, a stale sequence, a hardware fault, a mode too small, a wrong state */
    assert_int_equal(copp_app_set_protection_level(cmd, w->app[0].cmd_seq, COPP_PROTECTION_TYPE_ACP, 1), COPP_S_OK);
    assert_int_equal(copp_command(&w->s[0], cmd), COPP_E_UNEXPECTED);
    assert_int_equal(copp_app_set_protection_level(cmd, w->app[0].cmd_seq - 1, COPP_PROTECTION_TYPE_ACP, 1), COPP_S_OK);
    assert_int_equal(w_send(w, 0, cmd), COPP_E_INVALIDARG);
    w->hw.fail_at = w->hw.calls + 2;   /* check_protection passes, set_protection fails */
    assert_int_equal(w_level(w, 1, COPP_PROTECTION_TYPE_ACP, 2), COPP_E_FAIL);
    w->hw.too_big_type = COPP_PROTECTION_TYPE_ACP;
    w->hw.too_big_from = 2;
    assert_int_equal(w_level(w, 1, COPP_PROTECTION_TYPE_ACP, 2), COPP_DDERR_TOOBIGSIZE);
    assert_int_equal(copp_get_certificate_length(&w->s[0], (uint32_t *)(void *)data), COPP_E_UNEXPECTED);
    assert_int_equal(copp_get_certificate_length(&w->s[3], NULL), COPP_E_UNEXPECTED);   /* no connector: not recorded */
    assert_int_equal(copp_connector_resync(&w->conn, COPP_STATUS_RENEGOTIATION_REQUIRED), COPP_S_OK);
    assert_int_equal(vp_cp(w, COPP_VP_CP_CMD_DEACTIVATE, key, 0), COPP_NO_ERROR);
    /* a slot whose storage is gone, dropped; then the rest closed */
    memset(&w->s[2], 0, sizeof w->s[2]);
    assert_int_equal(copp_connector_drop_session(&w->conn, &w->s[2]), COPP_S_OK);
    assert_int_equal(copp_close(&w->s[0]), COPP_S_OK);
    assert_int_equal(copp_close(&w->s[1]), COPP_S_OK);
}

static rp_state g_rp;

static void test_recorder_replay(void **st)
{
    world *w = world_new(W_MOCK, NULL);
    rec_fixture *f = rec_new(REC_CAP, 0);
    cpt_item it;
    int i, seen = 0, hit = -1;
    (void)st;
    rec_attach(w, f);
    rec_busy_session(w);
    rec_parse(f);
    assert_true(f->n > 30);
    for (i = 0; i < f->n; i++) seen |= 1 << f->r[i].call;
    assert_int_equal(seen, 0xFFF);   /* every COPP call kind is in it */
    assert_int_equal(rp_run(&g_rp, f->out, f->out_len, NULL), 0);
    if (getenv("COPP_TEST_SAVE_TRANSCRIPT")) {   /* the fuzz seed tests/fuzz/corpus/transcript/busy */
        FILE *o = fopen(getenv("COPP_TEST_SAVE_TRANSCRIPT"), "wb");
        assert_non_null(o);
        assert_int_equal(fwrite(f->out, 1, f->out_len, o), f->out_len);
        fclose(o);
    }
    /* the third set_protection's result made E_FAIL */
    for (i = 0; i < f->n && hit < 0; i++) {
        int k = 0;
        while (rec_item(f, i, COPP_REC_KIND_CALLBACK, COPP_REC_CB_SET_PROTECTION, k, &it)) {
            if (++seen > 0xFFF + 2) { hit = i; break; }
            k++;
        }
    }
    assert_true(hit > 0);
    copp__st32(f->out + (it.p - f->out) + 8, (uint32_t)COPP_E_FAIL);
    assert_int_equal(rp_run(&g_rp, f->out, f->out_len, NULL), 1);
    assert_int_equal(g_rp.cur.seq, f->r[hit].seq);
    copp__st32(f->out + (it.p - f->out) + 8, 0);
    assert_int_equal(rp_run(&g_rp, f->out, f->out_len, NULL), 0);
    assert_int_equal(rp_run(&g_rp, f->out, f->r[hit].at + 20, NULL), 2);   /* cut inside a record: malformed */
    assert_int_equal(rp_run(&g_rp, f->out, 39, NULL), 2);
    world_free(w);
    free(f);
}

/* A ring that dropped its first records is listed, not replayed (exit 2). */
static void test_recorder_replay_wrapped(void **st)
{
    world *w = world_new(W_MOCK, NULL);
    rec_fixture *f = rec_new(4096, 0);
    (void)st;
    rec_attach(w, f);
    rec_busy_session(w);
    rec_parse(f);
    assert_true(f->rd.h.dropped > 0);
    assert_int_equal(rp_run(&g_rp, f->out, f->out_len, NULL), 2);
    world_free(w);
    free(f);
}

static const struct CMUnitTest recorder_tests[] = {
    cmocka_unit_test(test_recorder_replay),
    cmocka_unit_test(test_recorder_replay_wrapped),
    cmocka_unit_test(test_recorder_init_args),
    cmocka_unit_test(test_recorder_session_records),
    cmocka_unit_test(test_recorder_bad_mac_withheld),
    cmocka_unit_test(test_recorder_keep_mac_key),
    cmocka_unit_test(test_recorder_ring),
    cmocka_unit_test(test_recorder_transparent),
    cmocka_unit_test(test_recorder_reinit_own_desc),
    cmocka_unit_test(test_recorder_fresh_init),
};
