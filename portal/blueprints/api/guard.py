"""The guard of every bearer-authenticated API route: a valid token with the scope, from an
allowed address, acting for an organisation the client may act for (else 404); the call is
audited with the client."""

from functools import wraps

from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6750 import InsufficientScopeError
from flask import g, request
from sqlalchemy import true

from portal import audit
from portal.api import clients, oauth, openapi
from portal.api.problems import Problem
from portal.api.scopes import Scope
from portal.audit import AuditAction
from portal.extensions import csrf, db
from portal.letters import visibility
from portal.models.base import utcnow


def api_route(scope: Scope, *also: Scope):
    """The route's scope (and any others the token must have as well)."""
    required = " ".join(s.value for s in (scope, *also))

    def decorator(view):
        @wraps(view)
        def wrapped(kvk: str, *args, **kwargs):
            try:
                token = oauth.protector.acquire_token([required])
            except InsufficientScopeError:
                raise Problem(403, "insufficient_scope") from None
            except OAuth2Error:
                raise Problem(401, "unauthorized") from None
            client = token.token.client
            if not clients.ip_allowed(client, request.remote_addr):
                _refused(client, "forbidden_address")
                raise Problem(403, "forbidden_address")
            try:
                g.organisation, g.mandate = oauth.acting_for(client, kvk)
            except LookupError:
                _refused(client, "not_acting_for")
                raise Problem(404, "not_found") from None
            g.api_client = client
            _known_query_only()
            client.last_used_at = utcnow()
            audit.record(
                AuditAction.API_CALLED,
                organisation=g.organisation,
                target=client,
                details={
                    "method": request.method,
                    "endpoint": request.endpoint,
                    "mandate": g.mandate.id if g.mandate is not None else None,
                    "client_organisation": client.organisation_id,
                },
            )
            db.session.commit()
            return view(*args, **kwargs)

        wrapped.required_scope = scope
        return csrf.exempt(wrapped)  # a bearer token, never a cookie: no CSRF to fear

    return decorator


def _refused(client, reason: str) -> None:
    """A refused call of a known client is audited too (its own organisation's log)."""
    audit.record(
        AuditAction.API_CALL_REFUSED,
        organisation=client.organisation,
        target=client,
        details={"method": request.method, "path": request.path, "reason": reason},
    )
    db.session.commit()


def _known_query_only() -> None:
    """A query parameter the description does not name is refused (a typo is not ignored)."""
    known = openapi.query_names(request.url_rule.rule, request.method)
    if known is None:
        return
    unknown = sorted(set(request.args) - known)
    if unknown:
        errors = [{"pointer": f"#/query/{name}", "code": "unknown_parameter"} for name in unknown]
        raise Problem(400, "validation_failed", errors)


def in_scope(column):
    """Category-bound rows within the mandate the client acts under (all for its own)."""
    if g.mandate is None:
        return true()
    return column.in_(sorted(g.mandate.category_set))


def viewer() -> visibility.Viewer:
    """Who the client reads letters as (portal/letters/visibility.py): the organisation's
    own client sees all its letters; an intermediary's client what the intermediary may."""
    if g.mandate is None:
        return visibility.Viewer(g.organisation.id, everything=True)
    return visibility.Viewer(
        g.organisation.id,
        everything=False,
        categories=frozenset(c.value for c in g.mandate.category_set),
        intermediary_id=g.mandate.intermediary_id,
    )
