"""'What happens next' on the pages a sponsor lands on after acting: a report of a change, the
yearly study-progress declaration and the answer to a request for information.

Each reads the one place its fact's state is computed — the case's next steps
(portal/cases/next_steps.py with its clock, portal/cases/status.py), the person's state
(portal/people/state.py), the study-progress duty (portal/duties/overview.py) — and the pages
show next to it what is still on the to-do list (portal/todo/), never a rule of their own.
"""

from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext

from portal.cases import status as case_status
from portal.cases.next_steps import next_steps
from portal.duties import deadlines
from portal.formatting import date_text
from portal.people import state as people_state
from portal.reference.duties import reporting_period_weeks


def _d(day: date) -> str:
    return date_text(day)


def after_reply(letter, today: date) -> list[str]:
    """After the answer to a request: the case's own next steps."""
    application = letter.application
    if application is None:
        return []
    return next_steps(application, case_status.clock_of(application, today), today)


def after_report(report, today: date) -> list[str]:
    if report.letter_id is not None:
        steps = [_("The IND has your report. A letter in your inbox confirms it.")]
    else:
        steps = [_("The IND has your report.")]
    if report.person is not None:
        status = people_state.state_of(report.person)
        if status.ended and status.report_id == report.id:
            steps.append(
                _(
                    "The stay of %(name)s is recorded as ended (reported on %(date)s). The "
                    "portal no longer offers an extension for this person or reminds you of "
                    "the permit's end.",
                    name=report.person.full_name,
                    date=_d(status.reported_on),
                )
            )
    if report.late:
        steps.append(
            _(
                "The report was filed after its due date. The IND may write to you about it: "
                "late reporting can lead to a fine."
            )
        )
    else:
        steps.append(_("Nothing more is needed for this report unless the IND writes to you."))
    return steps


def after_declaration(duty, today: date) -> list[str]:
    steps = []
    if duty.declaration is not None:
        steps.append(
            _(
                "The IND has your study-progress check for %(year)d (checked on %(date)s).",
                year=duty.year,
                date=_d(duty.declaration.checked_on),
            )
        )
    next_year = duty.year + 1
    steps.append(
        _(
            "The next check, for %(year)d, is due by %(date)s. It appears on your list of what "
            "needs your attention until it is done.",
            year=next_year,
            date=_d(deadlines.study_progress_due_in(next_year)),
        )
    )
    steps.append(
        ngettext(
            "Report each student with insufficient progress separately, as a report of a "
            "change, within %(num)d week.",
            "Report each student with insufficient progress separately, as a report of a "
            "change, within %(num)d weeks.",
            reporting_period_weeks(today),
        )
    )
    return steps
