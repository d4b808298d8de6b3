/* coppdump -- print a captured COPP message field by field.
 *
 *   coppdump [-h] [-t TYPE] [-x | -b] [-k KDI] [-K KEY] [FILE|-]
 *
 *   -t TYPE  signature | command | status-in | status-out | videoparameters
 *            (default: by size: 256 signature, 356 videoparameters; 4096 needs -t)
 *   -x       the input is hex text; -b it is binary.  Without either, input
 *            that is all printable text is read as hex (whitespace and ':'
 *            between digit pairs ignored), anything else as binary.  A bad
 *            hex digit is an error at its offset.
 *   -k KDI   the session key (32 hex digits): verify macKDI of a command or
 *            status reply (AES-128-CMAC over bytes 16..4095)
 *   -K KEY   the driver's RSA-2048 private key (PEM or DER, PKCS #1 or
 *            PKCS #8, loaded and validated by copp_libtom_init_pem/_der):
 *            decrypt a signature (raw RSA, little-endian, as copp.h does) and
 *            parse the start sequence
 *   -h       this text
 *
 *   coppdump --replay FILE
 *            FILE is a transcript (COPP_WITH_RECORDER, docs/transcript.md):
 *            print its timeline and re-execute every call against this
 *            copp.h with callbacks that answer from the records
 *            (tools/copp_replay.h); stop at the first divergence.  Exit 0
 *            replayed without divergence, 1 diverged (what differs is
 *            printed), 2 malformed or not replayable.
 *
 * Inputs over 64 KiB are refused before they are read whole.
 * Exit status: 0 decoded (and any MAC valid); 1 a MAC did not verify, or the
 * signature is not one for this key (ciphertext >= n, or a plaintext with
 * neither the zero-padded nor the PKCS #1 v1.5 shape); 2 bad usage,
 * unreadable or malformed input, or an unusable key. */
#define _POSIX_C_SOURCE 200809L
#define COPP_IMPLEMENTATION
#define COPP_WITH_LIBTOM
#define COPP_WITH_RECORDER   /* --replay re-records every call to compare */
#include "../copp.h"
#include "copp_io.h"
#include "copp_transcript.h"
#define COPP_REPLAY_WITH_LIBTOM   /* re-verify tags of KEEP_MAC_KEY transcripts */
#include "copp_replay.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct { const char *name; uint8_t guid[16]; } g_guids[] = {
    { "DXVA_COPPSetProtectionLevel", COPP_GUID_DXVA_COPPSetProtectionLevel },
    { "DXVA_COPPSetSignaling", COPP_GUID_DXVA_COPPSetSignaling },
    { "VIDEOPARAMETERS", COPP_GUID_VIDEOPARAMETERS },
};   /* the status requests' names come from copp.h's table (copp__status_requests) */

#define COPPDUMP_MAX_INPUT 65536u   /* a message is at most 4096 bytes; hex of it about 8 KiB */

static const char g_usage[] =
    "usage: coppdump [-h] [-t signature|command|status-in|status-out|videoparameters] [-x | -b]\n"
    "                [-k KDI] [-K KEY] [FILE|-]\n"
    "  -t TYPE  message type (default: by size: 256 signature, 356 VIDEOPARAMETERS; 4096 needs -t)\n"
    "  -x / -b  input is hex text / binary (default: printable text is hex, anything else binary)\n"
    "  -k KDI   session key, 32 hex digits: verify macKDI of a command or status reply\n"
    "  -K KEY   driver's RSA-2048 private key (PEM or DER, PKCS #1 or PKCS #8): decrypt a signature\n"
    "  -h       this help\n"
    "       coppdump --replay TRANSCRIPT   timeline and replay of a recorded transcript (docs/transcript.md)\n"
    "Inputs over 64 KiB are refused.  Exit: 0 decoded, 1 MAC or signature check failed, 2 error.\n";

