"""PyTorch reference of MedualTime (tiny config), written from the spec in docs/MODEL.md.

Regenerate (from the repository root):

    /usr/bin/python3 tools/reference/medualtime_ref.py

Writes medualtime/src/test/resources/fixtures/medualtime-tiny/:
  config.json              the tiny MedualTime configuration (see CONFIG below)
  lm/config.json           HF GPT-2 config of the frozen LM: vocab_size 1000, n_positions = n_ctx = 64,
                           n_embd 64, n_layer 3, n_head 4, gelu_new, eps 1e-5, dropouts 0,
                           bos = eos = 999 (the LM's vocabulary is only 1000 ids, so GPT-2's 50256
                           cannot be used; 999 is eos AND the report padding id here)
  lm/model.safetensors     the frozen LM weights, HF GPT-2 keys WITHOUT prefix (wte.weight,
                           wpe.weight, h.{i}.ln_1.weight, h.{i}.attn.c_attn.weight [in, out], ...,
                           ln_f.weight/bias), no buffers
  trainable.safetensors    every trainable parameter + the BatchNorm buffers (running_mean,
                           running_var, num_batches_tracked (I64 scalar)) of the adapter TemEnc,
                           as they are BEFORE the training step (running stats warmed up on 5 random
                           batches so eval mode is meaningful)
  inputs.safetensors       signals [3, 4, 100] F32 (raw, B x leads x time), report_ids [3, 10] I64
                           (right-padded with 999), report_mask [3, 10] I64 (1 real / 0 pad; real
                           lengths 10, 7, 4), labels [3] I64
  expected.safetensors     see EXPECTED below
  README.md                generated: every tensor name and shape of the four safetensors files

MODEL (spec docs/MODEL.md, tiny sizes: d = 64, 3 layers, 4 heads of 16, M = 2 adapter layers = GPT-2
layers 1 and 2, K = 3 adaptation tokens, 4 leads x 100 steps, patch 25 stride 25 -> P = 4, C = 5)
  temporal-primary pass -> z_ts:
    revin   = (x - mean_t x) / sqrt(var_t x + 1e-5) per sample and lead (biased variance, no affine)
    patches : P = (max(T, 25) - 25) // 25 + 1 windows of 25 taken from the END (window p starts at
              T - (P - p) * 25 ... for stride 25: start_p = T - 25 - (P - 1 - p) * 25), each flattened
              lead-major: patches[b, p, lead * 25 + t] = revin[b, lead, start_p + t]  -> [B, P, 100]
    e       = ts_adapter_layer(patches) + wpe[0..P-1]               (nn.Linear [out, in] = [64, 100])
    GPT-2 blocks 0..2, causal, no padding; block l in {1, 2} has adapter input
            A_l = adapter_query_ts.weight[(l-1)*K : l*K] + c_text[:, None, :]   ([B, K, d])
    z_ts    = adapter_ln_f2(h)[:, -1]             (GPT-2's ln_f is NOT used by MedualTime)
  textual-primary pass -> z_text:
    e       = wte[report_ids] + wpe[0..9]; padded keys get -1e4 added to the attention scores
    c_ts    = adapter_ts_proj_norm(TemEnc(signals))     (raw signal, NO RevIN)
    GPT-2 blocks, causal + padding; block l in {1, 2}: A_l = adapter_query_text.weight[(l-1)*K : l*K] + c_ts
    z_text  = adapter_ln_f1(h[b, last real token of b])
  z = (z_ts + z_text) / 2; logits = head(z) (nn.Linear [5, 64]); loss = cross_entropy(logits, labels) (mean)
  adapter attention in block l (the frozen GPT-2 c_attn used for both):
    x = ln_1(h); q, k, v = split(x @ c_attn.W + c_attn.b)
    ka, va = the k and v parts of A_l @ c_attn.W + c_attn.b   (A_l NOT layer-normed; its q part unused)
    o = softmax(q k^T / sqrt(16) + causal (finfo.min fill) + padding (-1e4)) v
        + tanh(h.{l}.attn.gate) * softmax(q ka^T / sqrt(16)) va          (adapter softmax: no mask)
    h = h + c_proj(merge(o)); h = h + mlp(ln_2(h))     (gelu_new, LN eps 1e-5)
    gate h.{l}.attn.gate is [1, n_head, 1, 1] and is shared by both passes; blocks without an adapter
    (block 0) have no gate.
  c_text (text vector of the temporal pass, the spec's default): the frozen GPT-2 itself, no
    adapters: ln_f(h)[b, last real token] of the plain LM on report_ids (padding mask -1e4). It is a
    constant (no gradient).
  TemEnc (names follow the tsai/"TimeSeries ResNet" convention, prefix adapter_temenc.):
    resblock{1,2,3}: channels 4->64, 64->128, 128->128
      convblock{1,2,3}.0.weight  Conv1d [out, in, k] k = 7, 5, 3, 'same' zero padding, NO bias
                                 (convblock1: in->out, convblock2/3: out->out)
      convblock{1,2,3}.1.*       BatchNorm1d(out) (eps 1e-5, momentum 0.1): weight, bias,
                                 running_mean, running_var, num_batches_tracked
      ReLU after convblock1 and convblock2, NOT after convblock3
      shortcut (in != out: resblock1, resblock2): shortcut.0.weight Conv1d [out, in, 1] no bias,
                                 shortcut.1.* BatchNorm1d(out)
      shortcut (in == out: resblock3): shortcut.* = BatchNorm1d(in) directly
      out = relu(convblock3 + shortcut)
    then mean over time and fc (nn.Linear 128 -> 64): adapter_temenc.fc.weight [64, 128], .bias [64]
  every LayerNorm of the adapters (adapter_ln_f1, adapter_ln_f2, adapter_ts_proj_norm) is
  nn.LayerNorm(64), eps 1e-5.

TRAINABLE (name contains "adapter" or "gate", plus the head):
  adapter_query_ts.weight [6, 64], adapter_query_text.weight [6, 64]   (rows (l-1)*3..(l-1)*3+2 belong
      to GPT-2 layer l; init N(0, 1)), h.1.attn.gate, h.2.attn.gate [1, 4, 1, 1] (init N(0, 0.5) here so
      the adapters matter; the real model starts at 0), adapter_ln_f1/f2, adapter_ts_proj_norm
      (.weight/.bias [64], 1 + N(0, 0.1) / N(0, 0.1)), ts_adapter_layer.weight [64, 100] / .bias [64]
      (nn.Linear default init), adapter_temenc.* (PyTorch default conv/linear init, BN weight
      1 + N(0, 0.1), bias N(0, 0.1)), head.weight [5, 64] / head.bias [5] (nn.Linear default init).

EXPECTED (expected.safetensors, F32 unless noted):
  train mode (dropout p = 0, BatchNorm in train mode: batch statistics, running stats updated once,
  because the TemEnc runs once per forward):
    revin [3, 4, 100], patches [3, 4, 100] (= [B, P, leads*25]), ts_embed [3, 4, 64],
    c_text [3, 64], temenc_out [3, 64] (before adapter_ts_proj_norm), c_ts [3, 64],
    z_ts [3, 64], z_text [3, 64], z [3, 64], logits [3, 5], loss [],
    grad/<name>       d loss / d every trainable parameter (not the BN buffers)
    bn_after/<name>   every BN buffer after the step (running_mean, running_var F32 (the running var
                      is updated with the UNBIASED batch variance), num_batches_tracked I64 = 6)
  eval mode (BN uses the running stats of trainable.safetensors, i.e. BEFORE the train step):
    eval/z_ts, eval/z_text, eval/z [3, 64], eval/logits [3, 5], eval/loss []
  zero-gate case (all gates set to 0, everything else as trainable.safetensors, train mode):
    zero_gate/z_ts, zero_gate/z_text, zero_gate/z, zero_gate/logits, zero_gate/loss,
    zero_gate/plain_z_ts, zero_gate/plain_z_text: the same computed by the plain LM without any adapter
        (equal to z_ts / z_text bit for bit in PyTorch),
    zero_gate/grad/<name> for the parameters whose gradient is NOT zero: the gates, ts_adapter_layer,
        adapter_ln_f1, adapter_ln_f2, head. The gradients of adapter_query_ts, adapter_query_text,
        adapter_ts_proj_norm and every adapter_temenc parameter are EXACTLY 0 (tanh(0) = 0 multiplies
        every path to them); the script asserts it and they are not stored.
  patch_case/signal [2, 4, 110], patch_case/revin [2, 4, 110], patch_case/patches [2, 4, 100]:
    patching when T is not a multiple of the stride (T = 110 -> P = 4 windows starting at 10, 35, 60, 85;
    the first 10 steps are dropped).

All of it is computed in float32; the script recomputes everything in float64 and asserts that
every stored float tensor agrees within 1e-5 (max abs diff / max(1, max |value|)).
"""
import json
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import st  # noqa: E402
from gpt2_tiny import (conv1d, gelu_new, hf_gpt2_config, init_gpt2_params, layer_norm,  # noqa: E402
                       merge_heads, split_heads)

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT_DIR = os.path.join(ROOT, "medualtime", "src", "test", "resources", "fixtures", "medualtime-tiny")

