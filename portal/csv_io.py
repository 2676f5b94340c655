"""CSV in and out, as spreadsheets write and read them.

Reading: UTF-8 with or without BOM (anything else is explained), comma or semicolon
(Dutch Excel writes semicolons), the header checked against the expected columns,
bounded in size and rows. Writing: streamed, UTF-8 with BOM so Excel reads accents,
and every cell that a spreadsheet would run as a formula (= + - @, tab, CR) neutralised.
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CsvRejected(ValueError):
    """The file as a whole cannot be read; the message says what to do."""


@dataclass
class CsvTable:
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (row number, values)
    delimiter: str = ","


def _decode(data: bytes) -> str:
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


def _normalise(name: str) -> str:
    return name.strip().lower().replace(" ", "_")


def read_csv(
    data: bytes,
    expected: list[str],
    *,
    max_bytes: int,
    max_rows: int,
    old_names: dict[str, str] | None = None,
) -> CsvTable:
    """Read an uploaded CSV into rows keyed by the expected column names; a column under an
    old name (`old_names`: old → expected) is read as the expected one."""
    if len(data) > max_bytes:
        raise CsvRejected(
            _(
                "The file is larger than %(size)d MB. Split it into smaller files.",
                size=max_bytes // (1024 * 1024),
            )
        )
    text = _decode(data)
    lines = text.splitlines()
    header_line = next((line for line in lines if line.strip()), None)
    if header_line is None:
        raise CsvRejected(_("The file is empty. Use the template and add one row per person."))
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    if header_line.count(delimiter) == 0 and len(expected) > 1:
        raise CsvRejected(
            _("The columns are not separated by commas or semicolons. Use the template.")
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        header = next(row for row in reader if any(cell.strip() for cell in row))
    except StopIteration as error:  # pragma: no cover - header_line guarantees one
        raise CsvRejected(_("The file is empty.")) from error
    old_names = old_names or {}
    columns = [_normalise(cell) for cell in header]
    columns = [old_names.get(name, name) for name in columns]
    missing = [name for name in expected if name not in columns]
    extra = [cell for cell, name in zip(header, columns) if name not in expected and name]
    duplicates = sorted({name for name in columns if name and columns.count(name) > 1})
    problems = []
    if missing:
        problems.append(_("Missing columns: %(names)s.", names=", ".join(missing)))
    if extra:
        problems.append(_("Columns we do not know: %(names)s.", names=", ".join(extra)))
    if duplicates:
        problems.append(_("Columns that appear twice: %(names)s.", names=", ".join(duplicates)))
    if problems:
        raise CsvRejected(" ".join(problems) + " " + _("Use the columns of the template."))

    table = CsvTable(columns=expected, delimiter=delimiter)
    index = {name: columns.index(name) for name in expected}
    overflowing: list[int] = []  # lines with values beyond the last column: shifted cells
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if any(cell.strip() for cell in row[len(header) :]):
                overflowing.append(reader.line_num)
                continue
            if len(table.rows) >= max_rows:
                raise CsvRejected(
                    _(
                        "The file has more than %(max)d rows. Split it into smaller files.",
                        max=max_rows,
                    )
                )
            values = {name: (row[i].strip() if i < len(row) else "") for name, i in index.items()}
            table.rows.append((reader.line_num, values))
    except csv.Error as error:
        raise CsvRejected(
            _("Line %(line)d cannot be read: %(reason)s.", line=reader.line_num, reason=str(error))
        ) from error
    if overflowing:
        shown = ", ".join(str(line) for line in overflowing[:10])
        raise CsvRejected(
            ngettext(
                "Row %(rows)s has more values than the header has columns (%(columns)d). A value "
                "that contains a comma or semicolon must be in quotes; remove values beyond the "
                "last column.",
                "Rows %(rows)s have more values than the header has columns (%(columns)d). A "
                "value that contains a comma or semicolon must be in quotes; remove values "
                "beyond the last column.",
                len(overflowing),
                rows=shown + (" …" if len(overflowing) > 10 else ""),
                columns=len(header),
            )
        )
    if not table.rows:
        raise CsvRejected(_("The file has a header but no rows."))
    return table


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
