"""Reminder letters issued by `flask reminders send` (run daily; safe to run again).

- Extension reminder: a sponsored person's latest permit is in its extension window and no
  extension has been applied for (nor the end of the stay reported) — one letter per permit.
- Overdue report: the permit expired without an extension, the reporting period (4 weeks
  from the end date, reference data) has passed, and the end of the stay was never reported —
  one letter per permit.

Which permits are due comes from the duties dashboard (`duty_overview.extension_duties`), so
the letters and the dashboard agree. `ReminderSent` (unique per permit and kind) makes each
reminder go out once.
"""

from datetime import date

from sqlalchemy import select, true

from portal import clock
from portal.duties import deadlines as duties
from portal.duties import overview as duty_overview
from portal.extensions import db
from portal.letters.issuing import LETTER_LANGUAGES, issue_letter
from portal.models import LetterKind, Organisation, Permit, ReminderKind, ReminderSent

# The report the sponsor owes once a permit ended without an extension (rules.md: duty to
# inform within 4 weeks of the fact), in the letter's language.
END_OF_STAY = {
    "en": "End of the stay, study or employment (the residence permit expired without extension)",
    "nl": "Einde van het verblijf, de studie of het werk (de verblijfsvergunning is verlopen "
    "zonder verlenging)",
}


def _everyone(_column):
    return true()


def _already_sent(permit_id: int, kind: LetterKind) -> bool:
    return (
        db.session.scalar(
            select(ReminderSent.id).where(
                ReminderSent.permit_id == permit_id, ReminderSent.kind == ReminderKind(kind.value)
            )
        )
        is not None
    )


def _due_reminder(duty: duty_overview.ExtensionDuty, today: date) -> LetterKind | None:
    if duty.status.state == "due" and duty.row.state == "extension":
        return LetterKind.EXTENSION_REMINDER
    if (
        duty.status.state == "overdue"
        and not duty.stay_ended
        and today > duties.report_due_date(duty.row.permit.ends_on)
    ):
        return LetterKind.REMINDER_OVERDUE_REPORT
    return None


def _issue(organisation: Organisation, kind: LetterKind, row, today: date):
    permit = row.permit
    common = {"person": row.person, "category": permit.category.value}
    if kind == LetterKind.EXTENSION_REMINDER:
        return issue_letter(
            organisation, kind, expires_on=permit.ends_on, apply_from=row.window_opens, **common
        )
    language = organisation.preferred_language
    if language not in LETTER_LANGUAGES:
        language = "nl"
    return issue_letter(
        organisation,
        kind,
        report_subject=END_OF_STAY[language],
        event_date=permit.ends_on,
        due_date=duties.report_due_date(permit.ends_on),
        **common,
    )


def send_due(today: date | None = None) -> list[ReminderSent]:
    """Issue every reminder that is due today and was not sent before. Flushes, never commits."""
    today = today or clock.today()
    organisation_ids = db.session.scalars(
        select(Permit.organisation_id).distinct().order_by(Permit.organisation_id)
    ).all()
    sent = []
    for organisation_id in organisation_ids:
        organisation = db.session.get(Organisation, organisation_id)
        for duty in duty_overview.extension_duties(organisation_id, _everyone, today):
            kind = _due_reminder(duty, today)
            if kind is None or _already_sent(duty.row.permit.id, kind):
                continue
            letter = _issue(organisation, kind, duty.row, today)
            record = ReminderSent(
                organisation_id=organisation_id,
                permit_id=duty.row.permit.id,
                kind=ReminderKind(kind.value),
                letter_id=letter.id,
                sent_on=today,
            )
            db.session.add(record)
            db.session.flush()
            sent.append(record)
    return sent
