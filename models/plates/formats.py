"""Plate text formats per country: random registrations and how they are laid out.

Every generator returns a `Layout`: the label text (A-Z0-9 only, what the reader must output)
and the printed lines, which may carry separators (space, dash, dot) that are not part of the
label.  `rng` is always a `numpy.random.Generator`, so a seed fixes every plate.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"

IN_STATES = ("AN AP AR AS BR CG CH DD DL DN GA GJ HP HR JH JK KA KL LA LD MH ML MN MP MZ NL OD "
             "PB PY RJ SK TN TR TS UK UP WB").split()
# The real Indian crops are mostly KL/KA/MH/DL/TN/AP: weight them up so the synthetic mix is
# not far from what cameras in those states see, but keep every state present.
IN_STATE_WEIGHT = np.array([3.0 if s in ("KL", "KA", "MH", "DL", "TN", "AP", "TS", "GJ", "HR", "UP")
                            else 1.0 for s in IN_STATES])
IN_STATE_WEIGHT /= IN_STATE_WEIGHT.sum()

EU_BAND = ("D", "F", "I", "NL", "PL", "B", "A", "CZ", "SK", "E", "P", "L", "S", "FIN", "DK", "H",
           "RO", "BG", "HR", "SLO", "EST", "LT", "LV", "IRL", "GR")


@dataclass
class Layout:
    text: str            # label: A-Z0-9 only
    lines: list[str]     # printed lines (with separators)
    country: str         # in / us / eu / br
    style: str           # colour/design family, see render.py


def _pick(rng, s: str, n: int) -> str:
    return "".join(s[i] for i in rng.integers(0, len(s), n))


def _clean(s: str) -> str:
    return "".join(c for c in s if c.isalnum())


def _sep(rng, choices=(" ", " ", "", "-", " ")) -> str:
    return choices[int(rng.integers(len(choices)))]


def indian(rng) -> Layout:
    """Indian registration: SS 00 X(XX) 0000, or the Bharat series 22 BH 1234 AA."""
    style = rng.choice(["white", "white", "white", "yellow", "yellow", "green", "green_yellow",
                        "rental"], p=None)
    if rng.random() < 0.1:  # BH series: year, BH, 4 digits, 1-2 letters
        year = f"{int(rng.integers(21, 27)):02d}"
        parts = [year, "BH", _pick(rng, DIGITS, 4), _pick(rng, LETTERS.replace("I", "").replace("O", ""),
                                                         int(rng.integers(1, 3)))]
    else:
        state = IN_STATES[int(rng.choice(len(IN_STATES), p=IN_STATE_WEIGHT))]
        rto = f"{int(rng.integers(1, 100)):02d}" if rng.random() < 0.92 else str(int(rng.integers(1, 10)))
        series = _pick(rng, LETTERS, int(rng.choice([0, 1, 2, 3], p=[0.05, 0.3, 0.6, 0.05])))
        ndig = int(rng.choice([4, 3, 2, 1], p=[0.9, 0.05, 0.03, 0.02]))
        num = str(int(rng.integers(10 ** (ndig - 1) if ndig > 1 else 1, 10 ** ndig)))
        parts = [state, rto, series, num] if series else [state, rto, num]
    text = "".join(parts)
    if rng.random() < 0.25:  # two-line: state+rto(+series) over the number; BH: year+BH over the rest
        if parts[1] == "BH":
            cut = 2
        else:
            cut = len(parts) - 1 if rng.random() < 0.7 or len(parts) < 4 else 2
        top, bottom = parts[:cut], parts[cut:]
        sep = _sep(rng)
        lines = [sep.join(top), sep.join(bottom)]
    else:
        sep = _sep(rng, (" ", " ", "", "-", " ", "."))
        lines = [sep.join(parts)]
    return Layout(text, lines, "in", f"in_{style}")


_BHARAT = re.compile(r"^([0-9]{2})BH[0-9]{4}[A-Z]{1,2}$")


def indian_line_breaks(text: str) -> list[int]:
    """Where a two-line Indian plate's text may break, as `indian` lays them out: after the state
    and RTO code, or before the number (`KA01 / AB1234`, `KA01AB / 1234`; `22BH / 1234AA`).
    A text without series letters may parse two ways (`HP99260`: HP 9 9260 or HP 99 260), so
    the breaks of every parse count.  Empty for a text that is no Indian registration."""
    if _BHARAT.match(text):
        return [4]
    breaks = set()
    for rto in (1, 2):
        head, rest = text[:2 + rto], text[2 + rto:]
        if not re.fullmatch(r"[A-Z]{2}[0-9]{%d}" % rto, head):
            continue
        m = re.fullmatch(r"([A-Z]{0,3})([0-9]{1,4})", rest)
        if m:
            breaks |= {len(head), len(text) - len(m.group(2))}
    return sorted(breaks - {0, len(text)})


def any_line_break(text: str) -> list[int]:
    return list(range(1, len(text)))


def us(rng) -> Layout:
    """US-style plate: 5-8 characters in a handful of common state patterns."""
    pat = rng.choice(["LLLDDDD", "DLLLDDD", "DDDLLL", "LLDDDDD", "LLLDDD", "DLLDDD", "LLLLDDD",
                      "DDDDLL", "LDDLLL", "LLDLDD", "DDLLLDD", "LLLDDDL"])
    text = "".join(_pick(rng, LETTERS if c == "L" else DIGITS, 1) for c in pat)
    if rng.random() < 0.15:  # vanity-like, 5-8 mixed
        text = _pick(rng, LETTERS + DIGITS, int(rng.integers(5, 9)))
    cut = int(rng.integers(2, len(text) - 1))
    sep = _sep(rng, (" ", "-", "", "", " ", "·"))
    line = text[:cut] + sep + text[cut:] if rng.random() < 0.6 else text
    return Layout(text, [line], "us", "us")


def eu(rng) -> Layout:
    """EU plate in several national patterns; the band's country code is not part of the label."""
    band = EU_BAND[int(rng.integers(len(EU_BAND)))]
    kind = int(rng.integers(6))
    if kind == 0:   # DE: B AB 1234
        a, b, n = _pick(rng, LETTERS, int(rng.integers(1, 4))), _pick(rng, LETTERS, int(rng.integers(1, 3))), \
            _pick(rng, DIGITS, int(rng.integers(1, 5)))
        parts = [a, b, n]
    elif kind == 1:  # FR / IT: AB 123 CD
        parts = [_pick(rng, LETTERS, 2), _pick(rng, DIGITS, 3), _pick(rng, LETTERS, 2)]
    elif kind == 2:  # NL: 12 ABC 3 / AB 123 C
        parts = [_pick(rng, DIGITS, 2), _pick(rng, LETTERS, 3), _pick(rng, DIGITS, 1)]
    elif kind == 3:  # PL / CZ: WA 12345 / 1A2 3456
        parts = [_pick(rng, LETTERS, 2 + int(rng.integers(2))), _pick(rng, DIGITS + LETTERS, int(rng.integers(4, 6)))]
    elif kind == 4:  # ES: 1234 BCD
        parts = [_pick(rng, DIGITS, 4), _pick(rng, LETTERS, 3)]
    else:            # generic 2-3 letters + 2-4 digits (+letters), like AT/CH/SE
        parts = [_pick(rng, LETTERS, int(rng.integers(1, 4))), _pick(rng, DIGITS, int(rng.integers(2, 5)))]
        if rng.random() < 0.5:
            parts.append(_pick(rng, LETTERS, int(rng.integers(1, 3))))
    text = "".join(parts)
    if len(text) < 4:
        parts.append(_pick(rng, DIGITS, 4 - len(text)))
        text = "".join(parts)
    two = rng.random() < 0.45
    if two:
        cut = max(1, len(parts) // 2) if len(parts) > 1 else 1
        sep = _sep(rng, (" ", "-", "", "·"))
        lines = [sep.join(parts[:cut]), sep.join(parts[cut:])]
        if len(parts) == 1:
            lines = [text[:len(text) // 2], text[len(text) // 2:]]
    else:
        lines = [_sep(rng, (" ", "-", " ", "·")).join(parts)]
    return Layout(text, lines, "eu", f"eu:{band}")


def brazil(rng) -> Layout:
    """Brazil: old grey/red ABC-1234, or Mercosur ABC1D23."""
    if rng.random() < 0.5:
        text = _pick(rng, LETTERS, 3) + _pick(rng, DIGITS, 4)
        line = text[:3] + rng.choice(["-", "·", " ", "-"]) + text[3:]
        return Layout(text, [line], "br", "br_old_red" if rng.random() < 0.3 else "br_old_grey")
    text = _pick(rng, LETTERS, 3) + _pick(rng, DIGITS, 1) + _pick(rng, LETTERS, 1) + _pick(rng, DIGITS, 2)
    return Layout(text, [text], "br", "br_mercosur")


GENERATORS = {"in": indian, "us": us, "eu": eu, "br": brazil}
COUNTRY_P = {"in": 0.4, "us": 0.2, "eu": 0.2, "br": 0.2}


def random_layout(rng, country: str | None = None) -> Layout:
    """A random plate layout; country None picks one with COUNTRY_P."""
    if country is None:
        keys = list(COUNTRY_P)
        country = keys[int(rng.choice(len(keys), p=np.array([COUNTRY_P[k] for k in keys])))]
    lay = GENERATORS[country](rng)
    assert lay.text == _clean(lay.text) and 1 <= len(lay.text) <= 12, lay
    return lay
