"""The two networks: a CTC plate reader with line attention and a CenterNet-style plate detector."""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from .contract import READER_H, READER_LINES as LINES, READER_STEPS as STEPS, VOCAB


def cbr(i, o, k=3, s=1, groups=1):
    return nn.Sequential(nn.Conv2d(i, o, k, s, k // 2, groups=groups, bias=False), nn.BatchNorm2d(o),
                         nn.ReLU(inplace=True))


class Reader(nn.Module):
    """Gray 64x160 crop -> (STEPS, len(VOCAB)) per-step class logits for CTC (blank = last class).

    A conv stack down to an 8x40 map (width kept at stride 4 so every character has several
    columns), then *line attention*: for each of two text lines a softmax over the map's height
    per column picks the rows that line lives on, giving two 40-step sequences read top line
    first.  One-line plates put their text in either sequence and blanks in the other; two-line
    plates read top then bottom, which is the order their text is written in.  Each output step
    sees only a window of columns, so a character is read where it is, whatever the layout
    (the fixed-slot head this replaced tied slots to positions and memorised layouts).
    ~0.45 M parameters."""

    def __init__(self, width: int = 128):
        super().__init__()
        self.features = nn.Sequential(
            cbr(1, 32, s=2),                       # 32 x 80
            cbr(32, 48), nn.MaxPool2d(2),          # 16 x 40
            cbr(48, 64), cbr(64, 64), nn.MaxPool2d((2, 1)),   # 8 x 40
            cbr(64, 128), cbr(128, width),         # 8 x 40
        )
        self.line_logits = nn.Sequential(cbr(width, 64, k=3), nn.Conv2d(64, LINES, 1))
        # A learnable prior over the map's rows: line 0 starts looking at the top, line 1 at the
        # bottom.  Without it both lines attend alike and CTC drops a two-line plate's top line
        # (seen: EU squares read as their bottom line only after 1000 steps).
        rows = READER_H // 8
        slope = torch.linspace(3.0, -3.0, rows).view(1, 1, rows, 1)
        self.line_prior = nn.Parameter(torch.cat([slope, -slope], 1))   # 1, L, H, 1
        # context along each line (kernel 1 x k keeps the two lines apart)
        self.context = nn.Sequential(cbr_1d(width, width, 5), cbr_1d(width, width, 5), nn.Dropout(0.1))
        self.classify = nn.Conv2d(width, len(VOCAB), 1)

    def forward(self, x):
        f = self.features(x)                                   # N, C, H, W
        h = int(f.shape[2])  # a constant in the export (8), not a Shape op
        a = torch.softmax(self.line_logits(f) + self.line_prior, dim=2)   # N, L, H, W
        # each line: the attention-weighted sum over height, as mean x H with 4-D ops only (opset 17's
        # ReduceSum takes its axes as an input, which OpenCV DNN 4.6 can't; ReduceMean keeps them)
        lines = torch.cat([(f * a[:, i:i + 1]).mean(2, keepdim=True) * h for i in range(LINES)], 2)  # N, C, L, W
        y = self.classify(self.context(lines))                  # N, V, L, W
        return y.flatten(2).transpose(1, 2)                     # N, L*W, V (top line first)


def cbr_1d(i, o, k):
    return nn.Sequential(nn.Conv2d(i, o, (1, k), 1, (0, k // 2), bias=False), nn.BatchNorm2d(o), nn.ReLU(inplace=True))


class ReaderExport(nn.Module):
    """What ships: softmax probabilities (1, STEPS, len(VOCAB)), decoded greedily as CTC."""

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


class Refiner(nn.Module):
    """RGB 64x128 crop around a detected plate -> its four corners (N, 8) in crop units.

    A small encoder down to stride 16 (the whole crop in view), back up to stride 4, one heat
    map per corner; each corner is the soft-argmax (the expected cell centre under the map's
    softmax), so the output is continuous and a plate shifted in the crop moves its corners by
    the same amount.  ~0.45 M parameters."""

    def __init__(self):
        super().__init__()
        self.d1 = nn.Sequential(cbr(3, 16, s=2), cbr(16, 24))                 # 32 x 64
        self.d2 = nn.Sequential(cbr(24, 32, s=2), cbr(32, 32))                # 16 x 32
        self.d3 = nn.Sequential(cbr(32, 64, s=2), cbr(64, 64))                # 8 x 16
        self.d4 = nn.Sequential(cbr(64, 96, s=2), cbr(96, 96), cbr(96, 96))   # 4 x 8
        self.u3 = cbr(96 + 64, 64)
        self.u2 = nn.Sequential(cbr(64 + 32, 48), cbr(48, 48))
        self.heat = nn.Conv2d(48, 4, 1)
        from .contract import REFINER_H, REFINER_W
        h, w = REFINER_H // 4, REFINER_W // 4
        gy, gx = torch.meshgrid((torch.arange(h) + 0.5) / h, (torch.arange(w) + 0.5) / w, indexing="ij")
        self.register_buffer("grid", torch.stack([gx.flatten(), gy.flatten()], 1))   # (h*w, 2): x, y

    def forward(self, x):
        f2 = self.d2(self.d1(x))
        f3 = self.d3(f2)
        f4 = self.d4(f3)
        u = self.u3(torch.cat([f3, F.interpolate(f4, scale_factor=2.0, mode="nearest")], 1))
        u = self.u2(torch.cat([f2, F.interpolate(u, scale_factor=2.0, mode="nearest")], 1))
        p = torch.softmax(self.heat(u).flatten(2), -1)      # N, 4, h*w
        return torch.matmul(p, self.grid).flatten(1)        # N, 8: x0, y0, ..., x3, y3
