"""Appointments at IND desks over the API (issue 23): the free slots, booking one for a case
whose decision needs it, and cancelling — the web's rules (portal/appointments/booking.py):
capacity held by the database, the horizon, the cut-off. Scopes applications:read (slots) and
applications:write (book, cancel)."""

from datetime import date, time, timedelta

from flask import g, jsonify, request
from flask_babel import force_locale
from sqlalchemy import select

from portal import clock
from portal.api import openapi
from portal.api.problems import Problem, language
from portal.api.scopes import Scope
from portal.appointments import booking, calendar, messages, needs
from portal.blueprints.api import bp
from portal.blueprints.api.guard import api_route, in_scope
from portal.blueprints.api.writes import (
    WRITE_HEADERS,
    actor,
    answer,
    idempotent,
    json_request,
    object_body,
    ok,
    problems,
)
from portal.extensions import db
from portal.inputs import MAX_ID, parse_whole
from portal.models import Application, Appointment, AppointmentKind, Desk

APPOINTMENTS = "/api/v1/organisations/{kvk}/appointments"
SLOT_KEY = "^[0-9]{1,9}:[0-9]{8}T[0-9]{4}$"
_MOMENT = {"type": "string", "format": "date-time"}

openapi.schema(
    "Slot",
    {
        "type": "object",
        "required": ["slot", "desk_id", "desk", "kind", "starts_at", "ends_at", "free"],
        "properties": {
            "slot": {"type": "string", "description": "Send this to book the slot"},
            "desk_id": {"type": "integer"},
            "desk": {"type": "string"},
            "kind": {"enum": [k.value for k in AppointmentKind]},
            "starts_at": _MOMENT,
            "ends_at": _MOMENT,
            "free": {"type": "integer"},
        },
    },
)
openapi.schema(
    "SlotList",
    {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Slot"}}},
    },
)
openapi.schema(
    "Appointment",
    {
        "type": "object",
        "required": ["id", "person_id", "kind", "desk_id", "starts_at", "ends_at", "status"],
        "properties": {
            "id": {"type": "integer"},
            "application_id": {"type": ["integer", "null"]},
            "person_id": {"type": "integer"},
            "kind": {"enum": [k.value for k in AppointmentKind]},
            "desk_id": {"type": "integer"},
            "desk": {"type": "string"},
            "starts_at": _MOMENT,
            "ends_at": _MOMENT,
            "status": {"type": "string"},
        },
    },
)


def slot_json(slot) -> dict:
    return {
        "slot": slot.key,
        "desk_id": slot.desk.id,
        "desk": slot.desk.name,
        "kind": slot.kind.value,
        "starts_at": calendar.local(slot.starts_at).isoformat(),
        "ends_at": calendar.local(slot.ends_at).isoformat(),
        "free": slot.free,
    }


def appointment_json(appointment: Appointment) -> dict:
    return {
        "id": appointment.id,
        "application_id": appointment.application_id,
        "person_id": appointment.person_id,
        "kind": appointment.kind.value,
        "desk_id": appointment.desk_id,
        "desk": appointment.desk.name,
        "starts_at": calendar.local(appointment.starts_at).isoformat(),
        "ends_at": calendar.local(appointment.ends_at).isoformat(),
        "status": appointment.status.value,
    }


openapi.operation(
    APPOINTMENTS + "/slots",
    "get",
    scope=Scope.APPLICATIONS_READ,
    summary="Free slots at the IND desks, the earliest first (times in Europe/Amsterdam)",
    parameters=[
        {
            "name": "kind",
            "in": "query",
            "required": True,
            "schema": {"enum": [k.value for k in AppointmentKind]},
        },
        {"name": "desk_id", "in": "query", "schema": openapi.ID},
        {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}},
    ],
    responses={"200": ok("Free slots", "SlotList")},
)


@bp.get("/organisations/<kvk>/appointments/slots")
@api_route(Scope.APPLICATIONS_READ)
def appointment_slots():
    errors = []
    try:
        kind = AppointmentKind(request.args.get("kind", ""))
    except ValueError:
        errors.append({"pointer": "#/query/kind", "code": "enum"})
    desk = None
    if "desk_id" in request.args:
        desk_id = parse_whole(request.args["desk_id"], MAX_ID, minimum=1)
        if desk_id is None:
            errors.append({"pointer": "#/query/desk_id", "code": "integer"})
        else:
            desk = db.session.get(Desk, desk_id)
            if desk is None or not desk.active:
                raise Problem(404, "not_found")
    after = None
    if "from" in request.args:
        try:
            day = date.fromisoformat(request.args["from"])
        except ValueError:
            errors.append({"pointer": "#/query/from", "code": "date"})
        else:
            horizon = clock.today() + timedelta(days=366)
            after = calendar.at_local(min(max(day, clock.today()), horizon), time(0))
    if errors:
        raise Problem(400, "validation_failed", errors)
    found = booking.free_slots(kind, desk, after=after, limit=50)
    return jsonify(items=[slot_json(s) for s in found])


