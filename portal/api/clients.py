"""API clients: an organisation's administrator registers, rotates and revokes them.

The client secret is a 256-bit random string shown once; only its SHA-256 is stored (a hash
of a high-entropy secret needs no slow hash). Unverified and frozen organisations get none."""

import hashlib
import hmac
import ipaddress
import secrets

from sqlalchemy import select

from portal import audit
from portal.api.scopes import Scope
from portal.audit import AuditAction
from portal.extensions import db
from portal.models import ApiClient, Organisation, User
from portal.models.base import utcnow


class NoClientsAllowed(Exception):
    """The organisation is not verified, or it is frozen."""


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def may_have_clients(organisation: Organisation) -> bool:
    return organisation.is_verified and not organisation.is_frozen


def parse_networks(text: str) -> list[str]:
    """The IP allow-list typed as addresses or networks, one per line or comma-separated;
    raises ValueError on a value that is neither."""
    parts = [p.strip() for p in text.replace(",", "\n").splitlines() if p.strip()]
    return [str(ipaddress.ip_network(p, strict=False)) for p in parts]


def ip_allowed(client: ApiClient, address: str | None) -> bool:
    if not client.allowed_ips:
        return True
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(n) for n in client.allowed_ips)


def clients_of(organisation: Organisation) -> list[ApiClient]:
    return list(
        db.session.scalars(
            select(ApiClient)
            .where(ApiClient.organisation_id == organisation.id)
            .order_by(ApiClient.revoked_at.is_not(None), ApiClient.name, ApiClient.id)
        )
    )


def register(
    organisation: Organisation, name: str, scopes: list[Scope], networks: list[str], actor: User
) -> tuple[ApiClient, str]:
    """A new client and its secret (the only time the secret exists in clear)."""
    if not may_have_clients(organisation):
        raise NoClientsAllowed(organisation.id)
    secret = secrets.token_urlsafe(32)
    client = ApiClient(
        organisation_id=organisation.id,
        name=name,
        client_id=f"sp_{secrets.token_hex(16)}",
        secret_hash=digest(secret),
        scopes=sorted(Scope(s).value for s in scopes),
        allowed_ips=networks or None,
        created_by_id=actor.id,
    )
    db.session.add(client)
    db.session.flush()
    audit.record(
        AuditAction.API_CLIENT_REGISTERED,
        actor=actor,
        organisation=organisation,
        target=client,
        details={"name": name, "scopes": client.scopes, "allowed_ips": networks},
    )
    return client, secret


def rotate(client: ApiClient, actor: User) -> str:
    """A new secret; the old one stops working at once."""
    if client.revoked_at is not None or not may_have_clients(client.organisation):
        raise NoClientsAllowed(client.organisation_id)
    secret = secrets.token_urlsafe(32)
    client.secret_hash = digest(secret)
    client.rotated_at = utcnow()
    audit.record(
        AuditAction.API_CLIENT_ROTATED,
        actor=actor,
        organisation=client.organisation,
        target=client,
    )
    return secret


def revoke(client: ApiClient, actor: User) -> None:
    if client.revoked_at is not None:
        return
    client.revoked_at = utcnow()
    audit.record(
        AuditAction.API_CLIENT_REVOKED,
        actor=actor,
        organisation=client.organisation,
        target=client,
    )


def authenticate(client_id: str, secret: str) -> ApiClient | None:
    """The active client with this id and secret, of an organisation that may have clients."""
    client = db.session.scalar(select(ApiClient).where(ApiClient.client_id == client_id))
    if client is None or client.revoked_at is not None:
        return None
    if not hmac.compare_digest(client.secret_hash, digest(secret)):
        return None
    return client if may_have_clients(client.organisation) else None
