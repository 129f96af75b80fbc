#!/usr/bin/env python3
"""Writes a tiny stand-in for the MedualTime authors' data files: {train,val,test}.pkl in their structure.

    python3 tools/make_pkl_fixture.py OUT_DIR

Each file is a pickled dict like the authors' `datasets/*.pkl`: `description` (report strings; one entry is
None, which the official loader replaces by ' '), `X` float32 [N, 100, 12] (100 steps instead of 1000 to keep the
fixture small), `Y` five class names and `sl_Y` four integer codes that are NOT this project's CD+HYP grouping of Y
(so a test can tell read labels from derived ones; 10 sorts after 2, as LabelEncoder sorts numbers).
Fully deterministic (no random numbers, exact arithmetic). Made-up data, not patient data.

The converted dataset is committed as medualtime/src/test/resources/fixtures/authors-pkl/ (so Java tests
need no Python); tools/test_convert_pkl.py checks that converting these files reproduces it:
    python3 tools/make_pkl_fixture.py /tmp/pkl && python3 tools/convert_pkl.py /tmp/pkl \\
        medualtime/src/test/resources/fixtures/authors-pkl --name authors-pkl-fixture
"""
import os
import pickle
import sys

import numpy as np

SIZES = {"train": 6, "val": 3, "test": 3}
FINE = ["NORM", "MI", "STTC", "CD", "HYP"]
CODES = [0, 1, 2, 10]
STEPS, LEADS = 100, 12


def split_data(split, offset):
    n = SIZES[split]
    idx = np.arange(offset, offset + n)
    t = np.arange(STEPS)
    l = np.arange(LEADS)
    x = ((idx[:, None, None] * 7 + t[None, :, None] * 3 + l[None, None, :] * 11) % 50 - 25) / 100.0
    y = np.array([FINE[i % 5] for i in idx], dtype=object)
    sl_y = np.array([CODES[(3 * i + 1) % 4] for i in idx], dtype=np.int64)
    desc = [f"fixture report {i}: sinus rhythm, \"quoted\" words,\nand a second line" for i in idx]
    if split == "val":
        desc[1] = None   # not a string: the official loader feeds ' '
    return {"description": np.array(desc, dtype=object), "X": x.astype(np.float32), "Y": y, "sl_Y": sl_y}


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_pkl_fixture.py OUT_DIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    offset = 0
    for split in ("train", "val", "test"):
        with open(os.path.join(out, split + ".pkl"), "wb") as f:
            pickle.dump(split_data(split, offset), f, protocol=4)
        offset += SIZES[split]
    print(f"wrote {out}/{{train,val,test}}.pkl")


if __name__ == "__main__":
    main()
