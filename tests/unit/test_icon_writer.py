"""scripts/make_icons.py writes real PNGs with the standard library alone."""

from __future__ import annotations

import importlib.util
import struct
import zlib
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "make_icons.py"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_icons", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def chunks(png: bytes) -> dict[bytes, bytes]:
    found, position = {}, 8
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind, payload = png[position + 4 : position + 8], png[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", png[position + 8 + length : position + 12 + length])
        assert crc == zlib.crc32(kind + payload), kind
        found[kind] = payload
        position += 12 + length
    return found


def test_png_writer_round_trips_the_pixel_rows() -> None:
    icons = load_script()
    rows = [bytes([10, 20, 30, 40, 50, 60]), bytes([255, 0, 0, 0, 255, 0])]
    png = icons.png_bytes(2, 2, rows)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    parts = chunks(png)
    assert struct.unpack(">IIBBBBB", parts[b"IHDR"]) == (2, 2, 8, 2, 0, 0, 0)
    assert zlib.decompress(parts[b"IDAT"]) == b"\x00" + rows[0] + b"\x00" + rows[1]


def test_maskable_icon_keeps_its_drawing_inside_the_safe_zone() -> None:
    icons = load_script()
    size = 40
    png = icons.draw(size, 0.72)
    raw = zlib.decompress(chunks(png)[b"IDAT"])
    stride = 1 + size * 3
    theme = bytes(icons.THEME)
    centre, radius = size / 2, 0.4 * size  # the maskable safe zone: a circle of 80 % diameter
    for y in range(size):
        for x in range(size):
            pixel = raw[y * stride + 1 + x * 3 : y * stride + 4 + x * 3]
            if (x + 0.5 - centre) ** 2 + (y + 0.5 - centre) ** 2 > radius**2:
                assert pixel == theme, (x, y)
