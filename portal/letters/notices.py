"""E-mail notices: 'a letter arrived', to whom preferences say (portal/notices/preferences.py:
administrators and the contact address by default) — never the letter itself.

Notices are composed when the letter is issued and sent only after the transaction commits,
so a rolled-back letter sends nothing, and a failing mail server loses neither the letter nor
the request: the failure is logged and the letter waits in the inbox as always
(`portal.mail.send_after_commit`).
"""

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import exists, select

from portal import clock, mail
from portal.extensions import db
from portal.formatting import BABEL_LOCALES
from portal.letters import visibility
from portal.models import (
    Letter,
    Mandate,
    Membership,
    NoticeMode,
    NoticePreference,
    Organisation,
    User,
)
from portal.notices import bounces, preferences


def recipients(organisation: Organisation) -> list[str]:
    """Addresses that get a notice for each new letter: members who chose (or by default get)
    immediate notices, and the contact address (portal/notices/preferences.py)."""
    return [
        r.address
        for r in preferences.member_recipients(organisation)
        if r.mode == NoticeMode.IMMEDIATE
    ]


def compose(organisation: Organisation) -> tuple[str, str]:
    """Subject and body of the notice, in the organisation's language: no letter content, no
    personal data and no link to sign in (it says where to go instead)."""
    language = organisation.preferred_language
    with force_locale(BABEL_LOCALES.get(language, language)):
        subject = _("A new letter from the IND is in your inbox")
        body = "\n\n".join(
            [
                _(
                    "A new letter for %(organisation)s has arrived in the inbox of the "
                    "IND Sponsor Portal.",
                    organisation=organisation.legal_name,
                ),
                where_to_go(),
                _(
                    "For your security this e-mail never contains the letter itself. "
                    "You can choose immediate notices, a daily overview or none under "
                    "E-mail notices in the portal."
                ),
            ]
        )
    return subject, body


def where_to_go() -> str:
    return _(
        "To read it, go to the IND Sponsor Portal yourself (use your bookmark or type the "
        "address) and open the inbox. We never send a link to sign in: do not trust an e-mail "
        "that asks you to sign in through a link."
    )


def intermediary_recipients(letter: Letter, organisation: Organisation) -> list[str]:
    """E-mail addresses of intermediary users who opted in while acting for the organisation
    and may see this letter (portal/letters/visibility.py: within their mandate's scope)."""
    subscribed = db.session.execute(
        select(User.id, User.email)
        .join(NoticePreference, NoticePreference.user_id == User.id)
        .where(
            NoticePreference.organisation_id == organisation.id,
            NoticePreference.mode == NoticeMode.IMMEDIATE,
            User.active.is_(True),
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
    return bounces.deliverable(addresses)


def queue_letter_notice(letter: Letter, organisation: Organisation) -> None:
    addresses = recipients(organisation) + intermediary_recipients(letter, organisation)
    if not addresses:
        return
    subject, body = compose(organisation)
    for address in addresses:
        # Through bounces.send: a refused address is marked (portal/notices/bounces.py).
        mail.send_after_commit(address, subject, body, via=bounces.send)
