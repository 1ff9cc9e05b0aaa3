#!/usr/bin/env python3
"""Writes the hand-made seed inputs of the reader fuzz targets.

fuzz/seeds/npy_fuzzer: small valid .npy files (format 1.0 and 2.0, C and
Fortran order, little- and big-endian, scalar and empty shapes).
fuzz/seeds/idx_fuzzer: small valid IDX files (images, labels, gzip).
The fuzzers mutate these; the normal suite replays them. Run from the
repository root: python3 scripts/make_fuzz_seeds.py
"""
import gzip
import os
import struct


def npy(descr, shape, data, fortran=False, version=1):
    shape_text = "(" + "".join(f"{d}, " for d in shape).rstrip(" ")
    if len(shape) > 1:
        shape_text = shape_text.rstrip(",")
    shape_text += ")"
    header = (f"{{'descr': '{descr}', 'fortran_order': {fortran}, "
              f"'shape': {shape_text}, }}")
    prefix_len = 10 if version == 1 else 12
    header += " " * ((64 - (prefix_len + len(header) + 1) % 64) % 64) + "\n"
    length = (struct.pack("<H", len(header)) if version == 1 else
              struct.pack("<I", len(header)))
    return (b"\x93NUMPY" + bytes([version, 0]) + length + header.encode() +
            data)


def idx(type_code, dims, data):
    head = bytes([0, 0, type_code, len(dims)])
    head += b"".join(struct.pack(">I", d) for d in dims)
    return head + data


def write(folder, name, data):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def main():
    d = "fuzz/seeds/npy_fuzzer"
    write(d, "f4_2x3.npy", npy("<f4", (2, 3), struct.pack("<6f", *range(6))))
    write(d, "i8_4.npy", npy("<i8", (4,), struct.pack("<4q", -1, 0, 1, 2**62)))
    write(d, "bool_scalar.npy", npy("|b1", (), b"\x01"))
    write(d, "f8_fortran.npy",
          npy("<f8", (2, 2), struct.pack("<4d", 1, 2, 3, 4), fortran=True))
    write(d, "i4_big_endian.npy", npy(">i4", (2,), struct.pack(">2i", 7, -7)))
    write(d, "u1_empty.npy", npy("|u1", (0, 5), b""))
    write(d, "f4_v2.npy",
          npy("<f4", (1,), struct.pack("<f", 0.5), version=2))
    d = "fuzz/seeds/idx_fuzzer"
    write(d, "images.idx", idx(0x08, (2, 2, 2), bytes(range(8))))
    write(d, "labels.idx", idx(0x08, (3,), bytes([1, 2, 3])))
    write(d, "floats.idx", idx(0x0D, (2,), struct.pack(">2f", 1.5, -2)))
    write(d, "images.idx.gz",
          gzip.compress(idx(0x08, (1, 2, 2), bytes([0, 64, 128, 255])),
                        mtime=0))


if __name__ == "__main__":
    main()
