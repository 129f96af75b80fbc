"""The official MedualTime training loops, in plain PyTorch, on tiny data: loss trajectories for the Java trainers.

Regenerate (from the repository root):

    /usr/bin/python3 tools/reference/official_loops.py

Adapted from the authors' loops (start2020/MedualTime, read side by side, not copied):
  * supervised      main_supervised.py as supervised_exp.sh runs it (--exp_lr --exp_gamma 0.5, 5 classes):
                    AdamW(head + adapters, lr 1e-3; PyTorch defaults betas (0.9, 0.999), eps 1e-8, weight decay
                    0.01), per step zero_grad / backward / step on the mean cross-entropy, no gradient clipping;
                    ExponentialLR stepped once per epoch AFTER the training steps and BEFORE validation;
                    validation in eval mode (BatchNorm running statistics, no dropout) without gradients.
  * transfer stage 1  main_transfer.py as transfer_exp.sh runs it (--detection, no --exp_lr): the same loop on
                    the coarse 4-class label with StepLR(step_size=5, gamma=0.3).
  * pretraining     main_unsupervised.py as unsupervised_exp.sh runs it (--contrastive_epoch 0.1
                    --contrastive_weight 0.1 --aug_noise 0.5): Adam(adapters + projection heads, lr 1e-3),
                    StepLR(step_size=20, gamma=0.5) per epoch; per step the four views ts / ts_aug (temporal
                    pass) and text / text_aug (textual pass, TemEnc of ts then of ts_aug, so BatchNorm sees two
                    batches in that order), each through its projection head p = W z + b, out = LN(p) + p
                    (adapter_cross_projector / adapter_cross_ln), L2-normalised;
                    loss = lambda (NCE(text, ts) + NCE(ts, text)) + NCE(ts, ts_aug) + NCE(text, text_aug),
                    NCE = cross_entropy(q k^T / 0.1, arange); lambda = 0.1 in 0-based epochs e > 0.1 x epochs,
                    else 0.

Where the reference follows this project instead of the official code (each a documented difference of
docs/TRAINING.md; none changes the loop's structure):
  * the model is medualtime_ref.py's (the tiny MedualTime of the medualtime-tiny fixture, dropout 0) and the
    report vector of the temporal pass is the frozen LM's (medualtime_ref.text_vector), not ClinicalBERT's
    [CLS]: with dropout 0 either is a constant per report, which is all the loop sees;
  * batch order and noise come from a replica of the project's generator (io.medualtime.tensor.Rng: SplitMix64,
    Box-Muller) seeded as the Java trainers seed theirs (SEED ^ 0x5EED shuffles the training split once per
    epoch (Fisher-Yates); SEED ^ 0xA06 draws the training noise; a fresh SEED ^ 0x7A1 the validation noise of
    each epoch; SEED ^ 0x4EAD the projection heads, N(0, 1) x 0.01, ts head first), not torch's RandomSampler
    and randn_like: the two sides then see the same batches, noise and initial weights;
  * validation loss: the mean over all validation records (official: a sum of per-batch means; unsupervised: the
    last batch only, the bug we fix). The validation split here is one batch, where the three agree;
  * pretraining validation uses lambda 0.1 in every epoch (ours, so that epochs are comparable; official: the
    training epoch's lambda).

Initial weights: the frozen LM and the trainables + BatchNorm statistics of fixtures/medualtime-tiny (written by
medualtime_ref.py); the coarse run keeps the first 4 rows of its 5-class head.

Writes medualtime/src/test/resources/fixtures/official-loops/:
  data.safetensors         per split s in train (9 records), val (4), test (2), in that order in the dataset:
                           s/signals [n, 4, 100] F32, s/report_ids [n, 10] I64 (right-padded with 999),
                           s/report_mask [n, 10] I64, s/fine [n] I64 (NORM, MI, STTC, CD, HYP = 0..4; the coarse
                           label is the project's grouping NORM, MI, STTC, CD+HYP = 0..3)
  trajectories.safetensors per run r in supervised, transfer1, pretrain (F32):
                           r/step_loss [epochs, steps] the training loss of every step,
                           r/train_loss [epochs] their mean weighted by batch size (what metrics.json records),
                           r/val_loss [epochs] after the epoch, r/lr [epochs] during the epoch
  config.json              seed, epochs, batch sizes, schedules of the three runs

Every run is repeated in float64 from the same (float32) data and weights; the script prints how far the float32
trajectory lies from it (max |f32 - f64| / max(1, max |f64|)): the drift of float32 training under Adam, against
which OfficialLoopsTest's tolerances are set (tools/reference/README.md).
The official logs divide an epoch's summed step losses by steps - 1 (main_supervised.py, main_transfer.py: `i`
is the last index); train_loss here is the true mean, as metrics.json records it.
"""
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import medualtime_ref as ref  # noqa: E402
import st  # noqa: E402
from gpt2_tiny import layer_norm  # noqa: E402

