#!/usr/bin/env python3
"""Runs tools/coppdump over every case of a vector set (tests/vectors always;
the independent ../shared/vectors too when it is there) and over the inputs a
user gets wrong (help, missing and oversized files, truncated input, hex
typos, key files in every encoding, wrong and encrypted keys), checking what
it prints and its exit status.
usage: test_coppdump.py COPPDUMP VECTORS_DIR [SHARED_VECTORS_DIR]"""
import os, subprocess, sys, tempfile, time

coppdump, own_dir = sys.argv[1], sys.argv[2]
shared_dir = sys.argv[3] if len(sys.argv) > 3 else None
passed = failed = 0
TMP = tempfile.TemporaryDirectory()

def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}\n{detail}")

def run(args, data=None, stdin=None):
    p = subprocess.run([coppdump, *args], input=stdin, capture_output=True)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")

def tmpfile(data, suffix=".hex"):
    path = os.path.join(TMP.name, "in%d%s" % (passed + failed, suffix))
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    return path

def dump(hexdata, *args):
    rc, out, err = run([*args, tmpfile(hexdata)])
    return rc, out + err

def field(out, label):
    for ln in out.splitlines():
        if ln.startswith(label + " ") or ln.startswith(label + "\t"):
            return ln[len(label):].strip()
    return None

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from gen_vectors import parse   # the vector-file reader (blocks of name = value lines)

def load(vec_dir):
    cases = parse(open(os.path.join(vec_dir, "copp_vectors.txt")).read())
    return cases, list(cases)   # dicts keep the file's order

def le32(b, off):
    return int.from_bytes(b[off:off + 4], "little")

# ---- every case of a vector set ------------------------------------------------

def run_set(vec_dir, label):
    cases, order = load(vec_dir)
    key = os.path.join(vec_dir, cases["rsa_key"].get("file_pkcs1_der", "test_rsa2048.der"))
    start = cases["signature_raw_le"]
    kdi = start["kdi"]
    for name in order:
        c = cases[name]
        tag = f"{label}: {name}"
        if name.startswith("signature_"):
            rc, out = dump(c["signature"], "-K", key)
            reason, mode = c.get("reason"), c.get("mode")
            if mode == "big_endian":
                # coppdump reads little-endian, as copp.h's default: a big-endian ciphertext is not one
                check(tag, rc == 1 and ("neither" in out or "ciphertext >= modulus" in out), out)
            elif mode == "pkcs1v15":
                check(tag, rc == 0 and "PKCS #1 v1.5" in out, out)
            elif c["expect"] == "S_OK":
                check(tag, rc == 0 and field(out, "rGH") == c["rgh"] and field(out, "kDI") == c["kdi"]
                      and field(out, "status start sequence") == "0x" + c["status_start"]
                      and field(out, "command start sequence") == "0x" + c["command_start"], out)
            elif name == "signature_wrong_rgh":
                # decrypts to a well-formed start sequence whose rGH is not the driver's
                check(tag, rc == 0 and field(out, "rGH") not in (None, c["rgh"]), out)
            elif reason == "BAD_CIPHERTEXT" or name == "signature_not_below_modulus":
                check(tag, rc == 1 and "ciphertext >= modulus" in out, out)
            elif name == "signature_modulus_minus_one":
                check(tag, rc == 1 and "neither the zero-padded nor the PKCS #1 v1.5 shape" in out, out)
            else:
                check(tag, rc == 1 and ("neither" in out or "ciphertext >= modulus" in out), out)
        elif name.startswith("cmd_"):
            rc, out = dump(c["command"], "-t", "command", "-k", kdi)
            raw = bytes.fromhex(c["command"])
            ok = field(out, "dwSequence") == f"0x{le32(raw, 32):08x}"
            if "DXVA_COPPSetProtectionLevel" in out:
                ok = ok and field(out, "ProtType").startswith(f"0x{le32(raw, 40):08x}") \
                    and field(out, "ProtLevel") == str(le32(raw, 44))
            else:
                ok = ok and "DXVA_COPPSetSignaling" in out and \
                    field(out, "ActiveTVProtectionStandard") == f"0x{le32(raw, 40):08x}"
            check(tag + " fields", ok, out)
            if c.get("reason") == "BAD_MAC" or name == "cmd_tampered_unused_byte":
                check(tag + " mac", rc == 1 and "INVALID" in out, out)
            else:
                check(tag + " mac", rc == 0 and "macKDI check" in out and "valid" in out, out)
        elif name.startswith("status_"):
            if "request" in c:
                rc, out = dump(c["request"], "-t", "status-in")
                raw = bytes.fromhex(c["request"])
                check(tag + " request", rc == 0 and field(out, "rApp") == c["rapp"]
                      and field(out, "dwSequence") == f"0x{le32(raw, 32):08x}" and "DXVA_COPPQuery" in out, out)
            if "status_output" in c:
                rc, out = dump(c["status_output"], "-t", "status-out", "-k", kdi)
                raw = bytes.fromhex(c["status_output"])
                check(tag + " reply", rc == 0 and field(out, "rApp") == c["rapp"]
                      and field(out, "cbSizeData") == str(le32(raw, 16))
                      and field(out, "dwFlags").startswith(f"0x{le32(raw, 36):08x}") and "valid" in out, out)
                rc, out = dump(c["status_output"], "-t", "status-out", "-k", "00" * 16)
                check(tag + " wrong kDI", rc == 1 and "INVALID" in out, out)
        elif name in ("rsa_key", "hw_profile"):
            continue
        else:
            check(tag, False, "no check written for this case")
    return cases

