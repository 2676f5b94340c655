"""Family set-ups through HTTP: a recognised employer's submitted main application about a
person of the register, and family members' applications filed with it from that person's
page."""

import datetime

from tests.support.auth import sign_in
from tests.support.factories import PersonFactory, member
from tests.support.pages import get_page
from tests.support.residence import JOB, PERSON, recognise, save, upload_required

RELATIONSHIP = {"relationship": "married", "since": "14-02-2019", "legalisation": "apostille"}
CHILD_RELATIONSHIP = {"parent": "both", "legalisation": "apostille"}


def person_answers(person) -> dict:
    """The person section as the register prefills it, with the procedure."""
    return {
        **PERSON,
        "surname": person.surname,
        "given_names": person.given_names,
        "date_of_birth": person.date_of_birth.strftime("%d-%m-%Y"),
        "passport_number": person.passport_number,
        "nationality": person.nationality,
        "procedure": "residence",
    }


def start_for_person(client, kind: str, person) -> str:
    token = get_page(client, "/applications/residence/new").csrf()
    response = client.post(
        "/applications/residence/new",
        data={"csrf_token": token, "kind": kind, "person": person.id},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    return response.headers["Location"]


def submit(client, tasks_url: str):
    token = get_page(client, f"{tasks_url}/check").csrf()
    return client.post(f"{tasks_url}/check", data={"csrf_token": token, "declaration": "y"})


def employer_with_main(client, *, submitted=True, job=JOB):
    """A recognised employer signed in, a specialist in its register, and the specialist's
    highly skilled migrant application (submitted unless told): (user, specialist, tasks URL)."""
    user = member()
    organisation = recognise(user)
    sign_in(client, user)
    specialist = PersonFactory(organisation=organisation, surname="Sato", given_names="Haruki")
    tasks_url = start_for_person(client, "hsm_residence", specialist)
    person = {k: v for k, v in person_answers(specialist).items() if k != "procedure"}
    assert save(client, tasks_url, "person", person).status_code == 302
    saved = save(client, tasks_url, "job", job)
    upload_required(client, tasks_url, "hsm_residence")
    if submitted:
        assert saved.status_code == 302
        assert submit(client, tasks_url).status_code == 302
    return user, specialist, tasks_url


def relative(specialist, given_names: str, born: datetime.date):
    return PersonFactory(
        organisation=specialist.organisation,
        surname="Sato",
        given_names=given_names,
        date_of_birth=born,
    )


def file_family(client, main_id: int, kind: str, person) -> str:
    """File from the main person's page: the family member's tasks URL."""
    url = f"/applications/family/new/{main_id}"
    token = get_page(client, url).csrf()
    response = client.post(url, data={"csrf_token": token, "kind": kind, "person": person.id})
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    return response.headers["Location"]


def fill_family(client, tasks_url: str, kind: str, person, relationship=None) -> None:
    assert save(client, tasks_url, "person", person_answers(person)).status_code == 302
    default = RELATIONSHIP if kind == "family_partner" else CHILD_RELATIONSHIP
    response = save(client, tasks_url, "relationship", relationship or default)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    assert save(client, tasks_url, "means", {"monthly_means": ""}).status_code == 302
    upload_required(client, tasks_url, kind)