ROOT = ref.ROOT
TINY = ref.OUT_DIR
OUT_DIR = os.path.join(ROOT, "medualtime", "src", "test", "resources", "fixtures", "official-loops")
SEED = 7
SIZES = {"train": 9, "val": 4, "test": 2}
RUNS = {
    "supervised": {"label": "fine", "classes": 5, "epochs": 3, "batch": 3, "optimizer": "AdamW", "lr": 1e-3,
                   "weight_decay": 0.01, "schedule": "exp", "gamma": 0.5},
    "transfer1": {"label": "coarse", "classes": 4, "epochs": 6, "batch": 3, "optimizer": "AdamW", "lr": 1e-3,
                  "weight_decay": 0.01, "schedule": "step", "step_size": 5, "gamma": 0.3},
    "pretrain": {"epochs": 21, "batch": 9, "optimizer": "Adam", "lr": 1e-3, "schedule": "step", "step_size": 20,
                 "gamma": 0.5, "temperature": 0.1, "lambda": 0.1, "warmup_fraction": 0.1, "noise": 0.5},
}
COARSE_OF_FINE = [0, 1, 2, 3, 3]
M64 = (1 << 64) - 1


# ------------------------------------------------------------------ the project's generator (io.medualtime.tensor.Rng)
class JavaRng:
    """Bit-exact replica of io.medualtime.tensor.Rng (SplitMix64 counter; Box-Muller normals, cos first)."""

    def __init__(self, seed):
        self.seed = seed & M64
        self.spare = None

    def _next_seed(self):
        self.seed = (self.seed + 0x9E3779B97F4A7C15) & M64
        return self.seed

    def _next_int(self):
        z = self._next_seed()
        z = ((z ^ (z >> 33)) * 0x62A9D9ED799705F5) & M64
        r = (((z ^ (z >> 28)) * 0xCB24D0A5C88C35B3) & M64) >> 32
        return r - (1 << 32) if r >= (1 << 31) else r

    def next_int(self, bound):
        r, m = self._next_int(), bound - 1
        if bound & m == 0:
            return r & m
        u = (r & 0xFFFFFFFF) >> 1
        while True:
            r = u % bound
            s = (u + m - r) & 0xFFFFFFFF
            if s < (1 << 31):       # Java: u + m - r >= 0 without int overflow
                return r
            u = (self._next_int() & 0xFFFFFFFF) >> 1

    def _next_double(self):
        z = self._next_seed()
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        return ((z ^ (z >> 31)) >> 11) * 2.0 ** -53

    def normal(self):
        if self.spare is not None:
            s, self.spare = self.spare, None
            return s
        u1 = self._next_double()
        while u1 <= 0:
            u1 = self._next_double()
        u2 = self._next_double()
        r = math.sqrt(-2 * math.log(u1))
        self.spare = r * math.sin(2 * math.pi * u2)
        return r * math.cos(2 * math.pi * u2)

    def randn(self, *shape):
        n = int(np.prod(shape))
        return torch.tensor(np.array([self.normal() for _ in range(n)], dtype=np.float32).reshape(shape))

    def shuffled(self, n):
        idx = list(range(n))
        for i in range(n - 1, 0, -1):
            j = self.next_int(i + 1)
            idx[i], idx[j] = idx[j], idx[i]
        return idx


