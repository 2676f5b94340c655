"""The OpenID Connect boundary: eHerkenning broker for sponsor users, SSO for IND staff.

Each provider is configured by environment variables (config.py, README) and used only when its
issuer and client id are set. This module speaks the protocol (Authlib: authorization code flow
with PKCE, state and nonce; ID token signature, issuer, audience and expiry checked) and returns
the verified claims, or raises Refused with a reason the view turns into a message. What a
verified sign-in means for accounts is decided in portal/identity/federation.py.
"""

import re
from dataclasses import dataclass

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import current_app, request
from joserfc.errors import (
    BadSignatureError,
    ExpiredTokenError,
    InvalidClaimError,
    JoseError,
    MissingClaimError,
)

KVK_PATTERN = re.compile(r"^\d{8}$")

# Assurance levels (acr values) in order: eIDAS names, eHerkenning levels and their URNs.
ACR_RANK = {
    "low": 1,
    "substantial": 3,
    "high": 4,
    "eh1": 1,
    "eh2": 2,
    "eh2+": 2.5,
    "eh3": 3,
    "eh4": 4,
    "urn:etoegang:core:assurance-class:loa1": 1,
    "urn:etoegang:core:assurance-class:loa2": 2,
    "urn:etoegang:core:assurance-class:loa2plus": 2.5,
    "urn:etoegang:core:assurance-class:loa3": 3,
    "urn:etoegang:core:assurance-class:loa4": 4,
    "http://eidas.europa.eu/loa/low": 1,
    "http://eidas.europa.eu/loa/substantial": 3,
    "http://eidas.europa.eu/loa/high": 4,
}


class Refused(Exception):
    """A sign-in that must not succeed; `reason` is a key the view explains."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Provider:
    kind: str
    issuer: str
    client_id: str
    client_secret: str


@dataclass(frozen=True)
class Identity:
    kind: str
    issuer: str
    subject: str
    claims: dict


def provider(kind: str) -> Provider | None:
    config = current_app.config
    prefix = f"OIDC_{kind.upper()}_"
    issuer, client_id = config.get(prefix + "ISSUER"), config.get(prefix + "CLIENT_ID")
    if not issuer or not client_id:
        return None
    return Provider(kind, issuer.rstrip("/"), client_id, config.get(prefix + "CLIENT_SECRET") or "")


def configured(kind: str) -> bool:
    return provider(kind) is not None


def _client(p: Provider):
    """One Authlib client per provider configuration, kept on the app."""
    app = current_app._get_current_object()
    clients = app.extensions.setdefault("portal_oidc", {})
    key = (p.kind, p.issuer, p.client_id, p.client_secret)
    if key not in clients:
        oauth = OAuth(app)
        clients[key] = oauth.register(
            name=f"oidc_{p.kind}",
            client_id=p.client_id,
            client_secret=p.client_secret,
            server_metadata_url=p.issuer + "/.well-known/openid-configuration",
            client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"},
            fetch_token=None,
        )
    return clients[key]


def _metadata(p: Provider, client) -> dict:
    try:
        metadata = client.load_server_metadata()
    except (requests.RequestException, ValueError) as error:
        raise Refused("unavailable", str(error)) from error
    if metadata.get("issuer", "").rstrip("/") != p.issuer:
        raise Refused("issuer", f"discovery names {metadata.get('issuer')!r}")
    return metadata


def start(kind: str, redirect_uri: str):
    """The redirect to the provider; state, nonce and PKCE verifier are kept in the session."""
    p = provider(kind)
    client = _client(p)
    _metadata(p, client)
    extra = {}
    if kind == "sponsor":
        extra["acr_values"] = current_app.config["OIDC_SPONSOR_MIN_ACR"]
    return client.authorize_redirect(redirect_uri, **extra)


def complete(kind: str) -> Identity:
    """Finish the code flow for the callback request; the verified ID token claims."""
    p = provider(kind)
    client = _client(p)
    _metadata(p, client)
    error = request.args.get("error")
    if error:
        raise Refused("cancelled" if error == "access_denied" else "provider_error", error)
    if not request.args.get("code"):
        raise Refused("state", "no code")
    claims_options = {
        "iss": {"essential": True, "values": [p.issuer]},
        "aud": {"essential": True, "values": [p.client_id]},
    }
    try:
        token = client.authorize_access_token(claims_options=claims_options, timeout=10)
    except MismatchingStateError as refusal:
        raise Refused("state") from refusal
    except OAuthError as refusal:  # the token endpoint said no: e.g. a code used before
        raise Refused("code", refusal.error or "") from refusal
    except (InvalidClaimError, MissingClaimError) as refusal:
        claim = str(refusal)
        if "'iss'" in claim:
            raise Refused("issuer", claim) from refusal
        if "'aud'" in claim or "'azp'" in claim:
            raise Refused("audience", claim) from refusal
        raise Refused("token", claim) from refusal
    except ExpiredTokenError as refusal:
        raise Refused("token", "expired") from refusal
    except (BadSignatureError, JoseError, ValueError) as refusal:
        raise Refused("token", str(refusal)) from refusal
    except requests.RequestException as refusal:
        raise Refused("unavailable", str(refusal)) from refusal
    claims = dict(token.get("userinfo") or {})
    if not claims.get("sub"):
        raise Refused("token", "no ID token")
    return Identity(kind, p.issuer, str(claims["sub"]), claims)


def acr_rank(value) -> float | None:
    return ACR_RANK.get(str(value).strip().lower()) if value else None


def sponsor_kvk(identity: Identity) -> str:
    """The KvK number asserted by eHerkenning, at a sufficient assurance level; or Refused."""
    config = current_app.config
    minimum = acr_rank(config["OIDC_SPONSOR_MIN_ACR"]) or ACR_RANK["substantial"]
    rank = acr_rank(identity.claims.get("acr"))
    if rank is None or rank < minimum:
        raise Refused("acr", str(identity.claims.get("acr")))
    kvk = str(identity.claims.get(config["OIDC_SPONSOR_KVK_CLAIM"]) or "").strip()
    if not KVK_PATTERN.match(kvk):
        raise Refused("kvk", kvk)
    return kvk


def staff_role_values(identity: Identity) -> list[str]:
    value = identity.claims.get(current_app.config["OIDC_STAFF_ROLE_CLAIM"])
    if isinstance(value, str):
        return value.replace(",", " ").split()
    if isinstance(value, list):
        return [str(v) for v in value]
    return []


def role_map() -> dict[str, str]:
    """OIDC_STAFF_ROLE_MAP: 'claim-value=role,claim-value=role'."""
    pairs = (item.split("=", 1) for item in current_app.config["OIDC_STAFF_ROLE_MAP"].split(","))
    return {k.strip(): v.strip() for k, v in (p for p in pairs if len(p) == 2)}


def _values(value) -> set[str]:
    if isinstance(value, str):
        return {v for v in value.replace(",", " ").split() if v}
    if isinstance(value, list):
        return {str(v).strip() for v in value}
    return set()


def staff_second_factor(identity: Identity) -> bool:
    """Whether the IND identity provider vouches for a second factor: an `amr` value in
    OIDC_STAFF_MFA_AMR or the `acr` in OIDC_STAFF_MFA_ACR (RFC 8176, OpenID Connect Core)."""
    config = current_app.config
    amr = _values(identity.claims.get("amr"))
    acr = str(identity.claims.get("acr") or "").strip()
    return bool(amr & _values(config["OIDC_STAFF_MFA_AMR"])) or (
        bool(acr) and acr in _values(config["OIDC_STAFF_MFA_ACR"])
    )
