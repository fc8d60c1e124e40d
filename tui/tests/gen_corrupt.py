#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write corrupt, truncated and hostile inputs for the screen tests.

usage: gen_corrupt.py DOC OUT_DIR
Every file is derived from the document DOC (the screen tests give the
real base_nitrovalidator_2024.cbor when the test data is there, an
emulator's document otherwise) or built from a fixed pattern, so the
screens are the same on every run.
"""
import base64
import os
import sys

src, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
doc = open(src, "rb").read()


def put(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


put("a_valid_hex.txt", doc.hex().encode() + b"\n")
put("b_valid_base64.txt", base64.b64encode(doc) + b"\n")
put("c_tagged.cbor", b"\xd2" + doc)
put("d_truncated.cbor", doc[:1000])
put("e_empty.cbor", b"")
put("f_garbage.bin", bytes((i * 37 + 11) & 0xFF for i in range(512)))
sig = bytearray(doc)
sig[-1] ^= 0x01
put("g_bad_signature.cbor", bytes(sig))
put("h_trailing_byte.cbor", doc + b"\x00")
# hostile: deep nesting, a length far past the end, an endless indefinite map
put("i_deep_nesting.cbor", b"\x84" + b"\x81" * 60000)  # under the 64 KiB limit: the nesting check must say no
put("j_huge_length.cbor", b"\x84\x5b\xff\xff\xff\xff\xff\xff\xff\xf0")
put("k_indefinite.cbor", b"\x84\x40\xa0\x58\x10" + b"\xbf" * 16)
put("l_text.txt", b"this is not an attestation document\n")
put("m_too_large.cbor", b"\x84" + b"\x00" * (5 << 20))
os.makedirs(os.path.join(out, "n_subdir"), exist_ok=True)
fifo = os.path.join(out, "o_fifo")
if not os.path.exists(fifo):
    os.mkfifo(fifo)
