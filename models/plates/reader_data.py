"""Reader training samples: synthetic plates seen as the app sees them, and augmented real crops.

A sample is (gray uint8 READER_H x READER_W, label text).  Every sample is a pure function of
(seed, step, index), so a resumed run sees exactly the data it would have seen.
"""
from __future__ import annotations

import cv2
import numpy as np

from . import augment as A
from .contract import READER_H, READER_W, reader_gray
from .render import random_plate


def scene_patch(rng, scenes, h, w) -> np.ndarray:
    """A random h x w patch of a real scene photo (train split) or a synthetic background."""
    if scenes and rng.random() < 0.7:
        img = scenes[int(rng.integers(len(scenes)))].img
        s = max(h / img.shape[0], w / img.shape[1]) * rng.uniform(1.0, 2.0)
        img = cv2.resize(img, (int(img.shape[1] * s) + 1, int(img.shape[0] * s) + 1))
        y, x = int(rng.integers(0, img.shape[0] - h + 1)), int(rng.integers(0, img.shape[1] - w + 1))
        return img[y:y + h, x:x + w].copy()
    return A.random_background(rng, h, w)


def jitter_quad(rng, q: np.ndarray, loose: float = 0.06, noise: float = 0.03) -> np.ndarray:
    """Imitate detector corner error: scale about the centre and move each corner a little."""
    w = np.linalg.norm(q[1] - q[0])
    h = np.linalg.norm(q[3] - q[0])
    c = q.mean(0)
    sx, sy = 1 + rng.uniform(-loose * 0.2, loose), 1 + rng.uniform(-loose * 0.3, loose * 1.5)
    ux = (q[1] - q[0]) / max(w, 1e-6)
    uy = (q[3] - q[0]) / max(h, 1e-6)
    out = []
    for p in q:
        d = p - c
        dx, dy = d @ ux, d @ uy
        out.append(c + ux * dx * sx + uy * dy * sy + ux * rng.normal(0, noise) * w + uy * rng.normal(0, noise * 1.5) * h)
    return np.array(out, np.float32)


def synth_sample(rng, scenes=None, clean: bool = False, country=None):
    """Render a plate into context at a random native size, degrade, rectify like the app."""
    plate, lay = random_plate(rng, country)
    ph, pw = plate.shape[:2]
    aspect = pw / ph
    width = float(np.exp(rng.uniform(np.log(120), np.log(300)))) if clean else \
        float(np.exp(rng.uniform(np.log(36), np.log(320))))
    H = int(width / aspect * 2.2) + 16
    W = int(width * 1.5) + 16
    bg = scene_patch(rng, scenes, H, W)
    q = A.plate_quad(rng, W / 2, H / 2, width, aspect, max_rot=4 if clean else 10,
                     max_persp=0.03 if clean else 0.12, max_shear=0.03 if clean else 0.12)
    A.warp_onto(bg, plate, q, light=rng.uniform(0.8, 1.05) if not clean else 1.0)
    if not clean:
        bg = A.photometric(bg, rng, 1.0)
    # A quarter of the noisy plates get corners as far off as the detector's on a steep
    # perspective (a gate photo's corners were off by 15 % of the width at one end).
    noise = 0.008 if clean else (0.045 if rng.random() < 0.25 else 0.015)
    jq = jitter_quad(rng, q, 0.04 if clean else 0.08, noise)
    return reader_gray(bg, jq), lay.text, line_labels(lay.lines)


def line_labels(printed: list[str]) -> tuple[str, str]:
    """The reader's two output sequences' targets: top line, then the bottom line ("" for a
    one-line plate, whose text goes in the first sequence)."""
    clean = ["".join(c for c in line if c.isalnum()) for line in printed]
    return (clean[0], clean[1] if len(clean) > 1 else "")


# A real crop this wide is a one-line plate (two-line plates are under ~2.5:1), so it can
# supervise the line split too; narrower real crops are left to the whole-sequence loss.
ONE_LINE_MIN_ASPECT = 3.0


def real_line_labels(crop_img: np.ndarray, text: str) -> tuple[str, str] | None:
    h, w = crop_img.shape[:2]
    return (text, "") if w / h >= ONE_LINE_MIN_ASPECT else None


def real_sample(rng, crop_img: np.ndarray, strong: bool = True) -> np.ndarray:
    """Augment a real crop: random crop/pad, small perspective, lighting; rectify to the reader size."""
    h, w = crop_img.shape[:2]
    q = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    if strong:
        # mostly small crop/pad; a fifth as far off as the detector's corners on a steep plate
        reach = 0.12 if rng.random() < 0.2 else 0.06
        q += rng.uniform(-reach, reach, (4, 2)).astype(np.float32) * np.array([w, h], np.float32)
    img = crop_img
    if strong and rng.random() < 0.3:  # resolution loss
        f = rng.uniform(0.3, 0.9)
        small = cv2.resize(img, (max(8, int(w * f)), max(4, int(h * f))), interpolation=cv2.INTER_AREA)
        img = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    g = reader_gray(img, q)
    if strong:
        g = A.photometric(np.repeat(g[..., None], 3, -1), rng, 0.5)[..., 0]
    return g
