"""Issuing letters: a Jinja template per kind and language → PDF, once, with its SHA-256."""

import re
import secrets
from datetime import date

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal import audit, clock, reference, storage
from portal.api import events
from portal.audit import AuditAction
from portal.cases.references import CHECK_LETTERS
from portal.extensions import db
from portal.formatting import BABEL_LOCALES, date_text, money
from portal.letters import layout, unread
from portal.letters.pdf import render_pdf
from portal.letters.structured import structured_data
from portal.models import (
    Application,
    ApplicationKind,
    Letter,
    LetterKind,
    LetterRead,
    Membership,
    Organisation,
)
from portal.models.base import utcnow

LETTER_LANGUAGES = ("nl", "en")
_REFERENCE_ALPHABET = CHECK_LETTERS + "23456789"


def _template_context(language: str) -> dict:
    locale = BABEL_LOCALES.get(language, language)
    return {
        "language": language,
        "ldate": lambda d: date_text(d, locale),
        "lmoney": lambda cents: money(cents, locale=locale),
        "sender": current_app.config["LETTER_SENDER"],
    }


# When the session holds a list under this key, issue_letter appends each letter's HTML to it
# (portal/oversight/sanction_preview.py shows it, then rolls the letter back).
RENDERED_KEY = "portal.letters.rendered"


def new_letter_reference() -> str:
    """A letter's own reference, quotable on the phone: BR-7KQ2-M9XD (no I, O, Q, 0 or 1)."""
    chars = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"BR-{chars[:4]}-{chars[4:]}"


def person_fields(person) -> tuple[str | None, str | None]:
    """(name, V-number) of the person a letter concerns: a Person model or a mapping."""
    if person is None:
        return None, None

    def pick(*names):
        for name in names:
            value = person.get(name) if isinstance(person, dict) else getattr(person, name, None)
            if value:
                return str(value).strip()
        return None

    name = pick("full_name", "name")
    if name is None:
        parts = [pick("given_names", "first_names"), pick("surname", "family_name")]
        name = " ".join(p for p in parts if p) or None
    return name, pick("v_number")


def category_of(application: Application | None) -> str | None:
    """The inbox category: the recognition category, or the kind of residence application."""
    if application is None:
        return None
    if application.kind == ApplicationKind.RECOGNITION:
        return application.category.value
    return application.kind.value


def render_letter(
    organisation: Organisation,
    kind: LetterKind,
    *,
    application: Application | None = None,
    respond_by: date | None = None,
    person=None,
    letter_reference: str | None = None,
    issued_on: date | None = None,
    **context,
):
    """Render a letter's template to HTML; returns (language, template module, html)."""
    language = organisation.preferred_language
    if language not in LETTER_LANGUAGES:
        language = "nl"
    issued_on = issued_on or clock.today()
    person_name, v_number = person_fields(person)
    template = current_app.jinja_env.get_template(f"letters/{language}/{kind.value}.html")
    module = template.make_module(
        {
            **_template_context(language),
            "organisation": organisation,
            "application": application,
            "issued_on": issued_on,
            "respond_by": respond_by,
            "letter_reference": letter_reference,
            "person": person,
            "person_name": person_name,
            "v_number": v_number,
            "bank_account": reference.ind_bank_account(issued_on),
            "objection_weeks": reference.objection_period_weeks(issued_on),
            **context,
        }
    )
    return language, module, str(module)


