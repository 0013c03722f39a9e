"""Geometry and photometric degradations shared by the reader and detector data.

All functions take a `numpy.random.Generator`; images are uint8 RGB (H, W, 3).
"""
from __future__ import annotations

import cv2
import numpy as np


def order_corners(q: np.ndarray) -> np.ndarray:
    """Return the 4 points as top-left, top-right, bottom-right, bottom-left (clockwise)."""
    q = np.asarray(q, np.float32).reshape(4, 2)
    c = q.mean(0)
    ang = np.arctan2(q[:, 1] - c[1], q[:, 0] - c[0])
    q = q[np.argsort(ang)]                         # clockwise in image coords starting ~left
    s = q.sum(1)
    start = int(np.argmin(s))                      # top-left has the smallest x+y
    return np.roll(q, -start, axis=0)


def plate_quad(rng, cx, cy, width, aspect, max_rot=12.0, max_persp=0.12, max_shear=0.15) -> np.ndarray:
    """A tilted, perspective-distorted plate quad (TL, TR, BR, BL) centred at (cx, cy)."""
    w, h = width, width / aspect
    q = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]], np.float32)
    q[:, 0] += q[:, 1] * rng.uniform(-max_shear, max_shear)
    # perspective: one side shorter than the other (yaw), top/bottom (pitch)
    yaw, pitch = rng.uniform(-max_persp, max_persp), rng.uniform(-max_persp, max_persp) * 0.6
    q[[1, 2], 1] *= 1 + yaw
    q[[0, 3], 1] *= 1 - yaw
    q[[0, 1], 0] *= 1 + pitch
    q[[2, 3], 0] *= 1 - pitch
    a = np.deg2rad(rng.uniform(-max_rot, max_rot))
    R = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]], np.float32)
    q = q @ R.T + np.array([cx, cy], np.float32)
    return q


def warp_onto(bg: np.ndarray, plate: np.ndarray, quad: np.ndarray, rng=None, light=1.0) -> None:
    """Paste `plate` (its full rectangle) onto `bg` at `quad` in place, with soft edges."""
    h, w = plate.shape[:2]
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    M = cv2.getPerspectiveTransform(src, quad.astype(np.float32))
    H, W = bg.shape[:2]
    x0, y0 = np.floor(quad.min(0)).astype(int) - 2
    x1, y1 = np.ceil(quad.max(0)).astype(int) + 2
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(W, x1), min(H, y1)
    if x1 <= x0 or y1 <= y0:
        return
    T = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]], np.float64) @ M
    scale = np.linalg.norm(quad[1] - quad[0]) / w
    interp = cv2.INTER_AREA if scale < 0.5 else cv2.INTER_LINEAR
    src_img = plate
    if scale < 0.5:  # pre-shrink to avoid aliasing, then warp
        f = max(scale * 1.5, 0.05)
        src_img = cv2.resize(plate, (max(2, int(w * f)), max(2, int(h * f))), interpolation=cv2.INTER_AREA)
        S = np.diag([w / src_img.shape[1], h / src_img.shape[0], 1.0])
        T = T @ S
        interp = cv2.INTER_LINEAR
    warped = cv2.warpPerspective(src_img, T, (x1 - x0, y1 - y0), flags=interp, borderMode=cv2.BORDER_CONSTANT)
    mask = cv2.warpPerspective(np.full(src_img.shape[:2], 255, np.uint8), T, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR)
    m = (mask.astype(np.float32) / 255.0)[..., None]
    roi = bg[y0:y1, x0:x1].astype(np.float32)
    bg[y0:y1, x0:x1] = np.clip(roi * (1 - m) + warped.astype(np.float32) * light * m, 0, 255).astype(np.uint8)


