"""'What happens next' on a case page, in plain words with dates.

Read from the case's status and its clock (portal/cases/status.py) and the objection period
in the reference data — nothing here decides a status of its own.
"""

from datetime import date, timedelta

from flask_babel import gettext as _

from portal import clock as portal_clock
from portal.cases import advice
from portal.formatting import date_text
from portal.models import ApplicationStatus
from portal.reference import objection_period_weeks


def _d(day: date) -> str:
    return date_text(day)


def next_steps(application, case_clock, today: date) -> list[str]:
    status = application.status
    if status == ApplicationStatus.DRAFT:
        return [_("This is a draft. Nothing happens until you submit it.")]
    if status in (
        ApplicationStatus.GRANTED,
        ApplicationStatus.REFUSED,
        ApplicationStatus.NOT_CONSIDERED,
    ):
        decided = (
            portal_clock.local_date(application.decided_at) if application.decided_at else today
        )
        until = decided + timedelta(weeks=objection_period_weeks(decided))
        steps = [
            _(
                "The IND decided on %(date)s. The decision letter is in your inbox.",
                date=_d(decided),
            )
        ]
        if until >= today:
            steps.append(
                _(
                    "If you disagree with the decision, you can lodge an objection until %(date)s.",
                    date=_d(until),
                )
            )
        return steps
    if status == ApplicationStatus.WITHDRAWN:
        return [_("The application was withdrawn. Nothing more happens with it.")]
    if case_clock.stopped:
        steps = []
        if case_clock.respond_by is not None and case_clock.respond_by >= today:
            steps.append(
                _(
                    "Answer the IND's request by %(date)s. The decision period is stopped "
                    "since %(since)s and runs again from the day your answer arrives.",
                    date=_d(case_clock.respond_by),
                    since=_d(case_clock.stopped_since),
                )
            )
            if case_clock.projected_deadline is not None:
                steps.append(
                    _(
                        "If you answer today, the IND decides by %(date)s at the latest.",
                        date=_d(case_clock.projected_deadline),
                    )
                )
        else:
            steps.append(
                _(
                    "The date to answer the IND's request has passed. The IND decides with the "
                    "information it has; you get the decision in your inbox."
                )
            )
        return steps
    if case_clock.waiting_for_payment:
        return [
            _(
                "The decision period starts when the fee has been paid. Once the payment "
                "arrives you get a letter with the date by which the IND decides."
            )
        ]
    steps = [_("The IND reviews the application."), *advice.sponsor_steps(application)]
    if case_clock.deadline is not None:
        if case_clock.deadline >= today:
            steps.append(
                _("The IND decides by %(date)s at the latest.", date=_d(case_clock.deadline))
            )
        else:
            steps.append(
                _(
                    "The IND should have decided by %(date)s. You can give the IND notice of "
                    "default (ingebrekestelling).",
                    date=_d(case_clock.deadline),
                )
            )
    steps.append(
        _(
            "If the IND needs more from you, a letter arrives in your inbox and the decision "
            "period stops until you answer. The decision letter arrives in your inbox too."
        )
    )
    return steps
