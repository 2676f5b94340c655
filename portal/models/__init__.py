"""Typed models, one module per aggregate."""

from portal.models.api_client import ApiClient, ApiIdempotency, ApiToken
from portal.models.application import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    StatusEvent,
)
from portal.models.appointment import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    Desk,
    DeskDay,
    DeskHours,
)
from portal.models.audit import AuditEvent, AuditImmutable
from portal.models.blob import Blob
from portal.models.change_report import ChangeReport, ChangeReportStatus
from portal.models.document import CaseReply, Document
from portal.models.due_process import (
    DeadlineExtension,
    IntendedDecision,
    IntendedKind,
    NoticeOfDefault,
    SignOff,
)
from portal.models.duty import Permit, Report, ReportKind, StudyProgressDeclaration
from portal.models.family import FamilyLink
from portal.models.fee import (
    BankStatement,
    EntryOutcome,
    Fee,
    OnlinePayment,
    PaidVia,
    StatementEntry,
    StatementFormat,
)
from portal.models.history import ChangeHistory, ChangeSubject
from portal.models.import_batch import ImportBatch, ImportColumnMapping, ImportStatus
from portal.models.job import Export, ExportKind, ExportStatus, Job, JobStatus
from portal.models.letter import (
    InboxUnread,
    Letter,
    LetterKind,
    LetterRead,
)
from portal.models.notice import MailBounce, NoticeDigest, NoticeMode, NoticePreference
from portal.models.organisation import KvkProof, LegalForm, Organisation, OrganisationKind
from portal.models.person import Person, Sex
from portal.models.recognition import Category, Recognition, RecognitionStatus
from portal.models.reminder import ReminderKind, ReminderSent
from portal.models.review import (
    CheckAnswer,
    CheckItem,
    CheckOutcome,
    ClockSuspension,
    ReviewCheck,
)
from portal.models.sanction import Disclosure, DisclosureKind, Sanction, SanctionKind
from portal.models.security import (
    AccountToken,
    ExternalIdentity,
    IdentityKind,
    RecoveryCode,
    SignInThrottle,
    SignUpRequest,
    TokenPurpose,
    UserSession,
)
from portal.models.team import AdminRightsRequest, AdminRightsStatus, Invitation, Mandate
from portal.models.triage import TriageRuleVersion
from portal.models.user import Membership, OrgRole, StaffRole, User
from portal.models.uwv_advice import UwvAdvice, UwvOutcome
from portal.models.webhook import DeliveryStatus, WebhookDelivery, WebhookSubscription

__all__ = [
    "UwvAdvice",
    "UwvOutcome",
    "FamilyLink",
    "Export",
    "ExportKind",
    "ExportStatus",
    "Job",
    "JobStatus",
    # Appointments at IND desks (issue 23)
    "Appointment",
    "AppointmentKind",
    "AppointmentStatus",
    "Desk",
    "DeskDay",
    "DeskHours",
    "DeliveryStatus",
    "WebhookDelivery",
    "WebhookSubscription",
    "BankStatement",
    "EntryOutcome",
    "StatementEntry",
    "StatementFormat",
    "Fee",
    "OnlinePayment",
    "PaidVia",
    "ApiClient",
    "ApiIdempotency",
    "ApiToken",
    "InboxUnread",
    "ReminderKind",
    "ReminderSent",
    "AccountToken",
    "ExternalIdentity",
    "IdentityKind",
    "RecoveryCode",
    "SignInThrottle",
    "SignUpRequest",
    "TokenPurpose",
    "UserSession",
    "Application",
    "ApplicationKind",
    "ApplicationStatus",
    "AuditEvent",
    "Blob",
    "AuditImmutable",
    "CaseReply",
    "Document",
    "Category",
    "ChangeHistory",
    "ChangeReport",
    "ChangeReportStatus",
    "ChangeSubject",
    "CheckAnswer",
    "CheckItem",
    "CheckOutcome",
    "ClockSuspension",
    "Letter",
    "LetterKind",
    "MailBounce",
    "NoticeDigest",
    "NoticeMode",
    "NoticePreference",
    "ImportBatch",
    "ImportColumnMapping",
    "ImportStatus",
    "Invitation",
    "AdminRightsRequest",
    "AdminRightsStatus",
    "KvkProof",
    "LegalForm",
    "LetterRead",
    "Mandate",
    "Membership",
    "OrgRole",
    "Organisation",
    "OrganisationKind",
    "Permit",
    "Person",
    "Recognition",
    "Report",
    "ReportKind",
    "RecognitionStatus",
    "ReviewCheck",
    "Sanction",
    "Disclosure",
    "DisclosureKind",
    "SanctionKind",
    "Sex",
    "StaffRole",
    "StatusEvent",
    "StudyProgressDeclaration",
    "TriageRuleVersion",
    "User",
    # Due process (issue 25)
    "DeadlineExtension",
    "IntendedDecision",
    "IntendedKind",
    "SignOff",
    "NoticeOfDefault",
]
