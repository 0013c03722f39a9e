"""Loading the shared labelled datasets (read in place, never copied) and the label fixes."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass

import cv2
import numpy as np

MODELS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DATA = os.path.normpath(os.path.join(MODELS_DIR, "..", "..", "shared", "datasets"))
CORRECTIONS = os.path.join(MODELS_DIR, "label-corrections.jsonl")

CROP_SETS = ("in-lprnet-crops", "br-openalpr-crops", "br-openalpr-synth", "eu-openalpr-crops")
SCENE_SET = "intl-openlpr-scenes"


@dataclass
class Crop:
    dataset: str
    image: str      # path relative to the dataset folder, as in labels.jsonl
    text: str
    country: str
    split: str
    img: np.ndarray | None = None  # RGB uint8, loaded on demand


@dataclass
class Scene:
    image: str
    boxes: np.ndarray   # (n, 4) x, y, w, h
    split: str
    img: np.ndarray | None = None


def load_corrections(path: str = CORRECTIONS) -> dict[tuple[str, str], dict]:
    """(dataset, image) -> correction row; `new` null means the crop is dropped."""
    out = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    out[(r["dataset"], r["image"])] = r
    return out


def read_rgb(path: str, max_side: int | None = None) -> np.ndarray:
    img = cv2.imread(path, cv2.IMREAD_COLOR)
    if img is None:
        raise FileNotFoundError(path)
    if max_side and max(img.shape[:2]) > max_side:
        s = max_side / max(img.shape[:2])
        img = cv2.resize(img, (max(1, int(img.shape[1] * s)), max(1, int(img.shape[0] * s))),
                         interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)


def _labelled(data: str, dataset: str, corrections) -> list[tuple[dict, str | None]]:
    """Every row of a dataset's labels.jsonl with its text, label corrections applied."""
    out = []
    with open(os.path.join(data, dataset, "labels.jsonl")) as f:
        for line in f:
            r = json.loads(line)
            fix = corrections.get((dataset, r["image"]))
            out.append((r, fix["new"] if fix is not None else r["plates"][0]["text"]))
    return out


def load_crops(data: str, dataset: str, split: str, load: bool = True, corrections=None,
               max_side: int = 480) -> list[Crop]:
    """Crops of one dataset/split with label corrections applied (dropped ones removed).

    The datasets split by plate text, but a mislabelled crop can show a plate of the other split:
    once corrected, a val crop whose plate is also in train is left out of val (it measures a car
    trained on), the rule scripts/lpr/datasets.ts readCrops applies too."""
    corrections = load_corrections() if corrections is None else corrections
    rows = _labelled(data, dataset, corrections)
    trained = {t for r, t in rows if r["split"] == "train" and t} if split == "val" else set()
    out = []
    for r, text in rows:
        if r["split"] != split or not text or text in trained:
            continue
        c = Crop(dataset, r["image"], text, r["country"], split)
        if load:
            c.img = read_rgb(os.path.join(data, dataset, r["image"]), max_side)
        out.append(c)
    return out


def load_scenes(data: str, split: str, load: bool = True) -> list[Scene]:
    out = []
    with open(os.path.join(data, SCENE_SET, "labels.jsonl")) as f:
        for line in f:
            r = json.loads(line)
            if r["split"] != split:
                continue
            boxes = np.array([p["box"] for p in r["plates"] if p["box"]], np.float32).reshape(-1, 4)
            s = Scene(r["image"], boxes, split)
            if load:
                s.img = read_rgb(os.path.join(data, SCENE_SET, r["image"]))
            out.append(s)
    return out