def batches(order, size):
    return [order[s:s + size] for s in range(0, len(order), size)]


# ------------------------------------------------------------------ data and initial weights
def make_data():
    g = torch.Generator().manual_seed(2024)
    data = {}
    fine = {"train": [0, 1, 2, 3, 4, 0, 1, 3, 4], "val": [0, 2, 3, 4], "test": [1, 4]}
    for split, n in SIZES.items():
        ids = torch.full((n, ref.R), ref.PAD, dtype=torch.int64)
        mask = torch.zeros(n, ref.R, dtype=torch.int64)
        for b in range(n):
            length = int(torch.randint(3, ref.R + 1, (1,), generator=g))
            ids[b, :length] = torch.randint(0, ref.PAD, (length,), generator=g)
            mask[b, :length] = 1
        data[split + "/signals"] = ref.synthetic_signals(g, n, ref.LEADS, ref.T)
        data[split + "/report_ids"] = ids
        data[split + "/report_mask"] = mask
        data[split + "/fine"] = torch.tensor(fine[split], dtype=torch.int64)
    return data


def load_tiny(dtype):
    def read(path):
        return {k: (torch.tensor(np.array(v)).to(dtype) if v.dtype == np.float32 else torch.tensor(np.array(v)))
                for k, v in st.load(path)[0].items()}
    lm = read(os.path.join(TINY, "lm", "model.safetensors"))
    state = read(os.path.join(TINY, "trainable.safetensors"))
    tp = {k: v for k, v in state.items() if not any(s in k for s in ("running_", "num_batches"))}
    buf = {k: v for k, v in state.items() if k not in tp}
    return lm, tp, buf


def split_inputs(data, split, rows, label):
    mask = data[split + "/report_mask"][rows]
    n = int(mask.sum(1).max())        # padded to the batch's longest report, as the Java side does
    y = data[split + "/fine"][rows]
    if label == "coarse":
        y = torch.tensor([COARSE_OF_FINE[int(v)] for v in y], dtype=torch.int64)
    return {"signals": data[split + "/signals"][rows], "report_ids": data[split + "/report_ids"][rows][:, :n],
            "report_mask": mask[:, :n], "labels": y}


def make_optimizer(params, cfg):
    if cfg["optimizer"] == "AdamW":
        opt = torch.optim.AdamW(params, lr=cfg["lr"], weight_decay=cfg["weight_decay"])
    else:
        opt = torch.optim.Adam(params, lr=cfg["lr"])
    if cfg["schedule"] == "exp":
        return opt, torch.optim.lr_scheduler.ExponentialLR(opt, gamma=cfg["gamma"])
    return opt, torch.optim.lr_scheduler.StepLR(opt, step_size=cfg["step_size"], gamma=cfg["gamma"])


