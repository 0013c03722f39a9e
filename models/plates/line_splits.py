"""Where a real two-line crop's text breaks into its top and bottom line, inferred by the reader.

The shared crop sets carry the whole plate text but not its line split (`lines` is null or just
2), so the per-line loss could not see real two-line plates and the reader learnt to read their
bottom line alone (EU val crops: `W1 / 518B` read as `PX518B`).  A reader that reads one-line
plates well also reads each half of a two-line crop as a one-line plate; for every split point k
of the label, the CTC loss of the top half against text[:k] plus the bottom half against
text[k:] says how well k explains the crop.  The best k is kept only when it beats the runner-up
by a clear margin; the rest stay unknown (whole-sequence loss only), so a wrong guess costs
nothing it would not have cost before.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from .contract import BLANK_INDEX, VOCAB, reader_gray, reader_tensor
from .formats import any_line_break, indian_line_breaks

# Crops narrower than this are taken for two-line plates (Indian one-line plates are 4:1 and
# even loosely cropped stay above ~2.5:1; two-line car and two-wheeler plates are 1.4-2:1).
TWO_LINE_MAX_ASPECT = 2.2
# Each half overlaps the middle a little: the line gap is rarely at exactly half the height.
HALF_OVERLAP = 0.04
MARGIN_NATS = 1.0
MAX_COST_PER_CHAR = 1.0


def halves(img: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    h = img.shape[0]
    return img[:max(1, int(h * (0.5 + HALF_OVERLAP)))], img[int(h * (0.5 - HALF_OVERLAP)):]


@torch.no_grad()
def _ctc_costs(net, imgs: list[np.ndarray], texts: list[str]) -> np.ndarray:
    """CTC loss of the reader's whole output on each image against each text (one per image)."""
    x = torch.from_numpy(np.stack([reader_tensor(reader_gray(i)) for i in imgs]))
    logp = net(x).log_softmax(-1).transpose(0, 1)
    tgt = [torch.tensor([VOCAB.index(c) for c in t], dtype=torch.long) for t in texts]
    steps = torch.full((len(imgs),), logp.shape[0], dtype=torch.long)
    lens = torch.tensor([len(t) for t in tgt], dtype=torch.long)
    cost = F.ctc_loss(logp, torch.cat(tgt), steps, lens, blank=BLANK_INDEX, reduction="none",
                      zero_infinity=True)
    return cost.numpy()


# Which split points each crop set's formats allow.
SPLIT_POINTS = {"in-lprnet-crops": indian_line_breaks}


def infer_line_splits(net, crops, max_aspect: float = TWO_LINE_MAX_ASPECT,
                      margin: float = MARGIN_NATS, max_cost_per_char: float = MAX_COST_PER_CHAR
                      ) -> dict[str, list[str]]:
    """{"dataset/image": [top, bottom]} for the narrow crops whose split the reader is sure of:
    the best allowed split beats the runner-up by `margin` nats and explains the crop well (a
    loosely cut one-line plate explains badly at every split and is left out)."""
    was_training = net.training
    net.eval()
    out = {}
    narrow = [c for c in crops if c.img.shape[1] / c.img.shape[0] < max_aspect and len(c.text) >= 2]
    for c in narrow:
        top, bottom = halves(c.img)
        ks = SPLIT_POINTS.get(c.dataset, any_line_break)(c.text)
        if not ks:
            continue
        cost = _ctc_costs(net, [top] * len(ks), [c.text[:k] for k in ks]) + \
            _ctc_costs(net, [bottom] * len(ks), [c.text[k:] for k in ks])
        order = np.argsort(cost)
        clear = len(ks) == 1 or cost[order[1]] - cost[order[0]] >= margin
        if clear and cost[order[0]] <= max_cost_per_char * len(c.text):
            k = ks[int(order[0])]
            out[f"{c.dataset}/{c.image}"] = [c.text[:k], c.text[k:]]
    if was_training:
        net.train()
    return out
