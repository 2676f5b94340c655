"""Answering a letter over the API, as on the letter's page (portal/cases/replies.py): a
message and documents that join the letter's case; an answer to a request for information
restarts the statutory clock. The same rules and messages as the web form. The token needs
letters:read (to see the letter) and applications:write (the answer joins the case)."""

from flask import jsonify, request
from flask_babel import force_locale

from portal.api import openapi
from portal.api.problems import Problem, language
from portal.api.scopes import Scope
from portal.blueprints.api import bp
from portal.blueprints.api.guard import api_route
from portal.blueprints.api.letters import LETTER_ID, LETTERS, letter_or_404
from portal.blueprints.api.writes import (
    WRITE_HEADERS,
    actor,
    answer,
    idempotent,
    ok,
    only_parts,
    problems,
)
from portal.cases import replies
from portal.cases.documents import UploadRejected
from portal.cases.lifecycle import NotAwaitingReply
from portal.extensions import db
from portal.models import CaseReply

REPLY_SCOPES = (Scope.LETTERS_READ, Scope.APPLICATIONS_WRITE)

openapi.schema(
    "Reply",
    {
        "type": "object",
        "required": ["id", "letter_id", "message", "created_at", "documents"],
        "properties": {
            "id": {"type": "integer"},
            "letter_id": {"type": "integer"},
            "application_id": {"type": ["integer", "null"]},
            "message": {"type": "string"},
            "created_at": {"type": "string", "format": "date-time"},
            "documents": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "filename", "content_type", "size_bytes", "sha256"],
                    "properties": {
                        "id": {"type": "integer"},
                        "filename": {"type": "string"},
                        "content_type": {"type": "string"},
                        "size_bytes": {"type": "integer"},
                        "sha256": {"type": "string"},
                    },
                },
            },
        },
    },
)
openapi.schema(
    "ReplyList",
    {
        "type": "object",
        "required": ["items"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Reply"}},
        },
    },
)


def reply_json(reply: CaseReply) -> dict:
    return {
        "id": reply.id,
        "letter_id": reply.letter_id,
        "application_id": reply.application_id,
        "message": reply.message,
        "created_at": reply.created_at.isoformat(),
        "documents": [
            {
                "id": d.id,
                "filename": d.filename,
                "content_type": d.content_type,
                "size_bytes": d.size_bytes,
                "sha256": d.sha256,
            }
            for d in reply.documents
        ],
    }


openapi.operation(
    LETTERS + "/{letter_id}/replies",
    "get",
    scope=Scope.LETTERS_READ,
    summary="The answers sent to a letter (on the web or over the API), oldest first",
    parameters=[LETTER_ID],
    responses={"200": ok("The answers", "ReplyList")},
)


@bp.get("/organisations/<kvk>/letters/<int:letter_id>/replies")
@api_route(Scope.LETTERS_READ)
def list_replies(letter_id: int):
    letter = letter_or_404(letter_id)
    return jsonify(items=[reply_json(r) for r in replies.replies_to_letter(letter)])


openapi.operation(
    LETTERS + "/{letter_id}/replies",
    "post",
    scope=REPLY_SCOPES,
    summary=(
        "Answer a letter that asks for an answer (a request for information, a message with a "
        "respond-by date, an intended decision): a message and documents (PDF, JPEG or PNG, "
        "at most 10), as on the letter's page. An answer to a request for information "
        "restarts the decision period."
    ),
    parameters=[LETTER_ID, *WRITE_HEADERS],
    requestBody={
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "message": {"type": "string", "maxLength": replies.MAX_MESSAGE},
                        "documents": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                            "maxItems": replies.MAX_DOCUMENTS,
                        },
                    },
                    "additionalProperties": False,
                }
            }
        },
    },
    responses={
        "201": ok("The answer, joined to the letter's case", "Reply"),
        **problems(
            ("409", "The letter asks for no answer, its case was decided, or it was answered"),
            ("413", "Body too large"),
            ("422", "Empty, too long, too many documents, or a document refused"),
        ),
    },
)


def _field_problem(pointer: str, code: str, message) -> Problem:
    with force_locale(language()):
        detail = str(message)
    return Problem(422, "validation_failed", [{"pointer": pointer, "code": code, "detail": detail}])


def _read_form() -> tuple[str, list]:
    """The message and the documents; 400 for a part this operation does not take."""
    only_parts({"message"}, {"documents"})
    message = (request.form.get("message") or "").strip()
    files = [f for f in request.files.getlist("documents") if f.filename]
    if len(message) > replies.MAX_MESSAGE:
        raise _field_problem("/message", "too_long", replies.MESSAGE_TOO_LONG)
    if len(files) > replies.MAX_DOCUMENTS:
        raise _field_problem("/documents", "too_many", replies.TOO_MANY_DOCUMENTS)
    return message, files


@bp.post("/organisations/<kvk>/letters/<int:letter_id>/replies")
@api_route(*REPLY_SCOPES)
def reply_to_letter(letter_id: int):
    def write():
        letter = letter_or_404(letter_id)
        message, files = _read_form()
        try:
            reply = replies.reply_to_letter(letter, actor(), message, files)
        except replies.NotAnswerable:
            raise Problem(409, "not_answerable") from None
        except replies.CaseClosed as closed:
            db.session.rollback()
            with force_locale(language()):
                detail = replies.case_closed_message(closed.application)
            raise Problem(409, "case_closed", detail=detail) from None
        except (replies.AlreadyAnswered, NotAwaitingReply):
            db.session.rollback()
            with force_locale(language()):
                detail = str(replies.ALREADY_ANSWERED)
            raise Problem(409, "already_answered", detail=detail) from None
        except replies.EmptyReply:
            raise _field_problem("/message", "required", replies.EMPTY_REPLY) from None
        except UploadRejected as rejected:
            db.session.rollback()
            raise _field_problem("/documents", "rejected", rejected.message) from None
        db.session.commit()
        return answer(reply_json(reply), 201)

    return idempotent(write)
