"""Translated display names for enum values, available to every template as `labels`."""

from flask_babel import lazy_gettext as _l

from portal.api.scopes import Scope
from portal.models import (
    AdminRightsStatus,
    ApplicationKind,
    ApplicationStatus,
    Category,
    ChangeReportStatus,
    CheckItem,
    CheckOutcome,
    DeliveryStatus,
    DisclosureKind,
    ImportStatus,
    IntendedKind,
    KvkProof,
    LegalForm,
    LetterKind,
    OrganisationKind,
    OrgRole,
    ReportKind,
    SanctionKind,
    StaffRole,
)
from portal.residence.types import TYPES as RESIDENCE_TYPES

CATEGORY = {
    Category.LABOUR: _l("Labour"),
    Category.RESEARCH: _l("Research"),
    Category.STUDY: _l("Study"),
    Category.EXCHANGE: _l("Exchange"),
}
CATEGORY_HINT = {
    Category.LABOUR: _l("Paid employment, highly skilled migrants, EU Blue Card"),
    Category.RESEARCH: _l("Researchers under Directive (EU) 2016/801"),
    Category.STUDY: _l("Students in higher education"),
    Category.EXCHANGE: _l("Au pairs and cultural exchange"),
}
CATEGORY_STATE = {
    "none": _l("Not recognised"),
    "applied": _l("Application being handled"),
    "granted": _l("Recognised"),
    "suspended": _l("Suspended"),
    "withdrawn": _l("Withdrawn"),
}
STATUS = {
    ApplicationStatus.DRAFT: _l("Draft"),
    ApplicationStatus.SUBMITTED: _l("Submitted"),
    ApplicationStatus.IN_REVIEW: _l("In review"),
    ApplicationStatus.INFORMATION_REQUESTED: _l("Information requested"),
    ApplicationStatus.GRANTED: _l("Granted"),
    ApplicationStatus.REFUSED: _l("Refused"),
    ApplicationStatus.WITHDRAWN: _l("Withdrawn"),
    ApplicationStatus.NOT_CONSIDERED: _l("Not considered"),
}
# What a step of a case's timeline was (portal/cases/status.event_activity).
ACTIVITY = {
    "started": _l("Application started"),
    "submitted": _l("Submitted"),
    "review_started": _l("Review started"),
    "information_requested": _l("Information requested"),
    "reply_sent": _l("Reply sent"),
    "clock_resumed": _l("Clock resumed"),
    "granted": _l("Granted"),
    "refused": _l("Refused"),
    "withdrawn": _l("Withdrawn"),
    "not_considered": _l("Not considered"),
}
ORGANISATION_KIND = {
    OrganisationKind.EMPLOYER: _l("Employer"),
    OrganisationKind.HIGHER_EDUCATION: _l("Higher education institution"),
    OrganisationKind.RESEARCH: _l("Research organisation"),
    OrganisationKind.EXCHANGE: _l("Exchange organisation"),
    OrganisationKind.INTERMEDIARY: _l("Intermediary (relocation agency, law firm)"),
}
LETTER_KIND = {
    LetterKind.ACKNOWLEDGEMENT: _l("Acknowledgement of receipt"),
    LetterKind.RECOGNITION_GRANTED: _l("Recognition granted"),
    LetterKind.RECOGNITION_REFUSED: _l("Recognition refused"),
    LetterKind.REQUEST_FOR_INFORMATION: _l("Request for information"),
    LetterKind.WARNING: _l("Warning"),
    LetterKind.FINE: _l("Administrative fine"),
    LetterKind.SUSPENSION: _l("Suspension of recognition"),
    LetterKind.SUSPENSION_LIFTED: _l("Suspension lifted"),
    LetterKind.WITHDRAWAL: _l("Withdrawal of recognition"),
    LetterKind.FEE_LETTER: _l("Fee to pay"),
    LetterKind.PAYMENT_RECEIVED: _l("Payment received"),
    LetterKind.FEE_REMINDER: _l("Reminder: fee not paid"),
    LetterKind.NOT_CONSIDERED: _l("Application not considered: fee not paid"),
    LetterKind.RESIDENCE_DECISION: _l("Decision on a residence application"),
    LetterKind.REMINDER_OVERDUE_REPORT: _l("Reminder: report overdue"),
    LetterKind.EXTENSION_REMINDER: _l("Reminder: permit expires"),
    LetterKind.GENERAL_MESSAGE: _l("Message from the IND"),
    LetterKind.REPORT_ACKNOWLEDGEMENT: _l("Report of a change received"),
    LetterKind.APPLICATION_WITHDRAWN: _l("Withdrawal of an application confirmed"),
    LetterKind.NOTICE_OF_DEFAULT_RECEIVED: _l("Notice of default received"),
    LetterKind.DECISION_PERIOD_EXTENDED: _l("Decision period extended"),
    LetterKind.INTENDED_DECISION: _l("Intended decision: your response"),
    LetterKind.FAMILY_MAIN_ENDED: _l("Main application ended: family members' applications"),
    LetterKind.APPOINTMENT: _l("Appointment at an IND desk"),
}
STAFF_ROLE = {
    StaffRole.REVIEWER: _l("Reviewer"),
    StaffRole.SUPERVISOR: _l("Supervisor"),
    StaffRole.ADMINISTRATOR: _l("Administrator"),
}
CHECK_ITEM = {
    CheckItem.TRADE_REGISTER: _l("Registered in the Trade Register (KvK)"),
    CheckItem.KVK_EXTRACT: _l(
        "KvK extract proves the KvK number (met: the organisation's account becomes verified)"
    ),
    CheckItem.CONTINUITY_SOLVENCY: _l("Continuity and solvency"),
    CheckItem.RVO_ADVICE: _l("RVO advice (organisations existing less than 1.5 years)"),
    CheckItem.RELIABILITY: _l("Reliability of the organisation, directors and persons involved"),
    CheckItem.CODE_OF_CONDUCT: _l("Code-of-conduct register (where required)"),
    CheckItem.FEE_PAID: _l("Fee paid"),
    CheckItem.IDENTITY_PASSPORT: _l("Identity and passport checked"),
    CheckItem.RECOGNITION_IN_FORCE: _l("The sponsor's recognition is in force for the category"),
    CheckItem.SALARY_CRITERION: _l("Salary criterion met"),
    CheckItem.DIPLOMA: _l("Diploma or higher professional qualification checked"),
    CheckItem.HOSTING_AGREEMENT: _l("Hosting agreement signed and valid"),
    CheckItem.ADMISSION: _l("Admitted to a full-time study programme"),
    CheckItem.EXCHANGE_PROGRAMME: _l("Exchange programme and host checked"),
    CheckItem.EXTENSION_WINDOW: _l("Applied within the extension period"),
    CheckItem.DOCUMENTS_COMPLETE: _l("Documents complete"),
    CheckItem.GROUP_RELATIONSHIP: _l(
        "Group relationship proven; the group company is established outside the EU"
    ),
    CheckItem.TRANSFER_PERIOD: _l("Transfer period within the maximum for the role"),
    CheckItem.LABOUR_MARKET_TEST: _l("Vacancy and recruitment efforts (labour-market test)"),
    CheckItem.SEASONAL_PERIOD: _l("Seasonal work: more than 90 days, within the maximum"),
    CheckItem.ACCOMMODATION: _l("Adequate accommodation"),
    CheckItem.GRADUATION: _l("Graduated in the Netherlands within 3 years (reduced criterion)"),
    # Family members (portal/family/)
    CheckItem.MAIN_APPLICATION: _l("The main application is granted, or pending and sound"),
    CheckItem.RELATIONSHIP_PROOF: _l(
        "Relationship proven (certificate or proof of the relationship)"
    ),
    CheckItem.LEGALISATION: _l("Certificate from abroad has an apostille or is legalised"),
    CheckItem.INCOME_REQUIREMENT: _l("Income or means requirement met through the main applicant"),
    CheckItem.CHILD_AGE: _l(
        "Child under 18 on the application date (turns 18 during the procedure?)"
    ),
}
CHECK_OUTCOME = {
    CheckOutcome.MET: _l("Met"),
    CheckOutcome.NOT_MET: _l("Not met"),
    CheckOutcome.NOT_APPLICABLE: _l("Not applicable"),
}
SANCTION_KIND = {
    SanctionKind.WARNING: _l("Warning"),
    SanctionKind.FINE: _l("Administrative fine"),
    SanctionKind.SUSPENSION: _l("Suspension"),
    SanctionKind.WITHDRAWAL: _l("Withdrawal"),
}
LANGUAGE = {"nl": _l("Dutch"), "en": _l("English")}
APPLICATION_KIND = {
    ApplicationKind.RECOGNITION: _l("Recognition as a sponsor"),
    **{kind: rtype.title for kind, rtype in RESIDENCE_TYPES.items()},
}
# A fee's state (portal/fees/records.py FeeCode), on the fees page and in its CSV export.
FEE_STATE = {
    "amount_to_be_set": _l("Amount to be set"),
    "due": _l("Due"),
    "overdue": _l("Overdue"),
    "paid": _l("Paid"),
    "closed": _l("No longer due"),
}
# Why a statement entry is listed for manual matching (portal/fees/reconcile.py).
MATCH_REASON = {
    "unknown_reference": _l("No case with this payment reference"),
    "already_paid": _l("The fee was paid already"),
    "case_closed": _l("The case is decided or withdrawn"),
    "not_considered": _l("The case was not considered (fee not paid in time)"),
    "amount_not_set": _l("The amount of the fee has not been set"),
    "overpaid": _l("More than the fee"),
    "partial": _l("Part of the fee: waits for the rest"),
    "no_payment_to_reverse": _l("A reversal without a payment to turn back"),
    "combined": _l("One transfer for several cases: one transfer pays one fee"),
}
TASK_STATUS = {
    "not_started": _l("Not yet started"),
    "in_progress": _l("Incomplete"),
    "completed": _l("Completed"),
    "cannot_start": _l("Cannot start yet"),
}