def rectify(img: np.ndarray, quad: np.ndarray, out_w: int, out_h: int) -> np.ndarray:
    """Warp the quad (TL, TR, BR, BL) to an out_w x out_h image: exactly what the app does."""
    dst = np.array([[0, 0], [out_w, 0], [out_w, out_h], [0, out_h]], np.float32)
    M = cv2.getPerspectiveTransform(np.asarray(quad, np.float32), dst)
    return cv2.warpPerspective(img, M, (out_w, out_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def random_background(rng, h: int, w: int) -> np.ndarray:
    """Blank/noise/gradient/stripe background (used when no scene photo is drawn)."""
    kind = int(rng.integers(4))
    base = rng.uniform(0, 255, 3)
    if kind == 0:
        img = np.ones((h, w, 3), np.float32) * base
    elif kind == 1:
        g = np.linspace(0, 1, w, dtype=np.float32)[None, :, None]
        img = base * (1 - g) + rng.uniform(0, 255, 3) * g + np.zeros((h, 1, 1), np.float32)
    elif kind == 2:
        small = rng.uniform(0, 255, (max(2, h // 32), max(2, w // 32), 3)).astype(np.float32)
        img = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    else:
        img = np.ones((h, w, 3), np.float32) * base
        for _ in range(int(rng.integers(3, 12))):
            p1 = tuple(int(v) for v in rng.integers(0, max(w, h), 2))
            p2 = tuple(int(v) for v in rng.integers(0, max(w, h), 2))
            cv2.line(img, p1, p2, tuple(float(v) for v in rng.uniform(0, 255, 3)), int(rng.integers(1, 20)))
    img += rng.normal(0, rng.uniform(2, 15), img.shape).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.uint8)


def _motion_kernel(rng, k):
    ker = np.zeros((k, k), np.float32)
    ker[k // 2, :] = 1
    M = cv2.getRotationMatrix2D((k / 2 - 0.5, k / 2 - 0.5), rng.uniform(0, 180), 1)
    ker = cv2.warpAffine(ker, M, (k, k))
    return ker / max(ker.sum(), 1e-6)


def photometric(img: np.ndarray, rng, strength: float = 1.0) -> np.ndarray:
    """Blur, noise, lighting, glare, night, dirt and JPEG artefacts, each with some probability."""
    x = img.astype(np.float32)
    H, W = x.shape[:2]
    s = strength
    if rng.random() < 0.35 * s:  # dirt: brownish translucent blobs
        for _ in range(int(rng.integers(1, 8))):
            c = (int(rng.integers(W)), int(rng.integers(H)))
            ax = (int(rng.integers(1, max(2, W // 8))), int(rng.integers(1, max(2, H // 5))))
            m = np.zeros((H, W), np.float32)
            cv2.ellipse(m, c, ax, rng.uniform(0, 180), 0, 360, 1.0, -1)
            m = cv2.GaussianBlur(m, (0, 0), max(1, min(ax) / 2))[..., None] * rng.uniform(0.2, 0.7)
            x = x * (1 - m) + np.array([90, 75, 55], np.float32) * rng.uniform(0.5, 1.2) * m
    if rng.random() < 0.3 * s:  # shadow across a half plane
        a = rng.uniform(0, np.pi)
        yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
        d = (xx - rng.uniform(0, W)) * np.cos(a) + (yy - rng.uniform(0, H)) * np.sin(a)
        m = (1 / (1 + np.exp(np.clip(-d / max(1.0, rng.uniform(1, 0.1 * W)), -50, 50))))[..., None]
        x = x * (1 - m * rng.uniform(0.25, 0.55))
    if rng.random() < 0.25 * s:  # glare: a bright blob
        yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
        cx, cy, r = rng.uniform(0, W), rng.uniform(0, H), rng.uniform(0.1, 0.5) * max(W, H)
        g = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r))[..., None]
        x = x + g * rng.uniform(60, 220)
    # global lighting: contrast, brightness, colour cast, gamma
    x = (x - 128) * rng.uniform(0.65, 1.25) + 128 + rng.uniform(-35, 30) * s
    x = x * rng.uniform(0.85, 1.15, 3).astype(np.float32)
    x = np.clip(x, 0, 255)
    x = 255 * (x / 255) ** rng.uniform(0.7, 1.4)
    if rng.random() < 0.2 * s:  # night: dark, bluish, noisy
        x = x * rng.uniform(0.3, 0.6) * np.array([0.85, 0.95, 1.15], np.float32)
        x += rng.normal(0, rng.uniform(2, 8), x.shape)
    x = np.clip(x, 0, 255).astype(np.uint8)
    r = rng.random()
    if r < 0.3 * s:
        x = cv2.GaussianBlur(x, (0, 0), rng.uniform(0.5, 1.2 + 0.004 * min(H, W)))
    elif r < 0.5 * s:
        x = cv2.filter2D(x, -1, _motion_kernel(rng, int(rng.integers(3, 4 + min(H, W) // 25))))
    if rng.random() < 0.5 * s:
        x = np.clip(x + rng.normal(0, rng.uniform(2, 14), x.shape), 0, 255).astype(np.uint8)
    if rng.random() < 0.6 * s:
        q = int(rng.integers(15, 85))
        ok, enc = cv2.imencode(".jpg", x, [cv2.IMWRITE_JPEG_QUALITY, q])
        x = cv2.imdecode(enc, cv2.IMREAD_UNCHANGED)
        if x.ndim == 2:
            x = x[..., None]
    return x
