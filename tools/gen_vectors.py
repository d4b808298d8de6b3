#!/usr/bin/env python3
"""gen_vectors.py -- writes tests/vectors/ (the project's own known answers).

Every cryptographic operation is done by the `openssl` command-line tool:
RSA (pkeyutl, raw and PKCS #1 v1.5), AES-128-CMAC (openssl mac), key
conversion (pkey, pkcs8, rsa), DER encoding of the deliberately broken keys
(asn1parse -genconf) and DER decoding of the key components (asn1parse).
Python only lays out bytes (little-endian fields, zero padding, hex), so
nothing here shares code with copp.h.

Inputs (kept, never regenerated once they exist; `make vectors` creates the
missing ones with openssl genpkey):
  test_rsa2048.pem              the throw-away test key, PKCS #8 PEM
  keys/other_rsa2048.pem        a second RSA-2048 key (signatures under the wrong key)
  keys/rsa1024.pem, keys/rsa4096.pem, keys/ec_p256.pem   wrong size, wrong algorithm
  keys/encrypted_pkcs8.pem, keys/encrypted_pkcs8.der, keys/encrypted_pkcs8_v1.der,
  keys/encrypted_pkcs1.pem      the test key encrypted (passphrase "copp")
Outputs (deterministic functions of the inputs):
  test_rsa2048.der              the test key, PKCS #1 DER
  keys/test_rsa2048_pkcs1.pem, keys/test_rsa2048_pkcs8.der   the other two encodings
  keys/public.der, keys/public.pem                           its public half
  keys/bad_*.der                one component of the test key changed (DER by openssl)
  copp_vectors.txt              the COPP session (format: README.md)
  opm_vectors.txt               OPM initialization blocks, signed requests, commands and replies
The PKCS #1 v1.5 signatures are randomized by OpenSSL; a committed one is
kept as long as it still decrypts (openssl pkeyutl) to its plaintext.

usage: gen_vectors.py [--check] [--wycheproof UPSTREAM_JSON] [DIR]
  (default DIR: tests/vectors next to this script's parent)
  --check       regenerate in memory and compare with DIR: every
                deterministic output byte for byte, every randomized
                signature by decryption, every encrypted key by decryption,
                and the RFC 4493 file by openssl's CMAC; exit 1 on a difference
  --wycheproof  rewrite wycheproof/aes_cmac_128_test.json from an upstream
                aes_cmac_test.json (its 128-bit-key groups only)
"""
import json, os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PASS = "copp"          # passphrase of the encrypted test keys

# ---- openssl ---------------------------------------------------------------

def ossl(*args, data=None):
    p = subprocess.run(["openssl", *args], input=data, capture_output=True)
    if p.returncode != 0:
        sys.exit("openssl %s failed: %s" % (" ".join(args), p.stderr.decode(errors="replace")))
    return p.stdout

class Tmp:
    def __init__(self):
        self.d = tempfile.TemporaryDirectory()
        self.n = 0
    def file(self, data):
        self.n += 1
        path = os.path.join(self.d.name, "f%d" % self.n)
        with open(path, "wb") as f:
            f.write(data)
        return path

TMP = Tmp()

def cmac(key, msg):
    """AES-128-CMAC by openssl mac."""
    out = ossl("mac", "-cipher", "AES-128-CBC", "-macopt", "hexkey:" + key.hex(), "-in", TMP.file(msg), "CMAC")
    return bytes.fromhex(out.decode().strip())

def rsa_raw_encrypt(pub_pem, block):
    """c = m^e mod n, m and c as 256 big-endian bytes."""
    return ossl("pkeyutl", "-encrypt", "-pubin", "-inkey", TMP.file(pub_pem), "-pkeyopt", "rsa_padding_mode:none",
                "-in", TMP.file(block))

def rsa_pkcs1_encrypt(pub_pem, data):
    return ossl("pkeyutl", "-encrypt", "-pubin", "-inkey", TMP.file(pub_pem), "-pkeyopt", "rsa_padding_mode:pkcs1",
                "-in", TMP.file(data))

def rsa_pkcs1_decrypt(key_pem, c):
    return ossl("pkeyutl", "-decrypt", "-inkey", TMP.file(key_pem), "-pkeyopt", "rsa_padding_mode:pkcs1",
                "-in", TMP.file(c))

def components(pkcs1_der):
    """The nine INTEGERs of an RSAPrivateKey, decoded by openssl asn1parse."""
    out = ossl("asn1parse", "-inform", "DER", "-in", TMP.file(pkcs1_der)).decode()
    ints = [ln.rsplit(":", 1)[1] for ln in out.splitlines() if "prim: INTEGER" in ln]
    names = ["version", "n", "e", "d", "p", "q", "dp", "dq", "qinv"]
    if len(ints) != 9:
        sys.exit("not a two-prime RSAPrivateKey")
    return dict(zip(names, [int(h, 16) for h in ints]))

def encode_pkcs1(c):
    """DER RSAPrivateKey from components, by openssl asn1parse -genconf."""
    conf = "asn1=SEQUENCE:k\n[k]\n" + "".join(
        "%s=INTEGER:0x%X\n" % (n, c[n]) for n in ["version", "n", "e", "d", "p", "q", "dp", "dq", "qinv"])
    out = os.path.join(TMP.d.name, "genconf.der")
    ossl("asn1parse", "-genconf", TMP.file(conf.encode()), "-noout", "-out", out)
    with open(out, "rb") as f:
        return f.read()

# ---- little-endian layout ----------------------------------------------------

def u32(v):
    return (v & 0xFFFFFFFF).to_bytes(4, "little")

def le_int(b):
    return int.from_bytes(b, "little")

# Windows memory order of the GUIDs (spec 6), written out as the wire bytes.
GUID = {
    "SetProtectionLevel": bytes([0x7C, 0x32, 0xB9, 0x9B, 0xB5, 0x4E, 0x27, 0x47, 0x9F, 0x00, 0xB4, 0x2B, 0x09, 0x19, 0xC0, 0xDA]),
    "SetSignaling": bytes([0xA5, 0x31, 0xA6, 0x09, 0x84, 0xD6, 0x60, 0x4C, 0x8E, 0x4D, 0xD3, 0xBB, 0x0F, 0x0B, 0xE3, 0xEE]),
    "QueryConnectorType": bytes([0xD5, 0xBF, 0xD0, 0x81, 0xFE, 0x6A, 0xC2, 0x48, 0x99, 0xC0, 0x95, 0xA0, 0x8F, 0x97, 0xC5, 0xDA]),
    "QueryProtectionType": bytes([0x01, 0xA8, 0xF2, 0x38, 0x6C, 0x9A, 0xBB, 0x48, 0x91, 0x07, 0xB6, 0x69, 0x6E, 0x6F, 0x17, 0x97]),
    "QueryLocalProtectionLevel": bytes([0x57, 0x58, 0x07, 0xB2, 0xDA, 0x3E, 0x5D, 0x4D, 0x88, 0xDB, 0x74, 0x8F, 0x8C, 0x1A, 0x05, 0x49]),
    "QueryGlobalProtectionLevel": bytes([0x0A, 0x21, 0x57, 0x19, 0x66, 0x77, 0x2A, 0x45, 0xB9, 0x9A, 0xD2, 0x7A, 0xED, 0x54, 0xF0, 0x3A]),
    "QueryDisplayData": bytes([0xA3, 0x1B, 0xBF, 0xD7, 0x13, 0xAD, 0x8E, 0x4F, 0xAF, 0x98, 0x0D, 0xCB, 0x3C, 0xA2, 0x04, 0xCC]),
    "QueryHDCPKeyData": bytes([0x74, 0x9D, 0xB5, 0x0D, 0x92, 0xA9, 0x2E, 0x49, 0xA0, 0xBD, 0xC2, 0x3F, 0xDA, 0x56, 0x4E, 0x00]),
    "QueryBusData": bytes([0x73, 0xD6, 0xF4, 0xC6, 0x74, 0x61, 0x84, 0x41, 0x8E, 0x35, 0xF6, 0xDB, 0x52, 0x00, 0xBC, 0xBA]),
    "QuerySignaling": bytes([0x91, 0xA5, 0x29, 0x66, 0x79, 0x3B, 0xF3, 0x4C, 0x92, 0x4A, 0x11, 0xE8, 0xE7, 0x81, 0x16, 0x71]),
}

