"""Convert an official MedualTime PyTorch checkpoint (.pth) to our safetensors checkpoint.

Our checkpoint (io.medualtime.model.MedualTimeCheckpoint) holds exactly the trainable parameters
of the official rule -- every name containing "adapter" or "gate", plus the classifier head -- and
the BatchNorm buffers of the adapter TemEnc (running_mean, running_var F32, num_batches_tracked I64
scalar), with the official names:

    adapter_query_ts.weight [M*K, d], adapter_query_text.weight [M*K, d], h.{i}.attn.gate [1, H, 1, 1],
    adapter_ln_f1.*, adapter_ln_f2.*, adapter_ts_proj_norm.*, ts_adapter_layer.weight/bias,
    adapter_temenc.resblock{1,2,3}.convblock{1,2,3}.{0,1}.*, adapter_temenc.resblock{1,2}.shortcut.{0,1}.*,
    adapter_temenc.resblock3.shortcut.*, adapter_temenc.fc.*, head.weight [C, d], head.bias [C]

The frozen GPT-2 weights in the .pth (wte, wpe, h.{i}.ln_1, c_attn, ...) are dropped: the Java model
loads the LM from its Hugging Face folder. Usage (needs torch; Debian's /usr/bin/python3 has it):

    /usr/bin/python3 tools/convert_pth.py model.pth medualtime.safetensors
        [--strip-prefix gpt2.] [--head-prefix classifier.] [--rename old=new ...] [--list]

  * The state dict may be the file itself or under "state_dict", "model_state_dict" or "model";
    a "module." prefix (DataParallel) is always removed, --strip-prefix removes another one (e.g.
    when GPT-2 is an attribute "gpt2." of the official model, so that its gates read h.{i}.attn.gate).
  * --head-prefix names the official classifier's prefix when it is not "head." (it becomes "head.").
  * --rename maps any remaining name exactly (applied last).
  * --list prints every key with its shape and whether it is kept, and writes nothing.

The selection is checked: at least one adaptation-query tensor and one gate must be present, and the
output is written in one go to a temporary file that is then renamed over the target.
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference"))
import st  # noqa: E402

CONTAINERS = ("state_dict", "model_state_dict", "model")


def load_state_dict(path):
    obj = torch.load(path, map_location="cpu")
    for key in CONTAINERS:
        if isinstance(obj, dict) and key in obj and isinstance(obj[key], dict):
            obj = obj[key]
            break
    if hasattr(obj, "state_dict"):
        obj = obj.state_dict()
    if not isinstance(obj, dict):
        sys.exit("%s: not a state dict (got %s)" % (path, type(obj).__name__))
    return obj


def official_name(name, strip_prefix, head_prefix, renames):
    if name.startswith("module."):
        name = name[len("module."):]
    if strip_prefix and name.startswith(strip_prefix):
        name = name[len(strip_prefix):]
    if head_prefix and head_prefix != "head." and name.startswith(head_prefix):
        name = "head." + name[len(head_prefix):]
    return renames.get(name, name)


def is_trainable(name):
    """The official rule: 'adapter' or 'gate' in the name, plus the classifier head.

    It also selects the adapter TemEnc's BatchNorm buffers (their names contain 'adapter'), which
    the checkpoint needs for eval mode."""
    return "adapter" in name or "gate" in name or name.startswith("head.")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pth")
    ap.add_argument("out", nargs="?")
    ap.add_argument("--strip-prefix", default="")
    ap.add_argument("--head-prefix", default="head.")
    ap.add_argument("--rename", action="append", default=[], metavar="OLD=NEW")
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()
    renames = dict(r.split("=", 1) for r in a.rename)
    sd = load_state_dict(a.pth)
    out = {}
    for key, value in sd.items():
        name = official_name(key, a.strip_prefix, a.head_prefix, renames)
        keep = torch.is_tensor(value) and is_trainable(name)
        if a.list:
            print("%-4s %-70s %s" % ("keep" if keep else "-", name, list(value.shape) if torch.is_tensor(value) else type(value)))
        if not keep:
            continue
        if name in out:
            sys.exit("two keys map to %s" % name)
        if name.endswith("num_batches_tracked"):
            out[name] = value.detach().to(torch.int64).reshape(())
        else:
            out[name] = value.detach().to(torch.float32).contiguous()
    if a.list:
        return
    if not a.out:
        sys.exit("no output file given (or use --list)")
    if not any(k.startswith("adapter_query_") for k in out) or not any(k.endswith(".attn.gate") for k in out):
        sys.exit("%s: no adapter_query_* or h.{i}.attn.gate tensors after renaming; try --list and --strip-prefix" % a.pth)
    if not any(k.startswith("head.") for k in out):
        print("warning: no head.* tensors (pass --head-prefix if the classifier has another name)", file=sys.stderr)
    tmp = a.out + ".tmp"
    st.save(tmp, out, {"format": "pt", "model": "medualtime", "converted_from": os.path.basename(a.pth)})
    os.replace(tmp, a.out)
    print("wrote %s: %d tensors, %d parameters" % (a.out, len(out),
          sum(v.numel() for k, v in out.items() if "running_" not in k and "num_batches" not in k)))


if __name__ == "__main__":
    main()
