#!/usr/bin/python3
"""Train the plate detector.  One command; resumes from models/work/detector/last.pt when present.

    /usr/bin/python3 models/train_detector.py [--data ../shared/datasets] [--steps 5000]

Samples: real intl scene photos (train split; boxes only, corner loss masked) with synthetic
plates and real crops (train splits) pasted in with known corners, plus blank backgrounds.
Trains on random 256x256 windows (fully convolutional); validated on whole letterboxed
val scenes.  Without a checkpoint it warm-starts from models/detector.init.pt if present.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plates import runutil as R  # noqa: E402
from plates.contract import det_tensor, letterbox  # noqa: E402
from plates.data import DEFAULT_DATA, MODELS_DIR, load_crops, load_scenes  # noqa: E402
from plates.det_codec import decode, make_targets, match  # noqa: E402
from plates.nets import Detector  # noqa: E402
from plates.scene_data import compose  # noqa: E402


class Batches(torch.utils.data.IterableDataset):
    def __init__(self, cfg, scenes, crops, start):
        self.cfg, self.scenes, self.crops, self.start = cfg, scenes, crops, start

    def __iter__(self):
        cfg = self.cfg
        S = cfg["crop"]
        for step in range(self.start, cfg["steps"]):
            xs, hs, ks, rs, ms = [], [], [], [], []
            for i in range(cfg["batch"]):
                rng = np.random.default_rng([cfg["seed"], step, i])
                img, plates = compose(rng, self.scenes, self.crops, S, S)
                h, k, r, m = make_targets(plates, S, S)
                xs.append(det_tensor(img)); hs.append(h); ks.append(k); rs.append(r); ms.append(m)
            yield step, *(torch.from_numpy(np.stack(v)) for v in (xs, hs, ks, rs, ms))


def focal(logit, gt, keep):
    """CenterNet's penalty-reduced focal loss on logits, normalised by the number of centres."""
    p = torch.sigmoid(logit).clamp(1e-4, 1 - 1e-4)
    pos = gt.eq(1).float()
    neg = (1 - pos) * keep
    pos_l = torch.log(p) * (1 - p) ** 2 * pos
    neg_l = torch.log(1 - p) * p ** 2 * (1 - gt) ** 4 * neg
    return -(pos_l.sum() + neg_l.sum()) / pos.sum().clamp(min=1)


def losses(out, heat, keep, reg, mask):
    lh = focal(out[:, 0:1], heat, keep)
    n = mask[:, 0].sum().clamp(min=1)
    nc = mask[:, 2].sum().clamp(min=1)
    ls = (F.l1_loss(out[:, 1:3], reg[:, 0:2], reduction="none") * mask[:, 0:1]).sum() / n
    lo = (F.l1_loss(out[:, 3:5], reg[:, 2:4], reduction="none") * mask[:, 1:2]).sum() / n
    lc = (F.l1_loss(out[:, 5:13], reg[:, 4:12], reduction="none") * mask[:, 2:3]).sum() / nc
    return lh, ls, lo, lc


@torch.no_grad()
def evaluate(net, scenes, thresh=0.3):
    """Recall/precision at IoU>=0.5 on whole val scenes letterboxed like the app."""
    net.eval()
    tp = nd = ng = 0
    for sc in scenes:
        canvas, s = letterbox(sc.img)
        y = net(torch.from_numpy(det_tensor(canvas))[None])[0].numpy()
        dets = decode(1 / (1 + np.exp(-y[0])), y[1:], thresh)
        t, a, b = match(dets, [list(b * s) for b in sc.boxes])
        tp, nd, ng = tp + t, nd + a, ng + b
    net.train()
    return tp / max(1, ng), tp / max(1, nd)


def lr_at(step, cfg):
    return R.warmup_cosine_lr(step, cfg["lr"], cfg["steps"], 200)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--name", default="detector")
    ap.add_argument("--steps", type=int, default=5000)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--crop", type=int, default=256)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--seed", type=int, default=4321)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--ckpt-every", type=int, default=60)
    ap.add_argument("--eval-every", type=int, default=500)
    ap.add_argument("--from-scratch", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    d = R.run_dir(a.name)
    ck = R.load_ckpt(d)
    cfg = dict(ck["cfg"]) if ck else {}
    cfg.update({k: v for k, v in dict(steps=a.steps, batch=a.batch, crop=a.crop, lr=a.lr, seed=a.seed,
                                      width=48).items() if k not in cfg or k == "steps"})
    cfg["data"] = os.path.abspath(a.data)
    R.save_config(d, cfg)
    torch.manual_seed(cfg["seed"])
    net = Detector(cfg["width"])
    opt = torch.optim.AdamW(net.parameters(), lr=cfg["lr"], weight_decay=1e-4)
    step, best = 0, -1.0
    if ck:
        net.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        step, best = ck["step"], ck.get("best", -1.0)
        R.log(f"resumed {d}/last.pt at step {step}")
    elif not a.from_scratch and os.path.exists(os.path.join(MODELS_DIR, "detector.init.pt")):
        sd = torch.load(os.path.join(MODELS_DIR, "detector.init.pt"))
        net.load_state_dict({k: v.float() for k, v in sd.items()})
        R.log("warm-started from models/detector.init.pt")
    R.log("loading data")
    scenes = load_scenes(cfg["data"], "train")
    val = load_scenes(cfg["data"], "val")
    crops = load_crops(cfg["data"], "in-lprnet-crops", "train") + load_crops(cfg["data"], "eu-openalpr-crops", "train") \
        + load_crops(cfg["data"], "br-openalpr-crops", "train")[::4]
    R.log(f"scenes {len(scenes)} val {len(val)} crops {len(crops)}")
    loader = torch.utils.data.DataLoader(Batches(cfg, scenes, crops, step), batch_size=None,
                                         num_workers=a.workers, prefetch_factor=4 if a.workers else 2)
    t0, seen, run = time.time(), 0, np.zeros(4)
    net.train()
    for step, x, heat, keep, reg, mask in loader:
        for g in opt.param_groups:
            g["lr"] = lr_at(step, cfg)
        parts = losses(net(x), heat, keep, reg, mask)
        loss = parts[0] + parts[1] + parts[2] + 2 * parts[3]
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 10.0)
        opt.step()
        seen += len(x)
        run = 0.95 * run + 0.05 * np.array([p.item() for p in parts])
        s = step + 1
        if s % 20 == 0:
            R.log(f"step {s} heat {run[0]:.3f} size {run[1]:.3f} off {run[2]:.3f} corner {run[3]:.3f} "
                  f"lr {lr_at(step, cfg):.2e} {seen / (time.time() - t0):.1f} img/s")
        keep_name = None
        if s % a.eval_every == 0 or s == cfg["steps"]:
            rec, prec = evaluate(net, val)
            f1 = 2 * rec * prec / max(1e-9, rec + prec)
            R.log(f"VAL recall {rec:.3f} precision {prec:.3f} f1 {f1:.3f}")
            if f1 > best:
                best, keep_name = f1, "best.pt"
        if s % a.ckpt_every == 0 or keep_name or s == cfg["steps"]:
            R.save_ckpt(d, {"model": net.state_dict(), "opt": opt.state_dict(), "step": s, "best": best,
                            "cfg": cfg}, keep_name)
    R.log("done")


if __name__ == "__main__":
    main()
