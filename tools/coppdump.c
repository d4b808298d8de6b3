/* coppdump -- print a captured COPP message field by field.
 *
 *   coppdump [-t TYPE] [-x] [-k KDI] [-K KEY.der] [FILE|-]
 *
 *   -t TYPE  signature | command | status-in | status-out | videoparameters
 *            (default: by size: 256 signature, 356 videoparameters; 4096 needs -t)
 *   -x       the input is hex text (whitespace and ':' ignored); without -x,
 *            input made only of hex digits and whitespace is read as hex too
 *   -k KDI   the session key (32 hex digits): verify macKDI of a command or
 *            status reply (AES-128-CMAC over bytes 16..4095)
 *   -K FILE  the driver's RSA-2048 private key (PKCS #1 DER): decrypt a
 *            signature (raw RSA, little-endian, as copp.h does) and parse the
 *            start sequence
 *
 * Exit status: 0 decoded (and any MAC valid), 1 a MAC did not verify or the
 * signature did not decrypt, 2 bad usage or malformed input. */
#define _POSIX_C_SOURCE 200809L
#define LTM_DESC
#define COPP_IMPLEMENTATION
#define COPP_WITH_LIBTOM
#include "../copp.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct { const char *name; uint8_t guid[16]; } g_guids[] = {
    { "DXVA_COPPSetProtectionLevel", COPP_GUID_DXVA_COPPSetProtectionLevel },
    { "DXVA_COPPSetSignaling", COPP_GUID_DXVA_COPPSetSignaling },
    { "VIDEOPARAMETERS", COPP_GUID_VIDEOPARAMETERS },
};   /* the status requests' names come from copp.h's table (copp__status_requests) */

static void die(const char *msg)
{
    fprintf(stderr, "coppdump: %s\n", msg);
    exit(2);
}

static uint32_t le32(const uint8_t *p) { return copp__ld32(p); }

static void hex(const char *label, const uint8_t *p, size_t n)
{
    size_t i;
    printf("%-28s ", label);
    for (i = 0; i < n; i++) printf("%02x", p[i]);
    printf("\n");
}

/* {Data1-Data2-Data3-Data4} from the Windows memory order, and its name. */
static const char *guid_str(const uint8_t *g, char buf[40])
{
    snprintf(buf, 40, "{%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}", (unsigned)le32(g),
             (unsigned)(g[4] | g[5] << 8), (unsigned)(g[6] | g[7] << 8), g[8], g[9], g[10], g[11], g[12], g[13],
             g[14], g[15]);
    return buf;
}

static const char *guid_name(const uint8_t *g)
{
    size_t i;
    for (i = 0; i < sizeof g_guids / sizeof g_guids[0]; i++)
        if (memcmp(g, g_guids[i].guid, 16) == 0) return g_guids[i].name;
    for (i = 0; i < COPP__STATUS_REQUESTS; i++)
        if (memcmp(g, copp__status_requests[i].guid, 16) == 0) return copp__status_requests[i].name;
    return "unknown GUID";
}

static void guid_line(const char *label, const uint8_t *g)
{
    char buf[40];
    printf("%-28s %s  %s\n", label, guid_str(g, buf), guid_name(g));
}

static const char *prot_type_name(uint32_t t)
{
    switch (t) {
    case COPP_PROTECTION_TYPE_HDCP: return "COPP_ProtectionType_HDCP";
    case COPP_PROTECTION_TYPE_ACP: return "COPP_ProtectionType_ACP";
    case COPP_PROTECTION_TYPE_CGMSA: return "COPP_ProtectionType_CGMSA";
    case COPP_PROTECTION_TYPE_NONE: return "COPP_ProtectionType_None";
    default: return "not a single protection type";
    }
}

static void flags_line(uint32_t f)
{
    printf("%-28s 0x%08x%s%s%s\n", "dwFlags", (unsigned)f, f == 0 ? "  COPP_StatusNormal" : "",
           (f & COPP_STATUS_LINK_LOST) ? "  COPP_LinkLost" : "",
           (f & COPP_STATUS_RENEGOTIATION_REQUIRED) ? "  COPP_RenegotiationRequired" : "");
    if (f & COPP_STATUS_FLAGS_RESERVED) printf("%-28s reserved bits set (must be zero)\n", "");
}

