#!/usr/bin/env python3
"""Runs tools/coppdump over every case of ../shared/vectors/copp_vectors.txt
(read in place) and checks what it prints and its exit status.
usage: test_coppdump.py COPPDUMP VECTORS_DIR"""
import os, subprocess, sys, tempfile

coppdump, vec_dir = sys.argv[1], sys.argv[2]
cases, order = {}, []
for block in open(os.path.join(vec_dir, "copp_vectors.txt")).read().split("\n\n"):
    d = {}
    for ln in block.splitlines():
        if ln.startswith("#") or "=" not in ln:
            continue
        k, v = ln.split("=", 1)
        d[k.strip()] = v.strip()
    if "case" in d:
        cases[d["case"]] = d
        order.append(d["case"])

key = os.path.join(vec_dir, "test_rsa2048.der")
kdi = cases["signature_raw_le"]["kdi"]
passed = failed = 0

def run(hexdata, *args):
    with tempfile.NamedTemporaryFile("w", suffix=".hex", delete=False) as f:
        f.write(hexdata)
    try:
        p = subprocess.run([coppdump, *args, f.name], capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    return p.returncode, p.stdout

def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name} {detail}")

def field(out, label):
    for ln in out.splitlines():
        if ln.startswith(label + " ") or ln.startswith(label + "\t"):
            return ln[len(label):].strip()
    return None

for name in order:
    c = cases[name]
    if name.startswith("signature_"):
        rc, out = run(c["signature"], "-K", key)
        if c["expect"] == "S_OK":
            check(name, rc == 0 and field(out, "rGH") == c["rgh"] and field(out, "kDI") == c["kdi"]
                  and field(out, "status start sequence") == "0x" + c["status_start"]
                  and field(out, "command start sequence") == "0x" + c["command_start"], out)
        elif name == "signature_wrong_rgh":
            # decrypts, but the rGH it carries is not the driver's
            check(name, rc == 0 and field(out, "rGH") not in (None, c["rgh"]), out)
        else:
            check(name, rc == 1 and "ciphertext >= modulus" in out, out)
    elif name.startswith("cmd_"):
        rc, out = run(c["command"], "-t", "command", "-k", kdi)
        raw = bytes.fromhex(c["command"])
        seq = int.from_bytes(raw[32:36], "little")
        check(name + " fields", field(out, "dwSequence") == f"0x{seq:08x}"
              and "DXVA_COPPSetProtectionLevel" in out
              and field(out, "ProtType").startswith(f"0x{int.from_bytes(raw[40:44], 'little'):08x}")
              and field(out, "ProtLevel") == str(int.from_bytes(raw[44:48], "little")), out)
        if name == "cmd_tampered_unused_byte":
            check(name + " mac", rc == 1 and "INVALID" in out, out)
        else:
            check(name + " mac", rc == 0 and "macKDI check" in out and "valid" in out, out)
    elif name == "status_mac_example":
        rc, out = run(c["status_output"], "-t", "status-out", "-k", kdi)
        check(name, rc == 0 and field(out, "rApp") == c["rapp"] and field(out, "cbSizeData") == "32"
              and field(out, "dwData").startswith("0x00000004") and "valid" in out, out)
        # a wrong key must not verify
        rc, out = run(c["status_output"], "-t", "status-out", "-k", "00" * 16)
        check(name + " wrong key", rc == 1 and "INVALID" in out, out)
    elif name == "rsa_key":
        continue
    else:
        check(name, False, "no check written for this case")

# malformed input: clear errors, exit 2
rc, _ = run("abc", "-t", "command")
check("odd hex", rc == 2)
rc, _ = run("00" * 100)
check("unknown size", rc == 2)
rc, _ = run("00" * 4096)
check("4096 without -t", rc == 2)

print(f"coppdump: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
