#!/usr/bin/python3
"""Find likely label errors in the real crop sets with the reader itself, for a human to review.

    /usr/bin/python3 models/review_labels.py [--ckpt best] [--min-conf 0.9] [--out models/work/review]

Writes OUT/suspects.jsonl (dataset, image, split, label, prediction, confidence) and
OUT/sheet_NN.png contact sheets (crop + "label -> prediction") to look at.  Nothing is changed:
after looking, add the confirmed fixes to models/label-corrections.jsonl by hand
(fields: dataset, image, old, new, reason; new = null drops a crop that cannot be read).
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import cv2
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eval import load, read  # noqa: E402
from plates import contract as C  # noqa: E402
from plates.data import DEFAULT_DATA, MODELS_DIR, load_crops  # noqa: E402


def sheet(rows, path):
    tiles = []
    for r in rows:
        g = cv2.resize(r["gray"], (240, 96))
        tile = np.full((124, 240), 255, np.uint8)
        tile[:96] = g
        cv2.putText(tile, f"{r['n']}: {r['label']} > {r['pred']}", (2, 117), cv2.FONT_HERSHEY_SIMPLEX, 0.45, 0, 1)
        tiles.append(cv2.copyMakeBorder(tile, 2, 2, 2, 2, cv2.BORDER_CONSTANT, value=128))
    while len(tiles) % 4:
        tiles.append(np.full_like(tiles[0], 255))
    cv2.imwrite(path, np.vstack([np.hstack(tiles[i:i + 4]) for i in range(0, len(tiles), 4)]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--ckpt", default="best")
    ap.add_argument("--min-conf", type=float, default=0.9)
    ap.add_argument("--out", default=os.path.join(MODELS_DIR, "work", "review"))
    ap.add_argument("--sets", default="in-lprnet-crops,br-openalpr-crops,eu-openalpr-crops")
    a = ap.parse_args()
    torch.set_num_threads(1)
    os.makedirs(a.out, exist_ok=True)
    net, name = load("reader", a.ckpt)
    print("weights", name)
    sus = []
    for ds in a.sets.split(","):
        for split in ("train", "val"):
            crops = load_crops(a.data, ds, split, corrections={})  # raw labels
            grays = [C.reader_gray(c.img) for c in crops]
            for i in range(0, len(crops), 128):
                for c, g, (text, conf) in zip(crops[i:i + 128], grays[i:i + 128], read(net, grays[i:i + 128])):
                    if text != c.text and conf and min(conf) >= a.min_conf:
                        sus.append({"dataset": ds, "image": c.image, "split": split, "label": c.text, "pred": text,
                                    "conf": round(min(conf), 3), "gray": g})
    sus.sort(key=lambda r: -r["conf"])
    with open(os.path.join(a.out, "suspects.jsonl"), "w") as f:
        for n, r in enumerate(sus):
            r["n"] = n
            f.write(json.dumps({k: v for k, v in r.items() if k != "gray"}) + "\n")
    for k in range(0, len(sus), 24):
        sheet(sus[k:k + 24], os.path.join(a.out, f"sheet_{k // 24:02d}.png"))
    print(f"{len(sus)} suspects -> {a.out}")


if __name__ == "__main__":
    main()
