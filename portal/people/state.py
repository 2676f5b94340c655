"""A sponsored person's one current state, computed here from the reports filed and the
permits recorded, and read by People, Duties, Permits, the reminders and new applications.

- *current*: sponsored, nothing reported that ends the stay;
- *stay ended*: the sponsor reported that the employment ended or never started, or that the
  student was deregistered;
- *left*: the sponsor reported that the person left the Netherlands.

The latest such report decides, unless a permit that starts after the reported event was
recorded since (a new permit: the person is sponsored again). After an ending report no
extension is offered, the permit shows "ended (reported on <date>)", and a new application
for the person offers only the procedures that fit (`unfit_procedures`).
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import ApplicationKind, Permit, Person, Report, ReportKind


class PersonState(StrEnum):
    CURRENT = "current"
    STAY_ENDED = "stay_ended"
    LEFT = "left"


# Reports after which the stay under this sponsorship ends, and the state they lead to.
ENDING_REPORTS = {
    ReportKind.EMPLOYMENT_NOT_STARTED: PersonState.STAY_ENDED,
    ReportKind.EMPLOYMENT_ENDED: PersonState.STAY_ENDED,
    ReportKind.STUDENT_DEREGISTERED: PersonState.STAY_ENDED,
    ReportKind.LEFT_NETHERLANDS: PersonState.LEFT,
}

# Procedures that do not fit a person in this state (rules.md: an extension continues the
# current stay; a change of employer needs the person here with a permit).
_UNFIT = {
    PersonState.CURRENT: {},
    PersonState.STAY_ENDED: {
        ApplicationKind.HSM_EXTENSION: _l(
            "Not for this person: the stay under your sponsorship ended, so it cannot be extended"
        ),
    },
    PersonState.LEFT: {
        ApplicationKind.HSM_EXTENSION: _l(
            "Not for this person: they left the Netherlands, so the stay cannot be extended"
        ),
        ApplicationKind.HSM_CHANGE_EMPLOYER: _l(
            "Not for this person: they left the Netherlands, so there is no stay to continue "
            "with a new employer"
        ),
    },
}


@dataclass(frozen=True)
class PersonStatus:
    state: PersonState
    report: Report | None = None  # the report that ended the stay

    @property
    def ended(self) -> bool:
        return self.state != PersonState.CURRENT

    @property
    def reported_on(self) -> date | None:
        return self.report.filed_on if self.report is not None else None

    @property
    def event_date(self) -> date | None:
        return self.report.event_date if self.report is not None else None


CURRENT = PersonStatus(PersonState.CURRENT)


def states_of(organisation_id: int, person_ids) -> dict[int, PersonStatus]:
    """The state of each of these people of the organisation (two queries in all)."""
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    reports = db.session.scalars(
        select(Report)
        .where(
            Report.organisation_id == organisation_id,
            Report.person_id.in_(ids),
            Report.kind.in_(list(ENDING_REPORTS)),
        )
        .order_by(Report.person_id, Report.event_date.desc(), Report.id.desc())
    ).all()
    latest: dict[int, Report] = {}
    for report in reports:
        latest.setdefault(report.person_id, report)
    newest_permit = dict(
        db.session.execute(
            select(Permit.person_id, func.max(Permit.starts_on))
            .where(Permit.organisation_id == organisation_id, Permit.person_id.in_(ids))
            .group_by(Permit.person_id)
        ).all()
    )
    result = {}
    for person_id in ids:
        report = latest.get(person_id)
        starts = newest_permit.get(person_id)
        if report is None or (starts is not None and starts > report.event_date):
            result[person_id] = CURRENT
        else:
            result[person_id] = PersonStatus(ENDING_REPORTS[report.kind], report)
    return result


def state_of(person: Person) -> PersonStatus:
    return states_of(person.organisation_id, [person.id])[person.id]


def unfit_procedures(status: PersonStatus) -> dict[ApplicationKind, str]:
    """Procedures that do not fit the person, each with the reason shown to the user."""
    return dict(_UNFIT[status.state])
