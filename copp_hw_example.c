/* copp_hw_example.c -- a simulated GPU driving its registers through copp.h's
 * hardware callbacks, and the demo (make demo).
 *
 * The first half is what a driver author writes: a register file reached
 * only through gpu_read()/gpu_write(), and the copp_hw_ops callbacks on top
 * of it, in protocol terms.  The second half (main) plays two applications
 * on one connector through the full protocol with a real RSA-2048 key, using
 * the same application-side helpers as the tests (COPP_WITH_APP; the
 * applications key their CMAC on a MAC-only backend, copp_libtom_init_mac,
 * as an application without the driver's key does), prints a
 * transcript and a final register dump, and exits non-zero if any
 * expectation fails.
 *
 *   usage: copp_demo KEY [TRANSCRIPT]
 *       KEY         RSA-2048 private key: PEM or DER, PKCS #1 or PKCS #8
 *                   (make demo uses tests/vectors/test_rsa2048.pem)
 *       TRANSCRIPT  record every call (COPP_WITH_RECORDER, default secrets
 *                   policy) and write the transcript there at the end
 *                   (make demo TRANSCRIPT=build/demo.cpt; coppdump --replay reads it)
 *   COPP_DEMO_SECRETS=FILE writes each application's kDI and rGH there as
 *   hex, for make test's check that the transcript holds neither;
 *   COPP_DEMO_KEEP_MAC_KEY=1 records with COPP_RECORDER_KEEP_MAC_KEY (the
 *   dangerous debug flag: the check's control, which must find kDI).
 *   build with -DCOPP_HW_EXAMPLE_NO_MAIN to reuse the callbacks elsewhere, and
 *   with -DCOPP_DEMO_BEARSSL (make demo BACKEND=bearssl) to run the driver's
 *   crypto (and the applications' CMAC) on the BearSSL backend instead of
 *   libtom; the applications still build their start sequences with the app
 *   helpers, which need libtom. */
#define COPP_IMPLEMENTATION
#define COPP_WITH_LIBTOM
#ifdef COPP_DEMO_BEARSSL
#define COPP_WITH_BEARSSL
#endif
#define COPP_WITH_APP
#define COPP_WITH_RECORDER   /* used only when a TRANSCRIPT file is named */
#include "copp.h"
#include "tools/copp_io.h"   /* key file -> copp_libtom_init_pem / _init_der */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the simulated register file ---------------------------------------- */

enum {
    REG_CONNECTOR    = 0x00, /* RO: COPP connector type of this output */
    REG_BUS          = 0x04, /* RO: bus type */
    REG_CP_CAPS      = 0x08, /* RO: bit0 HDCP, bit1 ACP, bit2 CGMS-A */
    REG_HDCP_CTRL    = 0x10, /* bit0: encryption enable */
    REG_HDCP_STATUS  = 0x14, /* RO: bit0 authenticated, bit1 repeater, bit2 sink present */
    REG_HDCP_BKSV_LO = 0x18, /* RO: receiver KSV bits 0..31 */
    REG_HDCP_BKSV_HI = 0x1C, /* RO: receiver KSV bits 32..39 */
    REG_ACP_LEVEL    = 0x20, /* Macrovision APS level 0..3 */
    REG_CGMSA        = 0x24, /* bits 0..2 CGMS-A value, bit 3 redistribution control */
    REG_TV_STD_CAPS  = 0x28, /* RO: COPP_PROTECTION_STANDARD_* the TV encoder can carry */
    REG_SIG_STANDARD = 0x2C, /* active TV protection standard */
    REG_SIG_ASPECT1  = 0x30, /* EN 300 294 aspect ratio (WSS) */
    REG_SIG_ASPECT2  = 0x34,
    REG_SIG_ASPECT3  = 0x38,
    REG_MODE_WIDTH   = 0x40, /* RO: active mode of the signal */
    REG_MODE_HEIGHT  = 0x44,
    REG_MODE_FREQ_N  = 0x48,
    REG_MODE_FREQ_D  = 0x4C,
    REG_MODE_FLAGS   = 0x50, /* RO: bit0 interlaced */
    REG_TV_MODE      = 0x54, /* VP_MODE_*: TV output off (0), desktop, or playback */
    REG_TV_STANDARD  = 0x58, /* VP_TV_STANDARD_* of the TV encoder */
    REG_SPACE        = 0x5C
};

static const struct { uint32_t reg; const char *name; } reg_names[] = {
    { REG_CONNECTOR, "CONNECTOR" }, { REG_BUS, "BUS" }, { REG_CP_CAPS, "CP_CAPS" },
    { REG_HDCP_CTRL, "HDCP_CTRL" }, { REG_HDCP_STATUS, "HDCP_STATUS" },
    { REG_HDCP_BKSV_LO, "HDCP_BKSV_LO" }, { REG_HDCP_BKSV_HI, "HDCP_BKSV_HI" },
    { REG_ACP_LEVEL, "ACP_LEVEL" }, { REG_CGMSA, "CGMSA" }, { REG_TV_STD_CAPS, "TV_STD_CAPS" },
    { REG_SIG_STANDARD, "SIG_STANDARD" }, { REG_SIG_ASPECT1, "SIG_ASPECT1" },
    { REG_SIG_ASPECT2, "SIG_ASPECT2" }, { REG_SIG_ASPECT3, "SIG_ASPECT3" },
    { REG_MODE_WIDTH, "MODE_WIDTH" }, { REG_MODE_HEIGHT, "MODE_HEIGHT" },
    { REG_MODE_FREQ_N, "MODE_FREQ_N" }, { REG_MODE_FREQ_D, "MODE_FREQ_D" },
    { REG_MODE_FLAGS, "MODE_FLAGS" }, { REG_TV_MODE, "TV_MODE" }, { REG_TV_STANDARD, "TV_STANDARD" },
};

