"""One person, one set of rules: the same typed value gets the same verdict — accepted, or
refused with the same message next to the same field — in every place a person is entered.

Each entry point below takes the values through HTTP as a user (or a file) would send them: one
person per case, each differing from a valid person in one field. The API (issue 18) plugs in
as one more entry in ENTRY_POINTS: a function (client, [(field, person)]) → one verdict per
person, and the person fields it takes.
"""

import re
from dataclasses import dataclass
from datetime import date

from portal import clock
from portal.bulk.student_rows import example_row
from portal.extensions import db
from portal.models import Category, Organisation
from portal.people.fields import FIELDS
from tests.support.api import bearer, get_token, register_client
from tests.support.auth import sign_in
from tests.support.factories import PersonFactory
from tests.support.pages import Page, get_page
from tests.support.residence import start
from tests.support.student_import import csv_bytes, university, upload

TODAY = date(2026, 11, 29)

# A valid person, as typed (dates day-month-year, as on the residence form and in the file).
BASE = {
    "surname": "O'Brien-Núñez",
    "given_names": "Zoë",
    "date_of_birth": "15-03-1990",
    "place_of_birth": "Dublin",
    "country_of_birth": "IE",
    "nationality": "IE",
    "sex": "female",
    "passport_number": "PA1234567",
    "passport_issued_on": "01-06-2022",
    "passport_expires_on": "31-12-2030",
    "v_number": "",
    "email": "zoe@example.org",
}
ACCEPTED = None


def _message(text: str | None) -> str | None:
    """A field's error as shown, without the screen-reader prefix."""
    return re.sub(r"^(Error|Fout):\s*", "", text) if text else None


def _verdict(page: Page, field: str):
    assert page.status in (302, 400), page.status
    return ACCEPTED if page.status == 302 else _message(page.field_error(field))


# Each entry point reads a list of people (each with one field changed from BASE) and returns
# one verdict per person: None (accepted) or the message shown next to that field.


def register(client, people: list[tuple[str, dict]]) -> list:
    token = get_page(client, "/people/new").csrf()
    verdicts = []
    for field, person in people:
        data = {"csrf_token": token, **person, "category": "study"}
        verdicts.append(_verdict(Page(client.post("/people/new", data=data)), field))
    return verdicts


def residence(client, people: list[tuple[str, dict]]) -> list:
    url = start(client, "student") + "/sections/person"
    token = get_page(client, url).csrf()
    verdicts = []
    for field, person in people:
        data = {
            "csrf_token": token,
            **person,
            "civil_status": "unmarried",
            "procedure": "residence",
        }
        data.pop("email")
        verdicts.append(_verdict(Page(client.post(url, data=data)), field))
    return verdicts


