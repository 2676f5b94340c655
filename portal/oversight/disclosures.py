"""Voluntary disclosure (issue 25, item 6): a sponsor reports its own breach of a duty — a late
report, a salary below the criterion, another duty. The back office sees it marked as the
sponsor's own report; a warning or fine that takes it into account names it as a mitigating
fact (the sanction's letter says so), and each disclosure is taken into account once."""

from datetime import date

from sqlalchemy import select, update

from portal import audit
from portal.audit import AuditAction
from portal.extensions import db
from portal.models import Disclosure, DisclosureKind, Organisation, Sanction, User


def disclose(
    organisation: Organisation,
    kind: DisclosureKind,
    occurred_on: date,
    description: str,
    actor: User,
) -> Disclosure:
    disclosure = Disclosure(
        organisation_id=organisation.id,
        kind=kind,
        occurred_on=occurred_on,
        description=description.strip(),
        created_by_id=actor.id,
    )
    db.session.add(disclosure)
    db.session.flush()
    audit.record(
        AuditAction.DISCLOSURE_MADE,
        actor=actor,
        organisation=organisation,
        target=disclosure,
        details={"kind": kind.value},
    )
    return disclosure


def of(organisation: Organisation) -> list[Disclosure]:
    return db.session.scalars(
        select(Disclosure)
        .where(Disclosure.organisation_id == organisation.id)
        .order_by(Disclosure.created_at.desc(), Disclosure.id.desc())
    ).all()


def open_for(organisation: Organisation) -> list[Disclosure]:
    """Disclosures no sanction has taken into account yet."""
    return [d for d in of(organisation) if d.sanction_id is None]


def take_into_account(sanction: Sanction, disclosures: list[Disclosure]) -> list[Disclosure]:
    """Name the disclosures as mitigating facts of the sanction (of its organisation, open
    ones only; one taken into account by another sanction meanwhile is left out)."""
    ids = [d.id for d in disclosures if d.organisation_id == sanction.organisation_id]
    if not ids:
        return []
    db.session.execute(
        update(Disclosure)
        .where(Disclosure.id.in_(ids), Disclosure.sanction_id.is_(None))
        .values(sanction_id=sanction.id)
        .execution_options(synchronize_session=False)
    )
    return db.session.scalars(
        select(Disclosure)
        .where(Disclosure.sanction_id == sanction.id)
        .order_by(Disclosure.occurred_on)
    ).all()