own = run_set(own_dir, "tests/vectors")
if shared_dir and os.path.exists(os.path.join(shared_dir, "copp_vectors.txt")):
    run_set(shared_dir, "shared")
    shared_note = "and the independent set in " + shared_dir
else:
    shared_note = "(second opinion SKIPPED: no %s)" % (shared_dir or "shared set given")

# ---- what a user gets wrong ----------------------------------------------------

sig = own["signature_raw_le"]["signature"]
cmd = own["cmd_hdcp_on"]["command"]
keys = os.path.join(own_dir, "keys")

rc, out, err = run(["-h"])
check("-h", rc == 0 and out.startswith("usage: coppdump") and "-K KEY" in out and err == "", out + err)
rc, out, err = run(["-q"])
check("unknown option", rc == 2 and "usage: coppdump" in err, out + err)
rc, out, err = run(["a", "b"])
check("two inputs", rc == 2 and "usage" in err, out + err)

missing = os.path.join(TMP.name, "no-such-capture.bin")
rc, out, err = run([missing])
check("missing file: names it and the errno text", rc == 2 and missing in err and "No such file or directory" in err, err)
rc, out, err = run([TMP.name])
check("a directory", rc == 2 and TMP.name in err and "Is a directory" in err, err)

big = os.path.join(TMP.name, "huge.bin")
with open(big, "wb") as f:
    f.truncate(200 * 1000 * 1000)      # 200 MB, sparse: refused from its size, not read
t0 = time.time()
rc, out, err = run([big])
check("200 MB input refused before it is read", rc == 2 and "200000000 bytes" in err and "65536-byte limit" in err
      and time.time() - t0 < 5, err)
rc, out, err = run(["-"], stdin=b"\0" * 70000)
check("over 64 KiB on stdin refused", rc == 2 and "<stdin>" in err and "65536-byte limit" in err, err)
rc, out, err = run(["-"], stdin=bytes.fromhex(sig))
check("a binary signature on stdin", rc == 0 and "DXVA_COPPSignature" in out, out + err)

path = tmpfile(b"")
rc, out, err = run([path])
check("empty input: the size", rc == 2 and path in err and "0 bytes" in err, err)
path = tmpfile(bytes(100), ".bin")
rc, out, err = run([path])
check("100 bytes: the size and what was expected", rc == 2 and path in err and "100 bytes" in err and "256" in err, err)
rc, out, err = run(["-t", "command", path])
check("-t command with 100 bytes: received vs expected", rc == 2 and "100 bytes received" in err and "4096" in err, err)
rc, out, err = run(["-t", "signature", tmpfile(cmd)])
check("-t signature with 4096 bytes", rc == 2 and "4096 bytes received" in err and "256" in err, err)
rc, out, err = run([tmpfile(cmd)])
check("4096 bytes without -t", rc == 2 and "4096 bytes" in err and "-t" in err, err)
rc, out, err = run(["-t", "nonsense", tmpfile(sig)])
check("unknown -t", rc == 2 and "nonsense" in err, err)

