"""OAuth2 client credentials with Authlib's authorization server (issue 18).

Access tokens are random, short-lived and stored only as SHA-256. The resource protector
finds a token by its hash; `acting_for` decides which organisation a client may act for."""

from datetime import timedelta

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin, grants
from authlib.oauth2.rfc6750 import BearerTokenValidator
from flask import current_app, request
from sqlalchemy import delete, select

from portal import audit, clock
from portal.api import clients
from portal.api.scopes import Scope
from portal.audit import AuditAction
from portal.extensions import db
from portal.models import ApiClient, ApiToken, Mandate, Organisation
from portal.models.base import utcnow
from portal.organisations import kvk

TOKEN_SECONDS = 900


class OAuthClient(ClientMixin):
    """Authlib's view of an ApiClient."""

    def __init__(self, client: ApiClient):
        self.client = client

    def get_client_id(self):
        return self.client.client_id

    def get_default_redirect_uri(self):
        return None

    def get_allowed_scope(self, scope):
        asked = (scope or "").split()
        allowed = set(self.client.scopes)
        return " ".join(s for s in (asked or self.client.scopes) if s in allowed)

    def check_redirect_uri(self, _redirect_uri):
        return False

    def check_client_secret(self, client_secret):
        """The secret, from an address on the client's allow-list (no token elsewhere)."""
        if not clients.ip_allowed(self.client, request.remote_addr):
            return False
        return clients.authenticate(self.client.client_id, client_secret) is not None

    def check_endpoint_auth_method(self, method, endpoint):
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, _response_type):
        return False

    def check_grant_type(self, grant_type):
        return grant_type == "client_credentials"


class OAuthToken(TokenMixin):
    def __init__(self, token: ApiToken):
        self.token = token

    def check_client(self, client):
        return client.client.id == self.token.client_id

    def get_scope(self):
        return " ".join(self.token.scopes)

    def get_expires_in(self):
        return int((self.token.expires_at - self.token.issued_at).total_seconds())

    def is_expired(self):
        return self.token.expires_at <= utcnow()

    def is_revoked(self):
        client = self.token.client
        return client.revoked_at is not None or not clients.may_have_clients(client.organisation)


def _query_client(client_id: str) -> OAuthClient | None:
    client = db.session.scalar(select(ApiClient).where(ApiClient.client_id == client_id))
    if client is None or client.revoked_at is not None:
        return None
    return OAuthClient(client)


def _save_token(token: dict, request) -> None:
    """Store the new token's hash (expired tokens are dropped a day later) and audit it."""
    client = request.client.client
    now = utcnow()
    db.session.execute(delete(ApiToken).where(ApiToken.expires_at < now - timedelta(days=1)))
    db.session.add(
        ApiToken(
            client_id=client.id,
            token_hash=clients.digest(token["access_token"]),
            scopes=token.get("scope", "").split(),
            expires_at=now + timedelta(seconds=token["expires_in"]),
        )
    )
    audit.record(
        AuditAction.API_TOKEN_ISSUED,
        organisation=client.organisation,
        target=client,
        details={"scopes": token.get("scope", "").split()},
    )
    db.session.commit()


class _Validator(BearerTokenValidator):
    def authenticate_token(self, token_string):
        token = db.session.scalar(
            select(ApiToken).where(ApiToken.token_hash == clients.digest(token_string))
        )
        return OAuthToken(token) if token is not None else None


server = AuthorizationServer()
protector = ResourceProtector()


def init_app(app) -> None:
    app.config.setdefault("OAUTH2_TOKEN_EXPIRES_IN", {"client_credentials": TOKEN_SECONDS})
    app.config.setdefault("OAUTH2_SCOPES_SUPPORTED", [s.value for s in Scope])
    server.init_app(app, query_client=_query_client, save_token=_save_token)
    server.register_grant(grants.ClientCredentialsGrant)
    protector.register_token_validator(_Validator())


def acting_for(client: ApiClient, kvk_number: str) -> tuple[Organisation, Mandate | None]:
    """The organisation with this KvK number the client may act for — its own, or (for an
    intermediary's client) a verified, unfrozen sponsor whose mandate to it is in force
    today — with that mandate. Raises LookupError otherwise (the API answers 404)."""
    own = client.organisation
    if kvk_number == own.kvk_number:
        return own, None
    sponsor = kvk.find(kvk_number)
    if sponsor is None or not clients.may_have_clients(sponsor):
        raise LookupError(kvk_number)  # an unverified or frozen sponsor has no clients
    today = clock.today()
    mandates = db.session.scalars(
        select(Mandate)
        .where(
            Mandate.sponsor_id == sponsor.id,
            Mandate.intermediary_id == own.id,
            Mandate.revoked_at.is_(None),
        )
        .order_by(Mandate.id)
    )
    for mandate in mandates:
        if mandate.active_on(today):
            return sponsor, mandate
    raise LookupError(kvk_number)


def rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def rate_key() -> str:
    """Calls are counted per client (by its token), else per address."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        token = db.session.scalar(
            select(ApiToken).where(ApiToken.token_hash == clients.digest(header[7:].strip()))
        )
        if token is not None:
            return f"api-client:{token.client_id}"
    return f"api-address:{request.remote_addr}"


def token_endpoint():
    return server.create_token_response()
