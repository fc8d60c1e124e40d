#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""An enclave application in Python with nothing but the standard library:
NSM_IOCTL_RAW through fcntl.ioctl, the CBOR requests and responses by hand.
Prints TAP. nsm-vm's tests run it unchanged in the guest.

    nsm_ioctl.py [DEVICE]      (default /dev/nsm)
"""
import ctypes
import fcntl
import os
import struct
import sys

# _IOWR(0x0A, 0, struct nsm_raw): two struct nsm_iovec { __u64 addr, len; }
NSM_IOCTL_RAW = (3 << 30) | (32 << 16) | (0x0A << 8) | 0
RESPONSE_MAX = 0x3000


def cbor_head(major, n):
    if n < 24:
        return bytes([major << 5 | n])
    for extra, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if n < 1 << (8 * struct.calcsize(fmt)):
            return bytes([major << 5 | extra]) + struct.pack(fmt, n)
    raise ValueError(n)


def enc(v):
    if v is None:
        return b"\xf6"
    if isinstance(v, int):
        return cbor_head(0, v)
    if isinstance(v, bytes):
        return cbor_head(2, len(v)) + v
    if isinstance(v, str):
        b = v.encode()
        return cbor_head(3, len(b)) + b
    if isinstance(v, dict):
        return cbor_head(5, len(v)) + b"".join(enc(k) + enc(x) for k, x in v.items())
    raise TypeError(v)


def dec(b, i=0):
    """One CBOR item of b at i: (value, next index). Definite and
    indefinite maps and arrays (documents use both)."""
    ib = b[i]
    major, info = ib >> 5, ib & 31
    i += 1
    if major == 7:
        simple = {20: False, 21: True, 22: None}
        if info in simple:
            return simple[info], i
        raise ValueError("unsupported simple value %d" % info)
    if info == 31 and major in (4, 5):
        items = []
        while b[i] != 0xFF:
            v, i = dec(b, i)
            items.append(v)
        i += 1
        return (items if major == 4 else dict(zip(items[::2], items[1::2]))), i
    if info < 24:
        n = info
    else:
        size = 1 << (info - 24)
        n = int.from_bytes(b[i:i + size], "big")
        i += size
    if major == 0:
        return n, i
    if major == 1:
        return -1 - n, i
    if major in (2, 3):
        s = bytes(b[i:i + n])
        return (s if major == 2 else s.decode()), i + n
    if major in (4, 5):
        items = []
        for _ in range(n * (2 if major == 5 else 1)):
            v, i = dec(b, i)
            items.append(v)
        return (items if major == 4 else dict(zip(items[::2], items[1::2]))), i
    if major == 6:
        return dec(b, i)
    raise ValueError("major type %d" % major)


def nsm_request(fd, request):
    req = ctypes.create_string_buffer(enc(request))
    resp = ctypes.create_string_buffer(RESPONSE_MAX)
    arg = bytearray(struct.pack("=QQQQ", ctypes.addressof(req), len(req.raw) - 1,
                                ctypes.addressof(resp), RESPONSE_MAX))
    fcntl.ioctl(fd, NSM_IOCTL_RAW, arg, True)
    n = struct.unpack_from("=Q", arg, 24)[0]
    value, end = dec(resp.raw[:n])
    if end != n:
        raise ValueError("trailing bytes in the response")
    if isinstance(value, dict) and "Error" in value:
        raise OSError("the NSM answered %s" % value["Error"])
    return value


tests = 0
failed = 0


def check(ok, name):
    global tests, failed
    tests += 1
    failed += not ok
    print("%s %d - %s" % ("ok" if ok else "not ok", tests, name))


def main():
    dev = sys.argv[1] if len(sys.argv) > 1 else "/dev/nsm"
    print("TAP version 13")
    print("1..8")
    fd = os.open(dev, os.O_RDWR)

    d = nsm_request(fd, "DescribeNSM")["DescribeNSM"]
    check(d["digest"] == "SHA384" and d["max_pcrs"] == 32, "DescribeNSM: SHA384, 32 PCRs")
    check(isinstance(d["module_id"], str) and d["module_id"], "DescribeNSM: module id " + d["module_id"])

    r = nsm_request(fd, "GetRandom")["GetRandom"]["random"]
    check(len(r) > 0 and r != bytes(len(r)), "GetRandom: %d bytes" % len(r))

    p = nsm_request(fd, {"DescribePCR": {"index": 0}})["DescribePCR"]
    check(p["lock"] is True and len(p["data"]) == 48, "DescribePCR 0: locked, 48 bytes")
    print("# PCR0 %s" % p["data"].hex())

    e = nsm_request(fd, {"ExtendPCR": {"index": 16, "data": b"nsm-vm"}})["ExtendPCR"]
    check(len(e["data"]) == 48, "ExtendPCR 16")

    user_data, nonce = os.urandom(32), os.urandom(16)
    a = nsm_request(fd, {"Attestation": {"user_data": user_data, "nonce": nonce,
                                         "public_key": None}})["Attestation"]
    cose, _ = dec(a["document"])
    payload, _ = dec(cose[2])
    check(len(cose) == 4 and len(cose[3]) == 96, "Attestation: COSE_Sign1, P-384 signature")
    check(payload["user_data"] == user_data and payload["nonce"] == nonce and
          payload["module_id"] == d["module_id"], "Attestation: user data, nonce, module id")
    p16 = nsm_request(fd, {"DescribePCR": {"index": 16}})["DescribePCR"]
    check(payload["pcrs"][0] == p["data"] and p16["data"] == e["data"] and
          p16["lock"] is False, "Attestation: PCR0 as described; PCR16 extended")
    os.close(fd)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
