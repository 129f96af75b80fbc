"""Tiny random GPT-2 in Hugging Face layout + the expected forward/backward/training state.

Regenerate (from the repository root):

    /usr/bin/python3 tools/reference/gpt2_tiny.py

Writes nn/src/test/resources/fixtures/gpt2-tiny/:
  config.json                 HF GPT2Config (gpt2 format): vocab 50257, n_positions = n_ctx = 64,
                              n_embd 32, n_layer 2, n_head 4, n_inner null, gelu_new, eps 1e-5,
                              all dropouts 0.0, bos = eos = 50256, architectures [GPT2LMHeadModel]
  model.safetensors           what GPT2LMHeadModel.save_pretrained writes: keys with the
                              "transformer." prefix (transformer.wte.weight, transformer.h.0.ln_1.weight,
                              ...), no lm_head.weight (tied to wte), no attn.bias buffers,
                              __metadata__ {"format": "pt"}
  model-noprefix.safetensors  the same weights in the older layout: keys without prefix (wte.weight,
                              h.0.attn.c_attn.weight, ...) PLUS the buffers h.{i}.attn.bias
                              (F32 [1, 1, 64, 64] lower-triangular ones) and h.{i}.attn.masked_bias
                              (F32 scalar -1e4), which a loader must ignore
  expected.safetensors        see EXPECTED below

Weights (generator seed 11): HF init (normal std 0.02 for wte, wpe and every Conv1D weight,
std 0.02/sqrt(2*n_layer) for attn.c_proj.weight and mlp.c_proj.weight, LayerNorm weight 1 / bias 0,
biases 0), then perturbed so nothing is trivial: LN weight += N(0, 0.1), LN bias = N(0, 0.1), every
Conv1D bias = N(0, 0.02), wpe std 0.05, attention Conv1D weights x5 and MLP Conv1D weights x3.
(With the plain 0.02 init a random tied-embedding model greedily repeats one token forever; with
these scales the 10 greedy tokens have 7 distinct values, change when the first prompt token is
changed, and every argmax wins by a margin >= 1e-2, far above float32 noise.)
Conv1D weights are stored [in, out] (y = x @ W + b): c_attn [32, 96] (q | k | v along out),
attn.c_proj [32, 32], mlp.c_fc [32, 128], mlp.c_proj [128, 32].

The forward below is the HF GPT2LMHeadModel forward written out in plain PyTorch (float32):
  h = wte[ids] + wpe[0..T-1]
  per block: a = ln_1(h); q,k,v = split(a @ c_attn.W + c_attn.b) into 4 heads of 8;
             w = q k^T / sqrt(8); causal positions j > i set to finfo(float32).min;
             w += (1 - attention_mask) * finfo(float32).min (only if a mask is given);
             softmax; @ v; merge heads; @ c_proj.W + c_proj.b; h = h + that;
             h = h + mlp(ln_2(h)) with mlp = c_proj(gelu_new(c_fc(x))),
             gelu_new(x) = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
  hidden = ln_f(h) (eps 1e-5); logits = hidden @ wte^T (tied lm_head)

EXPECTED (expected.safetensors; ids/targets/masks are I64, everything else F32):
  ids            [2, 16]   random ids over the full vocab (seed 1337)
  targets        [2, 16]   the next tokens (ids and targets are windows [0:16] and [1:17] of one
                           random [2, 17] sequence)
  hidden         [2, 16, 32]  final hidden state after ln_f
  logits_last    [2, 50257]   logits[:, -1, :]
  logits_slice   [2, 16, 512] logits[:, :, :512]
  logits_sum     [2, 16]      logits.sum(-1)
  loss           []        mean cross-entropy of logits vs targets over all 32 positions
  grad/<key>     d loss / d parameter for EVERY parameter, <key> = HF key without prefix
                 (grad/wte.weight [50257, 32] includes both the embedding and the tied lm_head
                 contributions, grad/wpe.weight [64, 32], grad/h.0.attn.c_attn.weight [32, 96], ...)
  pad_ids        [2, 16]   row 0 = ids[0]; row 1 = ids[1] with its last 5 positions set to 50256
  pad_mask       [2, 16]   1 = real token, 0 = padding (HF attention_mask)
  pad_hidden     [2, 16, 32]  hidden after ln_f with the attention mask applied the HF way
  pad_hidden_last [2, 32]  pad_hidden at the last REAL token of each row (positions 15 and 10)
  adamw_losses   [10]      llm.c-style check: 10 steps of torch.optim.AdamW(all params, lr 1e-3,
                           betas (0.9, 0.999), eps 1e-8, weight_decay 0.01 on every param) on the
                           (ids, targets) batch from the saved weights; the loss is recorded BEFORE
                           each step, so adamw_losses[0] == loss
  generate_prompt [5]      ids[0, :5]
  generate_greedy [10]     the 10 tokens of greedy generation from the prompt (full forward each
                           step, argmax of the last position's logits)
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import st  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT_DIR = os.path.join(ROOT, "nn", "src", "test", "resources", "fixtures", "gpt2-tiny")


def hf_gpt2_config(vocab_size, n_positions, n_embd, n_layer, n_head, bos=50256, eos=50256, extra=None):
    """A config.json dict in the format of the HF hub's gpt2/config.json."""
    cfg = {
        "activation_function": "gelu_new",
        "architectures": ["GPT2LMHeadModel"],
        "attn_pdrop": 0.0,
        "bos_token_id": bos,
        "embd_pdrop": 0.0,
        "eos_token_id": eos,
        "initializer_range": 0.02,
        "layer_norm_epsilon": 1e-05,
        "model_type": "gpt2",
        "n_ctx": n_positions,
        "n_embd": n_embd,
        "n_head": n_head,
        "n_inner": None,
        "n_layer": n_layer,
        "n_positions": n_positions,
        "reorder_and_upcast_attn": False,
        "resid_pdrop": 0.0,
        "scale_attn_by_inverse_layer_idx": False,
        "scale_attn_weights": True,
        "summary_activation": None,
        "summary_first_dropout": 0.0,
        "summary_proj_to_labels": True,
        "summary_type": "cls_index",
        "summary_use_proj": True,
        "torch_dtype": "float32",
        "transformers_version": "4.30.2",
        "use_cache": True,
        "vocab_size": vocab_size,
    }
    if extra:
        cfg.update(extra)
    return cfg