static void die(const char *fmt, ...)
{
    va_list ap;
    fputs("coppdump: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
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

/* Printable text (and whitespace) only: a capture written as hex. */
static int looks_like_text(const uint8_t *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!(isprint(b[i]) || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) return 0;
    return n > 0;
}

/* The input's bytes: binary as it stands, or hex decoded in place. */
static uint8_t *read_input(const char *path, int mode, size_t *len, const char **name)
{
    char err[COPP_IO_ERR_BYTES];
    size_t n, out = 0, bad = 0;
    uint8_t *dec, *buf = copp_io_read(path, COPPDUMP_MAX_INPUT, &n, err);
    *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    if (buf == NULL) die("%s", err);
    if (mode == 'b' || (mode != 'x' && !looks_like_text(buf, n))) {
        *len = n;
        return buf;
    }
    dec = (uint8_t *)malloc(n / 2 + 1);
    if (dec == NULL) die("%s: out of memory", *name);
    if (copp_io_hex((const char *)buf, n, dec, n / 2 + 1, &out, &bad) != 0) {
        size_t line = 1, col = 1, i;
        for (i = 0; i < bad; i++) {
            if (buf[i] == '\n') { line++; col = 1; } else col++;
        }
        if (copp_io_hexval(buf[bad]) >= 0)
            die("%s: hex input: the digit at offset %lu (line %lu, column %lu) has no pair (odd number of hex digits)",
                *name, (unsigned long)bad, (unsigned long)line, (unsigned long)col);
        if (isprint(buf[bad]))
            die("%s: hex input: '%c' at offset %lu (line %lu, column %lu) is not a hex digit", *name, buf[bad],
                (unsigned long)bad, (unsigned long)line, (unsigned long)col);
        die("%s: hex input: byte 0x%02x at offset %lu (line %lu, column %lu) is not a hex digit", *name, buf[bad],
            (unsigned long)bad, (unsigned long)line, (unsigned long)col);
    }
    free(buf);
    *len = out;
    return dec;
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

/* AES-128-CMAC of bytes 16..4095 under kDI, compared with bytes 0..15,
 * on a MAC-only backend (the application side's way to key a MAC). */
static int check_mac(const uint8_t *msg, const uint8_t kdi[16])
{
    static copp_libtom mac;
    const copp_crypto *cr = copp_libtom_crypto();
    copp_mac_ctx ctx;
    uint8_t tag[16];
    if (copp_libtom_init_mac(&mac) != COPP_S_OK || cr->mac_init(&mac, &ctx, kdi) != COPP_S_OK ||
        cr->mac(&mac, &ctx, msg + 16, 4080, 0, tag) != COPP_S_OK)
        die("CMAC failed");
    if (copp__ct_equal(tag, msg, 16)) {
        printf("%-28s valid (AES-128-CMAC over bytes 16..4095)\n", "macKDI check");
        return 0;
    }
    hex("macKDI check: INVALID, want", tag, 16);
    return 1;
}

/* The shape of bytes 40..255 of a raw little-endian decryption: zeros (raw
 * RSA of the zero-padded block), or PKCS #1 v1.5 type 2 read backwards
 * (CryptoAPI over the reversed 40 bytes: 00, non-zero padding, 02 00). */
static const char *plaintext_shape(const uint8_t p[256])
{
    size_t i;
    int zeros = 1, padded = p[40] == 0 && p[254] == 2 && p[255] == 0;
    for (i = 40; i < 256; i++) zeros &= p[i] == 0;
    for (i = 41; i < 254; i++) padded &= p[i] != 0;
    if (zeros) return "zero (raw RSA of the zero-padded block)";
    if (padded) return "PKCS #1 v1.5 padding, reversed (CryptoAPI)";
    return NULL;
}

static int dump_signature(const uint8_t *b, const char *keyfile)
{
    char err[COPP_IO_ERR_BYTES];
    uint8_t plain[256];
    size_t plen = 0;
    const char *shape;
    copp_libtom ltc;
    int32_t hr;
    printf("DXVA_COPPSignature (256 bytes): RSA-2048 ciphertext, little-endian (spec 5.1, 10.3)\n");
    hex("Signature[0..31]", b, 32);
    if (!keyfile) return 0;
    if (copp_io_key_libtom(&ltc, keyfile, 0, err) != COPP_S_OK) die("-K %s", err);
    hr = copp_libtom_crypto()->rsa_decrypt(&ltc, b, plain, &plen);
    copp_libtom_free(&ltc);
    if (hr == COPP_E_UNEXPECTED) {
        printf("%-28s ciphertext >= modulus: not a signature for this key\n", "decryption");
        return 1;
    }
    if (hr != COPP_S_OK || plen != 256) die("RSA failed (%s)", copp_result_str(hr));
    shape = plaintext_shape(plain);
    if (shape == NULL) {
        /* garbage out of a wrong key: no fields to print */
        printf("%-28s the plaintext has neither the zero-padded nor the PKCS #1 v1.5 shape: "
               "not a signature for this key (wrong key?)\n", "decryption");
        return 1;
    }
    printf("decrypted start sequence (spec 5.11):\n");
    hex("rGH", plain, 16);
    hex("kDI", plain + 16, 16);
    printf("%-28s 0x%08x\n", "status start sequence", (unsigned)le32(plain + 32));
    printf("%-28s 0x%08x\n", "command start sequence", (unsigned)le32(plain + 36));
    printf("%-28s %s\n", "bytes 40..255", shape);
    copp__wipe(plain, sizeof plain);
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

#define COPPDUMP_MAX_TRANSCRIPT (256u << 20)

/* --replay: the whole file, then tools/copp_replay.h. */
static int replay_file(const char *path)
{
    static rp_state st;
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0, n;
    int rc;
    if (f == NULL) { fprintf(stderr, "coppdump: %s: cannot open\n", path); return 2; }
    for (;;) {
        if (len == cap) {
            uint8_t *nb;
            if (cap >= COPPDUMP_MAX_TRANSCRIPT) { fprintf(stderr, "coppdump: %s: over 256 MiB\n", path); free(buf); return 2; }
            cap = cap ? cap * 2 : 65536;
            nb = (uint8_t *)realloc(buf, cap);
            if (nb == NULL) { fprintf(stderr, "coppdump: out of memory\n"); free(buf); return 2; }
            buf = nb;
        }
        n = fread(buf + len, 1, cap - len, f);
        if (n == 0) break;
        len += n;
    }
    if (f != stdin) fclose(f);
    rc = rp_run(&st, buf, len, stdout);
    free(buf);
    return rc;
}

int main(int argc, char **argv)
{
    const char *type = NULL, *keyfile = NULL, *name = "<stdin>", *path = "-";
    uint8_t kdi[16], *buf;
    int mode = 0, have_kdi = 0, opt, rc;
    size_t len;
    if (argc >= 2 && strcmp(argv[1], "--replay") == 0) {
        if (argc != 3) {
            fputs(g_usage, stderr);
            return 2;
        }
        return replay_file(argv[2]);
    }
    while ((opt = getopt(argc, argv, "t:xbk:K:h")) != -1) {
        switch (opt) {
        case 't': type = optarg; break;
        case 'x': case 'b': mode = opt; break;
        case 'k':
            if (parse_key16(optarg, kdi) != 0) die("-k wants the 16-byte kDI as 32 hex digits, got '%s'", optarg);
            have_kdi = 1;
            break;
        case 'K': keyfile = optarg; break;
        case 'h': fputs(g_usage, stdout); return 0;
        default: fputs(g_usage, stderr); return 2;
        }
    }
    if (optind + 1 < argc) {
        fputs(g_usage, stderr);
        return 2;
    }
    if (optind < argc) path = argv[optind];
    buf = read_input(path, mode, &len, &name);
    if (!type) {
        if (len == COPP_SIGNATURE_BYTES) type = "signature";
        else if (len == COPP_VIDEOPARAMETERS_BYTES) type = "videoparameters";
        else if (len == 4096) die("%s: 4096 bytes: say which with -t command, status-in or status-out", name);
        else die("%s: %lu bytes: cannot tell the message type from the size (expected 256 for a signature, 356 for "
                 "VIDEOPARAMETERS, or 4096 with -t)", name, (unsigned long)len);
    }
    if (strcmp(type, "signature") == 0) {
        if (len != COPP_SIGNATURE_BYTES) die("%s: %lu bytes received, a signature is 256", name, (unsigned long)len);
        rc = dump_signature(buf, keyfile);
    } else if (strcmp(type, "videoparameters") == 0) {
        if (len != COPP_VIDEOPARAMETERS_BYTES)
            die("%s: %lu bytes received, VIDEOPARAMETERS is 356", name, (unsigned long)len);
        rc = dump_videoparameters(buf);
    } else if (strcmp(type, "command") == 0 || strcmp(type, "status-in") == 0 || strcmp(type, "status-out") == 0) {
        if (len != 4096) die("%s: %lu bytes received, a %s is 4096", name, (unsigned long)len, type);
        rc = type[0] == 'c' ? dump_command(buf, have_kdi ? kdi : NULL)
           : strcmp(type, "status-in") == 0 ? dump_status_in(buf) : dump_status_out(buf, have_kdi ? kdi : NULL);
    } else {
        die("unknown -t type '%s' (signature, command, status-in, status-out, videoparameters)", type);
    }
    free(buf);
    return rc;
}
