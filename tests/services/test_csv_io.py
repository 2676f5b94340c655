"""CSV as spreadsheets write it: encodings, delimiters, columns, limits, formula injection."""

import csv
import io
from datetime import date

import pytest

from portal.bulk.reading import UnknownColumns, read
from portal.bulk.student_rows import REQUIRED, example_row
from portal.csv_io import CsvRejected, neutralise, write_csv

LIMITS = {"max_bytes": 1024 * 1024, "max_rows": 5}
ROW = example_row(date(2026, 12, 5))
COLUMNS = list(REQUIRED)


@pytest.fixture(autouse=True)
def context(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        yield


def read_file(data: bytes, **limits):
    """The student file reader (portal/bulk/reading.py), as the web import and batches use it."""
    return read(data, "students.csv", **{**LIMITS, **limits})


def csv_file(delimiter=",", rows=1, header=None, extra="") -> str:
    header = header or COLUMNS
    line = delimiter.join(ROW[name] for name in COLUMNS) + extra
    return delimiter.join(header) + "\n" + (line + "\n") * rows


def test_comma_semicolon_and_bom_are_accepted():
    for data in (csv_file(",").encode(), ("\ufeff" + csv_file(";")).encode()):
        ((number, row),) = read_file(data).rows
        assert number == 2 and row["surname"] == ROW["surname"]


def test_quoted_cells_with_delimiters_and_newlines():
    values = [f'"{ROW[name]}"' for name in COLUMNS]
    values[COLUMNS.index("surname")] = '"O\'Brien, Jr."'
    data = (",".join(COLUMNS) + "\n" + ",".join(values) + "\n").encode()
    ((_, row),) = read_file(data).rows
    assert row["surname"] == "O'Brien, Jr."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (csv_file(";").encode("utf-16"), "UTF-16"),
        (b"", "empty"),
        (b"surname given_names date_of_birth\nJansen Zoe 1\n", "not separated"),
        (csv_file(",", header=COLUMNS[:-1] + [COLUMNS[0]]).encode(), "appear twice"),
        ((",".join(COLUMNS[1:]) + "\nA\n").encode(), "Missing columns"),
        ((",".join(COLUMNS) + "\n").encode(), "no rows"),
        (csv_file(",", rows=6).encode(), "more than 5 rows"),
    ],
)
def test_unreadable_files_are_explained(data, message):
    with pytest.raises(CsvRejected, match=message):
        read_file(data)


def test_unknown_columns_go_to_the_mapping_step():
    with pytest.raises(UnknownColumns):
        read_file(csv_file(",", header=COLUMNS + ["shoe_size"], extra=",44").encode())


def test_a_file_over_the_size_limit_is_refused_before_reading():
    with pytest.raises(CsvRejected, match="larger than 1 MB"):
        read_file(b"x" * (1024 * 1024 + 1))


def test_values_past_the_last_column_are_explained_and_empty_ones_ignored():
    with pytest.raises(CsvRejected, match=r"Row 2 has more values than the header has columns"):
        read_file(csv_file(",", extra=",spilled").encode())
    assert len(read_file(csv_file(",", extra=", ", rows=2).encode()).rows) == 2


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+31 6", "'+31 6"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Jansen", "Jansen"),
        (None, ""),
        (42, "42"),
    ],
)
def test_formula_cells_are_neutralised(cell, written):
    assert neutralise(cell) == written


def test_written_csv_reads_back_with_bom_and_neutralised_cells():
    text = "".join(write_csv(["name", "note"], [["Zoë", "=1+1"], ["A,B", "ok"]]))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == [["name", "note"], ["Zoë", "'=1+1"], ["A,B", "ok"]]
