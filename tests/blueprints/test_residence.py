"""Residence applications through HTTP: choose a type the organisation may file, fill in the
task list (saved at every step), rules checked while filling in, check answers, submit once."""

from datetime import date

import pytest

from portal import clock
from portal.extensions import db
from portal.models import (
    Application,
    ApplicationStatus,
    AuditEvent,
    Category,
    Letter,
    LetterKind,
    OrgRole,
    Recognition,
    RecognitionStatus,
    StatusEvent,
)
from tests.support.auth import sign_in, sign_out
from tests.support.factories import ApplicationFactory, MembershipFactory, member
from tests.support.pages import Page, get_page, search
from tests.support.residence import (
    JOB,
    PERSON,
    TODAY,
    fill_in,
    new_draft,
    recognise,
    save,
    start,
    submit,
    upload_required,
)


@pytest.fixture(autouse=True)
def english_on_a_fixed_day(client, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    client.get("/language/en")


def test_only_types_the_organisation_may_file_are_offered(client):
    user = member()
    recognise(user, Category.LABOUR)
    recognise(user, Category.STUDY, RecognitionStatus.SUSPENDED)
    sign_in(client, user)
    page = get_page(client, "/applications/residence/new")

    def disabled(kind):
        return page.soup.find("input", attrs={"value": kind}).has_attr("disabled")

    assert not disabled("hsm_entry") and not disabled("hsm_extension")
    assert not disabled("eu_blue_card")
    assert disabled("student") and "Recognition suspended" in page.text
    assert disabled("researcher") and disabled("au_pair")
    token = page.csrf()
    refused = Page(
        client.post("/applications/residence/new", data={"csrf_token": token, "kind": "student"})
    )
    assert refused.status == 400
    assert "needs recognition" in refused.field_error("kind")
    assert db.session.scalar(db.select(db.func.count()).select_from(Application)) == 0


def test_eu_blue_card_can_be_filed_without_recognition_but_without_target_date(client):
    user = member()
    sign_in(client, user)
    tasks_url = start(client, "eu_blue_card")
    person = {**PERSON, "procedure": "residence"}
    assert save(client, tasks_url, "person", person).status_code == 302
    job = {**JOB, "recent_graduate": "no"}
    job.pop("reduced_criterion")
    assert save(client, tasks_url, "job", job).status_code == 302
    # Residence only: no travel section.
    tasks = get_page(client, tasks_url)
    assert "Travel and embassy" not in tasks.text
    upload_required(client, tasks_url, "eu_blue_card")
    assert submit(client, tasks_url).status_code == 302
    application = db.session.scalar(db.select(Application))
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.reference.startswith("BC-2026-")
    assert application.target_date is None
    assert application.decision_deadline == date(2027, 2, 27)


def test_full_application_is_submitted_once_with_snapshot_fee_deadlines_and_letter(client):
    user = member(legal_name="Brightwave B.V.")
    recognise(user)
    sign_in(client, user)
    tasks_url = fill_in(client)
    tasks = get_page(client, tasks_url)
    assert tasks.text.count("Completed") == 3  # the person, the job, the documents

    check = get_page(client, f"{tasks_url}/check")
    assert "O'Brien-Núñez" in check.text and "Zoë 李" in check.text
    assert "€5,942.00" in check.text  # the salary as read, and the threshold
    assert "highly skilled migrant aged 30 or older" in check.text
    assert "31 January 2029" in check.text  # permit requested until the contract end
    assert "€423.00" in check.soup.select_one("#fee").text
    assert "Brightwave B.V." in check.text  # from the profile

    token = check.csrf()
    first = client.post(f"{tasks_url}/check", data={"csrf_token": token, "declaration": "y"})
    second = client.post(f"{tasks_url}/check", data={"csrf_token": token, "declaration": "y"})
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Application)) == 1
    application = db.session.scalar(db.select(Application))
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.reference.startswith("KM-2026-")
    assert application.fee_cents == 42300
    assert application.decision_deadline == date(2027, 2, 27)
    assert application.target_date == date(2026, 12, 13)
    assert application.snapshot["answers"]["job"]["monthly_salary"] == 594200
    assert application.snapshot["answers"]["person"]["passport_number"] == "PA1234567"
    assert application.snapshot["salary_threshold_cents"] == 594200
    letters = db.session.scalars(db.select(Letter)).all()
    assert [letter.kind for letter in letters] == [
        LetterKind.ACKNOWLEDGEMENT,
        LetterKind.FEE_LETTER,
    ]
    assert "O'Brien-Núñez" in letters[0].body_text and application.reference in letters[0].body_text
    assert "O'Brien-Núñez" in letters[0].person_name  # found by the inbox's person filter
    # The fee letter: amount, the IND's account and the payment reference, about the person.
    fee = letters[1].body_text
    assert "€423.00" in fee and "NL91 ABNA 0417 1643 00" in fee
    assert f"Payment reference: {application.reference}" in " ".join(fee.split())
    assert "O'Brien-Núñez" in letters[1].person_name and letters[1].respond_by is None

    case = get_page(client, first.headers["Location"])
    summary = case.soup.select_one("#case-summary").get_text(" ", strip=True)
    assert "27 February 2027" in summary and "13 December 2026" in summary
    assert "€423.00" in summary
    # The IND waits for the fee: the sponsor sees how to pay it.
    assert "Fee €423.00 due — pay by" in case.soup.select_one("#waiting").text
    timeline = case.soup.select_one("#timeline").get_text(" ", strip=True)
    assert "Application started" in timeline and "Submitted" in timeline
    # A later change does not alter what was sent.
    application.answers["person"]["surname"] = "Changed"
    assert "O'Brien-Núñez" in get_page(client, first.headers["Location"]).text


