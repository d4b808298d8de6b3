#!/usr/bin/env python3
"""Writes the seed corpora under tests/fuzz/corpus/ (checked in; rerun to
regenerate).  Each seed drives its target into deep states: a full
activation, valid MACed commands, every status kind, a key's whole life."""
import os, struct

HERE = os.path.dirname(os.path.abspath(__file__))

def w(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(bytes(data))

def u32(v):
    return list(struct.pack("<I", v & 0xffffffff))

# signature: flags, [plain_len], 256 signature bytes (see fuzz_signature.c)
w("signature", "ok", [0x09] + [0]*16 + [0x11]*16 + u32(5) + u32(9) + [0]*216)
w("signature", "short", [0x0d, 39] + [0]*16 + [0x22]*16 + u32(1) + u32(2))
w("signature", "wrongstate", [0x01] + [0xAB]*256)
w("signature", "fault", [0x4b] + [0]*256)

# command: two start sequences, then per command: flags, session, header(40), len, payload
def cmd(flags, sess, payload):
    return [flags, sess] + [0]*40 + [len(payload)] + payload
w("command", "levels", u32(0x100) + u32(0xFFFFFFFF) +
  cmd(0x1B, 0, u32(2) + u32(2) + [0]*8) + cmd(0x1B, 1, u32(1) + u32(1) + [0]*8) +
  cmd(0x1B, 0, u32(4) + u32(12) + [0]*8) + cmd(0x1B, 0, u32(2) + u32(0) + [0]*8))
w("command", "signaling", u32(1) + u32(1) + cmd(0x1F, 0, u32(0x10) + u32(7) + u32(3) + [0]*52))
w("command", "badmac", u32(1) + u32(1) + cmd(0x0B, 0, u32(2) + u32(2) + [0]*8) + cmd(0x3B, 0, u32(1) + u32(1)))

# status: a start sequence, then per request: flags, header+data(44)
st = u32(0xFFFFFFFF)
for k in range(8):
    st += [0x07 | (k << 5)] + [k]*16 + [0]*24 + u32(2)
w("status", "every_kind", st)
w("status", "event_then_query", u32(3) + [0x0F] + [0]*40 + u32(1) + [0x27 | 0x08] + [1]*40 + u32(2))

# videoparameters: the session's ACP level, then per request: flags, 100 bytes
get = [0x01] + [0]*20 + u32(1) + [0]*76
act = [0x03] + [0]*100
change = [0x03 | (2 << 2) | 16] + [0]*96 + u32(2)
deact = [0x03 | (1 << 2) | 16] + [0]*100
w("videoparameters", "lifecycle", [2] + get + act + act + change + deact + deact)

# session: per call: op (low nibble) | session << 4, arg, [extra bytes]
def op(code, sess, arg=0):
    return [code | (sess << 4), arg]
seq = []
for s in (0, 1):
    seq += op(0, s) + op(2, s) + op(3, s) + op(4, s) + u32(10) + u32(20)
seq += op(5, 0, 1) + [2] + op(5, 1, 1) + [1] + op(5, 0, 0) + [1] + op(5, 0, 2) + [12]
seq += op(9, 0, 2) + op(9, 1, 3) + op(12, 0, 0xC0) + op(12, 0, 0x04 | 2) + op(11, 0, 1) + op(10, 0, 0)
seq += op(14, 0, 1) + op(1, 0) + op(13, 0, 2) + op(12, 0, 0x04 | 1) + op(1, 1)
w("session", "lifecycle", seq)
w("session", "faults", op(0, 0) + op(2, 0) + op(3, 0) + op(4, 0) + u32(1) + u32(2) + op(15, 0, 0) +
  op(5, 0, 1) + [3] + op(14, 0, 0) + op(5, 0, 0) + [1] + op(1, 0))
# binding: a byte copy of a live session used (refused), init again while
# in use (refused) and once empty (accepted)
bind = []
for s in (0, 1):
    bind += op(0, s) + op(2, s) + op(3, s) + op(4, s) + u32(3) + u32(4)
bind += op(5, 0, 1) + [2] + op(1, 0, 0x80 | 2) + op(13, 0, 0x80) + op(12, 0, 0xC0) + op(1, 1, 0x80)
bind += op(1, 0) + op(1, 1) + op(13, 0, 0x80) + op(12, 0, 0x04 | 2) + op(13, 0, 0x80)
w("session", "binding", bind)
