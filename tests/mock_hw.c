/* mock_hw.c -- recording hardware for the tests: every set_protection and
 * set_signaling is logged, any op can be made to fail, and the mode check
 * can refuse levels.  Included by test_main.c (one translation unit). */

#define MOCK_HW_LOG 256

typedef struct mock_hw {
    uint32_t types;             /* COPP_PROTECTION_TYPE_* the connector supports */
    uint32_t level[3];          /* what the "hardware" carries, by type index */
    uint32_t connector, bus, tv_standards, hdcp_flags;
    uint8_t bksv[5];
    copp_display_data dd;
    copp_signaling sig;
    uint32_t sig_writes;
    struct { uint32_t type, level; } log[MOCK_HW_LOG];
    uint32_t nlog;
    uint32_t calls;             /* every op call counts */
    uint32_t fail_at;           /* 1-based op call to fail; 0 = never */
    int32_t fail_hr;            /* HRESULT returned by a failing op */
    uint32_t too_big_type;      /* check_protection refuses this type ... */
    uint32_t too_big_from;      /* ... at levels >= this (0 = never) */
    copp_videoparameters vp;    /* TV state behind VIDEOPARAMETERS (vp_get/vp_set) */
    uint32_t vp_sets;
    uint32_t failed_op;         /* MOCK_OP_* of the op made to fail (0: none yet) */
    uint32_t checks;            /* check_protection calls, and the last one's arguments */
    uint32_t check_type, check_level;
} mock_hw;

enum { MOCK_OP_NONE, MOCK_OP_GET_TYPES, MOCK_OP_SET_PROTECTION, MOCK_OP_GET_PROTECTION, MOCK_OP_CHECK_PROTECTION,
       MOCK_OP_GET_CONNECTOR, MOCK_OP_GET_BUS, MOCK_OP_GET_DISPLAY, MOCK_OP_GET_HDCP, MOCK_OP_GET_TV,
       MOCK_OP_SET_SIGNALING, MOCK_OP_VP_GET, MOCK_OP_VP_SET };

static int mock_hw_tidx(uint32_t type)
{
    return type == COPP_PROTECTION_TYPE_HDCP ? 0 : type == COPP_PROTECTION_TYPE_ACP ? 1 : 2;
}

static int mock_hw_fails(mock_hw *m, uint32_t op)
{
    m->calls++;
    if (m->fail_at == 0 || m->calls != m->fail_at) return 0;
    m->failed_op = op;
    return 1;
}

static int32_t mock_get_types(void *u, uint32_t *types)
{
    mock_hw *m = (mock_hw *)u;
    if (mock_hw_fails(m, MOCK_OP_GET_TYPES)) return m->fail_hr;
    *types = m->types;
    return COPP_S_OK;
}

static int32_t mock_set_protection(void *u, uint32_t type, uint32_t level)
{
    mock_hw *m = (mock_hw *)u;
    if (mock_hw_fails(m, MOCK_OP_SET_PROTECTION)) return m->fail_hr;
    m->level[mock_hw_tidx(type)] = level;
    if (m->nlog < MOCK_HW_LOG) {
        m->log[m->nlog].type = type;
        m->log[m->nlog].level = level;
    }
    m->nlog++;
    return COPP_S_OK;
}

static int32_t mock_get_protection(void *u, uint32_t type, uint32_t *level)
{
    mock_hw *m = (mock_hw *)u;
    if (mock_hw_fails(m, MOCK_OP_GET_PROTECTION)) return m->fail_hr;
    *level = m->level[mock_hw_tidx(type)];
    return COPP_S_OK;
}

static int32_t mock_check_protection(void *u, uint32_t type, uint32_t level)
{
    mock_hw *m = (mock_hw *)u;
    if (mock_hw_fails(m, MOCK_OP_CHECK_PROTECTION)) return m->fail_hr;
    m->checks++;
    m->check_type = type;
    m->check_level = level;
    if (m->too_big_from && type == m->too_big_type && level >= m->too_big_from) return COPP_DDERR_TOOBIGSIZE;
    return COPP_S_OK;
}

static int32_t mock_get_connector(void *u, uint32_t *v)
{
    mock_hw *m = (mock_hw *)u;
    if (mock_hw_fails(m, MOCK_OP_GET_CONNECTOR)) return m->fail_hr;
    *v = m->connector;
    return COPP_S_OK;
}

static int32_t mock_get_bus(void *u, uint32_t *v)
{
    mock_hw *m = (mock_hw *)u;
    if (mock_hw_fails(m, MOCK_OP_GET_BUS)) return m->fail_hr;
    *v = m->bus;
    return COPP_S_OK;
}

static int32_t mock_get_display(void *u, copp_display_data *dd)
{
    mock_hw *m = (mock_hw *)u;
    if (mock_hw_fails(m, MOCK_OP_GET_DISPLAY)) return m->fail_hr;
    *dd = m->dd;
    return COPP_S_OK;
}

