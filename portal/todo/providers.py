"""The built-in kinds of to-do item. Each reads the one place its fact's state is computed."""

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import or_, select

from portal.duties import deadlines
from portal.duties import overview as duty_overview
from portal.extensions import db
from portal.fees import records as fee_records
from portal.formatting import date_text, money
from portal.letters import status as letter_status
from portal.letters import visibility
from portal.models import Application, ApplicationStatus, Sanction, SanctionKind
from portal.todo import Group, Item, provider


@provider(
    "letter",
    Group(
        lambda n: ngettext("%(num)d request to answer", "%(num)d requests to answer", n),
        "inbox.index",
        {"needs_action": "y"},
    ),
)
def letters_to_answer(scope, today):
    # The inbox's "needs action" filter is the same condition on the same letters: who may
    # see which letter is portal/letters/visibility.py, what needs action letters/status.py.
    query = letter_status.needing_action(
        scope.organisation.id,
        today,
        visibility.clause(scope.viewer) if scope.viewer is not None else None,
    )
    return [
        Item(
            "letter",
            _("Answer: %(subject)s", subject=letter.subject),
            letter.respond_by,
            "inbox.show",
            {"letter_id": letter.id},
        )
        for letter in db.session.scalars(query)
    ]


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
)
def drafts(scope, today):
    from portal import labels

    rows = db.session.scalars(
        select(Application)
        .where(
            Application.organisation_id == scope.organisation.id,
            Application.status == ApplicationStatus.DRAFT,
            scope.in_scope(Application.category),
        )
        .order_by(Application.created_at, Application.id)
    ).all()
    result = []
    for a in rows:
        what = (
            str(labels.APPLICATION_KIND[a.kind])
            if a.kind.is_residence
            else _("Recognition: %(category)s", category=labels.CATEGORY[a.category])
        )
        result.append(
            Item(
                "draft",
                _("Submit the draft: %(what)s", what=what),
                None,
                "residence.tasks" if a.kind.is_residence else "applications.check",
                {"application_id": a.id},
            )
        )
    return result


@provider("sanction")
def sanctions(scope, today):
    """A suspension in force: nothing can be filed for its category until it ends."""
    rows = db.session.scalars(
        select(Sanction)
        .where(
            Sanction.organisation_id == scope.organisation.id,
            Sanction.kind == SanctionKind.SUSPENSION,
            Sanction.lifted_on.is_(None),
            Sanction.starts_on <= today,
            or_(Sanction.ends_on.is_(None), Sanction.ends_on >= today),
        )
        .order_by(Sanction.starts_on, Sanction.id)
    ).all()
    return [
        Item(
            "sanction",
            _(
                "Your recognition is suspended (%(category)s): no new applications until it ends",
                category=_category_label(s.category),
            ),
            s.ends_on,
            "organisation.profile",
            date_label="until",
        )
        for s in rows
        if s.category is None or scope.covers(s.category)
    ]


@provider(
    "fee",
    Group(
        lambda n: ngettext("%(num)d fee to pay", "%(num)d fees to pay", n),
        "organisation.fees",
    ),
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