typedef struct sim_gpu {
    uint32_t regs[REG_SPACE / 4];
    uint32_t writes;      /* register writes so far */
    int verbose;          /* print every write */
} sim_gpu;

static const char *reg_name(uint32_t reg)
{
    size_t i;
    for (i = 0; i < sizeof reg_names / sizeof reg_names[0]; i++)
        if (reg_names[i].reg == reg) return reg_names[i].name;
    return "?";
}

static uint32_t gpu_read(const sim_gpu *g, uint32_t reg)
{
    return g->regs[reg / 4];
}

/* The only way anything changes the hardware.  Writing HDCP_CTRL makes the
 * simulated link authenticate when a sink is present. */
static void gpu_write(sim_gpu *g, uint32_t reg, uint32_t value)
{
    g->regs[reg / 4] = value;
    g->writes++;
    if (g->verbose) printf("        reg %-12s <- 0x%08x\n", reg_name(reg), (unsigned)value);
    if (reg == REG_HDCP_CTRL) {
        uint32_t st = g->regs[REG_HDCP_STATUS / 4] & ~1u;
        if ((value & 1u) && (st & 4u)) st |= 1u;
        g->regs[REG_HDCP_STATUS / 4] = st;
    }
}

/* Power-on state: HDMI output with an analog TV encoder beside it, so the
 * connector offers HDCP, ACP and CGMS-A; 480i signal; a receiver attached. */
static void gpu_power_on(sim_gpu *g)
{
    memset(g, 0, sizeof *g);
    g->regs[REG_CONNECTOR / 4] = COPP_CONNECTOR_TYPE_HDMI;
    g->regs[REG_BUS / 4] = COPP_BUS_TYPE_PCIEXPRESS;
    g->regs[REG_CP_CAPS / 4] = 0x7;
    g->regs[REG_HDCP_STATUS / 4] = 4u;                 /* sink present, not a repeater */
    g->regs[REG_HDCP_BKSV_LO / 4] = 0x8B3A51E4u;
    g->regs[REG_HDCP_BKSV_HI / 4] = 0x5Cu;
    g->regs[REG_TV_STD_CAPS / 4] = COPP_PROTECTION_STANDARD_EIA608B_525 | COPP_PROTECTION_STANDARD_IEC61880_525I |
                                   COPP_PROTECTION_STANDARD_CEA805A_TYPEA_525P;
    g->regs[REG_MODE_WIDTH / 4] = 720;
    g->regs[REG_MODE_HEIGHT / 4] = 480;
    g->regs[REG_MODE_FREQ_N / 4] = 60000;
    g->regs[REG_MODE_FREQ_D / 4] = 1001;
    g->regs[REG_MODE_FLAGS / 4] = 1;
    g->regs[REG_TV_MODE / 4] = COPP_VP_MODE_WIN_GRAPHICS;
    g->regs[REG_TV_STANDARD / 4] = COPP_VP_TV_STANDARD_NTSC_M;
}

/* The fault switch: the receiver goes away (cable pulled) or comes back. */
static void gpu_set_sink(sim_gpu *g, int present)
{
    uint32_t st = g->regs[REG_HDCP_STATUS / 4];
    g->regs[REG_HDCP_STATUS / 4] = present ? (st | 4u) : (st & ~5u);   /* no sink: not authenticated */
}

/* ---- copp_hw_ops over the register file ---------------------------------- */

static int32_t hw_get_protection_types(void *user, uint32_t *types)
{
    uint32_t caps = gpu_read((sim_gpu *)user, REG_CP_CAPS);
    *types = caps & (COPP_PROTECTION_TYPE_HDCP | COPP_PROTECTION_TYPE_ACP | COPP_PROTECTION_TYPE_CGMSA);
    return COPP_S_OK;
}

static int32_t hw_set_protection(void *user, uint32_t type, uint32_t level)
{
    sim_gpu *g = (sim_gpu *)user;
    switch (type) {
    case COPP_PROTECTION_TYPE_HDCP:
        gpu_write(g, REG_HDCP_CTRL, level ? 1u : 0u);
        /* enabling needs an authenticated link; without one, leave the
         * hardware as it was and report the failure (copp rolls back) */
        if (level && !(gpu_read(g, REG_HDCP_STATUS) & 1u)) {
            gpu_write(g, REG_HDCP_CTRL, 0);
            return COPP_E_FAIL;
        }
        return COPP_S_OK;
    case COPP_PROTECTION_TYPE_ACP: gpu_write(g, REG_ACP_LEVEL, level & 3u); return COPP_S_OK;
    case COPP_PROTECTION_TYPE_CGMSA: gpu_write(g, REG_CGMSA, level & 0xFu); return COPP_S_OK;
    default: return COPP_E_INVALIDARG;
    }
}

