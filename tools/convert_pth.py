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

then `bin/medualtime import --checkpoint medualtime.safetensors ...` makes a run folder of it
(docs/TRAINING.md, "Importing an official checkpoint").

Layouts read:
  * the official scripts' file (main_supervised.py, main_transfer.py, main_unsupervised.py):
    {'linear_model': {weight, bias}, 'model': {the 'adapter' / 'gate' tensors}} -- the classifier
    (linear_model) becomes head.weight / head.bias;
  * a state dict, as the file itself or under "state_dict", "model_state_dict" or "model";
    a "module." prefix (DataParallel) is always removed, --strip-prefix removes another one (e.g.
    when GPT-2 is an attribute "gpt2." of the model, so that its gates read h.{i}.attn.gate);
    --head-prefix names the classifier's prefix when it is not "head." (it becomes "head.");
  * --rename maps any remaining name exactly (applied last). --list prints every key with its shape
    and whether it is kept, and writes nothing.

Official variants this model cannot run are refused with one line naming the file and the key:
  * --gate_fusion: gate_fusion_1.* / gate_fusion_2.* (MedualTime.py's gated fusion of the two passes);
  * --bert_projector: bert_projector.* / bert_projector_norm.* (a Linear + LayerNorm on the BERT
    [CLS] vector). NOTE: the official scripts save only names containing "adapter" or "gate", so
    their .pth of a --bert_projector run does not contain the projector at all (it stayed at its
    random initialisation) and cannot be told apart from a plain run: do not convert such a run;
  * main_unsupervised.py's MedualTime_unsupervised: adapter_cross_projector{1,2}.*,
    adapter_cross_ln{1,2}.* (its saved linear_model is also never trained).

The selection is checked: at least one adaptation-query tensor and one gate must be present, and the
output is written in one go to a temporary file that is then renamed over the target. torch.load runs
with weights_only=True (a checkpoint cannot run code while it is read).
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference"))
import st  # noqa: E402

CONTAINERS = ("state_dict", "model_state_dict", "model")
OFFICIAL_HEAD = "linear_model"

# key prefix -> why this model cannot load it (official variants, MedualTime.py)
UNSUPPORTED = (
    ("gate_fusion_", "an official --gate_fusion checkpoint (gate_fusion_1/2: a gated fusion of the two passes, not in this model)"),
    ("bert_projector", "an official --bert_projector checkpoint (a Linear + LayerNorm on the BERT [CLS] vector, not in this model)"),
    ("adapter_cross_", "main_unsupervised.py's MedualTime_unsupervised (cross projectors after both passes, not in this model)"),
)


def torch_load(path):
    try:
        try:
            return torch.load(path, map_location="cpu", weights_only=True)
        except TypeError:  # torch < 1.13 has no weights_only
            return torch.load(path, map_location="cpu")
    except Exception as e:  # noqa: BLE001 - any unreadable file is one line
        sys.exit("%s: cannot read as a PyTorch checkpoint (%s)" % (path, str(e).splitlines()[0] if str(e) else type(e).__name__))


def is_tensor_dict(obj):
    return isinstance(obj, dict) and all(torch.is_tensor(v) for v in obj.values())


def load_state_dict(path):
    """The state dict of the file: the official {'linear_model', 'model'} layout merged (linear_model.* -> head.*),
    or a state dict found as the file itself or under one of CONTAINERS."""
    obj = torch_load(path)
    if isinstance(obj, dict) and OFFICIAL_HEAD in obj and isinstance(obj.get("model"), dict):
        head = obj[OFFICIAL_HEAD]
        if hasattr(head, "state_dict"):
            head = head.state_dict()
        if not is_tensor_dict(head):
            sys.exit("%s: %s is not a state dict of tensors" % (path, OFFICIAL_HEAD))
        merged = dict(obj["model"])
        for k, v in head.items():
            name = "head." + (k[len("module."):] if k.startswith("module.") else k)
            if name in merged:
                sys.exit("%s: %s.%s and model.%s both map to %s" % (path, OFFICIAL_HEAD, k, name, name))
            merged[name] = v
        return merged
    for key in CONTAINERS:
        if isinstance(obj, dict) and key in obj and isinstance(obj[key], dict):
            obj = obj[key]
            break
    if hasattr(obj, "state_dict"):
        obj = obj.state_dict()
    if not isinstance(obj, dict):
        sys.exit("%s: not a state dict (got %s)" % (path, type(obj).__name__))
    return obj


def check_supported(path, names):
    """Exits with one line for the first key of an official variant this model cannot load."""
    for name in names:
        for prefix, why in UNSUPPORTED:
            if name.startswith(prefix):
                sys.exit("%s: key %s: %s; it cannot be converted" % (path, name, why))


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


def convert(pth, strip_prefix="", head_prefix="head.", renames=None, listing=False):
    """name -> tensor of our checkpoint (F32, num_batches_tracked I64 scalars); exits on a bad file."""
    renames = renames or {}
    sd = load_state_dict(pth)
    named = [(official_name(k, strip_prefix, head_prefix, renames), k, v) for k, v in sd.items()]
    if not listing:
        check_supported(pth, [n for n, _, _ in named])
    out = {}
    for name, key, value in named:
        keep = torch.is_tensor(value) and is_trainable(name)
        if listing:
            print("%-4s %-70s %s" % ("keep" if keep else "-", name, list(value.shape) if torch.is_tensor(value) else type(value)))
        if not keep:
            continue
        if name in out:
            sys.exit("%s: two keys map to %s (the second is %s)" % (pth, name, key))
        if name.endswith("num_batches_tracked"):
            out[name] = value.detach().to(torch.int64).reshape(())
        else:
            out[name] = value.detach().to(torch.float32).contiguous()
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pth")
    ap.add_argument("out", nargs="?")
    ap.add_argument("--strip-prefix", default="")
    ap.add_argument("--head-prefix", default="head.")
    ap.add_argument("--rename", action="append", default=[], metavar="OLD=NEW")
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()
    bad = [r for r in a.rename if "=" not in r]
    if bad:
        sys.exit("--rename %s: expected OLD=NEW" % bad[0])
    renames = dict(r.split("=", 1) for r in a.rename)
    out = convert(a.pth, a.strip_prefix, a.head_prefix, renames, a.list)
    if a.list:
        return
    if not a.out:
        sys.exit("no output file given (or use --list)")
    if not any(k.startswith("adapter_query_") for k in out) or not any(k.endswith(".attn.gate") for k in out):
        sys.exit("%s: no adapter_query_* or h.{i}.attn.gate tensors after renaming; try --list and --strip-prefix" % a.pth)
    if not any(k.startswith("head.") for k in out):
        print("warning: no head.* tensors (pass --head-prefix if the classifier has another name)", file=sys.stderr)
    tmp = a.out + ".tmp"
    try:
        st.save(tmp, out, {"format": "pt", "model": "medualtime", "converted_from": os.path.basename(a.pth)})
        os.replace(tmp, a.out)
    except OSError as e:
        if os.path.exists(tmp):
            os.remove(tmp)
        sys.exit("%s: cannot write (%s)" % (a.out, e.strerror or e))
    print("wrote %s: %d tensors, %d parameters" % (a.out, len(out),
          sum(v.numel() for k, v in out.items() if "running_" not in k and "num_batches" not in k)))


if __name__ == "__main__":
    main()