def test_salary_below_threshold_is_explained_and_values_are_kept(client):
    tasks_url, _user = new_draft(client)
    save(client, tasks_url, "person", PERSON)
    page = Page(save(client, tasks_url, "job", {**JOB, "monthly_salary": "5.000"}))
    assert page.status == 400
    error = page.field_error("monthly_salary")
    assert "€5,000.00 is below the threshold of €5,942.00" in error
    assert "29 November 2026" in error
    assert page.value("monthly_salary") == "5.000"
    assert page.value("job_title") == "Data engineer"
    # The draft was saved even so, and the task list says the section is not complete.
    tasks = get_page(client, tasks_url)
    assert "Incomplete" in tasks.text
    assert "Check your answers and submit" in tasks.text
    assert tasks.soup.find("a", string="Check your answers and submit") is None


def test_under_30_the_lower_threshold_applies_from_age_on_the_application_date(client):
    tasks_url, _user = new_draft(client, "hsm_entry")
    # 30th birthday is tomorrow: still under 30 on the application date.
    save(client, tasks_url, "person", {**PERSON, "date_of_birth": "30-11-1996"})
    response = save(client, tasks_url, "job", {**JOB, "monthly_salary": "4357"})
    assert response.status_code == 302
    # Entry and residence: the travel section comes next.
    assert response.headers["Location"].endswith("/sections/travel")


@pytest.mark.parametrize(
    ("typed", "field", "says"),
    [
        ({"date_of_birth": "31-02-1990"}, "date_of_birth", "Enter a real date"),
        ({"date_of_birth": "01-01-2030"}, "date_of_birth", "must be in the past"),
        ({"passport_expires_on": "01-01-2020"}, "passport_expires_on", "expired on"),
        ({"surname": "R2-D2"}, "surname", "letters only"),
        ({"surname": ""}, "surname", "Enter the surname"),
        ({"nationality": "XX"}, "nationality", "Choose a country from the list"),
        ({"sex": "robot"}, "sex", "Choose the sex"),
        ({"passport_number": "12"}, "passport_number", "letters and digits only, 5 to 20"),
    ],
)
def test_bad_person_data_is_explained_next_to_the_field(client, typed, field, says):
    tasks_url, _user = new_draft(client)
    page = Page(save(client, tasks_url, "person", {**PERSON, **typed}))
    assert page.status == 400
    assert says in page.field_error(field)
    assert page.value("place_of_birth") == "Dublin"
    assert page.soup.select_one(".error-summary") is not None


def test_text_of_only_invisible_characters_does_not_fill_a_required_field(client):
    tasks_url, _user = new_draft(client)
    typed = {**PERSON, "place_of_birth": "\u202e\u200b\u2060"}
    page = Page(save(client, tasks_url, "person", typed))
    assert page.status == 400
    assert "Enter the place of birth" in page.field_error("place_of_birth")
    assert page.value("surname") == PERSON["surname"]


def test_names_in_any_script_are_kept_exactly(client):
    tasks_url, _user = new_draft(client)
    names = {"surname": "Ōtsuka-D'Angelo", "given_names": "Мария Ἀθηνᾶ محمد"}
    assert save(client, tasks_url, "person", {**PERSON, **names}).status_code == 302
    page = get_page(client, f"{tasks_url}/sections/person")
    assert page.value("surname") == names["surname"]
    assert page.value("given_names") == names["given_names"]