static int32_t hw_get_protection(void *user, uint32_t type, uint32_t *level)
{
    const sim_gpu *g = (const sim_gpu *)user;
    switch (type) {
    case COPP_PROTECTION_TYPE_HDCP: *level = gpu_read(g, REG_HDCP_STATUS) & 1u; return COPP_S_OK; /* authenticated */
    case COPP_PROTECTION_TYPE_ACP: *level = gpu_read(g, REG_ACP_LEVEL); return COPP_S_OK;
    case COPP_PROTECTION_TYPE_CGMSA: *level = gpu_read(g, REG_CGMSA); return COPP_S_OK;
    default: return COPP_E_INVALIDARG;
    }
}

/* The TV encoder carries ACP and CGMS-A only on standard-definition modes. */
static int32_t hw_check_protection(void *user, uint32_t type, uint32_t level)
{
    const sim_gpu *g = (const sim_gpu *)user;
    (void)level;
    if (type != COPP_PROTECTION_TYPE_HDCP && gpu_read(g, REG_MODE_HEIGHT) > 576) return COPP_DDERR_TOOBIGSIZE;
    return COPP_S_OK;
}

static int32_t hw_get_connector_type(void *user, uint32_t *type)
{
    *type = gpu_read((const sim_gpu *)user, REG_CONNECTOR);
    return COPP_S_OK;
}

static int32_t hw_get_bus_type(void *user, uint32_t *bus)
{
    *bus = gpu_read((const sim_gpu *)user, REG_BUS);
    return COPP_S_OK;
}

static int32_t hw_get_display_data(void *user, copp_display_data *dd)
{
    const sim_gpu *g = (const sim_gpu *)user;
    int interlaced = (int)(gpu_read(g, REG_MODE_FLAGS) & 1u);
    dd->DisplayWidth = gpu_read(g, REG_MODE_WIDTH);
    dd->DisplayHeight = gpu_read(g, REG_MODE_HEIGHT);
    dd->Format = copp_extended_format(interlaced ? COPP_SAMPLE_FORMAT_FIELD_INTERLEAVED_EVEN_FIRST
                                                 : COPP_SAMPLE_FORMAT_PROGRESSIVE_FRAME, 0, 0, 0, 0, 0, 0);
    dd->d3dFormat = 22;   /* D3DFMT_X8R8G8B8 */
    dd->FreqNumerator = gpu_read(g, REG_MODE_FREQ_N);
    dd->FreqDenominator = gpu_read(g, REG_MODE_FREQ_D);
    return COPP_S_OK;
}

static int32_t hw_get_hdcp_key_data(void *user, uint32_t *flags, uint8_t bksv[5])
{
    const sim_gpu *g = (const sim_gpu *)user;
    uint32_t lo = gpu_read(g, REG_HDCP_BKSV_LO), st = gpu_read(g, REG_HDCP_STATUS);
    int present = (st & 4u) != 0;
    bksv[0] = (uint8_t)(present ? lo : 0);
    bksv[1] = (uint8_t)(present ? lo >> 8 : 0);
    bksv[2] = (uint8_t)(present ? lo >> 16 : 0);
    bksv[3] = (uint8_t)(present ? lo >> 24 : 0);
    bksv[4] = (uint8_t)(present ? gpu_read(g, REG_HDCP_BKSV_HI) : 0);
    *flags = (st & 2u) ? COPP_HDCP_FLAG_REPEATER : 0;
    return COPP_S_OK;
}

static int32_t hw_get_tv_standards(void *user, uint32_t *available)
{
    *available = gpu_read((const sim_gpu *)user, REG_TV_STD_CAPS);
    return COPP_S_OK;
}

static int32_t hw_set_signaling(void *user, const copp_signaling *sig)
{
    sim_gpu *g = (sim_gpu *)user;
    gpu_write(g, REG_SIG_STANDARD, sig->ActiveTVProtectionStandard);
    gpu_write(g, REG_SIG_ASPECT1, sig->AspectRatioData[0]);
    gpu_write(g, REG_SIG_ASPECT2, sig->AspectRatioData[1]);
    gpu_write(g, REG_SIG_ASPECT3, sig->AspectRatioData[2]);
    return COPP_S_OK;
}

/* VIDEOPARAMETERS GET: the TV encoder's modes and standards. */
static int32_t hw_vp_get(void *user, copp_videoparameters *vp)
{
    const sim_gpu *g = (const sim_gpu *)user;
    vp->dwFlags = COPP_VP_FLAGS_TV_MODE | COPP_VP_FLAGS_TV_STANDARD | COPP_VP_FLAGS_MAX_UNSCALED;
    vp->dwMode = gpu_read(g, REG_TV_MODE);
    vp->dwAvailableModes = COPP_VP_MODE_WIN_GRAPHICS | COPP_VP_MODE_TV_PLAYBACK;
    vp->dwTVStandard = gpu_read(g, REG_TV_STANDARD);
    vp->dwAvailableTVStandard = COPP_VP_TV_STANDARD_NTSC_M | COPP_VP_TV_STANDARD_NTSC_M_J | COPP_VP_TV_STANDARD_PAL_B;
    vp->dwMaxUnscaledX = 720;
    vp->dwMaxUnscaledY = 480;
    vp->dwCPStandard = COPP_VP_TV_STANDARD_NTSC_M | COPP_VP_TV_STANDARD_NTSC_M_J;
    return COPP_S_OK;
}

