"""A person sent to the API, read through the ONE person specification (portal/people/fields.py):
the same rules and messages as the web forms, as problem entries with a JSON pointer per field."""

import hashlib
import json

from flask_babel import force_locale

from portal import clock
from portal.api.problems import Problem, language
from portal.models import Category, Person, Sex
from portal.models.person import PERSON_FIELDS
from portal.people import fields

ALLOWED = frozenset(fields.FIELDS) | {"category"}


def etag(person: Person) -> str:
    state = {name: str(getattr(person, name)) for name in PERSON_FIELDS}
    state["archived"] = str(person.archived_at)
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()[:32]


def _typed(body) -> dict:
    if not isinstance(body, dict):
        raise Problem(400, "invalid_body", [{"pointer": "", "code": "object_expected"}])
    errors = [
        {"pointer": f"/{name}", "code": "unknown_field"} for name in sorted(set(body) - ALLOWED)
    ]
    errors += [
        {"pointer": f"/{name}", "code": "string_expected"}
        for name, value in sorted(body.items())
        if name in ALLOWED and value is not None and not isinstance(value, str)
    ]
    if errors:
        raise Problem(400, "invalid_body", errors)
    return body


def _current(person: Person) -> dict:
    """The stored person as typed values (dates as ISO, which the date reader takes)."""
    values = {}
    for name in fields.FIELDS:
        value = getattr(person, name)
        values[name] = value.isoformat() if hasattr(value, "isoformat") else value
    values["sex"] = person.sex.value
    return values


def read(body, in_scope, person: Person | None = None) -> dict:
    """The clean values of a new person (person None) or of the fields sent for `person`;
    raises Problem 400 (malformed) or 422 (a field refused, with the form's message)."""
    body = _typed(body)
    raw = {**_current(person), **body} if person is not None else body
    values, messages = fields.check(raw, clock.today())
    if person is not None:  # only what was sent can be wrong now
        messages = {name: message for name, message in messages.items() if name in body}
    errors = []
    with force_locale(language()):
        for name, message in messages.items():
            empty = not str(raw.get(name) or "").strip()
            code = "missing" if empty else "invalid"
            errors.append({"pointer": f"/{name}", "code": code, "detail": str(message)})
    if person is None or "category" in body:
        category = body.get("category")
        if category not in {c.value for c in Category}:
            errors.append({"pointer": "/category", "code": "invalid"})
        elif not in_scope(Category(category)):
            errors.append({"pointer": "/category", "code": "outside_mandate"})
        else:
            values["category"] = Category(category)
    if errors:
        raise Problem(422, "validation_failed", sorted(errors, key=lambda e: e["pointer"]))
    if values.get("sex") is not None:
        values["sex"] = Sex(values["sex"])
    if values.get("email"):
        values["email"] = values["email"].lower()
    if person is not None:
        values = {name: value for name, value in values.items() if name in body}
    return values
