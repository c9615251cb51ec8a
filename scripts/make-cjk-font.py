#!/usr/bin/env python3
"""Rebuilds printing/fonts/NotoSansCJKsc-*-subset.otf from Debian's fonts-noto-cjk.

Why a committed subset: the app must render Chinese on users' machines (Windows, macOS, Linux
without fonts-noto-cjk), and the full collection is ~20 MB per weight. The subset keeps every
character of GB2312 (6,763 hanzi plus its punctuation, full-width forms, kana, Greek and
Cyrillic; the bold weight only level-1 hanzi), printable ASCII, Latin-1 and the CJK punctuation block, which covers the names and
addresses suppliers type in practice; characters outside it fall back to a missing-glyph box.

Usage: pip install fonttools && python3 scripts/make-cjk-font.py
Source: /usr/share/fonts/opentype/noto/NotoSansCJK-{Regular,Bold}.ttc, face "Noto Sans CJK SC"
(SIL Open Font License 1.1, see printing/fonts/OFL.txt).
"""

import os
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection

SOURCE_DIR = "/usr/share/fonts/opentype/noto"
OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "printing", "fonts")
FACE = "Noto Sans CJK SC"


def gb2312_codepoints(last_row=0xFE):
    points = set()
    # GB2312 is EUC-CN: both bytes 0xA1..0xFE; decoding every pair lists the whole repertoire.
    # Rows 0xA1-0xA9 are symbols, 0xB0-0xD7 the 3,755 level-1 (common) hanzi, 0xD8-0xF7 level 2.
    for hi in range(0xA1, last_row + 1):
        for lo in range(0xA1, 0xFF):
            try:
                ch = bytes([hi, lo]).decode("gb2312")
            except UnicodeDecodeError:
                continue
            points.add(ord(ch))
    return points


def codepoints(last_row):
    points = gb2312_codepoints(last_row)
    points.update(range(0x20, 0x7F))  # ASCII
    points.update(range(0xA0, 0x100))  # Latin-1
    points.update(range(0x3000, 0x3040))  # CJK symbols and punctuation
    points.update(range(0xFF00, 0xFFF0))  # full-width forms
    points.update([0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x00D7, 0x2116])
    return sorted(points)


def build(weight, last_row):
    collection = TTCollection(os.path.join(SOURCE_DIR, f"NotoSansCJK-{weight}.ttc"))
    font = next(f for f in collection.fonts if f["name"].getDebugName(1) == FACE or f["name"].getDebugName(16) == FACE)
    options = subset.Options()
    # Horizontal text only: vertical metrics and variants are not used on labels.
    options.layout_features = ["kern", "liga", "locl", "ccmp", "palt", "halt"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints(last_row))
    subsetter.subset(font)
    for table in ("vhea", "vmtx", "VORG"):
        if table in font:
            del font[table]
    out = os.path.join(OUT_DIR, f"NotoSansCJKsc-{weight}-subset.otf")
    font.save(out)
    print(f"{out}: {os.path.getsize(out):,} bytes", file=sys.stderr)


if __name__ == "__main__":
    os.makedirs(OUT_DIR, exist_ok=True)
    build("Regular", 0xFE)
    # Bold carries level-1 hanzi only (two full weights would be ~5.7 MB); the compilers set
    # text containing a level-2 hanzi in the regular weight (printing/fonts/cjk.ts).
    build("Bold", 0xD7)
