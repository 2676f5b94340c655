"""Loading letters scoped to the signed-in organisation, and reading the filter form."""

from flask import abort, g
from sqlalchemy import select

from portal import storage
from portal.extensions import db
from portal.labels import CATEGORY, LETTER_KIND
from portal.letters import visibility
from portal.letters.inbox import InboxFilter, search_terms
from portal.models import Application, ApplicationKind, Blob, Category, Letter, LetterKind


def scope():
    """Who may see which letter, for the context acted in (portal/letters/visibility.py)."""
    return visibility.clause(visibility.of_context(g.context))


def get_letter_or_404(letter_id: int) -> Letter:
    """A letter the acting user may see (of the organisation, within a mandate's scope)."""
    query = select(Letter).where(Letter.id == letter_id, scope())
    letter = db.session.scalar(query)
    if letter is None:
        abort(404)
    return letter


def get_pdf_or_404(letter_id: int) -> tuple:
    """(the letter's id, kind and hash; its PDF's bytes, verified) for a letter the acting user
    may see, read with its blob row in one statement; 404 like get_letter_or_404."""
    row = db.session.execute(
        select(Letter.id, Letter.kind, Letter.sha256, Blob.stored_in, Blob.content)
        .join(Blob, Blob.sha256 == Letter.sha256)
        .where(Letter.id == letter_id, scope())
    ).one_or_none()
    if row is None:
        abort(404)
    return row, storage.verified(row.sha256, row.stored_in, row.content)


def category_choices() -> list[tuple[str, str]]:
    """Recognition categories and the kinds of residence application, as inbox categories."""
    choices = [(c.value, str(CATEGORY[c])) for c in Category]
    choices += [
        (k.value, category_label(k.value))
        for k in ApplicationKind
        if k != ApplicationKind.RECOGNITION
    ]
    return choices


def category_label(value: str | None):
    from flask_babel import gettext as _

    if value is None:
        return _("Other letters")
    if value in Category._value2member_map_:
        return CATEGORY[Category(value)]
    from portal import labels

    application_kinds = getattr(labels, "APPLICATION_KIND", {})
    for kind, label in application_kinds.items():
        if getattr(kind, "value", kind) == value:
            return label
    return value.replace("_", " ").capitalize()


# The filter's choices, translated, per language: the same for every request (issue 20).
_CHOICES: dict[str, tuple[tuple, tuple]] = {}


def prepare_filter_form(form) -> None:
    from flask_babel import get_locale
    from flask_babel import gettext as _

    language = str(get_locale())
    if language not in _CHOICES:
        kinds = [("", _("All kinds"))] + [
            (k.value, LETTER_KIND.get(k, k.value)) for k in LetterKind
        ]
        categories = [("", _("All categories"))] + category_choices()
        _CHOICES[language] = tuple(
            tuple((value, str(label)) for value, label in choices)
            for choices in (kinds, categories)
        )
    form.kind.choices, form.category.choices = _CHOICES[language]


def inbox_filter(form, organisation_id: int) -> tuple[InboxFilter, bool]:
    """The filter from a (validated) form; the flag is False when a case reference is unknown."""
    valid_kinds = LetterKind._value2member_map_
    valid_categories = {value for value, _label in category_choices()}
    f = InboxFilter(
        kind=LetterKind(form.kind.data) if form.kind.data in valid_kinds else None,
        category=form.category.data if form.category.data in valid_categories else None,
        person=(form.person.data or "")[:200] or None,
        period_from=None if form.period_from.errors else form.period_from.data,
        period_to=None if form.period_to.errors else form.period_to.data,
        needs_action=bool(form.needs_action.data),
        unread_only=bool(form.unread.data),
        query=(form.q.data or "")[:200],
    )
    f.terms = search_terms(f.query)
    found = True
    reference = (form.application.data or "").strip().upper()[:40]
    if reference:
        f.application = db.session.scalar(
            select(Application).where(
                Application.reference == reference,
                Application.organisation_id == organisation_id,
            )
        )
        found = f.application is not None
    return f, found


def active_filters(form, values, carried: dict, fields, personal) -> list[dict]:
    """The filters in use, for the summary above the letters: label, value shown, and the link
    that shows the letters without that one filter. `values`: every filter in force (personal
    terms read from the filter token); `carried`: what the page's links carry (the token, not
    the terms). Removing a personal term drops the token (all personal terms at once)."""
    from flask import url_for
    from wtforms import BooleanField, SelectField

    from portal.formatting import date_text
    from portal.forms import DateInputField

    active = []
    for key in fields:
        raw = values.get(key)
        if not raw:
            continue
        field = form[key]
        if isinstance(field, BooleanField):
            value = None
        elif isinstance(field, SelectField):
            value = dict(field.choices).get(raw, raw)
        elif isinstance(field, DateInputField) and field.data and not field.errors:
            value = date_text(field.data)
        else:
            value = raw
        dropped = {key, "f"} if key in personal else {key}
        rest = {k: v for k, v in carried.items() if k not in dropped}
        active.append(
            {
                "key": key,
                "label": field.label.text,
                "value": value,
                "remove": url_for("inbox.index", **rest),
            }
        )
    return active
