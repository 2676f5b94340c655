"""Single-use, expiring links sent by e-mail: password reset and confirming a new address.

Only the SHA-256 of a token is stored; the token itself is only in the e-mail. A token works
once, until it expires; asking for a new reset link makes the older ones useless. "Once" is a
compare-and-set (`consume`): of two requests with the same token at the same moment, one wins.
A reset request looks the address up and mails in the background (`portal/jobs/`), so the
answer takes as long whether or not an account has the address.
"""

import hashlib
import secrets
import smtplib
from datetime import timedelta

from flask import current_app, has_request_context, render_template
from flask_babel import force_locale
from sqlalchemy import select, update

from portal import audit
from portal.audit import AuditAction
from portal.extensions import db
from portal.identity import accounts
from portal.identity.passwords import hash_password
from portal.jobs import outbox
from portal.mail import send_mail
from portal.models import AccountToken, TokenPurpose, User
from portal.models.base import utcnow


class TokenInvalid(Exception):
    """Unknown, used or expired."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def consume(model, row_id: int) -> bool:
    """Mark a single-use row used, if nobody did first (a compare-and-set; flushes)."""
    now = utcnow()
    result = db.session.execute(
        update(model)
        .where(model.id == row_id, model.used_at.is_(None), model.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _issue(user: User, purpose: TokenPurpose, ttl_seconds: int, new_email=None) -> str:
    # Older unused tokens for the same purpose stop working.
    db.session.execute(
        update(AccountToken)
        .where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        AccountToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=hash_token(token),
            new_email=new_email,
            created_at=now,
            expires_at=now + timedelta(seconds=ttl_seconds),
        )
    )
    db.session.flush()
    return token


def find(token: str, purpose: TokenPurpose) -> AccountToken:
    """The usable token row, or TokenInvalid."""
    if not token or len(token) > 100:
        raise TokenInvalid
    row = db.session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == hash_token(token), AccountToken.purpose == purpose
        )
    )
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        raise TokenInvalid
    return row


def link(endpoint_path: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + endpoint_path


def _language(user: User) -> str:
    for membership in user.memberships:
        return membership.organisation.preferred_language
    return "nl"


def send(to: str, template: str, language: str, **context) -> None:
    if not has_request_context():  # in the worker: templates expect a request
        with current_app.test_request_context():
            return send(to, template, language, **context)
    with force_locale(language):
        subject = render_template(f"account/mail/{template}.subject.txt", **context).strip()
        body = render_template(f"account/mail/{template}.txt", **context)
    try:
        send_mail(to, subject, body)
    except (smtplib.SMTPException, OSError):
        # The page says the same whether or not mail went out; the operator sees the log.
        current_app.logger.exception("could not send %s e-mail", template)


class WrongPassword(Exception):
    """The current password given to change it is not the user's."""


def change_password(user: User, current: str, new: str, language: str) -> None:
    """A signed-in user's new password, after the current one: every session of the user ends
    (the caller starts a fresh one for this browser), audited (accounts.set_password), and a
    notice to the account's address, without personal data or a link (flushes)."""
    if not accounts.check_password(user, current):
        raise WrongPassword
    accounts.set_password(user, new)
    send(user.email, "password_changed", language)


def request_password_reset(email: str, language: str) -> None:
    """The same work whatever the address: the look-up and the mail happen in the background."""
    outbox.enqueue(send_password_reset, accounts.normalise_email(email)[:254], language)


def send_password_reset(email: str, language: str) -> None:
    """The task: a reset link if an account has this address, else nothing (commits)."""
    user = accounts.find_user_by_email(email)
    if user is None:
        return
    ttl = current_app.config["PASSWORD_RESET_TTL"]
    token = _issue(user, TokenPurpose.PASSWORD_RESET, ttl)
    audit.record(AuditAction.USER_PASSWORD_RESET_REQUESTED, target=user)
    send(
        user.email,
        "password_reset",
        language,
        name=user.name,
        link=link(f"/password-reset/{token}"),
        minutes=ttl // 60,
    )
    db.session.commit()


def reset_password(token: str, password: str) -> User:
    row = find(token, TokenPurpose.PASSWORD_RESET)
    if not consume(AccountToken, row.id):
        raise TokenInvalid
    accounts.set_password(row.user, password)
    audit.record(AuditAction.USER_PASSWORD_RESET_COMPLETED, actor=row.user, target=row.user)
    return row.user


def send_staff_invitation(user: User, inviter: User, language: str) -> None:
    """Mail the single-use, expiring link with which the invitee sets their own password and
    second factor (flushes)."""
    ttl = current_app.config["STAFF_INVITATION_TTL"]
    token = _issue(user, TokenPurpose.STAFF_INVITATION, ttl)
    send(
        user.email,
        "staff_invitation",
        language,
        name=user.name,
        inviter=inviter.name,
        link=link(f"/backoffice/invitation/{token}"),
        hours=ttl // 3600,
    )


def accept_staff_invitation(token: str, password: str) -> User:
    """The invitee's own password; the link is used up (compare-and-set). The second factor is
    set up next, before the first session (sign_in.begin)."""
    row = find(token, TokenPurpose.STAFF_INVITATION)
    if not consume(AccountToken, row.id) or not accounts.invitation_pending(row.user):
        raise TokenInvalid
    user = row.user
    user.password_hash = hash_password(password)
    audit.record(AuditAction.STAFF_INVITATION_ACCEPTED, actor=user, target=user)
    db.session.flush()
    return user


def request_email_change(user: User, new_email: str, language: str) -> None:
    """Send a confirmation link to the new address (or, if it is taken, say so to it)."""
    new_email = accounts.normalise_email(new_email)
    if accounts.find_user_by_email(new_email) is not None:
        send(new_email, "email_taken", language)
        return
    ttl = current_app.config["EMAIL_CHANGE_TTL"]
    token = _issue(user, TokenPurpose.EMAIL_CHANGE, ttl, new_email=new_email)
    audit.record(AuditAction.USER_EMAIL_CHANGE_REQUESTED, actor=user, target=user)
    send(
        new_email,
        "confirm_email",
        language,
        name=user.name,
        link=link(f"/email/confirm/{token}"),
        hours=ttl // 3600,
    )


def confirm_email_change(token: str, language: str) -> User:
    row = find(token, TokenPurpose.EMAIL_CHANGE)
    if not consume(AccountToken, row.id):
        raise TokenInvalid
    if accounts.find_user_by_email(row.new_email) is not None:
        raise accounts.EmailTaken(row.new_email)
    user = row.user
    old_email = user.email
    user.email = row.new_email
    db.session.flush()
    audit.record(
        AuditAction.USER_EMAIL_CHANGED,
        actor=user,
        target=user,
        details={"from": old_email, "to": user.email},
    )
    send(old_email, "email_changed", language, name=user.name, new_email=user.email)
    return user
