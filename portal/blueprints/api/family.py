"""Starting a family member's application over the API: the same main application, filing
right and person rules as on the main person's page (portal/family/filing.py)."""

from flask import g
from flask_babel import force_locale
from sqlalchemy import select

from portal.api.problems import Problem, language
from portal.blueprints.api.guard import in_scope
from portal.blueprints.api.writes import actor
from portal.extensions import db
from portal.family import filing
from portal.inputs import MAX_ID
from portal.models import Application, ApplicationKind, Person


def _unknown(pointer: str) -> Problem:
    return Problem(422, "validation_failed", [{"pointer": pointer, "code": "unknown"}])


def start(main_id: int | None, kind: ApplicationKind, person: Person) -> Application:
    """The family member's draft, filed with the organisation's main application `main_id`."""
    if main_id is None:
        raise Problem(
            400, "invalid_body", [{"pointer": "/main_application_id", "code": "required"}]
        )
    if not 1 <= main_id <= MAX_ID:
        raise _unknown("/main_application_id")
    main = db.session.scalar(
        select(Application).where(
            Application.id == main_id,
            Application.organisation_id == g.organisation.id,
            in_scope(Application.category),
        )
    )
    if main is None or main.person_id is None or not main.kind.is_residence:
        raise _unknown("/main_application_id")
    with force_locale(language()):
        try:
            application = filing.start_family(main, kind, person, actor())
        except filing.NotFileable as refused:
            db.session.rollback()
            if refused.field is None:
                raise Problem(422, "not_allowed", detail=refused.message) from None
            pointer = "/person_id" if refused.field == "person" else "/kind"
            raise Problem(
                422, "validation_failed", [{"pointer": pointer, "code": "not_fileable"}]
            ) from None
    if g.mandate is not None:
        application.intermediary_id = g.mandate.intermediary_id
    return application
