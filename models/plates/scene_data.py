"""Detector samples: real scene photos with synthetic plates and real crops pasted in.

`compose` returns an RGB canvas and a list of plates, each {box [x,y,w,h], corners (4x2, TL
first, clockwise) or None, text or None}.  Real scene plates have boxes but no corners (the
corner loss is masked for them); pasted plates have exact corners from their warp.
"""
from __future__ import annotations

import cv2
import numpy as np

from . import augment as A
from .render import random_plate


def _iou_any(box, boxes, margin=0.15) -> bool:
    x, y, w, h = box
    x0, y0, x1, y1 = x - w * margin, y - h * margin, x + w * (1 + margin), y + h * (1 + margin)
    for bx, by, bw, bh in boxes:
        if x0 < bx + bw and bx < x1 and y0 < by + bh and by < y1:
            return True
    return False


def _box_of(q):
    x0, y0 = q.min(0)
    x1, y1 = q.max(0)
    return [float(x0), float(y0), float(x1 - x0), float(y1 - y0)]


def background(rng, scenes, H, W, scale_range=(0.7, 2.2), pad_value=114):
    """A scene (random scale and window) or a synthetic background; returns canvas, real boxes."""
    if scenes and rng.random() < 0.8:
        sc = scenes[int(rng.integers(len(scenes)))]
        img = sc.img
        s = float(np.exp(rng.uniform(*np.log(scale_range))))
        s = max(s, 0.5 * min(H / img.shape[0], W / img.shape[1]))
        img = cv2.resize(img, (max(1, int(img.shape[1] * s)), max(1, int(img.shape[0] * s))),
                         interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
        boxes = sc.boxes * s
        canvas = np.full((H, W, 3), pad_value, np.uint8) if rng.random() < 0.5 else A.random_background(rng, H, W)
        # window offset: the scene may be bigger or smaller than the canvas
        ox = int(rng.integers(min(0, W - img.shape[1]), max(0, W - img.shape[1]) + 1))
        oy = int(rng.integers(min(0, H - img.shape[0]), max(0, H - img.shape[0]) + 1))
        x0, y0 = max(0, ox), max(0, oy)
        x1, y1 = min(W, ox + img.shape[1]), min(H, oy + img.shape[0])
        canvas[y0:y1, x0:x1] = img[y0 - oy:y1 - oy, x0 - ox:x1 - ox]
        out = []
        for bx, by, bw, bh in boxes:
            bx, by = bx + ox, by + oy
            cx0, cy0, cx1, cy1 = max(bx, x0), max(by, y0), min(bx + bw, x1), min(by + bh, y1)
            if cx1 - cx0 <= 0 or cy1 - cy0 <= 0:
                continue
            vis = (cx1 - cx0) * (cy1 - cy0) / max(1e-6, bw * bh)
            out.append({"box": [float(cx0), float(cy0), float(cx1 - cx0), float(cy1 - cy0)], "corners": None,
                        "text": None, "ignore": vis < 0.6})
        return canvas, out
    return A.random_background(rng, H, W), []


def paste_plates(rng, canvas, plates, n, width_range, crops=None, p_crop=0.2, max_rot=25.0, country=None):
    """Paste n plates (synthetic, or a real crop with probability p_crop) without overlaps."""
    H, W = canvas.shape[:2]
    taken = [p["box"] for p in plates]
    for _ in range(n):
        use_crop = crops is not None and len(crops) and rng.random() < p_crop
        if use_crop:
            c = crops[int(rng.integers(len(crops)))]
            img, text, lines = c.img, c.text, None
        else:
            img, lay = random_plate(rng, country)
            text, lines = lay.text, len(lay.lines)
        aspect = img.shape[1] / img.shape[0]
        for _try in range(12):
            width = float(np.exp(rng.uniform(*np.log(width_range))))
            width = min(width, 0.9 * W, 0.9 * H * aspect)
            cx, cy = rng.uniform(0.05 * W, 0.95 * W), rng.uniform(0.05 * H, 0.95 * H)
            q = A.plate_quad(rng, cx, cy, width, aspect, max_rot=max_rot, max_persp=0.25, max_shear=0.2)
            box = _box_of(q)
            inside = box[0] >= 0 and box[1] >= 0 and box[0] + box[2] <= W and box[1] + box[3] <= H
            if inside and not _iou_any(box, taken):
                break
        else:
            continue
        A.warp_onto(canvas, img, q, light=rng.uniform(0.75, 1.1))
        taken.append(box)
        plates.append({"box": box, "corners": A.order_corners(q).tolist(), "text": text, "lines": lines,
                       "ignore": False})
    return plates


def compose(rng, scenes, crops, H=256, W=256, width_range=(12, 260)):
    """One training sample for the detector."""
    canvas, plates = background(rng, scenes, H, W)
    n = int(rng.choice([0, 1, 2, 3, 4], p=[0.15, 0.35, 0.25, 0.15, 0.1])) if plates else int(rng.integers(1, 5))
    paste_plates(rng, canvas, plates, n, width_range, crops)
    canvas = A.photometric(canvas, rng, 0.6)
    return canvas, plates
