"""Answering a letter from where it is read: a message and documents that join the case."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import audit
from portal.audit import AuditAction
from portal.cases.documents import store_upload
from portal.cases.errors import CaseError
from portal.extensions import db
from portal.models import CaseReply, Document, Letter, Organisation, User

# Letters that ask the sponsor for something on an open case. The back office's request for
# information is the main one; a general message about a case with a respond-by date too; an
# intended decision (Awb 4:8) asks for a response, about a case or the organisation itself.
ANSWERABLE_KINDS = frozenset({"request_for_information", "general_message", "intended_decision"})
MAX_DOCUMENTS = 10
MAX_MESSAGE = 10_000

# What the sponsor is told, on the letter's page and over the API alike.
MESSAGE_TOO_LONG = _l("Enter at most 10,000 characters")
TOO_MANY_DOCUMENTS = _l("Upload at most %(num)d documents at a time.", num=MAX_DOCUMENTS)
EMPTY_REPLY = _l("Write a message or choose at least one document")
ALREADY_ANSWERED = _l("This request has already been answered. Nothing was changed.")


def case_closed_message(application) -> str:
    return _(
        "Case %(reference)s has been decided, so a reply can no longer be added to it. "
        "If you disagree with the decision, you can lodge an objection.",
        reference=application.reference,
    )


class NotAnswerable(CaseError):
    """This letter does not ask for an answer."""


class CaseClosed(CaseError):
    """The case was decided (or withdrawn): a reply can no longer join it."""

    def __init__(self, application):
        super().__init__(application.reference)
        self.application = application


class EmptyReply(CaseError):
    pass


class AlreadyAnswered(CaseError):
    """The request for information this letter made is no longer open (answered already)."""


def request_is_open(letter: Letter) -> bool:
    """For a request for information: may it still be answered? Other letters: always."""
    if letter.kind.value != "request_for_information":
        return True
    return _open_request(letter) is not None


def _open_request(letter: Letter):
    """The open clock suspension this request-for-information letter started, if still open."""
    from portal.cases import clock as statutory_clock
    from portal.models import ApplicationStatus

    application = letter.application
    if application.status != ApplicationStatus.INFORMATION_REQUESTED:
        return None
    suspension = statutory_clock.open_clock_suspension(application)
    if suspension is None or suspension.letter_id not in (None, letter.id):
        return None
    return suspension


def is_answerable(letter: Letter) -> bool:
    return (
        letter.kind.value in ANSWERABLE_KINDS
        and (letter.application_id is not None or letter.kind.value == "intended_decision")
        and (letter.kind.value == "request_for_information" or letter.respond_by is not None)
    )


def reply_open(letter: Letter) -> bool:
    """May a reply still join: the letter's case is open, or it concerns no case."""
    return letter.application is None or letter.application.is_open


def reply_to_letter(letter: Letter, actor: User, message: str, files) -> CaseReply:
    """Store the reply and its documents on the letter's case; raises when it cannot join."""
    if not is_answerable(letter):
        raise NotAnswerable(letter.id)
    application = letter.application  # None: an intended sanction, about the organisation
    if not reply_open(letter):
        raise CaseClosed(application)
    is_request = letter.kind.value == "request_for_information"
    if is_request and _open_request(letter) is None:
        raise AlreadyAnswered(application.reference)
    files = [f for f in files if f is not None and f.filename]
    message = (message or "").strip()
    if not message and not files:
        raise EmptyReply()
    organisation = db.session.get(Organisation, letter.organisation_id)
    reply = CaseReply(
        organisation_id=letter.organisation_id,
        application_id=application.id if application is not None else None,
        letter_id=letter.id,
        message=message,
        author_id=actor.id,
    )
    db.session.add(reply)
    db.session.flush()
    names = []
    for storage in files:
        stored = store_upload(
            storage,
            organisation=organisation,
            actor=actor,
            application=application,
            reply=reply,
        )
        names.append(stored.filename)
    audit.record(
        AuditAction.CASE_REPLY_RECEIVED,
        actor=actor,
        organisation=organisation,
        target=reply,
        details={"letter_id": letter.id, "documents": len(files)},
    )
    if is_request:
        # The answer to a request for information restarts the statutory clock (back office).
        # Raises NotAwaitingReply when someone answered in the meantime: the caller rolls back.
        from portal.cases import lifecycle as applications

        summary = message + (f"\n\n[{', '.join(names)}]" if names else "")
        applications.receive_reply(application, actor, summary.strip())
    return reply


def replies_to_letter(letter: Letter) -> list[CaseReply]:
    return list(
        db.session.scalars(
            select(CaseReply)
            .where(CaseReply.letter_id == letter.id)
            .order_by(CaseReply.created_at, CaseReply.id)
        )
    )


def replies_for_case(application_id: int) -> list[CaseReply]:
    return list(
        db.session.scalars(
            select(CaseReply)
            .where(CaseReply.application_id == application_id)
            .order_by(CaseReply.created_at, CaseReply.id)
        )
    )


def document_of_organisation(document_id: int, organisation_id: int) -> Document | None:
    return db.session.scalar(
        select(Document).where(
            Document.id == document_id, Document.organisation_id == organisation_id
        )
    )
