"""Residence application set-ups: a recognised sponsor's draft, its sections filled in, documents
uploaded, submitted — all through HTTP."""

import io
from datetime import date

from portal.models import (
    Category,
    RecognitionStatus,
)
from tests.support import factories
from tests.support.auth import sign_in
from tests.support.factories import member
from tests.support.pages import get_page

TODAY = date(2026, 11, 29)


PERSON = {
    "surname": "O'Brien-Núñez",
    "given_names": "Zoë 李",
    "date_of_birth": "15-03-1990",
    "place_of_birth": "Dublin",
    "country_of_birth": "IE",
    "nationality": "IE",
    "sex": "female",
    "civil_status": "unmarried",
    "v_number": "",
    "passport_number": "pa 1234567",
    "passport_issued_on": "01-06-2022",
    "passport_expires_on": "31-12-2030",
}


JOB = {
    "job_title": "Data engineer",
    "start_date": "01-02-2027",
    "end_date": "31-01-2029",
    "hours_per_week": "40",
    "monthly_salary": "5.942,00",
    "reduced_criterion": "no",
}


def recognise(user, category=Category.LABOUR, status=RecognitionStatus.GRANTED):
    """The user's organisation, recognised for `category`."""
    organisation = user.memberships[0].organisation
    factories.recognise(organisation, category, status)
    return organisation


def start(client, kind: str) -> str:
    token = get_page(client, "/applications/residence/new").csrf()
    response = client.post("/applications/residence/new", data={"csrf_token": token, "kind": kind})
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    return response.headers["Location"]


def new_draft(client, kind: str = "hsm_residence") -> tuple[str, object]:
    """A recognised sponsor's administrator, signed in, starts a draft of `kind`: its task
    list URL, and the user."""
    user = member()
    recognise(user)
    sign_in(client, user)
    return start(client, kind), user


def save(client, tasks_url: str, key: str, data: dict, **extra):
    url = f"{tasks_url}/sections/{key}"
    token = get_page(client, url).csrf()
    return client.post(url, data={"csrf_token": token, **data, **extra})


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(client, tasks_url: str, purpose: str, content=PDF, filename="document.pdf"):
    url = f"{tasks_url}/sections/documents"
    token = get_page(client, url).csrf()
    return client.post(
        url,
        data={"csrf_token": token, "purpose": purpose, "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def upload_required(client, tasks_url: str, kind: str) -> None:
    from portal.residence.types import TYPES

    for purpose in TYPES[kind].documents:
        response = upload(client, tasks_url, purpose, filename=f"{purpose}.pdf")
        assert response.status_code == 302, response.get_data(as_text=True)[-1500:]


def fill_in(client, kind="hsm_residence", person=PERSON, job=JOB) -> str:
    tasks_url = start(client, kind)
    assert save(client, tasks_url, "person", person).status_code == 302
    assert save(client, tasks_url, "job", job).status_code == 302
    upload_required(client, tasks_url, kind)
    return tasks_url


def submit(client, tasks_url: str):
    token = get_page(client, f"{tasks_url}/check").csrf()
    return client.post(f"{tasks_url}/check", data={"csrf_token": token, "declaration": "y"})
