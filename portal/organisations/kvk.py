"""Organisations by KvK number: the one place that looks them up, verifies and freezes them.

Anyone can sign up with a password and type any KvK number, so such an organisation is
*unverified* until its number is proven: by an eHerkenning sign-in that asserts it (at the
required assurance level), or by the IND at the recognition review (the KvK-extract checklist
item). The number is unique among verified organisations (the partial unique index
`uq_organisation_verified_kvk` is the final word); unverified ones may share it.

When an organisation is verified, every unverified one with the same number is *frozen*: it keeps
what it has (open cases, fees, drafts stay readable) but nobody can add people, documents,
applications or anything else there (`permissions.FROZEN_WITHHELD`). The verified organisation's
administrator may take over a frozen one's people, drafts and open cases in one audited step.
"""

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError

from portal import audit
from portal.audit import AuditAction
from portal.extensions import db
from portal.models import Application, Document, KvkProof, Organisation, User
from portal.models.base import utcnow

# The purpose of the KvK extract an unverified organisation sends with its recognition
# application: the IND checks it (checklist item KVK_EXTRACT) and so verifies the KvK number.
KVK_EXTRACT = "kvk_extract"


class KvkNumberTaken(Exception):
    """A verified organisation already has this KvK number."""

    def __init__(self, kvk_number: str):
        super().__init__(kvk_number)
        self.kvk_number = kvk_number


# ORDER BY this to list the verified organisation before unverified ones.
VERIFIED_FIRST = case((Organisation.kvk_verified_at.is_(None), 1), else_=0)


def is_verified_clause():
    """SQL: the organisation's KvK number is proven."""
    return Organisation.kvk_verified_at.is_not(None)


def _prefer_verified():
    """ORDER BY: the verified organisation first, then the oldest."""
    return (VERIFIED_FIRST, Organisation.id)


def verified(kvk_number: str) -> Organisation | None:
    """The verified organisation with this KvK number (at most one)."""
    return db.session.scalar(
        select(Organisation).where(
            Organisation.kvk_number == kvk_number, Organisation.kvk_verified_at.is_not(None)
        )
    )


def find(kvk_number: str) -> Organisation | None:
    """The organisation a KvK number stands for: the verified one if there is one, else the
    oldest unverified one that is not frozen (then a frozen one), else None."""
    return db.session.scalar(
        select(Organisation)
        .where(Organisation.kvk_number == kvk_number)
        .order_by(VERIFIED_FIRST, Organisation.frozen_at.is_not(None), Organisation.id)
        .limit(1)
    )


def taken(kvk_number: str, exclude: Organisation | None = None) -> bool:
    """Whether a verified organisation (other than `exclude`) holds this KvK number: the
    "KvK number taken" check of sign-up, profile edits and change reports."""
    query = select(func.count()).where(
        Organisation.kvk_number == kvk_number, Organisation.kvk_verified_at.is_not(None)
    )
    if exclude is not None and exclude.id is not None:
        query = query.where(Organisation.id != exclude.id)
    return db.session.scalar(query) > 0


def with_number(kvk_number: str) -> list[Organisation]:
    """Every organisation with this KvK number, the verified one first."""
    return db.session.scalars(
        select(Organisation)
        .where(Organisation.kvk_number == kvk_number)
        .order_by(*_prefer_verified())
    ).all()


def frozen_count_expression(kvk_number: str):
    """How many organisations `frozen_with_number` gives, as a scalar subquery."""
    return (
        select(func.count())
        .select_from(Organisation)
        .where(Organisation.kvk_number == kvk_number, Organisation.frozen_at.is_not(None))
        .scalar_subquery()
    )


def frozen_with_number(kvk_number: str) -> list[Organisation]:
    return db.session.scalars(
        select(Organisation)
        .where(Organisation.kvk_number == kvk_number, Organisation.frozen_at.is_not(None))
        .order_by(Organisation.id)
    ).all()


def verify(organisation: Organisation, via: KvkProof, actor: User | None) -> list[Organisation]:
    """Mark the organisation's KvK number as proven and freeze every unverified organisation
    with the same number; returns those frozen now. KvkNumberTaken when another organisation
    was verified first (also when a concurrent request wins the unique index)."""
    if organisation.is_verified:
        return []
    if organisation.is_frozen or taken(organisation.kvk_number, exclude=organisation):
        raise KvkNumberTaken(organisation.kvk_number)
    try:
        with db.session.begin_nested():
            organisation.kvk_verified_at = utcnow()
            organisation.kvk_verified_via = via
            db.session.flush()
    except IntegrityError as error:
        organisation.kvk_verified_at = organisation.kvk_verified_via = None
        raise KvkNumberTaken(organisation.kvk_number) from error
    audit.record(
        AuditAction.ORGANISATION_KVK_VERIFIED,
        actor=actor,
        organisation=organisation,
        target=organisation,
        details={"via": via.value, "kvk_number": organisation.kvk_number},
    )
    return freeze_others(organisation, actor)


def freeze_others(organisation: Organisation, actor: User | None) -> list[Organisation]:
    """Freeze the unverified organisations that claim the verified one's KvK number."""
    others = db.session.scalars(
        select(Organisation).where(
            Organisation.kvk_number == organisation.kvk_number,
            Organisation.id != organisation.id,
            Organisation.kvk_verified_at.is_(None),
            Organisation.frozen_at.is_(None),
        )
    ).all()
    now = utcnow()
    for other in others:
        other.frozen_at = now
        audit.record(
            AuditAction.ORGANISATION_FROZEN,
            actor=actor,
            organisation=other,
            target=other,
            details={"kvk_number": other.kvk_number, "verified_organisation": organisation.id},
        )
    db.session.flush()
    return others


def extract_of(application: Application) -> Document | None:
    """The KvK extract sent with a recognition application (the latest), if any."""
    return db.session.scalar(
        select(Document)
        .where(Document.application_id == application.id, Document.purpose == KVK_EXTRACT)
        .order_by(Document.id.desc())
        .limit(1)
    )
