"""A tiny checkpoint in the layout the official MedualTime scripts save, and what convert_pth.py must make of it.

Regenerate (from the repository root):

    /usr/bin/python3 tools/reference/official_checkpoint.py

Writes medualtime/src/test/resources/fixtures/official-tiny/:
  official-tiny.pth       torch.save({'linear_model': {weight, bias}, 'model': {...}}) exactly as
                          main_supervised.py / main_transfer.py save their best model: 'model' holds the
                          model's state-dict entries whose name contains "adapter" or "gate" (parameters
                          and the TemEnc BatchNorm buffers), 'linear_model' the classifier
  expected.safetensors    our checkpoint of it (MedualTimeCheckpoint): the same tensors, linear_model.*
                          renamed head.*, F32, num_batches_tracked I64 scalars; written here from the
                          tensors themselves, not by convert_pth.py, so the two can be compared

Sizes: a GPT-2-architecture LM of width d = 32, 2 layers, 2 heads (what `medualtime import --random-lm
32,2,2` builds), M = 1 adapter layer (h.1), K = 2 adaptation tokens, 12 leads, patch 25, TemEnc width
c = 4 (blocks 4 / 8 / 8, kernels 7, 5, 3), C = 5 classes whose head rows are in the order
CD, HYP, MI, NORM, STTC (sklearn's LabelEncoder sorts the label strings, as the official scripts use it).
The values are random (seeded), gates non-zero so the adapters matter: the fixture tests the file
path (convert, import, predict), not the model's numerics (medualtime_ref.py does).
"""
import collections
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import st  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT_DIR = os.path.join(ROOT, "medualtime", "src", "test", "resources", "fixtures", "official-tiny")

D, LAYERS, HEADS, M, K, LEADS, PATCH, WIDTH, CLASSES = 32, 2, 2, 1, 2, 12, 25, 4, 5
KERNELS = (7, 5, 3)


def tiny_official_state(g):
    """(model: the 'adapter'/'gate' entries of the official model's state dict, linear_model)."""
    def rnd(*shape, s=0.1):
        return torch.randn(*shape, generator=g) * s

    sd = collections.OrderedDict()
    for i in range(LAYERS - M, LAYERS):
        sd["h.%d.attn.gate" % i] = rnd(1, HEADS, 1, 1, s=0.5)
    for name in ("adapter_ln_f1", "adapter_ln_f2"):
        sd[name + ".weight"] = 1 + rnd(D)
        sd[name + ".bias"] = rnd(D)
    sd["adapter_ts_proj_norm.weight"] = 1 + rnd(D)
    sd["adapter_ts_proj_norm.bias"] = rnd(D)
    sd["ts_adapter_layer.weight"] = rnd(D, LEADS * PATCH, s=0.05)
    sd["ts_adapter_layer.bias"] = rnd(D)
    sd["adapter_query_ts.weight"] = rnd(M * K, D, s=1.0)
    sd["adapter_query_text.weight"] = rnd(M * K, D, s=1.0)

    def bn(prefix, c):
        sd[prefix + ".weight"] = 1 + rnd(c)
        sd[prefix + ".bias"] = rnd(c)
        sd[prefix + ".running_mean"] = rnd(c)
        sd[prefix + ".running_var"] = 0.5 + torch.rand(c, generator=g)
        sd[prefix + ".num_batches_tracked"] = torch.tensor(1234, dtype=torch.int64)

    chans = [LEADS, WIDTH, 2 * WIDTH, 2 * WIDTH]
    for r in range(3):
        rp = "adapter_temenc.resblock%d" % (r + 1)
        cin, cout = chans[r], chans[r + 1]
        for c, k in enumerate(KERNELS):
            sd["%s.convblock%d.0.weight" % (rp, c + 1)] = rnd(cout, cin if c == 0 else cout, k, s=0.3)
            bn("%s.convblock%d.1" % (rp, c + 1), cout)
        if cin != cout:
            sd[rp + ".shortcut.0.weight"] = rnd(cout, cin, 1, s=0.3)
            bn(rp + ".shortcut.1", cout)
        else:
            bn(rp + ".shortcut", cin)
    sd["adapter_temenc.fc.weight"] = rnd(D, 2 * WIDTH, s=0.3)
    sd["adapter_temenc.fc.bias"] = rnd(D)
    head = collections.OrderedDict(weight=rnd(CLASSES, D, s=0.3), bias=rnd(CLASSES))
    return sd, head


def main():
    g = torch.Generator().manual_seed(16)
    model, head = tiny_official_state(g)
    os.makedirs(OUT_DIR, exist_ok=True)
    torch.save({"linear_model": head, "model": model}, os.path.join(OUT_DIR, "official-tiny.pth"))
    expected = collections.OrderedDict(model)
    expected["head.weight"] = head["weight"]
    expected["head.bias"] = head["bias"]
    st.save(os.path.join(OUT_DIR, "expected.safetensors"), expected,
            {"format": "pt", "model": "medualtime", "converted_from": "official-tiny.pth"})
    for f in sorted(os.listdir(OUT_DIR)):
        print("%-24s %7d bytes" % (f, os.path.getsize(os.path.join(OUT_DIR, f))))


if __name__ == "__main__":
    main()
