"""Issuing letters: a Jinja template per kind and language → PDF, once, with its SHA-256."""

import hashlib
from datetime import date

from babel.dates import format_date
from flask import current_app
from markupsafe import Markup
from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError

from portal import clock
from portal.extensions import db
from portal.formatting import BABEL_LOCALES, money
from portal.models import Application, Letter, LetterKind, LetterRead, Organisation
from portal.models.base import utcnow
from portal.services import audit
from portal.services.pdf import render_pdf

LETTER_LANGUAGES = ("nl", "en")


def _template_context(language: str) -> dict:
    locale = BABEL_LOCALES.get(language, language)
    return {
        "language": language,
        "ldate": lambda d: format_date(d, "long", locale=locale) if d else "",
        "lmoney": lambda cents: money(cents, locale=locale),
        "sender": current_app.config["LETTER_SENDER"],
    }


def issue_letter(
    organisation: Organisation,
    kind: LetterKind,
    *,
    application: Application | None = None,
    respond_by: date | None = None,
    actor=None,
    **context,
) -> Letter:
    """Render and store a letter in the organisation's preferred language."""
    language = organisation.preferred_language
    if language not in LETTER_LANGUAGES:
        language = "nl"
    issued_at = utcnow()
    template = current_app.jinja_env.get_template(f"letters/{language}/{kind.value}.html")
    module = template.make_module(
        {
            **_template_context(language),
            "organisation": organisation,
            "application": application,
            "issued_on": clock.local_date(issued_at),
            "respond_by": respond_by,
            **context,
        }
    )
    html = str(module)
    pdf = render_pdf(html)
    letter = Letter(
        organisation_id=organisation.id,
        application_id=application.id if application else None,
        kind=kind,
        subject=str(module.subject).strip(),
        language=language,
        issued_at=issued_at,
        respond_by=respond_by,
        body_text=Markup(html).striptags(),  # noqa: S704 - our own rendered template
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
    )
    db.session.add(letter)
    db.session.flush()
    audit.record(
        "letter.issued",
        actor=actor,
        organisation=organisation,
        target=letter,
        details={"kind": kind.value, "sha256": letter.sha256},
    )
    return letter


def inbox_query(organisation_id: int):
    return select(Letter).where(Letter.organisation_id == organisation_id)


def is_read_clause(user_id: int):
    return exists().where(LetterRead.letter_id == Letter.id, LetterRead.user_id == user_id)


def unread_count(organisation_id: int, user_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Letter)
        .where(Letter.organisation_id == organisation_id, ~is_read_clause(user_id))
    )


def mark_read(letter: Letter, user) -> None:
    """Mark a letter read for one user; a concurrent second mark is harmless."""
    if db.session.get(LetterRead, (letter.id, user.id)) is not None:
        return
    try:
        with db.session.begin_nested():
            db.session.add(LetterRead(letter_id=letter.id, user_id=user.id))
    except IntegrityError:
        pass
