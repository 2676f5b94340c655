"""Addresses whose mail could not be delivered: marked until cleared, shown to the user and
the organisation's administrators, skipped by every notice while marked."""

import logging
import smtplib

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from portal import audit, mail
from portal.audit import AuditAction
from portal.extensions import db
from portal.models import MailBounce, Membership, User
from portal.models.base import utcnow

log = logging.getLogger(__name__)
REASON_LENGTH = 500


def normalise(address: str) -> str:
    return (address or "").strip().lower()


def record(address: str, reason: str) -> None:
    """Mark the address, in a transaction of its own: also called after a commit (the letter
    notices) and from the mail worker, where the request's session cannot write."""
    address = normalise(address)
    with Session(bind=db.session.get_bind(), join_transaction_mode="create_savepoint") as own:
        own.add(MailBounce(address=address, reason=(reason or "")[:REASON_LENGTH]))
        own.commit()
    log.warning("an e-mail bounced (the address and reason are in the mail_bounce table)")


def marked(addresses) -> dict[str, MailBounce]:
    """The open bounce of each of these addresses that has one (latest first)."""
    wanted = sorted({normalise(a) for a in addresses if a})
    if not wanted:
        return {}
    result: dict[str, MailBounce] = {}
    for bounce in db.session.scalars(
        select(MailBounce)
        .where(MailBounce.address.in_(wanted), MailBounce.cleared_at.is_(None))
        .order_by(MailBounce.bounced_at.desc(), MailBounce.id.desc())
    ):
        result.setdefault(bounce.address, bounce)
    return result


def count_expression(organisation):
    """How many of the organisation's addresses (members' and the contact's, as
    `preferences.addresses_of_organisation`) have an open bounce, as a scalar subquery."""
    members = (
        select(func.lower(func.trim(User.email)))
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation.id)
    )
    contact = [normalise(organisation.email)] if organisation.email else []
    return (
        select(func.count(func.distinct(MailBounce.address)))
        .where(
            MailBounce.cleared_at.is_(None),
            or_(MailBounce.address.in_(members), MailBounce.address.in_(contact)),
        )
        .scalar_subquery()
    )


def deliverable(addresses) -> list[str]:
    """The addresses without an open bounce, in the order given, each once."""
    bounced = marked(addresses)
    seen, result = set(), []
    for address in addresses:
        key = normalise(address)
        if key and key not in bounced and key not in seen:
            seen.add(key)
            result.append(address)
    return result


def clear(address: str, actor, organisation) -> int:
    """Try the address again: close its open bounces (flushes, audited). Returns how many."""
    open_bounces = db.session.scalars(
        select(MailBounce).where(
            MailBounce.address == normalise(address), MailBounce.cleared_at.is_(None)
        )
    ).all()
    now = utcnow()
    for bounce in open_bounces:
        bounce.cleared_at = now
    db.session.flush()
    audit.record(
        AuditAction.MAIL_BOUNCE_CLEARED,
        actor=actor,
        organisation=organisation,
        details={"address": normalise(address)},
    )
    return len(open_bounces)


def send(to: str, subject: str, body: str) -> bool:
    """Send one notice through portal/mail.py; a refused recipient is marked as bounced (the
    other failures raise, as mail.send_mail does). False when refused."""
    try:
        mail.send_mail(to, subject, body)
    except smtplib.SMTPRecipientsRefused as refused:
        code_and_text = refused.recipients.get(to) or next(iter(refused.recipients.values()), "")
        record(to, str(code_and_text))
        return False
    return True