/* Reads hex text or binary. */
static uint8_t *read_input(FILE *f, int force_hex, size_t *len)
{
    size_t cap = 1 << 16, n = 0, i, o = 0;
    uint8_t *buf = (uint8_t *)malloc(cap);
    int c, is_hex = 1;
    if (!buf) die("out of memory");
    while ((c = fgetc(f)) != EOF) {
        if (n == cap) {
            cap *= 2;
            buf = (uint8_t *)realloc(buf, cap);
            if (!buf) die("out of memory");
        }
        buf[n++] = (uint8_t)c;
        if (!isxdigit(c) && !isspace(c) && c != ':') is_hex = 0;
    }
    if (!(force_hex || (is_hex && n > 0))) {
        *len = n;
        return buf;
    }
    for (i = 0; i < n; i++) {
        int hi, lo;
        if (isspace(buf[i]) || buf[i] == ':') continue;
        if (i + 1 >= n || !isxdigit(buf[i]) || !isxdigit(buf[i + 1])) die("malformed hex input");
        hi = isdigit(buf[i]) ? buf[i] - '0' : (tolower(buf[i]) - 'a' + 10);
        lo = isdigit(buf[i + 1]) ? buf[i + 1] - '0' : (tolower(buf[i + 1]) - 'a' + 10);
        buf[o++] = (uint8_t)(hi * 16 + lo);
        i++;
    }
    *len = o;
    return buf;
}

