"""Draw Hearth's home-screen icons (static/icons/*.png) from the favicon's heart.

Run once when the icon changes: ``.venv/bin/python scripts/make_icons.py``. The heart
is drawn at 4x and scaled down, so its edges are smooth without an SVG renderer.
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

ACCENT = (0x9C, 0x42, 0x21)
CREAM = (0xFB, 0xF7, 0xF2)
OUT = Path(__file__).resolve().parent.parent / "static" / "icons"


def tangent(centre, r, point, outer):
    """Where a line from ``point`` touches the circle, on the ``outer`` side (-1 left)."""
    dx, dy = point[0] - centre[0], point[1] - centre[1]
    theta = math.atan2(dy, dx)
    alpha = math.acos(r / math.hypot(dx, dy))
    candidates = [theta + alpha, theta - alpha]
    angle = min(candidates, key=lambda a: outer * -math.cos(a))
    return (centre[0] + r * math.cos(angle), centre[1] + r * math.sin(angle))


def heart(draw: ImageDraw.ImageDraw, cx: float, cy: float, size: float) -> None:
    """A heart ``size`` wide centred on (cx, cy): two circles and a triangle."""
    r = size / 4
    top = cy - size * 0.4
    draw.ellipse((cx - 2 * r, top, cx, top + 2 * r), fill=CREAM)
    draw.ellipse((cx, top, cx + 2 * r, top + 2 * r), fill=CREAM)
    # The lower point: straight sides tangent to both circles down to the tip.
    tip = (cx, top + r + 2.3 * r)
    left = tangent((cx - r, top + r), r, tip, outer=-1)
    right = tangent((cx + r, top + r), r, tip, outer=1)
    draw.polygon(
        [left, (cx - r, top + r), (cx + r, top + r), right, tip],
        fill=CREAM,
    )


def icon(px: int, *, maskable: bool) -> Image.Image:
    """A square icon: rounded tile (plain) or full bleed with the heart in the safe zone."""
    scale = 4
    big = px * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, big, big), fill=ACCENT)
        heart_size = big * 0.46  # inside the central 80% circle every mask keeps
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 0.22, fill=ACCENT)
        heart_size = big * 0.62
    heart(draw, big / 2, big / 2 + heart_size * 0.02, heart_size)
    return image.resize((px, px), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for px in (192, 512):
        icon(px, maskable=False).save(OUT / f"icon-{px}.png", optimize=True)
    icon(512, maskable=True).save(OUT / "icon-maskable-512.png", optimize=True)
    # iOS draws its own rounded corners and ignores transparency: a full square.
    icon(180, maskable=True).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
