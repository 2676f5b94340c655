"""CSV in and out, as spreadsheets write and read them.

Reading (`decode`; the rows are read by portal/bulk/reading.py): UTF-8 with or without BOM,
anything else explained. Writing: streamed, UTF-8 with BOM so Excel reads accents,
and every cell that a spreadsheet would run as a formula (= + - @, tab, CR) neutralised.
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator

from flask_babel import gettext as _

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CsvRejected(ValueError):
    """The file as a whole cannot be read; the message says what to do."""


def decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CsvRejected(
            _(
                "The file is saved as UTF-16. Save it as 'CSV UTF-8 (comma delimited)' "
                "and try again."
            )
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CsvRejected(
            _(
                "The file is not in UTF-8 (line %(line)d). In Excel choose 'Save as' → "
                "'CSV UTF-8 (comma delimited)' and try again.",
                line=data[: error.start].count(b"\n") + 1,
            )
        ) from error


def neutralise(value) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_line_writer() -> Callable[[Iterable], str]:
    """A function that makes one CSV line (CRLF) of a row, every cell neutralised: for
    streaming a CSV line by line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(cells) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([neutralise(cell) for cell in cells])
        return buffer.getvalue()

    return line


def write_csv(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """Stream a CSV (UTF-8 with BOM) line by line; every cell neutralised."""
    line = csv_line_writer()
    yield "\ufeff" + line(header)
    for row in rows:
        yield line(row)
