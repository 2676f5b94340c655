"""Mandates: a sponsor's administrator lets an intermediary act for it, for chosen categories
and a period (eHerkenning chain authorisation). Revoking takes effect on the next request."""

from datetime import date

from sqlalchemy import select

from portal import audit
from portal.audit import AuditAction
from portal.extensions import db
from portal.models import Category, Mandate, Organisation, OrganisationKind, User
from portal.models.base import utcnow
from portal.organisations import kvk


class IntermediaryNotFound(Exception):
    pass


class NotAnIntermediary(Exception):
    pass


class SameOrganisation(Exception):
    pass


def grant(
    sponsor: Organisation,
    intermediary_kvk: str,
    categories: list[Category],
    valid_from: date,
    valid_until: date | None,
    actor: User,
) -> Mandate:
    intermediary = kvk.find(intermediary_kvk)
    if intermediary is None:
        raise IntermediaryNotFound(intermediary_kvk)
    if intermediary.id == sponsor.id:
        raise SameOrganisation(intermediary_kvk)
    if intermediary.kind != OrganisationKind.INTERMEDIARY:
        raise NotAnIntermediary(intermediary_kvk)
    mandate = Mandate(
        sponsor_id=sponsor.id,
        intermediary_id=intermediary.id,
        categories=sorted(c.value for c in categories),
        valid_from=valid_from,
        valid_until=valid_until,
        granted_by_id=actor.id,
    )
    db.session.add(mandate)
    db.session.flush()
    audit.record(
        AuditAction.MANDATE_GRANTED,
        actor=actor,
        organisation=sponsor,
        target=mandate,
        details={
            "intermediary": intermediary.id,
            "categories": mandate.categories,
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat() if valid_until else None,
        },
    )
    return mandate


def revoke(mandate: Mandate, actor: User) -> Mandate:
    if mandate.revoked_at is None:
        mandate.revoked_at = utcnow()
        mandate.revoked_by_id = actor.id
        audit.record(
            AuditAction.MANDATE_REVOKED,
            actor=actor,
            organisation=mandate.sponsor,
            target=mandate,
            details={"intermediary": mandate.intermediary_id},
        )
        db.session.flush()
    return mandate


def given_by(sponsor: Organisation) -> list[Mandate]:
    return db.session.scalars(
        select(Mandate).where(Mandate.sponsor_id == sponsor.id).order_by(Mandate.id.desc())
    ).all()


def received_by(intermediary: Organisation) -> list[Mandate]:
    return db.session.scalars(
        select(Mandate)
        .where(Mandate.intermediary_id == intermediary.id)
        .order_by(Mandate.id.desc())
    ).all()
