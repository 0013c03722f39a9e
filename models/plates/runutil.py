"""Run bookkeeping shared by the training scripts: config+seed files, atomic checkpoints, logs."""
from __future__ import annotations

import json
import math
import os
import time

import torch

from .data import MODELS_DIR

WORK = os.path.join(MODELS_DIR, "work")


def run_dir(name: str) -> str:
    d = os.path.join(WORK, name)
    os.makedirs(d, exist_ok=True)
    return d


def save_config(d: str, cfg: dict) -> None:
    """Keep the config and seed of every (re)start: config.json + an append-only history."""
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(cfg, f, indent=1, sort_keys=True)
    with open(os.path.join(d, "starts.jsonl"), "a") as f:
        f.write(json.dumps({"time": time.strftime("%Y-%m-%dT%H:%M:%S"), **cfg}, sort_keys=True) + "\n")


def save_ckpt(d: str, state: dict, keep_name: str | None = None) -> None:
    """Atomic write of last.pt (and an optional named copy, e.g. best.pt)."""
    tmp = os.path.join(d, "last.pt.tmp")
    torch.save(state, tmp)
    os.replace(tmp, os.path.join(d, "last.pt"))
    if keep_name:
        tmp = os.path.join(d, keep_name + ".tmp")
        torch.save(state, tmp)
        os.replace(tmp, os.path.join(d, keep_name))


def load_ckpt(d: str, name: str = "last.pt"):
    p = os.path.join(d, name)
    return torch.load(p, map_location="cpu") if os.path.exists(p) else None


def warmup_cosine_lr(step: int, lr: float, steps: int, warmup: int) -> float:
    """The learning rate of every training here: linear warm-up over `warmup` steps, then a cosine
    from lr down to 2 % of it at `steps` (a resume with another --steps reshapes the rest)."""
    if step < warmup:
        return lr * (step + 1) / warmup
    t = min(1.0, step / steps)
    return lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * t)))


def log(msg: str) -> None:
    print(time.strftime("%H:%M:%S"), msg, flush=True)


def load_matching(net: torch.nn.Module, src: dict) -> tuple[int, int]:
    """Load the tensors of `src` (a checkpoint or a plain state dict, fp16 or fp32) whose name and
    shape match `net`; returns (loaded, total)."""
    sd = src.get("model", src)
    own = net.state_dict()
    got = {k: v.float() if v.is_floating_point() else v for k, v in sd.items() if k in own and own[k].shape == v.shape}
    net.load_state_dict(got, strict=False)
    return len(got), len(own)
