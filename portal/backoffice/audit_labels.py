"""The audit log in words (back office): each action's readable name, the areas the action
select groups them in, and an event's details as label/value pairs instead of JSON.

One mapping from `AuditAction`; `tests/blueprints/test_audit_readable.py` fails when an action
has no label. Events written before an action was renamed or dropped show their stored code.
"""

import re
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.audit import AuditAction
from portal.formatting import date_text, money

ACTION = {
    AuditAction.CONTEXT_SWITCHED: _l("Switched to another organisation"),
    AuditAction.MEMBERSHIP_CREATED_BY_EHERKENNING: _l("Member added through eHerkenning"),
    AuditAction.OIDC_REFUSED: _l("Sign-in through eHerkenning or SSO refused"),
    AuditAction.STAFF_ACTIVATED: _l("Staff account activated"),
    AuditAction.STAFF_CREATED: _l("Staff account created"),
    AuditAction.STAFF_INVITED: _l("Staff member invited"),
    AuditAction.STAFF_INVITATION_ACCEPTED: _l("Staff invitation accepted"),
    AuditAction.STAFF_DEACTIVATED: _l("Staff account deactivated"),
    AuditAction.STAFF_ROLE_CHANGED: _l("Staff role changed"),
    AuditAction.USER_EMAIL_CHANGED: _l("E-mail address changed"),
    AuditAction.USER_EMAIL_CHANGE_REQUESTED: _l("Change of e-mail address requested"),
    AuditAction.USER_IDENTITY_LINKED: _l("eHerkenning or SSO identity linked"),
    AuditAction.USER_PASSWORD_CHANGED: _l("Password changed"),
    AuditAction.USER_PASSWORD_RESET_COMPLETED: _l("Password reset"),
    AuditAction.USER_PASSWORD_RESET_REQUESTED: _l("Password reset requested"),
    AuditAction.USER_RECOVERY_CODE_USED: _l("Recovery code used"),
    AuditAction.USER_RECOVERY_CODES_RENEWED: _l("New recovery codes made"),
    AuditAction.USER_REGISTERED_BY_INVITATION: _l("Account made from an invitation"),
    AuditAction.USER_SECOND_FACTOR_ENROLLED: _l("Second factor set up"),
    AuditAction.USER_SECOND_FACTOR_TURNED_OFF: _l("Second factor turned off"),
    AuditAction.USER_SIGNED_IN: _l("Signed in"),
    AuditAction.USER_SIGNED_OUT_EVERYWHERE: _l("Signed out everywhere"),
    AuditAction.API_CALLED: _l("API called"),
    AuditAction.API_CALL_REFUSED: _l("API call refused"),
    AuditAction.WEBHOOK_SUBSCRIBED: _l("Webhook added"),
    AuditAction.WEBHOOK_REMOVED: _l("Webhook removed"),
    AuditAction.WEBHOOK_SECRET_ROTATED: _l("Webhook signing secret renewed"),
    AuditAction.WEBHOOK_REPLAYED: _l("Webhook delivery sent again"),
    AuditAction.STUDENT_IMPORT_UNDONE: _l("Student import undone"),
    AuditAction.API_CLIENT_REGISTERED: _l("API client registered"),
    AuditAction.API_CLIENT_REVOKED: _l("API client revoked"),
    AuditAction.API_CLIENT_ROTATED: _l("API client secret renewed"),
    AuditAction.API_TOKEN_ISSUED: _l("API access token issued"),
    AuditAction.ADMIN_RIGHTS_GRANTED: _l("Administrator rights granted"),
    AuditAction.ADMIN_RIGHTS_REFUSED: _l("Administrator rights refused"),
    AuditAction.ADMIN_RIGHTS_REQUESTED: _l("Administrator rights requested"),
    AuditAction.MEMBER_KEPT: _l("Member kept on"),
    AuditAction.DISCLOSURE_MADE: _l("Breach reported by the organisation itself"),
    AuditAction.PROFILE_CONFIRMED: _l("Profile confirmed"),
    AuditAction.CHANGE_REPORT_ACCEPTED: _l("Change report accepted"),
    AuditAction.CHANGE_REPORT_REJECTED: _l("Change report rejected"),
    AuditAction.MANDATE_GRANTED: _l("Mandate granted"),
    AuditAction.MANDATE_REVOKED: _l("Mandate revoked"),
    AuditAction.MEMBER_INVITATION_REVOKED: _l("Invitation of a member revoked"),
    AuditAction.MEMBER_INVITED: _l("Member invited"),
    AuditAction.MEMBER_JOINED: _l("Member joined"),
    AuditAction.MEMBER_REMOVED: _l("Member removed"),
    AuditAction.MEMBER_ROLE_CHANGED: _l("Member's role changed"),
    AuditAction.ORGANISATION_CHANGE_REPORTED: _l("Change of legal identity reported"),
    AuditAction.ORGANISATION_FROZEN: _l("Organisation frozen"),
    AuditAction.ORGANISATION_HANDED_OVER: _l("Organisation handed over"),
    AuditAction.ORGANISATION_KVK_VERIFIED: _l("KvK number verified"),
    AuditAction.ORGANISATION_PROFILE_CHANGED: _l("Organisation profile changed"),
    AuditAction.ORGANISATION_SIGNED_UP: _l("Organisation signed up"),
    AuditAction.ORGANISATION_TAKEN_OVER: _l("Organisation taken over"),
    AuditAction.PERSON_ARCHIVED: _l("Person archived"),
    AuditAction.PERSON_CHANGED: _l("Person changed"),
    AuditAction.PERSON_CREATED: _l("Person added"),
    AuditAction.PERSON_RESTORED: _l("Person restored"),
    AuditAction.APPLICATION_ASSIGNED: _l("Case assigned"),
    AuditAction.APPLICATION_CHECKLIST_SAVED: _l("Checklist saved"),
    AuditAction.APPLICATION_CLAIMED: _l("Case claimed"),
    AuditAction.APPLICATION_DRAFT_SAVED: _l("Draft application saved"),
    AuditAction.APPLICATION_GRANTED: _l("Application granted"),
    AuditAction.APPLICATION_INFORMATION_REQUESTED: _l("Information requested"),
    AuditAction.APPLICATION_REFUSAL_APPROVED: _l("Refusal approved"),
    AuditAction.APPLICATION_REFUSAL_PROPOSED: _l("Refusal proposed"),
    AuditAction.APPLICATION_REFUSAL_REJECTED: _l("Proposed refusal rejected"),
    AuditAction.APPLICATION_REFUSED: _l("Application refused"),
    AuditAction.APPLICATION_REPLY_RECEIVED: _l("Reply received"),
    AuditAction.APPLICATION_STARTED: _l("Application started"),
    AuditAction.APPLICATION_SUBMITTED: _l("Application submitted"),
    AuditAction.APPLICATION_WITHDRAWN: _l("Application withdrawn"),
    AuditAction.FAMILY_APPLICATION_STARTED: _l("Family member's application started"),
    AuditAction.FAMILY_MAIN_ENDED: _l("Family members flagged: the main application ended"),
    AuditAction.APPLICATION_NOT_CONSIDERED: _l("Application not considered (fee unpaid)"),
    AuditAction.APPLICATION_NOTICE_OF_DEFAULT: _l("Notice of default sent"),
    AuditAction.APPLICATION_PERIOD_EXTENDED: _l("Decision period extended"),
    AuditAction.APPLICATION_SIGN_OFF_REQUESTED: _l("Internal sign-off requested"),
    AuditAction.APPLICATION_SIGN_OFF_APPROVED: _l("Internal sign-off given"),
    AuditAction.APPLICATION_SIGN_OFF_RETURNED: _l("Sent back at internal sign-off"),
    AuditAction.ORGANISATION_SIGN_OFF_SET: _l("Internal sign-off setting changed"),
    AuditAction.INTENDED_DECISION_ISSUED: _l("Intended decision issued"),
    AuditAction.APPLICATIONS_BULK_SUBMITTED: _l("Applications submitted together"),
    AuditAction.UWV_ADVICE_REQUESTED: _l("UWV advice requested"),
    AuditAction.UWV_ADVICE_RECORDED: _l("UWV advice recorded"),
    AuditAction.CASE_REPLY_RECEIVED: _l("Reply to a letter received"),
    AuditAction.DOCUMENT_REMOVED: _l("Document removed"),
    AuditAction.DOCUMENT_UPLOADED: _l("Document uploaded"),
    AuditAction.EXPORT_FEES: _l("Fees exported"),
    AuditAction.FEE_AMOUNT_SET: _l("Fee amount set"),
    AuditAction.FEE_PAID: _l("Fee paid"),
    AuditAction.FEE_ONLINE_STARTED: _l("Online payment started"),
    AuditAction.FEE_ONLINE_REFUSED: _l("Online payment status refused"),
    AuditAction.FEE_PAYMENT_UNDONE: _l("Fee payment undone"),
    AuditAction.FEE_REMINDED: _l("Reminder of an unpaid fee sent"),
    AuditAction.FEE_STATEMENT_IMPORTED: _l("Bank statement imported"),
    AuditAction.LETTER_ISSUED: _l("Letter issued"),
    AuditAction.MAIL_BOUNCE_CLEARED: _l("Bounced address tried again"),
    AuditAction.NOTICE_CONTACT_CHANGED: _l("Notices to the contact address changed"),
    AuditAction.NOTICE_MODE_CHANGED: _l("E-mail notice setting changed"),
    AuditAction.STAFF_LETTER_SENT: _l("Letter sent by staff"),
    AuditAction.EXPORT_PEOPLE: _l("People exported"),
    AuditAction.EXPORT_PERMITS: _l("Permits exported"),
    AuditAction.EXPORT_REPORTS: _l("Reports exported"),
    AuditAction.REPORT_FILED: _l("Report filed"),
    AuditAction.STUDY_PROGRESS_DECLARED: _l("Study progress declared"),
    AuditAction.STUDENT_IMPORT_CONFIRMED: _l("Student import confirmed"),
    AuditAction.STUDENT_IMPORT_IMPORTED: _l("Students imported"),
    AuditAction.STUDENT_IMPORT_UPLOADED: _l("Student file uploaded"),
    AuditAction.SANCTIONS_SUSPENSION_EXPIRED: _l("Suspension ended by date"),
    AuditAction.STAFF_RECOGNITION_SUSPENDED: _l("Recognition suspended"),
    AuditAction.STAFF_RECOGNITION_SUSPENSION_EXTENDED: _l("Suspension extended"),
    AuditAction.STAFF_RECOGNITION_SUSPENSION_LIFTED: _l("Suspension lifted"),
    AuditAction.STAFF_RECOGNITION_WITHDRAWN: _l("Recognition withdrawn"),
    AuditAction.STAFF_SANCTION_FINE_RECORDED: _l("Fine imposed"),
    AuditAction.STAFF_SANCTION_WARNING_RECORDED: _l("Warning given"),
    AuditAction.STAFF_AUDIT_EXPORTED: _l("Audit log exported"),
    AuditAction.STAFF_AUDIT_SEARCHED: _l("Audit log searched"),
    AuditAction.STAFF_CASE_VIEWED: _l("Case viewed by staff"),
    AuditAction.STAFF_CASE_REPLIES_VIEWED: _l("Replies on a case viewed by staff"),
    AuditAction.STAFF_ADMIN_RIGHTS_VIEWED: _l("Request for administrator rights viewed by staff"),
    AuditAction.STAFF_CHANGE_REPORT_VIEWED: _l("Change report viewed by staff"),
    AuditAction.STAFF_DOCUMENT_VIEWED: _l("Document viewed by staff"),
    AuditAction.STAFF_EVENT_LOG_EXPORTED: _l("Event log exported"),
    AuditAction.STAFF_LETTER_VIEWED: _l("Letter viewed by staff"),
    AuditAction.STAFF_ORGANISATION_VIEWED: _l("Organisation viewed by staff"),
    AuditAction.STAFF_TRIAGE_RULE_CHANGED: _l("Triage rule changed"),
    AuditAction.STAFF_JOB_RETRIED: _l("Failed background job retried"),
    AuditAction.EXPORT_REQUESTED: _l("Large export requested"),
    AuditAction.EXPORT_DOWNLOADED: _l("Large export downloaded"),
    AuditAction.APPOINTMENT_BOOKED: _l("Appointment at an IND desk booked"),
    AuditAction.APPOINTMENT_RESCHEDULED: _l("Appointment at an IND desk moved"),
    AuditAction.APPOINTMENT_CANCELLED: _l("Appointment at an IND desk cancelled"),
    AuditAction.APPOINTMENT_OUTCOME_RECORDED: _l("Appointment marked attended or no-show"),
    AuditAction.STAFF_DESK_SAVED: _l("IND desk saved"),
    AuditAction.STAFF_DESK_DAY_SET: _l("IND desk closure or one-off change set"),
    AuditAction.STAFF_DESK_DAY_LIST_VIEWED: _l("Day list of an IND desk viewed"),
}