# ------------------------------------------------------------------ supervised loop (supervised, transfer stage 1)
def supervised(lm, tp0, buf0, data, cfg):
    tp = {k: v.clone().requires_grad_(True) for k, v in tp0.items()}
    if cfg["classes"] < tp["head.weight"].shape[0]:
        tp["head.weight"] = tp0["head.weight"][:cfg["classes"]].clone().requires_grad_(True)
        tp["head.bias"] = tp0["head.bias"][:cfg["classes"]].clone().requires_grad_(True)
    buf = {k: v.clone() for k, v in buf0.items()}
    opt, sched = make_optimizer(list(tp.values()), cfg)
    shuffle = JavaRng(SEED ^ 0x5EED)
    out = {"step_loss": [], "train_loss": [], "val_loss": [], "lr": []}

    def fwd(split, rows, training):
        inp = split_inputs(data, split, rows, cfg["label"])
        with torch.no_grad():
            c_text = ref.text_vector(lm, inp["report_ids"], inp["report_mask"])
        return ref.forward(lm, tp, buf, inp, c_text, training)["loss"], len(rows)

    for epoch in range(cfg["epochs"]):
        out["lr"].append(opt.param_groups[0]["lr"])
        steps, total, seen = [], 0.0, 0
        for rows in batches(shuffle.shuffled(SIZES["train"]), cfg["batch"]):
            loss, n = fwd("train", rows, True)
            opt.zero_grad()
            loss.backward()
            opt.step()
            steps.append(loss.item())
            total, seen = total + loss.item() * n, seen + n
        sched.step()
        with torch.no_grad():
            val, n = fwd("val", list(range(SIZES["val"])), False)
        out["step_loss"].append(steps)
        out["train_loss"].append(total / seen)
        out["val_loss"].append(val.item())
    return out


# ------------------------------------------------------------------ contrastive pre-training loop
def project(heads, name, z):
    p = F.linear(z, heads[name + ".proj.weight"], heads[name + ".proj.bias"])
    return F.normalize(layer_norm(p, heads[name + ".norm.weight"], heads[name + ".norm.bias"]) + p, p=2, dim=1)


def views(lm, tp, buf, heads, x, aug, ids, mask, training):
    with torch.no_grad():
        c_text = ref.text_vector(lm, ids, mask)

    def ts_pass(sig):
        patches = ref.patchify(ref.revin(sig))
        e = F.linear(patches, tp["ts_adapter_layer.weight"], tp["ts_adapter_layer.bias"]) + lm["wpe.weight"][:patches.shape[1]]
        h = ref.run_blocks(lm, tp, e, "adapter_query_ts.weight", c_text, None)
        return layer_norm(h, tp["adapter_ln_f2.weight"], tp["adapter_ln_f2.bias"])[:, -1]

    def text_pass(sig):
        c_ts = layer_norm(ref.temenc(sig, tp, buf, training), tp["adapter_ts_proj_norm.weight"], tp["adapter_ts_proj_norm.bias"])
        h = lm["wte.weight"][ids] + lm["wpe.weight"][torch.arange(ids.shape[1])]
        h = ref.run_blocks(lm, tp, h, "adapter_query_text.weight", c_ts, ref.pad_mask_add(mask, h.dtype))
        last = h[torch.arange(ids.shape[0]), mask.sum(1) - 1]
        return layer_norm(last, tp["adapter_ln_f1.weight"], tp["adapter_ln_f1.bias"])

    zts, zts_aug = ts_pass(x), ts_pass(aug)
    ztext, ztext_aug = text_pass(x), text_pass(aug)      # TemEnc of x, then of aug
    return (project(heads, "ts", zts), project(heads, "ts", zts_aug),
            project(heads, "text", ztext), project(heads, "text", ztext_aug))


def nce(q, k, tau):
    return F.cross_entropy(q @ k.t() / tau, torch.arange(q.shape[0]))


def contrastive_loss(v, lam, cfg):
    ts, ts_aug, text, text_aug = v
    tau = cfg["temperature"]
    return lam * (nce(text, ts, tau) + nce(ts, text, tau)) + (nce(ts, ts_aug, tau) + nce(text, text_aug, tau))


