"""CSV as spreadsheets write it: encodings, delimiters, columns, limits, formula injection."""

import csv
import io

import pytest

from portal.csv_io import CsvRejected, neutralise, read_csv, write_csv

COLUMNS = ["surname", "given_names", "date_of_birth"]
LIMITS = {"max_bytes": 1024 * 1024, "max_rows": 5}


@pytest.fixture(autouse=True)
def context(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        yield


def read(data: bytes, **limits):
    return read_csv(data, COLUMNS, **{**LIMITS, **limits})


@pytest.mark.parametrize(
    "data",
    [
        "surname,given_names,date_of_birth\nJansen,Zoë,01-02-2000\n".encode(),
        "\ufeffsurname;given_names;date_of_birth\r\nJansen;Zoë;01-02-2000\r\n".encode(),
        "Surname ; Given names;DATE_OF_BIRTH\n\nJansen;Zoë;01-02-2000\n\n".encode(),
    ],
)
def test_comma_semicolon_bom_and_header_spelling_are_accepted(data):
    table = read(data)
    assert table.rows == [
        (
            2 if b"\n\nJansen" not in data else 3,
            {"surname": "Jansen", "given_names": "Zoë", "date_of_birth": "01-02-2000"},
        )
    ]


def test_quoted_cells_with_delimiters_and_newlines():
    data = b'surname,given_names,date_of_birth\n"O\'Brien, Jr.","Anne\nMarie",2000-02-01\n'
    ((_, row),) = read(data).rows
    assert row["surname"] == "O'Brien, Jr."
    assert row["given_names"] == "Anne\nMarie"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("surname;given_names;date_of_birth\nJansen;Zoë;1\n".encode("cp1252"), "not in UTF-8"),
        ("surname,given_names\n".encode("utf-16"), "UTF-16"),
        (b"", "empty"),
        (b"surname given_names date_of_birth\nJansen Zoe 1\n", "not separated"),
        (b"surname,given_names\nJansen,Zoe\n", "Missing columns: date_of_birth"),
        (b"surname,given_names,date_of_birth,shoe_size\nA,B,C,D\n", "do not know: shoe_size"),
        (b"surname,surname,given_names,date_of_birth\nA,A,B,C\n", "appear twice: surname"),
        (b"surname,given_names,date_of_birth\n", "no rows"),
        (b"surname,given_names,date_of_birth\n" + b"A,B,C\n" * 6, "more than 5 rows"),
    ],
)
def test_unreadable_files_are_explained(data, message):
    with pytest.raises(CsvRejected, match=message):
        read(data)


def test_a_file_over_the_size_limit_is_refused_before_reading():
    with pytest.raises(CsvRejected, match="larger than 1 MB"):
        read(b"x" * (1024 * 1024 + 1))


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


def test_values_past_the_last_column_are_explained_and_empty_ones_ignored():
    with pytest.raises(
        CsvRejected, match=r"Row 3 has more values than the header has columns \(3\)"
    ):
        read(b"surname,given_names,date_of_birth\nA,B,C\nO'Brien, Jr.,B,C\n")
    many = b"surname,given_names,date_of_birth\n" + b"A,B,C,D\n" * 12
    with pytest.raises(CsvRejected, match=r"Rows 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 …"):
        read(many, max_rows=20)
    assert len(read(b"surname,given_names,date_of_birth,,\nA,B,C,,\nA,B,C, \n").rows) == 2