# The select groups actions by the first part of their code.
AREA = {
    "user": _l("Accounts and sign-in"),
    "context": _l("Accounts and sign-in"),
    "membership": _l("Accounts and sign-in"),
    "oidc": _l("Accounts and sign-in"),
    "organisation": _l("Organisations and teams"),
    "profile": _l("Organisations and teams"),
    "change_report": _l("Organisations and teams"),
    "member": _l("Organisations and teams"),
    "admin_rights": _l("Organisations and teams"),
    "mandate": _l("Organisations and teams"),
    "disclosure": _l("Organisations and teams"),
    "api": _l("API"),
    "api_client": _l("API"),
    "person": _l("People"),
    "application": _l("Cases"),
    "case": _l("Cases"),
    "document": _l("Cases"),
    "fee": _l("Fees"),
    "letter": _l("Letters and e-mail notices"),
    "notice": _l("Letters and e-mail notices"),
    "report": _l("Duties, imports and exports"),
    "study_progress": _l("Duties, imports and exports"),
    "student_import": _l("Duties, imports and exports"),
    "export": _l("Duties, imports and exports"),
    "staff": _l("Back office"),
    "sanctions": _l("Back office"),
    "appointment": _l("Appointments"),
}
OTHER_AREA = _l("Other")

DETAIL = {
    "action": _l("Action"),
    "actor": _l("Actor"),
    "address": _l("E-mail address"),
    "allowed_ips": _l("Allowed IP addresses"),
    "amount_cents": _l("Amount"),
    "answers": _l("Answers"),
    "applications": _l("Applications"),
    "category": _l("Category"),
    "cents": _l("Amount"),
    "changed": _l("Changed"),
    "checked_on": _l("Checked on"),
    "content_type": _l("File type"),
    "counts": _l("Counts"),
    "created": _l("Created"),
    "decision_deadline": _l("Statutory decision deadline"),
    "disclosures": _l("Own reports taken into account"),
    "documents": _l("Documents"),
    "due_on": _l("Due on"),
    "email": _l("E-mail address"),
    "ends_on": _l("Ends on"),
    "fee_cents": _l("Fee"),
    "fields": _l("Fields"),
    "format": _l("Format"),
    "from": _l("From"),
    "intermediary": _l("Intermediary"),
    "invitation": _l("Invitation"),
    "kind": _l("Kind"),
    "kvk_number": _l("KvK number"),
    "letter_id": _l("Letter"),
    "linked": _l("Linked"),
    "mandate": _l("Mandate"),
    "name": _l("Name"),
    "note": _l("Note"),
    "on": _l("On"),
    "on_behalf_of": _l("On behalf of"),
    "organisation": _l("Organisation"),
    "page_after": _l("Older than event"),
    "pay_by": _l("Pay by"),
    "pdf": _l("PDF"),
    "previous_end": _l("Ended on before"),
    "proposed_by": _l("Proposed by"),
    "purpose": _l("Purpose"),
    "reason": _l("Reason"),
    "reference": _l("Reference"),
    "respond_by": _l("Respond by"),
    "role": _l("Role"),
    "rows": _l("Rows"),
    "scopes": _l("Scopes"),
    "section": _l("Section"),
    "sha256": _l("Fingerprint (SHA-256)"),
    "sso": _l("Single sign-on"),
    "suspended_days": _l("Days stopped"),
    "through": _l("Through"),
    "to": _l("To"),
    "user": _l("User"),
    "verified_organisation": _l("Verified organisation"),
    "via": _l("Via"),
    "year": _l("Year"),
}

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_BY_VALUE = {action.value: action for action in AuditAction}


