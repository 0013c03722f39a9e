#!/usr/bin/python3
"""Write preprocessing/decoding reference data for the TypeScript parity test (contract item 9).

    /usr/bin/python3 models/parity_fixture.py OUT_DIR [--n 3]

For n deterministic synthetic 1280x720 frames (seed 990002, not used in training) it writes:
  frame_K.png                 the frame (lossless)
  frame_K.det_input.f32       detector input, float32 little-endian, 1x3x384x640 (letterbox + /255)
  frame_K.plate_J.f32         reader input for ground-truth plate J, float32, 1x1x64x160
  fixtures.json               shapes, letterbox scale, ground truth, torch outputs decoded with the
                              contract (detections in frame px, reader text + char confidences)
The TS pipeline should reproduce the .f32 tensors (OpenCV.js resize/warp: expect max abs diff of
a few 1/255 steps from rounding) and the decoded results from the ONNX files.
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
from eval import detect, load, read  # noqa: E402
from plates import contract as C  # noqa: E402
from plates.data import DEFAULT_DATA, load_scenes  # noqa: E402
from synth_testset import COUNTRIES, frame  # noqa: E402

SEED = 990002


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=3)
    ap.add_argument("--data", default=DEFAULT_DATA)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    torch.set_num_threads(1)
    det, _ = load("detector", "shipped")
    rdr, _ = load("reader", "shipped")
    scenes = load_scenes(a.data, "val")
    items = []
    for k in range(a.n):
        rng = np.random.default_rng([SEED, k])
        img, plates = frame(rng, scenes, COUNTRIES[k % 4])
        cv2.imwrite(os.path.join(a.out, f"frame_{k}.png"), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
        canvas, s = C.letterbox(img)
        C.det_tensor(canvas)[None].astype("<f4").tofile(os.path.join(a.out, f"frame_{k}.det_input.f32"))
        gts = [p for p in plates if not p.get("ignore")]
        reads = []
        for j, p in enumerate(gts):
            g = C.reader_gray(img, np.array(p["corners"], np.float32))
            C.reader_tensor(g)[None].astype("<f4").tofile(os.path.join(a.out, f"frame_{k}.plate_{j}.f32"))
            text, conf = read(rdr, [g])[0]
            reads.append({"truth": p["text"], "corners": p["corners"], "read": text,
                          "char_conf": [round(c, 4) for c in conf]})
        dets = detect(det, img, 0.3)
        items.append({"frame": f"frame_{k}.png", "letterbox_scale": s, "det_input": f"frame_{k}.det_input.f32",
                      "plates_from_truth_corners": reads,
                      "detections": [{"score": round(d["score"], 4), "box": [round(v, 2) for v in d["box"]],
                                      "corners": [[round(x, 2), round(y, 2)] for x, y in d["corners"]]} for d in dets]})
    with open(os.path.join(a.out, "fixtures.json"), "w") as f:
        json.dump({"detector_input_shape": [1, 3, C.DET_H, C.DET_W], "reader_input_shape": [1, 1, C.READER_H, C.READER_W],
                   "dtype": "float32 little-endian", "weights": "models/*.init.pt (= the shipped ONNX)",
                   "frames": items}, f, indent=1)
    print(f"wrote {a.n} fixtures to {a.out}")


if __name__ == "__main__":
    main()