/* VIDEOPARAMETERS SET of the non-copy-protection members. */
static int32_t hw_vp_set(void *user, const copp_videoparameters *vp)
{
    sim_gpu *g = (sim_gpu *)user;
    if (vp->dwFlags & ~(COPP_VP_FLAGS_TV_MODE | COPP_VP_FLAGS_TV_STANDARD)) return COPP_E_INVALIDARG;
    if (vp->dwFlags & COPP_VP_FLAGS_TV_MODE) gpu_write(g, REG_TV_MODE, vp->dwMode);
    if (vp->dwFlags & COPP_VP_FLAGS_TV_STANDARD) gpu_write(g, REG_TV_STANDARD, vp->dwTVStandard);
    return COPP_S_OK;
}

static const copp_hw_ops sim_hw_ops = {
    hw_get_protection_types, hw_set_protection, hw_get_protection, hw_check_protection,
    hw_get_connector_type, hw_get_bus_type, hw_get_display_data, hw_get_hdcp_key_data,
    hw_get_tv_standards, hw_set_signaling, hw_vp_get, hw_vp_set
};

#ifndef COPP_HW_EXAMPLE_NO_MAIN
/* ---- the demo ------------------------------------------------------------ */

static int g_failures;

static void expect(int ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf(ok ? "    ok:       " : "    FAILED:   ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    if (!ok) g_failures++;
}

static const char *state_name(uint32_t s)
{
    static const char *names[] = { "CLOSED", "OPENED", "CERT_LENGTH_RETURNED", "KEY_EXCHANGED", "SESSION_ACTIVE" };
    return s < 5 ? names[s] : "?";
}

static const char *call_name(uint32_t c)
{
    static const char *names[] = { "copp_connector_init", "copp_open", "copp_get_certificate_length",
                                   "copp_key_exchange", "copp_sequence_start", "copp_command",
                                   "copp_query_status", "copp_close", "copp_connector_event",
                                   "copp_handle_videoparameters", "copp_connector_resync" };
    return c < 11 ? names[c] : "?";
}

/* One application: its COPP session and what it knows of it. */
typedef struct app {
    const char *name;
    uint32_t encoding;               /* how it encrypts the start sequence */
    copp_session s;
    uint8_t rgh[16], kdi[16];
    copp_mac_ctx mac;                /* its own keyed CMAC */
    uint32_t status_seq, cmd_seq;
    uint8_t n[256], e[8];
    unsigned long e_len;
} app;

static app g_apps[2];

/* Trace hook: one line per call, with the session's owner and state change. */
static void on_trace(void *user, const copp_trace *t)
{
    const char *who = "--";
    int i;
    (void)user;
    for (i = 0; i < 2; i++)
        if (t->session == &g_apps[i].s) who = g_apps[i].name;
    if (t->call == COPP_CALL_VIDEO_PARAMETERS) who = "DVD";
    printf("  [%s] %-28s -> %s", who, call_name(t->call),
           t->call == COPP_CALL_VIDEO_PARAMETERS ? (t->result == COPP_S_OK ? "NO_ERROR" : "error")
                                                 : copp_result_str(t->result));
    if (t->state_before != t->state_after)
        printf("   %s -> %s", state_name(t->state_before), state_name(t->state_after));
    if (t->result != COPP_S_OK) printf(" (%s)", copp_reason_str(t->reason));
    printf("\n");
}

/* An XML certificate chain shaped like COPP.md 10.2: three certificates, the
 * leaf carrying the driver's public key (base64, big-endian).  The signatures
 * are placeholders: no one here holds a vendor's or Microsoft's signing key. */
static char *make_certificate(const uint8_t n[256], const uint8_t e[4], size_t e_len)
{
    unsigned char n64[400], e64[16];
    unsigned long n64_len = sizeof n64, e64_len = sizeof e64;
    char *xml = (char *)malloc(4096);
    if (!xml || e_len == 0 || e_len > 4 ||
        base64_encode(n, 256, n64, &n64_len) != CRYPT_OK || base64_encode(e, e_len, e64, &e64_len) != CRYPT_OK) {
        free(xml);
        return NULL;
    }
    snprintf(xml, 4096,
             "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
             "<CertificateCollection Version=\"2.0\">"
             "<Certificate><Data><PublicKey><KeyValue><RSAKeyValue>"
             "<Modulus>%s</Modulus><Exponent>%s</Exponent>"
             "</RSAKeyValue></KeyValue></PublicKey>"
             "<KeyUsage><EncryptKey>1</EncryptKey></KeyUsage><SecurityLevel>2000</SecurityLevel>"
             "<ManufacturerData>copp.h simulated GPU</ManufacturerData>"
             "<Features><COPPCertificate>1</COPPCertificate></Features></Data>"
             "<Signature><SignedInfo><Reference><DigestValue/></Reference></SignedInfo>"
             "<SignatureValue/></Signature></Certificate>"
             "<Certificate><Data><ManufacturerData>vendor signing certificate (placeholder)</ManufacturerData>"
             "</Data></Certificate>"
             "<Certificate><Data><ManufacturerData>Microsoft signing certificate (placeholder)</ManufacturerData>"
             "</Data></Certificate>"
             "</CertificateCollection>",
             (const char *)n64, (const char *)e64);
    return xml;
}

/* What an application does with the chain: take the leaf's modulus and
 * exponent (base64, big-endian).  Chain validation is the application's
 * business and out of scope here. */
static int cert_value(const char *xml, size_t len, const char *tag, uint8_t *out, unsigned long *out_len)
{
    char open[32], close_[32];
    const char *a, *b;
    snprintf(open, sizeof open, "<%s>", tag);
    snprintf(close_, sizeof close_, "</%s>", tag);
    a = strstr(xml, open);
    b = a ? strstr(a, close_) : NULL;
    if (!a || !b || (size_t)(b - xml) > len) return -1;
    a += strlen(open);
    return base64_decode((const unsigned char *)a, (unsigned long)(b - a), out, out_len) == CRYPT_OK ? 0 : -1;
}

/* Open a session and take it to SESSION_ACTIVE, as IAMCertifiedOutputProtection
 * KeyExchange + SessionSequenceStart do. */
static void app_connect(app *a, copp_connector *conn, const copp_crypto *crypto, void *crypto_user)
{
    uint32_t len = 0, starts[2];
    int32_t hr;
    uint8_t *cert, sig[256];
    unsigned long n_len = sizeof a->n;
    copp_bytes n, e;
    printf("\n%s connects (start sequence encrypted %s)\n", a->name,
           a->encoding == COPP_APP_SIG_RAW_LE ? "raw, little-endian"
                                              : "CryptoAPI-style: PKCS#1 v1.5 over the reversed 40 bytes");
    expect(copp_open(conn, &a->s) == COPP_S_OK, "%s: session opened", a->name);
    hr = copp_get_certificate_length(&a->s, &len);
    expect(hr == COPP_S_OK, "%s: certificate is %u bytes", a->name, (unsigned)len);
    cert = (uint8_t *)malloc(len + 1);
    expect(cert && copp_key_exchange(&a->s, a->rgh, cert, len) == COPP_S_OK, "%s: got the certificate and rGH", a->name);
    if (!cert) return;
    cert[len] = 0;
    a->e_len = sizeof a->e;
    expect(cert_value((const char *)cert, len, "Modulus", a->n, &n_len) == 0 && n_len == 256 &&
           cert_value((const char *)cert, len, "Exponent", a->e, &a->e_len) == 0,
           "%s: leaf public key read from the certificate (2048-bit modulus)", a->name);
    free(cert);
    /* kDI and both start sequence numbers from a CSPRNG */
    copp_libtom_randombytes(NULL, a->kdi, sizeof a->kdi);
    copp_libtom_randombytes(NULL, (uint8_t *)starts, sizeof starts);
    a->status_seq = starts[0];
    a->cmd_seq = starts[1];
    n.p = a->n; n.len = 256;
    e.p = a->e; e.len = a->e_len;
    expect(copp_app_sign_start_sequence(sig, a->rgh, a->kdi, a->status_seq, a->cmd_seq, a->encoding, n, e) ==
           COPP_S_OK, "%s: start sequence signed (status start 0x%08x, command start 0x%08x)", a->name,
           (unsigned)a->status_seq, (unsigned)a->cmd_seq);
    expect(copp_sequence_start(&a->s, sig) == COPP_S_OK, "%s: session active", a->name);
    expect(crypto->mac_init(crypto_user, &a->mac, a->kdi) == COPP_S_OK, "%s: keyed its CMAC with kDI", a->name);
}

static const copp_crypto *g_crypto;
static void *g_crypto_user;

/* SetProtectionLevel, MACed with the application's kDI. */
static int32_t app_set_level(app *a, uint32_t type, uint32_t level, uint8_t keep[4096])
{
    uint8_t cmd[4096];
    int32_t hr;
    copp_app_set_protection_level(cmd, a->cmd_seq, type, level);
    copp_app_mac_command(cmd, g_crypto, g_crypto_user, &a->mac);
    if (keep) memcpy(keep, cmd, sizeof cmd);
    hr = copp_command(&a->s, cmd);
    if (hr == COPP_S_OK) a->cmd_seq++;
    return hr;
}

/* A status request with a fresh rApp; the reply's MAC and rApp are checked.
 * Returns dwData (or the first reply word) and the reply's dwFlags. */
static int32_t app_query(app *a, const uint8_t guid[16], uint32_t type, int with_type, uint32_t *data,
                         uint32_t *flags)
{
    uint8_t in[4096], out[4096], rapp[16], param[4];
    int32_t hr;
    copp_libtom_randombytes(NULL, rapp, sizeof rapp);
    param[0] = (uint8_t)type; param[1] = (uint8_t)(type >> 8); param[2] = (uint8_t)(type >> 16); param[3] = (uint8_t)(type >> 24);
    copp_app_status_request(in, rapp, guid, a->status_seq, param, with_type ? 4u : 0u);
    hr = copp_query_status(&a->s, in, out);
    if (hr != COPP_S_OK) return hr;
    a->status_seq++;
    if (copp_app_verify_status(out, rapp, g_crypto, g_crypto_user, &a->mac) != COPP_S_OK) {
        expect(0, "%s: reply MAC and rApp verify", a->name);
        return COPP_E_UNEXPECTED;
    }
    *flags = (uint32_t)out[36] | (uint32_t)out[37] << 8 | (uint32_t)out[38] << 16 | (uint32_t)out[39] << 24;
    *data = (uint32_t)out[40] | (uint32_t)out[41] << 8 | (uint32_t)out[42] << 16 | (uint32_t)out[43] << 24;
    return hr;
}

/* What a DVD player's ChangeDisplaySettingsEx(CDS_VIDEOPARAMETERS) hands the
 * miniport: a 356-byte VIDEOPARAMETERS.  Returns the Win32 status. */
static uint32_t dvd_videoparameters(copp_connector *conn, uint32_t command, uint32_t flags, uint32_t cp_cmd,
                                    uint32_t *key, uint32_t trigger, uint8_t out[356])
{
    static const uint8_t guid[16] = COPP_GUID_VIDEOPARAMETERS;
    uint8_t vp[356];
    uint32_t st, i;
    const uint32_t fields[][2] = { { 20, command }, { 24, flags }, { 84, cp_cmd }, { 92, *key }, { 96, trigger } };
    memset(vp, 0, sizeof vp);
    memcpy(vp, guid, 16);
    for (i = 0; i < 5; i++) {
        vp[fields[i][0]] = (uint8_t)fields[i][1];
        vp[fields[i][0] + 1] = (uint8_t)(fields[i][1] >> 8);
        vp[fields[i][0] + 2] = (uint8_t)(fields[i][1] >> 16);
        vp[fields[i][0] + 3] = (uint8_t)(fields[i][1] >> 24);
    }
    st = copp_handle_videoparameters(conn, vp, out);
    if (st == COPP_NO_ERROR && cp_cmd == COPP_VP_CP_CMD_ACTIVATE)
        *key = (uint32_t)out[92] | (uint32_t)out[93] << 8 | (uint32_t)out[94] << 16 | (uint32_t)out[95] << 24;
    return st;
}

static const uint8_t G_LOCAL[16] = COPP_GUID_DXVA_COPPQueryLocalProtectionLevel;
static const uint8_t G_GLOBAL[16] = COPP_GUID_DXVA_COPPQueryGlobalProtectionLevel;
static const uint8_t G_CONNECTOR[16] = COPP_GUID_DXVA_COPPQueryConnectorType;

static void check_level(app *a, const uint8_t *guid, uint32_t type, const char *tname, uint32_t want)
{
    uint32_t v = 0xDEADBEEFu, f = 0;
    int32_t hr = app_query(a, guid, type, 1, &v, &f);
    expect(hr == COPP_S_OK && v == want, "%s: %s %s level = %u (want %u), reply MAC and rApp verified", a->name,
           guid == G_LOCAL ? "local" : "global", tname, (unsigned)v, (unsigned)want);
}

static void check_flags(app *a, uint32_t want, const char *what)
{
    uint32_t v = 0, f = 0xFFFFFFFFu;
    int32_t hr = app_query(a, G_CONNECTOR, 0, 0, &v, &f);
    expect(hr == COPP_S_OK && f == want, "%s: dwFlags = 0x%x %s", a->name, (unsigned)f, what);
}

static void dump_registers(const sim_gpu *g)
{
    size_t i;
    printf("\nfinal register dump\n");
    for (i = 0; i < sizeof reg_names / sizeof reg_names[0]; i++)
        printf("  0x%02x %-12s 0x%08x\n", (unsigned)reg_names[i].reg, reg_names[i].name,
               (unsigned)gpu_read(g, reg_names[i].reg));
}

/* The recorder's transcript, exported to a file. */
static int write_transcript(const copp_recorder *rec, const char *path)
{
    static uint8_t buf[256 * 1024 + 64];
    uint32_t len = 0;
    FILE *f;
    if (copp_recorder_export(rec, buf, sizeof buf, &len) != COPP_S_OK) {
        fprintf(stderr, "copp_demo: transcript of %u bytes does not fit\n", (unsigned)len);
        return -1;
    }
    f = fopen(path, "wb");
    if (f == NULL || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "copp_demo: cannot write %s\n", path);
        return -1;
    }
    printf("\ntranscript: %s (%u bytes; coppdump --replay %s)\n", path, (unsigned)len, path);
    return 0;
}