def init_gpt2_params(cfg, gen_seed, wpe_std=0.05, attn_mult=5.0, mlp_mult=3.0):
    """HF-style init + perturbation. Returns a dict of unprefixed HF key -> float32 tensor.

    HF init: N(0, 0.02) for wte, wpe and Conv1D weights, N(0, 0.02/sqrt(2*n_layer)) for the two
    c_proj weights, LN 1/0, biases 0. Perturbation (so that nothing is trivial and the tiny model's
    greedy generation depends on position AND context instead of repeating one token forever):
    wpe std = wpe_std, attention Conv1D weights x attn_mult, MLP Conv1D weights x mlp_mult,
    LN weight += N(0, 0.1), LN bias = N(0, 0.1), Conv1D biases = N(0, 0.02).
    """
    g = torch.Generator().manual_seed(gen_seed)
    d, L, V, P = cfg["n_embd"], cfg["n_layer"], cfg["vocab_size"], cfg["n_positions"]
    inner = cfg["n_inner"] or 4 * d
    std = cfg["initializer_range"]
    proj_std = std / math.sqrt(2 * L)

    def normal(shape, s):
        return torch.randn(*shape, generator=g) * s

    def ln(prefix):
        p[prefix + ".weight"] = 1.0 + normal([d], 0.1)
        p[prefix + ".bias"] = normal([d], 0.1)

    p = {}
    p["wte.weight"] = normal([V, d], std)
    p["wpe.weight"] = normal([P, d], wpe_std)
    for i in range(L):
        h = "h.%d." % i
        ln(h + "ln_1")
        p[h + "attn.c_attn.weight"] = normal([d, 3 * d], std * attn_mult)
        p[h + "attn.c_attn.bias"] = normal([3 * d], 0.02)
        p[h + "attn.c_proj.weight"] = normal([d, d], proj_std * attn_mult)
        p[h + "attn.c_proj.bias"] = normal([d], 0.02)
        ln(h + "ln_2")
        p[h + "mlp.c_fc.weight"] = normal([d, inner], std * mlp_mult)
        p[h + "mlp.c_fc.bias"] = normal([inner], 0.02)
        p[h + "mlp.c_proj.weight"] = normal([inner, d], proj_std * mlp_mult)
        p[h + "mlp.c_proj.bias"] = normal([d], 0.02)
    ln("ln_f")
    return p


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def layer_norm(x, w, b, eps=1e-5):
    return F.layer_norm(x, (x.shape[-1],), w, b, eps)


