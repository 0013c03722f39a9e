#!/usr/bin/python3
"""Camera fixtures for the PWA's browser tests, rendered with the plate generator (models/plates):

    /usr/bin/python3 scripts/pwa/fixtures.py OUT_DIR [--scenes 3] [--seed 770001]

OUT_DIR/scene-N.jpg   1280x720 synthetic scenes, one large Indian plate each (the ESP32 fixture's frames)
OUT_DIR/labels.json   [{"file", "text"}] the plate text of each scene
OUT_DIR/camera.y4m    640x360 at 15 fps, each scene held 2 s (Chromium's --use-file-for-fake-video-capture)
OUT_DIR/black.y4m     the same size, black (a covered lens)
OUT_DIR/black.jpg     a black JPEG
Written outside the repository (the tests use test-results/); nothing here is committed.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import cv2
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "models"))
from plates.scene_data import background, paste_plates  # noqa: E402

W, H, FPS, HOLD = 640, 360, 15, 30


def scene(rng):
    canvas, plates = background(rng, None, 720, 1280)
    # one big, nearly frontal plate: what a patrol aims the phone at
    paste_plates(rng, canvas, plates, 1, (300, 420), crops=None, max_rot=4.0, country="in")
    text = next(p["text"] for p in plates if p.get("text"))
    return canvas, text


def y4m(path, frames):
    with open(path, "wb") as f:
        f.write(f"YUV4MPEG2 W{W} H{H} F{FPS}:1 Ip A1:1 C420jpeg\n".encode())
        for rgb in frames:
            small = cv2.resize(rgb, (W, H), interpolation=cv2.INTER_AREA)
            f.write(b"FRAME\n")
            f.write(cv2.cvtColor(small, cv2.COLOR_RGB2YUV_I420).tobytes())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--scenes", type=int, default=3)
    ap.add_argument("--seed", type=int, default=770001)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    labels, frames = [], []
    for i in range(a.scenes):
        rng = np.random.default_rng([a.seed, i])
        img, text = scene(rng)
        name = f"scene-{i}.jpg"
        cv2.imwrite(os.path.join(a.out, name), cv2.cvtColor(img, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 88])
        labels.append({"file": name, "text": text})
        frames += [img] * HOLD
    y4m(os.path.join(a.out, "camera.y4m"), frames)
    black = np.zeros((720, 1280, 3), np.uint8)
    y4m(os.path.join(a.out, "black.y4m"), [black] * 10)
    cv2.imwrite(os.path.join(a.out, "black.jpg"), black)
    with open(os.path.join(a.out, "labels.json"), "w") as f:
        json.dump(labels, f, indent=1)
    print(json.dumps(labels))


if __name__ == "__main__":
    main()
