"""The daily e-mail digest (`flask todo digest`, once a day from cron).

To every address that gets notices for an organisation (portal/notices/preferences.py) one
e-mail with the to-do items (portal/todo/) that are overdue or due within the reference data's
`digest_window` days,
counted by kind — never a name or a letter's subject, never a link to sign in. Users who chose
the daily digest also read how many letters arrived since their previous digest. Nothing to
say, no e-mail. At most one digest per address, organisation and day: a second run on the same
day sends nothing again (`NoticeDigest`).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select, true

from portal import clock, todo
from portal import reference as ref
from portal.extensions import db
from portal.formatting import BABEL_LOCALES, date_text
from portal.letters import visibility
from portal.models import Letter, NoticeDigest, NoticeMode, Organisation
from portal.notices import bounces, preferences
from portal.permissions import MANDATE_PERMISSIONS, ORG_ROLE_PERMISSIONS


@dataclass(frozen=True)
class Digest:
    organisation_id: int
    address: str
    subject: str
    body: str
    items: int


def _member_scope(organisation: Organisation, role) -> todo.Scope:
    """A member's list: everything of the organisation, the items their role may act on."""
    return todo.Scope(organisation, None, lambda _column: true(), ORG_ROLE_PERMISSIONS[role])


def _agent_scope(organisation: Organisation, mandate) -> todo.Scope:
    """What an intermediary's list holds: the mandate's categories, the letters it may see."""
    categories = mandate.category_set
    return todo.Scope(
        organisation,
        categories,
        lambda column: column.in_(sorted(categories)),
        MANDATE_PERMISSIONS,
        viewer=visibility.Viewer(
            organisation.id,
            everything=False,
            categories=frozenset(c.value for c in categories),
            intermediary_id=mandate.intermediary_id,
        ),
    )


def _due_soon(scope: todo.Scope, today: date) -> list[todo.Item]:
    horizon = today + timedelta(days=ref.digest_window_days(today))
    return todo.items(
        scope,
        today,
        group_above=0,
        keep=lambda i: i.due is not None and i.date_label == "due" and i.due <= horizon,
    )


def _new_letters(scope: todo.Scope, address: str, today: date) -> int:
    """Letters issued since this address's previous digest (none yet: since yesterday)."""
    since = db.session.scalar(
        select(func.max(NoticeDigest.sent_at)).where(
            NoticeDigest.address == address,
            NoticeDigest.organisation_id == scope.organisation.id,
        )
    ) or datetime.combine(today - timedelta(days=1), time.min, tzinfo=clock.AMSTERDAM)
    query = (
        select(func.count())
        .select_from(Letter)
        .where(Letter.organisation_id == scope.organisation.id, Letter.issued_at > since)
    )
    if scope.viewer is not None:
        query = query.where(visibility.clause(scope.viewer))
    return db.session.scalar(query)


def _line(item: todo.Item, today: date) -> str:
    day = date_text(item.due)
    if item.overdue(today):
        return _("- %(what)s: overdue since %(date)s", what=item.title, date=day)
    return _("- %(what)s: by %(date)s", what=item.title, date=day)


def compose(organisation, items, letters: int, today: date) -> tuple[str, str]:
    """In the organisation's language (the caller sets it: `pending`)."""
    subject = _("What needs your attention at %(name)s", name=organisation.legal_name)
    parts = [
        _(
            "%(name)s: the daily overview of the IND Sponsor Portal.",
            name=organisation.legal_name,
        )
    ]
    if items:
        parts.append(
            "\n".join(
                [
                    ngettext(
                        "Overdue or due within %(num)d day:",
                        "Overdue or due within %(num)d days:",
                        ref.digest_window_days(today),
                    )
                ]
                + [_line(item, today) for item in items]
            )
        )
    if letters:
        parts.append(
            ngettext(
                "%(num)d new letter arrived in the inbox since the previous overview.",
                "%(num)d new letters arrived in the inbox since the previous overview.",
                letters,
            )
        )
    parts.append(
        _(
            "To see the details, go to the IND Sponsor Portal yourself (use your bookmark "
            "or type the address): the overview page lists what needs your attention. We "
            "never send a link to sign in."
        )
    )
    parts.append(
        _(
            "You can choose immediate notices, this daily overview or none under E-mail "
            "notices in the portal."
        )
    )
    return subject, "\n\n".join(parts)


def pending(today: date) -> Iterator[Digest]:
    """The digests still to send today, organisation by organisation."""
    organisation_ids = db.session.scalars(select(Organisation.id).order_by(Organisation.id)).all()
    for organisation_id in organisation_ids:
        organisation = db.session.get(Organisation, organisation_id)
        language = organisation.preferred_language
        with force_locale(BABEL_LOCALES.get(language, language)):
            found = list(_for_organisation(organisation, today))
        yield from found


def _for_organisation(organisation: Organisation, today: date) -> Iterator[Digest]:
    """Members and the contact address share one list; each intermediary user gets the list
    of its mandate."""
    sent = set(
        db.session.scalars(
            select(NoticeDigest.address).where(
                NoticeDigest.organisation_id == organisation.id, NoticeDigest.day == today
            )
        )
    )
    by_role: dict = {}
    wanted = [
        (r.address, r.mode, by_role.setdefault(r.role, _member_scope(organisation, r.role)))
        for r in preferences.member_recipients(organisation)
    ] + [
        (a.address, a.mode, _agent_scope(organisation, a.mandate))
        for a in preferences.intermediary_recipients(organisation, today)
    ]
    items_by_scope: dict[int, list] = {}
    for address, mode, scope in wanted:
        address = bounces.normalise(address)
        if address in sent:
            continue
        sent.add(address)
        if id(scope) not in items_by_scope:
            items_by_scope[id(scope)] = _due_soon(scope, today)
        items = items_by_scope[id(scope)]
        letters = _new_letters(scope, address, today) if mode == NoticeMode.DIGEST else 0
        if not items and not letters:
            continue
        subject, body = compose(organisation, items, letters, today)
        yield Digest(organisation.id, address, subject, body, len(items))


def mark_sent(digest: Digest, today: date) -> None:
    db.session.add(
        NoticeDigest(
            address=digest.address,
            organisation_id=digest.organisation_id,
            day=today,
            items=digest.items,
        )
    )
    db.session.flush()
