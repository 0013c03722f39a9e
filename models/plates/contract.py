"""The preprocessing/decoding contract shared by training, export and the TypeScript pipeline.

Everything the app must reproduce lives here and is written verbatim into reader.json /
detector.json by export.py.  Change a value here and the exported contract changes with it.
"""
from __future__ import annotations

import cv2
import numpy as np

from .augment import rectify

# ---- reader -------------------------------------------------------------------------------
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PAD = "_"
VOCAB = ALPHABET + PAD          # class index -> character; PAD is the last class
MAX_SLOTS = 12
READER_H, READER_W = 64, 160    # gray, stretched (no letterbox): two-line plates fill the height
READER_MEAN, READER_STD = 127.5, 127.5  # x = (gray - 127.5) / 127.5


def encode_text(text: str) -> np.ndarray:
    """Label string -> MAX_SLOTS class indices, padded with PAD (left-aligned)."""
    assert len(text) <= MAX_SLOTS, text
    return np.array([VOCAB.index(c) for c in text] + [len(ALPHABET)] * (MAX_SLOTS - len(text)), np.int64)


def decode_probs(probs: np.ndarray) -> tuple[str, list[float]]:
    """(MAX_SLOTS, len(VOCAB)) probabilities -> text (PAD slots dropped) and per-char confidence."""
    idx = probs.argmax(-1)
    text, conf = [], []
    for k, i in enumerate(idx):
        if i != len(ALPHABET):
            text.append(VOCAB[i])
            conf.append(float(probs[k, i]))
    return "".join(text), conf


def reader_gray(rgb: np.ndarray, quad: np.ndarray | None = None) -> np.ndarray:
    """RGB image (+ plate corners TL,TR,BR,BL; None = whole image) -> uint8 gray READER_H x READER_W."""
    if quad is None:
        h, w = rgb.shape[:2]
        quad = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    crop = rectify(rgb, quad, READER_W, READER_H)
    return cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)


def reader_tensor(gray: np.ndarray) -> np.ndarray:
    """uint8 gray (H, W) -> float32 (1, H, W) normalised as in the contract."""
    return ((gray.astype(np.float32) - READER_MEAN) / READER_STD)[None]


# ---- detector -----------------------------------------------------------------------------
DET_H, DET_W = 384, 640         # letterboxed input (1280x720 -> 640x360 + 24 px bottom padding)
DET_STRIDE = 4
DET_MEAN, DET_STD = 0.0, 255.0  # x = rgb / 255
DET_PAD_VALUE = 114             # letterbox fill (all channels)
DET_SIZE_SCALE = 16.0           # box w/h = exp(out) * 16 px (input pixels)


def letterbox(rgb: np.ndarray, out_h: int = DET_H, out_w: int = DET_W):
    """Resize keeping aspect ratio into the top-left of an out_h x out_w canvas.

    Returns (canvas uint8 RGB, scale) where input px = frame px * scale."""
    h, w = rgb.shape[:2]
    s = min(out_w / w, out_h / h)
    nw, nh = int(round(w * s)), int(round(h * s))
    canvas = np.full((out_h, out_w, 3), DET_PAD_VALUE, np.uint8)
    canvas[:nh, :nw] = cv2.resize(rgb, (nw, nh), interpolation=cv2.INTER_LINEAR)
    return canvas, s


def det_tensor(rgb: np.ndarray) -> np.ndarray:
    """uint8 RGB (H, W, 3) -> float32 (3, H, W) = rgb / 255."""
    return (rgb.astype(np.float32).transpose(2, 0, 1) - DET_MEAN) / DET_STD