HDCP, ACP, CGMSA = 1, 2, 4

# The hardware the session runs on (case hw_profile; the test configures its
# mock hardware from these lines).
HW = {
    "protection_types": HDCP | ACP | CGMSA,
    "connector_type": 5,                      # COPP_ConnectorType_HDMI
    "bus_type": 0x80000003,                   # PCIExpress | Integrated
    "display_width": 1920, "display_height": 1080,
    # DXVA_ExtendedFormat (spec 9.11), LSB first: SampleFormat 2 (progressive),
    # chroma 1, nominal range 2, transfer matrix 1, lighting 3, primaries 2, transfer function 5
    "display_format": 2 | (1 << 8) | (2 << 12) | (1 << 15) | (3 << 18) | (2 << 22) | (5 << 27),
    "d3d_format": 21,                         # D3DFMT_A8R8G8B8
    "freq_numerator": 60000, "freq_denominator": 1001,
    "hdcp_flags": 0,
    "bksv": bytes([0x5A, 0xC3, 0x0F, 0x96, 0x2B]),   # KSV, least significant byte first
    "tv_standards": 0x10 | 0x40 | 0x100,      # EN300294_625i | CEA805A_TypeA_750p | CEA805A_TypeB_525p
}

RGH = bytes(range(0xA0, 0xB0))
KDI = bytes.fromhex("3d5f8a0c71e2946bb02c17f4e85a6d39")
STATUS_START = 0x7FFFFFF8
COMMAND_START = 0xFFFFFFFE                   # the command counter wraps to 0 during the session

def start_sequence(rgh=RGH, kdi=KDI, st=STATUS_START, ct=COMMAND_START):
    return rgh + kdi + u32(st) + u32(ct)

def command(guid, seq, data, size=None):
    b = bytearray(4096)
    b[16:32] = guid
    b[32:36] = u32(seq)
    b[36:40] = u32(len(data) if size is None else size)
    b[40:40 + len(data)] = data
    return b

def mac_command(b, key=KDI, upto=4096):
    b[0:16] = cmac(key, bytes(b[16:upto]))
    return b

def status_request(rapp, guid, seq, data=b""):
    b = bytearray(4096)
    b[0:16] = rapp
    b[16:32] = guid
    b[32:36] = u32(seq)
    b[36:40] = u32(len(data))
    b[40:40 + len(data)] = data
    return b

def status_output(reply):
    b = bytearray(4096)
    b[16:20] = u32(len(reply))
    b[20:20 + len(reply)] = reply
    b[0:16] = cmac(KDI, bytes(b[16:4096]))
    return b

# ---- the files -------------------------------------------------------------

def ensure_inputs(d, check):
    """Create missing input keys (never in --check, where they must exist)."""
    keys = os.path.join(d, "keys")
    os.makedirs(keys, exist_ok=True)
    main = os.path.join(d, "test_rsa2048.pem")
    made = {
        main: lambda: ossl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"),
        os.path.join(keys, "other_rsa2048.pem"): lambda: ossl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"),
        os.path.join(keys, "rsa1024.pem"): lambda: ossl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"),
        os.path.join(keys, "rsa4096.pem"): lambda: ossl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:4096"),
        os.path.join(keys, "ec_p256.pem"): lambda: ossl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"),
        os.path.join(keys, "encrypted_pkcs8.pem"): lambda: ossl("pkcs8", "-topk8", "-in", main, "-passout", "pass:" + PASS),
        os.path.join(keys, "encrypted_pkcs8.der"): lambda: ossl("pkcs8", "-topk8", "-in", main, "-passout", "pass:" + PASS,
                                                                 "-outform", "DER"),
        os.path.join(keys, "encrypted_pkcs8_v1.der"): lambda: ossl("pkcs8", "-topk8", "-v1", "PBE-SHA1-3DES", "-in", main,
                                                                    "-passout", "pass:" + PASS, "-outform", "DER"),
        os.path.join(keys, "encrypted_pkcs1.pem"): lambda: ossl("rsa", "-in", main, "-traditional", "-aes128",
                                                                 "-passout", "pass:" + PASS),
    }
    for path, make in made.items():        # insertion order: the main key first
        if not os.path.exists(path):
            if check:
                sys.exit("missing input %s (run make vectors)" % path)
            with open(path, "wb") as f:
                f.write(make())
            print("gen_vectors: created input", os.path.relpath(path, d))

def read(path):
    with open(path, "rb") as f:
        return f.read()

def hexline(name, b):
    return "%s = %s" % (name, bytes(b).hex())

