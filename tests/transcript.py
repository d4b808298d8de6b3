#!/usr/bin/env python3
"""An independent reader of copp.h transcripts (docs/transcript.md), in
Python, for make test:

  transcript.py sizes FILE            bytes per record, by call (min/median/max)
  transcript.py plant FILE OUT CB N   copy FILE to OUT with the result of the
                                      N-th callback CB (name, e.g. set_protection)
                                      changed to E_FAIL; prints the record number
  transcript.py flip-tag FILE OUT     copy FILE to OUT with one bit of the first
                                      kept status-reply tag flipped; prints the record
  transcript.py secrets FILE SECRETS  exit 1 if any 16-byte value of SECRETS
                                      (lines "name HEX", the demo's
                                      COPP_DEMO_SECRETS file) occurs in FILE
"""
import struct, sys

CALLS = ["copp_connector_init", "copp_open", "copp_get_certificate_length", "copp_key_exchange",
         "copp_sequence_start", "copp_command", "copp_query_status", "copp_close", "copp_connector_event",
         "copp_handle_videoparameters", "copp_connector_resync", "copp_connector_drop_session"]
CBS = {1: "get_protection_types", 2: "set_protection", 3: "get_protection", 4: "check_protection",
       5: "get_connector_type", 6: "get_bus_type", 7: "get_display_data", 8: "get_hdcp_key_data",
       9: "get_tv_standards", 10: "set_signaling", 11: "vp_get", 12: "vp_set", 32: "randombytes",
       33: "rsa_decrypt", 34: "mac_init", 35: "mac", 36: "mac_release", 37: "oaep_decrypt"}
# byte offset of the callback's own HRESULT in its payload
RESULT_AT = {1: 0, 2: 8, 3: 4, 4: 8, 5: 0, 6: 0, 7: 0, 8: 0, 9: 0, 10: 40, 11: 0, 12: 84, 32: 4, 33: 0, 34: 0, 35: 8, 37: 0}
E_FAIL = 0x80004005


def records(data):
    assert data[:4] == b"CPTR", "not a transcript"
    ver, hlen = struct.unpack_from("<HH", data, 4)
    assert ver == 1 and hlen == 40
    off = 40
    while off < len(data):
        length, seq, call = struct.unpack_from("<IIH", data, off)
        assert 12 + 48 <= length <= len(data) - off, "bad record length at %d" % off
        items, o = [], off + 12
        while o < off + length:
            kind, iid, n = struct.unpack_from("<BBH", data, o)
            assert o + 4 + n <= off + length, "item past its record at %d" % o
            items.append((kind, iid, o + 4, n))
            o += 4 + n
        yield off, length, seq, call, items
        off += length


def main():
    cmd = sys.argv[1]
    data = bytearray(open(sys.argv[2], "rb").read())
    if cmd == "sizes":
        by = {}
        for _, length, _, call, _ in records(data):
            by.setdefault(call, []).append(length)
        print("%-30s %5s %6s %6s %6s" % ("call", "count", "min", "median", "max"))
        for call in sorted(by):
            v = sorted(by[call])
            print("%-30s %5d %6d %6d %6d" % (CALLS[call], len(v), v[0], v[len(v) // 2], v[-1]))
        print("total %d bytes in %d records (+40 header)" % (len(data) - 40, sum(len(v) for v in by.values())))
    elif cmd == "plant":
        out, name, nth = sys.argv[3], sys.argv[4], int(sys.argv[5])
        cb = [k for k, v in CBS.items() if v == name][0]
        seen = 0
        for _, _, seq, call, items in records(data):
            for kind, iid, at, n in items:
                if kind == 2 and iid == cb:
                    if seen == nth:
                        struct.pack_into("<I", data, at + RESULT_AT[cb], E_FAIL)
                        open(out, "wb").write(data)
                        print(seq)
                        return 0
                    seen += 1
        print("no callback %s number %d" % (name, nth), file=sys.stderr)
        return 2
    elif cmd == "flip-tag":
        for _, _, seq, call, items in records(data):
            for kind, iid, at, n in items:
                if kind == 2 and iid == 35 and call == 6 and data[at + 12] == 1:
                    data[at + 13] ^= 1
                    open(sys.argv[3], "wb").write(data)
                    print(seq)
                    return 0
        return 2
    elif cmd == "secrets":
        found = 0
        for line in open(sys.argv[3]):
            name, hexv = line.split()
            v = bytes.fromhex(hexv)
            assert len(v) == 16
            if v in data:
                print("transcript holds %s %s" % (name, hexv))
                found += 1
        return 1 if found else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
