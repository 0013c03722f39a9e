#!/usr/bin/python3
"""Quick evaluation of the current models on the real val splits (and the synthetic test set).

    /usr/bin/python3 models/eval.py [--ckpt best|last|shipped] [--e2e /path/to/synth_testset] [--errors N]

Reader: exact match per val crop split (whole crop rectified to 160x64, as the app would).
Detector: recall / precision at IoU >= 0.5 on the intl scenes val split, letterboxed like the app.
--e2e DIR: end-to-end on a synth_testset.py directory: a plate counts when a detection overlaps
it at IoU >= 0.5 and the reader, fed the detected corners (refined by the corner refiner when
its weights exist; --no-refiner to leave them as detected), reads its text exactly.
--ckpt shipped uses the committed warm-start weights (what the ONNX files contain).
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plates import contract as C  # noqa: E402
from plates.data import CROP_SETS, DEFAULT_DATA, MODELS_DIR, load_scenes, load_crops, read_rgb  # noqa: E402
from plates.det_codec import decode, iou, match  # noqa: E402
from plates.nets import Detector, Reader, Refiner  # noqa: E402
from plates.runutil import WORK, load_ckpt  # noqa: E402


def new_net(kind, cfg=None):
    return Reader() if kind == "reader" else Refiner() if kind == "refiner" else Detector((cfg or {}).get("width", 48))


def load(kind, which, run=None):
    """(net, what it is) from models/work/<run>/<which>.pt, or the shipped *.init.pt; None when
    the refiner has neither."""
    if which != "shipped":
        ck = load_ckpt(os.path.join(WORK, run or kind), f"{which}.pt")
        if ck:
            net = new_net(kind, ck["cfg"])
            net.load_state_dict(ck["model"])
            return net.eval(), f"{run or kind}/{which}.pt step {ck['step']}"
    path = os.path.join(MODELS_DIR, f"{kind}.init.pt")
    if kind == "refiner" and not os.path.exists(path):
        return None, None
    sd = torch.load(path)
    net = new_net(kind)
    net.load_state_dict({k: v.float() for k, v in sd.items()})
    return net.eval(), f"{kind}.init.pt"


@torch.no_grad()
def read(net, grays):
    x = torch.from_numpy(np.stack([C.reader_tensor(g) for g in grays]))
    probs = torch.softmax(net(x), -1).numpy()
    return [C.decode_probs(p) for p in probs]


@torch.no_grad()
def detect(net, rgb, thresh=0.3):
    canvas, s = C.letterbox(rgb)
    y = net(torch.from_numpy(C.det_tensor(canvas))[None])[0].numpy()
    dets = decode(1 / (1 + np.exp(-y[0])), y[1:], thresh)
    for d in dets:
        d["box"] = [v / s for v in d["box"]]
        d["corners"] = [[x / s, y_ / s] for x, y_ in d["corners"]]
    return dets


@torch.no_grad()
def refine(net, rgb, quads):
    """Detected quads -> the refiner's corners (frame px), one batched pass."""
    crops, Ms = zip(*(C.refiner_crop(rgb, np.asarray(q, np.float32)) for q in quads))
    out = net(torch.from_numpy(np.stack([C.refiner_tensor(c) for c in crops]))).numpy()
    return [C.refined_quad(o, M) for o, M in zip(out, Ms)]


def eval_reader(net, data, errors=0):
    out = {}
    for ds in CROP_SETS:
        crops = load_crops(data, ds, "val")
        res = []
        for i in range(0, len(crops), 128):
            chunk = crops[i:i + 128]
            res += read(net, [C.reader_gray(c.img) for c in chunk])
        ok = [r[0] == c.text for r, c in zip(res, crops)]
        out[ds] = {"exact": round(float(np.mean(ok)), 4), "n": len(crops)}
        if errors:
            bad = [(c.image, c.text, r[0]) for r, c, k in zip(res, crops, ok) if not k][:errors]
            out[ds]["errors"] = bad
    return out


def eval_detector(net, data, thresholds=(0.3, 0.4, 0.5, 0.6)):
    """Recall/precision at IoU >= 0.5 for several score thresholds (one network pass per scene)."""
    stats = {t: [0, 0, 0] for t in thresholds}
    for sc in load_scenes(data, "val"):
        dets = detect(net, sc.img, min(thresholds))
        for t in thresholds:
            r = match([d for d in dets if d["score"] >= t], [list(b) for b in sc.boxes])
            stats[t] = [a + b for a, b in zip(stats[t], r)]
    return {f"thr_{t}": {"recall": round(tp / max(1, ng), 4), "precision": round(tp / max(1, nd), 4), "plates": ng}
            for t, (tp, nd, ng) in stats.items()}


def eval_e2e(det, rdr, root, thr=0.4, refiner=None):
    per = {}
    for line in open(os.path.join(root, "labels.jsonl")):
        r = json.loads(line)
        img = read_rgb(os.path.join(root, r["image"]))
        dets = detect(det, img, thr)
        gts = [p for p in r["plates"] if not p.get("ignore")]
        quads = [np.array(d["corners"], np.float32) for d in dets]
        if refiner is not None and quads:
            quads = refine(refiner, img, quads)
        texts = read(rdr, [C.reader_gray(img, q) for q in quads]) if dets else []
        st = per.setdefault(r["country"], {"plates": 0, "found": 0, "read": 0})
        for g in gts:
            st["plates"] += 1
            best = max(range(len(dets)), key=lambda j: iou(dets[j]["box"], g["box"]), default=None)
            if best is not None and iou(dets[best]["box"], g["box"]) >= 0.5:
                st["found"] += 1
                st["read"] += int(texts[best][0] == g["text"])
    tot = {k: sum(v[k] for v in per.values()) for k in ("plates", "found", "read")}
    per["all"] = tot
    for v in per.values():
        v["detect_recall"] = round(v["found"] / max(1, v["plates"]), 4)
        v["end_to_end"] = round(v["read"] / max(1, v["plates"]), 4)
    return per


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--ckpt", default="best", choices=["best", "last", "shipped"])
    ap.add_argument("--e2e")
    ap.add_argument("--errors", type=int, default=0)
    ap.add_argument("--thr", type=float, default=0.4, help="detector score threshold for --e2e")
    ap.add_argument("--skip", choices=["reader", "detector"])
    ap.add_argument("--refiner-run", help="refiner training run under models/work/ (default: refiner)")
    ap.add_argument("--no-refiner", action="store_true", help="--e2e with the detector's own corners")
    a = ap.parse_args()
    torch.set_num_threads(1)
    rdr, rname = load("reader", a.ckpt)
    det, dname = load("detector", a.ckpt)
    ref, fname = (None, None) if a.no_refiner else load("refiner", a.ckpt, a.refiner_run)
    res = {"reader_weights": rname, "detector_weights": dname, "refiner_weights": fname}
    if a.skip != "reader":
        res["reader"] = eval_reader(rdr, a.data, a.errors)
    if a.skip != "detector":
        res["detector"] = eval_detector(det, a.data)
    if a.e2e:
        res["end_to_end"] = eval_e2e(det, rdr, a.e2e, a.thr, ref)
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
