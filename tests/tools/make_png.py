#!/usr/bin/env python3
"""make_png.py — writes a small real PNG of one colour (tests: photos of a fix).

    make_png.py FILE R G B [SIZE]
"""
import struct
import sys
import zlib


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def main():
    path, r, g, b = sys.argv[1], *(int(v) for v in sys.argv[2:5])
    size = int(sys.argv[5]) if len(sys.argv) > 5 else 64
    row = b"\x00" + bytes((r, g, b)) * size
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(row * size)) + chunk(b"IEND", b""))
    with open(path, "wb") as f:
        f.write(png)


if __name__ == "__main__":
    main()
