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
    Person,
    Sanction,
    SanctionKind,
)
from portal.people import permits
from portal.people import state as person_state
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
    return duty_overview.extension_facts(scope.organisation.id, scope.in_scope, today)


def _open_extension_duties(scope, today, rows):
    """(facts, window state) of permits in or past their window with nothing done: Duties' own
    rule (`duty_overview.extension_duty`) on the facts read in the to-do statement."""
    found = []
    for row in rows:
        status = person_state.status_from(row)
        duty = duty_overview.extension_duty(row.ends_on, row.last_submitted, status, today)
        if duty is not None and duty.state != "done":
            found.append((row, permits.window_state(row.ends_on, today)))
    return found


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
    rows=_permits_near_their_end,
)
def permits_to_extend(scope, today, rows):
    return [
        Item(
            "extension",
            _(
                "Apply for an extension for %(name)s",
                name=Person.name_from(row.given_names, row.surname),
            ),
            row.ends_on,
            "people.show",
            {"person_id": row.person_id},
        )
        for row, window in _open_extension_duties(scope, today, rows)
        if window == "extension"
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
    rows=_permits_near_their_end,
)
def reports_due(scope, today, rows):
    """A permit expired without an extension: the end of the stay must be reported."""
    return [
        Item(
            "report",
            _(
                "Report the end of the stay of %(name)s",
                name=Person.name_from(row.given_names, row.surname),
            ),
            deadlines.report_due_date(row.ends_on),
            "duties.report_new",
            {"person": row.person_id},
        )
        for row, window in _open_extension_duties(scope, today, rows)
        if window == "expired"
    ]


@provider(
    "study_progress",
    rows=lambda scope, today: duty_overview.study_progress_facts(scope.organisation.id, today.year),
)
def study_progress(scope, today, rows):
    if not rows or not duty_overview.study_progress_applies(scope.organisation, scope.categories):
        return []
    status = duty_overview.study_progress_status(today, rows[0].checked_on, rows[0].reported_on)
    if status.state == "done":
        return []
    return [
        Item(
            "study_progress",
            _("Declare the yearly study-progress check for %(year)d", year=today.year),
            status.due,
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
    rows=lambda scope, today: fee_records.payable_facts(scope.organisation.id, scope.in_scope),
)
def fees_to_pay(scope, today, rows):
    """Fees with an amount, unpaid, of cases still open: pay by the fee's date."""
    items = []
    for row in rows:
        state = fee_records.state_from(row, row.status, today)
        items.append(
            Item(
                "fee",
                _(
                    "Fee %(amount)s due for %(reference)s — pay by %(date)s",
                    amount=money(state.outstanding_cents),
                    reference=row.reference,
                    date=date_text(state.due_on),
                ),
                state.due_on,
                "applications.show",
                {"application_id": row.application_id},
            )
        )
    return items


def _category_label(category):
    from portal import labels

    return labels.CATEGORY[category] if category is not None else _("all categories")
