"""The built-in kinds of to-do item. Each reads the one place its fact's state is computed."""

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import or_, select

from portal.duties import deadlines
from portal.duties import overview as duty_overview
from portal.fees import records as fee_records
from portal.formatting import date_text, money
from portal.letters import status as letter_status
from portal.letters import visibility
from portal.models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    Category,
    Letter,
    Sanction,
    SanctionKind,
)
from portal.todo import Group, Item, provider


def _letters_to_answer(scope, today):
    # The inbox's "needs action" filter is the same condition on the same letters: who may
    # see which letter is portal/letters/visibility.py, what needs action letters/status.py.
    return letter_status.needing_action(
        scope.organisation.id,
        today,
        visibility.clause(scope.viewer) if scope.viewer is not None else None,
    ).with_only_columns(
        Letter.id.label("id"), Letter.subject.label("text"), Letter.respond_by.label("day")
    )


@provider(
    "letter",
    Group(
        lambda n: ngettext("%(num)d request to answer", "%(num)d requests to answer", n),
        "inbox.index",
        {"needs_action": "y"},
    ),
    rows=_letters_to_answer,
)
def letters_to_answer(scope, today, rows):
    return [
        Item(
            "letter",
            _("Answer: %(subject)s", subject=row.text),
            row.day,
            "inbox.show",
            {"letter_id": row.id},
        )
        for row in rows
    ]


def _permits_near_their_end(scope, today):
    return duty_overview.extension_candidates(scope.organisation.id, scope.in_scope, today)


def _open_extension_duties(scope, today):
    """Permits in or past their window with nothing done (Duties' own rule), read once."""
    return scope.shared(
        ("extension_duties", today),
        lambda: [
            d
            for d in duty_overview.extension_duties(scope.organisation.id, scope.in_scope, today)
            if d.status.state != "done"
        ],
    )


@provider(
    "extension",
    Group(
        lambda n: ngettext(
            "%(num)d permit in its extension window",
            "%(num)d permits in their extension window",
            n,
        ),
        "duties.permits_index",
        {"state": "extension"},
    ),
    gate=_permits_near_their_end,
)
def permits_to_extend(scope, today):
    return [
        Item(
            "extension",
            _("Apply for an extension for %(name)s", name=d.row.person.full_name),
            d.row.permit.ends_on,
            "people.show",
            {"person_id": d.row.person.id},
        )
        for d in _open_extension_duties(scope, today)
        if d.row.window_state == "extension"
    ]


@provider(
    "report",
    Group(
        lambda n: ngettext(
            "%(num)d report of an ended stay to file",
            "%(num)d reports of an ended stay to file",
            n,
        ),
        "duties.permits_index",
        {"state": "expired"},
    ),
    gate=_permits_near_their_end,
)
def reports_due(scope, today):
    """A permit expired without an extension: the end of the stay must be reported."""
    return [
        Item(
            "report",
            _("Report the end of the stay of %(name)s", name=d.row.person.full_name),
            deadlines.report_due_date(d.row.permit.ends_on),
            "duties.report_new",
            {"person": d.row.person.id},
        )
        for d in _open_extension_duties(scope, today)
        if d.row.window_state == "expired"
    ]


@provider("study_progress")
def study_progress(scope, today):
    if not duty_overview.study_progress_applies(scope.organisation, scope.categories):
        return []
    duty = duty_overview.study_progress_duty(scope.organisation, today)
    if duty.status.state == "done":
        return []
    return [
        Item(
            "study_progress",
            _("Declare the yearly study-progress check for %(year)d", year=duty.year),
            duty.status.due,
            "duties.study_progress",
        )
    ]


@provider(
    "draft",
    Group(
        lambda n: ngettext(
            "%(num)d draft application not yet submitted",
            "%(num)d draft applications not yet submitted",
            n,
        ),
        "dashboard.index",
        {"_anchor": "applications-heading"},
    ),
    rows=lambda scope, today: select(
        Application.id.label("id"),
        Application.kind.label("text"),
        Application.category.label("other"),
        Application.created_at.label("at"),
    ).where(
        Application.organisation_id == scope.organisation.id,
        Application.status == ApplicationStatus.DRAFT,
        scope.in_scope(Application.category),
    ),
)
def drafts(scope, today, rows):
    from portal import labels

    result = []
    for row in rows:
        kind, category = ApplicationKind(row.text), Category(row.other)
        what = (
            str(labels.APPLICATION_KIND[kind])
            if kind.is_residence
            else _("Recognition: %(category)s", category=labels.CATEGORY[category])
        )
        result.append(
            Item(
                "draft",
                _("Submit the draft: %(what)s", what=what),
                None,
                "residence.tasks" if kind.is_residence else "applications.check",
                {"application_id": row.id},
            )
        )
    return result


def _suspensions(scope, today):
    """A suspension in force: nothing can be filed for its category until it ends."""
    return select(
        Sanction.id.label("id"), Sanction.category.label("text"), Sanction.ends_on.label("day")
    ).where(
        Sanction.organisation_id == scope.organisation.id,
        Sanction.kind == SanctionKind.SUSPENSION,
        Sanction.lifted_on.is_(None),
        Sanction.starts_on <= today,
        or_(Sanction.ends_on.is_(None), Sanction.ends_on >= today),
    )


@provider("sanction", rows=_suspensions)
def sanctions(scope, today, rows):
    result = []
    for row in rows:
        category = Category(row.text) if row.text is not None else None
        if category is None or scope.covers(category):
            result.append(
                Item(
                    "sanction",
                    _(
                        "Your recognition is suspended (%(category)s): "
                        "no new applications until it ends",
                        category=_category_label(category),
                    ),
                    row.day,
                    "organisation.profile",
                    date_label="until",
                )
            )
    return result


@provider(
    "fee",
    Group(
        lambda n: ngettext("%(num)d fee to pay", "%(num)d fees to pay", n),
        "organisation.fees",
    ),
    gate=lambda scope, today: fee_records.payable_query(scope.organisation.id, scope.in_scope),
)
def fees_to_pay(scope, today):
    """Fees with an amount, unpaid, of cases still open: pay by the fee's date."""
    return [
        Item(
            "fee",
            _(
                "Fee %(amount)s due for %(reference)s — pay by %(date)s",
                amount=money(row.state.outstanding_cents),
                reference=row.application.reference,
                date=date_text(row.state.due_on),
            ),
            row.state.due_on,
            "applications.show",
            {"application_id": row.application.id},
        )
        for row in fee_records.payable_fees(scope.organisation.id, scope.in_scope, today)
    ]


def _category_label(category):
    from portal import labels

    return labels.CATEGORY[category] if category is not None else _("all categories")
