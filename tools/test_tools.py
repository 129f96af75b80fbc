"""Tests of tools/convert_pth.py and tools/bin_to_safetensors.py (run by PythonToolsTest where torch is installed).

    /usr/bin/python3 tools/test_tools.py          # from the repository root

Uses the committed fixture medualtime/src/test/resources/fixtures/official-tiny/ (official_checkpoint.py)
and the tiny GPT-2 / DistilBERT fixtures of the nn module; every variant is built in a temporary folder.
"""
import contextlib
import importlib
import io
import os
import sys
import tempfile
import unittest

import numpy as np
import torch

TOOLS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TOOLS)
sys.path.insert(0, os.path.join(TOOLS, "reference"))
sys.path.insert(0, TOOLS)
import st  # noqa: E402

OFFICIAL = os.path.join(ROOT, "medualtime", "src", "test", "resources", "fixtures", "official-tiny")
NN_FIXTURES = os.path.join(ROOT, "nn", "src", "test", "resources", "fixtures")


def run(script, *args):
    """Runs the script's main() in this process (one torch import for all tests): (exit code, stdout, stderr)."""
    module = importlib.import_module(script[:-len(".py")])
    out, err, code = io.StringIO(), io.StringIO(), 0
    argv = sys.argv
    sys.argv = [script] + [str(a) for a in args]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            module.main()
    except SystemExit as e:  # sys.exit("message") prints the message on stderr and exits 1
        code = 0 if e.code is None else (e.code if isinstance(e.code, int) else 1)
        if not isinstance(e.code, int) and e.code is not None:
            err.write(str(e.code) + "\n")
    finally:
        sys.argv = argv
    return code, out.getvalue(), err.getvalue()


def assert_same_tensors(test, got, want):
    test.assertEqual(list(want), list(got))
    for k in want:
        test.assertEqual(want[k].dtype, got[k].dtype, k)
        test.assertEqual(want[k].shape, got[k].shape, k)
        test.assertTrue(np.array_equal(want[k], got[k]), k)


