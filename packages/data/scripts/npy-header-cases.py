"""Writes src/npy/__fixtures__/npy-header-cases.json: .npy files with crafted headers and what
numpy's np.load makes of each (shape, descr, fortran_order, or the error), the oracle that
src/npy/npy.test.ts checks parseNpyHeader against (the test itself needs no Python).

Run from packages/data:  python3 scripts/npy-header-cases.py
then format it:     npx biome format --write src/npy/__fixtures__/npy-header-cases.json
"""
import base64
import io
import json
import os
import struct

import numpy as np

MAGIC = b"\x93NUMPY"


def frame(header: str, version=(1, 0), pad_to=64, newline=True, encoding="latin1", data=b""):
    """A whole file: magic, version, length, header (padded with spaces to pad_to), data."""
    h = header.encode(encoding)
    prefix = 10 if version[0] == 1 else 12
    if pad_to:
        total = prefix + len(h) + (1 if newline else 0)
        h += b" " * ((pad_to - total % pad_to) % pad_to)
    if newline:
        h += b"\n"
    length = struct.pack("<H", len(h)) if version[0] == 1 else struct.pack("<I", len(h))
    return MAGIC + bytes(version) + length + h + data


def dict_text(descr="'<f4'", fortran="False", shape="(4, 3)", sep=", ", colon=": ", trailing=", ", order=None, extra=()):
    items = {"descr": descr, "fortran_order": fortran, "shape": shape}
    keys = order or ["descr", "fortran_order", "shape"]
    parts = [f"'{k}'{colon}{items[k]}" for k in keys] + list(extra)
    return "{" + sep.join(parts) + trailing + "}"


cases = []


def add(name, content):
    try:
        a = np.load(io.BytesIO(content), allow_pickle=False)
        verdict = {"ok": True, "shape": list(a.shape), "descr": a.dtype.str, "fortran": bool(a.flags.f_contiguous and not a.flags.c_contiguous)}
    except Exception as e:  # numpy's refusal, whatever its type
        verdict = {"ok": False, "error": f"{type(e).__name__}: {str(e)[:120]}"}
    cases.append({"name": name, "file": base64.b64encode(content).decode("ascii"), "numpy": verdict})


def data_for(shape, itemsize):
    return b"\0" * (int(np.prod(shape)) * itemsize)


# What numpy writes, for every dtype we read and a few we refuse.
for dtype in ["<f4", "<f8", "|u1", "|i1", "<i2", "<u2", "<i4", "<u4", "<i8", "<u8", "|b1", ">f4", "<f2", "<c8"]:
    for shape in [(), (0,), (4,), (4, 3), (2, 0, 5), (1, 2, 3, 1)]:
        buf = io.BytesIO()
        np.save(buf, np.zeros(shape, dtype=np.dtype(dtype)))
        add(f"np.save {dtype} {shape}", buf.getvalue())
buf = io.BytesIO()
np.save(buf, np.asfortranarray(np.zeros((3, 2), dtype="<f4")))
add("np.save Fortran order", buf.getvalue())
buf = io.BytesIO()
np.save(buf, np.zeros(3, dtype="<U2"))
add("np.save unicode", buf.getvalue())

d12 = data_for((4, 3), 4)
# Spelling variants numpy reads: quotes, spaces, trailing commas, key order, versions.
variants = {
    "no trailing comma": dict_text(trailing=""),
    "double quotes": dict_text(descr='"<f4"').replace("'descr'", '"descr"'),
    "no spaces": dict_text(sep=",", colon=":", trailing=""),
    "tabs": dict_text(sep=",\t", colon=":\t"),
    "keys reordered": dict_text(order=["shape", "descr", "fortran_order"]),
    "shape trailing comma": dict_text(shape="(4, 3,)"),
    "shape spaces": dict_text(shape="( 4 , 3 )"),
    "shape leading zeros 0": dict_text(shape="(4, 3)"),
}
for name, text in variants.items():
    add(name, frame(text, data=d12))
for version in [(1, 0), (2, 0), (3, 0)]:
    add(f"version {version}", frame(dict_text(), version=version, data=d12))
add("one-element shape", frame(dict_text(shape="(12,)"), data=d12))
add("zero-d", frame(dict_text(shape="()"), data=data_for((), 4)))
add("shape 00", frame(dict_text(shape="(00, 3)"), data=b""))
add("padded to 16", frame(dict_text(), pad_to=16, data=d12))

# Forms numpy reads but never writes (we refuse them: a strict subset).
for name, shape in {
    "hex dim": "(0x4, 3)",
    "underscore dim": "(1_2,)",
    "plus sign": "(+4, 3)",
    "parenthesized dim": "((4), 3)",
    "octal dim": "(0o4, 3)",
}.items():
    add(name, frame(dict_text(shape=shape), data=d12))
add("duplicate shape key", frame(dict_text(extra=["'shape': (2, 3)"]), data=d12))
add("string concatenation", frame(dict_text(descr="'<' 'f4'"), data=d12))
add("comment", frame(dict_text() + " # note", data=d12))
add("no newline", frame(dict_text(), newline=False, pad_to=0, data=d12))
add("not padded", frame(dict_text(), pad_to=0, data=d12))
add("leading space", frame(" " + dict_text(), data=d12))

# Forms numpy refuses.
for name, shape in {
    "float dim": "(4.0, 3)",
    "exponent dim": "(4e0, 3)",
    "negative dim": "(-4, 3)",
    "bare int shape": "(4)",
    "list shape": "[4, 3]",
    "bool dim": "(True, 3)",
    "double comma": "(4,, 3)",
    "leading zero": "(04, 3)",
    "string dim": "('4', 3)",
    "empty comma": "(,)",
}.items():
    add(name, frame(dict_text(shape=shape), data=d12))
add("NUL in header", frame(dict_text() + "\0", data=d12))
add("NUL in descr", frame(dict_text(descr="'<f4\0'"), data=d12))
add("unknown key", frame(dict_text(extra=["'x': 1"]), data=d12))
add("missing shape", frame("{'descr': '<f4', 'fortran_order': False}", data=d12))
add("fortran_order 0", frame(dict_text(fortran="0"), data=d12))
add("descr not a string", frame(dict_text(descr="4"), data=d12))
add("not a dict", frame("('<f4', False, (4, 3))", data=d12))
add("empty header", frame("", data=d12))
add("version 4.0", frame(dict_text(), version=(4, 0), data=d12))
add("version 1.1", frame(dict_text(), version=(1, 1), data=d12))
add("bad magic", b"\x93NUMPX" + frame(dict_text(), data=d12)[6:])
add("truncated header", frame(dict_text(), data=d12)[:30])
add("truncated data", frame(dict_text(), data=d12[:-1]))
add("unterminated string", frame("{'descr': '<f4, 'fortran_order': False, 'shape': (4, 3), }", data=d12))
add("unclosed dict", frame("{'descr': '<f4', 'fortran_order': False, 'shape': (4, 3), ", data=d12))

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "..", "src", "npy", "__fixtures__", "npy-header-cases.json")
with open(out, "w") as f:
    json.dump({"numpy": np.__version__, "cases": cases}, f, indent=1)
    f.write("\n")
print(f"wrote {len(cases)} cases to {os.path.relpath(out)}")
