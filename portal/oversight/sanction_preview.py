"""The letter a sanction would send, shown to the reviewer before anything is issued.

The preview runs the sanction's own service (`portal/oversight/sanctions.py`) inside a
savepoint and rolls it back: the letter is rendered by the same code and from the same facts as
the one that is sent, and nothing is kept — no sanction, no change to the recognition, no
letter, no audit event, no e-mail notice. Only the references differ: the letter's and the
sanction's are given when it is sent."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import func, select

from portal import mail
from portal.extensions import db
from portal.letters.issuing import RENDERED_KEY
from portal.models import Letter

STYLE_OR_HEAD = re.compile(r"<(style|head|title)\b.*?</\1>", re.IGNORECASE | re.DOTALL)
# Where a line of the letter ends: after a paragraph, a heading, a box, a table row, a break.
_LINE_END = re.compile(r"<br\s*/?>|</(?:p|div|h[1-6]|tr|li)>", re.IGNORECASE)
_CELL_END = re.compile(r"</th>", re.IGNORECASE)


@dataclass(frozen=True)
class LetterPreview:
    subject: str
    lines: tuple[str, ...]  # the letter's text, one entry per line or paragraph
    language: str


def letter_lines(html: str) -> tuple[str, ...]:
    """The rendered letter as lines a page can show: its paragraphs, its header rows
    ("Date: 5 December 2026"), without the style sheet."""
    html = _CELL_END.sub(": </th>", STYLE_OR_HEAD.sub(" ", html))
    lines = (Markup(part).striptags() for part in _LINE_END.split(html))  # noqa: S704 - ours
    return tuple(line for line in lines if line)


def preview(organisation_id: int, act: Callable[[], object]) -> tuple[LetterPreview, ...]:
    """Run `act` (a sanction service call) and roll it back; the letters it rendered, in the
    order it issued them (usually one; a suspension after one that ran out unrecorded also
    sends the letter ending that one). Raises what `act` raises (SanctionRefused), having
    rolled back."""
    outbox = list(db.session.info.get(mail.OUTBOX_KEY, ()))
    rendered = db.session.info[RENDERED_KEY] = []
    savepoint = db.session.begin_nested()
    try:
        before = db.session.scalar(
            select(func.coalesce(func.max(Letter.id), 0)).where(
                Letter.organisation_id == organisation_id
            )
        )
        act()
        issued = db.session.execute(
            select(Letter.subject, Letter.language)
            .where(Letter.organisation_id == organisation_id, Letter.id > before)
            .order_by(Letter.id)
        ).all()
        shown = tuple(
            LetterPreview(subject, letter_lines(html), language)
            for (subject, language), html in zip(issued, rendered, strict=True)
        )
    finally:
        savepoint.rollback()
        db.session.info.pop(RENDERED_KEY, None)
        # The notice of a letter that was never issued must not go out with a later commit.
        if outbox:
            db.session.info[mail.OUTBOX_KEY] = outbox
        else:
            db.session.info.pop(mail.OUTBOX_KEY, None)
    return shown