CONFIG = {
    "lm": "lm",
    "n_embd": 64,
    "n_layer": 3,
    "n_head": 4,
    "adapter_layers": 2,            # M: the top M GPT-2 layers (1, 2) carry adapters
    "adapter_len": 3,               # K
    "n_leads": 4,
    "seq_len": 100,
    "patch_len": 25,
    "stride": 25,
    "num_patches": 4,
    "num_classes": 5,
    "temenc_channels": [64, 128, 128],
    "temenc_kernels": [7, 5, 3],
    "pad_token_id": 999,
    "eos_token_id": 999,
    "max_report_len": 10,
    "text_encoder": "gpt2",         # default text vector: frozen GPT-2, last real token after ln_f
    "revin_eps": 1e-5,
    "layer_norm_eps": 1e-5,
    "batch_norm_eps": 1e-5,
    "batch_norm_momentum": 0.1,
    "padding_mask_value": -10000.0,
    "dropout": 0.0,
    "head": "head",
}
D, NL, NH = CONFIG["n_embd"], CONFIG["n_layer"], CONFIG["n_head"]
M, K = CONFIG["adapter_layers"], CONFIG["adapter_len"]
LEADS, T, PL, STRIDE, C = CONFIG["n_leads"], CONFIG["seq_len"], CONFIG["patch_len"], CONFIG["stride"], CONFIG["num_classes"]
ADAPTER_LAYERS = list(range(NL - M, NL))
B, R = 3, CONFIG["max_report_len"]
PAD = CONFIG["pad_token_id"]


