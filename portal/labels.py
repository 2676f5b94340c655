"""Translated display names for enum values, available to every template as `labels`."""

from flask_babel import lazy_gettext as _l

from portal.models import ApplicationKind, ApplicationStatus, Category, LetterKind, OrganisationKind
from portal.services.residence_types import TYPES as RESIDENCE_TYPES

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
}
LANGUAGE = {"nl": _l("Dutch"), "en": _l("English")}
APPLICATION_KIND = {
    ApplicationKind.RECOGNITION: _l("Recognition as a sponsor"),
    **{kind: rtype.title for kind, rtype in RESIDENCE_TYPES.items()},
}
TASK_STATUS = {
    "not_started": _l("Not yet started"),
    "in_progress": _l("Incomplete"),
    "completed": _l("Completed"),
    "cannot_start": _l("Cannot start yet"),
}


class Labels:
    category = CATEGORY
    category_hint = CATEGORY_HINT
    category_state = CATEGORY_STATE
    status = STATUS
    organisation_kind = ORGANISATION_KIND
    letter_kind = LETTER_KIND
    language = LANGUAGE
    application_kind = APPLICATION_KIND
    task_status = TASK_STATUS
