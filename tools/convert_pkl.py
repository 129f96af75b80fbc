#!/usr/bin/env python3
"""Converts the MedualTime authors' data files to a medualtime dataset folder (format version 2, FORMAT.md).

    python3 tools/convert_pkl.py AUTHORS_DATASETS_DIR OUT_DIR [--name NAME] [--sampling-rate HZ] [--leads I,II,...]

AUTHORS_DATASETS_DIR holds the files the official scripts read (`datasets/{train,val,test}.pkl` of
start2020/MedualTime): each a pickled dict with
  description  N report strings (the official loader feeds ' ' for a value that is not a string; so do we)
  X            float array [N, steps, leads] (1000 x 12 for PTB-XL at 100 Hz)
  Y            N labels: the 5-class task (`main_supervised.py` without --detection)
  sl_Y         N labels: the 4-class task (with --detection), independent of Y
Y becomes the label column `fine`, sl_Y the column `coarse` (both read from the files, nothing derived).
Class names are the label values as text, in the order of sklearn's LabelEncoder (the sorted distinct
values, numbers numerically), taken over the three files together: the official code encodes each split
on its own, which gives the same ids only when every split holds every class (a warning says when not).
Signals are transposed to [N, leads, steps] float32 and written as stored (no unit is claimed).

Needs numpy (and pandas if the pickles hold pandas objects). Errors are one line naming the file and
field; nothing is left behind (the folder is written beside OUT_DIR and renamed into place).
"""
import argparse
import hashlib
import json
import math
import os
import pickle
import shutil
import sys

import numpy as np

SPLITS = ("train", "val", "test")
KEYS = ("description", "X", "Y", "sl_Y")
COLUMNS = (("Y", "fine", "the 5-class task"), ("sl_Y", "coarse", "the 4-class task, --detection"))
STANDARD_LEADS = ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"]
FORMAT, VERSION = "medualtime-ecg-dataset", 2


class Bad(Exception):
    """One-line error naming the file and field."""


def load(folder, split):
    path = os.path.join(folder, split + ".pkl")
    if not os.path.isfile(path):
        raise Bad(f"{path}: missing file (expected the authors' {split}.pkl)")
    with open(path, "rb") as f:
        raw = f.read()
    try:
        data = pickle.loads(raw)
    except Exception as e:  # noqa: BLE001 -- any unpickling failure is a bad file
        raise Bad(f"{path}: not a readable pickle: {type(e).__name__}: {e}")
    if not isinstance(data, dict):
        raise Bad(f"{path}: expected a dict with keys {', '.join(KEYS)}, got {type(data).__name__}")
    for k in KEYS:
        if k not in data:
            raise Bad(f"{path}: key '{k}' missing (expected {', '.join(KEYS)})")
    x = np.asarray(data["X"])
    if x.ndim != 3 or x.shape[1] == 0 or x.shape[2] == 0 or not np.issubdtype(x.dtype, np.number):
        raise Bad(f"{path}: key 'X' must be a numeric array [records, steps, leads], got shape {x.shape} dtype {x.dtype}")
    n = x.shape[0]
    x = x.astype("<f4")
    bad = np.argwhere(~np.isfinite(x))
    if len(bad):
        i, t, l = bad[0]
        raise Bad(f"{path}: key 'X' record {i}, step {t}, lead {l}: value {x[i, t, l]} is not finite (as float32)")
    out = {"path": path, "sha256": hashlib.sha256(raw).hexdigest(), "X": x}
    for k in ("description", "Y", "sl_Y"):
        v = list(data[k])
        if len(v) != n:
            raise Bad(f"{path}: key '{k}' has {len(v)} entries, 'X' has {n} records")
        out[k] = v
    return out


def label_value(v, path, key, i):
    """A label as a plain Python value (numbers and strings only, as LabelEncoder sorts them)."""
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, bool) or not isinstance(v, (str, int, float)) or (isinstance(v, float) and math.isnan(v)):
        raise Bad(f"{path}: key '{key}' record {i}: label {v!r} is not a string or number")
    return v


def classes_of(parts, key):
    """The sorted distinct values of one label key over all splits, and each split's values."""
    values = {}
    for split, p in parts.items():
        values[split] = [label_value(v, p["path"], key, i) for i, v in enumerate(p[key])]
    every = [v for vs in values.values() for v in vs]
    if len({isinstance(v, str) for v in every}) > 1:
        raise Bad(f"key '{key}' mixes strings and numbers across the files; LabelEncoder could not sort them")
    distinct = sorted(set(every))
    names = [v if isinstance(v, str) else repr(v) for v in distinct]
    for name in names:
        if not name.strip() or name != name.strip() or "\n" in name or "\r" in name:
            raise Bad(f"key '{key}': class {name!r} is blank, has surrounding spaces or a line break")
    if len(set(names)) != len(names):
        raise Bad(f"key '{key}': two values print as the same class name ({names})")
    for split, vs in values.items():
        missing = [n for v, n in zip(distinct, names) if v not in set(vs)]
        if missing:
            print(f"warning: {split}.pkl has no '{key}' label {', '.join(missing)}: the official per-split "
                  f"LabelEncoder numbers that split's classes differently from the other splits; here ids follow "
                  f"the classes of all three files", file=sys.stderr)
    return names, {split: [distinct.index(v) for v in vs] for split, vs in values.items()}


def quote(s, always):
    """A records.csv field (RFC 4180, as medualtime's Csv.quote)."""
    if always or not s or any(c in s for c in ',"\n\r') or s[0].isspace() or s[-1].isspace():
        return '"' + s.replace('"', '""') + '"'
    return s


