"""Minimal safetensors writer/reader shared by every reference script.

The format (https://github.com/huggingface/safetensors):
  * 8 bytes: little-endian u64 N = length of the JSON header in bytes;
  * N bytes: UTF-8 JSON object
        {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
         "__metadata__": {"k": "v"}}
    padded with spaces so that 8 + N is a multiple of 8;
  * the raw little-endian tensor data; offsets are relative to the start of this data block,
    tensors are stored contiguously (no gaps) in the order they were given.

Only the dtypes we need are supported: F32 (float32), F64 (float64), I64 (int64),
I32 (int32), BOOL. torch tensors and numpy arrays are both accepted. A 0-d tensor has shape [].

This module is used by ops.py, gpt2_tiny.py, bert_tiny.py and medualtime_ref.py; it is not
meant to be run by itself (running it does a round-trip self test).
"""
import json
import struct

import numpy as np

_NP_TO_ST = {
    np.dtype("float32"): "F32",
    np.dtype("float64"): "F64",
    np.dtype("int64"): "I64",
    np.dtype("int32"): "I32",
    np.dtype("bool"): "BOOL",
}
_ST_TO_NP = {v: k for k, v in _NP_TO_ST.items()}


def _to_numpy(t):
    try:
        import torch
        if isinstance(t, torch.Tensor):
            t = t.detach().cpu().numpy()
    except ImportError:  # pragma: no cover
        pass
    a = np.asarray(t)
    if a.dtype not in _NP_TO_ST:
        raise TypeError("unsupported dtype %s" % a.dtype)
    # little-endian, C-contiguous
    # (np.ascontiguousarray would turn a 0-d array into shape [1]; keep [] for scalars)
    return np.array(a, dtype=a.dtype.newbyteorder("<"), order="C", copy=True)


def save(path, tensors, metadata=None, sort_keys=False):
    """Write `tensors` (an ordered mapping name -> tensor/array) to `path`.

    metadata: optional dict of str -> str stored as "__metadata__".
    sort_keys: store the tensors sorted by name (what HF files look like); otherwise in the
    insertion order of `tensors`.
    """
    names = sorted(tensors) if sort_keys else list(tensors)
    header = {}
    blobs = []
    offset = 0
    for name in names:
        a = _to_numpy(tensors[name])
        b = a.tobytes(order="C")
        header[name] = {
            "dtype": _NP_TO_ST[a.dtype.newbyteorder("=")],
            "shape": [int(s) for s in a.shape],
            "data_offsets": [offset, offset + len(b)],
        }
        blobs.append(b)
        offset += len(b)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    hb = json.dumps(header, separators=(",", ":")).encode("utf-8")
    pad = (8 - (8 + len(hb)) % 8) % 8
    hb += b" " * pad
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for b in blobs:
            f.write(b)


def load(path):
    """Read a safetensors file -> (dict name -> numpy array (insertion order), metadata dict)."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {})
    base = 8 + n
    out = {}
    expect = 0
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        b, e = info["data_offsets"]
        assert b == expect, "non-contiguous data in %s at %s" % (path, name)
        expect = e
        dt = _ST_TO_NP[info["dtype"]].newbyteorder("<")
        a = np.frombuffer(raw[base + b:base + e], dtype=dt).reshape(info["shape"])
        out[name] = a
    assert base + expect == len(raw), "trailing bytes in %s" % path
    return out, meta


if __name__ == "__main__":
    import os
    import tempfile
    d = {"a": np.arange(6, dtype=np.float32).reshape(2, 3), "s": np.float32(3.5),
         "i": np.array([1, -2, 3], dtype=np.int64)}
    p = os.path.join(tempfile.mkdtemp(), "t.safetensors")
    save(p, d, {"format": "pt"})
    back, meta = load(p)
    assert meta == {"format": "pt"}
    for k in d:
        assert np.array_equal(np.asarray(d[k]), back[k]), k
    assert back["s"].shape == ()
    print("st.py self-test ok")