class ConvertPth(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.official = torch.load(os.path.join(OFFICIAL, "official-tiny.pth"))

    def convert(self, obj, *extra):
        src = os.path.join(self.tmp, "in.pth")
        torch.save(obj, src)
        dst = os.path.join(self.tmp, "out.safetensors")
        code, out, err = run("convert_pth.py", src, dst, *extra)
        return code, out, err, src, dst

    def test_official_layout_keeps_the_classifier_as_head(self):
        dst = os.path.join(self.tmp, "out.safetensors")
        code, out, err = run("convert_pth.py", os.path.join(OFFICIAL, "official-tiny.pth"), dst)
        self.assertEqual(0, code, err)
        self.assertEqual("", err)
        got, meta = st.load(dst)
        want, _ = st.load(os.path.join(OFFICIAL, "expected.safetensors"))
        assert_same_tensors(self, got, want)
        self.assertIn("head.weight", got)
        self.assertEqual("official-tiny.pth", meta["converted_from"])

    def test_plain_state_dicts_still_convert(self):
        model, head = self.official["model"], self.official["linear_model"]
        want, _ = st.load(os.path.join(OFFICIAL, "expected.safetensors"))
        frozen = {"wte.weight": torch.zeros(10, 32), "h.0.attn.c_attn.weight": torch.zeros(32, 96)}
        flat = dict(frozen, **model, **{"head." + k: v for k, v in head.items()})
        for obj, extra in ((flat, ()),
                           ({"state_dict": {"module." + k: v for k, v in flat.items()}}, ()),
                           ({"model_state_dict": dict(frozen, **model, **{"classifier." + k: v for k, v in head.items()})},
                            ("--head-prefix", "classifier."))):
            code, out, err, _, dst = self.convert(obj, *extra)
            self.assertEqual(0, code, err)
            assert_same_tensors(self, st.load(dst)[0], want)

    def test_official_variants_are_one_line_errors_naming_file_and_key(self):
        d = 32
        cases = {
            "gate_fusion_1.weight": torch.zeros(1, d),          # --gate_fusion
            "bert_projector.weight": torch.zeros(d, 768),       # --bert_projector (a full state dict)
            "adapter_cross_projector1.weight": torch.zeros(d, d),  # main_unsupervised.py
        }
        for key, t in cases.items():
            model = dict(self.official["model"])
            model[key] = t
            code, out, err, src, dst = self.convert({"linear_model": self.official["linear_model"], "model": model})
            self.assertNotEqual(0, code, key)
            self.assertEqual(1, len(err.strip().splitlines()), err)
            self.assertIn(src, err)
            self.assertIn(key, err)
            self.assertFalse(os.path.exists(dst), key)
            self.assertFalse(os.path.exists(dst + ".tmp"), key)

    def test_a_file_that_is_not_a_checkpoint_is_one_line(self):
        src = os.path.join(self.tmp, "junk.pth")
        with open(src, "w") as f:
            f.write("not a checkpoint")
        code, out, err = run("convert_pth.py", src, os.path.join(self.tmp, "o.safetensors"))
        self.assertNotEqual(0, code)
        self.assertEqual(1, len(err.strip().splitlines()), err)
        self.assertIn(src, err)


class BinToSafetensors(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def folder_with_bin(self, sd):
        d = tempfile.mkdtemp(dir=self.tmp)
        torch.save(sd, os.path.join(d, "pytorch_model.bin"))
        return d

    def test_gpt2_bin_with_tied_head_buffers_and_f16(self):
        ref, _ = st.load(os.path.join(NN_FIXTURES, "gpt2-tiny", "model.safetensors"))
        sd = {k: torch.from_numpy(v.copy()) for k, v in ref.items()}
        sd["lm_head.weight"] = sd["transformer.wte.weight"]                    # tied, as HF saves GPT-2
        sd["transformer.h.0.attn.bias"] = torch.tril(torch.ones(1, 1, 8, 8))  # mask buffer
        half = sd["transformer.ln_f.weight"].to(torch.float16)
        sd["transformer.ln_f.weight"] = half
        folder = self.folder_with_bin(sd)
        code, out, err = run("bin_to_safetensors.py", folder)
        self.assertEqual(0, code, err)
        self.assertIn("left out lm_head.weight (tied to transformer.wte.weight)", out)
        self.assertIn("left out transformer.h.0.attn.bias", out)
        got, _ = st.load(os.path.join(folder, "model.safetensors"))
        want = dict(ref)
        want["transformer.ln_f.weight"] = half.to(torch.float32).numpy()
        self.assertEqual(sorted(want), sorted(got))
        for k in want:
            self.assertEqual(got[k].dtype, np.float32, k)
            self.assertTrue(np.array_equal(want[k], got[k]), k)
        code, out, err = run("bin_to_safetensors.py", folder)   # an existing output is kept
        self.assertNotEqual(0, code)
        self.assertIn("--force", err)

    def test_distilbert_bin_with_tied_projector(self):
        ref, _ = st.load(os.path.join(NN_FIXTURES, "distilbert-tiny", "model.safetensors"))
        sd = {"distilbert." + k: torch.from_numpy(v.copy()) for k, v in ref.items()}
        sd["vocab_projector.weight"] = sd["distilbert.embeddings.word_embeddings.weight"]
        folder = self.folder_with_bin(sd)
        out_file = os.path.join(self.tmp, "x.safetensors")
        code, out, err = run("bin_to_safetensors.py", folder, "--out", out_file)
        self.assertEqual(0, code, err)
        got, _ = st.load(out_file)
        self.assertEqual(sorted("distilbert." + k for k in ref), sorted(got))

    def test_unsupported_dtype_is_one_line_naming_the_tensor(self):
        folder = self.folder_with_bin({"w": torch.zeros(2, dtype=torch.uint8)})
        code, out, err = run("bin_to_safetensors.py", folder)
        self.assertNotEqual(0, code)
        self.assertEqual(1, len(err.strip().splitlines()), err)
        self.assertIn("tensor w", err)
        self.assertFalse(os.path.exists(os.path.join(folder, "model.safetensors")))


if __name__ == "__main__":
    unittest.main()