def generate(d, old_text):
    """Returns {relative path: bytes} of every output, and the randomized
    signatures as {case: (ciphertext BE, key pem, plaintext)} for checking."""
    main_pem = read(os.path.join(d, "test_rsa2048.pem"))
    other_pem = read(os.path.join(d, "keys", "other_rsa2048.pem"))
    pkcs1 = ossl("rsa", "-in", TMP.file(main_pem), "-traditional", "-outform", "DER")
    pub_pem = ossl("pkey", "-in", TMP.file(main_pem), "-pubout")
    other_pub = ossl("pkey", "-in", TMP.file(other_pem), "-pubout")
    comp = components(pkcs1)
    other = components(ossl("rsa", "-in", TMP.file(other_pem), "-traditional", "-outform", "DER"))
    n = comp["n"]
    out = {
        "test_rsa2048.der": pkcs1,
        "keys/test_rsa2048_pkcs1.pem": ossl("rsa", "-in", TMP.file(main_pem), "-traditional"),
        "keys/test_rsa2048_pkcs8.der": ossl("pkcs8", "-topk8", "-nocrypt", "-in", TMP.file(main_pem), "-outform", "DER"),
        "keys/public.der": ossl("pkey", "-in", TMP.file(main_pem), "-pubout", "-outform", "DER"),
        "keys/public.pem": pub_pem,
    }
    if encode_pkcs1(comp) != pkcs1:
        sys.exit("asn1parse -genconf does not reproduce the key's DER")
    broken = {
        "bad_dp": {"dp": comp["dp"] ^ (1 << 200)},
        "bad_dq": {"dq": comp["dq"] ^ 1},
        "bad_qinv": {"qinv": comp["qinv"] ^ (1 << 77)},
        "bad_d": {"d": comp["d"] ^ (1 << 1000)},
        "bad_n": {"n": n ^ (1 << 1)},              # still 2048 bits, no longer p q
        "bad_e_even": {"e": comp["e"] + 1},
        "bad_e_3": {"e": 3},                       # odd, but dp, dq, d are for 65537
    }
    for name, change in broken.items():
        c = dict(comp)
        c.update(change)
        out["keys/%s.der" % name] = encode_pkcs1(c)

    old = parse(old_text) if old_text else {}
    randomized = {}
    L = ["# COPP known-answer vectors, set 'copp.h tests/vectors'.",
         "# Made by tools/gen_vectors.py with the openssl command-line tool (RSA, AES-128-CMAC), independent of copp.h.",
         "# Format: README.md.  Hex strings; integers in key blocks are big-endian hex; wire fields are",
         "# little-endian bytes.  Blocks are separated by a blank line; each block starts with 'case = NAME'.",
         "# Cases whose names start with signature_, cmd_ and status_ run in file order in one session: the",
         "# driver's rGH is the rgh below, the session starts with signature_raw_le.",
         ""]

    def block(name, comment, fields):
        L.append("case = " + name)
        for c in comment:
            L.append("# " + c)
        L.extend(fields)
        L.append("")

    block("rsa_key", ["the test key (test_rsa2048.pem, PKCS #8 PEM; test_rsa2048.der, PKCS #1 DER)"],
          ["file_pkcs8_pem = test_rsa2048.pem", "file_pkcs1_der = test_rsa2048.der"] +
          ["%s = %x" % (k, comp[k]) for k in ["n", "d", "p", "q", "dp", "dq", "qinv", "e"]])
    hw = ["%s = %08x" % (k, v) for k, v in HW.items() if k != "bksv"] + [hexline("bksv", HW["bksv"])]
    block("hw_profile", ["the connector the session runs on: its hardware callbacks report these values (u32 hex)"], hw)

    P = start_sequence()
    block256 = (P + bytes(216))[::-1]               # P read as a little-endian integer, as 256 big-endian bytes
    sig_raw_be = rsa_raw_encrypt(pub_pem, block256)
    common = [hexline("rgh", RGH), hexline("kdi", KDI), "status_start = %08x" % STATUS_START,
              "command_start = %08x" % COMMAND_START]
    block("signature_raw_le", ["raw RSA (no padding) of the 256-byte block read little-endian; ciphertext little-endian"],
          common + [hexline("signature", sig_raw_be[::-1]), "expect = S_OK"])

    def pkcs1_sig(case, plaintext):
        """Keep the committed ciphertext if it still decrypts to plaintext."""
        prev = old.get(case, {}).get("signature")
        if prev:
            c_be = bytes.fromhex(prev)[::-1]
            try_pt = subprocess.run(["openssl", "pkeyutl", "-decrypt", "-inkey", TMP.file(main_pem), "-pkeyopt",
                                     "rsa_padding_mode:pkcs1", "-in", TMP.file(c_be)], capture_output=True)
            if try_pt.returncode == 0 and try_pt.stdout == plaintext:
                randomized[case] = (c_be, plaintext)
                return c_be[::-1]
        c_be = rsa_pkcs1_encrypt(pub_pem, plaintext)
        randomized[case] = (c_be, plaintext)
        return c_be[::-1]

    block("signature_pkcs1v15_reversed_le",
          ["the 40 bytes reversed, PKCS #1 v1.5 type 2 (as CryptoAPI CryptEncrypt does), ciphertext little-endian;",
           "randomized padding: checked by decryption, not bytes"],
          common + [hexline("signature", pkcs1_sig("signature_pkcs1v15_reversed_le", P[::-1])), "expect = S_OK"])
    block("signature_raw_be", ["raw RSA as signature_raw_le, ciphertext big-endian: a backend in big-endian mode",
                               "(COPP_LIBTOM_RSA_BIG_ENDIAN, COPP_OPENSSL_RSA_BIG_ENDIAN) accepts it"],
          common + ["mode = big_endian", hexline("signature", sig_raw_be), "expect = S_OK"])
    block("signature_pkcs1v15_unreversed_le",
          ["PKCS #1 v1.5 of the 40 bytes in natural order (CryptEncrypt without the reversal), ciphertext",
           "little-endian: the libtom backend's COPP_LIBTOM_RSA_PKCS1V15 mode accepts it; randomized padding"],
          common + ["mode = pkcs1v15", hexline("signature", pkcs1_sig("signature_pkcs1v15_unreversed_le", P)),
                    "expect = S_OK"])
    bad_rgh = bytearray(RGH)
    bad_rgh[5] ^= 0x10
    bad = rsa_raw_encrypt(pub_pem, (start_sequence(rgh=bytes(bad_rgh)) + bytes(216))[::-1])
    block("signature_wrong_rgh", ["rGH differs from the driver's random in one bit: E_UNEXPECTED, nothing stored"],
          [hexline("rgh", RGH), hexline("signature", bad[::-1]), "expect = E_UNEXPECTED", "reason = RANDOM_MISMATCH"])
    block("signature_equals_modulus", ["the ciphertext integer is n itself: E_UNEXPECTED"],
          [hexline("rgh", RGH), hexline("signature", n.to_bytes(256, "little")), "expect = E_UNEXPECTED",
           "reason = BAD_CIPHERTEXT"])
    block("signature_all_ones", ["ciphertext integer 2^2048 - 1 >= n: E_UNEXPECTED"],
          [hexline("rgh", RGH), hexline("signature", b"\xff" * 256), "expect = E_UNEXPECTED", "reason = BAD_CIPHERTEXT"])
    block("signature_modulus_minus_one", ["c = n - 1 decrypts to n - 1 (d is odd): no rGH in it, E_UNEXPECTED"],
          [hexline("rgh", RGH), hexline("signature", (n - 1).to_bytes(256, "little")), "expect = E_UNEXPECTED",
           "reason = RANDOM_MISMATCH"])
    c_other = rsa_raw_encrypt(other_pub, block256)
    block("signature_other_key", ["the start sequence of signature_raw_le encrypted to keys/other_rsa2048.pem"],
          [hexline("rgh", RGH), hexline("signature", c_other[::-1]), "expect = E_UNEXPECTED",
           "reason = " + ("BAD_CIPHERTEXT" if int.from_bytes(c_other, "big") >= n else "RANDOM_MISMATCH")])

    # Commands, in sending order after signature_raw_le.
    seq = COMMAND_START
    def level(t, lv):
        return u32(t) + u32(lv) + u32(0) + u32(0)
    cmds = []
    def cmd(name, comment, b, expect, reason=None):
        f = [hexline("command", b), "expect = " + expect]
        if reason:
            f.append("reason = " + reason)
        cmds.append((name, ["full 4096-byte DXVA_COPPCommand; MAC = AES-CMAC(kdi, bytes 16..4095)"] + comment, f))
    first = mac_command(command(GUID["SetProtectionLevel"], seq, level(HDCP, 1)))
    cmd("cmd_hdcp_on", ["SetProtectionLevel HDCP 1"], first, "S_OK")
    seq += 1
    cmd("cmd_acp_level2", ["SetProtectionLevel ACP 2"], mac_command(command(GUID["SetProtectionLevel"], seq, level(ACP, 2))),
        "S_OK")
    seq = (seq + 1) & 0xFFFFFFFF                     # 0xFFFFFFFF + 1 wraps to 0
    cmd("cmd_cgmsa_copy_never_rc", ["SetProtectionLevel CGMS-A copy never | redistribution control (0x0C);",
                                    "dwSequence wrapped from 0xFFFFFFFF to 0"],
        mac_command(command(GUID["SetProtectionLevel"], seq, level(CGMSA, 0x0C))), "S_OK")
    seq += 1
    sig_data = u32(0x10) + u32(7) + u32(3) + u32(0) + u32(0) + u32(0) + u32(0) + bytes(32) + u32(0)
    cmd("cmd_set_signaling", ["SetSignaling: EN 300 294 (625i) active, aspect ratio mask 7, data 3 (16:9 box, centre)"],
        mac_command(command(GUID["SetSignaling"], seq, sig_data)), "S_OK")
    seq += 1
    t = mac_command(command(GUID["SetProtectionLevel"], seq, level(HDCP, 1)))
    t[3000] ^= 0x04
    cmd("cmd_tampered_unused_byte", ["one bit flipped in an unused data byte after the MAC was computed:",
                                     "E_UNEXPECTED, sequence not consumed"], t, "E_UNEXPECTED", "BAD_MAC")
    cmd("cmd_replay_of_first", ["the first command sent again: its sequence number is stale: E_INVALIDARG"], first,
        "E_INVALIDARG", "BAD_SEQUENCE")
    cmd("cmd_mac_over_payload_only", ["MAC over bytes 16..55 only (the used bytes), not 16..4095: E_UNEXPECTED"],
        mac_command(command(GUID["SetProtectionLevel"], seq, level(ACP, 1)), upto=56), "E_UNEXPECTED", "BAD_MAC")
    cmd("cmd_skipped_sequence", ["dwSequence one ahead of the counter, valid MAC: E_INVALIDARG"],
        mac_command(command(GUID["SetProtectionLevel"], seq + 1, level(ACP, 1))), "E_INVALIDARG", "BAD_SEQUENCE")
    cmd("cmd_bad_level", ["HDCP level 2 does not exist, valid MAC: E_INVALIDARG"],
        mac_command(command(GUID["SetProtectionLevel"], seq, level(HDCP, 2))), "E_INVALIDARG", "BAD_LEVEL")
    cmd("cmd_acp_level1_after_errors", ["SetProtectionLevel ACP 1 with the counter the failed commands did not consume"],
        mac_command(command(GUID["SetProtectionLevel"], seq, level(ACP, 1))), "S_OK")
    for name, comment, f in cmds:
        block(name, comment, f)

    # Status requests, in order after the commands; every kind.
    sseq = STATUS_START
    levels = {HDCP: 1, ACP: 1, CGMSA: 0x0C}         # this session's levels = the connector's (one session)
    def rapp(i):
        return bytes((0x10 * i + j) & 0xFF for j in range(16))
    def status_data(r, flags, data):
        return r + u32(flags) + u32(data) + u32(0) + u32(0)
    requests = []
    def st(name, comment, guid, reply_fn, data=b"", event=None, expect="S_OK", reason=None, seq_override=None):
        nonlocal sseq
        i = len(requests) + 1
        r = rapp(i)
        q = status_request(r, GUID[guid], sseq if seq_override is None else seq_override, data)
        f = [hexline("rapp", r)]
        if event is not None:
            f.append("event = %08x" % event)
        f.append(hexline("request", q))
        if expect == "S_OK":
            f.append(hexline("status_output", status_output(reply_fn(r))))
            sseq += 1
        f.append("expect = " + expect)
        if reason:
            f.append("reason = " + reason)
        requests.append(name)
        block(name, ["DXVA_COPPStatusInput (request) and the exact DXVA_COPPStatusOutput: MAC = AES-CMAC(kdi, bytes",
                     "16..4095), cbSizeData @16, reply @20 (spec 5.4, 5.7 - 5.10)"] + comment, f)
    st("status_connector_type", ["ConnectorType: dwData = HDMI"], "QueryConnectorType",
       lambda r: status_data(r, 0, HW["connector_type"]))
    st("status_protection_type", ["ProtectionType: HDCP | ACP | CGMS-A"], "QueryProtectionType",
       lambda r: status_data(r, 0, HW["protection_types"]))
    for t, tn in ((HDCP, "hdcp"), (ACP, "acp"), (CGMSA, "cgmsa")):
        st("status_local_" + tn, ["LocalProtectionLevel, StatusData = the type: the level this session set"],
           "QueryLocalProtectionLevel", lambda r, t=t: status_data(r, 0, levels[t]), data=u32(t))
    for t, tn in ((HDCP, "hdcp"), (ACP, "acp"), (CGMSA, "cgmsa")):
        st("status_global_" + tn, ["GlobalProtectionLevel: the level on the connector"],
           "QueryGlobalProtectionLevel", lambda r, t=t: status_data(r, 0, levels[t]), data=u32(t))
    st("status_display_data", ["DisplayData: 1920 x 1080 progressive, D3DFMT_A8R8G8B8, 60000/1001 Hz"],
       "QueryDisplayData", lambda r: r + u32(0) + u32(HW["display_width"]) + u32(HW["display_height"]) +
       u32(HW["display_format"]) + u32(HW["d3d_format"]) + u32(HW["freq_numerator"]) + u32(HW["freq_denominator"]))
    st("status_hdcp_key_data", ["HDCPKeyData: not a repeater; BKey = the KSV, least significant byte first, then zeros"],
       "QueryHDCPKeyData", lambda r: r + u32(0) + u32(HW["hdcp_flags"]) + HW["bksv"] + bytes(11) + bytes(32))
    st("status_bus_data", ["BusData: PCI Express | Integrated"], "QueryBusData",
       lambda r: status_data(r, 0, HW["bus_type"]))
    st("status_signaling", ["Signaling: available standards, the active one and the aspect ratio cmd_set_signaling set"],
       "QuerySignaling", lambda r: r + u32(0) + u32(HW["tv_standards"]) + u32(0x10) + u32(0) + u32(7) + u32(3) +
       u32(0) + u32(0) + u32(0) + u32(0) + bytes(32))
    st("status_after_link_lost", ["the connector raised COPP_LinkLost (event) before this request: dwFlags = 1"],
       "QueryConnectorType", lambda r: status_data(r, 1, HW["connector_type"]), event=1)
    st("status_flags_reported_once", ["the next reply: the event was reported once, dwFlags = 0"],
       "QueryConnectorType", lambda r: status_data(r, 0, HW["connector_type"]))
    st("status_stale_sequence", ["dwSequence of the previous request: E_INVALIDARG, output untouched"],
       "QueryConnectorType", None, expect="E_INVALIDARG", reason="BAD_SEQUENCE", seq_override=sseq - 1)
    st("status_level_without_type", ["LocalProtectionLevel with cbSizeData 0: E_INVALIDARG"],
       "QueryLocalProtectionLevel", None, expect="E_INVALIDARG", reason="BAD_SIZE")
    st("status_level_two_types", ["GlobalProtectionLevel for HDCP | ACP (not one type): E_INVALIDARG"],
       "QueryGlobalProtectionLevel", None, data=u32(HDCP | ACP), expect="E_INVALIDARG", reason="BAD_PROTECTION_TYPE")

    out["copp_vectors.txt"] = ("\n".join(L).rstrip("\n") + "\n").encode()
    return out, randomized