def conv1d(x, w, b):
    """HF Conv1D: y = x @ W + b with W [in, out]."""
    return torch.addmm(b, x.reshape(-1, x.shape[-1]), w).reshape(*x.shape[:-1], w.shape[-1])


def split_heads(x, n_head):
    B, T, C = x.shape
    return x.view(B, T, n_head, C // n_head).permute(0, 2, 1, 3)


def merge_heads(x):
    B, H, T, D = x.shape
    return x.permute(0, 2, 1, 3).contiguous().view(B, T, H * D)


def causal_attention(q, k, v, add_mask=None):
    """HF GPT2Attention._attn: scaled scores, causal where(.., finfo.min), + additive mask, softmax."""
    w = torch.matmul(q, k.transpose(-1, -2))
    w = w / torch.full([], v.size(-1) ** 0.5, dtype=w.dtype)
    T, S = q.size(-2), k.size(-2)
    causal = torch.tril(torch.ones(S, S, dtype=torch.bool))[S - T:S, :S]
    w = torch.where(causal, w, torch.tensor(torch.finfo(w.dtype).min, dtype=w.dtype))
    if add_mask is not None:
        w = w + add_mask
    w = torch.softmax(w, dim=-1)
    return torch.matmul(w, v)


def hf_additive_mask(mask, dtype):
    """HF GPT2Model: attention_mask [B, T] (1 real, 0 pad) -> [B, 1, 1, T] additive."""
    m = mask[:, None, None, :].to(dtype)
    return (1.0 - m) * torch.finfo(dtype).min


def gpt2_block(p, i, h, n_head, add_mask=None, eps=1e-5):
    pre = "h.%d." % i
    a = layer_norm(h, p[pre + "ln_1.weight"], p[pre + "ln_1.bias"], eps)
    qkv = conv1d(a, p[pre + "attn.c_attn.weight"], p[pre + "attn.c_attn.bias"])
    q, k, v = qkv.split(h.shape[-1], dim=2)
    o = causal_attention(split_heads(q, n_head), split_heads(k, n_head), split_heads(v, n_head), add_mask)
    o = conv1d(merge_heads(o), p[pre + "attn.c_proj.weight"], p[pre + "attn.c_proj.bias"])
    h = h + o
    m = layer_norm(h, p[pre + "ln_2.weight"], p[pre + "ln_2.bias"], eps)
    m = conv1d(gelu_new(conv1d(m, p[pre + "mlp.c_fc.weight"], p[pre + "mlp.c_fc.bias"])),
               p[pre + "mlp.c_proj.weight"], p[pre + "mlp.c_proj.bias"])
    return h + m


def gpt2_hidden(p, cfg, ids, attention_mask=None):
    """Final hidden state after ln_f, [B, T, d]."""
    B, T = ids.shape
    h = p["wte.weight"][ids] + p["wpe.weight"][torch.arange(T)]
    add_mask = hf_additive_mask(attention_mask, h.dtype) if attention_mask is not None else None
    for i in range(cfg["n_layer"]):
        h = gpt2_block(p, i, h, cfg["n_head"], add_mask, cfg["layer_norm_epsilon"])
    return layer_norm(h, p["ln_f.weight"], p["ln_f.bias"], cfg["layer_norm_epsilon"])


def gpt2_logits(p, cfg, ids, attention_mask=None):
    return gpt2_hidden(p, cfg, ids, attention_mask) @ p["wte.weight"].t()


def write_hf_gpt2(out_dir, cfg, params, prefixed=True, name="model.safetensors", with_buffers=False):
    t = {}
    for k, v in params.items():
        t[("transformer." + k) if prefixed else k] = v
    if with_buffers:
        P = cfg["n_positions"]
        for i in range(cfg["n_layer"]):
            pre = ("transformer." if prefixed else "") + "h.%d.attn." % i
            t[pre + "bias"] = torch.tril(torch.ones(P, P)).view(1, 1, P, P)
            t[pre + "masked_bias"] = torch.tensor(-1e4)
    st.save(os.path.join(out_dir, name), t, {"format": "pt"}, sort_keys=True)


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    cfg = hf_gpt2_config(vocab_size=50257, n_positions=64, n_embd=32, n_layer=2, n_head=4)
    with open(os.path.join(OUT_DIR, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    params = init_gpt2_params(cfg, gen_seed=11)
    write_hf_gpt2(OUT_DIR, cfg, params, prefixed=True, name="model.safetensors")
    write_hf_gpt2(OUT_DIR, cfg, params, prefixed=False, name="model-noprefix.safetensors", with_buffers=True)

    torch.manual_seed(1337)
    V = cfg["vocab_size"]
    seq = torch.randint(0, V, (2, 17), dtype=torch.int64)
    ids, targets = seq[:, :16].contiguous(), seq[:, 1:].contiguous()
    E = {"ids": ids, "targets": targets}

    # ---- forward + backward
    p = {k: v.clone().requires_grad_(True) for k, v in params.items()}
    hidden = gpt2_hidden(p, cfg, ids)
    logits = hidden @ p["wte.weight"].t()
    loss = F.cross_entropy(logits.view(-1, V), targets.view(-1))
    loss.backward()
    E["hidden"] = hidden.detach()
    E["logits_last"] = logits[:, -1, :].detach()
    E["logits_slice"] = logits[:, :, :512].detach()
    E["logits_sum"] = logits.sum(-1).detach()
    E["loss"] = loss.detach()
    for k, v in p.items():
        E["grad/" + k] = v.grad.detach().clone()

    # float64 cross-check (not stored): the float32 numbers are not dominated by rounding
    p64 = {k: v.double().requires_grad_(True) for k, v in params.items()}
    loss64 = F.cross_entropy(gpt2_logits(p64, cfg, ids).view(-1, V), targets.view(-1))
    loss64.backward()
    dl = abs(loss64.item() - loss.item())
    dg = max((p64[k].grad.float() - p[k].grad).abs().max().item() / max(1e-3, p64[k].grad.abs().max().item())
             for k in p)
    print("float64 check: |loss diff| %.2e, max rel grad diff %.2e" % (dl, dg))
    assert dl < 1e-5 and dg < 1e-3

    # ---- padding mask case
    pad_ids = ids.clone()
    pad_ids[1, -5:] = 50256
    pad_mask = torch.ones(2, 16, dtype=torch.int64)
    pad_mask[1, -5:] = 0
    with torch.no_grad():
        ph = gpt2_hidden(params, cfg, pad_ids, pad_mask)
        last = pad_mask.sum(1) - 1
        E["pad_ids"] = pad_ids
        E["pad_mask"] = pad_mask
        E["pad_hidden"] = ph
        E["pad_hidden_last"] = ph[torch.arange(2), last]
        # padded keys come after the real tokens: the real positions equal the unmasked forward
        unmasked = gpt2_hidden(params, cfg, pad_ids)
        assert torch.allclose(unmasked[1, :11], ph[1, :11], atol=1e-6)

    # ---- greedy generation
    with torch.no_grad():
        prompt = ids[0, :5].clone()
        cur = prompt.view(1, -1)
        gen, margins = [], []
        for _ in range(10):
            lg = gpt2_logits(params, cfg, cur)[0, -1]
            top2 = lg.topk(2).values
            margins.append((top2[0] - top2[1]).item())
            nxt = lg.argmax()
            gen.append(int(nxt))
            cur = torch.cat([cur, nxt.view(1, 1)], dim=1)
        E["generate_prompt"] = prompt
        E["generate_greedy"] = torch.tensor(gen, dtype=torch.int64)

    # ---- 10 AdamW steps (llm.c style)
    p = {k: v.clone().requires_grad_(True) for k, v in params.items()}
    opt = torch.optim.AdamW(list(p.values()), lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)
    losses = []
    for step in range(10):
        opt.zero_grad(set_to_none=True)
        l = F.cross_entropy(gpt2_logits(p, cfg, ids).view(-1, V), targets.view(-1))
        l.backward()
        losses.append(l.item())
        opt.step()
    assert losses[0] == loss.item()
    E["adamw_losses"] = torch.tensor(losses, dtype=torch.float32)
    print("loss %.6f, adamw losses %s" % (loss.item(), ["%.5f" % x for x in losses]))
    print("greedy:", gen, "min top1-top2 margin %.2e" % min(margins))
    assert min(margins) > 1e-3

    st.save(os.path.join(OUT_DIR, "expected.safetensors"), E,
            {"generator": "tools/reference/gpt2_tiny.py", "torch": torch.__version__})
    for fn in sorted(os.listdir(OUT_DIR)):
        print("%-30s %10d bytes" % (fn, os.path.getsize(os.path.join(OUT_DIR, fn))))


if __name__ == "__main__":
    main()
