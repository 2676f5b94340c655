"""Duties (issue 5): reports of changes with their 4-week due date, the duties dashboard, the
permits overview with the extension window, and scoped CSV exports."""

from datetime import date

import pytest

from portal.duties import reports
from portal.extensions import db
from portal.models import (
    Application,
    ApplicationKind,
    AuditEvent,
    Category,
    Letter,
    LetterKind,
    OrganisationKind,
    OrgRole,
    Report,
    ReportKind,
    StudyProgressDeclaration,
)
from portal.models.base import utcnow
from portal.people import permits
from tests.support.auth import act_under_mandate, sign_in, sign_out, staff_sign_in
from tests.support.duties import TODAY, clock_moment, employer, permit
from tests.support.factories import (
    ApplicationFactory,
    MandateFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
    member,
    recognise,
)
from tests.support.pages import Page, get_page


@pytest.fixture
def today(move_today):
    move_today(TODAY)
    return move_today


@pytest.fixture(autouse=True)
def english(client, today):
    client.get("/language/en")


def file(client, **data) -> Page:
    token = get_page(client, "/reports/new").csrf()
    fields = {"kind": "", "person": "", "event_date": "", "details": "", **data}
    return Page(client.post("/reports/new", data={"csrf_token": token, **fields}))


# --- the 4-week deadline -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "filed", "due", "late_days"),
    [
        (date(2027, 1, 31), date(2027, 2, 28), date(2027, 2, 28), 0),  # month end, last day
        (date(2027, 1, 31), date(2027, 3, 1), date(2027, 2, 28), 1),
        (date(2028, 2, 1), date(2028, 2, 29), date(2028, 2, 29), 0),  # leap year
        (date(2028, 2, 1), date(2028, 3, 1), date(2028, 2, 29), 1),
        (date(2027, 12, 20), date(2028, 1, 17), date(2028, 1, 17), 0),  # over the year end
    ],
)
def test_report_is_due_four_weeks_after_the_event(client, today, event, filed, due, late_days):
    user, organisation = employer()
    person = PersonFactory(organisation=organisation, surname="Sharma")
    today(filed)
    sign_in(client, user)
    response = file(
        client, kind="employment_ended", person=str(person.id), event_date=event.isoformat()
    )
    assert response.status == 302, response.text[:800]
    report = db.session.scalar(db.select(Report))
    assert (report.due_on, report.filed_on, report.days_late) == (due, filed, late_days)
    page = get_page(client, response.response.headers["Location"])
    due_text = f"{due.day} {due:%B} {due.year}"
    assert due_text in page.soup.find(id="report-details").get_text(" ")
    if late_days:
        assert page.soup.find(id="late") is not None
        assert "filed 1 day after the due date" in page.soup.find(id="late").get_text(" ")
    else:
        assert page.soup.find(id="late") is None and page.soup.find(id="in-time") is not None
    listing = get_page(client, "/reports")
    row = listing.soup.find(id="reports").get_text(" ")
    assert ("1 day late" in row) == bool(late_days) and ("In time" in row) != bool(late_days)


def test_late_report_is_acknowledged_by_letter_and_audited(client, today):
    user, organisation = employer()
    person = PersonFactory(organisation=organisation, surname="Okafor", v_number="2498765432")
    sign_in(client, user)
    response = file(
        client,
        kind="employment_ended",
        person=str(person.id),
        event_date="2027-01-15",  # due 12 February; filed 10 March: 26 days late
        details="Contract ended early.",
    )
    assert response.status == 302, response.text[:800]
    report = db.session.scalar(db.select(Report))
    assert report.days_late == 26 and report.category == Category.LABOUR
    letter = db.session.get(Letter, report.letter_id)
    assert letter.kind == LetterKind.REPORT_ACKNOWLEDGEMENT
    assert letter.organisation_id == organisation.id and letter.v_number == "2498765432"
    assert "26 days after the 4-week reporting period" in letter.body_text
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "report.filed"))
    assert event.target_id == report.id and event.details["days_late"] == 26
    shown = get_page(client, f"/people/{person.id}").soup.find(id="reports").get_text(" ")
    assert "Employment ended" in shown and "26 days late" in shown