static int parse_key16(const char *h, uint8_t out[16])
{
    int i;
    if (strlen(h) != 32) return -1;
    for (i = 0; i < 16; i++) {
        unsigned v;
        if (!isxdigit((unsigned char)h[2 * i]) || !isxdigit((unsigned char)h[2 * i + 1])) return -1;
        sscanf(h + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
    return 0;
}

/* AES-128-CMAC of bytes 16..4095 under kDI, compared with bytes 0..15. */
static int check_mac(const uint8_t *msg, const uint8_t kdi[16])
{
    static copp_libtom ltc;
    copp_mac_ctx ctx;
    uint8_t tag[16];
    ltc.aes = register_cipher(&aes_desc);
    if (ltc.aes < 0 || copp_libtom_crypto()->mac_init(&ltc, &ctx, kdi) != COPP_S_OK ||
        copp_libtom_crypto()->mac(&ltc, &ctx, msg + 16, 4080, 0, tag) != COPP_S_OK)
        die("CMAC failed");
    if (copp__ct_equal(tag, msg, 16)) {
        printf("%-28s valid (AES-128-CMAC over bytes 16..4095)\n", "macKDI check");
        return 0;
    }
    hex("macKDI check: INVALID, want", tag, 16);
    return 1;
}

static int dump_signature(const uint8_t *b, const char *keyfile)
{
    uint8_t *der, nb[256], eb[8], db[256], pb[128], qb[128], dpb[128], dqb[128], qib[128], plain[256];
    void *const *parts[8];
    uint8_t *stores[8] = { nb, eb, db, pb, qb, dpb, dqb, qib };
    size_t caps[8] = { 256, 8, 256, 128, 128, 128, 128, 128 }, der_len = 0, plen = 0, i;
    copp_rsa_private_key key;
    copp_bytes *dst[8];
    copp_libtom ltc;
    rsa_key rk;
    FILE *f;
    int32_t hr;
    long n;
    int zeros = 1;
    printf("DXVA_COPPSignature (256 bytes): RSA-2048 ciphertext, little-endian (spec 5.1, 10.3)\n");
    hex("Signature[0..31]", b, 32);
    if (!keyfile) return 0;
    f = fopen(keyfile, "rb");
    if (!f) die("cannot open the key file");
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    der = (uint8_t *)malloc((size_t)n);
    if (!der || fread(der, 1, (size_t)n, f) != (size_t)n) die("cannot read the key file");
    fclose(f);
    der_len = (size_t)n;
    ltc_mp = ltm_desc;
    if (rsa_import(der, (unsigned long)der_len, &rk) != CRYPT_OK || rk.type != PK_PRIVATE)
        die("the key file is not a PKCS #1 RSA private key (DER)");
    free(der);
    parts[0] = &rk.N; parts[1] = &rk.e; parts[2] = &rk.d; parts[3] = &rk.p;
    parts[4] = &rk.q; parts[5] = &rk.dP; parts[6] = &rk.dQ; parts[7] = &rk.qP;
    dst[0] = &key.n; dst[1] = &key.e; dst[2] = &key.d; dst[3] = &key.p;
    dst[4] = &key.q; dst[5] = &key.dp; dst[6] = &key.dq; dst[7] = &key.qinv;
    for (i = 0; i < 8; i++) {
        size_t w = 0;
        if (mp_ubin_size((mp_int *)*parts[i]) > caps[i] ||
            mp_to_ubin((mp_int *)*parts[i], stores[i], caps[i], &w) != MP_OKAY)
            die("key component too large");
        dst[i]->p = stores[i];
        dst[i]->len = w;
    }
    hr = copp_libtom_init(&ltc, &key, NULL, NULL, 0);
    rsa_free(&rk);
    if (hr != COPP_S_OK) die("not an RSA-2048 key");
    hr = copp_libtom_crypto()->rsa_decrypt(&ltc, b, plain, &plen);
    copp_libtom_free(&ltc);
    if (hr == COPP_E_UNEXPECTED) {
        printf("%-28s ciphertext >= modulus: not a signature for this key\n", "decryption");
        return 1;
    }
    if (hr != COPP_S_OK || plen < 40) die("RSA failed");
    printf("decrypted start sequence (spec 5.11):\n");
    hex("rGH", plain, 16);
    hex("kDI", plain + 16, 16);
    printf("%-28s 0x%08x\n", "status start sequence", (unsigned)le32(plain + 32));
    printf("%-28s 0x%08x\n", "command start sequence", (unsigned)le32(plain + 36));
    for (i = 40; i < 256; i++) zeros &= plain[i] == 0;
    printf("%-28s %s\n", "bytes 40..255", zeros ? "zero (raw RSA of the zero-padded block)"
           : (plain[40] == 0 && plain[254] == 2 && plain[255] == 0) ? "PKCS #1 v1.5 padding, reversed (CryptoAPI)"
                                                                     : "not zero (ignored by copp)");
    return 0;
}

static int dump_command(const uint8_t *b, const uint8_t *kdi)
{
    uint32_t size = le32(b + 36);
    printf("DXVA_COPPCommand (4096 bytes, spec 5.2)\n");
    hex("macKDI", b, 16);
    guid_line("guidCommandID", b + 16);
    printf("%-28s 0x%08x\n", "dwSequence", (unsigned)le32(b + 32));
    printf("%-28s %u%s\n", "cbSizeData", (unsigned)size, size > COPP_DATA_BYTES ? "  (over 4056: refused)" : "");
    if (memcmp(b + 16, g_guids[0].guid, 16) == 0) {
        uint32_t t = le32(b + 40);
        printf("%-28s 0x%08x  %s\n", "ProtType", (unsigned)t, prot_type_name(t));
        printf("%-28s %u\n", "ProtLevel", (unsigned)le32(b + 44));
        printf("%-28s 0x%08x\n", "ExtendedInfoChangeMask", (unsigned)le32(b + 48));
        printf("%-28s 0x%08x\n", "ExtendedInfoData", (unsigned)le32(b + 52));
    } else if (memcmp(b + 16, g_guids[1].guid, 16) == 0) {
        int i;
        printf("%-28s 0x%08x\n", "ActiveTVProtectionStandard", (unsigned)le32(b + 40));
        for (i = 0; i < 3; i++) {
            char m[32], d[32];
            snprintf(m, sizeof m, "AspectRatioChangeMask%d", i + 1);
            snprintf(d, sizeof d, "AspectRatioData%d", i + 1);
            printf("%-28s 0x%08x\n%-28s 0x%08x\n", m, (unsigned)le32(b + 44 + 8 * i), d, (unsigned)le32(b + 48 + 8 * i));
        }
        printf("%-28s 0x%08x\n", "Reserved", (unsigned)le32(b + 100));
    }
    return kdi ? check_mac(b, kdi) : 0;
}

static int dump_status_in(const uint8_t *b)
{
    uint32_t size = le32(b + 36);
    printf("DXVA_COPPStatusInput (4096 bytes, spec 5.3; not MACed)\n");
    hex("rApp", b, 16);
    guid_line("guidStatusRequestID", b + 16);
    printf("%-28s 0x%08x\n", "dwSequence", (unsigned)le32(b + 32));
    printf("%-28s %u\n", "cbSizeData", (unsigned)size);
    if (size == 4) printf("%-28s 0x%08x  %s\n", "StatusData (type)", (unsigned)le32(b + 40), prot_type_name(le32(b + 40)));
    return 0;
}

static int dump_status_out(const uint8_t *b, const uint8_t *kdi)
{
    uint32_t size = le32(b + 16);
    const uint8_t *r = b + 20;
    printf("DXVA_COPPStatusOutput (4096 bytes, spec 5.4)\n");
    hex("macKDI", b, 16);
    printf("%-28s %u\n", "cbSizeData", (unsigned)size);
    hex("rApp", r, 16);
    flags_line(le32(r + 16));
    switch (size) {
    case COPP_STATUS_DATA_BYTES:
        printf("%-28s 0x%08x  (connector, protection types, level or bus, by the request)\n", "dwData",
               (unsigned)le32(r + 20));
        printf("%-28s 0x%08x\n%-28s 0x%08x\n", "ExtendedInfoValidMask", (unsigned)le32(r + 24), "ExtendedInfoData",
               (unsigned)le32(r + 28));
        break;
    case COPP_STATUS_DISPLAY_DATA_BYTES:
        printf("%-28s %u x %u\n", "DisplayWidth x Height", (unsigned)le32(r + 20), (unsigned)le32(r + 24));
        printf("%-28s 0x%08x  (SampleFormat %u)\n", "Format", (unsigned)le32(r + 28), (unsigned)(le32(r + 28) & 0xFF));
        printf("%-28s %u\n", "d3dFormat", (unsigned)le32(r + 32));
        printf("%-28s %u/%u Hz\n", "FreqNumerator/Denominator", (unsigned)le32(r + 36), (unsigned)le32(r + 40));
        break;
    case COPP_STATUS_HDCP_KEY_DATA_BYTES:
        printf("%-28s 0x%08x%s\n", "dwHDCPFlags", (unsigned)le32(r + 20),
               (le32(r + 20) & COPP_HDCP_FLAG_REPEATER) ? "  COPP_HDCPRepeater" : "");
        hex("BKey (KSV, LSB first)", r + 24, 5);
        break;
    case COPP_STATUS_SIGNALING_BYTES: {
        int i;
        printf("%-28s 0x%08x\n%-28s 0x%08x\n%-28s 0x%08x\n", "AvailableTVProtectionStandards", (unsigned)le32(r + 20),
               "ActiveTVProtectionStandard", (unsigned)le32(r + 24), "TVType", (unsigned)le32(r + 28));
        for (i = 0; i < 3; i++)
            printf("AspectRatioValidMask%d        0x%08x\nAspectRatioData%d             0x%08x\n", i + 1,
                   (unsigned)le32(r + 32 + 8 * i), i + 1, (unsigned)le32(r + 36 + 8 * i));
        break;
    }
    default:
        printf("%-28s not one of 32, 44, 72, 88\n", "reply size");
    }
    return kdi ? check_mac(b, kdi) : 0;
}

static int dump_videoparameters(const uint8_t *b)
{
    static const char *names[] = { "dwOffset", "dwCommand", "dwFlags", "dwMode", "dwTVStandard", "dwAvailableModes",
                                   "dwAvailableTVStandard", "dwFlickerFilter", "dwOverScanX", "dwOverScanY",
                                   "dwMaxUnscaledX", "dwMaxUnscaledY", "dwPositionX", "dwPositionY", "dwBrightness",
                                   "dwContrast", "dwCPType", "dwCPCommand", "dwCPStandard", "dwCPKey",
                                   "bCP_APSTriggerBits" };
    size_t i;
    printf("VIDEOPARAMETERS (356 bytes, spec 13.2)\n");
    guid_line("Guid", b);
    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        printf("%-28s 0x%08x\n", names[i], (unsigned)le32(b + 16 + 4 * i));
    return memcmp(b, copp__guid_videoparameters, 16) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    const char *type = NULL, *keyfile = NULL;
    uint8_t kdi[16], *buf;
    int force_hex = 0, have_kdi = 0, opt, rc;
    size_t len;
    FILE *f = stdin;
    while ((opt = getopt(argc, argv, "t:xk:K:h")) != -1) {
        switch (opt) {
        case 't': type = optarg; break;
        case 'x': force_hex = 1; break;
        case 'k':
            if (parse_key16(optarg, kdi) != 0) die("-k wants the 16-byte kDI as 32 hex digits");
            have_kdi = 1;
            break;
        case 'K': keyfile = optarg; break;
        default:
            fprintf(stderr, "usage: coppdump [-t signature|command|status-in|status-out|videoparameters] [-x] "
                            "[-k KDI] [-K KEY.der] [FILE|-]\n");
            return 2;
        }
    }
    if (optind < argc && strcmp(argv[optind], "-") != 0) {
        f = fopen(argv[optind], "rb");
        if (!f) die("cannot open the input file");
    }
    buf = read_input(f, force_hex, &len);
    if (f != stdin) fclose(f);
    if (!type) {
        if (len == COPP_SIGNATURE_BYTES) type = "signature";
        else if (len == COPP_VIDEOPARAMETERS_BYTES) type = "videoparameters";
        else if (len == 4096) die("4096 bytes: say which with -t command, status-in or status-out");
        else die("cannot tell the message type from the size; use -t");
    }
    if (strcmp(type, "signature") == 0) {
        if (len != COPP_SIGNATURE_BYTES) die("a signature is 256 bytes");
        rc = dump_signature(buf, keyfile);
    } else if (strcmp(type, "videoparameters") == 0) {
        if (len != COPP_VIDEOPARAMETERS_BYTES) die("VIDEOPARAMETERS is 356 bytes");
        rc = dump_videoparameters(buf);
    } else if (strcmp(type, "command") == 0 || strcmp(type, "status-in") == 0 || strcmp(type, "status-out") == 0) {
        if (len != 4096) die("commands and status messages are 4096 bytes");
        rc = type[0] == 'c' ? dump_command(buf, have_kdi ? kdi : NULL)
           : strcmp(type, "status-in") == 0 ? dump_status_in(buf) : dump_status_out(buf, have_kdi ? kdi : NULL);
    } else {
        die("unknown -t type");
    }
    free(buf);
    return rc;
}