ORG_ROLE = {
    OrgRole.ADMINISTRATOR: _l("Administrator"),
    OrgRole.SUBMITTER: _l("Submitter"),
    OrgRole.READER: _l("Reader"),
}
ORG_ROLE_HINT = {
    OrgRole.ADMINISTRATOR: _l("Everything, including the profile, the team and mandates"),
    OrgRole.SUBMITTER: _l("Reads everything; adds people; prepares and submits applications"),
    OrgRole.READER: _l("Reads applications, letters, people and the profile"),
}
DISCLOSURE_KIND = {
    DisclosureKind.LATE_REPORT: _l("A change reported too late"),
    DisclosureKind.SALARY_BELOW_CRITERION: _l("Salary below the criterion"),
    DisclosureKind.OTHER_DUTY: _l("Another duty not met"),
}

ADMIN_RIGHTS_STATUS = {
    AdminRightsStatus.PENDING: _l("Waiting for the IND"),
    AdminRightsStatus.GRANTED: _l("Granted"),
    AdminRightsStatus.REFUSED: _l("Refused"),
}

CHANGE_REPORT_STATUS = {
    ChangeReportStatus.PENDING: _l("Waiting for the IND"),
    ChangeReportStatus.ACCEPTED: _l("Accepted"),
    ChangeReportStatus.REJECTED: _l("Rejected"),
}


