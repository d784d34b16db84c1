"""Draws the extension icon (images/icon.png, 128x128): three tables of an ER diagram
linked by relations, on a rounded square. Plain Python (zlib + struct), no third-party
art or libraries:  python3 scripts/make-icon.py"""
import struct
import zlib
from pathlib import Path

SIZE = 128
BACKGROUND = (38, 70, 120)
TABLE = (250, 250, 250)
HEADER = (240, 160, 50)
LINE = (200, 220, 245)


def rounded_square(x, y, radius=22):
    """Whether pixel (x, y) lies inside the rounded background square."""
    cx = min(max(x, radius), SIZE - 1 - radius)
    cy = min(max(y, radius), SIZE - 1 - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2


def main():
    pixels = [[(0, 0, 0, 0)] * SIZE for _ in range(SIZE)]

    def rect(x0, y0, x1, y1, color):
        for y in range(y0, y1):
            for x in range(x0, x1):
                pixels[y][x] = color + (255,)

    for y in range(SIZE):
        for x in range(SIZE):
            if rounded_square(x, y):
                pixels[y][x] = BACKGROUND + (255,)
    # relations first, so the tables sit on top of the lines
    rect(40, 38, 88, 42, LINE)   # top-left table to top-right table
    rect(62, 40, 66, 86, LINE)   # down to the bottom table
    tables = [(16, 22, 48, 58), (80, 22, 112, 58), (46, 74, 82, 110)]
    for x0, y0, x1, y1 in tables:
        rect(x0, y0, x1, y1, TABLE)
        rect(x0, y0, x1, y0 + 9, HEADER)
        for row in range(y0 + 14, y1 - 4, 8):
            rect(x0 + 5, row, x1 - 5, row + 3, LINE)

    raw = b"".join(b"\x00" + b"".join(bytes(p) for p in row) for row in pixels)

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9))
    png += chunk(b"IEND", b"")
    out = Path(__file__).resolve().parent.parent / "images" / "icon.png"
    out.write_bytes(png)
    print(f"{out}: {len(png)} bytes")


if __name__ == "__main__":
    main()
