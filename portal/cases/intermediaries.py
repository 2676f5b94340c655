"""Cases filed by an intermediary under a mandate: remembered on the case, so the intermediary
keeps reading them (and their letters) after the mandate ends."""

from flask import g, has_request_context
from sqlalchemy import select

from portal.extensions import db
from portal.models import Application, Mandate


def filed_for(mandate: Mandate) -> bool:
    """Did the mandate's intermediary file cases for its sponsor?"""
    found = db.session.scalar(
        select(Application.id).where(
            Application.organisation_id == mandate.sponsor_id,
            Application.intermediary_id == mandate.intermediary_id,
        )
    )
    return found is not None


def acting_intermediary() -> int | None:
    """The intermediary the current user acts for under a mandate, or None."""
    context = g.get("context") if has_request_context() else None
    return context.intermediary.id if context is not None and context.on_behalf else None


def remember_the_intermediary(_mapper, _connection, application: Application) -> None:
    """A case started while acting under a mandate names the intermediary that started it."""
    if application.intermediary_id is None:
        application.intermediary_id = acting_intermediary()


def former_clients(user, active: list[Mandate]) -> list[Mandate]:
    """Mandates that ended for the user's intermediaries but under which they filed cases
    (the latest per sponsor and intermediary; none where a mandate is in force again)."""
    intermediary_ids = [m.organisation_id for m in user.memberships]
    if not intermediary_ids:
        return []
    in_force = {(m.sponsor_id, m.intermediary_id) for m in active}
    latest: dict[tuple[int, int], Mandate] = {}
    for mandate in db.session.scalars(
        select(Mandate).where(Mandate.intermediary_id.in_(intermediary_ids)).order_by(Mandate.id)
    ):
        key = (mandate.sponsor_id, mandate.intermediary_id)
        if key not in in_force:
            latest[key] = mandate
    return [m for m in latest.values() if filed_for(m)]
