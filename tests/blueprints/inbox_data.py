"""Letters inserted directly (no PDF rendering) for inbox tests of volume, filters and search."""

import hashlib
from datetime import UTC, datetime, timedelta

from portal.extensions import db
from portal.letters.issuing import search_vector_expression
from portal.models import Letter, LetterKind

BASE = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def add_letter(organisation, *, subject="A letter", body="", at=None, pdf=None, **values) -> Letter:
    pdf = pdf or f"%PDF-1.7 {subject} {body}".encode()
    letter = Letter(
        organisation_id=organisation.id,
        kind=values.pop("kind", LetterKind.GENERAL_MESSAGE),
        subject=subject,
        language="en",
        issued_at=at or BASE,
        body_text=body,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        **values,
    )
    if db.session.get_bind().dialect.name == "postgresql":
        letter.search_vector = search_vector_expression(subject, body)
    db.session.add(letter)
    db.session.flush()
    return letter


def days(n: int) -> datetime:
    return BASE + timedelta(days=n)