@pytest.mark.parametrize(
    ("event_date", "message"),
    [
        ("2027-03-11", "cannot be in the future"),
        ("2027-02-30", "Enter a real date"),
        ("", "Enter the date the change happened"),
        ("1899-12-31", "no reporting period"),
    ],
)
def test_bad_event_date_is_explained_next_to_the_field_and_typing_kept(client, event_date, message):
    user, organisation = employer()
    person = PersonFactory(organisation=organisation)
    sign_in(client, user)
    page = file(
        client,
        kind="job_changed",
        person=str(person.id),
        event_date=event_date,
        details="New role: lead engineer",
    )
    assert page.status == 400
    assert message in (page.field_error("event_date") or "")
    # The date comes back in its three boxes, day, month and year.
    assert page.value("event_date") == "-".join(reversed(event_date.split("-")))
    assert page.soup.find(id="details").get_text().strip() == "New role: lead engineer"
    assert page.soup.find("option", attrs={"value": str(person.id), "selected": True})
    assert page.checked("kind-3")  # job_changed stays chosen
    assert db.session.scalar(db.select(db.func.count()).select_from(Report)) == 0


def test_person_report_needs_a_person_and_organisation_report_none(client):
    user, organisation = employer()
    person = PersonFactory(organisation=organisation)
    sign_in(client, user)
    page = file(client, kind="employment_ended", event_date="2027-03-01")
    assert page.status == 400 and "Choose the person" in page.field_error("person")
    page = file(client, kind="bankruptcy", person=str(person.id), event_date="2027-03-01")
    assert page.status == 400 and "not about a person" in page.field_error("person")
    response = file(client, kind="bankruptcy", event_date="2027-03-01")
    assert response.status == 302
    report = db.session.scalar(db.select(Report))
    assert report.person_id is None and report.category is None


def test_kinds_offered_follow_the_recognition_categories(client):
    university = member(kind=OrganisationKind.HIGHER_EDUCATION)
    recognise(university.memberships[0].organisation, Category.STUDY)
    sign_in(client, university)
    offered = [i["value"] for i in get_page(client, "/reports/new").soup.select("input[name=kind]")]
    assert "student_deregistered" in offered and "insufficient_study_progress" in offered
    assert "salary_below_criterion" not in offered and "bankruptcy" in offered
    sign_out(client)
    user, _organisation = employer()
    sign_in(client, user)
    offered = [i["value"] for i in get_page(client, "/reports/new").soup.select("input[name=kind]")]
    assert "salary_below_criterion" in offered and "student_deregistered" not in offered


def test_report_kind_must_fit_the_persons_category(client):
    user, organisation = employer()
    recognise(organisation, Category.STUDY)
    student = PersonFactory(organisation=organisation, category=Category.STUDY)
    sign_in(client, user)
    page = file(
        client, kind="salary_below_criterion", person=str(student.id), event_date="2027-03-01"
    )
    assert page.status == 400 and "does not apply" in page.field_error("kind")


def test_reports_are_scoped_to_the_organisation(client):
    user, organisation = employer()
    other = OrganisationFactory()
    stranger = PersonFactory(organisation=other, surname="Elsewhere")
    theirs = reports.file_report(
        other,
        UserFactory(),
        kind=ReportKind.LEFT_NETHERLANDS,
        event_date=date(2027, 3, 1),
        details="",
        person=stranger,
        today=TODAY,
    )
    sign_in(client, user)
    assert client.get(f"/reports/{theirs.id}").status_code == 404
    assert "Elsewhere" not in get_page(client, "/reports").text
    assert client.get(f"/reports/new?person={stranger.id}").status_code == 404
    page = file(client, kind="left_netherlands", person=str(stranger.id), event_date="2027-03-01")
    assert page.status == 400 and page.field_error("person")
    assert "Elsewhere" not in get_page(client, "/reports/export.csv").text


def test_person_page_button_prefills_the_person(client):
    user, organisation = employer()
    person = PersonFactory(organisation=organisation, surname="Nakamura")
    sign_in(client, user)
    page = get_page(client, f"/people/{person.id}")
    link = page.soup.find("a", attrs={"href": f"/reports/new?person={person.id}"})
    assert "Report a change" in link.get_text(" ")
    form = get_page(client, link["href"])
    assert form.soup.find("option", attrs={"value": str(person.id), "selected": True})


def test_reader_sees_reports_but_cannot_file(client):
    user, _organisation = employer(OrgRole.READER)
    sign_in(client, user)
    assert client.get("/reports").status_code == 200
    assert client.get("/reports/new").status_code == 403