def parse(text):
    cases = {}
    for blk in text.split("\n\n"):
        c = {}
        for ln in blk.splitlines():
            if ln.startswith("#") or "=" not in ln:
                continue
            k, v = ln.split("=", 1)
            c[k.strip()] = v.strip()
        if "case" in c:
            cases[c["case"]] = c
    return cases

def check_rfc4493(d):
    """The RFC 4493 examples file agrees with openssl's CMAC."""
    bad = 0
    for c in parse(open(os.path.join(d, "rfc4493_cmac.txt")).read()).values():
        key, msg, tag = (bytes.fromhex(c[k]) for k in ("key", "message", "tag"))
        if cmac(key, msg) != tag:
            print("rfc4493_cmac.txt: %s disagrees with openssl" % c["case"])
            bad += 1
    return bad

def check_encrypted(d):
    """Each encrypted key decrypts (passphrase copp) to the test key."""
    want = ossl("rsa", "-in", os.path.join(d, "test_rsa2048.pem"), "-traditional", "-outform", "DER")
    bad = 0
    for name, inform in (("encrypted_pkcs8.pem", "PEM"), ("encrypted_pkcs8.der", "DER"),
                         ("encrypted_pkcs8_v1.der", "DER"), ("encrypted_pkcs1.pem", "PEM")):
        got = ossl("rsa", "-inform", inform, "-in", os.path.join(d, "keys", name), "-passin", "pass:" + PASS,
                   "-traditional", "-outform", "DER")
        if got != want:
            print("keys/%s does not decrypt to the test key" % name)
            bad += 1
    return bad

def wycheproof(d, upstream):
    src = json.load(open(upstream))
    groups = [g for g in src["testGroups"] if g["keySize"] == 128]
    keep = {k: v for k, v in src.items() if k not in ("testGroups", "numberOfTests")}
    keep["numberOfTests"] = sum(len(g["tests"]) for g in groups)
    keep["testGroups"] = groups
    path = os.path.join(d, "wycheproof", "aes_cmac_128_test.json")
    with open(path, "w") as f:
        json.dump(keep, f, indent=2)
        f.write("\n")
    print("gen_vectors: wrote %s (%d cases)" % (path, keep["numberOfTests"]))

# ---- OPM (issue 12; ../shared/spec/OPM.md) -----------------------------------

OAEP_OPM = ["rsa_padding_mode:oaep", "rsa_oaep_md:sha512", "rsa_mgf1_md:sha512"]
OAEP_SHA1 = ["rsa_padding_mode:oaep"]                                   # OpenSSL's default: SHA-1, MGF1-SHA-1
OAEP_MGF1_SHA1 = ["rsa_padding_mode:oaep", "rsa_oaep_md:sha512", "rsa_mgf1_md:sha1"]
OAEP_LABEL = OAEP_OPM + ["rsa_oaep_label:6f706d"]                       # label "opm"

def pkeyopts(opts):
    r = []
    for o in opts:
        r += ["-pkeyopt", o]
    return r

def oaep_encrypt(pub_pem, data, opts):
    return ossl("pkeyutl", "-encrypt", "-pubin", "-inkey", TMP.file(pub_pem), *pkeyopts(opts), "-in", TMP.file(data))