def bulk_import(client, people: list[tuple[str, dict]]) -> list:
    rows = [{**example_row(TODAY), **person} for _field, person in people]
    response = upload(client, csv_bytes(rows))
    assert response.status_code == 302, response.get_data(as_text=True)[-1000:]
    table = get_page(client, response.headers["Location"]).soup.find(id="problems")
    shown = {}
    for tr in table.find("tbody").find_all("tr") if table else ():
        cells = [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        shown[(int(cells[0]), cells[1])] = cells[3]
    # Line 1 is the header.
    return [shown.get((line, field)) for line, (field, _p) in enumerate(people, start=2)]


def api(client, people: list[tuple[str, dict]]) -> list:
    """POST /api/v1/organisations/{kvk}/people with a token of a client the signed-in
    administrator registers; the verdict is the problem's detail at the field's pointer."""
    client_id, secret = register_client(client, scopes=("people:write",))
    token = get_token(client, client_id, secret)
    kvk = get_page(client, "/organisation/").soup.find(string=re.compile(r"^\d{8}$"))
    url = f"/api/v1/organisations/{kvk.strip()}/people"
    verdicts = []
    for field, person in people:
        response = client.post(url, json={**person, "category": "study"}, headers=bearer(token))
        # 409: every field accepted, but the register form entered this person already.
        assert response.status_code in (201, 409, 422), response.get_data(as_text=True)
        errors = {e["pointer"]: e.get("detail") for e in response.json.get("errors", [])}
        verdicts.append(ACCEPTED if response.status_code != 422 else errors.get(f"/{field}"))
    return verdicts


def api_residence(client, people: list[tuple[str, dict]]) -> list:
    """PUT …/applications/{id}/sections/person on a student draft started over the API; the
    verdict is the answer's error at the field's pointer."""
    client_id, secret = register_client(client, scopes=("applications:write",))
    token = get_token(client, client_id, secret)
    kvk = get_page(client, "/organisation/").soup.find(string=re.compile(r"^\d{8}$")).strip()
    organisation = db.session.scalar(db.select(Organisation).filter_by(kvk_number=kvk))
    person = PersonFactory(organisation=organisation, category=Category.STUDY)
    url = f"/api/v1/organisations/{kvk}/applications"
    created = client.post(
        url, json={"kind": "student", "person_id": person.id}, headers=bearer(token)
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    section = f"{url}/{created.json['id']}/sections/person"
    etag = created.headers["ETag"]
    verdicts = []
    for field, typed in people:
        answers = {**typed, "civil_status": "unmarried", "procedure": "residence"}
        answers.pop("email")
        response = client.put(section, json=answers, headers=bearer(token, **{"If-Match": etag}))
        assert response.status_code == 200, response.get_data(as_text=True)
        etag = response.headers["ETag"]
        errors = {e["pointer"]: e["detail"] for e in response.json["errors"]}
        verdicts.append(errors.get(f"/{field}"))
    return verdicts


@dataclass(frozen=True)
class EntryPoint:
    verdicts: object  # (client, [(field, person)]) -> [None (accepted) or the message shown]
    fields: frozenset = frozenset(FIELDS)


ENTRY_POINTS = {
    "bulk import": EntryPoint(bulk_import),
    "residence form": EntryPoint(residence, frozenset(FIELDS) - {"email"}),
    "register form": EntryPoint(register),
    "api": EntryPoint(api),
    "api residence answers": EntryPoint(api_residence, frozenset(FIELDS) - {"email"}),
}

PERSIAN_WITH_ZWNJ = "علی\u200cرضا"  # Alireza: the zero-width non-joiner is part of the spelling

# (field, value typed, None if accepted or a part of the message)
CASES = [
    # V-number: validated loosely, 1 to 10 digits after spaces, dots and hyphens
    ("v_number", "12345", ACCEPTED),
    ("v_number", "1234567890", ACCEPTED),
    ("v_number", "12 345.678-90", ACCEPTED),
    ("v_number", "123456789012", "Enter the V-number in digits only"),
    ("v_number", "V12345", "Enter the V-number in digits only"),
    # Passport: expired refused (valid through its date of expiry), expiring soon accepted
    ("passport_expires_on", "28-11-2026", "This passport expired on 28 November 2026"),
    ("passport_expires_on", "29-11-2026", ACCEPTED),
    ("passport_expires_on", "05-01-2027", ACCEPTED),
    ("passport_issued_on", "29-11-2026", ACCEPTED),
    ("passport_issued_on", "30-11-2026", "The date of issue cannot be in the future"),
    ("passport_issued_on", "01-01-1985", "The date of issue must be after the date of birth"),
    ("passport_number", "pa 123 4567", ACCEPTED),
    ("passport_number", "PA.1234567", "letters and digits only"),
    ("passport_number", "PA-1234567", "letters and digits only"),
    # Dates as typed
    ("date_of_birth", "1990-03-15", ACCEPTED),
    ("date_of_birth", "29-02-2024", ACCEPTED),
    ("date_of_birth", "31-04-1990", "Enter a real date"),
    ("date_of_birth", "29-02-2023", "Enter a real date"),
    ("date_of_birth", "15-03-90", "Enter the year in full"),
    ("date_of_birth", "15 March 1990", "Enter the date as day-month-year"),
    ("date_of_birth", "31-12-1899", "Enter a date of birth from 1 January 1900"),
    ("date_of_birth", "29-11-2026", "The date of birth must be in the past"),
    ("date_of_birth", "01-01-0090", "Enter a year from 1800 to 2199"),
    # Names: letters of any script, marks, apostrophes, hyphens; no digits
    ("surname", "R2-D2", "Enter the name with letters only"),
    ("given_names", "Zoë 2", "Enter the name with letters only"),
    ("surname", "Шостакович", ACCEPTED),
    ("surname", "王", ACCEPTED),
    ("surname", "Nguyễn", ACCEPTED),
    ("given_names", PERSIAN_WITH_ZWNJ, ACCEPTED),
    ("given_names", "", ACCEPTED),
    ("surname", "", "Enter the surname as in the passport"),
    ("surname", "A" * 200, ACCEPTED),
    ("surname", "A" * 201, "Enter at most 200 characters"),
    ("place_of_birth", "P" * 100, ACCEPTED),
    ("place_of_birth", "P" * 101, "Enter at most 100 characters"),
    # Hidden characters: control characters and bidi overrides/isolates refused (a name that
    # shows one way and is stored another), the joiners and direction marks kept
    ("place_of_birth", "Dub\tlin", "Remove the hidden control characters"),
    ("place_of_birth", "Dub\x85lin", "Remove the hidden control characters"),
    ("place_of_birth", "Dublin\u202egpj.exe", "Remove the hidden control characters"),
    ("place_of_birth", "\u2067تهران\u2069", "Remove the hidden control characters"),
    ("surname", "Smith\u202d", "Remove the hidden control characters"),
    ("given_names", "\u202bZoë\u202c", "Remove the hidden control characters"),
    ("place_of_birth", "تهران\u200f", ACCEPTED),
    ("surname", "क्\u200dष", ACCEPTED),
    # Countries, sex, e-mail
    ("nationality", "jp", ACCEPTED),
    ("nationality", "XX", "Choose a country from the list"),
    ("country_of_birth", "", "Choose the country of birth"),
    ("sex", "robot", "Choose the sex as in the passport"),
    ("email", "ZOE@Example.org", ACCEPTED),
    ("email", "zoe@", "Enter an e-mail address in the right format"),
]


def test_the_same_value_gets_the_same_verdict_everywhere(client, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    client.get("/language/en")
    user, _org = university()
    sign_in(client, user)
    # One person per case; each with its own passport number, so none is a duplicate.
    people = [
        (field, {**BASE, "passport_number": f"QX{n:07d}", field: value})
        for n, (field, value, _expected) in enumerate(CASES)
    ]
    verdicts = {}  # case number -> {entry point: verdict}
    for name, entry in ENTRY_POINTS.items():
        numbers = [n for n, (field, _p) in enumerate(people) if field in entry.fields]
        found = entry.verdicts(client, [people[n] for n in numbers])
        for n, verdict in zip(numbers, found, strict=True):
            verdicts.setdefault(n, {})[name] = verdict
    wrong = []
    for n, (field, value, expected) in enumerate(CASES):
        seen = verdicts[n]
        verdict = next(iter(seen.values()))
        agree = len(seen) >= 2 and len(set(seen.values())) == 1  # message and all
        right = verdict is None if expected is ACCEPTED else expected in (verdict or "")
        if not (agree and right):
            wrong.append((field, value[:30], expected, seen))
    assert wrong == [], "\n".join(map(str, wrong))


def test_every_person_field_is_in_the_table():
    assert {field for field, _value, _expected in CASES} == set(FIELDS)
