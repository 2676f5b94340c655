"""Every change of an organisation's members and roles is e-mailed to all its administrators
(issue 25), so that nobody gains or loses rights unseen. The message names people by name only
(no e-mail addresses or other personal data) and goes out when the change is committed.

One e-mail per administrator, in Dutch and English (the portal does not keep a language per
user for e-mail), with a link to the team page.
"""

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from portal import mail
from portal.extensions import db
from portal.labels import ORG_ROLE
from portal.models import Membership, Organisation, OrgRole, User


def _administrators(organisation: Organisation, column):
    return list(
        db.session.scalars(
            select(column)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.organisation_id == organisation.id,
                Membership.role == OrgRole.ADMINISTRATOR,
                User.active.is_(True),
            )
            .order_by(User.name, User.id)
        )
    )


def administrator_addresses(organisation: Organisation) -> list[str]:
    return _administrators(organisation, User.email)


def administrator_names(organisation: Organisation) -> list[str]:
    """The names of the administrators who can sign in (what every member may know)."""
    return _administrators(organisation, User.name)


def _sentence(event: str, names: dict) -> str:
    role = ORG_ROLE.get(names.get("role"), "")
    old_role = ORG_ROLE.get(names.get("old_role"), "")
    member, actor = names.get("member", ""), names.get("actor", "")
    sentences = {
        "invited": lambda: _(
            "%(actor)s invited someone to join as %(role)s.", actor=actor, role=role
        ),
        "joined": lambda: _("%(member)s joined as %(role)s.", member=member, role=role),
        "joined_eherkenning": lambda: _(
            "%(member)s joined as %(role)s by signing in with eHerkenning.",
            member=member,
            role=role,
        ),
        "role_changed": lambda: _(
            "%(actor)s changed the role of %(member)s from %(old_role)s to %(role)s.",
            actor=actor,
            member=member,
            old_role=old_role,
            role=role,
        ),
        "removed": lambda: _(
            "%(actor)s removed %(member)s from the team.", actor=actor, member=member
        ),
        "rights_requested": lambda: _(
            "%(member)s asked the IND for administrator rights.", member=member
        ),
        "rights_granted": lambda: _("The IND gave %(member)s administrator rights.", member=member),
        "rights_granted_eherkenning": lambda: _(
            "%(member)s received administrator rights by signing in with eHerkenning.",
            member=member,
        ),
        "member_kept": lambda: _(
            "%(actor)s kept %(member)s in the team after the review of members who have not "
            "signed in for a while.",
            actor=actor,
            member=member,
        ),
    }
    return sentences[event]()


def tell_administrators(organisation: Organisation, event: str, **names) -> None:
    """Queue the e-mail about one change for every active administrator (sent on commit).

    names: member, actor (people's names), role / old_role (OrgRole values)."""
    addresses = administrator_addresses(organisation)
    if not addresses:
        return
    link = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for("organisation.team")
    parts, subjects = [], []
    for language in ("nl", "en"):
        with force_locale(language):
            subjects.append(_("Change in your team in the IND Sponsor Portal"))
            parts.append(
                _(
                    "%(organisation)s: %(change)s\n\nSee your team: %(link)s\n\nYou receive this "
                    "e-mail because you are an administrator of this organisation.",
                    organisation=organisation.legal_name,
                    change=_sentence(event, names),
                    link=link,
                )
            )
    subject = " / ".join(subjects)
    body = "\n\n---\n\n".join(parts)
    for address in addresses:
        mail.send_after_commit(address, subject, body)
