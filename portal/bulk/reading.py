"""One reader for student files as systems export them, for the web import and the batch API:
CSV (UTF-8 with or without BOM, `;` or `,`) or `.xlsx` (openpyxl, read-only: a formula is
refused with its cell, never evaluated; date cells become day-month-year; a password-protected,
oversized or mislabelled workbook is refused), headers in any order and language
(portal/bulk/headers.py), optional columns absent, at most IMPORT_MAX_ROWS rows."""

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import ngettext

from portal.bulk import headers as header_names
from portal.bulk.student_rows import COLUMNS, REQUIRED
from portal.csv_io import CsvRejected, decode

ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx and the old .xls
UNPACKED_FACTOR = 20  # a workbook may unpack to 20 times its size (XML); more is a zip bomb


class UnknownColumns(Exception):
    """Headers no name or remembered mapping knows: [(position, header)]."""

    def __init__(self, unknown: list[tuple[int, str]]):
        super().__init__(unknown)
        self.unknown = unknown


class TooManyRows(CsvRejected):
    """More rows than IMPORT_MAX_ROWS."""


def _too_many(max_rows: int) -> TooManyRows:
    return TooManyRows(
        _("The file has more than %(max)d rows. Split it into smaller files.", max=max_rows)
    )


@dataclass
class Table:
    rows: list[tuple[int, dict[str, str]]]  # (row number in the file, {column: text})
    kind: str  # "csv" or "xlsx"


def kind_of(data: bytes, filename: str) -> str:
    """ "xlsx" or "csv", from the content; CsvRejected when the name says otherwise."""
    named = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if data.startswith(OLE):
        raise CsvRejected(
            _(
                "The workbook is protected with a password or saved in the old .xls format. "
                "Save it as .xlsx without a password, or as CSV UTF-8, and try again."
            )
        )
    kind = "xlsx" if data.startswith(ZIP) else "csv"
    if named in ("xlsx", "xlsm") and kind != "xlsx":
        raise CsvRejected(_("The file is named .xlsx but is not an Excel workbook."))
    if named in ("csv", "txt") and kind != "csv":
        raise CsvRejected(
            _("The file is named .%(extension)s but is an Excel workbook.", extension=named)
        )
    return kind


def _csv_lines(data: bytes) -> Iterator[tuple[int, list[str]]]:
    text = decode(data)
    header_line = next((line for line in io.StringIO(text) if line.strip()), "")
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as error:
        raise CsvRejected(
            _("Line %(line)d cannot be read: %(reason)s.", line=reader.line_num, reason=str(error))
        ) from error


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_lines(data: bytes, max_bytes: int, max_rows: int) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook  # only for workbooks
    from openpyxl.utils import get_column_letter

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            names = set(archive.namelist())
    except zipfile.BadZipFile as error:
        raise CsvRejected(_("The workbook is damaged and cannot be read.")) from error
    if "xl/workbook.xml" not in names:
        raise CsvRejected(_("The file is a ZIP archive, not an Excel workbook."))
    if unpacked > max_bytes * UNPACKED_FACTOR:
        raise CsvRejected(_("The workbook is too large. Split it into smaller files."))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise CsvRejected(_("The workbook is damaged and cannot be read.")) from error
    try:
        sheet = workbook.worksheets[0]
        if (sheet.max_row or 0) > max_rows + 1:
            raise _too_many(max_rows)
        for number, row in enumerate(sheet.iter_rows(min_row=1), start=1):
            cells = []
            for position, cell in enumerate(row, start=1):
                if getattr(cell, "data_type", None) == "f":
                    raise CsvRejected(
                        _(
                            "Row %(row)d, column %(column)s holds a formula. Formulas are not "
                            "calculated here: copy the column and paste it as values.",
                            row=number,
                            column=get_column_letter(position),
                        )
                    )
                cells.append(_cell_text(cell.value))
            yield number, cells
    finally:
        workbook.close()


def _value(cells: list[str], position: int | None) -> str:
    return cells[position].strip() if position is not None and position < len(cells) else ""


def read(
    data: bytes,
    filename: str,
    *,
    max_bytes: int,
    max_rows: int,
    mapping: dict[str, str] | None = None,
) -> Table:
    """The file's rows keyed by column; raises CsvRejected (the file as a whole) or
    UnknownColumns (headers to map first)."""
    kind, rows = read_rows(data, filename, max_bytes=max_bytes, max_rows=max_rows, mapping=mapping)
    return Table(rows=list(rows), kind=kind)


def read_rows(
    data: bytes,
    filename: str,
    *,
    max_bytes: int,
    max_rows: int,
    mapping: dict[str, str] | None = None,
) -> tuple[str, Iterator[tuple[int, dict[str, str]]]]:
    """The file's kind and its rows one at a time (a batch of 50,000 need not be held as
    objects): the header is read and judged at once; the rows raise CsvRejected as they are
    reached (too many, or — at the end — rows with more values than the header)."""
    if len(data) > max_bytes:
        raise CsvRejected(
            _(
                "The file is larger than %(size)d MB. Split it into smaller files.",
                size=max_bytes // (1024 * 1024),
            )
        )
    kind = kind_of(data, filename or "")
    lines = _xlsx_lines(data, max_bytes, max_rows) if kind == "xlsx" else _csv_lines(data)
    header = next((cells for _n, cells in lines if any(c.strip() for c in cells)), None)
    if header is None:
        raise CsvRejected(_("The file is empty. Use the template and add one row per person."))
    if kind == "csv" and len(header) == 1:
        raise CsvRejected(
            _("The columns are not separated by commas or semicolons. Use the template.")
        )
    found = header_names.resolve(header, mapping)
    if found.duplicates:
        raise CsvRejected(
            _("Columns that appear twice: %(names)s.", names=", ".join(found.duplicates))
        )
    if found.unknown:
        raise UnknownColumns(found.unknown)
    missing = [name for name in REQUIRED if name not in found.index]
    if missing:
        raise CsvRejected(
            _("Missing columns: %(names)s.", names=", ".join(missing))
            + " "
            + _("Use the columns of the template.")
        )
    return kind, _rows(lines, header, found.index, max_rows)


def _rows(lines, header: list[str], index: dict, max_rows: int):
    count = 0
    overflowing: list[int] = []  # values beyond the last header: shifted cells
    for number, cells in lines:
        if not any(c.strip() for c in cells):
            continue
        if any(c.strip() for c in cells[len(header) :]):
            overflowing.append(number)
            continue
        if count >= max_rows:
            raise _too_many(max_rows)
        count += 1
        yield number, {name: _value(cells, index.get(name)) for name in COLUMNS}
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
    if not count:
        raise CsvRejected(_("The file has a header but no rows."))
