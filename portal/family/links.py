"""Reading the links between family members' applications and their main applications."""

from datetime import date

from sqlalchemy import select

from portal.extensions import db
from portal.models import Application, FamilyLink, Permit


def link_of(application: Application) -> FamilyLink | None:
    return db.session.scalar(select(FamilyLink).where(FamilyLink.application_id == application.id))


def family_of(main_ids) -> list[FamilyLink]:
    """The family members' links of these main applications, oldest first."""
    if not main_ids:
        return []
    return list(
        db.session.scalars(
            select(FamilyLink)
            .where(FamilyLink.main_application_id.in_(sorted(main_ids)))
            .order_by(FamilyLink.id)
        )
    )


def requested_until(application: Application) -> date | None:
    """A family member's permit follows the main permit's validity: the permit granted on the
    main application, else the validity the main application asks for."""
    from portal.residence.presentation import requested_until as main_requested

    link = link_of(application)
    if link is None:
        return None
    permit = db.session.scalar(
        select(Permit)
        .where(Permit.application_id == link.main_application_id)
        .order_by(Permit.id.desc())
        .limit(1)
    )
    if permit is not None:
        return permit.ends_on
    return main_requested(link.main_application)