def test_salary_typed_ambiguously_is_refused_with_how_to_write_it(client):
    tasks_url, _user = new_draft(client)
    save(client, tasks_url, "person", PERSON)
    page = Page(save(client, tasks_url, "job", {**JOB, "monthly_salary": "5.942.00"}))
    assert page.status == 400
    assert "more than one way" in page.field_error("monthly_salary")


@pytest.mark.parametrize(
    ("expires", "status", "says"),
    [
        ("28-02-2027", 302, None),  # window opened today (29 November 2026 is 3 months before)
        ("01-03-2027", 400, "from 1 December 2026"),  # opens tomorrow
        ("29-11-2026", 302, None),  # last day: expires today
        ("28-11-2026", 400, "expired on 28 November 2026"),
    ],
)
def test_extension_window_is_checked_while_filling_in(client, expires, status, says):
    tasks_url, _user = new_draft(client, "hsm_extension")
    page = Page(save(client, tasks_url, "person", {**PERSON, "current_permit_expires": expires}))
    assert page.status == status
    if says:
        assert says in page.field_error("current_permit_expires")


def test_a_colleague_resumes_the_draft_and_a_reader_cannot_edit(client):
    user = member()
    organisation = recognise(user)
    colleague = MembershipFactory(organisation=organisation, role=OrgRole.SUBMITTER).user
    reader = MembershipFactory(organisation=organisation, role=OrgRole.READER).user
    sign_in(client, user)
    tasks_url = start(client, "hsm_residence")
    save(client, tasks_url, "person", PERSON)
    sign_out(client)

    sign_in(client, colleague)
    page = get_page(client, f"{tasks_url}/sections/person")
    assert page.value("surname") == "O'Brien-Núñez"
    assert save(client, tasks_url, "job", JOB).status_code == 302
    upload_required(client, tasks_url, "hsm_residence")
    assert submit(client, tasks_url).status_code == 302
    sign_out(client)

    sign_in(client, reader)
    application = db.session.scalar(db.select(Application))
    assert application.status == ApplicationStatus.SUBMITTED
    assert client.get(f"{tasks_url}/sections/person").status_code == 403
    assert client.get(f"/applications/{application.id}").status_code == 200
    saved = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "application.draft_saved")
    ).all()
    assert {event.actor_id for event in saved} == {user.id, colleague.id}


def test_nothing_is_submitted_while_a_section_is_incomplete(client):
    tasks_url, _user = new_draft(client)
    save(client, tasks_url, "person", PERSON)
    check = get_page(client, f"{tasks_url}/check")
    assert "The job" in check.soup.select_one("#incomplete").text
    token = check.csrf()
    page = Page(client.post(f"{tasks_url}/check", data={"csrf_token": token, "declaration": "y"}))
    assert page.status == 400
    assert "Complete every section" in page.text
    application = db.session.scalar(db.select(Application))
    assert application.status == ApplicationStatus.DRAFT and application.reference is None
    assert db.session.scalar(db.select(db.func.count()).select_from(Letter)) == 0
    events = db.session.scalars(db.select(StatusEvent)).all()
    assert [e.to_status for e in events] == [ApplicationStatus.DRAFT]


def test_the_declaration_is_required(client):
    user = member()
    recognise(user)
    sign_in(client, user)
    tasks_url = fill_in(client)
    token = get_page(client, f"{tasks_url}/check").csrf()
    page = Page(client.post(f"{tasks_url}/check", data={"csrf_token": token}))
    assert page.status == 400
    assert "Confirm the declaration" in page.field_error("declaration")
    assert db.session.scalar(db.select(Application)).status == ApplicationStatus.DRAFT


def test_a_type_without_a_known_fee_says_so_and_can_still_be_submitted(client):
    tasks_url, _user = new_draft(client, "hsm_extension")
    save(client, tasks_url, "person", {**PERSON, "current_permit_expires": "31-01-2027"})
    save(client, tasks_url, "job", JOB)
    upload_required(client, tasks_url, "hsm_extension")
    check = get_page(client, f"{tasks_url}/check")
    assert "not in the portal's reference data" in check.soup.select_one("#fee").text
    response = submit(client, tasks_url)
    assert response.status_code == 302
    assert db.session.scalar(db.select(Application)).fee_cents is None
    case = get_page(client, response.headers["Location"])
    assert "Amount to be set by the IND" in case.text