openapi.operation(
    APPOINTMENTS,
    "post",
    scope=Scope.APPLICATIONS_WRITE,
    summary="Book a slot for the person of a case whose decision needs an appointment",
    parameters=WRITE_HEADERS,
    requestBody=json_request(
        {
            "type": "object",
            "required": ["application_id", "slot"],
            "properties": {
                "application_id": openapi.ID,
                "slot": {"type": "string", "pattern": SLOT_KEY},
            },
            "additionalProperties": False,
        }
    ),
    responses={
        "201": ok("Booked (the confirmation letter is in the inbox)", "Appointment"),
        **problems(
            ("400", "Malformed body"),
            ("409", "The slot just filled (next_slots: the next free ones)"),
            ("413", "Body too large"),
            ("422", "Refused"),
        ),
    },
)


def _refused(code: str) -> Problem:
    with force_locale(language()):
        detail = str(messages.REFUSED[code])
    return Problem(
        422, "appointment_refused", [{"pointer": "/slot", "code": code, "detail": detail}]
    )


@bp.post("/organisations/<kvk>/appointments")
@api_route(Scope.APPLICATIONS_WRITE)
def book_appointment():
    def write():
        body = object_body(
            {"application_id": int, "slot": str}, required=("application_id", "slot")
        )
        if not 1 <= body["application_id"] <= MAX_ID:  # no id the database could hold
            raise Problem(404, "not_found")
        application = db.session.scalar(
            select(Application).where(
                Application.id == body["application_id"],
                Application.organisation_id == g.organisation.id,
                in_scope(Application.category),
            )
        )
        if application is None:
            raise Problem(404, "not_found")
        found = needs.needs(g.organisation.id, in_scope, application.person_id)
        need = next((n for n in found if n.application.id == application.id), None)
        if need is None:
            raise Problem(
                422, "appointment_refused", [{"pointer": "/application_id", "code": "not_needed"}]
            )
        parsed = calendar.parse_key(body["slot"])
        desk = db.session.get(Desk, parsed[0]) if parsed else None
        if desk is None or not desk.active:
            raise _refused("closed")
        try:
            appointment = booking.book(
                need.person, need.kind, desk, parsed[1], actor(), application=application
            )
        except booking.BookingRefused as refused:
            db.session.rollback()
            raise _refused(refused.code) from None
        except booking.SlotFull as full:
            db.session.rollback()
            raise Problem(
                409, "slot_full", next_slots=[slot_json(s) for s in full.next_slots]
            ) from None
        db.session.commit()
        return answer(appointment_json(appointment), 201)

    return idempotent(write)


openapi.operation(
    APPOINTMENTS + "/{appointment_id}",
    "delete",
    scope=Scope.APPLICATIONS_WRITE,
    summary="Cancel a booked appointment (until the cut-off; the letter is in the inbox)",
    parameters=[
        {"name": "appointment_id", "in": "path", "required": True, "schema": openapi.ID},
        *WRITE_HEADERS,
    ],
    responses={
        "200": ok("Cancelled", "Appointment"),
        **problems(("422", "Refused: past the cut-off, or not booked")),
    },
)


@bp.delete("/organisations/<kvk>/appointments/<int:appointment_id>")
@api_route(Scope.APPLICATIONS_WRITE)
def cancel_appointment(appointment_id: int):
    def write():
        appointment = db.session.scalar(
            select(Appointment).where(
                Appointment.id == appointment_id,
                Appointment.organisation_id == g.organisation.id,
                in_scope(Appointment.category),
            )
        )
        if appointment is None:
            raise Problem(404, "not_found")
        try:
            booking.cancel(appointment, actor())
        except booking.BookingRefused as refused:
            db.session.rollback()
            raise _refused(refused.code) from None
        db.session.commit()
        return answer(appointment_json(appointment), 200)

    return idempotent(write)
