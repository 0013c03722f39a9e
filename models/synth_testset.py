#!/usr/bin/python3
"""Write the FIXED synthetic end-to-end test set (never trained on) to a directory outside the repo.

    /usr/bin/python3 models/synth_testset.py OUT_DIR [--n 600] [--data ../shared/datasets]

OUT_DIR/images/NNNN.jpg are 1280x720 frames; OUT_DIR/labels.jsonl uses the datasets' format
(kind "scene", synthetic true) with text, box [x,y,w,h], corners (TL first, clockwise) and lines
for every rendered plate.  Backgrounds are the intl scenes' VAL split (never trained on) or
synthetic backgrounds; the real plates already in those photos are listed with text null and
"ignore": true (score them neither as hits nor misses).  Seed 990001 is not used by training.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import cv2
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plates import augment as A  # noqa: E402
from plates.data import DEFAULT_DATA, load_scenes  # noqa: E402
from plates.scene_data import background, paste_plates  # noqa: E402

SEED = 990001
COUNTRIES = ("in", "us", "eu", "br")


def frame(rng, scenes, country):
    H, W = 720, 1280
    canvas, plates = background(rng, scenes, H, W, scale_range=(2.0, 3.2))
    for p in plates:  # real plates in the photo: no text, not scored
        p["ignore"] = True
    n = int(rng.choice([1, 2, 3], p=[0.6, 0.3, 0.1]))
    paste_plates(rng, canvas, plates, n, (70, 420), crops=None, max_rot=15.0, country=country)
    canvas = A.photometric(canvas, rng, 0.35)
    return canvas, plates


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=600)
    ap.add_argument("--data", default=DEFAULT_DATA)
    a = ap.parse_args()
    if os.path.abspath(a.out).startswith(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))):
        raise SystemExit("write the test set outside the repository")
    os.makedirs(os.path.join(a.out, "images"), exist_ok=True)
    scenes = load_scenes(a.data, "val")
    with open(os.path.join(a.out, "labels.jsonl"), "w") as f:
        for i in range(a.n):
            rng = np.random.default_rng([SEED, i])
            country = COUNTRIES[i % len(COUNTRIES)]
            img, plates = frame(rng, scenes, country)
            name = f"images/{i:04d}.jpg"
            cv2.imwrite(os.path.join(a.out, name), cv2.cvtColor(img, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 90])
            rows = [{"text": p["text"], "box": [round(v, 1) for v in p["box"]],
                     "corners": None if p["corners"] is None else [[round(x, 1), round(y, 1)] for x, y in p["corners"]],
                     "lines": p.get("lines"), "ignore": bool(p.get("ignore"))} for p in plates]
            f.write(json.dumps({"image": name, "plates": rows, "country": country, "source": "spms synth_testset",
                                "split": "test", "kind": "scene", "synthetic": True, "seed": [SEED, i],
                                "width": 1280, "height": 720}) + "\n")
    print(f"wrote {a.n} frames to {a.out}")


if __name__ == "__main__":
    main()