def category_list(categories) -> str:
    """Translated category names, in the order of the law, comma-separated."""
    return ", ".join(str(CATEGORY[c]) for c in Category if c in set(categories))


IMPORT_STATUS = {
    ImportStatus.MAPPING: _l("Columns to match"),
    ImportStatus.VALIDATING: _l("Being checked"),
    ImportStatus.VALIDATED: _l("Checked"),
    ImportStatus.IMPORTING: _l("Being registered"),
    ImportStatus.IMPORTED: _l("Registered"),
    ImportStatus.FAILED: _l("Not registered"),
}

REPORT_KIND = {
    ReportKind.EMPLOYMENT_NOT_STARTED: _l("Employment did not start"),
    ReportKind.EMPLOYMENT_ENDED: _l("Employment ended"),
    ReportKind.SALARY_BELOW_CRITERION: _l("Salary below the salary criterion"),
    ReportKind.JOB_CHANGED: _l("Change of job"),
    ReportKind.LEFT_NETHERLANDS: _l("Left the Netherlands"),
    ReportKind.STUDENT_DEREGISTERED: _l("Student deregistered"),
    ReportKind.INSUFFICIENT_STUDY_PROGRESS: _l("Insufficient study progress"),
    ReportKind.NO_LONGER_FULL_TIME: _l("No longer studying full-time"),
    ReportKind.DIRECTORS_CHANGED: _l("Change of directors"),
    ReportKind.LEGAL_FORM_CHANGED: _l("Change of legal form"),
    ReportKind.MERGER: _l("Merger"),
    ReportKind.BANKRUPTCY: _l("Bankruptcy"),
}
PERMIT_STATE = {
    "valid": _l("Valid"),
    "extension": _l("Extension window open"),
    "expired": _l("Expired"),
    "ended": _l("Ended (reported)"),
}
DUTY_STATE = {
    "due": _l("Due"),
    "overdue": _l("Overdue"),
    "done": _l("Done"),
}


