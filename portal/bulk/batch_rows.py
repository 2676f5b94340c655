"""A stored batch's rows one at a time, for the work on them (checking, storing): read as the
stored JSON text and decoded row by row, so that a worker holds the text and one chunk, not
50,000 rows as objects (issue 18: a 50,000-row batch within 300 MB)."""

import json
from collections.abc import Iterator
from json.decoder import WHITESPACE

from sqlalchemy import JSON, LargeBinary, Text, cast, func, literal, select, update

from portal.extensions import db
from portal.models import ImportBatch

_DECODER = json.JSONDecoder()


def iter_rows(batch_id: int) -> Iterator[dict]:
    """Each stored row ({"line", "values", "errors"…}) in order, decoded as it is reached."""
    text = db.session.scalar(select(cast(ImportBatch.rows, Text)).where(ImportBatch.id == batch_id))
    if not text:
        return
    position = WHITESPACE.match(text, 0).end()
    if text[position] != "[":
        raise ValueError(f"import batch {batch_id}: rows are not a list")
    position = WHITESPACE.match(text, position + 1).end()
    while text[position] != "]":
        row, position = _DECODER.raw_decode(text, position)
        yield row
        position = WHITESPACE.match(text, position).end()
        if text[position] == ",":
            position = WHITESPACE.match(text, position + 1).end()


def store_text(batch: ImportBatch, text: bytes | bytearray) -> None:
    """Store rows already written as JSON text in UTF-8 (the API's JSON lines, row by row) as
    they are, without decoding them into objects or a Python string first (at 50,000 rows the
    text is ~30 MB: sent as the bytes it is, it is held once). The database makes it text:
    PostgreSQL with convert_from and is told that the text is JSON; SQLite with a CAST to TEXT
    (it keeps JSON as text; a CAST to JSON there would make it a number)."""
    value = literal(text, LargeBinary)
    if db.engine.dialect.name == "postgresql":
        value = cast(func.convert_from(value, "UTF8"), JSON)
    else:
        value = cast(value, Text)
    db.session.execute(
        update(ImportBatch).where(ImportBatch.id == batch.id).values(rows=value),
        execution_options={"synchronize_session": False},
    )
    db.session.expire(batch, ["rows"])


def chunks(rows: Iterator[dict], size: int) -> Iterator[list[dict]]:
    part: list[dict] = []
    for row in rows:
        part.append(row)
        if len(part) == size:
            yield part
            part = []
    if part:
        yield part
