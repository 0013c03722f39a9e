"""Detector targets (training) and decoding (eval/export parity with the app)."""
from __future__ import annotations

import numpy as np

from .contract import DET_SIZE_SCALE, DET_STRIDE


def make_targets(plates, H, W, stride=DET_STRIDE):
    """-> heat (1,h,w), ignore mask (1,h,w; 1 = count in loss), reg (12,h,w), reg mask (3,h,w):
    reg rows: log(w/16), log(h/16), off x, off y, 4 corners (dx/w, dy/h); mask rows: size, off, corners."""
    h, w = H // stride, W // stride
    heat = np.zeros((1, h, w), np.float32)
    keep = np.ones((1, h, w), np.float32)
    reg = np.zeros((12, h, w), np.float32)
    mask = np.zeros((3, h, w), np.float32)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    for p in plates:
        bx, by, bw, bh = p["box"]
        if p.get("ignore"):
            x0, y0 = int(bx // stride), int(by // stride)
            x1, y1 = int(np.ceil((bx + bw) / stride)), int(np.ceil((by + bh) / stride))
            keep[0, max(0, y0):y1, max(0, x0):x1] = 0
            continue
        if bw < 4 or bh < 2:
            continue
        cx, cy = (bx + bw / 2) / stride, (by + bh / 2) / stride
        ix, iy = min(w - 1, int(cx)), min(h - 1, int(cy))
        sx, sy = max(0.7, bw / stride / 6), max(0.6, bh / stride / 6)
        g = np.exp(-((xs - ix) ** 2 / (2 * sx * sx) + (ys - iy) ** 2 / (2 * sy * sy)))
        heat[0] = np.maximum(heat[0], g)
        heat[0, iy, ix] = 1.0
        reg[0, iy, ix] = np.log(bw / DET_SIZE_SCALE)
        reg[1, iy, ix] = np.log(bh / DET_SIZE_SCALE)
        reg[2, iy, ix], reg[3, iy, ix] = cx - ix, cy - iy
        mask[0:2, iy, ix] = 1
        if p.get("corners") is not None:
            c = np.asarray(p["corners"], np.float32)
            pcx, pcy = bx + bw / 2, by + bh / 2
            reg[4::2, iy, ix] = (c[:, 0] - pcx) / bw
            reg[5::2, iy, ix] = (c[:, 1] - pcy) / bh
            mask[2, iy, ix] = 1
    return heat, keep, reg, mask


def decode(heat: np.ndarray, reg: np.ndarray, thresh: float = 0.3, stride=DET_STRIDE, topk: int = 50):
    """heat (h,w) probabilities (peaks only or raw), reg (12,h,w) -> list of detections in input px:
    {score, box [x,y,w,h], corners [[x,y]*4]}.  Applies the 3x3 peak test itself."""
    h, w = heat.shape
    pad = np.pad(heat, 1, constant_values=-1)
    win = np.stack([pad[dy:dy + h, dx:dx + w] for dy in range(3) for dx in range(3)])
    peaks = (heat >= win.max(0)) & (heat >= thresh)
    iy, ix = np.nonzero(peaks)
    order = np.argsort(-heat[iy, ix])[:topk]
    out = []
    for y, x in zip(iy[order], ix[order]):
        r = reg[:, y, x]
        bw, bh = np.exp(r[0]) * DET_SIZE_SCALE, np.exp(r[1]) * DET_SIZE_SCALE
        cx, cy = (x + r[2]) * stride, (y + r[3]) * stride
        corners = [[float(cx + r[4 + 2 * k] * bw), float(cy + r[5 + 2 * k] * bh)] for k in range(4)]
        out.append({"score": float(heat[y, x]), "box": [float(cx - bw / 2), float(cy - bh / 2), float(bw), float(bh)],
                    "corners": corners})
    return out


def iou(a, b) -> float:
    ax0, ay0, aw, ah = a
    bx0, by0, bw, bh = b
    iw = max(0.0, min(ax0 + aw, bx0 + bw) - max(ax0, bx0))
    ih = max(0.0, min(ay0 + ah, by0 + bh) - max(ay0, by0))
    inter = iw * ih
    return inter / max(1e-9, aw * ah + bw * bh - inter)


def match(dets, gts, thr=0.5):
    """Greedy matching by score; returns (true positives, n dets, n gts)."""
    used = set()
    tp = 0
    for d in sorted(dets, key=lambda d: -d["score"]):
        best, bj = thr, -1
        for j, g in enumerate(gts):
            if j in used:
                continue
            v = iou(d["box"], g)
            if v >= best:
                best, bj = v, j
        if bj >= 0:
            used.add(bj)
            tp += 1
    return tp, len(dets), len(gts)
