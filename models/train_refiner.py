#!/usr/bin/python3
"""Train the corner refiner.  One command; resumes from models/work/<name>/last.pt when present.

    /usr/bin/python3 models/train_refiner.py [--data ../shared/datasets] [--steps 6000]

Samples (`plates/refine_data.py`): synthetic plates and real train crops warped into train scene
patches, cropped around a quad as wrong as the detector's, with the exact corners as target.
Loss: L1 on the corners in plate units (crop units x 1.5 across, x 2 down: the crop is the
plate grown by a quarter of its width and half its height on each side).  Validation: a fixed
set of samples drawn with a seed training never uses, as the mean corner error before (the
detector-like quad) and after refinement, in plate widths / heights.
Without a checkpoint it warm-starts from models/refiner.init.pt if present.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plates import runutil as R  # noqa: E402
from plates.contract import REFINER_MARGIN_X, REFINER_MARGIN_Y, refiner_tensor  # noqa: E402
from plates.data import DEFAULT_DATA, MODELS_DIR, load_crops, load_scenes  # noqa: E402
from plates.nets import Refiner  # noqa: E402
from plates.refine_data import refiner_sample  # noqa: E402

VAL_SEED = 660001   # never a training seed
# crop units -> plate units: the crop spans 1 + 2 * margin plate widths / heights
PLATE_UNITS = torch.tensor([1 + 2 * REFINER_MARGIN_X, 1 + 2 * REFINER_MARGIN_Y] * 4)


class Batches(torch.utils.data.IterableDataset):
    def __init__(self, cfg, scenes, crops, start):
        self.cfg, self.scenes, self.crops, self.start = cfg, scenes, crops, start

    def __iter__(self):
        cfg = self.cfg
        info = torch.utils.data.get_worker_info()
        wid, nw = (info.id, info.num_workers) if info else (0, 1)
        for step in range(self.start + wid, cfg["steps"], nw):
            xs, ys = [], []
            for i in range(cfg["batch"]):
                crop, target = refiner_sample(np.random.default_rng([cfg["seed"], step, i]), self.scenes, self.crops)
                xs.append(refiner_tensor(crop)); ys.append(target)
            yield step, torch.from_numpy(np.stack(xs)), torch.from_numpy(np.stack(ys))


def plate_l1(pred, target):
    """Per-sample mean corner error in plate units (N,)."""
    return ((pred - target).abs() * PLATE_UNITS).mean(1)


def val_set(scenes, crops, n=512):
    xs, ys = [], []
    for i in range(n):
        crop, target = refiner_sample(np.random.default_rng([VAL_SEED, i]), scenes, crops)
        xs.append(refiner_tensor(crop)); ys.append(target)
    return torch.from_numpy(np.stack(xs)), torch.from_numpy(np.stack(ys))


@torch.no_grad()
def evaluate(net, val):
    """(error before, error after, share of corners within 3 % after) on the fixed set."""
    x, y = val
    net.eval()
    pred = torch.cat([net(x[i:i + 128]) for i in range(0, len(x), 128)])
    net.train()
    # before: the detector-like quad is the crop's inner rectangle
    mx, my = REFINER_MARGIN_X, REFINER_MARGIN_Y
    inner = torch.tensor([mx, my, 1 + mx, my, 1 + mx, 1 + my, mx, 1 + my]) / PLATE_UNITS
    before = plate_l1(inner.expand_as(y), y).mean().item()
    err = (pred - y).abs() * PLATE_UNITS
    return before, err.mean().item(), (err < 0.03).float().mean().item()


def lr_at(step, cfg):
    return R.warmup_cosine_lr(step, cfg["lr"], cfg["steps"], 200)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--name", default="refiner")
    ap.add_argument("--steps", type=int, default=6000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--seed", type=int, default=5555)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--ckpt-every", type=int, default=100)
    ap.add_argument("--eval-every", type=int, default=500)
    ap.add_argument("--from-scratch", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    d = R.run_dir(a.name)
    ck = R.load_ckpt(d)
    cfg = dict(ck["cfg"]) if ck else {}
    cfg.update({k: v for k, v in dict(steps=a.steps, batch=a.batch, lr=a.lr, seed=a.seed).items()
                if k not in cfg or k == "steps"})
    cfg["data"] = os.path.abspath(a.data)
    R.save_config(d, cfg)
    torch.manual_seed(cfg["seed"])
    net = Refiner()
    opt = torch.optim.AdamW(net.parameters(), lr=cfg["lr"], weight_decay=1e-4)
    step, best = 0, float("inf")
    if ck:
        net.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        step, best = ck["step"], ck.get("best", float("inf"))
        R.log(f"resumed {d}/last.pt at step {step}")
    elif not a.from_scratch and os.path.exists(os.path.join(MODELS_DIR, "refiner.init.pt")):
        n, total = R.load_matching(net, torch.load(os.path.join(MODELS_DIR, "refiner.init.pt")))
        R.log(f"warm-started {n}/{total} tensors from models/refiner.init.pt")
    R.log("loading data")
    scenes = load_scenes(cfg["data"], "train")
    crops = load_crops(cfg["data"], "in-lprnet-crops", "train") + load_crops(cfg["data"], "eu-openalpr-crops", "train") \
        + load_crops(cfg["data"], "br-openalpr-crops", "train")[::4]
    val = val_set(scenes, crops)
    R.log(f"scenes {len(scenes)} crops {len(crops)} val {len(val[0])}")
    loader = torch.utils.data.DataLoader(Batches(cfg, scenes, crops, step), batch_size=None,
                                         num_workers=a.workers, prefetch_factor=4 if a.workers else None)
    t0, seen, run = time.time(), 0, None
    net.train()
    for step, x, y in loader:
        for g in opt.param_groups:
            g["lr"] = lr_at(step, cfg)
        loss = plate_l1(net(x), y).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 10.0)
        opt.step()
        seen += len(x)
        run = loss.item() if run is None else 0.95 * run + 0.05 * loss.item()
        s = step + 1
        if s % 20 == 0:
            R.log(f"step {s} corner_l1 {run:.4f} lr {lr_at(step, cfg):.2e} {seen / (time.time() - t0):.1f} crops/s")
        keep_name = None
        if s % a.eval_every == 0 or s == cfg["steps"]:
            before, after, within = evaluate(net, val)
            R.log(f"VAL corner error before {before:.4f} after {after:.4f} (plate units); within 3 %: {within:.3f}")
            if after < best:
                best, keep_name = after, "best.pt"
        if s % a.ckpt_every == 0 or keep_name or s == cfg["steps"]:
            R.save_ckpt(d, {"model": net.state_dict(), "opt": opt.state_dict(), "step": s, "best": best,
                            "cfg": cfg}, keep_name)
    R.log("done")


if __name__ == "__main__":
    main()
