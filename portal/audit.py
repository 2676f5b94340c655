"""Append-only audit events: who did what to which object, from where."""

from enum import StrEnum

from flask import g, has_request_context, request
from sqlalchemy import insert

from portal.extensions import db
from portal.models import AuditEvent
from portal.models.base import utcnow


class AuditAction(StrEnum):
    """What an audit event records. Stored as its value (a string column, no CHECK constraint:
    on SQLite altering audit_event would drop its append-only triggers); never rename a value,
    rows keep it."""

    # Identity: accounts, sign-in, second factor, federation, staff accounts
    CONTEXT_SWITCHED = "context.switched"
    MEMBERSHIP_CREATED_BY_EHERKENNING = "membership.created_by_eherkenning"
    OIDC_REFUSED = "oidc.refused"
    STAFF_ACTIVATED = "staff.activated"
    STAFF_CREATED = "staff.created"
    STAFF_INVITED = "staff.invited"
    STAFF_INVITATION_ACCEPTED = "staff.invitation_accepted"
    STAFF_DEACTIVATED = "staff.deactivated"
    STAFF_ROLE_CHANGED = "staff.role_changed"
    USER_EMAIL_CHANGED = "user.email.changed"
    USER_EMAIL_CHANGE_REQUESTED = "user.email_change.requested"
    USER_IDENTITY_LINKED = "user.identity.linked"
    USER_PASSWORD_CHANGED = "user.password.changed"  # noqa: S105 (an action)
    USER_PASSWORD_RESET_COMPLETED = "user.password_reset.completed"  # noqa: S105 (an action)
    USER_PASSWORD_RESET_REQUESTED = "user.password_reset.requested"  # noqa: S105 (an action)
    USER_RECOVERY_CODE_USED = "user.recovery_code.used"
    USER_RECOVERY_CODES_RENEWED = "user.recovery_codes.renewed"
    USER_REGISTERED_BY_INVITATION = "user.registered_by_invitation"
    USER_SECOND_FACTOR_ENROLLED = "user.second_factor.enrolled"
    USER_SECOND_FACTOR_TURNED_OFF = "user.second_factor.turned_off"
    USER_SIGNED_IN = "user.signed_in"
    USER_SIGNED_OUT_EVERYWHERE = "user.signed_out_everywhere"
    # Organisations: profile, change reports, team, mandates, API clients
    API_CALLED = "api.called"
    API_CALL_REFUSED = "api.call_refused"
    API_CLIENT_REGISTERED = "api_client.registered"
    API_CLIENT_REVOKED = "api_client.revoked"
    API_CLIENT_ROTATED = "api_client.rotated"
    API_TOKEN_ISSUED = "api.token_issued"  # noqa: S105 (an action)
    WEBHOOK_SUBSCRIBED = "webhook.subscribed"
    WEBHOOK_REMOVED = "webhook.removed"
    WEBHOOK_SECRET_ROTATED = "webhook.secret_rotated"  # noqa: S105 (an action)
    WEBHOOK_REPLAYED = "webhook.replayed"
    ADMIN_RIGHTS_GRANTED = "admin_rights.granted"
    ADMIN_RIGHTS_REFUSED = "admin_rights.refused"
    ADMIN_RIGHTS_REQUESTED = "admin_rights.requested"
    MEMBER_KEPT = "member.kept"
    DISCLOSURE_MADE = "disclosure.made"
    PROFILE_CONFIRMED = "profile.confirmed"
    CHANGE_REPORT_ACCEPTED = "change_report.accepted"
    CHANGE_REPORT_REJECTED = "change_report.rejected"
    MANDATE_GRANTED = "mandate.granted"
    MANDATE_REVOKED = "mandate.revoked"
    MEMBER_INVITATION_REVOKED = "member.invitation_revoked"
    MEMBER_INVITED = "member.invited"
    MEMBER_JOINED = "member.joined"
    MEMBER_REMOVED = "member.removed"
    MEMBER_ROLE_CHANGED = "member.role_changed"
    ORGANISATION_CHANGE_REPORTED = "organisation.change_reported"
    ORGANISATION_FROZEN = "organisation.frozen"
    ORGANISATION_HANDED_OVER = "organisation.handed_over"
    ORGANISATION_KVK_VERIFIED = "organisation.kvk_verified"
    ORGANISATION_PROFILE_CHANGED = "organisation.profile_changed"
    ORGANISATION_SIGNED_UP = "organisation.signed_up"
    ORGANISATION_TAKEN_OVER = "organisation.taken_over"
    # People register
    PERSON_ARCHIVED = "person.archived"
    PERSON_CHANGED = "person.changed"
    PERSON_CREATED = "person.created"
    PERSON_RESTORED = "person.restored"
    # Cases: lifecycle, casework, documents, replies
    APPLICATION_ASSIGNED = "application.assigned"
    APPLICATION_CHECKLIST_SAVED = "application.checklist_saved"
    APPLICATION_CLAIMED = "application.claimed"
    APPLICATION_DRAFT_SAVED = "application.draft_saved"
    APPLICATION_GRANTED = "application.granted"
    APPLICATION_INFORMATION_REQUESTED = "application.information_requested"
    APPLICATION_REFUSAL_APPROVED = "application.refusal_approved"
    APPLICATION_REFUSAL_PROPOSED = "application.refusal_proposed"
    APPLICATION_REFUSAL_REJECTED = "application.refusal_rejected"
    APPLICATION_REFUSED = "application.refused"
    APPLICATION_REPLY_RECEIVED = "application.reply_received"
    APPLICATION_STARTED = "application.started"
    APPLICATION_SUBMITTED = "application.submitted"
    APPLICATION_WITHDRAWN = "application.withdrawn"
    # Family members (portal/family/): filed with a main application; flagged when it ended.
    FAMILY_APPLICATION_STARTED = "family.application_started"
    FAMILY_MAIN_ENDED = "family.main_ended"
    APPLICATION_NOT_CONSIDERED = "application.not_considered"  # fee not paid (issue 17)
    APPLICATION_NOTICE_OF_DEFAULT = "application.notice_of_default"  # issue 25
    APPLICATION_PERIOD_EXTENDED = "application.period_extended"  # issue 25
    APPLICATION_SIGN_OFF_REQUESTED = "application.sign_off_requested"  # issue 25
    APPLICATION_SIGN_OFF_APPROVED = "application.sign_off_approved"
    APPLICATION_SIGN_OFF_RETURNED = "application.sign_off_returned"
    ORGANISATION_SIGN_OFF_SET = "organisation.sign_off_set"
    INTENDED_DECISION_ISSUED = "staff.intended_decision.issued"  # issue 25 (Awb 4:8)
    APPLICATIONS_BULK_SUBMITTED = "application.bulk_submitted"
    # Issue 22: the UWV labour-market advice on a single-permit (GVVA) case.
    UWV_ADVICE_REQUESTED = "application.uwv_advice_requested"
    UWV_ADVICE_RECORDED = "application.uwv_advice_recorded"
    CASE_REPLY_RECEIVED = "case.reply_received"
    DOCUMENT_REMOVED = "document.removed"
    DOCUMENT_UPLOADED = "document.uploaded"
    # Fees: amounts, payments, statements
    EXPORT_FEES = "export.fees"
    FEE_AMOUNT_SET = "fee.amount_set"
    FEE_PAID = "fee.paid"
    FEE_PAYMENT_UNDONE = "fee.payment_undone"
    FEE_REMINDED = "fee.reminded"
    FEE_STATEMENT_IMPORTED = "fee.statement_imported"
    FEE_ONLINE_STARTED = "fee.online_started"  # a payment created at the provider
    FEE_ONLINE_REFUSED = "fee.online_refused"  # a provider status update not accepted
    # Letters
    LETTER_ISSUED = "letter.issued"
    # E-mail notices (portal/notices/; events before 0020_todo say letter_notice.subscribed
    # and letter_notice.unsubscribed)
    MAIL_BOUNCE_CLEARED = "notice.bounce_cleared"
    NOTICE_CONTACT_CHANGED = "notice.contact_address_changed"
    NOTICE_MODE_CHANGED = "notice.mode_changed"
    STAFF_LETTER_SENT = "staff.letter.sent"
    # Duties: reports, study progress, exports
    EXPORT_PEOPLE = "export.people"
    EXPORT_PERMITS = "export.permits"
    EXPORT_REPORTS = "export.reports"
    REPORT_FILED = "report.filed"
    STUDY_PROGRESS_DECLARED = "study_progress.declared"
    # Bulk import of students
    STUDENT_IMPORT_CONFIRMED = "student_import.confirmed"
    STUDENT_IMPORT_IMPORTED = "student_import.imported"
    STUDENT_IMPORT_UNDONE = "student_import.undone"  # an API batch's stored chunks removed
    STUDENT_IMPORT_UPLOADED = "student_import.uploaded"
    # Large exports made by a job (issue 21)
    EXPORT_REQUESTED = "export.requested"
    EXPORT_DOWNLOADED = "export.downloaded"
    # Appointments at IND desks (issue 23)
    APPOINTMENT_BOOKED = "appointment.booked"
    APPOINTMENT_RESCHEDULED = "appointment.rescheduled"
    APPOINTMENT_CANCELLED = "appointment.cancelled"
    APPOINTMENT_OUTCOME_RECORDED = "appointment.outcome_recorded"
    STAFF_DESK_SAVED = "staff.desk.saved"
    STAFF_DESK_DAY_SET = "staff.desk.day_set"
    STAFF_DESK_DAY_LIST_VIEWED = "staff.desk.day_list_viewed"
    # Oversight: sanctions
    SANCTIONS_SUSPENSION_EXPIRED = "sanctions.suspension_expired"
    STAFF_RECOGNITION_SUSPENDED = "staff.recognition.suspended"
    STAFF_RECOGNITION_SUSPENSION_EXTENDED = "staff.recognition.suspension_extended"
    STAFF_RECOGNITION_SUSPENSION_LIFTED = "staff.recognition.suspension_lifted"
    STAFF_RECOGNITION_WITHDRAWN = "staff.recognition.withdrawn"
    STAFF_SANCTION_FINE_RECORDED = "staff.sanction.fine_recorded"
    STAFF_SANCTION_WARNING_RECORDED = "staff.sanction.warning_recorded"
    # Back office: staff views of personal data, audit log and event log
    STAFF_AUDIT_EXPORTED = "staff.audit.exported"
    STAFF_TRIAGE_RULE_CHANGED = "staff.triage.rule_changed"
    STAFF_JOB_RETRIED = "staff.job.retried"  # a failed background job run again
    STAFF_AUDIT_SEARCHED = "staff.audit.searched"
    STAFF_CASE_VIEWED = "staff.case.viewed"
    STAFF_CASE_REPLIES_VIEWED = "staff.case_replies.viewed"
    STAFF_ADMIN_RIGHTS_VIEWED = "staff.admin_rights.viewed"
    STAFF_CHANGE_REPORT_VIEWED = "staff.change_report.viewed"
    STAFF_DOCUMENT_VIEWED = "staff.document.viewed"
    STAFF_EVENT_LOG_EXPORTED = "staff.event_log.exported"
    STAFF_LETTER_VIEWED = "staff.letter.viewed"
    STAFF_ORGANISATION_VIEWED = "staff.organisation.viewed"


