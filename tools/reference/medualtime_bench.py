"""PyTorch timing of one supervised MedualTime step and of inference, for bench/medualtime-vs-pytorch.sh.

Uses medualtime_ref.py's model code (the functions the Java fixture tests compare against), with
its size constants switched to GPT-2 small and the official defaults: d 768, 12 layers x 12 heads,
M = 11 adapter layers, K = 5 tokens, 12 leads x 1000 steps, patch = stride = 25, 5 classes; random
GPT-2 weights (gpt2_tiny.init_gpt2_params, NOT pretrained); B = 8, reports of 48 real tokens, text
vectors given (cached). The reference has no dropout, so the Java side is run with dropout 0 too.

Step = forward (both passes, TemEnc BatchNorm in train mode) + cross-entropy + backward +
torch.optim.AdamW(lr 1e-3, weight decay 0.01) over the trainable parameters only (the LM has
requires_grad False, so PyTorch computes no weight gradient for it either).

    /usr/bin/python3 tools/reference/medualtime_bench.py [--warmup 2] [--steps 5] [--threads 2] [--B 8]

Prints each run and a "RESULT torch train_step_ms X inference_ms Y" line (medians).
"""
import argparse
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import medualtime_ref as ref  # noqa: E402
from gpt2_tiny import hf_gpt2_config, init_gpt2_params  # noqa: E402


def use_gpt2_small_defaults():
    """Re-points medualtime_ref's module-level sizes (its functions read them at call time)."""
    ref.CONFIG.update(n_embd=768, n_layer=12, n_head=12, adapter_layers=11, adapter_len=5, n_leads=12,
                      seq_len=1000, num_patches=40)
    ref.D, ref.NL, ref.NH = 768, 12, 12
    ref.M, ref.K = 11, 5
    ref.LEADS, ref.T = 12, 1000
    ref.ADAPTER_LAYERS = list(range(ref.NL - ref.M, ref.NL))


def gpu_busy(train_step, infer):
    """GPU kernels/copies and their summed time over one training step and one inference."""
    from torch.profiler import profile, ProfilerActivity
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        train_step()
        with torch.no_grad():
            infer()
        torch.cuda.synchronize()
    kernels = [e for e in prof.events() if e.device_type == torch.autograd.DeviceType.CUDA]
    return "%d GPU kernels/copies, %.1f ms GPU time" % (len(kernels), sum(e.time_range.elapsed_us() for e in kernels) / 1e3)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--B", type=int, default=8)
    ap.add_argument("--tokens", type=int, default=48)
    ap.add_argument("--device", default="cpu", help="cpu or cuda (TF32 off, timings synchronised)")
    ap.add_argument("--default-device", action="store_true",
                    help="also torch.set_default_device(device): what earlier runs did; it routes every "
                         "torch call through a Python TorchFunctionMode, a per-op cost on the host")
    ap.add_argument("--cuda-profile", action="store_true",
                    help="after timing, one step + one inference under torch.profiler: GPU kernel time and launches")
    a = ap.parse_args()
    dev = torch.device(a.device)
    if dev.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    torch.set_num_threads(a.threads)
    use_gpt2_small_defaults()
    torch.manual_seed(0)
    lm_cfg = hf_gpt2_config(vocab_size=50257, n_positions=1024, n_embd=768, n_layer=12, n_head=12)
    lm = init_gpt2_params(lm_cfg, gen_seed=42)
    tp, buf = ref.make_trainables()
    tp = {k: v.requires_grad_(True) for k, v in tp.items()}
    n_train = sum(v.numel() for v in tp.values())
    print("MedualTime (medualtime_ref.py code) on a GPT-2-small-shaped LM (random, NOT pretrained), "
          "%d trainable params, torch %s, %d threads" % (n_train, torch.__version__, torch.get_num_threads()))
    g = torch.Generator().manual_seed(1)
    B = a.B
    inp = {"signals": torch.randn(B, ref.LEADS, ref.T, generator=g),
           "report_ids": torch.randint(0, 50256, (B, a.tokens), generator=g),
           "report_mask": torch.ones(B, a.tokens, dtype=torch.int64),
           "labels": torch.arange(B) % 5}
    c_text = torch.randn(B, 768, generator=g)
    if dev.type == "cuda":
        # everything is built on the CPU (seeded generators), then moved; the reference code's own
        # factory calls (masks, aranges) take their device from their inputs
        lm = {k: v.to(dev) for k, v in lm.items()}
        tp = {k: v.detach().to(dev).requires_grad_(True) for k, v in tp.items()}
        buf = {k: v.to(dev) for k, v in buf.items()}
        inp = {k: v.to(dev) for k, v in inp.items()}
        c_text = c_text.to(dev)
        if a.default_device:
            torch.set_default_device(dev)
    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    opt = torch.optim.AdamW(list(tp.values()), lr=1e-3, weight_decay=0.01)
    steps, infers = [], []

    def train_step():
        opt.zero_grad()
        loss = ref.forward(lm, tp, buf, inp, c_text, training=True)["loss"]
        loss.backward()
        opt.step()

    for s in range(a.warmup + a.steps):
        sync()
        t0 = time.perf_counter()
        opt.zero_grad()
        out = ref.forward(lm, tp, buf, inp, c_text, training=True)
        loss = out["loss"]
        sync()
        t1 = time.perf_counter()
        loss.backward()
        sync()
        t2 = time.perf_counter()
        opt.step()
        sync()
        t3 = time.perf_counter()
        with torch.no_grad():
            sync()
            i0 = time.perf_counter()
            ref.forward(lm, tp, buf, inp, c_text, training=False)["logits"].sum().item()
            i1 = time.perf_counter()
        print("run %d%s: loss %.4f  step %.0f ms (forward %.0f, backward %.0f, AdamW %.1f)  inference %.0f ms" %
              (s, " (warm-up)" if s < a.warmup else "", loss.item(), (t3 - t0) * 1e3, (t1 - t0) * 1e3,
               (t2 - t1) * 1e3, (t3 - t2) * 1e3, (i1 - i0) * 1e3), flush=True)
        if s >= a.warmup:
            steps.append((t3 - t0) * 1e3)
            infers.append((i1 - i0) * 1e3)
    print("RESULT torch train_step_ms %.0f inference_ms %.0f (median of %d after %d warm-up)" %
          (statistics.median(steps), statistics.median(infers), a.steps, a.warmup))
    if a.cuda_profile and dev.type == "cuda":
        # the GPU's busy time, to set against the wall time above: what the host adds on top of it
        try:
            print("PROFILE torch one step + one inference: %s" % gpu_busy(train_step, lambda: ref.forward(
                lm, tp, buf, inp, c_text, training=False)["logits"].sum().item()), flush=True)
        except Exception as e:  # noqa: BLE001 - the timing above stands without it
            print("PROFILE torch failed: %r" % e, flush=True)



if __name__ == "__main__":
    main()