def action_label(code: str) -> str:
    """The action's readable name in the page's language; its code if it has none."""
    action = _BY_VALUE.get(code)
    return str(ACTION[action]) if action in ACTION else code


def action_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The action select's options: per area (sorted), the actions by name."""
    areas: dict[str, list[tuple[str, str]]] = {}
    for action in AuditAction:
        area = str(AREA.get(action.value.split(".")[0], OTHER_AREA))
        areas.setdefault(area, []).append((action.value, action_label(action.value)))
    return [(area, sorted(options, key=lambda o: o[1])) for area, options in sorted(areas.items())]


def detail_label(key: str) -> str:
    """A detail's label; an unknown key in words ("due_on" → "Due on")."""
    label = DETAIL.get(key)
    return str(label) if label is not None else key.replace("_", " ").capitalize()


def detail_value(key: str, value) -> str:
    """A detail's value in words: amounts in euros, dates in the page's language, lists and
    nested details on one line."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int) and (key == "cents" or key.endswith("_cents")):
        return money(value)
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date_text(date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, list):
        return "; ".join(detail_value(key, item) for item in value)
    if isinstance(value, dict):
        return ", ".join(
            f"{detail_label(k)}: {detail_value(k, v)}" for k, v in sorted(value.items())
        )
    return str(value)


def readable_details(details: dict | None) -> list[tuple[str, str]]:
    """An event's details as (label, value) pairs, in the order of their labels."""
    pairs = [
        (detail_label(key), detail_value(key, value)) for key, value in (details or {}).items()
    ]
    return sorted(pairs)