def issue_letter(
    organisation: Organisation,
    kind: LetterKind,
    *,
    application: Application | None = None,
    respond_by: date | None = None,
    actor=None,
    person=None,
    category: str | None = None,
    **context,
) -> Letter:
    """Render and store a letter in the organisation's preferred language.

    `person` (optional) is the person the letter concerns: a Person or a mapping with
    names and `v_number`; they are printed on the letter and kept for the inbox filter.
    Users who opted in are e-mailed a notice once the transaction commits.
    """
    issued_at = utcnow()
    letter_reference = new_letter_reference()
    language, module, html = render_letter(
        organisation,
        kind,
        application=application,
        respond_by=respond_by,
        person=person,
        letter_reference=letter_reference,
        issued_on=clock.local_date(issued_at),
        **context,
    )
    pdf = render_pdf(html)
    person_name, v_number = person_fields(person)
    issued_on = clock.local_date(issued_at)
    subject = str(module.subject).strip()
    body_text = letter_text(html)
    letter = Letter(
        reference=letter_reference,
        organisation_id=organisation.id,
        application_id=application.id if application else None,
        kind=kind,
        category=category or category_of(application),
        person_name=person_name,
        v_number=v_number,
        subject=subject,
        language=language,
        issued_at=issued_at,
        respond_by=respond_by,
        body_text=body_text,
        sha256=storage.put(pdf),
        structured=structured_data(
            kind,
            letter_reference=letter_reference,
            issued_on=issued_on,
            application=application,
            respond_by=respond_by,
            person_name=person_name,
            v_number=v_number,
            context=context,
        ),
    )
    rendered = db.session.info.get(RENDERED_KEY)
    if rendered is not None:  # a preview is collecting what would be issued
        rendered.append(html)
    if db.session.get_bind().dialect.name == "postgresql":
        letter.search_vector = search_vector_expression(subject, body_text)
    db.session.add(letter)
    db.session.flush()
    audit.record(
        AuditAction.LETTER_ISSUED,
        actor=actor,
        organisation=organisation,
        target=letter,
        details={"kind": kind.value, "sha256": letter.sha256, "reference": letter_reference},
    )
    from portal.letters import notices

    notices.queue_letter_notice(letter, organisation)
    events.publish(
        organisation,
        events.LETTER_ISSUED,
        {
            "letter": {
                "id": letter.id,
                "reference": letter.reference,
                "kind": kind.value,
                "issued_at": issued_at.isoformat(),
                "respond_by": respond_by.isoformat() if respond_by else None,
            },
            "application": events.application_ref(application),
        },
        category=letter.category,
    )
    return letter


def letter_text(html: str) -> str:
    """The words a reader sees, block by block (portal/letters/layout.py): the letter page
    shows its structure from them, so page and PDF come from the same rendered template."""
    return layout.text_of(html)


def search_vector_expression(subject: str, body_text: str):
    """PostgreSQL: the searchable words of a letter (language-neutral 'simple' dictionary).

    Split on everything but letters and digits, as search input is (services/inbox.py), so
    ER-2026-000042-K is found by 000042 instead of being read as signed numbers.
    """
    words = re.sub(r"[\W_]+", " ", f"{subject}\n{body_text}")
    return func.to_tsvector("simple", words)


def mark_read(letter: Letter, user) -> None:
    """Mark a letter read for one user; a concurrent second mark is harmless."""
    if db.session.get(LetterRead, (letter.id, user.id)) is not None:
        return
    try:
        with db.session.begin_nested():
            db.session.add(LetterRead(letter_id=letter.id, user_id=user.id))
    except IntegrityError:
        return
    if _keeps_counters(user, letter):
        unread.adjust(db.session.connection(), user.id, letter.organisation_id, letter.category, -1)


def mark_unread(letter: Letter, user) -> None:
    """Mark a letter unread again for one user (the others keep their own state)."""
    result = db.session.execute(
        LetterRead.__table__.delete().where(
            LetterRead.letter_id == letter.id, LetterRead.user_id == user.id
        )
    )
    if result.rowcount == 1 and _keeps_counters(user, letter):
        unread.adjust(db.session.connection(), user.id, letter.organisation_id, letter.category, 1)


def _keeps_counters(user, letter: Letter) -> bool:
    """Unread counters are kept for the organisation's members only (an intermediary reading
    under a mandate has its unread letters counted: portal/letters/visibility.py)."""
    return (
        db.session.scalar(
            select(Membership.id).where(
                Membership.user_id == user.id,
                Membership.organisation_id == letter.organisation_id,
            )
        )
        is not None
    )


def extension_window_opens(expires_on: date) -> date:
    """The first day an extension may be applied for: N months before the permit expires."""
    from portal.reference.residence import extension_window_months

    months = extension_window_months(expires_on)
    month_index = expires_on.year * 12 + expires_on.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for day in (expires_on.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")
