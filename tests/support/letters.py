"""Letters inserted directly (no PDF rendering) for inbox tests of volume, filters and search."""

import io
from datetime import UTC, datetime, timedelta

from pypdf import PdfReader

from portal.models import Letter
from tests.support.factories import LetterFactory

BASE = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def add_letter(organisation, *, subject="A letter", body="", at=None, pdf=None, **values) -> Letter:
    """A letter issued to `organisation` at `at` (default: 5 January 2026, 09:00 UTC)."""
    extra = {"pdf": pdf} if pdf is not None else {}
    return LetterFactory(
        organisation=organisation,
        subject=subject,
        body_text=body,
        issued_at=at or BASE,
        **extra,
        **values,
    )


def days(n: int) -> datetime:
    return BASE + timedelta(days=n)


def pdf_text(letter) -> str:
    """The text of a letter's PDF as a reader would copy it (no-break spaces as spaces)."""
    reader = PdfReader(io.BytesIO(letter.pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text.replace("\xa0", " ").replace("\u202f", " ")