def test_another_organisations_residence_application_is_not_found(client):
    theirs = ApplicationFactory(kind="hsm_residence", answers={})
    sign_in(client, member())
    for url in ("", "/sections/person", "/check"):
        assert client.get(f"/applications/residence/{theirs.id}{url}").status_code == 404
    token = get_page(client, "/dashboard").csrf()
    response = client.post(
        f"/applications/residence/{theirs.id}/sections/person",
        data={"csrf_token": token, **PERSON},
    )
    assert response.status_code == 404
    assert db.session.get(Application, theirs.id).answers == {}


def test_recognition_cases_are_not_residence_cases(client):
    user = member()
    sign_in(client, user)
    mine = ApplicationFactory(organisation=user.memberships[0].organisation, created_by=user)
    assert client.get(f"/applications/residence/{mine.id}").status_code == 404


def test_the_task_list_and_questions_speak_dutch(client):
    tasks_url, _user = new_draft(client, "hsm_entry")
    client.get("/language/nl")
    tasks = get_page(client, tasks_url)
    assert "Kennismigrant: toegang en verblijf" in tasks.text
    assert "De persoon" in tasks.text and "Reis en ambassade" in tasks.text
    assert "Nog niet begonnen" in tasks.text
    page = Page(save(client, tasks_url, "person", {**PERSON, "date_of_birth": "31-02-1990"}))
    assert page.status == 400
    assert "Vul een bestaande datum in" in page.field_error("date_of_birth")
    assert page.soup.find("option", attrs={"value": "IE", "selected": True}).text == "Ierland"


def test_the_back_office_cannot_decide_a_residence_case_as_a_recognition(client):
    from portal.cases import lifecycle as recognition

    user = member()
    recognise(user)
    sign_in(client, user)
    submit(client, fill_in(client))
    application = db.session.scalar(db.select(Application))
    with pytest.raises(recognition.NotDecidable):
        recognition.decide(application, user, grant=True, reason="")
    assert db.session.scalar(db.select(db.func.count()).select_from(Recognition)) == 1


NASTY = [
    "\x00",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "9" * 5000,
    "²³",
    "٣١-٠٢-٢٠٢٦",
    "\u202e\u200b",
    "-1",
    "1e9",
    "NaN",
]


@pytest.mark.parametrize("kind", ["hsm_entry", "eu_blue_card", "student"])
def test_no_input_makes_a_server_error(client, kind):
    from portal.residence.types import TYPES

    user = member()
    recognise(user)
    recognise(user, Category.STUDY)
    sign_in(client, user)
    tasks_url = start(client, kind)
    rtype = TYPES[kind]
    for section in rtype.sections:
        url = f"{tasks_url}/sections/{section.key}"
        token = get_page(client, url).csrf() if section.key != "travel" else None
        for nasty in NASTY:
            data = {field.name: nasty for field in section.fields}
            if token is None:
                token = get_page(client, f"{tasks_url}/sections/person").csrf()
            response = client.post(url, data={"csrf_token": token, **data})
            assert response.status_code in (302, 400, 404), (section.key, nasty)
            if response.status_code == 400:
                assert "<script>alert" not in response.get_data(as_text=True)
    assert client.get(f"{tasks_url}/check").status_code == 200
    assert client.get(tasks_url).status_code == 200


def test_the_acknowledgement_names_the_person_in_the_inbox_and_its_filter(client):
    """Regression (found by the browser journey): the acknowledgement of a residence
    application printed the person's name but did not keep it on the letter, so the inbox's
    person column was empty and filtering on the person did not find it."""
    user = member()
    recognise(user)
    sign_in(client, user)
    person = {**PERSON, "v_number": "1234567890"}
    tasks_url = fill_in(client, person=person)
    assert submit(client, tasks_url).status_code == 302
    letter = db.session.scalar(db.select(Letter))
    assert letter.person_name == "Zoë 李 O'Brien-Núñez"
    assert letter.v_number == "1234567890"

    inbox = get_page(client, "/inbox")
    row = inbox.soup.find("a", string=letter.subject).find_parent("tr")
    assert "Zoë 李 O'Brien-Núñez (1234567890)" in row.get_text(" ", strip=True)
    found = search(client, "/inbox", person="O'Brien")
    assert found.soup.find("a", string=letter.subject) is not None
    assert search(client, "/inbox", person="1234567890").soup.find("a", string=letter.subject)
    assert search(client, "/inbox", person="Someone").soup.find("a", string=letter.subject) is None