def write(tmp, parts, labels, args, leads, steps):
    counts = {"total": sum(len(p["X"]) for p in parts.values())}
    class_counts = {}
    with open(os.path.join(tmp, "signals.f32"), "wb") as sig, \
            open(os.path.join(tmp, "records.csv"), "w", encoding="utf-8", newline="") as csv:
        csv.write(",".join(["id", "split"] + [col + "_label" for _, col, _ in COLUMNS] + ["report"]) + "\n")
        for split, p in parts.items():
            np.ascontiguousarray(p["X"].transpose(0, 2, 1)).tofile(sig)
            counts[split] = len(p["X"])
            class_counts[split] = {}
            for key, col, _ in COLUMNS:
                names, ids = labels[key]
                class_counts[split][col] = {name: ids[split].count(k) for k, name in enumerate(names)}
            for i, text in enumerate(p["description"]):
                report = text if isinstance(text, str) else " "   # the official loader's substitute
                row = [f"{split}-{i:06d}", split]
                row += [quote(labels[key][0][labels[key][1][split][i]], False) for key, _, _ in COLUMNS]
                csv.write(",".join(row + [quote(report, True)]) + "\n")
    not_text = sum(1 for p in parts.values() for t in p["description"] if not isinstance(t, str))
    meta = {
        "format": FORMAT, "format_version": VERSION, "name": args.name, "synthetic": False,
        "provenance": "the MedualTime authors' data files (start2020/MedualTime datasets/{train,val,test}.pkl) from folder '"
                      + os.path.basename(os.path.normpath(args.authors_dir)) + "', converted by tools/convert_pkl.py; "
                      "signals as stored there, labels Y (fine) and sl_Y (coarse) as given",
        "leads": leads, "steps": steps, "sampling_rate_hz": float(args.sampling_rate),
        "signals": {"file": "signals.f32", "dtype": "float32", "byte_order": "little-endian",
                    "layout": "[records, leads, steps]", "bytes": counts["total"] * len(leads) * steps * 4},
        "labels": [{"name": col, "classes": labels[key][0],
                    "source": f"{key} of the authors' pickles ({task}); class ids in LabelEncoder order (sorted values)"}
                   for key, col, task in COLUMNS],
        "counts": counts, "class_counts": class_counts,
        "extra": {"conversion": {"tool": "tools/convert_pkl.py", "reports_not_text": not_text,
                                 "files": {s + ".pkl": p["sha256"] for s, p in parts.items()}}},
    }
    with open(os.path.join(tmp, "dataset.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")


def convert(args):
    parts = {s: load(args.authors_dir, s) for s in SPLITS}
    shapes = {s: p["X"].shape[1:] for s, p in parts.items()}
    if len(set(shapes.values())) != 1:
        raise Bad("key 'X': the files differ in [steps, leads]: " + ", ".join(f"{s}.pkl {v}" for s, v in shapes.items()))
    steps, nleads = shapes["train"]
    leads = args.leads.split(",") if args.leads else (STANDARD_LEADS if nleads == 12 else [f"ch{i + 1}" for i in range(nleads)])
    if len(leads) != nleads:
        raise Bad(f"--leads names {len(leads)} leads, 'X' has {nleads}")
    if not args.sampling_rate > 0:
        raise Bad(f"--sampling-rate must be > 0, got {args.sampling_rate}")
    labels = {key: classes_of(parts, key) for key, _, _ in COLUMNS}
    out = os.path.abspath(args.out_dir)
    if os.path.exists(out) and (not os.path.isdir(out) or (os.listdir(out) and not os.path.isfile(os.path.join(out, "dataset.json")))):
        raise Bad(f"{out}: exists and is not empty nor a dataset; refusing to replace it")
    parent = os.path.dirname(out)
    os.makedirs(parent, exist_ok=True)
    tmp = os.path.join(parent, f".{os.path.basename(out)}.tmp-convert-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    try:
        write(tmp, parts, labels, args, leads, int(steps))
        if os.path.exists(out):
            old = os.path.join(parent, f".{os.path.basename(out)}.old-{os.getpid()}")
            os.rename(out, old)
            os.rename(tmp, out)
            shutil.rmtree(old)
        else:
            os.rename(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sizes = ", ".join("%s %d" % (s, len(p["X"])) for s, p in parts.items())
    print(f"wrote {out}: {sizes} records, {nleads} leads x {steps} steps; "
          f"fine (Y) {labels['Y'][0]}, coarse (sl_Y) {labels['sl_Y'][0]}")


def main():
    ap = argparse.ArgumentParser(description="Converts the MedualTime authors' {train,val,test}.pkl to a medualtime dataset folder.")
    ap.add_argument("authors_dir", help="folder with train.pkl, val.pkl and test.pkl")
    ap.add_argument("out_dir", help="dataset folder to write (replaced if it is a dataset)")
    ap.add_argument("--name", default="medualtime-authors-pkl", help="dataset name (default %(default)s)")
    ap.add_argument("--sampling-rate", type=float, default=100.0, help="Hz of X (default %(default)s: PTB-XL at 100 Hz)")
    ap.add_argument("--leads", default=None, help="comma-separated lead names (default: the 12 standard leads when X has 12)")
    args = ap.parse_args()
    try:
        convert(args)
    except Bad as e:
        sys.exit(f"error: {e}")


if __name__ == "__main__":
    main()