def oaep_decrypt(key_pem, c, opts):
    """The plaintext, or None when openssl refuses the ciphertext under opts."""
    p = subprocess.run(["openssl", "pkeyutl", "-decrypt", "-inkey", TMP.file(key_pem), *pkeyopts(opts),
                        "-in", TMP.file(c)], capture_output=True)
    return p.stdout if p.returncode == 0 else None

OPM_GUID = {
    "GET_CONNECTOR_TYPE": GUID["QueryConnectorType"],
    "GET_SUPPORTED_PROTECTION_TYPES": GUID["QueryProtectionType"],
    "GET_VIRTUAL_PROTECTION_LEVEL": GUID["QueryLocalProtectionLevel"],
    "GET_ACTUAL_PROTECTION_LEVEL": GUID["QueryGlobalProtectionLevel"],
    "GET_ACTUAL_OUTPUT_FORMAT": GUID["QueryDisplayData"],
    "GET_ADAPTER_BUS_TYPE": GUID["QueryBusData"],
    "GET_ACP_AND_CGMSA_SIGNALING": GUID["QuerySignaling"],
    "GET_CONNECTED_HDCP_DEVICE_INFORMATION": GUID["QueryHDCPKeyData"],
    "GET_CURRENT_HDCP_SRM_VERSION": bytes.fromhex("ffcec5991d5f794881c1c52443c9482b"),
    "GET_OUTPUT_ID": bytes.fromhex("f36dcb724f24ce40b09e20506af6302f"),
    "GET_DVI_CHARACTERISTICS": bytes.fromhex("bbb370a4d75d7241839c3d3776e0ebf5"),
    "GET_CODEC_INFO": bytes.fromhex("9144374f5f8f45449dba95588f6b58b4"),
    "GET_OUTPUT_HARDWARE_PROTECTION_SUPPORT": bytes.fromhex("8995123bf82af04e96a2704a845a218e"),
    "SET_PROTECTION_LEVEL": GUID["SetProtectionLevel"],
    "SET_ACP_AND_CGMSA_SIGNALING": GUID["SetSignaling"],
    "SET_HDCP_SRM": bytes.fromhex("d1f55e8b0dc3ff4484a5ea71dce78f13"),
    "SET_PROTECTION_LEVEL_ACCORDING_TO_CSS_DVD": bytes.fromhex("3e33ce39c04cae44bfccda50b5f82e72"),
}

NTSTATUS = {
    "STATUS_SUCCESS": 0, "STATUS_INVALID_PARAMETER": 0xC000000D, "STATUS_NOT_SUPPORTED": 0xC00000BB,
    "STATUS_GRAPHICS_OPM_INVALID_ENCRYPTED_PARAMETERS": 0xC01E0503,
    "STATUS_GRAPHICS_OPM_HDCP_SRM_NEVER_SET": 0xC01E0516,
    "STATUS_GRAPHICS_OPM_PROTECTED_OUTPUT_DOES_NOT_HAVE_COPP_SEMANTICS": 0xC01E051C,
    "STATUS_GRAPHICS_OPM_INVALID_INFORMATION_REQUEST": 0xC01E051D,
    "STATUS_GRAPHICS_OPM_PROTECTED_OUTPUT_DOES_NOT_HAVE_OPM_SEMANTICS": 0xC01E051F,
    "STATUS_GRAPHICS_OPM_INVALID_CONFIGURATION_REQUEST": 0xC01E0521,
}

OPM_HDCP, OPM_DPCP = 0x8, 0x10
OPM_RANDOM = bytes(range(0xC0, 0xD0))          # the protected output's random (the test's RNG hands it out at create)
OPM_K = bytes.fromhex("7b1e9d40c2a35f6817e4b9025cd8a3f1")
OPM_INFO_START = 0xFFFFFFFE                    # wraps to 0 after the second information request
OPM_CFG_START = 0xFFFFFFFF                     # wraps to 0 after the first configure command
OPM_OUTPUT_ID = 0x0123456789ABCDEF
COPPSEM_K = bytes.fromhex("e4c1079a3b52d86f0a9e13c74d28b65f")
COPPSEM_INFO_START, COPPSEM_CFG_START = 0x00000010, 0x7FFFFFFF

def init_params(rn, k, info, cfg):
    return rn + k + u32(info) + u32(cfg)

def opm_info_request(key, rn, guid, seq, data=b"", size=None, mac_upto=4112):
    b = bytearray(4112)
    b[16:32] = rn
    b[32:48] = guid
    b[48:52] = u32(seq)
    b[52:56] = u32(len(data) if size is None else size)
    b[56:56 + len(data)] = data
    b[0:16] = cmac(key, bytes(b[16:mac_upto]))
    return b

def opm_reply(key, reply):
    b = bytearray(4096)
    b[16:20] = u32(len(reply))
    b[20:20 + len(reply)] = reply
    b[0:16] = cmac(key, bytes(b[16:4096]))
    return b

def std_info(rn, flags, info):
    return rn + u32(flags) + u32(info) + u32(0) + u32(0)