static int32_t mock_get_hdcp(void *u, uint32_t *flags, uint8_t bksv[5])
{
    mock_hw *m = (mock_hw *)u;
    if (mock_hw_fails(m, MOCK_OP_GET_HDCP)) return m->fail_hr;
    *flags = m->hdcp_flags;
    memcpy(bksv, m->bksv, 5);
    return COPP_S_OK;
}

static int32_t mock_get_tv(void *u, uint32_t *v)
{
    mock_hw *m = (mock_hw *)u;
    if (mock_hw_fails(m, MOCK_OP_GET_TV)) return m->fail_hr;
    *v = m->tv_standards;
    return COPP_S_OK;
}

static int32_t mock_set_signaling(void *u, const copp_signaling *sig)
{
    mock_hw *m = (mock_hw *)u;
    if (mock_hw_fails(m, MOCK_OP_SET_SIGNALING)) return m->fail_hr;
    m->sig = *sig;
    m->sig_writes++;
    return COPP_S_OK;
}

/* A TV encoder: mode, standard, flicker filter; copy protection on NTSC-M. */
static int32_t mock_vp_get(void *u, copp_videoparameters *vp)
{
    mock_hw *m = (mock_hw *)u;
    if (mock_hw_fails(m, MOCK_OP_VP_GET)) return m->fail_hr;
    vp->dwFlags = COPP_VP_FLAGS_TV_MODE | COPP_VP_FLAGS_TV_STANDARD | COPP_VP_FLAGS_FLICKER |
                  COPP_VP_FLAGS_MAX_UNSCALED | COPP_VP_FLAGS_COPYPROTECT;  /* copp decides CP itself */
    vp->dwMode = m->vp.dwMode;
    vp->dwAvailableModes = COPP_VP_MODE_WIN_GRAPHICS | COPP_VP_MODE_TV_PLAYBACK;
    vp->dwTVStandard = m->vp.dwTVStandard;
    vp->dwAvailableTVStandard = COPP_VP_TV_STANDARD_NTSC_M | COPP_VP_TV_STANDARD_PAL_B;
    vp->dwFlickerFilter = m->vp.dwFlickerFilter;
    vp->dwMaxUnscaledX = 720;
    vp->dwMaxUnscaledY = 480;
    vp->dwCPStandard = COPP_VP_TV_STANDARD_NTSC_M;
    return COPP_S_OK;
}

static int32_t mock_vp_set(void *u, const copp_videoparameters *vp)
{
    mock_hw *m = (mock_hw *)u;
    if (mock_hw_fails(m, MOCK_OP_VP_SET)) return m->fail_hr;
    if (vp->dwFlags & COPP_VP_FLAGS_TV_MODE) m->vp.dwMode = vp->dwMode;
    if (vp->dwFlags & COPP_VP_FLAGS_TV_STANDARD) m->vp.dwTVStandard = vp->dwTVStandard;
    if (vp->dwFlags & COPP_VP_FLAGS_FLICKER) m->vp.dwFlickerFilter = vp->dwFlickerFilter;
    m->vp_sets++;
    return COPP_S_OK;
}

static const copp_hw_ops mock_hw_ops = {
    mock_get_types, mock_set_protection, mock_get_protection, mock_check_protection,
    mock_get_connector, mock_get_bus, mock_get_display, mock_get_hdcp, mock_get_tv, mock_set_signaling,
    mock_vp_get, mock_vp_set
};

/* Only the two required ops: every optional one is NULL. */
static const copp_hw_ops mock_hw_ops_minimal = {
    mock_get_types, mock_set_protection, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
};

/* A DVI connector with HDCP, ACP and CGMS-A, as most tests want it. */
static void mock_hw_default(mock_hw *m)
{
    memset(m, 0, sizeof *m);
    m->types = COPP_PROTECTION_TYPE_HDCP | COPP_PROTECTION_TYPE_ACP | COPP_PROTECTION_TYPE_CGMSA;
    m->connector = COPP_CONNECTOR_TYPE_DVI;
    m->bus = COPP_BUS_TYPE_PCIEXPRESS;
    m->tv_standards = COPP_PROTECTION_STANDARD_EIA608B_525 | COPP_PROTECTION_STANDARD_EN300294_625I |
                      COPP_PROTECTION_STANDARD_CEA805A_TYPEA_525P;
    m->hdcp_flags = COPP_HDCP_FLAG_REPEATER;
    m->bksv[0] = 0x11; m->bksv[1] = 0x22; m->bksv[2] = 0x33; m->bksv[3] = 0x44; m->bksv[4] = 0x55;
    m->dd.DisplayWidth = 720;
    m->dd.DisplayHeight = 480;
    m->dd.Format = copp_extended_format(COPP_SAMPLE_FORMAT_FIELD_INTERLEAVED_EVEN_FIRST, 0, 0, 0, 0, 0, 0);
    m->dd.d3dFormat = 22;
    m->dd.FreqNumerator = 60000;
    m->dd.FreqDenominator = 1001;
    m->fail_hr = COPP_E_FAIL;
}
