"""An intra-corporate transfer continued by a new application (issue 22): the person's ICT
permits with the organisation that run up to the new transfer's start are the same transfer,
so the maximum duration counts from the first of them (Directive 2014/66/EU art. 12(1)). A
transfer after a break is a new one; whether the Netherlands requires a waiting period
between two transfers (art. 12(2)) is not in the reference data, so none is applied."""

from datetime import date, timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.models import Application, ApplicationKind, Permit
from portal.residence.answers import Checked
from portal.residence.rules import Problem
from portal.residence.work_rules import check_transfer_total


def first_start(application: Application, start: date) -> date | None:
    """The start of the first ICT permit in the unbroken run of the person's ICT permits with
    this organisation that reaches `start` (ends on or after the day before it); None when
    the new transfer continues none."""
    permits = db.session.execute(
        select(Permit.starts_on, Permit.ends_on)
        .where(
            Permit.organisation_id == application.organisation_id,
            Permit.person_id == application.person_id,
            Permit.kind == ApplicationKind.ICT,
            Permit.application_id.is_distinct_from(application.id),
            Permit.starts_on < start,
        )
        .order_by(Permit.ends_on.desc())
    ).all()
    reach, first = start - timedelta(days=1), None
    for starts_on, ends_on in permits:  # latest end first: walk back while unbroken
        if ends_on < reach:
            break
        first = starts_on if first is None else min(first, starts_on)
        reach = min(reach, starts_on - timedelta(days=1))
    return first


def problem(application: Application, transfer: dict, on: date) -> Problem | None:
    """The end date's problem when the new transfer and the one it continues together last
    longer than the role's maximum."""
    if application.kind != ApplicationKind.ICT or application.person_id is None:
        return None
    start = transfer.get("start_date")
    if start is None or transfer.get("end_date") is None:
        return None
    first = first_start(application, start)
    if first is None:
        return None
    return check_transfer_total(transfer.get("role"), first, transfer["end_date"], on)


def with_history(application: Application, checked: Checked, on: date) -> Checked:
    """The answers as checked (portal/residence/answers.py, pure), with the problem the
    person's earlier permits give the transfer's end date: the section page, the check page
    and the submission read it where they read the answers' own problems."""
    if checked.section_errors("transfer").get("end_date"):
        return checked
    found = problem(application, checked.values.get("transfer") or {}, on)
    if found is not None:
        checked.errors.setdefault("transfer", {})["end_date"] = found.message
    return checked
