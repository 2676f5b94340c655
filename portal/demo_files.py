"""Real, small demo documents: a one-page PDF with a few lines of text, and a PNG image.

Built here, byte by byte, so the demo needs no files and every document it attaches opens in
a PDF reader or an image viewer (portal/demo.py).
"""

import struct
import zlib


def pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF (A4, Helvetica) showing `lines` (Latin-1 text)."""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = "\n".join(
        f"BT /F1 {14 if n == 0 else 11} Tf 72 {770 - 22 * n} Td ({escape(line)}) Tj ET"
        for n, line in enumerate(lines)
    ).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def png(width: int = 240, height: int = 160) -> bytes:
    """A valid PNG: a light card with a darker band, like a scanned identity page."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = bytearray()
    for y in range(height):
        rows.append(0)  # no filter
        for x in range(width):
            band = height // 3 <= y < height // 3 + 24 or x < 70 and 30 < y < 130
            rows += bytes((90, 100, 120) if band else (236, 238, 242))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


def document(purpose: str) -> tuple[bytes, str]:
    """The content and file name of a demo document for a residence application's purpose."""
    if purpose == "passport":
        return png(), "passport.png"
    title = purpose.replace("_", " ").capitalize()
    return (
        pdf(
            [
                f"{title} (demo document)",
                "Brightwave Technologies B.V., Stationsplein 45, 3013 AK Rotterdam",
                "This document was made for the demo of the IND Sponsor Portal.",
                "It stands for the real document a sponsor uploads.",
            ]
        ),
        f"{purpose}.pdf",
    )
