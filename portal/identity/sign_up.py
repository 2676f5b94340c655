"""A password sign-up waits for its administrator's e-mail address to be confirmed.

The sign-up form keeps what was typed in a `SignUpRequest` (the password only as its hash) and
says "check your e-mail" — the same page whether or not the address has an account. The mail
leaves in the background (`portal/jobs/`): to a new address a single-use, expiring link; to
an address in use a note that it already has an account. Following the link shows a page whose
button creates the organisation and its administrator (mail scanners that open links create
nothing); the link is consumed by a compare-and-set, so of two clicks at once one wins. The new
administrator then sets up two-step verification before the first session begins.
"""

import secrets
from dataclasses import asdict
from datetime import timedelta

from flask import current_app, request
from sqlalchemy import select

from portal.extensions import db
from portal.identity import accounts, tokens
from portal.identity.passwords import hash_password
from portal.jobs import outbox
from portal.models import Organisation, OrganisationKind, SignUpRequest, User
from portal.models.base import utcnow


def rate_limit() -> str:
    """The rate limit on sign-up POSTs, per address and per e-mail address typed in."""
    return current_app.config["SIGN_UP_RATE_LIMIT"]


def email_key() -> str:
    return "sign-up:" + accounts.normalise_email(request.form.get("admin_email", ""))[:254]


def request_sign_up(data: accounts.SignUp, language: str) -> None:
    """Keep the sign-up and send the mail in the background (flushes; the caller commits).

    The same work whether or not the address is in use: the check is the task's.
    """
    details = asdict(data)
    details.pop("password")
    details["kind"] = data.kind.value
    token = secrets.token_urlsafe(32)
    now = utcnow()
    row = SignUpRequest(
        email=accounts.normalise_email(data.admin_email),
        details=details,
        password_hash=hash_password(data.password or ""),
        token_hash=tokens.hash_token(token),
        created_at=now,
        expires_at=now + timedelta(seconds=current_app.config["SIGN_UP_TTL"]),
    )
    db.session.add(row)
    db.session.flush()
    outbox.enqueue(send_sign_up_mail, row.id, token, language)


def send_sign_up_mail(request_id: int, token: str, language: str) -> None:
    """The task: the confirmation link, or, for an address in use, a note saying so."""
    row = db.session.get(SignUpRequest, request_id)
    if row is None:
        return
    if accounts.find_user_by_email(row.email) is not None:
        tokens.send(row.email, "sign_up_taken", language, link=tokens.link("/sign-in"))
        return
    hours = current_app.config["SIGN_UP_TTL"] // 3600
    tokens.send(
        row.email,
        "sign_up_confirm",
        language,
        name=row.details.get("admin_name", ""),
        legal_name=row.details.get("legal_name", ""),
        link=tokens.link(f"/sign-up/confirm/{token}"),
        hours=hours,
    )


def find(token: str) -> SignUpRequest:
    """The usable sign-up request for this link, or tokens.TokenInvalid."""
    if not token or len(token) > 100:
        raise tokens.TokenInvalid
    row = db.session.scalar(
        select(SignUpRequest).where(SignUpRequest.token_hash == tokens.hash_token(token))
    )
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        raise tokens.TokenInvalid
    return row


def confirm(token: str) -> tuple[Organisation, User]:
    """Create the organisation and its administrator from a confirmed sign-up (flushes).

    Raises tokens.TokenInvalid (unknown, expired, used — also by a click a moment ago),
    accounts.EmailTaken or kvk.KvkNumberTaken (taken since the form was sent).
    """
    row = find(token)
    if not tokens.consume(SignUpRequest, row.id):
        raise tokens.TokenInvalid
    details = dict(row.details)
    details["kind"] = OrganisationKind(details["kind"])
    data = accounts.SignUp(**details, password=None)
    return accounts.sign_up(data, password_hash=row.password_hash)


def discard(request_id: int) -> None:
    """A confirmed sign-up that could not be made (address or KvK number taken since): its
    link stops working."""
    tokens.consume(SignUpRequest, request_id)
