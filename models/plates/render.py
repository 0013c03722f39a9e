"""Render clean, flat plate images (RGB uint8) from a `formats.Layout`.

The returned plate fills its image: the plate's four corners are the image corners, which is
what the scene compositor and the reader-crop simulator warp.  Decorations that are NOT part of
the label (state names, "IND", EU band codes, "BRASIL", borders, holograms) are drawn on purpose
so the reader learns to ignore them.
"""
from __future__ import annotations

import functools
import os

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .formats import Layout, random_layout

_FONT_DIRS = ("/usr/share/fonts/truetype", "/usr/share/fonts/opentype")
# Bold/condensed sans faces that look like plate lettering (HSRP, DIN, FE, Mandatory are all
# condensed grotesques).  Missing files are skipped, so the set degrades gracefully.
_FONT_NAMES = {
    "condensed": ["DejaVuSansCondensed-Bold.ttf", "LiberationSansNarrow-Bold.ttf",
                  "NimbusSansNarrow-Bold.otf", "LiberationSansNarrow-Regular.ttf",
                  "DejaVuSansCondensed.ttf", "NimbusSansNarrow-Regular.otf"],
    "wide": ["DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "FreeSansBold.ttf",
             "NimbusSans-Bold.otf", "NotoSans-Bold.ttf", "NotoSansDisplay-Bold.ttf",
             "URWGothic-Demi.otf", "NotoSans-Regular.ttf", "LiberationSans-Regular.ttf"],
    "mono": ["DejaVuSansMono-Bold.ttf", "LiberationMono-Bold.ttf", "NimbusMonoPS-Bold.otf",
             "FreeMonoBold.ttf"],
    # Pre-HSRP Indian plates are painted or pressed by local shops in whatever face they have:
    # serif (Times/Century/Bookman-like), slanted, light or heavy sans.  The real train crops
    # show all of these (e.g. "MH.04.EX.1364" in a Times-like serif, "MH12FF1531" slanted).
    "legacy": ["LiberationSerif-Bold.ttf", "NimbusRoman-Bold.otf", "DejaVuSerif-Bold.ttf",
               "FreeSerifBold.ttf", "C059-Bold.otf", "P052-Bold.otf", "URWBookman-Demi.otf",
               "NotoSerif-Bold.ttf", "LiberationSerif-Regular.ttf", "NimbusRoman-Regular.otf",
               "DejaVuSerifCondensed-Bold.ttf", "URWBookman-Light.otf", "C059-Roman.otf",
               "LiberationSans-BoldItalic.ttf", "DejaVuSans-BoldOblique.ttf", "NimbusSans-BoldItalic.otf",
               "DejaVuSansCondensed-BoldOblique.ttf", "FreeSansBoldOblique.ttf", "NimbusRoman-BoldItalic.otf",
               "URWGothic-Book.otf", "NimbusSans-Regular.otf", "FreeSans.ttf"],
}


@functools.lru_cache(maxsize=None)
def _font_index() -> dict[str, str]:
    found = {}
    for d in _FONT_DIRS:
        for root, _, files in os.walk(d):
            for f in files:
                found.setdefault(f, os.path.join(root, f))
    return found


@functools.lru_cache(maxsize=None)
def fonts(family: str) -> tuple[str, ...]:
    """Paths of the installed fonts of a family ("condensed", "wide", "mono", "legacy")."""
    idx = _font_index()
    got = tuple(idx[n] for n in _FONT_NAMES[family] if n in idx)
    if not got:
        raise FileNotFoundError(f"no {family} plate font found; install fonts-dejavu-core")
    return got


@functools.lru_cache(maxsize=256)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def pick_font(rng, prefer: str = "condensed") -> str:
    """A font of the preferred family most of the time, else any of the three plate families."""
    fam = prefer if rng.random() < 0.65 else ["condensed", "wide", "mono"][int(rng.integers(3))]
    return font_of(rng, fam)


def font_of(rng, family: str) -> str:
    """Any installed font of one family."""
    f = fonts(family)
    return f[int(rng.integers(len(f)))]