# ------------------------------------------------------------------ pieces
def revin(x, eps=1e-5):
    mean = x.mean(dim=-1, keepdim=True)
    var = x.var(dim=-1, keepdim=True, unbiased=False)
    return (x - mean) / torch.sqrt(var + eps)


def patchify(x, patch=PL, stride=STRIDE):
    """x [B, leads, T] -> [B, P, leads * patch], windows from the END, lead-major."""
    Tn = x.shape[-1]
    P = (max(Tn, patch) - patch) // stride + 1
    start = Tn - patch - (P - 1) * stride
    assert start >= 0, "T < patch_len is not covered by this reference"
    w = x[..., start:].unfold(-1, patch, stride)        # [B, leads, P, patch]
    assert w.shape[2] == P
    return w.permute(0, 2, 1, 3).reshape(x.shape[0], P, -1)


def bn(x, tp, buf, name, training):
    y = F.batch_norm(x, buf[name + ".running_mean"], buf[name + ".running_var"],
                     tp[name + ".weight"], tp[name + ".bias"], training=training, momentum=0.1, eps=1e-5)
    if training:
        buf[name + ".num_batches_tracked"] += 1
    return y


def convblock(x, tp, buf, pre, k, act, training):
    y = F.conv1d(x, tp[pre + ".0.weight"], None, stride=1, padding=(k - 1) // 2)
    y = bn(y, tp, buf, pre + ".1", training)
    return torch.relu(y) if act else y


def temenc(x, tp, buf, training, pre="adapter_temenc"):
    chans = [LEADS] + CONFIG["temenc_channels"]
    ks = CONFIG["temenc_kernels"]
    for r in range(3):
        rp = "%s.resblock%d" % (pre, r + 1)
        y = convblock(x, tp, buf, rp + ".convblock1", ks[0], True, training)
        y = convblock(y, tp, buf, rp + ".convblock2", ks[1], True, training)
        y = convblock(y, tp, buf, rp + ".convblock3", ks[2], False, training)
        if chans[r] == chans[r + 1]:
            sc = bn(x, tp, buf, rp + ".shortcut", training)
        else:
            sc = bn(F.conv1d(x, tp[rp + ".shortcut.0.weight"]), tp, buf, rp + ".shortcut.1", training)
        x = torch.relu(y + sc)
    return F.linear(x.mean(dim=-1), tp[pre + ".fc.weight"], tp[pre + ".fc.bias"])


def block(lm, i, h, add_mask=None, A=None, gate=None):
    pre = "h.%d." % i
    Wa, ba = lm[pre + "attn.c_attn.weight"], lm[pre + "attn.c_attn.bias"]
    a = layer_norm(h, lm[pre + "ln_1.weight"], lm[pre + "ln_1.bias"])
    q, k, v = conv1d(a, Wa, ba).split(D, dim=2)
    q, k, v = split_heads(q, NH), split_heads(k, NH), split_heads(v, NH)
    hd = D // NH
    w = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(hd)
    Tq = q.shape[-2]
    causal = torch.tril(torch.ones(Tq, Tq, dtype=torch.bool, device=w.device))
    w = torch.where(causal, w, torch.tensor(torch.finfo(w.dtype).min, dtype=w.dtype, device=w.device))
    if add_mask is not None:
        w = w + add_mask
    o = torch.matmul(torch.softmax(w, dim=-1), v)
    if A is not None:
        _, ka, va = conv1d(A, Wa, ba).split(D, dim=2)
        ka, va = split_heads(ka, NH), split_heads(va, NH)
        wa = torch.softmax(torch.matmul(q, ka.transpose(-1, -2)) / math.sqrt(hd), dim=-1)
        o = o + torch.tanh(gate) * torch.matmul(wa, va)
    h = h + conv1d(merge_heads(o), lm[pre + "attn.c_proj.weight"], lm[pre + "attn.c_proj.bias"])
    m = layer_norm(h, lm[pre + "ln_2.weight"], lm[pre + "ln_2.bias"])
    m = conv1d(gelu_new(conv1d(m, lm[pre + "mlp.c_fc.weight"], lm[pre + "mlp.c_fc.bias"])),
               lm[pre + "mlp.c_proj.weight"], lm[pre + "mlp.c_proj.bias"])
    return h + m


def run_blocks(lm, tp, h, query_name, cond, add_mask, adapters=True):
    for i in range(NL):
        if adapters and i in ADAPTER_LAYERS:
            j = i - (NL - M)
            A = tp[query_name][j * K:(j + 1) * K][None, :, :] + cond[:, None, :]
            h = block(lm, i, h, add_mask, A, tp["h.%d.attn.gate" % i])
        else:
            h = block(lm, i, h, add_mask)
    return h


def pad_mask_add(mask, dtype):
    return (1.0 - mask[:, None, None, :].to(dtype)) * CONFIG["padding_mask_value"]


def text_vector(lm, ids, mask):
    """Default text vector: plain frozen GPT-2, ln_f at the last real token."""
    Tn = ids.shape[1]
    h = lm["wte.weight"][ids] + lm["wpe.weight"][torch.arange(Tn, device=ids.device)]
    h = run_blocks(lm, None, h, None, None, pad_mask_add(mask, h.dtype), adapters=False)
    h = layer_norm(h, lm["ln_f.weight"], lm["ln_f.bias"])
    return h[torch.arange(ids.shape[0], device=ids.device), mask.sum(1) - 1]


def forward(lm, tp, buf, inp, c_text, training, adapters=True):
    x, ids, mask, labels = inp["signals"], inp["report_ids"], inp["report_mask"], inp["labels"]
    out = {}
    # temporal-primary
    xr = revin(x)
    patches = patchify(xr)
    P = patches.shape[1]
    e = F.linear(patches, tp["ts_adapter_layer.weight"], tp["ts_adapter_layer.bias"]) + lm["wpe.weight"][:P]
    h = run_blocks(lm, tp, e, "adapter_query_ts.weight", c_text, None, adapters)
    z_ts = layer_norm(h, tp["adapter_ln_f2.weight"], tp["adapter_ln_f2.bias"])[:, -1]
    # textual-primary
    te = temenc(x, tp, buf, training)
    c_ts = layer_norm(te, tp["adapter_ts_proj_norm.weight"], tp["adapter_ts_proj_norm.bias"])
    Tn = ids.shape[1]
    h = lm["wte.weight"][ids] + lm["wpe.weight"][torch.arange(Tn, device=ids.device)]
    h = run_blocks(lm, tp, h, "adapter_query_text.weight", c_ts, pad_mask_add(mask, h.dtype), adapters)
    last = h[torch.arange(ids.shape[0], device=ids.device), mask.sum(1) - 1]
    z_text = layer_norm(last, tp["adapter_ln_f1.weight"], tp["adapter_ln_f1.bias"])
    z = (z_ts + z_text) / 2
    logits = F.linear(z, tp["head.weight"], tp["head.bias"])
    loss = F.cross_entropy(logits, labels)
    out.update(revin=xr, patches=patches, ts_embed=e, temenc_out=te, c_ts=c_ts,
               z_ts=z_ts, z_text=z_text, z=z, logits=logits, loss=loss)
    return out


# ------------------------------------------------------------------ parameters and inputs
def make_trainables():
    torch.manual_seed(5)
    tp, buf = {}, {}
    tp["adapter_query_ts.weight"] = nn.Embedding(M * K, D).weight.detach().clone()
    tp["adapter_query_text.weight"] = nn.Embedding(M * K, D).weight.detach().clone()
    for i in ADAPTER_LAYERS:
        tp["h.%d.attn.gate" % i] = torch.randn(1, NH, 1, 1) * 0.5
    for name in ("adapter_ln_f1", "adapter_ln_f2", "adapter_ts_proj_norm"):
        tp[name + ".weight"] = 1 + 0.1 * torch.randn(D)
        tp[name + ".bias"] = 0.1 * torch.randn(D)
    lin = nn.Linear(LEADS * PL, D)
    tp["ts_adapter_layer.weight"] = lin.weight.detach().clone()
    tp["ts_adapter_layer.bias"] = lin.bias.detach().clone()

    def add_bn(name, c):
        tp[name + ".weight"] = 1 + 0.1 * torch.randn(c)
        tp[name + ".bias"] = 0.1 * torch.randn(c)
        buf[name + ".running_mean"] = torch.zeros(c)
        buf[name + ".running_var"] = torch.ones(c)
        buf[name + ".num_batches_tracked"] = torch.tensor(0, dtype=torch.int64)

    chans = [LEADS] + CONFIG["temenc_channels"]
    for r in range(3):
        rp = "adapter_temenc.resblock%d" % (r + 1)
        cin, cout = chans[r], chans[r + 1]
        for c, k in enumerate(CONFIG["temenc_kernels"]):
            conv = nn.Conv1d(cin if c == 0 else cout, cout, k, bias=False)
            tp["%s.convblock%d.0.weight" % (rp, c + 1)] = conv.weight.detach().clone()
            add_bn("%s.convblock%d.1" % (rp, c + 1), cout)
        if cin != cout:
            tp[rp + ".shortcut.0.weight"] = nn.Conv1d(cin, cout, 1, bias=False).weight.detach().clone()
            add_bn(rp + ".shortcut.1", cout)
        else:
            add_bn(rp + ".shortcut", cin)
    fc = nn.Linear(chans[-1], D)
    tp["adapter_temenc.fc.weight"] = fc.weight.detach().clone()
    tp["adapter_temenc.fc.bias"] = fc.bias.detach().clone()
    head = nn.Linear(D, C)
    tp["head.weight"] = head.weight.detach().clone()
    tp["head.bias"] = head.bias.detach().clone()
    return tp, buf


def synthetic_signals(g, b, leads, n):
    """ECG-ish: per sample/lead a sinusoid + harmonic + noise with an offset and scale (so RevIN matters)."""
    t = torch.arange(n, dtype=torch.float32)[None, None, :]
    f = 0.02 + 0.06 * torch.rand(b, leads, 1, generator=g)
    ph = 6.283 * torch.rand(b, leads, 1, generator=g)
    amp = 0.2 + 1.5 * torch.rand(b, leads, 1, generator=g)
    off = torch.randn(b, leads, 1, generator=g)
    x = amp * (torch.sin(6.283 * f * t + ph) + 0.4 * torch.sin(2 * 6.283 * f * t + 2 * ph))
    return x + off + 0.2 * torch.randn(b, leads, n, generator=g)


def make_inputs():
    g = torch.Generator().manual_seed(99)
    signals = synthetic_signals(g, B, LEADS, T)
    lengths = [10, 7, 4]
    ids = torch.full((B, R), PAD, dtype=torch.int64)
    mask = torch.zeros(B, R, dtype=torch.int64)
    for b, n in enumerate(lengths):
        ids[b, :n] = torch.randint(0, PAD, (n,), generator=g)
        mask[b, :n] = 1
    labels = torch.tensor([3, 0, 4], dtype=torch.int64)
    return {"signals": signals, "report_ids": ids, "report_mask": mask, "labels": labels}


def warm_up_bn(tp, buf):
    g = torch.Generator().manual_seed(123)
    with torch.no_grad():
        for _ in range(5):
            temenc(synthetic_signals(g, 8, LEADS, T), tp, buf, training=True)


# ------------------------------------------------------------------ main
def run_case(lm, tp0, buf0, inp, training, dtype):
    """Returns (outputs dict, grads dict, buffers after)."""
    cast = (lambda d: {k: (v.detach().to(dtype).clone() if v.is_floating_point() else v.clone())
                       for k, v in d.items()})
    lm_ = cast(lm)
    tp = {k: v.requires_grad_(True) for k, v in cast(tp0).items()}
    buf = cast(buf0)
    inp_ = cast(inp)
    with torch.no_grad():
        c_text = text_vector(lm_, inp_["report_ids"], inp_["report_mask"])
    out = forward(lm_, tp, buf, inp_, c_text, training)
    out["c_text"] = c_text
    grads = {}
    if training:
        out["loss"].backward()
        grads = {k: v.grad.detach().clone() for k, v in tp.items()}
    return {k: v.detach() for k, v in out.items()}, grads, buf


def rel_diff(a, b):
    a, b = a.double(), b.double()
    return ((a - b).abs().max() / max(1.0, b.abs().max().item())).item() if a.numel() else 0.0


def write_readme(files):
    lines = ["# medualtime-tiny fixture", "",
             "Generated by `tools/reference/medualtime_ref.py` (its docstring explains the model, the",
             "conventions and every tensor); regenerate with `/usr/bin/python3 tools/reference/medualtime_ref.py`.",
             "Do not edit by hand.", "",
             "Trainable = name contains `adapter` or `gate`, plus `head.*`. The LM (`lm/`) is frozen.",
             "GPT-2 layers with adapters: %s; adaptation rows of layer l: (l-%d)*%d .. (l-%d)*%d+%d of"
             " adapter_query_*.weight." % (ADAPTER_LAYERS, NL - M, K, NL - M, K, K - 1),
             "Report padding / eos id: 999 (the tiny LM has a 1000-id vocabulary).", ""]
    for fname, (tensors, _) in files.items():
        lines += ["## %s" % fname, "", "| name | dtype | shape |", "|---|---|---|"]
        for k, v in tensors.items():
            lines.append("| `%s` | %s | %s |" % (k, "I64" if v.dtype.kind == "i" else "F32", list(v.shape)))
        lines.append("")
    with open(os.path.join(OUT_DIR, "README.md"), "w") as f:
        f.write("\n".join(lines))


def main():
    os.makedirs(os.path.join(OUT_DIR, "lm"), exist_ok=True)
    torch.manual_seed(0)
    lm_cfg = hf_gpt2_config(vocab_size=1000, n_positions=64, n_embd=D, n_layer=NL, n_head=NH, bos=999, eos=999)
    lm = init_gpt2_params(lm_cfg, gen_seed=21)
    with open(os.path.join(OUT_DIR, "lm", "config.json"), "w") as f:
        json.dump(lm_cfg, f, indent=2)
        f.write("\n")
    st.save(os.path.join(OUT_DIR, "lm", "model.safetensors"), lm, {"format": "pt"}, sort_keys=True)
    with open(os.path.join(OUT_DIR, "config.json"), "w") as f:
        json.dump(CONFIG, f, indent=2)
        f.write("\n")

    tp, buf = make_trainables()
    warm_up_bn(tp, buf)
    inp = make_inputs()
    trainable_file = dict(tp)
    trainable_file.update(buf)
    st.save(os.path.join(OUT_DIR, "trainable.safetensors"), trainable_file, {"format": "pt"})
    st.save(os.path.join(OUT_DIR, "inputs.safetensors"), inp)

    E = {}
    # ---- train mode
    out, grads, buf_after = run_case(lm, tp, buf, inp, True, torch.float32)
    for k in ("revin", "patches", "ts_embed", "c_text", "temenc_out", "c_ts", "z_ts", "z_text", "z", "logits", "loss"):
        E[k] = out[k]
    for k, g in grads.items():
        E["grad/" + k] = g
    for k, v in buf_after.items():
        E["bn_after/" + k] = v
    # float64 cross-check
    out64, grads64, buf64 = run_case(lm, tp, buf, inp, True, torch.float64)
    worst = max([(rel_diff(out[k], out64[k]), k) for k in out] +
                [(rel_diff(grads[k], grads64[k]), "grad/" + k) for k in grads] +
                [(rel_diff(buf_after[k], buf64[k]), "bn_after/" + k) for k in buf_after if buf64[k].is_floating_point()])
    print("train: loss %.6f; float64 check worst rel diff %.2e (%s)" % (out["loss"].item(), worst[0], worst[1]))
    assert worst[0] < 1e-5, worst

    # ---- eval mode (buffers of trainable.safetensors)
    with torch.no_grad():
        ev, _, ev_buf = run_case(lm, tp, buf, inp, False, torch.float32)
        ev64, _, _ = run_case(lm, tp, buf, inp, False, torch.float64)
    for k in ("z_ts", "z_text", "z", "logits", "loss"):
        E["eval/" + k] = ev[k]
        assert rel_diff(ev[k], ev64[k]) < 1e-5, k
    assert all(torch.equal(ev_buf[k], buf[k]) for k in buf)
    print("eval: loss %.6f" % ev["loss"].item())

    # ---- zero-gate case
    tpz = dict(tp)
    for i in ADAPTER_LAYERS:
        tpz["h.%d.attn.gate" % i] = torch.zeros(1, NH, 1, 1)
    zo, zg, _ = run_case(lm, tpz, buf, inp, True, torch.float32)
    zo64, zg64, _ = run_case(lm, tpz, buf, inp, True, torch.float64)
    with torch.no_grad():
        plain = forward(lm, tpz, dict((k, v.clone()) for k, v in buf.items()), inp, zo["c_text"], True, adapters=False)
    assert torch.equal(plain["z_ts"], zo["z_ts"]) and torch.equal(plain["z_text"], zo["z_text"])
    for k in ("z_ts", "z_text", "z", "logits", "loss"):
        E["zero_gate/" + k] = zo[k]
        assert rel_diff(zo[k], zo64[k]) < 1e-5, k
    E["zero_gate/plain_z_ts"] = plain["z_ts"]
    E["zero_gate/plain_z_text"] = plain["z_text"]
    zero_names = [k for k in zg if k.startswith(("adapter_query_", "adapter_temenc.", "adapter_ts_proj_norm."))]
    for k in zg:
        if k in zero_names:
            assert torch.count_nonzero(zg[k]) == 0, k
        else:
            assert torch.count_nonzero(zg[k]) > 0, k
            assert rel_diff(zg[k], zg64[k]) < 1e-5, k
            E["zero_gate/grad/" + k] = zg[k]
    print("zero gate: loss %.6f; %d grads exactly zero, %d stored" %
          (zo["loss"].item(), len(zero_names), len(zg) - len(zero_names)))

    # ---- patching when T is not a multiple of the stride
    g = torch.Generator().manual_seed(7)
    sig = synthetic_signals(g, 2, LEADS, 110)
    E["patch_case/signal"] = sig
    E["patch_case/revin"] = revin(sig)
    E["patch_case/patches"] = patchify(revin(sig))
    assert torch.equal(E["patch_case/patches"][1, 0, 25:50], E["patch_case/revin"][1, 1, 10:35])

    st.save(os.path.join(OUT_DIR, "expected.safetensors"), E,
            {"generator": "tools/reference/medualtime_ref.py", "torch": torch.__version__})
    files = {}
    for fname in ("trainable.safetensors", "inputs.safetensors", "expected.safetensors", "lm/model.safetensors"):
        files[fname] = st.load(os.path.join(OUT_DIR, fname))
    write_readme(files)
    n_train = sum(v.numel() for v in tp.values())
    print("trainable params: %d" % n_train)
    for root, _, fs in os.walk(OUT_DIR):
        for fn in sorted(fs):
            p = os.path.join(root, fn)
            print("%-40s %9d bytes" % (os.path.relpath(p, OUT_DIR), os.path.getsize(p)))


if __name__ == "__main__":
    main()
