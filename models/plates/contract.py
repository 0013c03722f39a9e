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
BLANK = "_"
VOCAB = ALPHABET + BLANK        # class index -> character; the CTC blank is the last class
BLANK_INDEX = len(ALPHABET)
MAX_CHARS = 12                  # longest plate text the reader is trained on
READER_H, READER_W = 64, 160    # gray, stretched (no letterbox): two-line plates fill the height
READER_MEAN, READER_STD = 127.5, 127.5  # x = (gray - 127.5) / 127.5
READER_LINES = 2                # output sequence: top text line's steps, then the bottom line's
READER_STEPS = READER_LINES * (READER_W // 4)   # the reader keeps width at stride 4


def encode_text(text: str) -> np.ndarray:
    """Label string -> class indices (CTC target, no blanks)."""
    assert 0 < len(text) <= MAX_CHARS, text
    return np.array([VOCAB.index(c) for c in text], np.int64)


def decode_probs(probs: np.ndarray) -> tuple[str, list[float]]:
    """(STEPS, len(VOCAB)) probabilities -> CTC greedy text and per-char confidence.

    Best class per step; runs of one class collapse to one character; blanks are dropped; each
    text line's READER_STEPS / READER_LINES steps decode on their own (a run never crosses from
    one line into the next).  A character's confidence is its highest probability over its run."""
    idx = probs.argmax(-1)
    text, conf = [], []
    prev = BLANK_INDEX
    line_steps = len(idx) // READER_LINES
    for k, i in enumerate(idx):
        if k % line_steps == 0:
            prev = BLANK_INDEX
        if i != BLANK_INDEX:
            if i != prev:
                text.append(VOCAB[i])
                conf.append(float(probs[k, i]))
            else:
                conf[-1] = max(conf[-1], float(probs[k, i]))
        prev = i
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


# ---- corner refiner -----------------------------------------------------------------------
# The detector's corners come from one stride-4 cell and can be a tenth of the plate's width
# off; the reader loses a character for every few percent.  The refiner looks again at a crop
# around the detected quad, in the plate's own perspective, and places the four corners there.
REFINER_H, REFINER_W = 64, 128          # RGB crop, x = rgb / 255
REFINER_MARGIN_X, REFINER_MARGIN_Y = 0.25, 0.5   # crop = quad grown by these fractions on each side
UNIT_SQUARE = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], np.float32)


def refiner_region(quad: np.ndarray) -> np.ndarray:
    """The crop's corners in the frame: the quad's unit square grown by the margins, mapped
    through the homography that takes the unit square onto the quad (TL, TR, BR, BL)."""
    mx, my = REFINER_MARGIN_X, REFINER_MARGIN_Y
    grown = np.array([[-mx, -my], [1 + mx, -my], [1 + mx, 1 + my], [-mx, 1 + my]], np.float32)
    H = cv2.getPerspectiveTransform(UNIT_SQUARE, np.asarray(quad, np.float32))
    return cv2.perspectiveTransform(grown[None], H)[0]


def refiner_matrix(quad: np.ndarray) -> np.ndarray:
    """The frame -> crop pixels homography of the refiner's crop around a detected quad."""
    dst = np.array([[0, 0], [REFINER_W, 0], [REFINER_W, REFINER_H], [0, REFINER_H]], np.float32)
    return cv2.getPerspectiveTransform(refiner_region(quad), dst)


def refiner_crop(rgb: np.ndarray, quad: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """RGB frame + detected quad -> (uint8 RGB REFINER_H x REFINER_W crop, frame->crop matrix)."""
    M = refiner_matrix(quad)
    return refiner_warp(rgb, M), M


def refiner_warp(rgb: np.ndarray, M: np.ndarray) -> np.ndarray:
    """The crop a frame -> crop matrix gives: the reader's warp conventions at the refiner's size."""
    return cv2.warpPerspective(rgb, M, (REFINER_W, REFINER_H), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)


def refiner_tensor(crop: np.ndarray) -> np.ndarray:
    """uint8 RGB (H, W, 3) -> float32 (3, H, W) = rgb / 255."""
    return crop.astype(np.float32).transpose(2, 0, 1) / 255.0


def refined_quad(out: np.ndarray, M: np.ndarray) -> np.ndarray:
    """The refiner's 8 outputs (crop units) -> corners (4, 2) in frame pixels."""
    pts = np.asarray(out, np.float32).reshape(4, 2) * np.array([REFINER_W, REFINER_H], np.float32)
    return cv2.perspectiveTransform(pts[None], np.linalg.inv(M))[0]