def generate_opm(d, old_text, main_pem, pub_pem, other_pub, n, randomized):
    old = parse(old_text) if old_text else {}
    L = ["# OPM known-answer vectors (issue 12, ../shared/spec/OPM.md), set 'copp.h tests/vectors'.",
         "# Made by tools/gen_vectors.py with the openssl command line (RSAES-OAEP by pkeyutl, AES-128-CMAC by",
         "# openssl mac), independent of copp.h.  Format: README.md (as copp_vectors.txt, plus `call`, `ntstatus`).",
         "# The key is tests/vectors/test_rsa2048.pem (as OPM key and COPP key).  Cases opm_init_* and",
         "# coppsem_init_* each run on a fresh protected output of their semantics whose random number is",
         "# `random`; cases opm_* (other) run in file order on one OPM-semantics output started by",
         "# opm_init_oaep_sha512, cases coppsem_* (other) on one COPP-semantics output started by",
         "# coppsem_init_raw_le, each on its own connector with the hw_profile below.",
         ""]

    def block(name, comment, fields):
        L.append("case = " + name)
        for c in comment:
            L.append("# " + c)
        L.extend(fields)
        L.append("")

    def expect(name):
        return ["expect = " + name, "ntstatus = %08x" % NTSTATUS[name]]

    hw = dict(HW)
    hw["bus_type"] = 0x00000003               # PCI Express, no modifier (unambiguous under both semantics)
    prof = ["%s = %08x" % (k, v) for k, v in hw.items() if k != "bksv"] + [hexline("bksv", hw["bksv"]),
            "output_id = %016x" % OPM_OUTPUT_ID]
    block("hw_profile", ["the connector: its hardware callbacks report these values (u32 hex; output_id u64 hex);",
                         "protection types in COPP bits (HDCP 1, ACP 2, CGMS-A 4); display_format is the",
                         "DXVA_ExtendedFormat whose low byte (2, progressive) OPM reports at offset 28 (A-OPM-22);",
                         "connector HDMI: DVI characteristics not supported; no SRM set; no codec hook"], prof)

    # §7.8 of OPM.md: the digest's own CMAC vectors, recomputed here by openssl.
    K78 = bytes(range(16))
    rn78 = bytes.fromhex("f0e1d2c3b4a5968778695a4b3c2d1e0f")
    q = bytearray(4112); q[16:32] = rn78; q[32:48] = OPM_GUID["GET_ACTUAL_PROTECTION_LEVEL"]
    q[48:52] = u32(0x12345678); q[52:56] = u32(4); q[56:60] = u32(8)
    r = bytearray(4096); r[16:20] = u32(32); r[20:36] = rn78; r[40:44] = u32(1)
    c = bytearray(4096); c[16:32] = OPM_GUID["SET_PROTECTION_LEVEL"]; c[32:36] = u32(0x89ABCDEF)
    c[36:40] = u32(16); c[40:44] = u32(8); c[44:48] = u32(1)
    o = bytearray(4096); o[16:20] = u32(28); o[20:36] = rn78; o[40:48] = OPM_OUTPUT_ID.to_bytes(8, "little")
    spec = [("spec_7_8_get_info", "OPM_GET_INFO_PARAMETERS, MAC over bytes 16..4111", q, 16, 4112,
             "606354319ea1f54534d568de49cc96f8"),
            ("spec_7_8_get_info_wrong_range", "the same, wrongly MACed over bytes 16..59 only", q, 16, 60,
             "e0712599f6590157170fda5e11caa06b"),
            ("spec_7_8_reply", "OPM_REQUESTED_INFORMATION, MAC over 16..4095", r, 16, 4096,
             "f148c0d88a2997e17b773f677016ffba"),
            ("spec_7_8_configure", "OPM_CONFIGURE_PARAMETERS, MAC over 16..4095", c, 16, 4096,
             "65c5ab33e625b7c3097ba5352412ef5a"),
            ("spec_7_8_output_id_reply", "output-ID reply (28 bytes, u64 unaligned at 20)", o, 16, 4096,
             "6b2d78869b09257cabb0f24204a75144")]
    for name, what, buf, lo, hi, want in spec:
        tag = cmac(K78, bytes(buf[lo:hi]))
        if tag.hex() != want:
            sys.exit("OPM.md 7.8 %s: openssl gives %s, the digest %s" % (name, tag.hex(), want))
        block(name, ["OPM.md 7.8: " + what + "; K = 000102..0f; the tag agrees with the digest"],
              [hexline("key", K78), hexline("message", buf[lo:hi]), hexline("tag", tag)])

    # ---- initialization blocks -------------------------------------------
    def oaep_case(case, pub, plaintext, opts, priv=None):
        """Keep the committed ciphertext if it still decrypts under opts to plaintext."""
        priv = priv or main_pem
        prev = old.get(case, {}).get("encrypted")
        if prev:
            cb = bytes.fromhex(prev)
            if oaep_decrypt(priv, cb, opts) == plaintext:
                randomized[case] = (cb, opts, plaintext, priv)
                return cb
        cb = oaep_encrypt(pub, plaintext, opts)
        randomized[case] = (cb, opts, plaintext, priv)
        return cb

    M = init_params(OPM_RANDOM, OPM_K, OPM_INFO_START, OPM_CFG_START)
    common = [hexline("random", OPM_RANDOM), hexline("k", OPM_K), "info_start = %08x" % OPM_INFO_START,
              "configure_start = %08x" % OPM_CFG_START]
    inits = [
        ("opm_init_oaep_sha512", "OAEP SHA-512 / MGF1-SHA-512 / empty label of the 40-byte parameters (7.2); accepted",
         M, OAEP_OPM, "STATUS_SUCCESS"),
        ("opm_init_oaep_sha512_126", "the 40 bytes followed by 86 bytes 0x5a (126, the OAEP capacity): accepted, rest ignored",
         M + b"\x5a" * 86, OAEP_OPM, "STATUS_SUCCESS"),
        ("opm_init_oaep_sha1", "OAEP with SHA-1 and MGF1-SHA-1 (openssl's default): refused", M, OAEP_SHA1,
         "STATUS_GRAPHICS_OPM_INVALID_ENCRYPTED_PARAMETERS"),
        ("opm_init_oaep_mgf1_sha1", "OAEP SHA-512 with MGF1-SHA-1: refused", M, OAEP_MGF1_SHA1,
         "STATUS_GRAPHICS_OPM_INVALID_ENCRYPTED_PARAMETERS"),
        ("opm_init_oaep_label", "OAEP SHA-512 / MGF1-SHA-512 with the label \"opm\" (6f706d): refused", M, OAEP_LABEL,
         "STATUS_GRAPHICS_OPM_INVALID_ENCRYPTED_PARAMETERS"),
        ("opm_init_short_39", "a 39-byte message (M < 40): refused", M[:39], OAEP_OPM,
         "STATUS_GRAPHICS_OPM_INVALID_ENCRYPTED_PARAMETERS"),
        ("opm_init_empty_message", "an empty OAEP message: refused", b"", OAEP_OPM,
         "STATUS_GRAPHICS_OPM_INVALID_ENCRYPTED_PARAMETERS"),
    ]
    bad_rn = bytearray(OPM_RANDOM); bad_rn[9] ^= 0x01
    inits.append(("opm_init_wrong_random", "the random number with one bit flipped (byte 9, bit 0): refused",
                  init_params(bytes(bad_rn), OPM_K, OPM_INFO_START, OPM_CFG_START), OAEP_OPM,
                  "STATUS_GRAPHICS_OPM_INVALID_ENCRYPTED_PARAMETERS"))
    for name, what, pt, opts, ex in inits:
        cb = oaep_case(name, pub_pem, pt, opts)
        block(name, ["OPM_ENCRYPTED_INITIALIZATION_PARAMETERS (256 bytes, big-endian RSA ciphertext): " + what,
                     "openssl pkeyutl -pkeyopt " + " -pkeyopt ".join(opts) + "; randomized: checked by decryption",
                     "(negatives: by openssl's refusal or a plaintext copp.h must refuse)"],
              common + ["plaintext_len = %d" % len(pt), hexline("encrypted", cb)] + expect(ex))
    cb = oaep_case("opm_init_other_key", other_pub, M, OAEP_OPM, read(os.path.join(d, "keys", "other_rsa2048.pem")))
    block("opm_init_other_key", ["the parameters of opm_init_oaep_sha512 OAEP-encrypted to keys/other_rsa2048.pem: refused"],
          common + ["plaintext_len = 40", hexline("encrypted", cb)] + expect("STATUS_GRAPHICS_OPM_INVALID_ENCRYPTED_PARAMETERS"))
    for name, what, cb in (("opm_init_c_equals_n", "c = n (c >= n)", n.to_bytes(256, "big")),
                           ("opm_init_c_all_ones", "c = 2^2048 - 1 (c >= n)", b"\xff" * 256),
                           ("opm_init_c_zero", "c = 0 (decrypts to 0: not an OAEP block)", bytes(256))):
        block(name, ["the ciphertext integer is not a valid OAEP ciphertext: " + what + ": refused"],
              common + [hexline("encrypted", cb)] + expect("STATUS_GRAPHICS_OPM_INVALID_ENCRYPTED_PARAMETERS"))
    P = init_params(OPM_RANDOM, OPM_K, OPM_INFO_START, OPM_CFG_START)
    raw = rsa_raw_encrypt(pub_pem, (P + bytes(216))[::-1])[::-1]
    block("opm_init_copp_raw_le", ["the parameters in COPP's encoding (raw RSA, little-endian, COPP 10.3) sent to an",
                                   "OPM-semantics output: never accepted there (7.3)"],
          common + [hexline("encrypted", raw)] + expect("STATUS_GRAPHICS_OPM_INVALID_ENCRYPTED_PARAMETERS"))

    PC = init_params(OPM_RANDOM, COPPSEM_K, COPPSEM_INFO_START, COPPSEM_CFG_START)
    ccommon = [hexline("random", OPM_RANDOM), hexline("k", COPPSEM_K), "info_start = %08x" % COPPSEM_INFO_START,
               "configure_start = %08x" % COPPSEM_CFG_START]
    block("coppsem_init_raw_le", ["COPP semantics: the 256-byte block of COPP 5.11/10.3, raw RSA read little-endian,",
                                  "ciphertext little-endian (the COPP decoder, 7.3); accepted"],
          ccommon + [hexline("encrypted", rsa_raw_encrypt(pub_pem, (PC + bytes(216))[::-1])[::-1])] +
          expect("STATUS_SUCCESS"))
    cb = oaep_case("coppsem_init_oaep_sha512", pub_pem, PC, OAEP_OPM)
    block("coppsem_init_oaep_sha512", ["COPP semantics given an OAEP-SHA-512 block of its parameters: never OAEP for",
                                       "COPP semantics (7.3): refused; randomized, checked by decryption"],
          ccommon + ["plaintext_len = 40", hexline("encrypted", cb)] +
          expect("STATUS_GRAPHICS_OPM_INVALID_ENCRYPTED_PARAMETERS"))

    # ---- the OPM-semantics session ----------------------------------------
    st = {"info": OPM_INFO_START, "cfg": OPM_CFG_START, "n": 0}
    virt = {OPM_HDCP: 0, ACP: 0, CGMSA: 0}
    def rn_for(i):
        return bytes((0x31 * i + 7 * j) & 0xFF for j in range(16))
    def level(t, lv, r1=0, r2=0):
        return u32(t) + u32(lv) + u32(r1) + u32(r2)

    def opm_cfg(name, what, guid, data, ex, seq_delta=0, size=None, flip=None, mac_upto=4096, additional=None,
                key=OPM_K, prefix="opm_", seqkey="cfg"):
        b = command(OPM_GUID[guid] if isinstance(guid, str) else guid, (st[seqkey] + seq_delta) & 0xFFFFFFFF, data, size)
        b = mac_command(b, key=key, upto=mac_upto)
        if flip is not None:
            b[flip] ^= 0x04
        f = ["call = configure_protected_output", hexline("configure", b)]
        if additional is not None:
            f.append(hexline("additional", additional))
        block(prefix + "cfg_" + name, ["OPM_CONFIGURE_PARAMETERS (4096; MAC = AES-CMAC(k, bytes 16..4095)): " + what], f + expect(ex))
        if ex == "STATUS_SUCCESS":
            st[seqkey] = (st[seqkey] + 1) & 0xFFFFFFFF
        return b

    def opm_info(name, what, guid, data, reply, ex="STATUS_SUCCESS", size=None, seq_delta=0, flip=None, mac_upto=4112,
                 event=None):
        st["n"] += 1
        rn = rn_for(st["n"])
        q = opm_info_request(OPM_K, rn, OPM_GUID[guid] if isinstance(guid, str) else guid, (st["info"] + seq_delta) & 0xFFFFFFFF, data, size, mac_upto)
        if flip is not None:
            q[flip] ^= 0x01
        f = ["call = get_information", hexline("rn", rn)]
        if event is not None:
            f.append("event = %08x" % event)
        f.append(hexline("request", q))
        if ex == "STATUS_SUCCESS":
            f.append(hexline("reply", opm_reply(OPM_K, reply(rn))))
            st["info"] = (st["info"] + 1) & 0xFFFFFFFF
        block("opm_info_" + name, ["OPM_GET_INFO_PARAMETERS (4112; MAC over 16..4111) and, on success, the exact",
                                   "OPM_REQUESTED_INFORMATION (MAC over 16..4095): " + what], f + expect(ex))

    HWt = hw
    opm_info("connector_type", "connector type HDMI (5)", "GET_CONNECTOR_TYPE", b"", lambda rn: std_info(rn, 0, 5))
    opm_info("supported_protection_types", "HDCP (0x8) | ACP | CGMS-A under OPM semantics (0x1 never; A-OPM-5)",
             "GET_SUPPORTED_PROTECTION_TYPES", b"", lambda rn: std_info(rn, 0, OPM_HDCP | ACP | CGMSA))
    first = opm_cfg("hdcp_on", "SET_PROTECTION_LEVEL HDCP (0x8) ON; the counter wraps 0xffffffff -> 0",
                    "SET_PROTECTION_LEVEL", level(OPM_HDCP, 1), "STATUS_SUCCESS")
    virt[OPM_HDCP] = 1
    opm_cfg("acp_level1", "SET_PROTECTION_LEVEL ACP level 1", "SET_PROTECTION_LEVEL", level(ACP, 1), "STATUS_SUCCESS")
    virt[ACP] = 1
    opm_cfg("cgmsa_copy_never", "SET_PROTECTION_LEVEL CGMS-A COPY_NEVER (4)", "SET_PROTECTION_LEVEL", level(CGMSA, 4),
            "STATUS_SUCCESS")
    virt[CGMSA] = 4
    opm_cfg("replay_of_first", "opm_cfg_hdcp_on sent again (stale sequence number)", "SET_PROTECTION_LEVEL",
            level(OPM_HDCP, 1), "STATUS_GRAPHICS_OPM_INVALID_CONFIGURATION_REQUEST", seq_delta=-3)
    opm_cfg("skipped_sequence", "sequence one ahead of the counter, valid MAC", "SET_PROTECTION_LEVEL", level(ACP, 2),
            "STATUS_GRAPHICS_OPM_INVALID_CONFIGURATION_REQUEST", seq_delta=1)
    opm_cfg("bad_omac", "one bit flipped in an unused payload byte (3000) after MACing", "SET_PROTECTION_LEVEL",
            level(ACP, 2), "STATUS_GRAPHICS_OPM_INVALID_CONFIGURATION_REQUEST", flip=3000)
    opm_cfg("mac_over_payload_only", "MAC over bytes 16..55 only", "SET_PROTECTION_LEVEL", level(ACP, 2),
            "STATUS_GRAPHICS_OPM_INVALID_CONFIGURATION_REQUEST", mac_upto=56)
    opm_cfg("wrong_key", "MACed with the COPP-semantics output's key", "SET_PROTECTION_LEVEL", level(ACP, 2),
            "STATUS_GRAPHICS_OPM_INVALID_CONFIGURATION_REQUEST", key=COPPSEM_K)
    opm_cfg("copp_compatible_hdcp", "protection type COPP_COMPATIBLE_HDCP (0x1) is COPP-only (2.2)",
            "SET_PROTECTION_LEVEL", level(HDCP, 1), "STATUS_GRAPHICS_OPM_PROTECTED_OUTPUT_DOES_NOT_HAVE_COPP_SEMANTICS")
    opm_cfg("cgmsa_redistribution", "CGMS-A 0x0C (COPY_NEVER | redistribution control) is COPP-only (2.2)",
            "SET_PROTECTION_LEVEL", level(CGMSA, 0x0C), "STATUS_GRAPHICS_OPM_PROTECTED_OUTPUT_DOES_NOT_HAVE_COPP_SEMANTICS")
    sig = u32(0x10) + u32(7) + u32(3) + bytes(52)
    opm_cfg("set_signaling", "SET_ACP_AND_CGMSA_SIGNALING is COPP-only (2.2)", "SET_ACP_AND_CGMSA_SIGNALING", sig,
            "STATUS_GRAPHICS_OPM_PROTECTED_OUTPUT_DOES_NOT_HAVE_COPP_SEMANTICS")
    opm_cfg("hdcp_bad_level", "HDCP level 2 does not exist (9.1)", "SET_PROTECTION_LEVEL", level(OPM_HDCP, 2),
            "STATUS_INVALID_PARAMETER")
    opm_cfg("reserved_nonzero", "HDCP ON with Reserved = 1 (9.1: reserved words zero)", "SET_PROTECTION_LEVEL",
            level(OPM_HDCP, 1, 1, 0), "STATUS_INVALID_PARAMETER")
    opm_cfg("short_parameters", "cbParametersSize 8 (< 16, A-OPM-16)", "SET_PROTECTION_LEVEL", level(ACP, 2),
            "STATUS_INVALID_PARAMETER", size=8)
    opm_cfg("unknown_guid", "an unknown command GUID (A-OPM-15)", bytes(range(0x40, 0x50)), level(ACP, 2),
            "STATUS_NOT_SUPPORTED")
    opm_cfg("additional_parameters", "SET_PROTECTION_LEVEL with 4 additional bytes (only SET_HDCP_SRM takes them, 9)",
            "SET_PROTECTION_LEVEL", level(ACP, 2), "STATUS_INVALID_PARAMETER", additional=b"\x01\x02\x03\x04")
    for t, tn in ((OPM_HDCP, "hdcp"), (ACP, "acp"), (CGMSA, "cgmsa")):
        opm_info("virtual_" + tn, "GET_VIRTUAL_PROTECTION_LEVEL: this output's level", "GET_VIRTUAL_PROTECTION_LEVEL",
                 u32(t), lambda rn, t=t: std_info(rn, 0, virt[t]))
    for t, tn in ((OPM_HDCP, "hdcp"), (ACP, "acp"), (CGMSA, "cgmsa")):
        opm_info("actual_" + tn, "GET_ACTUAL_PROTECTION_LEVEL: the connector's level (the mock applies at once)",
                 "GET_ACTUAL_PROTECTION_LEVEL", u32(t), lambda rn, t=t: std_info(rn, 0, virt[t]))
    opm_info("actual_output_format", "1920 x 1080, progressive (2), D3DFMT_A8R8G8B8 (21), 60000/1001 Hz",
             "GET_ACTUAL_OUTPUT_FORMAT", b"", lambda rn: rn + u32(0) + u32(HWt["display_width"]) +
             u32(HWt["display_height"]) + u32(HWt["display_format"] & 0xFF) + u32(HWt["d3d_format"]) +
             u32(HWt["freq_numerator"]) + u32(HWt["freq_denominator"]))
    opm_info("adapter_bus_type", "PCI Express (3)", "GET_ADAPTER_BUS_TYPE", b"", lambda rn: std_info(rn, 0, 3))
    opm_info("output_id", "OPM_OUTPUT_ID_DATA, 28 bytes packed, u64 at offset 20 (4.10)", "GET_OUTPUT_ID", b"",
             lambda rn: rn + u32(0) + OPM_OUTPUT_ID.to_bytes(8, "little"))
    opm_info("hardware_protection_support", "STANDARD reply, default value 0 (A-OPM-21)",
             "GET_OUTPUT_HARDWARE_PROTECTION_SUPPORT", b"", lambda rn: std_info(rn, 0, 0))
    opm_info("dvi_characteristics", "HDMI is no DVI connector (5.1 Recommendation)", "GET_DVI_CHARACTERISTICS", b"",
             None, "STATUS_NOT_SUPPORTED")
    opm_info("codec_info", "no codec hook (A-OPM-21)", "GET_CODEC_INFO", u32(0), None, "STATUS_NOT_SUPPORTED", size=4)
    opm_info("srm_version_never_set", "no SRM was ever set (9.3, A-OPM-19)", "GET_CURRENT_HDCP_SRM_VERSION", b"", None,
             "STATUS_GRAPHICS_OPM_HDCP_SRM_NEVER_SET")
    opm_info("acp_cgmsa_signaling", "COPP-only request (2.2)", "GET_ACP_AND_CGMSA_SIGNALING", b"", None,
             "STATUS_GRAPHICS_OPM_PROTECTED_OUTPUT_DOES_NOT_HAVE_COPP_SEMANTICS")
    opm_info("connected_hdcp_device", "COPP-only request (2.2)", "GET_CONNECTED_HDCP_DEVICE_INFORMATION", b"", None,
             "STATUS_GRAPHICS_OPM_PROTECTED_OUTPUT_DOES_NOT_HAVE_COPP_SEMANTICS")
    opm_info("virtual_copp_hdcp", "protection type 0x1 is COPP-only (2.2)", "GET_VIRTUAL_PROTECTION_LEVEL", u32(HDCP),
             None, "STATUS_GRAPHICS_OPM_PROTECTED_OUTPUT_DOES_NOT_HAVE_COPP_SEMANTICS")
    opm_info("bad_omac_unused_byte", "one bit flipped in unused abParameters byte 4000 (covered, 7.4)",
             "GET_CONNECTOR_TYPE", b"", None, "STATUS_GRAPHICS_OPM_INVALID_INFORMATION_REQUEST", flip=4000)
    opm_info("mac_16_59_only", "MAC over bytes 16..59 only (7.8's wrong range)", "GET_ACTUAL_PROTECTION_LEVEL",
             u32(OPM_HDCP), None, "STATUS_GRAPHICS_OPM_INVALID_INFORMATION_REQUEST", mac_upto=60)
    opm_info("stale_sequence", "the previous sequence number", "GET_CONNECTOR_TYPE", b"", None,
             "STATUS_GRAPHICS_OPM_INVALID_INFORMATION_REQUEST", seq_delta=-1)
    opm_info("level_without_type", "GET_VIRTUAL_PROTECTION_LEVEL with cbParametersSize 0 (A-OPM-16)",
             "GET_VIRTUAL_PROTECTION_LEVEL", b"", None, "STATUS_INVALID_PARAMETER")
    opm_info("parameters_too_big", "cbParametersSize 4057 (> 4056)", "GET_CONNECTOR_TYPE", b"", None,
             "STATUS_INVALID_PARAMETER", size=4057)
    opm_info("unknown_guid", "an unknown GUID (A-OPM-15)", bytes(range(0x60, 0x70)), b"", None, "STATUS_NOT_SUPPORTED")
    opm_info("after_link_lost", "LINK_LOST raised on the connector just before: ulStatusFlags 1", "GET_CONNECTOR_TYPE",
             b"", lambda rn: std_info(rn, 1, 5), event=1)
    opm_info("flags_reported_once", "the next reply: 0", "GET_CONNECTOR_TYPE", b"", lambda rn: std_info(rn, 0, 5))
    opm_info("after_tampering", "TAMPERING_DETECTED (0x04) raised: reported as 0x04 under OPM semantics",
             "GET_CONNECTOR_TYPE", b"", lambda rn: std_info(rn, 4, 5), event=4)
    out_text = "\n".join(L).rstrip("\n") + "\n"
    return out_text, st