def test_mandate_sees_and_files_only_within_its_categories(client):
    sponsor = OrganisationFactory(legal_name="Sponsor B.V.")
    recognise(sponsor, Category.LABOUR)
    recognise(sponsor, Category.STUDY)
    worker = PersonFactory(organisation=sponsor, surname="Worker", category=Category.LABOUR)
    student = PersonFactory(organisation=sponsor, surname="Student", category=Category.STUDY)
    owner = UserFactory()

    def filed(kind, person):
        return reports.file_report(
            sponsor,
            owner,
            kind=kind,
            event_date=date(2027, 3, 1),
            details="",
            person=person,
            today=TODAY,
        )

    labour = filed(ReportKind.EMPLOYMENT_ENDED, worker)
    study = filed(ReportKind.STUDENT_DEREGISTERED, student)
    organisation_report = filed(ReportKind.MERGER, None)
    mandate = MandateFactory(sponsor=sponsor, categories=["labour"])
    membership = MembershipFactory(organisation=mandate.intermediary, role=OrgRole.SUBMITTER)
    db.session.refresh(membership.user)
    sign_in(client, membership.user)
    act_under_mandate(client, mandate)
    listing = get_page(client, "/reports").soup.find(id="reports").get_text(" ")
    assert "Worker" in listing and "Student" not in listing and "The organisation" not in listing
    assert client.get(f"/reports/{labour.id}").status_code == 200
    assert client.get(f"/reports/{study.id}").status_code == 404
    assert client.get(f"/reports/{organisation_report.id}").status_code == 404
    form = get_page(client, "/reports/new")
    offered = [i["value"] for i in form.soup.select("input[name=kind]")]
    assert "employment_ended" in offered
    assert "student_deregistered" not in offered and "merger" not in offered
    people = [o["value"] for o in form.soup.select("select[name=person] option")]
    assert str(student.id) not in people and str(worker.id) in people
    export = client.get("/reports/export.csv").get_data(as_text=True)
    assert "Worker" in export and "Student" not in export


# --- permits: the extension window ---------------------------------------------------------


def test_extension_window_first_and_last_day_on_the_permits_overview(client):
    user, organisation = employer()
    opens_today = permit(organisation, date(2027, 6, 10), "Opens")  # window opens 10 March
    opens_tomorrow = permit(organisation, date(2027, 6, 11), "Tomorrow")
    last_day = permit(organisation, date(2027, 3, 10), "Lastday")
    expired = permit(organisation, date(2027, 3, 9), "Expired")
    sign_in(client, user)
    page = get_page(client, "/permits")
    rows = page.soup.select("#permits tbody tr")
    # Sorted by end date.
    assert [r["id"] for r in rows] == [
        f"permit-{p.id}" for p in (expired, last_day, opens_today, opens_tomorrow)
    ]

    def state(p):
        return page.soup.find(id=f"permit-{p.id}")["class"][1]

    assert state(opens_today) == "permit--extension"
    assert state(last_day) == "permit--extension"
    assert state(opens_tomorrow) == "permit--valid"
    assert state(expired) == "permit--expired"
    assert "11 March 2027" in page.soup.find(id=f"permit-{opens_tomorrow.id}").get_text(" ")
    assert "Expired" in page.soup.find(id=f"permit-{expired.id}").get_text(" ")
    buttons = page.soup.select("form[action='/applications/residence/new']")
    assert len(buttons) == 2
    assert {b.find("input", attrs={"name": "kind"})["value"] for b in buttons} == {"hsm_extension"}
    only_expired = get_page(client, "/permits?state=expired").soup.select("#permits tbody tr")
    assert [r["id"] for r in only_expired] == [f"permit-{expired.id}"]