def text_mask(text: str, font_path: str, height: int, max_width: int, rng, squeeze=(0.85, 1.1)) -> np.ndarray:
    """Anti-aliased ink mask (float32 0..1) of `text`, exactly `height` px tall (ink box)."""
    f = _font(font_path, 96)
    l, t, r, b = f.getbbox(text)
    im = Image.new("L", (r - l + 8, b - t + 8), 0)
    ImageDraw.Draw(im).text((4 - l, 4 - t), text, font=f, fill=255)
    arr = np.asarray(im)
    ys, xs = np.nonzero(arr > 20)
    if len(xs) == 0:
        return np.zeros((height, 1), np.float32)
    arr = arr[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    w = arr.shape[1] * height / arr.shape[0] * rng.uniform(*squeeze)
    w = int(max(4, min(max_width, w)))
    return np.asarray(Image.fromarray(arr).resize((w, height), Image.BILINEAR), np.float32) / 255.0


def _paste(canvas: np.ndarray, mask: np.ndarray, x: int, y: int, color) -> None:
    h, w = mask.shape
    H, W = canvas.shape[:2]
    x0, y0, x1, y1 = max(0, x), max(0, y), min(W, x + w), min(H, y + h)
    if x1 <= x0 or y1 <= y0:
        return
    m = mask[y0 - y:y1 - y, x0 - x:x1 - x, None]
    canvas[y0:y1, x0:x1] = canvas[y0:y1, x0:x1] * (1 - m) + np.asarray(color, np.float32) * m


def _small_text(canvas, text, x0, y0, x1, y1, color, rng, center=True):
    h = max(4, int(y1 - y0))
    m = text_mask(text, pick_font(rng, "wide"), h, int(x1 - x0), rng)
    x = int((x0 + x1 - m.shape[1]) / 2) if center else int(x0)
    _paste(canvas, m, x, int(y0), color)


def _draw_lines(canvas, lines, box, color, rng, font_path, shadow=None):
    """Draw the label lines centred in box=(x0,y0,x1,y1); two lines split the height."""
    x0, y0, x1, y1 = box
    n = len(lines)
    gap = (y1 - y0) * (0.12 if n == 2 else 0)
    lh = ((y1 - y0) - gap * (n - 1)) / n
    for i, line in enumerate(lines):
        top = y0 + i * (lh + gap)
        h = int(lh * rng.uniform(0.85, 1.0))
        m = text_mask(line, font_path, h, int(x1 - x0), rng)
        x = int((x0 + x1 - m.shape[1]) / 2 + rng.uniform(-0.03, 0.03) * (x1 - x0))
        y = int(top + (lh - h) / 2 + rng.uniform(-0.04, 0.04) * lh)
        if shadow is not None:
            _paste(canvas, m * 0.6, x + 2, y + 2, shadow)
        _paste(canvas, m, x, y, color)


def _jitter(c, rng, s=18):
    return np.clip(np.asarray(c, np.float32) + rng.normal(0, s, 3), 0, 255)


US_STATES = ("CALIFORNIA TEXAS FLORIDA NEW YORK OHIO ILLINOIS GEORGIA MICHIGAN ARIZONA NEVADA "
             "OREGON COLORADO VIRGINIA TENNESSEE INDIANA KANSAS UTAH IOWA MAINE ALASKA").split()
US_SLOGANS = ("Sunshine State", "Lone Star State", "Land of Lincoln", "Grand Canyon State",
              "dmv.ca.gov", "Empire State", "Live Free or Die", "Peach State", "Great Lakes")


def render(layout: Layout, rng) -> np.ndarray:
    """Render a flat plate for `layout`; returns RGB uint8, plate corners = image corners."""
    st = layout.style
    two = len(layout.lines) == 2
    deco = []  # callables drawn after the background
    if st.startswith("in_"):
        W, H = (500, 120) if not two else ((340, 200) if rng.random() < 0.6 else (285, 190))
        bg, fg = {"in_white": ((245, 245, 240), (15, 15, 15)), "in_yellow": ((240, 200, 30), (15, 15, 15)),
                  "in_green": ((30, 130, 60), (245, 245, 245)), "in_green_yellow": ((30, 130, 60), (240, 200, 30)),
                  "in_rental": ((15, 15, 15), (240, 200, 30))}[st]
        hsrp = rng.random() < 0.6 and st in ("in_white", "in_yellow")
        left = 0.1 * W if hsrp else 0.04 * W
        box = (left, 0.12 * H, W - 0.04 * W, 0.88 * H)
        font = pick_font(rng, "condensed")
        if not hsrp and rng.random() < 0.6:  # an older shop-made plate
            font = font_of(rng, "legacy")
        if hsrp:
            def deco_hsrp(c):
                c[int(0.1 * H):int(0.1 * H + 0.16 * H), int(0.02 * W):int(0.02 * W + 0.05 * W)] = (70, 110, 200)
                _small_text(c, "IND", 0.015 * W, 0.55 * H, 0.085 * W, 0.55 * H + 0.14 * H, (30, 60, 160), rng)
            deco.append(deco_hsrp)
        border = fg
    elif st == "us":
        W, H = 300, 150
        bg = _jitter(rng.choice([(250, 250, 250), (235, 240, 250), (250, 240, 200), (220, 235, 250),
                                 (245, 245, 235)]), rng, 8)
        fg = _jitter(rng.choice([(20, 40, 120), (150, 20, 30), (15, 15, 15), (20, 80, 40), (90, 20, 60)]), rng, 10)
        box = (0.06 * W, 0.27 * H, 0.94 * W, 0.80 * H)
        font = pick_font(rng, "wide")
        state = US_STATES[int(rng.integers(len(US_STATES)))]
        slogan = US_SLOGANS[int(rng.integers(len(US_SLOGANS)))]
        sc = _jitter(rng.choice([(150, 20, 30), (20, 40, 120), (15, 15, 15)]), rng, 10)

        def deco_us(c):
            if rng.random() < 0.5:  # a soft graphic band behind the text
                yy = np.linspace(0, 1, H)[:, None, None]
                col = _jitter((200, 150, 90), rng, 50)
                a = np.exp(-((yy - rng.uniform(0.3, 0.9)) / 0.15) ** 2) * rng.uniform(0.2, 0.5)
                c[:] = c * (1 - a) + col * a
            _small_text(c, state, 0.2 * W, 0.05 * H, 0.8 * W, 0.05 * H + 0.16 * H, sc, rng)
            if rng.random() < 0.7:
                _small_text(c, slogan, 0.2 * W, 0.84 * H, 0.8 * W, 0.84 * H + 0.11 * H, sc, rng)
        deco.append(deco_us)
        border = fg if rng.random() < 0.5 else None
    elif st.startswith("eu:"):
        code = st[3:]
        W, H = (520, 110) if not two else ((340, 200) if rng.random() < 0.5 else (280, 200))
        dark = rng.random() < 0.08
        bg = (245, 245, 240) if rng.random() < 0.75 else (245, 205, 40)
        fg = (15, 15, 15)
        if dark:
            bg, fg = (20, 20, 25), (240, 240, 240)
        band = (0.085 * W if not two else 0.13 * W) if not dark and rng.random() < 0.9 else 0
        box = (band + 0.04 * W, 0.12 * H, W - 0.04 * W, 0.88 * H)
        font = pick_font(rng, "condensed")

        def deco_eu(c):
            if band:
                c[:, :int(band)] = (0, 51, 153)
                cx, cy, r = band / 2, 0.3 * H if not two else 0.25 * H, band * 0.3
                for k in range(12):
                    a = 2 * np.pi * k / 12
                    x, y = int(cx + r * np.cos(a)), int(cy + r * np.sin(a))
                    c[max(0, y - 1):y + 2, max(0, x - 1):x + 2] = (255, 204, 0)
                _small_text(c, code, 0.1 * band, 0.58 * H, 0.9 * band, 0.58 * H + 0.3 * band + 0.12 * H,
                            (245, 245, 245), rng)
        deco.append(deco_eu)
        border = fg if rng.random() < 0.7 else None
    elif st.startswith("br_old"):
        W, H = 400, 130
        red = st == "br_old_red"
        bg = _jitter((170, 30, 30) if red else (185, 185, 180), rng, 12)
        fg = (240, 240, 240) if red else (20, 20, 20)
        box = (0.05 * W, 0.3 * H, 0.95 * W, 0.9 * H)
        font = pick_font(rng, "condensed")
        city = ["SP - SAO PAULO", "RJ - RIO DE JANEIRO", "MG - BELO HORIZONTE", "PR - CURITIBA",
                "RS - PORTO ALEGRE", "SC - JOINVILLE"][int(rng.integers(6))]
        deco.append(lambda c: _small_text(c, city, 0.25 * W, 0.07 * H, 0.75 * W, 0.07 * H + 0.15 * H, fg, rng))
        border = fg
    else:  # br_mercosur
        W, H = 400, 130
        bg, fg = (245, 245, 245), (15, 15, 15)
        box = (0.05 * W, 0.32 * H, 0.95 * W, 0.93 * H)
        font = pick_font(rng, "condensed")

        def deco_merc(c):
            c[:int(0.24 * H)] = (0, 60, 160)
            _small_text(c, "BRASIL", 0.35 * W, 0.04 * H, 0.65 * W, 0.04 * H + 0.15 * H, (245, 245, 245), rng)
            c[int(0.05 * H):int(0.19 * H), int(0.88 * W):int(0.96 * W)] = (0, 150, 60)
        deco.append(deco_merc)
        border = (15, 15, 15)

    canvas = np.empty((H, W, 3), np.float32)
    canvas[:] = _jitter(bg, rng, 10)
    # mild vertical shading so backgrounds are not perfectly flat
    canvas *= np.linspace(rng.uniform(0.85, 1.05), rng.uniform(0.9, 1.05), H, dtype=np.float32)[:, None, None]
    for d in deco:
        d(canvas)
    if border is not None:
        t = max(2, int(H * rng.uniform(0.015, 0.04)))
        im = Image.fromarray(np.clip(canvas, 0, 255).astype(np.uint8))
        ImageDraw.Draw(im).rounded_rectangle((t, t, W - 1 - t, H - 1 - t), radius=int(H * 0.08),
                                             outline=tuple(int(v) for v in border), width=t)
        canvas = np.asarray(im, np.float32).copy()
    emboss = (np.asarray(fg, np.float32) * 0.5) if rng.random() < 0.4 else None
    _draw_lines(canvas, layout.lines, box, _jitter(fg, rng, 8), rng, font, shadow=emboss)
    return np.clip(canvas, 0, 255).astype(np.uint8)


def random_plate(rng, country: str | None = None) -> tuple[np.ndarray, Layout]:
    """A random rendered plate and its layout."""
    lay = random_layout(rng, country)
    return render(lay, rng), lay
