"""Write model.safetensors for a Hugging Face folder that ships only pytorch_model.bin (GPT-2, BERT, DistilBERT).

The Java loaders read safetensors only (a .bin is a Python pickle). Some Hugging Face folders still ship
only pytorch_model.bin -- e.g. medicalai/ClinicalBERT, the authors' report encoder. Usage (needs torch;
Debian's /usr/bin/python3 has it):

    /usr/bin/python3 tools/bin_to_safetensors.py FOLDER            # writes FOLDER/model.safetensors
    /usr/bin/python3 tools/bin_to_safetensors.py FOLDER --out FILE  # or another file

What it writes: every tensor of the .bin under its own name (prefixes such as "transformer.", "bert." or
"distilbert." are kept: the loaders handle them), with these changes:
  * F16 / BF16 tensors become F32 (exact); F32, F64, I64, I32 and BOOL are kept;
  * a tensor sharing its storage with an earlier one (a tied weight such as GPT-2's lm_head.weight or
    DistilBERT's vocab_projector.weight) is written once, under the earlier name, as Hugging Face's
    own conversion does; the loaders ignore these heads;
  * GPT-2's attention-mask buffers (*.attn.bias, *.attn.masked_bias: constants every loader rebuilds,
    48 MB for GPT-2 124M) are left out.
Anything else (another dtype, a file that is not a state dict) stops with one line naming the file and
the tensor. The file is written to a temporary name and renamed, so a failure leaves no partial file; an
existing output is kept unless --force. torch.load runs with weights_only=True.
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference"))
import st  # noqa: E402

KEPT = (torch.float32, torch.float64, torch.int64, torch.int32, torch.bool)
WIDENED = (torch.float16, torch.bfloat16)
MASK_BUFFERS = (".attn.bias", ".attn.masked_bias")


def load_bin(path):
    try:
        try:
            sd = torch.load(path, map_location="cpu", weights_only=True)
        except TypeError:  # torch < 1.13 has no weights_only
            sd = torch.load(path, map_location="cpu")
    except Exception as e:  # noqa: BLE001 - any unreadable file is one line
        sys.exit("%s: cannot read as a PyTorch state dict (%s)" % (path, str(e).splitlines()[0] if str(e) else type(e).__name__))
    if not isinstance(sd, dict):
        sys.exit("%s: not a state dict (got %s)" % (path, type(sd).__name__))
    return sd


def convert(path):
    """(name -> tensor to write, [(dropped name, why)])."""
    out, dropped, seen = {}, [], {}
    for name, t in load_bin(path).items():
        if not torch.is_tensor(t):
            sys.exit("%s: %s is not a tensor (%s)" % (path, name, type(t).__name__))
        if name.endswith(MASK_BUFFERS):
            dropped.append((name, "attention-mask buffer"))
            continue
        if t.numel() > 0:
            key = (t.untyped_storage().data_ptr() if hasattr(t, "untyped_storage") else t.storage().data_ptr(),
                   t.storage_offset(), tuple(t.shape), tuple(t.stride()))
            if key in seen:
                dropped.append((name, "tied to " + seen[key]))
                continue
            seen[key] = name
        if t.dtype in WIDENED:
            t = t.to(torch.float32)
        elif t.dtype not in KEPT:
            sys.exit("%s: tensor %s has dtype %s (supported: float16/bfloat16/float32/float64, int32/int64, bool)" % (path, name, t.dtype))
        out[name] = t.detach().contiguous()
    if not out:
        sys.exit("%s: no tensors" % path)
    return out, dropped


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", help="Hugging Face model folder with pytorch_model.bin")
    ap.add_argument("--out", help="output file (default FOLDER/model.safetensors)")
    ap.add_argument("--force", action="store_true", help="overwrite an existing output")
    a = ap.parse_args()
    src = os.path.join(a.folder, "pytorch_model.bin")
    if not os.path.isfile(src):
        sys.exit("%s: no such file" % src)
    dst = a.out or os.path.join(a.folder, "model.safetensors")
    if os.path.exists(dst) and not a.force:
        sys.exit("%s: already exists (pass --force to overwrite)" % dst)
    tensors, dropped = convert(src)
    for name, why in dropped:
        print("left out %s (%s)" % (name, why))
    tmp = dst + ".tmp"
    try:
        st.save(tmp, tensors, {"format": "pt"})
        os.replace(tmp, dst)
    except OSError as e:
        if os.path.exists(tmp):
            os.remove(tmp)
        sys.exit("%s: cannot write (%s)" % (dst, e.strerror or e))
    print("wrote %s: %d tensors, %d values" % (dst, len(tensors), sum(t.numel() for t in tensors.values())))


if __name__ == "__main__":
    main()
