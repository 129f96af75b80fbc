"""PyTorch side of bench/gpt2-vs-pytorch.sh: one GPT-2 124M training step (llm.c's train_gpt2.c setup).

    /usr/bin/python3 tools/reference/gpt2_bench.py [--warmup 2] [--steps 5] [--B 4] [--T 64] [--threads N]

Plain-PyTorch GPT-2 from gpt2_tiny.py (the same forward the Java fixtures are checked against),
with gpt2 (124M) sizes: vocab 50257, 1024 positions, 768 wide, 12 layers, 12 heads, tied LM head,
no dropout. Random initialisation (HF init, no perturbation), NOT pretrained weights. One step =
forward, mean cross-entropy over B*T positions, backward, torch.optim.AdamW(lr 1e-4, wd 0) on every
parameter (llm.c uses lr 1e-4, weight decay 0). Prints each step and
"RESULT pytorch step_ms_median ... forward ... backward ... optimizer ...".
"""
import argparse
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gpt2_tiny import gpt2_logits, hf_gpt2_config, init_gpt2_params  # noqa: E402


def median(xs):
    s = sorted(xs)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--B", type=int, default=4)
    ap.add_argument("--T", type=int, default=64)
    ap.add_argument("--layers", type=int, default=12)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    cfg = hf_gpt2_config(vocab_size=50257, n_positions=1024, n_embd=768, n_layer=a.layers, n_head=12)
    p = init_gpt2_params(cfg, gen_seed=42, wpe_std=0.01, attn_mult=1.0, mlp_mult=1.0)
    p = {k: v.requires_grad_(True) for k, v in p.items()}
    n = sum(v.numel() for v in p.values())
    print("GPT-2-architecture LM, random initialisation, NOT pretrained: %d layers x 768 wide, %.1fM params" % (a.layers, n / 1e6))
    print("B=%d T=%d, AdamW on all weights, torch %s, %d threads, no dropout" % (a.B, a.T, torch.__version__, torch.get_num_threads()))
    g = torch.Generator().manual_seed(1337)
    seq = torch.randint(0, 50257, (a.B, a.T + 1), generator=g)
    ids, targets = seq[:, :-1].contiguous(), seq[:, 1:].contiguous()
    opt = torch.optim.AdamW(list(p.values()), lr=1e-4, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    step_ms, fwd_ms, bwd_ms, opt_ms, cpu_ms = [], [], [], [], []
    for s in range(a.warmup + a.steps):
        c0 = time.process_time()
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        logits = gpt2_logits(p, cfg, ids)
        loss = F.cross_entropy(logits.view(-1, 50257), targets.view(-1))
        l = loss.item()
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        opt.step()
        t3 = time.perf_counter()
        cpu = (time.process_time() - c0) * 1e3
        ms = (t3 - t0) * 1e3
        print("step %d%s: loss %.4f  %.0f ms (forward %.0f, backward %.0f, optimizer %.0f), process CPU %.0f ms"
              % (s, " (warm-up)" if s < a.warmup else "", l, ms, (t1 - t0) * 1e3, (t2 - t1) * 1e3, (t3 - t2) * 1e3, cpu))
        if s >= a.warmup:
            step_ms.append(ms)
            fwd_ms.append((t1 - t0) * 1e3)
            bwd_ms.append((t2 - t1) * 1e3)
            opt_ms.append((t3 - t2) * 1e3)
            cpu_ms.append(cpu)
    print("RESULT pytorch step_ms_median %.0f forward %.0f backward %.0f optimizer %.0f min %.0f (median of %d after %d warm-up)"
          % (median(step_ms), median(fwd_ms), median(bwd_ms), median(opt_ms), min(step_ms), a.steps, a.warmup))
    print("RESULT pytorch process_cpu_ms_median %.0f (all threads; / %d threads = %.0f ms)"
          % (median(cpu_ms), torch.get_num_threads(), median(cpu_ms) / torch.get_num_threads()))


if __name__ == "__main__":
    main()