/* Test hook: the applications' kDI and rGH as hex, so that make test can
 * check the transcript holds neither. */
static void write_secrets(const char *path)
{
    FILE *f;
    int i, j;
    if (path == NULL || (f = fopen(path, "w")) == NULL) return;
    for (i = 0; i < 2; i++) {
        fprintf(f, "kdi ");
        for (j = 0; j < 16; j++) fprintf(f, "%02x", g_apps[i].kdi[j]);
        fprintf(f, "\nrgh ");
        for (j = 0; j < 16; j++) fprintf(f, "%02x", g_apps[i].rgh[j]);
        fprintf(f, "\n");
    }
    fclose(f);
}

#ifdef COPP_DEMO_BEARSSL
/* The BearSSL backend has no RNG of its own: the driver passes its system's
 * (here the OS generator, through libtomcrypt). */
static int demo_rng(void *user, uint8_t *buf, size_t len)
{
    (void)user;
    return copp_libtom_randombytes(NULL, buf, len);
}
#define DEMO_BACKEND "BearSSL"
typedef copp_bearssl demo_backend;
#define demo_load(k, path, err) copp_io_key_bearssl((k), (path), demo_rng, NULL, 0, (err))
#define demo_public_key copp_bearssl_public_key
#define demo_init_mac(k) copp_bearssl_init_mac((k), demo_rng, NULL, 0)
#define demo_crypto copp_bearssl_crypto
#define demo_free copp_bearssl_free
#else
#define DEMO_BACKEND "libtom"
typedef copp_libtom demo_backend;
#define demo_load(k, path, err) copp_io_key_libtom((k), (path), 0, (err))
#define demo_public_key copp_libtom_public_key
#define demo_init_mac copp_libtom_init_mac
#define demo_crypto copp_libtom_crypto
#define demo_free copp_libtom_free
#endif

