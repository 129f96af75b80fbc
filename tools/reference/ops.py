"""Reference fixtures for the tensor ops (forward + backward), checked by the Java tensor tests.

Regenerate (from the repository root):

    /usr/bin/python3 tools/reference/ops.py

Writes
  tensor/src/test/resources/fixtures/ops.safetensors
  tensor/src/test/resources/fixtures/ops.json        (the manifest)

Everything is computed in float32 by PyTorch (CPU) with autograd, seeded (torch.manual_seed(1234)),
so the output is reproducible for a given torch build.

For every case <c> the safetensors file holds
  <c>/in0, <c>/in1, ...     the inputs in the order of the op's signature (see the manifest);
                            float inputs are F32, integer ids/indices/targets are I64,
                            boolean conditions/masks are F32 0.0/1.0;
  <c>/out                   the forward output (ops with several outputs: <c>/out0, <c>/out1, ...);
  <c>/gout                  a random upstream gradient of the same shape as out
                            (several outputs: <c>/gout0, <c>/gout1, ...);
  <c>/grad<i>               d sum(out * gout) / d in<i> for every input i whose manifest "grad"
                            entry is true (same shape as the LOGICAL input, contiguous);
  extra outputs that some ops have are listed in the manifest's "extra" (e.g. batch_norm's running
  statistics after the step: <c>/running_mean_out, <c>/running_var_out).

Manifest (ops.json): a JSON list, one object per case, in file order:
  {"case": name, "op": opname, "args": {...}, "inputs": [logical shapes], "dtypes": ["F32"|"I64"],
   "grad": [bool per input], "outputs": [shapes of out / out0, out1, ...], "extra": [names]}

Non-contiguous inputs: args may contain "transpose_in<i>": [a, b]. Then <c>/in<i> is stored
CONTIGUOUSLY with dims a and b of the logical shape swapped (it is x.transpose(a, b).contiguous());
the Java test must load it and call .transpose(a, b) on it to obtain the logical input, which is
then a non-contiguous view of shape "inputs"[i]. grad<i> is stored in the logical shape. Every
other input is stored exactly as used.

Dims in args follow PyTorch: negative dims count from the end. A reduction over all dims with
keepdim=false gives a 0-d tensor (shape []). Scalars (cross_entropy's loss) are 0-d as well.

Conventions per op (args):
  add/sub/mul/div/pow:         out = in0 (op) in1 with broadcasting; div and pow use positive in1/in0
  neg/sqrt/exp/log/tanh/sigmoid/relu/gelu_tanh: unary (gelu_tanh = F.gelu(x, approximate='tanh'))
  add_scalar/mul_scalar {s}, pow_scalar {p} (positive input)
  matmul:                      torch.matmul(in0, in1) (2-D, batched 3-D/4-D, broadcast batch dims)
  sum/mean {dims, keepdim}; max {dim, keepdim} (values only; no ties)
  var {dims, keepdim, unbiased}
  softmax/log_softmax {dim}
  layer_norm {normalized_shape, eps}: in0 x, in1 weight, in2 bias
  embedding: in0 weight [V, D] (grad), in1 ids (I64, repeated ids included)
  cross_entropy {reduction: "mean", ignore_index}: in0 logits [N, C], in1 targets (I64); the mean is
                               over the rows whose target != ignore_index (PyTorch semantics)
  cat/stack {dim}: in0..in(n-1)
  split {split_size_or_sections, dim} / chunk {chunks, dim}: several outputs out0.. with gout0..
  gather {dim}: in0 x, in1 index (I64)
  index_select {dim}: in0 x, in1 index (I64, 1-D)
  where: in0 cond (F32 0/1; true where 1), in1 a, in2 b (broadcasting)
  masked_fill {value}: in0 x, in1 mask (F32 0/1, broadcasting), out = x with value where mask == 1
  conv1d {padding: "same", stride: 1, bias: bool}: in0 x [B, Cin, L], in1 w [Cout, Cin, k], in2 bias [Cout]
  batch_norm {training, momentum, eps}: in0 x ([B, C, L] or [B, C]), in1 weight, in2 bias,
                               in3 running_mean, in4 running_var (no grad); training=true: batch
                               statistics (biased variance) for the output, running stats updated
                               as r = (1 - momentum) r + momentum * stat with the UNBIASED batch
                               variance, stored as extra <c>/running_mean_out, <c>/running_var_out;
                               training=false: running stats used, not changed
  mean_pool_last: mean over the last dim (== mean {dims: [-1], keepdim: false})
  l2_normalize {dim, eps}: F.normalize(x, p=2, dim=-1, eps=1e-12) = x / max(||x||, eps)
  unfold {dim, size, step}: x.unfold(dim, size, step)
  transpose {dim0, dim1} / permute {dims}: followed by .contiguous() (the values are the same)
  reshape/view {shape}; expand {shape}; narrow {dim, start, length};
  slice {dim, start, end, step}: x[..., start:end:step, ...] along dim
  squeeze {dim}; unsqueeze {dim}
Dropout is random and is not here (the Java tests check it statistically).
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import st  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT_DIR = os.path.join(ROOT, "tensor", "src", "test", "resources", "fixtures")

torch.manual_seed(1234)
torch.set_default_dtype(torch.float32)

TENSORS = {}
MANIFEST = []


def rn(*shape):
    return torch.randn(*shape)


def pos(*shape, lo=0.5, hi=2.0):
    return torch.rand(*shape) * (hi - lo) + lo


def away_from_zero(*shape, margin=0.05):
    """Random values with |x| >= margin (for relu: no kinks at 0)."""
    x = torch.randn(*shape)
    return torch.where(x.abs() < margin, torch.sign(x + 1e-9) * (margin + x.abs()), x)


def ids(high, *shape):
    return torch.randint(0, high, shape, dtype=torch.int64)


def mask01(*shape, p=0.5):
    return (torch.rand(*shape) < p).to(torch.float32)


def case(name, op, fn, inputs, grad=None, args=None, transposes=None, extra_fn=None):
    """Register one case.

    inputs: list of tensors in their LOGICAL shape (float -> F32, int64 -> I64).
    grad:   list of bools (default: True for float inputs).
    transposes: {i: (a, b)} -> input i is stored transposed (see module docstring) and passed to fn
            as a non-contiguous view.
    fn(*inputs) -> tensor or list/tuple of tensors.
    extra_fn(): -> dict of extra named tensors computed after the forward (e.g. running stats).
    """
    assert name not in {m["case"] for m in MANIFEST}, name
    args = dict(args or {})
    transposes = transposes or {}
    if grad is None:
        grad = [t.is_floating_point() for t in inputs]
    leaves = []
    used = []
    for i, t in enumerate(inputs):
        if i in transposes:
            a, b = transposes[i]
            stored = t.transpose(a, b).contiguous()
            TENSORS["%s/in%d" % (name, i)] = stored
            leaf = stored.clone().requires_grad_(grad[i])
            view = leaf.transpose(a, b)
            assert not view.is_contiguous() or t.dim() < 2, name
            args["transpose_in%d" % i] = [a, b]
            leaves.append(leaf)
            used.append(view)
        else:
            TENSORS["%s/in%d" % (name, i)] = t
            leaf = t.clone().requires_grad_(grad[i]) if t.is_floating_point() else t.clone()
            leaves.append(leaf)
            used.append(leaf)
    out = fn(*used)
    multi = isinstance(out, (list, tuple))
    outs = list(out) if multi else [out]
    gouts = [torch.randn(o.shape) for o in outs]
    for k, (o, g) in enumerate(zip(outs, gouts)):
        suffix = str(k) if multi else ""
        TENSORS["%s/out%s" % (name, suffix)] = o.detach().clone()
        TENSORS["%s/gout%s" % (name, suffix)] = g
    extra = {}
    if extra_fn is not None:
        extra = extra_fn()
        for k, v in extra.items():
            TENSORS["%s/%s" % (name, k)] = v.detach().clone()
    if any(grad):
        loss = sum((o * g).sum() for o, g in zip(outs, gouts))
        loss.backward()
        for i, leaf in enumerate(leaves):
            if grad[i]:
                gr = leaf.grad
                if i in transposes:
                    a, b = transposes[i]
                    gr = gr.transpose(a, b)  # back to the logical shape
                TENSORS["%s/grad%d" % (name, i)] = gr.contiguous().clone()
    MANIFEST.append({
        "case": name,
        "op": op,
        "args": args,
        "inputs": [list(t.shape) for t in inputs],
        "dtypes": ["F32" if t.is_floating_point() else "I64" for t in inputs],
        "grad": list(grad),
        "outputs": [list(o.shape) for o in outs],
        "extra": list(extra.keys()),
    })


def binary(op, fn, a_shapes, b_shapes, make_a=rn, make_b=rn):
    for k, (sa, sb) in enumerate(zip(a_shapes, b_shapes)):
        case("%s_%d" % (op, k), op, fn, [make_a(*sa), make_b(*sb)])


def build():
    # ---------------------------------------------------------------- elementwise binary
    shapes_a = [[3, 4], [3, 1, 5], [1], [2, 3, 4], [5], [2, 1, 3, 1]]
    shapes_b = [[3, 4], [4, 5], [2, 3], [3, 1], [4, 5], [4, 1, 6]]
    binary("add", lambda a, b: a + b, shapes_a, shapes_b)
    binary("sub", lambda a, b: a - b, shapes_a, shapes_b)
    binary("mul", lambda a, b: a * b, shapes_a, shapes_b)
    binary("div", lambda a, b: a / b, shapes_a, shapes_b, make_b=pos)
    binary("pow", lambda a, b: torch.pow(a, b), shapes_a[:4], shapes_b[:4], make_a=pos,
           make_b=lambda *s: torch.rand(*s) * 3 - 1.5)
    # non-contiguous operands
    case("add_nc", "add", lambda a, b: a + b, [rn(4, 3), rn(4, 3)], transposes={0: (0, 1)})
    case("mul_nc", "mul", lambda a, b: a * b, [rn(2, 5, 3), rn(5, 1)], transposes={0: (1, 2)})
    case("sub_nc", "sub", lambda a, b: a - b, [rn(3, 4), rn(3, 4)], transposes={0: (0, 1), 1: (0, 1)})
    case("div_nc", "div", lambda a, b: a / b, [rn(2, 3, 4), pos(2, 3, 4)], transposes={1: (0, 2)})

    # ---------------------------------------------------------------- unary
    for shp in ([3, 4], [2, 3, 5]):
        tag = "%dd" % len(shp)
        case("neg_" + tag, "neg", lambda x: -x, [rn(*shp)])
        case("sqrt_" + tag, "sqrt", torch.sqrt, [pos(*shp, lo=0.2, hi=3.0)])
        case("exp_" + tag, "exp", torch.exp, [rn(*shp)])
        case("log_" + tag, "log", torch.log, [pos(*shp, lo=0.2, hi=3.0)])
        case("tanh_" + tag, "tanh", torch.tanh, [rn(*shp) * 2])
        case("sigmoid_" + tag, "sigmoid", torch.sigmoid, [rn(*shp) * 2])
        case("relu_" + tag, "relu", torch.relu, [away_from_zero(*shp)])
        case("gelu_tanh_" + tag, "gelu_tanh", lambda x: F.gelu(x, approximate="tanh"), [rn(*shp) * 2])
    case("exp_nc", "exp", torch.exp, [rn(4, 3)], transposes={0: (0, 1)})
    case("gelu_tanh_nc", "gelu_tanh", lambda x: F.gelu(x, approximate="tanh"), [rn(2, 4, 3)],
         transposes={0: (1, 2)})
    for k, s in enumerate([2.5, -0.75]):
        case("add_scalar_%d" % k, "add_scalar", lambda x, s=s: x + s, [rn(3, 4)], args={"s": s})
        case("mul_scalar_%d" % k, "mul_scalar", lambda x, s=s: x * s, [rn(2, 3, 2)], args={"s": s})
    for k, p in enumerate([2.0, 0.5, -1.5, 3.0]):
        case("pow_scalar_%d" % k, "pow_scalar", lambda x, p=p: torch.pow(x, p), [pos(3, 4, lo=0.3, hi=2.0)],
             args={"p": p})

    # ---------------------------------------------------------------- matmul
    mm = torch.matmul
    case("matmul_2d", "matmul", mm, [rn(3, 4), rn(4, 5)])
    case("matmul_2d_b", "matmul", mm, [rn(1, 7), rn(7, 2)])
    case("matmul_3d", "matmul", mm, [rn(2, 3, 4), rn(2, 4, 5)])
    case("matmul_4d", "matmul", mm, [rn(2, 3, 4, 5), rn(2, 3, 5, 2)])
    case("matmul_bcast_3d_2d", "matmul", mm, [rn(3, 4, 5), rn(5, 6)])
    case("matmul_bcast_2d_3d", "matmul", mm, [rn(4, 5), rn(3, 5, 2)])
    case("matmul_bcast_4d", "matmul", mm, [rn(2, 1, 3, 4), rn(3, 4, 5)])
    case("matmul_bcast_4d_b", "matmul", mm, [rn(1, 3, 2, 4), rn(2, 1, 4, 3)])
    case("matmul_tA", "matmul", mm, [rn(3, 4), rn(4, 5)], transposes={0: (0, 1)})
    case("matmul_tB", "matmul", mm, [rn(3, 4), rn(4, 5)], transposes={1: (0, 1)})
    case("matmul_tAB_3d", "matmul", mm, [rn(2, 3, 4), rn(2, 4, 5)], transposes={0: (1, 2), 1: (1, 2)})
    case("matmul_tB_4d", "matmul", mm, [rn(2, 2, 3, 4), rn(2, 2, 4, 3)], transposes={1: (2, 3)})
    case("matmul_tA_batch", "matmul", mm, [rn(3, 2, 4), rn(3, 4, 5)], transposes={0: (0, 1)})

    # ---------------------------------------------------------------- reductions
    x3 = [2, 3, 4]
    for red, fn in (("sum", torch.sum), ("mean", torch.mean)):
        for k, (shp, dims, keep) in enumerate([
            ([3, 4], [1], False), ([3, 4], [0], True), (x3, [0, 2], False), (x3, [1], True),
            (x3, [-1], False), ([2, 3], [0, 1], False), ([2, 1, 3, 2], [1, 3], True),
        ]):
            case("%s_%d" % (red, k), red, lambda x, d=dims, kd=keep, f=fn: f(x, dim=d, keepdim=kd),
                 [rn(*shp)], args={"dims": dims, "keepdim": keep})
        case("%s_nc" % red, red, lambda x, f=fn: f(x, dim=[1], keepdim=False), [rn(3, 4)],
             args={"dims": [1], "keepdim": False}, transposes={0: (0, 1)})
    for k, (shp, dim, keep) in enumerate([([3, 5], 1, False), ([3, 5], 0, True), (x3, 1, False),
                                          (x3, -1, True)]):
        case("max_%d" % k, "max", lambda x, d=dim, kd=keep: torch.max(x, dim=d, keepdim=kd).values,
             [rn(*shp)], args={"dim": dim, "keepdim": keep})
    k = 0
    for unb in (False, True):
        for shp, dims, keep in (([3, 5], [1], False), (x3, [0, 2], True), (x3, [-1], False), ([4, 3], [0], True)):
            case("var_%d" % k, "var", lambda x, d=dims, kd=keep, u=unb: torch.var(x, dim=d, unbiased=u, keepdim=kd),
                 [rn(*shp)], args={"dims": dims, "keepdim": keep, "unbiased": unb})
            k += 1

    # ---------------------------------------------------------------- softmax family
    for k, (shp, dim) in enumerate([([3, 5], -1), ([3, 5], 0), (x3, 1), ([2, 2, 3, 4], -1)]):
        case("softmax_%d" % k, "softmax", lambda x, d=dim: torch.softmax(x, dim=d), [rn(*shp) * 2],
             args={"dim": dim})
        case("log_softmax_%d" % k, "log_softmax", lambda x, d=dim: torch.log_softmax(x, dim=d),
             [rn(*shp) * 2], args={"dim": dim})
    case("softmax_nc", "softmax", lambda x: torch.softmax(x, dim=-1), [rn(4, 3)], args={"dim": -1},
         transposes={0: (0, 1)})

    # ---------------------------------------------------------------- layer norm
    for k, shp in enumerate([[3, 6], [2, 3, 5], [2, 1, 7]]):
        d = shp[-1]
        case("layer_norm_%d" % k, "layer_norm",
             lambda x, w, b, d=d: F.layer_norm(x, (d,), w, b, eps=1e-5),
             [rn(*shp) * 1.5 + 0.3, 1 + 0.3 * rn(d), 0.3 * rn(d)],
             args={"normalized_shape": [d], "eps": 1e-5})

    # ---------------------------------------------------------------- embedding / cross entropy
    case("embedding_0", "embedding", lambda w, i: F.embedding(i, w),
         [rn(7, 4), torch.tensor([[1, 3, 1, 6], [0, 3, 3, 2]])], grad=[True, False])
    case("embedding_1", "embedding", lambda w, i: F.embedding(i, w),
         [rn(5, 3), torch.tensor([4, 0, 4, 4, 2])], grad=[True, False])
    case("cross_entropy_0", "cross_entropy", lambda x, t: F.cross_entropy(x, t),
         [rn(4, 6) * 2, torch.tensor([0, 5, 2, 2])], grad=[True, False],
         args={"reduction": "mean", "ignore_index": -100})
    case("cross_entropy_ignore", "cross_entropy", lambda x, t: F.cross_entropy(x, t, ignore_index=-100),
         [rn(5, 7) * 2, torch.tensor([3, -100, 6, -100, 0])], grad=[True, False],
         args={"reduction": "mean", "ignore_index": -100})

    # ---------------------------------------------------------------- cat / stack / split / chunk
    case("cat_0", "cat", lambda a, b, c: torch.cat([a, b, c], dim=0), [rn(2, 3), rn(1, 3), rn(3, 3)],
         args={"dim": 0})
    case("cat_1", "cat", lambda a, b: torch.cat([a, b], dim=1), [rn(2, 3, 4), rn(2, 1, 4)], args={"dim": 1})
    case("cat_2", "cat", lambda a, b: torch.cat([a, b], dim=-1), [rn(2, 3, 2), rn(2, 3, 5)], args={"dim": -1})
    case("cat_nc", "cat", lambda a, b: torch.cat([a, b], dim=0), [rn(2, 3), rn(3, 3)], args={"dim": 0},
         transposes={1: (0, 1)})
    case("stack_0", "stack", lambda a, b, c: torch.stack([a, b, c], dim=0), [rn(2, 3), rn(2, 3), rn(2, 3)],
         args={"dim": 0})
    case("stack_1", "stack", lambda a, b: torch.stack([a, b], dim=1), [rn(2, 3), rn(2, 3)], args={"dim": 1})
    case("stack_2", "stack", lambda a, b: torch.stack([a, b], dim=-1), [rn(3, 2, 2), rn(3, 2, 2)], args={"dim": -1})
    case("split_0", "split", lambda x: torch.split(x, [2, 3, 1], dim=1), [rn(2, 6, 3)],
         args={"split_size_or_sections": [2, 3, 1], "dim": 1})
    case("split_1", "split", lambda x: torch.split(x, 2, dim=0), [rn(5, 3)],
         args={"split_size_or_sections": 2, "dim": 0})
    case("split_2", "split", lambda x: torch.split(x, [4, 4, 4], dim=-1), [rn(2, 12)],
         args={"split_size_or_sections": [4, 4, 4], "dim": -1})
    case("chunk_0", "chunk", lambda x: torch.chunk(x, 3, dim=-1), [rn(2, 3, 6)], args={"chunks": 3, "dim": -1})
    case("chunk_1", "chunk", lambda x: torch.chunk(x, 2, dim=0), [rn(5, 2)], args={"chunks": 2, "dim": 0})

    # ---------------------------------------------------------------- gather / index_select
    case("gather_0", "gather", lambda x, i: torch.gather(x, 1, i),
         [rn(3, 5), torch.tensor([[0, 4], [2, 2], [1, 3]])], grad=[True, False], args={"dim": 1})
    case("gather_1", "gather", lambda x, i: torch.gather(x, 0, i),
         [rn(3, 4), torch.tensor([[2, 0, 1, 1], [2, 2, 0, 1]])], grad=[True, False], args={"dim": 0})
    case("gather_2", "gather", lambda x, i: torch.gather(x, -1, i),
         [rn(2, 3, 4), ids(4, 2, 3, 1)], grad=[True, False], args={"dim": -1})
    case("index_select_0", "index_select", lambda x, i: torch.index_select(x, 0, i),
         [rn(4, 3), torch.tensor([3, 0, 3, 1, 3])], grad=[True, False], args={"dim": 0})
    case("index_select_1", "index_select", lambda x, i: torch.index_select(x, 1, i),
         [rn(2, 5, 3), torch.tensor([4, 1, 1])], grad=[True, False], args={"dim": 1})
    case("index_select_2", "index_select", lambda x, i: torch.index_select(x, -1, i),
         [rn(2, 3, 4), torch.tensor([2, 2, 0])], grad=[True, False], args={"dim": -1})

    # ---------------------------------------------------------------- where / masked_fill
    case("where_0", "where", lambda c, a, b: torch.where(c > 0.5, a, b),
         [mask01(3, 4), rn(3, 4), rn(3, 4)], grad=[False, True, True])
    case("where_1", "where", lambda c, a, b: torch.where(c > 0.5, a, b),
         [mask01(3, 1), rn(1, 4), rn(3, 4)], grad=[False, True, True])
    case("where_2", "where", lambda c, a, b: torch.where(c > 0.5, a, b),
         [mask01(2, 3, 4), rn(4), rn(2, 1, 4)], grad=[False, True, True])
    case("masked_fill_0", "masked_fill", lambda x, m: x.masked_fill(m > 0.5, -3.5),
         [rn(3, 4), mask01(3, 4)], grad=[True, False], args={"value": -3.5})
    case("masked_fill_1", "masked_fill", lambda x, m: x.masked_fill(m > 0.5, -1e9),
         [rn(2, 3, 4), mask01(1, 1, 4)], grad=[True, False], args={"value": -1e9})
    case("masked_fill_2", "masked_fill", lambda x, m: x.masked_fill(m > 0.5, 0.0),
         [rn(2, 3, 4), mask01(2, 1, 4)], grad=[True, False], args={"value": 0.0})

    # ---------------------------------------------------------------- conv1d
    for k, (b, cin, cout, L, ks, bias) in enumerate([(2, 3, 4, 7, 3, True), (2, 3, 4, 7, 3, False),
                                                    (1, 2, 3, 6, 5, True), (3, 1, 2, 5, 7, False),
                                                    (2, 4, 3, 5, 1, False)]):
        ins = [rn(b, cin, L), rn(cout, cin, ks) * 0.5] + ([rn(cout) * 0.3] if bias else [])
        case("conv1d_%d" % k, "conv1d",
             lambda x, w, *bb: F.conv1d(x, w, bb[0] if bb else None, stride=1, padding="same"), ins,
             args={"padding": "same", "stride": 1, "bias": bias, "kernel_size": ks})

    # ---------------------------------------------------------------- batch norm
    for k, shp in enumerate([[3, 4, 5], [6, 3]]):
        c = shp[1]
        for training in (True, False):
            rm = 0.3 * rn(c)
            rv = pos(c, lo=0.5, hi=1.5)
            rm_live, rv_live = rm.clone(), rv.clone()

            def fn(x, w, b, _rm, _rv, rm_live=rm_live, rv_live=rv_live, training=training):
                return F.batch_norm(x, rm_live, rv_live, w, b, training=training, momentum=0.1, eps=1e-5)

            extra = (lambda rm_live=rm_live, rv_live=rv_live: {"running_mean_out": rm_live,
                                                               "running_var_out": rv_live})
            name = "batch_norm_%s_%dd" % ("train" if training else "eval", len(shp))
            case(name, "batch_norm", fn,
                 [rn(*shp) * 1.7 + 0.4, 1 + 0.3 * rn(c), 0.3 * rn(c), rm, rv],
                 grad=[True, True, True, False, False],
                 args={"training": training, "momentum": 0.1, "eps": 1e-5},
                 extra_fn=extra)

    # ---------------------------------------------------------------- pooling / normalize / unfold
    case("mean_pool_last_0", "mean_pool_last", lambda x: x.mean(dim=-1), [rn(2, 3, 5)])
    case("mean_pool_last_1", "mean_pool_last", lambda x: x.mean(dim=-1), [rn(4, 6)])
    case("l2_normalize_0", "l2_normalize", lambda x: F.normalize(x, p=2, dim=-1, eps=1e-12), [rn(3, 5)],
         args={"dim": -1, "eps": 1e-12})
    case("l2_normalize_1", "l2_normalize", lambda x: F.normalize(x, p=2, dim=-1, eps=1e-12), [rn(2, 3, 4)],
         args={"dim": -1, "eps": 1e-12})
    case("unfold_0", "unfold", lambda x: x.unfold(-1, 3, 2), [rn(2, 3, 9)], args={"dim": -1, "size": 3, "step": 2})
    case("unfold_1", "unfold", lambda x: x.unfold(1, 2, 2), [rn(2, 7, 3)], args={"dim": 1, "size": 2, "step": 2})
    case("unfold_2", "unfold", lambda x: x.unfold(0, 4, 1), [rn(6, 2)], args={"dim": 0, "size": 4, "step": 1})
    case("unfold_3", "unfold", lambda x: x.unfold(-1, 25, 25), [rn(2, 3, 75)],
         args={"dim": -1, "size": 25, "step": 25})

    # ---------------------------------------------------------------- shape ops
    case("transpose_0", "transpose", lambda x: x.transpose(0, 1).contiguous(), [rn(3, 4)],
         args={"dim0": 0, "dim1": 1})
    case("transpose_1", "transpose", lambda x: x.transpose(1, 2).contiguous(), [rn(2, 3, 4)],
         args={"dim0": 1, "dim1": 2})
    case("transpose_2", "transpose", lambda x: x.transpose(-1, 0).contiguous(), [rn(2, 3, 4, 2)],
         args={"dim0": -1, "dim1": 0})
    case("permute_0", "permute", lambda x: x.permute(2, 0, 1).contiguous(), [rn(2, 3, 4)], args={"dims": [2, 0, 1]})
    case("permute_1", "permute", lambda x: x.permute(0, 2, 1, 3).contiguous(), [rn(2, 3, 4, 5)],
         args={"dims": [0, 2, 1, 3]})
    case("permute_nc", "permute", lambda x: x.permute(1, 2, 0).contiguous(), [rn(2, 3, 4)],
         args={"dims": [1, 2, 0]}, transposes={0: (0, 2)})
    case("reshape_0", "reshape", lambda x: x.reshape(6, 4), [rn(2, 3, 4)], args={"shape": [6, 4]})
    case("reshape_1", "reshape", lambda x: x.reshape(2, -1), [rn(2, 3, 2)], args={"shape": [2, -1]})
    case("reshape_nc", "reshape", lambda x: x.reshape(12), [rn(3, 4)], args={"shape": [12]},
         transposes={0: (0, 1)})
    case("view_0", "view", lambda x: x.view(3, 2, 4), [rn(6, 4)], args={"shape": [3, 2, 4]})
    case("view_1", "view", lambda x: x.view(2, 3, 4, 1), [rn(2, 12)], args={"shape": [2, 3, 4, 1]})
    case("expand_0", "expand", lambda x: x.expand(3, 4), [rn(1, 4)], args={"shape": [3, 4]})
    case("expand_1", "expand", lambda x: x.expand(2, 3, 5), [rn(3, 1)], args={"shape": [2, 3, 5]})
    case("expand_2", "expand", lambda x: x.expand(2, -1, 4), [rn(1, 3, 1)], args={"shape": [2, -1, 4]})
    case("narrow_0", "narrow", lambda x: x.narrow(1, 1, 3), [rn(3, 5)], args={"dim": 1, "start": 1, "length": 3})
    case("narrow_1", "narrow", lambda x: x.narrow(0, 2, 2), [rn(4, 2, 3)], args={"dim": 0, "start": 2, "length": 2})
    case("narrow_2", "narrow", lambda x: x.narrow(-1, 0, 2), [rn(2, 3, 4)], args={"dim": -1, "start": 0, "length": 2})
    case("slice_0", "slice", lambda x: x[:, 1:4], [rn(3, 6)], args={"dim": 1, "start": 1, "end": 4, "step": 1})
    case("slice_1", "slice", lambda x: x[:, :, 0:7:2], [rn(2, 3, 7)], args={"dim": 2, "start": 0, "end": 7, "step": 2})
    case("squeeze_0", "squeeze", lambda x: x.squeeze(1), [rn(3, 1, 4)], args={"dim": 1})
    case("squeeze_1", "squeeze", lambda x: x.squeeze(-1), [rn(2, 3, 1)], args={"dim": -1})
    case("unsqueeze_0", "unsqueeze", lambda x: x.unsqueeze(0), [rn(3, 4)], args={"dim": 0})
    case("unsqueeze_1", "unsqueeze", lambda x: x.unsqueeze(-1), [rn(2, 3)], args={"dim": -1})
    case("unsqueeze_2", "unsqueeze", lambda x: x.unsqueeze(1), [rn(2, 3)], args={"dim": 1})


def main():
    build()
    os.makedirs(OUT_DIR, exist_ok=True)
    st.save(os.path.join(OUT_DIR, "ops.safetensors"), TENSORS,
            {"generator": "tools/reference/ops.py", "torch": torch.__version__, "seed": "1234"})
    with open(os.path.join(OUT_DIR, "ops.json"), "w") as f:
        f.write("[\n" + ",\n".join(json.dumps(m, separators=(", ", ": ")) for m in MANIFEST) + "\n]\n")
    # self-check: round trip
    back, _ = st.load(os.path.join(OUT_DIR, "ops.safetensors"))
    assert len(back) == len(TENSORS)
    for k, v in back.items():
        assert np.isfinite(v).all(), k
    print("%d cases, %d tensors, %d bytes" % (len(MANIFEST), len(TENSORS),
                                             os.path.getsize(os.path.join(OUT_DIR, "ops.safetensors"))))


if __name__ == "__main__":
    main()