def record(
    action: AuditAction,
    *,
    actor=None,
    organisation=None,
    target=None,
    details: dict | None = None,
) -> AuditEvent:
    event = AuditEvent(
        **_columns(action, actor, organisation, details),
        target_type=target.__tablename__ if target is not None else None,
        target_id=getattr(target, "id", None),
    )
    db.session.add(event)
    return event


def _columns(action: AuditAction, actor, organisation, details: dict | None) -> dict:
    return {
        "action": AuditAction(action).value,
        "actor_id": getattr(actor, "id", None),
        "organisation_id": getattr(organisation, "id", None),
        "ip_address": request.remote_addr if has_request_context() else None,
        "details": _with_mandate(details),
    }


def record_many(
    action: AuditAction, *, actor, organisation, target_type: str, target_ids: list[int]
) -> None:
    """`record` for many targets of one kind at once (bulk registration): the same events,
    written as one multi-row INSERT without an object per event."""
    if not target_ids:
        return
    common = {**_columns(action, actor, organisation, None), "occurred_at": utcnow()}
    db.session.execute(
        insert(AuditEvent),
        [{**common, "target_type": target_type, "target_id": i} for i in target_ids],
    )


def _with_mandate(details: dict | None) -> dict | None:
    """Under a mandate, every event says: user of intermediary, on behalf of sponsor."""
    context = g.get("context") if has_request_context() else None
    if context is None or context.mandate is None:
        return details
    return {
        **(details or {}),
        "on_behalf_of": context.organisation.id,
        "intermediary": context.intermediary.id,
        "mandate": context.mandate.id,
    }
