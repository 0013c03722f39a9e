"""Corner-refiner samples: a plate (synthetic, or a real train crop) warped into a scene patch,
seen through a quad as wrong as the detector's, with the exact corners as the target.

A sample is (uint8 RGB REFINER_H x REFINER_W crop, (8,) float32 corners in crop units).  Every
sample is a pure function of (seed, step, index), so a resumed run sees the data it would have.
"""
from __future__ import annotations

import cv2
import numpy as np

from . import augment as A
from .contract import REFINER_H, REFINER_W, UNIT_SQUARE, refiner_matrix, refiner_warp
from .reader_data import scene_patch
from .render import random_plate


def detector_like(rng, q: np.ndarray) -> np.ndarray:
    """A quad as the detector might place it around the true quad q (TL, TR, BR, BL).

    Errors are drawn in the plate's own frame (fractions of its width along the top edge, of its
    height along the side): a shift, a scale, a small turn and each corner on its own.  The
    detector's corners on 160 synthetic frames of a training seed were off by a median of 0.05
    of the width and 0.07 of the height per corner, a tenth of them by more than 0.15 and 0.21;
    a tenth of the samples are nearly exact (so a good quad is left alone), a quarter twice as
    far off and one in twenty three times (steep plates)."""
    r = rng.random()
    k = 0.25 if r < 0.1 else 3.0 if r < 0.15 else 2.0 if r < 0.4 else 1.0
    H = cv2.getPerspectiveTransform(UNIT_SQUARE, q.astype(np.float32))
    u = UNIT_SQUARE.copy() - 0.5
    a = np.deg2rad(rng.normal(0, 2.0 * k))
    u = u @ np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]], np.float32).T
    u *= np.exp(rng.normal([0.0, 0.03], [0.05 * k, 0.1 * k])).astype(np.float32)
    u += rng.normal(0, [0.035 * k, 0.06 * k], 2).astype(np.float32)
    u += rng.normal(0, [0.035 * k, 0.05 * k], (4, 2)).astype(np.float32)
    return cv2.perspectiveTransform((u + 0.5)[None].astype(np.float32), H)[0]


def refiner_sample(rng, scenes, crops=None, p_crop=0.2):
    if crops and rng.random() < p_crop:
        plate = crops[int(rng.integers(len(crops)))].img
    else:
        plate, _ = random_plate(rng)
    ph, pw = plate.shape[:2]
    aspect = pw / ph
    width = float(np.exp(rng.uniform(np.log(28), np.log(280))))
    side = int(width * 2.0) + 32
    bg = scene_patch(rng, scenes, side, side)
    q = A.plate_quad(rng, side / 2, side / 2, width, aspect, max_rot=25.0, max_persp=0.25, max_shear=0.2)
    A.warp_onto(bg, plate, q, light=rng.uniform(0.75, 1.1))
    if rng.random() < 0.5:  # the detector sees frames at half size: lose the same resolution
        f = rng.uniform(0.35, 1.0)
        small = cv2.resize(bg, (max(8, int(side * f)), max(8, int(side * f))), interpolation=cv2.INTER_AREA)
        bg = cv2.resize(small, (side, side), interpolation=cv2.INTER_LINEAR)
    bg = A.photometric(bg, rng, 0.7)
    # A draw that leaves a true corner well outside the crop is drawn again: the soft-argmax
    # cannot point there, and such a target (a near-degenerate quad maps it far away) gave
    # single batches a loss a hundred times the rest.
    for _ in range(8):
        dq = detector_like(rng, q)
        M = refiner_matrix(dq)
        target = cv2.perspectiveTransform(q[None].astype(np.float32), M)[0] / np.array([REFINER_W, REFINER_H], np.float32)
        if np.all(np.abs(target - 0.5) < 0.75):
            break
    return refiner_warp(bg, M), target.reshape(8).astype(np.float32)
