"""E-mail notices: 'a letter arrived', to the users who opted in — never the letter itself.

Notices are composed when the letter is issued and sent only after the transaction commits,
so a rolled-back letter sends nothing, and a failing mail server loses neither the letter nor
the request: the failure is logged and the letter waits in the inbox as always
(`portal.mail.send_after_commit`).
"""

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import exists, select

from portal import audit, clock, mail
from portal.audit import AuditAction
from portal.extensions import db
from portal.letters import visibility
from portal.models import (
    Letter,
    LetterNoticeSubscription,
    Mandate,
    Membership,
    Organisation,
    User,
)


def is_subscribed(user: User, organisation: Organisation) -> bool:
    return db.session.get(LetterNoticeSubscription, (user.id, organisation.id)) is not None


def set_subscription(user: User, organisation: Organisation, wanted: bool) -> None:
    current = db.session.get(LetterNoticeSubscription, (user.id, organisation.id))
    if wanted and current is None:
        db.session.add(LetterNoticeSubscription(user_id=user.id, organisation_id=organisation.id))
    elif not wanted and current is not None:
        db.session.delete(current)
    else:
        return
    audit.record(
        AuditAction.LETTER_NOTICE_SUBSCRIBED if wanted else AuditAction.LETTER_NOTICE_UNSUBSCRIBED,
        actor=user,
        organisation=organisation,
        target=user,
    )


def recipients(organisation: Organisation) -> list[str]:
    """E-mail addresses of the organisation's members who opted in."""
    return list(
        db.session.scalars(
            select(User.email)
            .join(Membership, Membership.user_id == User.id)
            .join(
                LetterNoticeSubscription,
                (LetterNoticeSubscription.user_id == User.id)
                & (LetterNoticeSubscription.organisation_id == Membership.organisation_id),
            )
            .where(Membership.organisation_id == organisation.id)
            .order_by(User.id)
        )
    )


def compose(letter: Letter, organisation: Organisation) -> tuple[str, str]:
    """Subject and body of the notice, in the organisation's language: no letter content."""
    link = f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/inbox/{letter.id}"
    with force_locale(organisation.preferred_language):
        subject = _("A new letter from the IND is in your inbox")
        body = "\n\n".join(
            [
                _(
                    "A new letter for %(organisation)s has arrived in the inbox of the "
                    "IND Sponsor Portal.",
                    organisation=organisation.legal_name,
                ),
                _("Sign in to read it: %(link)s", link=link),
                _(
                    "For your security this e-mail never contains the letter itself. "
                    "You receive it because you asked to be told when a letter arrives; "
                    "you can turn this off under E-mail notices in the portal."
                ),
            ]
        )
    return subject, body


def intermediary_recipients(letter: Letter, organisation: Organisation) -> list[str]:
    """E-mail addresses of intermediary users who opted in while acting for the organisation
    and may see this letter (portal/letters/visibility.py: within their mandate's scope)."""
    subscribed = db.session.execute(
        select(User.id, User.email)
        .join(LetterNoticeSubscription, LetterNoticeSubscription.user_id == User.id)
        .where(
            LetterNoticeSubscription.organisation_id == organisation.id,
            ~exists().where(
                Membership.user_id == User.id, Membership.organisation_id == organisation.id
            ),
        )
        .order_by(User.id)
    ).all()
    addresses = []
    today = clock.today()
    for user_id, email in subscribed:
        mandates = db.session.scalars(
            select(Mandate)
            .join(Membership, Membership.organisation_id == Mandate.intermediary_id)
            .where(Membership.user_id == user_id, Mandate.sponsor_id == organisation.id)
        ).all()
        for mandate in mandates:
            viewer = visibility.Viewer(
                organisation.id,
                everything=False,
                categories=frozenset(mandate.categories)
                if mandate.active_on(today)
                else frozenset(),
                intermediary_id=mandate.intermediary_id,
            )
            if visibility.may_see(viewer, letter.id):
                addresses.append(email)
                break
    return addresses


def queue_letter_notice(letter: Letter, organisation: Organisation) -> None:
    addresses = recipients(organisation) + intermediary_recipients(letter, organisation)
    if not addresses:
        return
    subject, body = compose(letter, organisation)
    for address in addresses:
        mail.send_after_commit(address, subject, body)
