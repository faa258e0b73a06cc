"""Draws the web app icons of the portal (run once; the PNGs are committed).

    .venv/bin/python scripts/make_icons.py

The design is the site's own simple emblem (static/congress/img/emblem.svg): a gold ring, a red
disc and a five-pointed gold star; not the national emblem. "maskable" icons fill the square with
red and keep the star inside the central safe zone (80 %), as Android's adaptive icons crop.
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "static" / "congress" / "icons"
GOLD = (200, 164, 90, 255)
RED = (166, 27, 27, 255)
STAR = (245, 215, 122, 255)
SCALE = 4  # draw large, then downsample: smooth edges


def star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.382
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(points, fill=STAR)


def icon(size: int, *, maskable: bool, opaque: bool = False) -> Image.Image:
    big = size * SCALE
    background = RED if maskable or opaque else (0, 0, 0, 0)
    image = Image.new("RGBA", (big, big), background)
    draw = ImageDraw.Draw(image)
    c = big / 2
    if maskable:
        # Safe zone: a circle of 40 % of the size around the centre.
        draw.ellipse([c - big * 0.40, c - big * 0.40, c + big * 0.40, c + big * 0.40], fill=GOLD)
        draw.ellipse([c - big * 0.33, c - big * 0.33, c + big * 0.33, c + big * 0.33], fill=RED)
        star(draw, c, c * 1.03, big * 0.25)
    else:
        if opaque:
            image.paste((255, 255, 255, 255), (0, 0, big, big))
        draw.ellipse([big * 0.03, big * 0.03, big * 0.97, big * 0.97], fill=GOLD)
        draw.ellipse([big * 0.125, big * 0.125, big * 0.875, big * 0.875], fill=RED)
        star(draw, c, c * 1.03, big * 0.31)
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        icon(size, maskable=False).save(OUT / f"icon-{size}.png", optimize=True)
        icon(size, maskable=True).save(OUT / f"icon-maskable-{size}.png", optimize=True)
    # iOS draws transparent corners black: the touch icon is opaque.
    icon(180, maskable=False, opaque=True).convert("RGB").save(
        OUT / "apple-touch-icon.png", optimize=True
    )
    icon(32, maskable=False).save(OUT / "favicon-32.png", optimize=True)
    for path in sorted(OUT.glob("*.png")):
        print(path.relative_to(OUT.parents[2]), path.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