def test_extension_button_starts_the_extension_about_the_person(client):
    user, organisation = employer()
    found = permit(organisation, date(2027, 5, 1), "Sharma")
    sign_in(client, user)
    page = get_page(client, "/permits")
    form = page.soup.select_one(f"#permit-{found.id} form")
    data = {i["name"]: i["value"] for i in form.find_all("input")}
    response = client.post(form["action"], data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    application = db.session.scalar(db.select(Application))
    assert application.kind == ApplicationKind.HSM_EXTENSION
    assert application.person_id == found.person_id
    section = get_page(client, f"/applications/residence/{application.id}/sections/person")
    assert section.value("current_permit_expires") == "01-05-2027"
    assert section.value("surname") == "Sharma"


def test_permits_are_scoped_and_archived_people_left_out(client):
    user, organisation = employer()
    permit(OrganisationFactory(), date(2027, 5, 1), "Stranger")
    archived = permit(organisation, date(2027, 5, 1), "Gone")
    kept = permit(organisation, date(2027, 5, 1), "Kept")
    archived.person.archived_at = utcnow()
    db.session.flush()
    sign_in(client, user)
    text = get_page(client, "/permits").text
    assert "Stranger" not in text and "Gone" not in text and kept.person.surname in text


def test_record_grant_creates_the_permit_of_the_application():
    user, organisation = employer()
    person = PersonFactory(organisation=organisation)
    application = ApplicationFactory(
        organisation=organisation,
        kind=ApplicationKind.HSM_RESIDENCE,
        category=Category.LABOUR,
        person_id=person.id,
        created_by=user,
    )
    found = permits.record_grant(application, date(2027, 1, 1), date(2029, 12, 31), "NL123")
    assert (found.person_id, found.kind, found.ends_on) == (
        person.id,
        ApplicationKind.HSM_RESIDENCE,
        date(2029, 12, 31),
    )
    assert permits.current_permit_of(person) == found


# --- the duties dashboard ------------------------------------------------------------------


def university_user():
    user = member(kind=OrganisationKind.HIGHER_EDUCATION)
    organisation = user.memberships[0].organisation
    recognise(organisation, Category.STUDY)
    return user, organisation


def test_study_progress_check_is_due_then_declared_done(client, today):
    user, _organisation = university_user()
    today(date(2027, 11, 10))
    sign_in(client, user)
    section = get_page(client, "/duties").soup.find(id="study-progress").get_text(" ")
    assert "30 November 2027" in section and "20 days left" in section
    page = get_page(client, "/duties/study-progress")
    bad = Page(
        client.post(
            "/duties/study-progress", data={"csrf_token": page.csrf(), "checked_on": "2027-11-09"}
        )
    )
    assert bad.status == 400 and bad.field_error("confirm")
    assert bad.value("checked_on") == "09-11-2027"
    response = client.post(
        "/duties/study-progress",
        data={"csrf_token": page.csrf(), "checked_on": "2027-11-09", "confirm": "y"},
    )
    assert response.status_code == 302
    section = get_page(client, "/duties").soup.find(id="study-progress").get_text(" ")
    assert "Done" in section and "9 November 2027" in section


def test_study_progress_check_overdue_and_done_by_a_report(client, today):
    user, organisation = university_user()
    today(date(2027, 12, 5))
    sign_in(client, user)
    section = get_page(client, "/duties").soup.find(id="study-progress").get_text(" ")
    assert "5 days overdue" in section
    student = PersonFactory(organisation=organisation, category=Category.STUDY)
    response = file(
        client, kind="insufficient_study_progress", person=str(student.id), event_date="2027-12-01"
    )
    assert response.status == 302
    section = get_page(client, "/duties").soup.find(id="study-progress").get_text(" ")
    assert "Done" in section and "insufficient study progress" in section


def test_employer_has_no_study_progress_duty(client):
    user, _organisation = employer()
    sign_in(client, user)
    page = get_page(client, "/duties")
    assert page.soup.find(id="study-progress") is None
    assert client.get("/duties/study-progress").status_code == 404
    nav = page.soup.find("nav", attrs={"aria-label": "Main"})
    assert nav.find("a", attrs={"href": "/duties"})


def test_extension_duties_due_overdue_and_done(client):
    user, organisation = employer()
    due = permit(organisation, date(2027, 4, 1), "Due")
    overdue = permit(organisation, date(2027, 3, 1), "Overdue")
    done = permit(organisation, date(2027, 5, 1), "Done")
    permit(organisation, date(2028, 5, 1), "Later")
    left = permit(organisation, date(2027, 3, 5), "Left")
    reports.file_report(
        organisation,
        user,
        kind=ReportKind.LEFT_NETHERLANDS,
        event_date=date(2027, 3, 1),
        details="",
        person=left.person,
        today=TODAY,
    )
    ApplicationFactory(
        organisation=organisation,
        kind=ApplicationKind.HSM_EXTENSION,
        person_id=done.person_id,
        created_by=user,
        status="submitted",
        submitted_at=clock_moment(date(2027, 3, 5)),
    )
    sign_in(client, user)
    table = get_page(client, "/duties").soup.find(id="extensions")
    text = table.get_text(" ")
    assert "Later" not in text
    rows = {r.find("a").get_text(): r.get_text(" ") for r in table.select("tbody tr")}
    assert "22 days left" in rows[due.person.full_name]
    assert "9 days overdue" in rows[overdue.person.full_name]
    assert "Done" in rows[done.person.full_name]
    assert "application submitted" in rows[done.person.full_name]
    assert "Done" in rows[left.person.full_name]
    assert "Ended (reported on 10 March 2027)" in rows[left.person.full_name]


# --- exports -------------------------------------------------------------------------------


def test_exports_are_scoped_neutralised_excel_ready_and_audited(client):
    user, organisation = employer()
    PersonFactory(organisation=organisation, surname='=HYPERLINK("x")', given_names="@SUM(A1)")
    PersonFactory(organisation=organisation, surname="\tTab", given_names="\rReturn")
    PersonFactory(organisation=OrganisationFactory(), surname="Stranger")
    permit(organisation, date(2027, 5, 1), "+Plus", given_names="")
    reports.file_report(
        organisation,
        user,
        kind=ReportKind.MERGER,
        event_date=date(2027, 3, 1),
        details="-1+1",
        person=None,
        today=TODAY,
    )
    sign_in(client, user)
    assert get_page(client, "/people/").soup.find("a", attrs={"href": "/people/export.csv"})
    for url, expected in (
        ("/people/export.csv", ["'=HYPERLINK", "'@SUM(A1)", "'\tTab", "'+Plus"]),
        ("/permits/export.csv", ["'+Plus"]),
        ("/reports/export.csv", ["'-1+1", "Merger"]),
    ):
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "text/csv"
        assert response.data.startswith(b"\xef\xbb\xbf")
        text = response.get_data(as_text=True)
        for fragment in expected:
            assert fragment in text, (url, fragment)
        assert "Stranger" not in text
        assert "\n=" not in text and ",=" not in text and ",@" not in text
    actions = db.session.scalars(
        db.select(AuditEvent.action).where(AuditEvent.action.like("export.%"))
    ).all()
    assert sorted(actions) == ["export.people", "export.permits", "export.reports"]


# --- the back office -----------------------------------------------------------------------


def test_staff_see_reports_on_the_organisation_page(client):
    _user, organisation = employer()
    person = PersonFactory(organisation=organisation, surname="Sharma")
    reports.file_report(
        organisation,
        _user,
        kind=ReportKind.EMPLOYMENT_ENDED,
        event_date=date(2027, 1, 1),
        details="",
        person=person,
        today=TODAY,
    )
    staff = UserFactory(reviewer=True)
    staff_sign_in(client, staff)
    page = get_page(client, f"/backoffice/organisations/{organisation.id}")
    shown = page.soup.find(id="reports-history").get_text(" ")
    assert "Employment ended" in shown and "Sharma" in shown and "40 days late" in shown


def test_dutch_organisation_gets_a_dutch_acknowledgement(client):
    user, organisation = university_user()
    organisation.preferred_language = "nl"
    student = PersonFactory(organisation=organisation, category=Category.STUDY, surname="Silva")
    sign_in(client, user)
    response = file(
        client, kind="student_deregistered", person=str(student.id), event_date="2027-03-01"
    )
    assert response.status == 302
    letter = db.session.scalar(db.select(Letter))
    assert letter.subject.startswith("Melding ontvangen: uitschrijving student")
    assert "binnen de meldingstermijn van 4 weken" in letter.body_text


def test_study_progress_declaration_refuses_future_dates_and_a_second_declaration(client, today):
    user, _organisation = university_user()
    today(date(2027, 11, 10))
    sign_in(client, user)
    page = get_page(client, "/duties/study-progress")
    future = Page(
        client.post(
            "/duties/study-progress",
            data={"csrf_token": page.csrf(), "checked_on": "2027-11-11", "confirm": "y"},
        )
    )
    assert future.status == 400 and "future" in future.field_error("checked_on")
    client.post(
        "/duties/study-progress",
        data={"csrf_token": page.csrf(), "checked_on": "2027-11-01", "confirm": "y"},
    )
    again = client.get("/duties/study-progress")
    assert again.status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(StudyProgressDeclaration)) == 1
    event = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "study_progress.declared")
    )
    assert event.details == {"year": 2027, "checked_on": "2027-11-01"}
