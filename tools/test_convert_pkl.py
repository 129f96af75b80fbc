"""Tests of tools/convert_pkl.py and tools/make_pkl_fixture.py (run by ConvertPklToolTest where numpy is installed).

    python3 tools/test_convert_pkl.py          # from the repository root

Converting the fixture the script writes must reproduce the committed dataset
medualtime/src/test/resources/fixtures/authors-pkl/ (which the Java tests read); bad inputs are one-line errors
that leave nothing behind. Needs numpy only.
"""
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import unittest

import numpy as np

TOOLS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TOOLS)
COMMITTED = os.path.join(ROOT, "medualtime", "src", "test", "resources", "fixtures", "authors-pkl")


def tool(script, *args):
    """Runs a tool script: (exit code, stdout, stderr)."""
    p = subprocess.run([sys.executable, os.path.join(TOOLS, script)] + [str(a) for a in args],
                       capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


class ConvertPkl(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.src = os.path.join(self.tmp, "datasets")   # the authors' folder name, as in the committed fixture
        code, _, err = tool("make_pkl_fixture.py", self.src)
        self.assertEqual(0, code, err)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def convert(self, *extra):
        out = os.path.join(self.tmp, "out")
        code, stdout, err = tool("convert_pkl.py", self.src, out, "--name", "authors-pkl-fixture", *extra)
        return code, stdout, err, out

    def edit(self, split, change):
        path = os.path.join(self.src, split + ".pkl")
        with open(path, "rb") as f:
            d = pickle.load(f)
        change(d)
        with open(path, "wb") as f:
            pickle.dump(d, f)

    def assert_one_line_error(self, err, *mentions):
        self.assertEqual(1, len(err.strip().splitlines()), err)
        self.assertTrue(err.startswith("error: "), err)
        for m in mentions:
            self.assertIn(m, err)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "out")))
        self.assertEqual(["datasets"], sorted(os.listdir(self.tmp)))   # no temporary folder left

    def test_the_fixture_converts_to_the_committed_dataset(self):
        code, stdout, err, out = self.convert()
        self.assertEqual(0, code, err)
        self.assertIn("coarse (sl_Y) ['0', '1', '2', '10']", stdout)
        for name in ("records.csv", "signals.f32"):
            with open(os.path.join(out, name), "rb") as a, open(os.path.join(COMMITTED, name), "rb") as b:
                self.assertEqual(b.read(), a.read(), name)
        with open(os.path.join(out, "dataset.json")) as a, open(os.path.join(COMMITTED, "dataset.json")) as b:
            got, want = json.load(a), json.load(b)
        for d in (got, want):   # pickle bytes depend on the numpy version
            del d["extra"]["conversion"]["files"]
        self.assertEqual(want, got)

    def test_signals_are_transposed_to_leads_by_steps(self):
        code, _, err, out = self.convert()
        self.assertEqual(0, code, err)
        with open(os.path.join(self.src, "train.pkl"), "rb") as f:
            x = pickle.load(f)["X"]
        sig = np.fromfile(os.path.join(out, "signals.f32"), dtype="<f4").reshape(12, 12, 100)
        self.assertTrue(np.array_equal(x.transpose(0, 2, 1), sig[:6]))

    def test_label_encoder_order_and_string_labels(self):
        self.edit("train", lambda d: d.update(sl_Y=np.array(["b", "a", "c", "a", "b", "d"], dtype=object)))
        self.edit("val", lambda d: d.update(sl_Y=np.array(["d", "c", "b"], dtype=object)))
        self.edit("test", lambda d: d.update(sl_Y=np.array(["a", "a", "a"], dtype=object)))
        code, _, err, out = self.convert()
        self.assertEqual(0, code, err)
        self.assertIn("test.pkl has no 'sl_Y' label b, c, d", err)   # per-split encoding would differ: warned
        with open(os.path.join(out, "dataset.json")) as f:
            self.assertEqual(["a", "b", "c", "d"], json.load(f)["labels"][1]["classes"])

    def test_missing_key_names_file_and_key(self):
        self.edit("val", lambda d: d.pop("sl_Y"))
        code, _, err, _ = self.convert()
        self.assertEqual(1, code)
        self.assert_one_line_error(err, "val.pkl", "key 'sl_Y' missing")

    def test_non_finite_signal_names_record_step_and_lead(self):
        def nan(d):
            d["X"][2, 7, 3] = np.nan
        self.edit("test", nan)
        code, _, err, _ = self.convert()
        self.assertEqual(1, code)
        self.assert_one_line_error(err, "test.pkl", "record 2, step 7, lead 3", "not finite")

    def test_length_and_shape_mismatches(self):
        self.edit("train", lambda d: d.update(Y=d["Y"][:-1]))
        code, _, err, _ = self.convert()
        self.assert_one_line_error(err, "train.pkl", "key 'Y' has 5 entries, 'X' has 6")
        self.tearDown()
        self.setUp()
        self.edit("val", lambda d: d.update(X=d["X"][:, :50, :]))
        code, _, err, _ = self.convert()
        self.assert_one_line_error(err, "differ in [steps, leads]")
        self.tearDown()
        self.setUp()
        self.edit("test", lambda d: d.update(X=d["X"][:, :, 0]))
        code, _, err, _ = self.convert()
        self.assert_one_line_error(err, "test.pkl", "[records, steps, leads]")

    def test_missing_labels_are_refused(self):
        self.edit("train", lambda d: d.update(Y=np.array([None] + list(d["Y"][1:]), dtype=object)))
        code, _, err, _ = self.convert()
        self.assert_one_line_error(err, "train.pkl", "key 'Y' record 0", "not a string or number")

    def test_an_existing_folder_that_is_not_a_dataset_is_kept(self):
        out = os.path.join(self.tmp, "out")
        os.makedirs(out)
        with open(os.path.join(out, "mine.txt"), "w") as f:
            f.write("keep")
        code, _, err, _ = self.convert()
        self.assertEqual(1, code)
        self.assertIn("not empty nor a dataset", err)
        self.assertEqual(["mine.txt"], os.listdir(out))

    def test_an_existing_dataset_is_replaced_and_leads_can_be_named(self):
        self.assertEqual(0, self.convert()[0])
        code, _, err, out = self.convert("--leads", ",".join(f"L{i}" for i in range(12)), "--sampling-rate", "500")
        self.assertEqual(0, code, err)
        with open(os.path.join(out, "dataset.json")) as f:
            meta = json.load(f)
        self.assertEqual("L11", meta["leads"][11])
        self.assertEqual(500.0, meta["sampling_rate_hz"])
        self.assertEqual(["datasets", "out"], sorted(os.listdir(self.tmp)))
        code, _, err, _ = self.convert("--leads", "I,II")
        self.assertIn("--leads names 2 leads, 'X' has 12", err)


if __name__ == "__main__":
    unittest.main()