def main():
    args = sys.argv[1:]
    check = "--check" in args
    args = [a for a in args if a != "--check"]
    upstream = None
    if "--wycheproof" in args:
        i = args.index("--wycheproof")
        upstream = args[i + 1]
        del args[i:i + 2]
    d = args[0] if args else os.path.join(os.path.dirname(HERE), "tests", "vectors")
    if upstream:
        wycheproof(d, upstream)
        return 0
    ensure_inputs(d, check)
    vec = os.path.join(d, "copp_vectors.txt")
    old_text = open(vec).read() if os.path.exists(vec) else None
    out, randomized = generate(d, old_text)
    opm_path = os.path.join(d, "opm_vectors.txt")
    opm_old = open(opm_path).read() if os.path.exists(opm_path) else None
    main_pem = read(os.path.join(d, "test_rsa2048.pem"))
    other_pub = ossl("pkey", "-in", os.path.join(d, "keys", "other_rsa2048.pem"), "-pubout")
    n = components(out["test_rsa2048.der"])["n"]
    opm_randomized = {}
    opm_text, _ = generate_opm(d, opm_old, main_pem, out["keys/public.pem"], other_pub, n, opm_randomized)
    out["opm_vectors.txt"] = opm_text.encode()
    if not check:
        for rel, data in out.items():
            path = os.path.join(d, rel)
            if not os.path.exists(path) or read(path) != data:
                with open(path, "wb") as f:
                    f.write(data)
                print("gen_vectors: wrote", rel)
        return 0
    bad = 0
    for rel, data in out.items():
        path = os.path.join(d, rel)
        if not os.path.exists(path):
            print("missing: %s" % rel)
            bad += 1
        elif read(path) != data:
            print("differs from a fresh generation: %s" % rel)
            bad += 1
    for case, (c_be, plaintext) in randomized.items():
        if rsa_pkcs1_decrypt(read(os.path.join(d, "test_rsa2048.pem")), c_be) != plaintext:
            print("%s: the PKCS #1 v1.5 ciphertext does not decrypt to its start sequence" % case)
            bad += 1
    for case, (c_be, opts, plaintext, priv) in opm_randomized.items():
        if oaep_decrypt(priv, c_be, opts) != plaintext:
            print("%s: the OAEP ciphertext does not decrypt (%s) to its plaintext" % (case, " ".join(opts)))
            bad += 1
        if (opts != OAEP_OPM or priv != main_pem) and oaep_decrypt(main_pem, c_be, OAEP_OPM) is not None:
            print("%s: a negative OAEP case decrypts under SHA-512 / MGF1-SHA-512 / empty label" % case)
            bad += 1
    bad += check_rfc4493(d)
    bad += check_encrypted(d)
    n_det = len(out)
    print("vectors: %d generated files %s; %d randomized signatures decrypt to their plaintext; RFC 4493 file agrees "
          "with openssl; %d encrypted keys decrypt to the test key; %d randomized OAEP blocks decrypt under their own "
          "parameters (the negatives not under OPM's)" % (n_det, "match" if bad == 0 else "checked", len(randomized), 4,
                                                          len(opm_randomized)))
    return 1 if bad else 0

if __name__ == "__main__":
    sys.exit(main())
