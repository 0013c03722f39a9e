#!/usr/bin/python3
"""Export the trained models to ONNX (opset 17) with their JSON contracts.

    /usr/bin/python3 models/export.py [--only reader|detector|refiner] [--ckpt best|last] [--reader-run R]
                                      [--detector-run D] [--refiner-run F]

Writes models/reader.onnx + reader.json, models/detector.onnx + detector.json,
models/refiner.onnx + refiner.json, and the small fp16 warm-start weights models/*.init.pt (so
training can continue on a fresh machine).  Each ONNX file is reloaded, checked with onnx.checker, run with an independent
runtime (OpenCV DNN) and compared with torch (allclose); latencies are logged.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plates import contract as C  # noqa: E402
from plates.data import MODELS_DIR  # noqa: E402
from plates.nets import Detector, DetectorExport, Reader, ReaderExport, Refiner  # noqa: E402
from plates.onnx_io import cv2_ms, export, inline_identities, run_cv2, run_ort_node, store_fp16, torch_ms  # noqa: E402
from plates.runutil import WORK, load_ckpt  # noqa: E402

VERSION_DATE = time.strftime("%Y-%m-%d")


def fp16_round(sd):
    """Round float tensors through fp16 so the ONNX file equals the committed *.init.pt exactly."""
    return {k: (v.half().float() if v.is_floating_point() else v) for k, v in sd.items()}


def load_state(name, which, init_name):
    ck = load_ckpt(os.path.join(WORK, name), f"{which}.pt") or load_ckpt(os.path.join(WORK, name), "last.pt")
    if ck:
        best = ck.get("best")  # inf (the refiner's "no validation yet") is not JSON: null
        best = best if best is not None and np.isfinite(best) else None
        return fp16_round(ck["model"]), {"step": ck["step"], "best_val": best, "config": ck["cfg"]}
    p = os.path.join(MODELS_DIR, init_name)
    sd = torch.load(p)
    return {k: v.float() for k, v in sd.items()}, {"note": f"from {init_name}"}


def save_init(sd, name):
    """fp16 copy of the weights (float tensors only; BN counters kept) for warm starts."""
    torch.save({k: (v.half() if v.is_floating_point() else v) for k, v in sd.items()}, os.path.join(MODELS_DIR, name))


def check(path, module, x, names, atol, input_name):
    """ONNX output vs torch with an independent runtime: OpenCV DNN, or onnxruntime-node (the
    runtime the app ships) where OpenCV 4.6 can't run the graph (the reader's line attention)."""
    with torch.no_grad():
        ref = module(x)
    ref = ref if isinstance(ref, tuple) else (ref,)
    got, runtime = run_cv2(path, x.numpy(), names), "opencv-dnn " + __import__("cv2").__version__
    if got is None:
        got, runtime = run_ort_node(path, x.numpy(), input_name, names), "onnxruntime-node (node_modules)"
    res = {"onnx_checker": "ok"}
    if got is None:
        res["parity"] = "not run (neither OpenCV DNN nor onnxruntime-node could run it)"
        return res
    diffs = [float(np.abs(g - r.numpy()).max()) for g, r in zip(got, ref)]
    ok = all(np.allclose(g, r.numpy(), atol=atol, rtol=1e-4) for g, r in zip(got, ref))
    res["parity"] = {"runtime": runtime, "max_abs_diff": diffs, "allclose": ok, "atol": atol}
    if not ok:
        raise SystemExit(f"ONNX output differs from torch: {diffs}")
    return res


def write_contract(name, contract):
    """models/<name>.json beside the ONNX file, and a one-line summary of what was checked."""
    with open(os.path.join(MODELS_DIR, f"{name}.json"), "w") as f:
        json.dump(contract, f, indent=1, default=str, allow_nan=False)
    print(f"{name}:", json.dumps({k: contract[k] for k in ("version", "bytes", "checks", "latency")}, default=str))


def export_reader(which, run="reader"):
    sd, info = load_state(run, which, "reader.init.pt")
    net = Reader()
    net.load_state_dict(sd)
    mod = ReaderExport(net).eval()
    path = os.path.join(MODELS_DIR, "reader.onnx")
    x = torch.from_numpy(np.random.default_rng(0).normal(0, 0.6, (3, 1, C.READER_H, C.READER_W)).astype(np.float32))
    export(mod, x, path, "plate", ["probs"], dynamic_batch=True)
    inline_identities(path)
    chk = check(path, mod, x, ["probs"], 1e-5, "plate")
    x1 = x[:1]
    lat = {"torch_cpu_2threads_ms": round(torch_ms(mod, x1), 2),
           "opencv_dnn_ms": round(cv2_ms(path, x1.numpy(), ["probs"]) or -1, 2)}  # -1: OpenCV could not run it
    save_init(net.state_dict(), "reader.init.pt")
    contract = {
        "name": "spms-plate-reader", "version": f"{VERSION_DATE}-step{info.get('step', 0)}", "file": "reader.onnx",
        "opset": 17, "bytes": os.path.getsize(path),
        "input": {
            "name": "plate", "shape": ["n", 1, C.READER_H, C.READER_W], "dtype": "float32", "layout": "NCHW",
            "color": "gray", "gray_from_rgb": "OpenCV COLOR_RGB2GRAY (0.299 R + 0.587 G + 0.114 B)",
            "normalize": {"mean": C.READER_MEAN, "std": C.READER_STD, "formula": "x = (gray - 127.5) / 127.5"},
            "rectify": {
                "from": "the detector's four corners in frame pixels, TL, TR, BR, BL",
                "to": [[0, 0], [C.READER_W, 0], [C.READER_W, C.READER_H], [0, C.READER_H]],
                "how": "M = getPerspectiveTransform(corners, to); warpPerspective(frame, M, (160, 64), INTER_LINEAR, BORDER_REPLICATE)",
                "note": "no letterbox: the plate is stretched to 160x64 whatever its aspect (two-line plates included); "
                        "a plain crop uses its own rectangle as corners",
            },
        },
        "output": {
            "name": "probs", "shape": ["n", C.READER_STEPS, len(C.VOCAB)], "dtype": "float32",
            "meaning": "softmax probabilities per time step over `vocab` (already normalised); steps 0..39 "
                       "read the plate's top text line left to right, steps 40..79 the bottom line (a one-line "
                       "plate uses either half and blanks the other)",
        },
        "vocab": C.VOCAB, "alphabet": C.ALPHABET, "blank_char": C.BLANK, "blank_index": C.BLANK_INDEX,
        "max_chars": C.MAX_CHARS,
        "decode": {
            "kind": "ctc-greedy",
            "lines": C.READER_LINES,
            "how": "i_t = argmax(probs[t]) per step; each of the `lines` equal runs of steps on its own (top line "
                   "first): collapse runs of one index into one; drop blank_index; "
                   "text = vocab[i] of what is left.  char_confidence = highest probs[t][i] over the character's run; "
                   "skipped = max over blank steps t of (1 - probs[t][blank] - probs[t][character read before t] "
                   "- probs[t][character read after t], in t's line); "
                   "plate_confidence = min(char confidences, 1 - skipped)",
        },
        "training": info | {"exported": time.strftime("%Y-%m-%dT%H:%M:%S")},
        "checks": chk, "latency": lat,
    }
    write_contract("reader", contract)


def export_detector(which, run="detector"):
    sd, info = load_state(run, which, "detector.init.pt")
    width = info.get("config", {}).get("width", 48)
    net = Detector(width)
    net.load_state_dict(sd)
    mod = DetectorExport(net).eval()
    path = os.path.join(MODELS_DIR, "detector.onnx")
    x = torch.from_numpy(np.random.default_rng(0).uniform(0, 1, (1, 3, C.DET_H, C.DET_W)).astype(np.float32))
    names = ["heat", "heat_max", "reg"]
    export(mod, x, path, "image", names, dynamic_batch=False)
    inline_identities(path)
    chk = check(path, mod, x, names, 1e-4, "image")
    lat = {"torch_cpu_2threads_ms": round(torch_ms(mod, x, reps=10), 1),
           "opencv_dnn_ms": round(cv2_ms(path, x.numpy(), names, reps=10) or -1, 1)}
    save_init(net.state_dict(), "detector.init.pt")
    h, w = C.DET_H // C.DET_STRIDE, C.DET_W // C.DET_STRIDE
    contract = {
        "name": "spms-plate-detector", "version": f"{VERSION_DATE}-step{info.get('step', 0)}", "file": "detector.onnx",
        "opset": 17, "bytes": os.path.getsize(path),
        "input": {
            "name": "image", "shape": [1, 3, C.DET_H, C.DET_W], "dtype": "float32", "layout": "NCHW", "color": "RGB",
            "normalize": {"scale": 1 / 255, "formula": "x = rgb / 255 (no mean/std)"},
            "letterbox": {"scale": "s = min(640 / frame_w, 384 / frame_h)",
                          "resize": "round(frame_w * s) x round(frame_h * s), INTER_LINEAR",
                          "place": "top-left corner (no centring)", "pad_value": C.DET_PAD_VALUE,
                          "example": "1280x720 -> s = 0.5 -> 640x360 image, rows 360..383 filled with 114"},
        },
        "outputs": {
            "heat": {"shape": [1, 1, h, w], "meaning": "plate-centre probability per stride-4 cell (sigmoid applied)"},
            "heat_max": {"shape": [1, 1, h, w], "meaning": "3x3 max-pool of heat; a cell is a peak where heat == heat_max"},
            "reg": {"shape": [1, 12, h, w], "channels": ["log_w", "log_h", "off_x", "off_y",
                                                         "tl_dx", "tl_dy", "tr_dx", "tr_dy", "br_dx", "br_dy",
                                                         "bl_dx", "bl_dy"]},
        },
        "stride": C.DET_STRIDE, "size_scale": C.DET_SIZE_SCALE, "score_threshold": 0.3, "max_detections": 50,
        "decode": [
            "for every cell (gy, gx) with heat == heat_max and heat >= score_threshold (sort by heat, keep max_detections):",
            "score = heat; w = exp(log_w) * size_scale; h = exp(log_h) * size_scale  (input px)",
            "cx = (gx + off_x) * stride; cy = (gy + off_y) * stride  (input px)",
            "corner k (k = tl, tr, br, bl) = (cx + k_dx * w, cy + k_dy * h)  (input px; top-left first, clockwise)",
            "box = [cx - w/2, cy - h/2, w, h]",
            "frame px = input px / s (letterbox scale; no offset since the image sits at the top-left)",
        ],
        "training": info | {"exported": time.strftime("%Y-%m-%dT%H:%M:%S")},
        "checks": chk, "latency": lat,
    }
    write_contract("detector", contract)


def export_refiner(which, run="refiner"):
    sd, info = load_state(run, which, "refiner.init.pt")
    net = Refiner()
    net.load_state_dict(sd)
    net.eval()
    path = os.path.join(MODELS_DIR, "refiner.onnx")
    x = torch.from_numpy(np.random.default_rng(0).uniform(0, 1, (3, 3, C.REFINER_H, C.REFINER_W)).astype(np.float32))
    export(net, x, path, "crop", ["corners"], dynamic_batch=True)
    inline_identities(path)
    # fp16 weights: 0.9 MB instead of 1.8 (the PWA's models + WASM budget is 12 MB); corners move
    # by well under 1e-3 of the crop (0.13 px), checked here against torch's fp32
    store_fp16(path)
    chk = check(path, net, x, ["corners"], 1e-3, "crop")
    lat = {"torch_cpu_2threads_ms": round(torch_ms(net, x[:1]), 2),
           "opencv_dnn_ms": round(cv2_ms(path, x[:1].numpy(), ["corners"]) or -1, 2)}
    save_init(net.state_dict(), "refiner.init.pt")
    W, H, mx, my = C.REFINER_W, C.REFINER_H, C.REFINER_MARGIN_X, C.REFINER_MARGIN_Y
    contract = {
        "name": "spms-plate-corner-refiner", "version": f"{VERSION_DATE}-{run}-step{info.get('step', 0)}",
        "file": "refiner.onnx", "opset": 17, "bytes": os.path.getsize(path),
        "input": {
            "name": "crop", "shape": ["n", 3, H, W], "dtype": "float32", "layout": "NCHW", "color": "RGB",
            "normalize": {"scale": 1 / 255, "formula": "x = rgb / 255"},
            "margin": {"x": mx, "y": my},
            "weights": "float16 in the file, Cast to float32 in the graph (folded at load)",
        },
        "outputs": {"corners": {"shape": ["n", 8], "meaning": "TL, TR, BR, BL as x0, y0, ..., x3, y3 in crop units "
                                                             "(x / width, y / height; 0..1 are the crop's edges)"}},
        "passes": 1,
        "crop": [
            "H_Q = getPerspectiveTransform(unit square (0,0),(1,0),(1,1),(0,1) -> the detector's corners Q, TL first)",
            f"E = H_Q applied to (-{mx},-{my}), (1+{mx},-{my}), (1+{mx},1+{my}), (-{mx},1+{my})",
            f"M = getPerspectiveTransform(E -> (0,0),({W},0),({W},{H}),(0,{H})); "
            f"crop = warpPerspective(frame, M, ({W}, {H}), INTER_LINEAR, BORDER_REPLICATE)",
            "all plates of a frame in one batch; refined corner j = M^-1 applied to "
            f"(corners[2j] * {W}, corners[2j+1] * {H})",
            "passes = 2 would repeat this with the refined corners as Q",
        ],
        "training": info | {"exported": time.strftime("%Y-%m-%dT%H:%M:%S")},
        "checks": chk, "latency": lat,
    }
    write_contract("refiner", contract)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", choices=["reader", "detector", "refiner"])
    ap.add_argument("--ckpt", default="best", choices=["best", "last"])
    ap.add_argument("--reader-run", default="reader", help="training run under models/work/ to export the reader from")
    ap.add_argument("--detector-run", default="detector", help="training run under models/work/ to export the detector from")
    ap.add_argument("--refiner-run", default="refiner", help="training run under models/work/ to export the refiner from")
    a = ap.parse_args()
    torch.set_num_threads(1)
    if a.only in (None, "reader"):
        export_reader(a.ckpt, a.reader_run)
    if a.only in (None, "detector"):
        export_detector(a.ckpt, a.detector_run)
    if a.only in (None, "refiner"):
        export_refiner(a.ckpt, a.refiner_run)


if __name__ == "__main__":
    main()
