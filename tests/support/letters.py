"""Letters inserted directly (no PDF rendering) for inbox tests of volume, filters and search."""

import hashlib
import io
from datetime import UTC, datetime, timedelta

from pypdf import PdfReader

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


def pdf_text(letter) -> str:
    """The text of a letter's PDF as a reader would copy it (no-break spaces as spaces)."""
    reader = PdfReader(io.BytesIO(letter.pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text.replace("\xa0", " ").replace("\u202f", " ")
