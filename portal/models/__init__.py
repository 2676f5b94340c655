"""Typed models, one module per aggregate."""

from portal.models.application import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    StatusEvent,
)
from portal.models.audit import AuditEvent
from portal.models.document import CaseReply, Document
from portal.models.letter import Letter, LetterKind, LetterNoticeSubscription, LetterRead
from portal.models.organisation import Organisation, OrganisationKind
from portal.models.recognition import Category, Recognition, RecognitionStatus
from portal.models.review import CheckItem, CheckOutcome, ClockSuspension, ReviewCheck
from portal.models.sanction import Sanction, SanctionKind
from portal.models.user import Membership, OrgRole, StaffRole, User

__all__ = [
    "Application",
    "ApplicationKind",
    "ApplicationStatus",
    "AuditEvent",
    "CaseReply",
    "Document",
    "Category",
    "CheckItem",
    "CheckOutcome",
    "ClockSuspension",
    "Letter",
    "LetterKind",
    "LetterNoticeSubscription",
    "LetterRead",
    "Membership",
    "OrgRole",
    "Organisation",
    "OrganisationKind",
    "Recognition",
    "RecognitionStatus",
    "ReviewCheck",
    "Sanction",
    "SanctionKind",
    "StaffRole",
    "StatusEvent",
    "User",
]
