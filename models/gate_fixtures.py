#!/usr/bin/python3
"""Write the gate suites' known-plate photos: tests/fixtures/gates/known-plates/*.jpg + labels.jsonl.

    /usr/bin/python3 models/gate_fixtures.py [--n 3] [--out tests/fixtures/gates/known-plates]

Each is a 1280x720 frame as an entry/exit camera sees a car: one Indian plate (seed 990003, a seed
training never draws), 240-360 px wide, tilted at most 6 degrees, on a synthetic background (a
scene photo would bring real, unlabelled plates the gate might read first), lightly degraded, and
wholly in view at least MARGIN px inside the frame (a gate camera is set up to see the whole
plate; a draw that puts it nearer an edge is drawn again from the next sub-seed).
The labels use the datasets' layout.  Committed (small), so CI needs no Python.
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
from plates.scene_data import paste_plates  # noqa: E402

SEED = 990003
MARGIN = 48
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=6)
    ap.add_argument("--out", default=os.path.join(REPO, "tests", "fixtures", "gates", "known-plates"))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rows = []
    for i in range(a.n):
        for attempt in range(100):
            rng = np.random.default_rng([SEED, i] + ([attempt] if attempt else []))
            canvas = A.random_background(rng, 720, 1280)
            plates = paste_plates(rng, canvas, [], 1, (240, 360), crops=None, max_rot=6.0, country="in")
            x, y, w, h = plates[0]["box"]
            if x >= MARGIN and y >= MARGIN and x + w <= 1280 - MARGIN and y + h <= 720 - MARGIN:
                break
        canvas = A.photometric(canvas, rng, 0.15)
        name = f"{i:02d}.jpg"
        cv2.imwrite(os.path.join(a.out, name), cv2.cvtColor(canvas, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 85])
        rows.append({"image": name, "plates": [{"text": p["text"], "box": [round(v, 1) for v in p["box"]],
                                                 "corners": [[round(x, 1), round(y, 1)] for x, y in p["corners"]],
                                                 "lines": p["lines"]} for p in plates],
                     "country": "in", "source": "spms gate_fixtures", "split": "test", "kind": "scene",
                     "synthetic": True, "seed": [SEED, i] + ([attempt] if attempt else []), "width": 1280, "height": 720})
    with open(os.path.join(a.out, "labels.jsonl"), "w") as f:
        f.writelines(json.dumps(r) + "\n" for r in rows)
    print(f"wrote {a.n} photos to {a.out}: " + ", ".join(r["plates"][0]["text"] for r in rows))


if __name__ == "__main__":
    main()