typo = cmd[:1234] + "g" + cmd[1235:]
rc, out, err = run(["-t", "command", tmpfile(typo)])
check("a hex typo: an error at its offset, not binary", rc == 2 and "'g' at offset 1234" in err, err)
wrapped = "\n".join(sig[i:i + 64] for i in range(0, len(sig), 64))
typo = wrapped[:200] + "Z" + wrapped[201:]
rc, out, err = run([tmpfile(typo)])
check("a typo in wrapped hex: offset, line and column", rc == 2 and "offset 200 (line 4, column 6)" in err, err)
rc, out, err = run([tmpfile(sig + "a")])
check("an odd number of hex digits", rc == 2 and "offset 512" in err and "no pair" in err, err)
rc, out, err = run(["-x", tmpfile(bytes.fromhex(sig), ".bin")])
check("-x on binary input: an error at an offset", rc == 2 and "at offset" in err, err)
rc, out, err = run(["-b", tmpfile(sig)])
check("-b on hex text: read as 512 binary bytes", rc == 2 and "512 bytes" in err, err)
spaced = " ".join(sig[i:i + 2] for i in range(0, len(sig), 2)).replace(" ", ":", 10)
rc, out, err = run([tmpfile(spaced)])
check("hex with spaces and colons", rc == 0 and "DXVA_COPPSignature" in out, out + err)
rc, out, err = run(["-k", "xyz", tmpfile(cmd)])
check("-k not 32 hex digits", rc == 2 and "-k wants" in err, err)

# -K: every encoding of the key; encrypted, wrong-size, wrong and missing keys
want_rgh = own["signature_raw_le"]["rgh"]
for k in ("test_rsa2048.der", "test_rsa2048.pem", "keys/test_rsa2048_pkcs1.pem", "keys/test_rsa2048_pkcs8.der"):
    rc, out, err = run(["-K", os.path.join(own_dir, k), tmpfile(sig)])
    check("-K " + k, rc == 0 and field(out, "rGH") == want_rgh, out + err)
for k, words in (("keys/encrypted_pkcs8.pem", "encrypted"), ("keys/encrypted_pkcs1.pem", "encrypted"),
                 ("keys/rsa1024.pem", "not 2048 bits"), ("keys/public.pem", "not an RSA private key"),
                 ("keys/bad_dp.der", "not one RSA key")):
    rc, out, err = run(["-K", os.path.join(own_dir, k), tmpfile(sig)])
    check("-K " + k + " refused with its reason", rc == 2 and k in err and words in err, out + err)
empty_key = tmpfile(b"", ".der")
rc, out, err = run(["-K", empty_key, tmpfile(sig)])
check("-K an empty key file: refused, no abort", rc == 2 and empty_key in err and "empty (0 bytes)" in err, out + err)
rc, out, err = run(["-K", os.path.join(TMP.name, "nokey.pem"), tmpfile(sig)])
check("-K a missing file", rc == 2 and "nokey.pem" in err and "No such file" in err, err)
shape_seen = 0
for name, c in own.items():
    if not name.startswith("signature_"):
        continue
    rc, out, err = run(["-K", os.path.join(keys, "other_rsa2048.pem"), tmpfile(c["signature"])])
    if name == "signature_other_key":
        check("-K the right key for " + name, rc == 0 and field(out, "rGH") == want_rgh, out + err)
        continue
    shape_seen += "neither the zero-padded nor the PKCS #1 v1.5 shape" in out
    check("-K a wrong key: " + name, rc == 1 and ("neither the zero-padded nor the PKCS #1 v1.5 shape" in out
                                                or "ciphertext >= modulus" in out) and "kDI" not in out, out + err)
check("-K a wrong key: the shape message was seen", shape_seen > 0, "")

print(f"coppdump: {passed} passed, {failed} failed (tests/vectors {shared_note})")
sys.exit(1 if failed else 0)
