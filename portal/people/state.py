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
from sqlalchemy import and_, func, select

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
    # The report that ended the stay (None while current).
    report_id: int | None = None
    report_kind: ReportKind | None = None
    reported_on: date | None = None  # the day it was filed
    event_date: date | None = None  # the day the stay ended, as reported

    @property
    def ended(self) -> bool:
        return self.state != PersonState.CURRENT


CURRENT = PersonStatus(PersonState.CURRENT)


def with_status_facts(query, organisation_id: int, person, person_ids=None):
    """`query` (which selects from `person`'s table) with the facts each person's state is
    computed from added as columns: the latest report that ends the stay (by event date, then
    id) — `report_id`, `report_kind`, `reported_on`, `event_date` — and the latest start of a
    permit (`newest_start`). Read by `status_from`; one statement for any number of people."""
    ranked = select(
        Report.person_id,
        Report.id,
        Report.kind,
        Report.event_date,
        Report.filed_on,
        func.row_number()
        .over(partition_by=Report.person_id, order_by=(Report.event_date.desc(), Report.id.desc()))
        .label("rank"),
    ).where(Report.organisation_id == organisation_id, Report.kind.in_(list(ENDING_REPORTS)))
    starts = select(Permit.person_id, func.max(Permit.starts_on).label("newest_start")).where(
        Permit.organisation_id == organisation_id
    )
    if person_ids is not None:
        ranked = ranked.where(Report.person_id.in_(person_ids))
        starts = starts.where(Permit.person_id.in_(person_ids))
    report = ranked.subquery("ending_report")
    newest = starts.group_by(Permit.person_id).subquery("newest_permit")
    return (
        query.outerjoin(report, and_(report.c.person_id == person.id, report.c.rank == 1))
        .outerjoin(newest, newest.c.person_id == person.id)
        .add_columns(
            report.c.id.label("report_id"),
            report.c.kind.label("report_kind"),
            report.c.filed_on.label("reported_on"),
            report.c.event_date.label("event_date"),
            newest.c.newest_start.label("newest_start"),
        )
    )


def status_from(facts) -> PersonStatus:
    """The rule, from the facts `with_status_facts` reads: the latest ending report decides,
    unless a permit that starts after the reported event was recorded since."""
    if facts.report_id is None:
        return CURRENT
    if facts.newest_start is not None and facts.newest_start > facts.event_date:
        return CURRENT
    kind = ReportKind(facts.report_kind)
    return PersonStatus(
        ENDING_REPORTS[kind], facts.report_id, kind, facts.reported_on, facts.event_date
    )


def states_of(organisation_id: int, person_ids) -> dict[int, PersonStatus]:
    """The state of each of these people of the organisation (one statement in all)."""
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    query = with_status_facts(
        select(Person.id).where(Person.organisation_id == organisation_id, Person.id.in_(ids)),
        organisation_id,
        Person,
        ids,
    )
    result = dict.fromkeys(ids, CURRENT)
    result.update({row.id: status_from(row) for row in db.session.execute(query)})
    return result


def state_of(person: Person) -> PersonStatus:
    return states_of(person.organisation_id, [person.id])[person.id]


def unfit_procedures(status: PersonStatus) -> dict[ApplicationKind, str]:
    """Procedures that do not fit the person, each with the reason shown to the user."""
    return dict(_UNFIT[status.state])