int main(int argc, char **argv)
{
    static sim_gpu gpu;
    static demo_backend drv;        /* the driver's backend, with its key */
    static demo_backend app_mac;    /* the applications' side: MAC only, no key */
    uint8_t pub_n[256], pub_e[4];
    size_t pub_e_len = 0;
    static copp_connector conn;
    uint8_t first[4096];
    char err[COPP_IO_ERR_BYTES];
    copp_connector_desc desc;
    char *cert;
    app *A = &g_apps[0], *B = &g_apps[1];
    const uint32_t HDCP = COPP_PROTECTION_TYPE_HDCP, ACP = COPP_PROTECTION_TYPE_ACP, CGMSA = COPP_PROTECTION_TYPE_CGMSA;

    static copp_recorder rec;
    static uint8_t ring[256 * 1024];   /* the demo's whole transcript is about 10 KB */
    if (argc != 2 && argc != 3) {
        fprintf(stderr, "usage: %s KEY [TRANSCRIPT]   (RSA-2048 private key: PEM or DER, PKCS #1 or PKCS #8;\n"
                        "       TRANSCRIPT: write the recorded transcript there)\n", argv[0]);
        return 2;
    }
    printf("copp.h demo: a simulated GPU, one HDMI connector, two applications (crypto: %s backend)\n", DEMO_BACKEND);

    /* the driver's COPP key, decoded and validated by the backend */
    if (demo_load(&drv, argv[1], err) != COPP_S_OK) {
        fprintf(stderr, "copp_demo: %s\n", err);
        return 2;
    }
    cert = demo_public_key(&drv, pub_n, pub_e, &pub_e_len) == COPP_S_OK ? make_certificate(pub_n, pub_e, pub_e_len) : NULL;
    if (!cert || demo_init_mac(&app_mac) != COPP_S_OK) return 2;

    gpu_power_on(&gpu);
    gpu.verbose = 1;
    g_crypto = demo_crypto();
    g_crypto_user = &app_mac;
    memset(&desc, 0, sizeof desc);
    desc.hw = &sim_hw_ops;
    desc.hw_user = &gpu;
    desc.crypto = demo_crypto();
    desc.crypto_user = &drv;
    desc.certificate = (const uint8_t *)cert;
    desc.certificate_len = (uint32_t)strlen(cert);
    desc.trace = on_trace;
    if (argc == 3) {
        /* COPP_DEMO_KEEP_MAC_KEY=1: the dangerous debug flag (make test's control for the secrets scan) */
        uint32_t flags = getenv("COPP_DEMO_KEEP_MAC_KEY") ? COPP_RECORDER_KEEP_MAC_KEY : 0u;
        expect(copp_recorder_init(&rec, ring, sizeof ring, flags) == COPP_S_OK, "recorder ready (%s)",
               flags ? "DANGEROUS: keeps kDI" : "default secrets policy");
        desc.recorder = &rec;
    }
    expect(copp_connector_init(&conn, &desc) == COPP_S_OK, "connector ready (HDCP, ACP, CGMS-A)");

    A->name = "A";
    A->encoding = COPP_APP_SIG_PKCS1V15_REVERSED;
    B->name = "B";
    B->encoding = COPP_APP_SIG_RAW_LE;
    app_connect(A, &conn, g_crypto, &app_mac);
    app_connect(B, &conn, g_crypto, &app_mac);

    printf("\nA asks for HDCP, ACP level 2, CGMS-A copy-never with redistribution control\n");
    expect(app_set_level(A, HDCP, COPP_HDCP_LEVEL_1, first) == COPP_S_OK, "A: HDCP on");
    expect(app_set_level(A, ACP, COPP_ACP_LEVEL_2, NULL) == COPP_S_OK, "A: ACP level 2");
    expect(app_set_level(A, CGMSA, COPP_CGMSA_COPY_NEVER | COPP_CGMSA_REDISTRIBUTION_CONTROL_REQUIRED, NULL) ==
           COPP_S_OK, "A: CGMS-A copy-never + RC");
    expect(copp_command(&A->s, first) == COPP_E_INVALIDARG, "A: its first command replayed is refused (stale dwSequence)");

    printf("\nB asks for ACP level 1 (ranks below A's level 2: no register write)\n");
    expect(app_set_level(B, ACP, COPP_ACP_LEVEL_1, NULL) == COPP_S_OK, "B: ACP level 1");

    printf("\nboth query their local and the connector's global levels\n");
    check_level(A, G_LOCAL, ACP, "ACP", 2);
    check_level(B, G_LOCAL, ACP, "ACP", 1);
    check_level(A, G_GLOBAL, ACP, "ACP", 2);
    check_level(B, G_GLOBAL, ACP, "ACP", 2);
    check_level(B, G_LOCAL, HDCP, "HDCP", 0);
    check_level(B, G_GLOBAL, HDCP, "HDCP", 1);
    check_level(A, G_GLOBAL, CGMSA, "CGMS-A", 0xC);

    printf("\nhot-plug: the driver reports a lost link to the connector\n");
    copp_connector_event(&conn, COPP_STATUS_LINK_LOST);
    check_flags(A, COPP_STATUS_LINK_LOST, "(LinkLost, first reply after the event)");
    check_flags(A, 0, "(reported once)");
    check_flags(B, COPP_STATUS_LINK_LOST, "(LinkLost, first reply after the event)");
    check_flags(B, 0, "(reported once)");

    printf("\na DVD player turns on Macrovision through VIDEOPARAMETERS (APS trigger 3)\n");
    {
        uint8_t out[356];
        uint32_t cpkey = 0, flags, st;
        expect(dvd_videoparameters(&conn, COPP_VP_COMMAND_GET, 0, 0, &cpkey, 0, out) == COPP_NO_ERROR,
               "DVD: GET answered");
        flags = (uint32_t)out[24] | (uint32_t)out[25] << 8;
        expect((flags & COPP_VP_FLAGS_COPYPROTECT) && out[80] == COPP_VP_CP_TYPE_APS_TRIGGER,
               "DVD: copy protection offered, dwCPType APS trigger (dwFlags 0x%x)", (unsigned)flags);
        st = dvd_videoparameters(&conn, COPP_VP_COMMAND_SET, COPP_VP_FLAGS_COPYPROTECT, COPP_VP_CP_CMD_ACTIVATE,
                                 &cpkey, 3, out);
        expect(st == COPP_NO_ERROR && cpkey != 0,
               "DVD: ACTIVATE gave key 0x%08x (ACP level 3 ranks below A's 2: no write)", (unsigned)cpkey);
        check_level(B, G_GLOBAL, ACP, "ACP", 2);

        printf("\nA closes: the connector keeps what B and the DVD player need\n");
        expect(copp_close(&A->s) == COPP_S_OK, "A: closed");
        expect(gpu_read(&gpu, REG_HDCP_CTRL) == 0, "HDCP_CTRL off (nobody needs HDCP)");
        expect(gpu_read(&gpu, REG_ACP_LEVEL) == 3, "ACP_LEVEL 3 (the DVD player's 3 ranks above B's 1)");
        expect(gpu_read(&gpu, REG_CGMSA) == 0, "CGMSA off");
        check_level(B, G_GLOBAL, ACP, "ACP", 3);

        printf("\nthe DVD player deactivates: B's ACP stays\n");
        expect(dvd_videoparameters(&conn, COPP_VP_COMMAND_SET, COPP_VP_FLAGS_COPYPROTECT, COPP_VP_CP_CMD_DEACTIVATE,
                                   &cpkey, 0, out) == COPP_NO_ERROR, "DVD: DEACTIVATE with its key");
        expect(gpu_read(&gpu, REG_ACP_LEVEL) == 1, "ACP_LEVEL 1 (B's level: the video port cannot drop it)");
        expect(dvd_videoparameters(&conn, COPP_VP_COMMAND_SET, COPP_VP_FLAGS_COPYPROTECT, COPP_VP_CP_CMD_DEACTIVATE,
                                   &cpkey, 0, out) == COPP_ERROR_INVALID_PARAMETER, "DVD: the used key is refused now");
    }

    printf("\nthe HDMI cable is pulled; B asks for HDCP: the enable fails and is rolled back\n");
    gpu_set_sink(&gpu, 0);
    expect(app_set_level(B, HDCP, COPP_HDCP_LEVEL_1, NULL) == COPP_E_FAIL, "B: HDCP on fails (no receiver)");
    expect(gpu_read(&gpu, REG_HDCP_CTRL) == 0, "HDCP_CTRL back to 0");
    check_level(B, G_LOCAL, HDCP, "HDCP", 0);

    printf("\nthe cable is back: the driver resyncs the connector\n");
    gpu_set_sink(&gpu, 1);
    expect(copp_connector_resync(&conn, COPP_STATUS_RENEGOTIATION_REQUIRED) == COPP_S_OK,
           "resync: hardware already matches, no write");
    check_flags(B, COPP_STATUS_RENEGOTIATION_REQUIRED, "(RenegotiationRequired, once)");
    expect(app_set_level(B, HDCP, COPP_HDCP_LEVEL_1, NULL) == COPP_S_OK, "B: HDCP on (retried, same sequence number)");
    check_level(B, G_GLOBAL, HDCP, "HDCP", 1);

    printf("\nB closes: every protection register returns to off\n");
    expect(copp_close(&B->s) == COPP_S_OK, "B: closed");
    expect(gpu_read(&gpu, REG_HDCP_CTRL) == 0 && gpu_read(&gpu, REG_ACP_LEVEL) == 0 && gpu_read(&gpu, REG_CGMSA) == 0,
           "HDCP_CTRL, ACP_LEVEL and CGMSA all 0");
    expect(copp_connector_session_count(&conn) == 0 && copp_connector_vp_key_count(&conn) == 0,
           "no session and no video-port key left on the connector");

    dump_registers(&gpu);
    if (argc == 3 && write_transcript(&rec, argv[2]) != 0) return 2;
    write_secrets(getenv("COPP_DEMO_SECRETS"));
    demo_free(&drv);
    demo_free(&app_mac);
    free(cert);
    printf("\n%s: %d expectation(s) failed\n", g_failures ? "FAIL" : "PASS", g_failures);
    return g_failures ? 1 : 0;
}
#endif /* COPP_HW_EXAMPLE_NO_MAIN */