KVK_PROOF = {
    KvkProof.EHERKENNING: _l("an eHerkenning sign-in"),
    KvkProof.IND_REVIEW: _l("the IND, from the KvK extract"),
    KvkProof.EXISTING: _l("the IND, before the portal verified KvK numbers"),
}

API_SCOPE = {
    Scope.PEOPLE_READ: _l("Read people"),
    Scope.PEOPLE_WRITE: _l("Register and change people"),
    Scope.APPLICATIONS_READ: _l("Read applications"),
    Scope.APPLICATIONS_WRITE: _l("Start and submit applications"),
    Scope.REPORTS_WRITE: _l("Report changes"),
    Scope.LETTERS_READ: _l("Read letters"),
    Scope.WEBHOOKS_MANAGE: _l("Manage its webhooks"),
}

INTENDED_KIND = {
    IntendedKind.REFUSAL: _l("Refusal"),
    IntendedKind.FINE: _l("Administrative fine"),
    IntendedKind.SUSPENSION: _l("Suspension of recognition"),
    IntendedKind.WITHDRAWAL: _l("Withdrawal of recognition"),
}

DELIVERY_STATUS = {
    DeliveryStatus.PENDING: _l("Waiting"),
    DeliveryStatus.DELIVERED: _l("Delivered"),
    DeliveryStatus.FAILED: _l("Given up"),
}


def delivery_error(code: str) -> str:
    """Why a webhook delivery failed, from its stored error code."""
    if code.startswith("refused:"):
        return _l("Address refused")
    if code == "subscription_ended":
        return _l("Webhook removed")
    if "Timeout" in code:
        return _l("No answer in time")
    return _l("No connection")


class Labels:
    category = CATEGORY
    category_hint = CATEGORY_HINT
    category_state = CATEGORY_STATE
    status = STATUS
    activity = ACTIVITY
    organisation_kind = ORGANISATION_KIND
    letter_kind = LETTER_KIND
    language = LANGUAGE
    application_kind = APPLICATION_KIND
    task_status = TASK_STATUS
    staff_role = STAFF_ROLE
    sanction_kind = SANCTION_KIND
    org_role = ORG_ROLE
    org_role_hint = ORG_ROLE_HINT
    change_report_status = CHANGE_REPORT_STATUS
    admin_rights_status = ADMIN_RIGHTS_STATUS
    disclosure_kind = DISCLOSURE_KIND
    import_status = IMPORT_STATUS
    report_kind = REPORT_KIND
    permit_state = PERMIT_STATE
    duty_state = DUTY_STATE
    kvk_proof = KVK_PROOF
    check_item = CHECK_ITEM
    check_outcome = CHECK_OUTCOME
    fee_state = FEE_STATE
    match_reason = MATCH_REASON
    api_scope = API_SCOPE
    intended_kind = INTENDED_KIND
    delivery_status = DELIVERY_STATUS
    delivery_error = staticmethod(delivery_error)


LEGAL_FORM = {
    LegalForm.BV: _l("Private limited company (B.V.)"),
    LegalForm.NV: _l("Public limited company (N.V.)"),
    LegalForm.FOUNDATION: _l("Foundation (stichting)"),
    LegalForm.ASSOCIATION: _l("Association (vereniging)"),
    LegalForm.COOPERATIVE: _l("Cooperative (coöperatie)"),
    LegalForm.GENERAL_PARTNERSHIP: _l("General partnership (v.o.f.)"),
    LegalForm.LIMITED_PARTNERSHIP: _l("Limited partnership (c.v.)"),
    LegalForm.SOLE_PROPRIETORSHIP: _l("Sole proprietorship (eenmanszaak)"),
    LegalForm.PUBLIC_BODY: _l("Public body"),
    LegalForm.FOREIGN: _l("Foreign legal entity"),
    LegalForm.OTHER: _l("Other"),
}
