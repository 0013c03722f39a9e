#!/usr/bin/python3
"""Train the plate reader.  One command; resumes from models/work/reader/last.pt when present.

    /usr/bin/python3 models/train_reader.py [--data ../shared/datasets] [--steps 12000]

Phase 1 (warm-up): clean synthetic plates only.  Phase 2: real train crops (label corrections
applied) mixed with augmented synthetic plates.  Validation splits are only measured.
Fresh machine: without a checkpoint it warm-starts from models/reader.init.pt (fp16 weights
committed next to the ONNX) if that exists and --from-scratch is not given.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plates import runutil as R  # noqa: E402
from plates.contract import BLANK_INDEX, VOCAB, decode_probs, encode_text, reader_gray, reader_tensor  # noqa: E402
from plates.data import CROP_SETS, DEFAULT_DATA, MODELS_DIR, load_crops, load_scenes  # noqa: E402
from plates.nets import Reader  # noqa: E402
from plates.line_splits import infer_line_splits  # noqa: E402
from plates.reader_data import real_line_labels, real_sample, synth_sample  # noqa: E402

# share of each source in a phase-2 batch
# ("synth-in": synthetic Indian plates on top of the all-country "synth", since 2026-12-06: the
# real Indian crops are the weakest set and their few thousand texts and handful of fonts are
# learnt by heart; the synthetic ones carry the shop-made fonts of older plates)
MIX = {"in-lprnet-crops": 0.40, "br-openalpr-crops": 0.09, "eu-openalpr-crops": 0.10,
       "br-openalpr-synth": 0.02, "synth": 0.27, "synth-in": 0.12}


class Batches(torch.utils.data.IterableDataset):
    """Yields (step, x, y) from start_step on; each batch is a function of (seed, step)."""

    def __init__(self, cfg, crops, scenes, start_step, line_splits):
        self.cfg, self.crops, self.scenes, self.start = cfg, crops, scenes, start_step
        self.line_splits = line_splits

    def __iter__(self):
        cfg = self.cfg
        keys = list(cfg["mix"])
        p = np.array([cfg["mix"][k] for k in keys])
        p = p / p.sum()
        for step in range(self.start, cfg["steps"]):
            xs, ys, lines = [], [], []
            for i in range(cfg["batch"]):
                rng = np.random.default_rng([cfg["seed"], step, i])
                if step < cfg["warmup_steps"]:
                    g, t, ln = synth_sample(rng, self.scenes, clean=rng.random() < 0.7)
                else:
                    src = keys[int(rng.choice(len(keys), p=p))]
                    if src in ("synth", "synth-in"):
                        g, t, ln = synth_sample(rng, self.scenes, clean=rng.random() < 0.1,
                                                country="in" if src == "synth-in" else None)
                    else:
                        c = self.crops[src][int(rng.integers(len(self.crops[src])))]
                        g, t = real_sample(rng, c.img, strong=rng.random() < 0.85), c.text
                        ln = self.line_splits.get(f"{c.dataset}/{c.image}") or real_line_labels(c.img, t)
                xs.append(reader_tensor(g))
                ys.append(encode_text(t))
                lines.append(ln)
            lengths = torch.tensor([len(y) for y in ys], dtype=torch.long)
            yield (step, torch.from_numpy(np.stack(xs)), torch.from_numpy(np.concatenate(ys)), lengths,
                   line_targets(lines))


def line_targets(lines):
    """Per-line CTC targets for the samples whose layout is known: (mask, [(targets, lengths)] x 2)."""
    known = [ln for ln in lines if ln is not None]
    mask = torch.tensor([ln is not None for ln in lines])
    out = []
    for k in range(2):
        seqs = [np.array([VOCAB.index(c) for c in ln[k]], np.int64) for ln in known]
        out.append((torch.from_numpy(np.concatenate(seqs)) if seqs else torch.zeros(0, dtype=torch.long),
                    torch.tensor([len(q) for q in seqs], dtype=torch.long)))
    return mask, out


def line_loss(logits, mask, per_line):
    """CTC of each output line against its own text: teaches line 0 = top line, line 1 = bottom
    (empty for one-line plates), which the whole-sequence loss leaves ambiguous."""
    if not bool(mask.any()):
        return logits.new_zeros(())
    sel = logits[mask]
    half = sel.shape[1] // 2
    total = logits.new_zeros(())
    for k, (tgt, lens) in enumerate(per_line):
        lp = sel[:, k * half:(k + 1) * half].log_softmax(-1).transpose(0, 1)
        steps = torch.full((len(sel),), half, dtype=torch.long)
        total = total + F.ctc_loss(lp, tgt, steps, lens, blank=BLANK_INDEX, zero_infinity=True)
    return total / 2


def batch_exact(logits, y, lengths) -> float:
    """Share of a training batch read exactly (greedy CTC), for the log."""
    probs = torch.softmax(logits, -1).numpy()
    texts = [decode_probs(p)[0] for p in probs]
    truth, at = [], 0
    for n in lengths.tolist():
        truth.append("".join(VOCAB[i] for i in y[at:at + n].tolist()))
        at += n
    return float(np.mean([a == b for a, b in zip(texts, truth)]))


@torch.no_grad()
def evaluate(net, val) -> dict:
    """Exact-match accuracy per validation split (crops resized whole, as the app would)."""
    net.eval()
    out = {}
    for name, crops in val.items():
        ok = 0
        for i in range(0, len(crops), 128):
            chunk = crops[i:i + 128]
            x = torch.from_numpy(np.stack([reader_tensor(reader_gray(c.img)) for c in chunk]))
            probs = torch.softmax(net(x), -1).numpy()
            for c, pr in zip(chunk, probs):
                ok += int(decode_probs(pr)[0] == c.text)
        out[name] = ok / max(1, len(crops))
    net.train()
    return out


def load_line_splits(d, net, crops) -> dict[str, list[str]]:
    """The inferred line split of real two-line train crops, made once per run with the weights
    it started from (kept in the run folder, so a resumed run trains on the same targets)."""
    path = os.path.join(d, "line-splits.json")
    if os.path.exists(path):
        with open(path) as f:
            splits = json.load(f)
    else:
        splits = {}
        for name, cs in crops.items():
            splits.update(infer_line_splits(net, cs))
        with open(path, "w") as f:
            json.dump(splits, f, indent=0, sort_keys=True)
    R.log(f"line splits of {len(splits)} real two-line crops ({path})")
    return splits


def lr_at(step, cfg):
    return R.warmup_cosine_lr(step, cfg["lr"], cfg["steps"], 300)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--name", default="reader")
    ap.add_argument("--steps", type=int, default=12000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--warmup-steps", type=int, default=800)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--ckpt-every", type=int, default=150)
    ap.add_argument("--eval-every", type=int, default=600)
    ap.add_argument("--from-scratch", action="store_true")
    ap.add_argument("--line-loss", type=float, default=0.5,
                    help="weight of the per-line CTC on samples whose layout is known (0 = off)")
    ap.add_argument("--init-from", help="checkpoint whose matching weights (e.g. the backbone) start a new run")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    d = R.run_dir(a.name)
    ck = R.load_ckpt(d)
    cfg = dict(ck["cfg"]) if ck else {}
    # command-line values win for the schedule length; data/seed stay as first started
    cfg.update({k: v for k, v in dict(steps=a.steps, batch=a.batch, lr=a.lr, seed=a.seed,
                                      warmup_steps=a.warmup_steps, mix=MIX, line_loss=a.line_loss).items() if k not in cfg or k == "steps"})
    cfg["data"] = os.path.abspath(a.data)
    cfg["mix"] = MIX  # the code's current mix applies from this (re)start on; starts.jsonl keeps history
    R.save_config(d, cfg)
    torch.manual_seed(cfg["seed"])

    net = Reader()
    opt = torch.optim.AdamW(net.parameters(), lr=cfg["lr"], weight_decay=1e-4)
    step, best = 0, -1.0
    if ck:
        net.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        step, best = ck["step"], ck.get("best", -1.0)
        R.log(f"resumed {d}/last.pt at step {step}")
    else:
        init = a.init_from or (None if a.from_scratch else os.path.join(MODELS_DIR, "reader.init.pt"))
        if init and os.path.exists(init):
            # Only tensors whose name and shape match: a head that changed shape starts fresh while
            # the convolutional features (most of the learning) carry over.
            got, total = R.load_matching(net, torch.load(init, map_location="cpu"))
            cfg["init_from"] = os.path.relpath(init, MODELS_DIR)
            R.save_config(d, cfg)
            R.log(f"warm-started {got}/{total} tensors from {init}")

    R.log("loading data")
    crops = {k: load_crops(cfg["data"], k, "train") for k in CROP_SETS}
    val = {k: load_crops(cfg["data"], k, "val") for k in CROP_SETS}
    scenes = load_scenes(cfg["data"], "train")
    R.log(f"train crops {({k: len(v) for k, v in crops.items()})}, scenes {len(scenes)}")

    line_splits = load_line_splits(d, net, crops) if cfg.get("line_loss", 0.0) else {}
    loader = torch.utils.data.DataLoader(Batches(cfg, crops, scenes, step, line_splits), batch_size=None,
                                         num_workers=a.workers, prefetch_factor=4 if a.workers else 2)
    t0, seen, run_loss, run_acc = time.time(), 0, 0.0, 0.0
    net.train()
    for step, x, y, lengths, (line_mask, per_line) in loader:
        for g in opt.param_groups:
            g["lr"] = lr_at(step, cfg)
        logits = net(x)                                        # N, T, V
        logp = logits.log_softmax(-1).transpose(0, 1)          # T, N, V as ctc_loss wants
        steps = torch.full((len(x),), logp.shape[0], dtype=torch.long)
        loss = F.ctc_loss(logp, y, steps, lengths, blank=BLANK_INDEX, zero_infinity=True)
        loss = loss + cfg.get("line_loss", 0.0) * line_loss(logits, line_mask, per_line)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 5.0)
        opt.step()
        seen += len(x)
        run_loss = 0.98 * run_loss + 0.02 * loss.item()
        s = step + 1
        if s % 50 == 0:
            run_acc = batch_exact(logits.detach(), y, lengths)
            R.log(f"step {s} loss {run_loss:.3f} train-exact {run_acc:.3f} lr {lr_at(step, cfg):.2e} "
                  f"{seen / (time.time() - t0):.0f} crops/s")
        keep = None
        if s % a.eval_every == 0 or s == cfg["steps"]:
            acc = evaluate(net, val)
            score = float(np.mean([acc["in-lprnet-crops"], acc["br-openalpr-crops"], acc["eu-openalpr-crops"]]))
            R.log("VAL " + " ".join(f"{k} {v:.3f}" for k, v in acc.items()) + f" mean-real {score:.3f}")
            if score > best:
                best, keep = score, "best.pt"
        if s % a.ckpt_every == 0 or keep or s == cfg["steps"]:
            R.save_ckpt(d, {"model": net.state_dict(), "opt": opt.state_dict(), "step": s, "best": best,
                            "cfg": cfg}, keep)
    R.log("done")


if __name__ == "__main__":
    main()
