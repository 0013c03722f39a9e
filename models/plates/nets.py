"""The two networks: a fixed-slot plate reader and a CenterNet-style plate detector."""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from .contract import MAX_SLOTS, VOCAB, READER_H, READER_W


def cbr(i, o, k=3, s=1, groups=1):
    return nn.Sequential(nn.Conv2d(i, o, k, s, k // 2, groups=groups, bias=False), nn.BatchNorm2d(o),
                         nn.ReLU(inplace=True))


class Reader(nn.Module):
    """Gray 64x160 crop -> (MAX_SLOTS, len(VOCAB)) per-slot class logits.

    A plain conv stack down to 4x10, a 1x1 squeeze, then one dense layer over the whole map:
    every slot sees the whole crop, so two-line plates need nothing special (fast-plate-ocr's
    idea).  ~0.73 M parameters (2.9 MB fp32)."""

    def __init__(self, squeeze: int = 24, hidden: int = 0):
        super().__init__()
        self.features = nn.Sequential(
            cbr(1, 32, s=2),                       # 32 x 80
            cbr(32, 48), nn.MaxPool2d(2),          # 16 x 40
            cbr(48, 64), cbr(64, 64), nn.MaxPool2d(2),    # 8 x 20
            cbr(64, 128), cbr(128, 128), nn.MaxPool2d(2),  # 4 x 10
            cbr(128, squeeze, k=1),
        )
        n = squeeze * (READER_H // 16) * (READER_W // 16)
        out = MAX_SLOTS * len(VOCAB)
        # hidden=0: a linear read-out per slot straight from the 4x10 map.  A 192-unit hidden
        # bottleneck (v1) learned several times slower on this CPU budget.
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(0.1), nn.Linear(n, out)) if not hidden else \
            nn.Sequential(nn.Flatten(), nn.Dropout(0.2), nn.Linear(n, hidden), nn.ReLU(inplace=True),
                          nn.Dropout(0.1), nn.Linear(hidden, out))

    def forward(self, x):
        return self.head(self.features(x)).view(-1, MAX_SLOTS, len(VOCAB))


class ReaderExport(nn.Module):
    """What ships: softmax probabilities (1, MAX_SLOTS, len(VOCAB))."""

    def __init__(self, reader: Reader):
        super().__init__()
        self.reader = reader

    def forward(self, x):
        return torch.softmax(self.reader(x), -1)


class InvRes(nn.Module):
    """MobileNetV2 inverted residual block."""

    def __init__(self, i, o, s, e):
        super().__init__()
        m = i * e
        self.use_res = s == 1 and i == o
        self.block = nn.Sequential(
            *(cbr(i, m, k=1),) if e != 1 else (),
            cbr(m, m, s=s, groups=m),
            nn.Conv2d(m, o, 1, bias=False), nn.BatchNorm2d(o))

    def forward(self, x):
        y = self.block(x)
        return x + y if self.use_res else y


class Detector(nn.Module):
    """RGB letterboxed frame -> stride-4 maps: heat (1), size (2), offset (2), corners (8).

    Backbone: a slim MobileNetV2 (to stride 32), light FPN back up to stride 4."""

    HEAT, SIZE, OFF, CORN = slice(0, 1), slice(1, 3), slice(3, 5), slice(5, 13)

    def __init__(self, w: int = 64):
        super().__init__()
        self.stem = cbr(3, 16, s=2)                                    # /2
        self.s4 = nn.Sequential(InvRes(16, 16, 1, 1), InvRes(16, 24, 2, 4), InvRes(24, 24, 1, 4))  # /4
        self.s8 = nn.Sequential(InvRes(24, 32, 2, 4), InvRes(32, 32, 1, 4), InvRes(32, 32, 1, 4))  # /8
        self.s16 = nn.Sequential(InvRes(32, 64, 2, 4), InvRes(64, 64, 1, 4), InvRes(64, 64, 1, 4),
                                 InvRes(64, 96, 1, 4), InvRes(96, 96, 1, 4))                      # /16
        self.s32 = nn.Sequential(InvRes(96, 128, 2, 4), InvRes(128, 128, 1, 4), InvRes(128, 160, 1, 4))  # /32
        self.lat32, self.lat16 = cbr(160, w, k=1), cbr(96, w, k=1)
        self.lat8, self.lat4 = cbr(32, w, k=1), cbr(24, w, k=1)
        self.smooth16 = nn.Sequential(cbr(w, w, groups=w), cbr(w, w, k=1))
        self.smooth8 = nn.Sequential(cbr(w, w, groups=w), cbr(w, w, k=1))
        self.smooth4 = nn.Sequential(cbr(w, w, groups=w), cbr(w, w, k=1))
        self.head = nn.Sequential(cbr(w, w, groups=w), cbr(w, w, k=1), nn.Conv2d(w, 13, 1))
        nn.init.constant_(self.head[-1].bias, 0.0)
        with torch.no_grad():
            self.head[-1].bias[0] = -2.19  # prior 0.1 for the heatmap logit

    def forward(self, x):
        x = self.stem(x)
        c4 = self.s4(x)
        c8 = self.s8(c4)
        c16 = self.s16(c8)
        c32 = self.s32(c16)
        p = self.lat32(c32)
        p = self.smooth16(self.lat16(c16) + F.interpolate(p, scale_factor=2.0, mode="nearest"))
        p = self.smooth8(self.lat8(c8) + F.interpolate(p, scale_factor=2.0, mode="nearest"))
        p = self.smooth4(self.lat4(c4) + F.interpolate(p, scale_factor=2.0, mode="nearest"))
        return self.head(p)


class DetectorExport(nn.Module):
    """What ships: heat probability, its 3x3 max-pool (a cell is a peak where heat == heat_max,
    CenterNet's NMS) and the 12 regression maps."""

    def __init__(self, det: Detector):
        super().__init__()
        self.det = det

    def forward(self, x):
        y = self.det(x)
        heat = torch.sigmoid(y[:, 0:1])
        return heat, F.max_pool2d(heat, 3, 1, 1), y[:, 1:13]
