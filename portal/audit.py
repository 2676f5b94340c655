"""Append-only audit events: who did what to which object, from where."""

from flask import g, has_request_context, request

from portal.extensions import db
from portal.models import AuditEvent


def record(
    action: str,
    *,
    actor=None,
    organisation=None,
    target=None,
    details: dict | None = None,
) -> AuditEvent:
    details = _with_mandate(details)
    event = AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", None),
        organisation_id=getattr(organisation, "id", None),
        target_type=target.__tablename__ if target is not None else None,
        target_id=getattr(target, "id", None),
        ip_address=request.remote_addr if has_request_context() else None,
        details=details,
    )
    db.session.add(event)
    return event


def _with_mandate(details: dict | None) -> dict | None:
    """Under a mandate, every event says: user of intermediary, on behalf of sponsor."""
    context = g.get("context") if has_request_context() else None
    if context is None or context.mandate is None:
        return details
    return {
        **(details or {}),
        "on_behalf_of": context.organisation.id,
        "intermediary": context.intermediary.id,
        "mandate": context.mandate.id,
    }
