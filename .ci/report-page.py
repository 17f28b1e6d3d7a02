#!/usr/bin/env python3
"""Checks the report's HTML page and its screenshot (.ci/report-page).

Fails when the decision rules section is missing or empty, when a figure is missing (the
three of a full run: scaling, axes, crossover, each an inline SVG with drawn marks), when
a required section is absent, or when the PNG Chromium rendered is blank (one colour).
Standard library only: the PNG is decoded here (8-bit RGB or RGBA, as Chromium writes).
"""
import re
import struct
import sys
import zlib

FIGURES = 3
SECTIONS = ["machine", "rules", "figures", "tables", "targets"]


def fail(msg):
    print(f"report page: {msg}")
    sys.exit(1)


def check_html(path):
    html = open(path, encoding="utf-8").read()
    for s in SECTIONS:
        if f'id="{s}"' not in html:
            fail(f"no section {s!r} in {path}")
    rules = re.search(r'<section id="rules">(.*?)</section>', html, re.S)
    items = re.findall(r"<li>(.*?)</li>", rules.group(1), re.S) if rules else []
    items = [i for i in items if len(re.sub(r"<[^>]+>", "", i).strip()) > 20]
    if not items:
        fail("the decision rules section is empty")
    figures = re.findall(r'<figure class="plot"[^>]*>(.*?)</figure>', html, re.S)
    if len(figures) < FIGURES:
        fail(f"{len(figures)} figures, expected {FIGURES}")
    for i, f in enumerate(figures, 1):
        marks = len(re.findall(r"<(?:circle|polyline|path|rect|line)\b", f))
        if "<svg" not in f or marks < 50:
            fail(f"figure {i} has no plot in it ({marks} marks)")
    tables = html.count("<table>")
    if tables < 3:
        fail(f"{tables} tables, expected the absolute costs, the sweep and the groups'")
    return len(items), len(figures), tables


def png_pixels(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail(f"{path} is not a PNG")
    pos, idat, head = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, color = head[0], head[1], head[2], head[3]
    if depth != 8 or color not in (2, 6):
        fail(f"unexpected PNG format (depth {depth}, colour type {color})")
    bpp = 3 if color == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    rows = []
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pred) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def check_png(path):
    w, h, bpp, rows = png_pixels(path)
    background = rows[0][:3]
    inked = sum(
        1
        for row in rows[::4]
        for x in range(0, w * bpp, bpp * 4)
        if row[x:x + 3] != background
    )
    sampled = (len(rows[::4])) * len(range(0, w * bpp, bpp * 4))
    share = inked / max(sampled, 1)
    if share < 0.01:
        fail(f"the rendered page is blank ({100 * share:.2f}% of the pixels drawn)")
    return w, h, share


def main():
    html, png = sys.argv[1], sys.argv[2]
    rules, figures, tables = check_html(html)
    w, h, share = check_png(png)
    print(
        f"report page: {rules} rules, {figures} figures, {tables} tables; "
        f"rendered {w}x{h}, {100 * share:.1f}% of it drawn"
    )


if __name__ == "__main__":
    main()
