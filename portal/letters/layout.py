"""A letter's structure, kept with its words, so the HTML letter page reads like the PDF.

At issue, `text_of(html)` turns the very HTML that becomes the PDF (templates/letters/<lang>/)
into the letter's stored text (`Letter.body_text`), one block per paragraph, with a light
mark-up that keeps its structure:

    ^ Immigratie- en …              the letterhead (the page has its own)
    Date:\t4 December 2026          the header rows (the letter's table.meta), label and value
    # Request for information …     the subject (h1)
    Dear Sir or Madam,              a paragraph (a <br> is a new line within it)
    > What the IND asks …           a highlighted box (div.box): the request, the amount to pay
    - the first question            an item of a list
    ~ Yours faithfully,             the closing and signature

`blocks(body_text)` reads it back for the letter page (templates/inbox/show.html). Letters issued
before this text had a structure hold their words on one line: they come back as one paragraph.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser

_MARKERS = ("#", ">", "-", "~", "^", "\\")
_SKIPPED = {"style", "head", "title"}


@dataclass
class Block:
    kind: str  # header, subject, paragraph, box, closing, letterhead, addressee
    lines: list[str] = field(default_factory=list)
    rows: list[tuple[str, str]] = field(default_factory=list)  # header: (label, value)
    items: list[str] = field(default_factory=list)  # box: a list of questions


class _Reader(HTMLParser):
    """The letter's blocks, from the letter template's HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.skipping = 0
        self.section: str | None = None  # letterhead, addressee, header, box, closing
        self.cell: list[str] | None = None
        self.row: list[str] = []
        self.line: list[str] | None = None
        self.item: list[str] | None = None

    # --- tags
    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag in _SKIPPED:
            self.skipping += 1
        elif (
            tag == "div"
            and classes
            and classes[0] in ("letterhead", "addressee", "box", "signature")
        ):
            self.section = {"signature": "closing"}.get(classes[0], classes[0])
            self.blocks.append(Block(self.section))
            self.line = []
        elif tag == "table":
            self.section = "header"
            self.blocks.append(Block("header"))
        elif tag in ("th", "td"):
            self.cell = []
        elif tag == "h1":
            self.blocks.append(Block("subject"))
            self.line = []
        elif tag == "p" and self.section is None:
            self.blocks.append(Block("paragraph"))
            self.line = []
        elif tag == "p":
            self._end_line()
            self.line = []
        elif tag == "li":
            self.item = []
        elif tag == "br" or tag == "div" and self.section in ("letterhead",):
            self._end_line()
            self.line = []

    def handle_endtag(self, tag):
        if tag in _SKIPPED:
            self.skipping -= 1
        elif tag in ("th", "td") and self.cell is not None:
            self.row.append(_clean("".join(self.cell)))
            self.cell = None
        elif tag == "tr":
            if len(self.row) == 2:
                self.blocks[-1].rows.append((self.row[0], self.row[1]))
            self.row = []
        elif tag == "table":
            self.section = None
        elif tag == "li" and self.item is not None:
            self.blocks[-1].items.append(_clean("".join(self.item)))
            self.item = None
        elif tag in ("h1", "p"):
            self._end_line()
            self.line = None
        elif tag == "div" and self.section is not None:
            self._end_line()
            self.line = None
            if self.section != "letterhead" or len(self.blocks[-1].lines) >= 2:
                self.section = None

    def handle_data(self, data):
        if self.skipping:
            return
        for target in (self.cell, self.item, self.line):
            if target is not None:
                target.append(data)
                return

    def _end_line(self):
        if self.line is not None and self.blocks:
            text = _clean("".join(self.line))
            if text:
                self.blocks[-1].lines.append(text)
        self.line = None


def _clean(text: str) -> str:
    return " ".join(text.split())


def read_html(html: str) -> list[Block]:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return [b for b in reader.blocks if b.lines or b.rows or b.items]


def _escaped(line: str) -> str:
    return "\\" + line if line.startswith(_MARKERS) else line


def text_of(html: str) -> str:
    """The letter's stored text (the module docstring's mark-up), from its rendered HTML."""
    parts = []
    for block in read_html(html):
        if block.kind == "header":
            parts.append("\n".join(f"{label}:\t{value}" for label, value in block.rows))
        elif block.kind == "subject":
            parts.append("# " + " ".join(block.lines))
        elif block.kind == "box":
            lines = [f"> {line}" for line in block.lines] + [f"- {item}" for item in block.items]
            parts.append("\n".join(lines))
        elif block.kind == "closing":
            parts.append("\n".join(f"~ {line}" for line in block.lines))
        elif block.kind == "letterhead":
            parts.append("\n".join(f"^ {line}" for line in block.lines))
        else:
            parts.append("\n".join(_escaped(line) for line in block.lines))
    return "\n\n".join(parts)


def blocks(body_text: str) -> list[Block]:
    """The stored text read back into blocks for the letter page."""
    found = []
    for chunk in (body_text or "").strip().split("\n\n"):
        lines = chunk.split("\n")
        if all(":\t" in line for line in lines):
            rows = [tuple(line.split(":\t", 1)) for line in lines]
            found.append(Block("header", rows=rows))
        elif lines[0].startswith("# "):
            found.append(Block("subject", lines=[lines[0][2:]]))
        elif lines[0].startswith(("> ", "- ")):
            box = Block("box")
            for line in lines:
                if line.startswith("- "):
                    box.items.append(line[2:])
                else:
                    box.lines.append(line.removeprefix("> "))
            found.append(box)
        elif lines[0].startswith("^ "):
            found.append(Block("letterhead", lines=[line.removeprefix("^ ") for line in lines]))
        elif lines[0].startswith("~ "):
            found.append(Block("closing", lines=[line.removeprefix("~ ") for line in lines]))
        else:
            found.append(Block("paragraph", lines=[line.removeprefix("\\") for line in lines]))
    return found