def pretrain(lm, tp0, buf0, data, cfg):
    tp = {k: v.clone().requires_grad_(True) for k, v in tp0.items()}
    buf = {k: v.clone() for k, v in buf0.items()}
    d, dt = tp["adapter_ln_f1.weight"].shape[0], tp["adapter_ln_f1.weight"].dtype
    init = JavaRng(SEED ^ 0x4EAD)
    heads = {}
    for name in ("ts", "text"):
        heads[name + ".proj.weight"] = (init.randn(d, d) * 0.01).to(dt).requires_grad_(True)
        heads[name + ".proj.bias"] = torch.zeros(d, dtype=dt, requires_grad=True)
        heads[name + ".norm.weight"] = torch.ones(d, dtype=dt, requires_grad=True)
        heads[name + ".norm.bias"] = torch.zeros(d, dtype=dt, requires_grad=True)
    opt, sched = make_optimizer(list(tp.values()) + list(heads.values()), cfg)
    shuffle, noise = JavaRng(SEED ^ 0x5EED), JavaRng(SEED ^ 0xA06)
    out = {"step_loss": [], "train_loss": [], "val_loss": [], "lr": []}

    def batch_loss(split, rows, lam, rng, training):
        inp = split_inputs(data, split, rows, "fine")
        x = inp["signals"]
        aug = x + (rng.randn(*x.shape) * cfg["noise"]).to(x.dtype)   # the noise is drawn and scaled in float32
        return contrastive_loss(views(lm, tp, buf, heads, x, aug, inp["report_ids"], inp["report_mask"], training), lam, cfg)

    for epoch in range(cfg["epochs"]):
        lam = cfg["lambda"] if epoch > cfg["warmup_fraction"] * cfg["epochs"] else 0.0
        out["lr"].append(opt.param_groups[0]["lr"])
        steps, total, seen = [], 0.0, 0
        for rows in batches(shuffle.shuffled(SIZES["train"]), cfg["batch"]):
            loss = batch_loss("train", rows, lam, noise, True)
            opt.zero_grad()
            loss.backward()
            opt.step()
            steps.append(loss.item())
            total, seen = total + loss.item() * len(rows), seen + len(rows)
        sched.step()
        with torch.no_grad():
            val = batch_loss("val", list(range(SIZES["val"])), cfg["lambda"], JavaRng(SEED ^ 0x7A1), False)
        out["step_loss"].append(steps)
        out["train_loss"].append(total / seen)
        out["val_loss"].append(val.item())
    return out


def scaled_diff(a, b):
    """max |a - b| / max(1, max |b|): the Java tests' measure (Fixtures.assertClose)."""
    a, b = np.array(a, dtype=np.float64), np.array(b, dtype=np.float64)
    return float(np.max(np.abs(a - b)) / max(1.0, float(np.max(np.abs(b)))))


def main():
    torch.set_num_threads(1)
    data = make_data()
    os.makedirs(OUT_DIR, exist_ok=True)
    st.save(os.path.join(OUT_DIR, "data.safetensors"), data)
    data64 = {k: (v.double() if v.is_floating_point() else v) for k, v in data.items()}
    lm, tp, buf = load_tiny(torch.float32)
    lm64, tp64, buf64 = load_tiny(torch.float64)
    traj = {}
    for name, cfg in RUNS.items():
        loop = pretrain if name == "pretrain" else supervised
        res = loop(lm, tp, buf, data, cfg)
        res64 = loop(lm64, tp64, buf64, data64, cfg)
        for k, v in res.items():
            traj[name + "/" + k] = torch.tensor(v, dtype=torch.float32)
        print("%-10s float32 vs float64 (scaled): first step %.2g, train %.2g, val %.2g" % (
            name, scaled_diff(res["step_loss"][0][0], res64["step_loss"][0][0]),
            scaled_diff(res["train_loss"], res64["train_loss"]), scaled_diff(res["val_loss"], res64["val_loss"])))
        print("%-10s train %s" % (name, " ".join("%.6f" % v for v in res["train_loss"])))
        print("%-10s val   %s" % (name, " ".join("%.6f" % v for v in res["val_loss"])))
        print("%-10s lr    %s" % (name, " ".join("%.3g" % v for v in res["lr"])))
    st.save(os.path.join(OUT_DIR, "trajectories.safetensors"), traj)
    with open(os.path.join(OUT_DIR, "config.json"), "w") as f:
        json.dump({"seed": SEED, "sizes": SIZES, "runs": RUNS}, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
