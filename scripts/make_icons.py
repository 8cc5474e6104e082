"""Draw the phone app's icons as PNG files with the standard library only.

    python scripts/make_icons.py            # writes pwa/icons/*.png

The icon is a white calendar page with a tick on the app's theme colour. "any" icons fill the
square; "maskable" ones keep the drawing inside the central 80 % safe zone, because launchers
crop maskable icons to a circle or a squircle. The PNGs are committed; rerun this script only
when the design changes.
"""

from __future__ import annotations

import struct
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

THEME = (11, 93, 99)  # #0b5d63, the manifest's theme_color
WHITE = (255, 255, 255)
SUPERSAMPLE = 3  # samples per pixel side, for smooth edges

Shape = Callable[[float, float], bool]


def png_bytes(width: int, height: int, rows: list[bytes]) -> bytes:
    """An RGB PNG (colour type 2, 8 bits) from raw rows of width*3 bytes."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    scanlines = b"".join(b"\x00" + row for row in rows)  # filter type 0 on every row
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(scanlines, 9))
        + chunk(b"IEND", b"")
    )


def rounded_rect(left: float, top: float, right: float, bottom: float, radius: float) -> Shape:
    def inside(x: float, y: float) -> bool:
        if not (left <= x <= right and top <= y <= bottom):
            return False
        cx = min(max(x, left + radius), right - radius)
        cy = min(max(y, top + radius), bottom - radius)
        return (x - cx) ** 2 + (y - cy) ** 2 <= radius**2

    return inside


def thick_segment(x1: float, y1: float, x2: float, y2: float, half_width: float) -> Shape:
    length_squared = (x2 - x1) ** 2 + (y2 - y1) ** 2

    def inside(x: float, y: float) -> bool:
        t = max(0.0, min(1.0, ((x - x1) * (x2 - x1) + (y - y1) * (y2 - y1)) / length_squared))
        px, py = x1 + t * (x2 - x1), y1 + t * (y2 - y1)
        return (x - px) ** 2 + (y - py) ** 2 <= half_width**2

    return inside


def calendar_glyph(scale: float) -> tuple[list[Shape], list[Shape]]:
    """White shapes and theme-coloured cut-outs, in unit coordinates centred on (0.5, 0.5)."""

    def at(value: float) -> float:
        return 0.5 + (value - 0.5) * scale

    page = rounded_rect(at(0.2), at(0.24), at(0.8), at(0.82), 0.06 * scale)
    rings = [rounded_rect(at(x - 0.035), at(0.16), at(x + 0.035), at(0.32), 0.03 * scale) for x in (0.35, 0.65)]
    header_gap = rounded_rect(at(0.2), at(0.36), at(0.8), at(0.39), 0.0)
    tick = [
        thick_segment(at(0.34), at(0.6), at(0.46), at(0.71), 0.045 * scale),
        thick_segment(at(0.46), at(0.71), at(0.67), at(0.48), 0.045 * scale),
    ]
    return [page, *rings], [header_gap, *tick]


def draw(size: int, glyph_scale: float) -> bytes:
    white_shapes, cut_outs = calendar_glyph(glyph_scale)
    samples = SUPERSAMPLE * SUPERSAMPLE
    rows = []
    for py in range(size):
        row = bytearray()
        for px in range(size):
            white = 0
            for sy in range(SUPERSAMPLE):
                for sx in range(SUPERSAMPLE):
                    x = (px + (sx + 0.5) / SUPERSAMPLE) / size
                    y = (py + (sy + 0.5) / SUPERSAMPLE) / size
                    if any(shape(x, y) for shape in white_shapes) and not any(cut(x, y) for cut in cut_outs):
                        white += 1
            share = white / samples
            row.extend(round(t + (w - t) * share) for t, w in zip(THEME, WHITE, strict=True))
        rows.append(bytes(row))
    return png_bytes(size, size, rows)


ICONS = {
    "icon-192.png": (192, 1.0),
    "icon-512.png": (512, 1.0),
    "maskable-192.png": (192, 0.72),
    "maskable-512.png": (512, 0.72),
}


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, (size, scale) in ICONS.items():
        (out_dir / name).write_bytes(draw(size, scale))
        print(f"wrote {out_dir / name}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "pwa" / "icons")
