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
    bad += check_rfc4493(d)
    bad += check_encrypted(d)
    n_det = len(out)
    print("vectors: %d generated files %s; %d randomized signatures decrypt to their plaintext; RFC 4493 file agrees "
          "with openssl; %d encrypted keys decrypt to the test key" % (n_det, "match" if bad == 0 else "checked",
                                                                      len(randomized), 4))
    return 1 if bad else 0

if __name__ == "__main__":
    sys.exit(main())
