"""Applying for recognition: prefilled data, the fee from reference data, one case per submit."""

import pytest

from portal.extensions import db
from portal.models import (
    Application,
    ApplicationStatus,
    Category,
    Letter,
    LetterKind,
    OrgRole,
    StatusEvent,
)
from tests.support.auth import sign_in
from tests.support.factories import ApplicationFactory, member, recognise
from tests.support.pages import Page, get_page


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def start(client, category: str) -> str:
    token = get_page(client, "/applications/recognition/new").csrf()
    response = client.post(
        "/applications/recognition/new", data={"csrf_token": token, "category": category}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    return response.headers["Location"]


def submit(client, check_url: str):
    token = get_page(client, check_url).csrf()
    return client.post(check_url, data={"csrf_token": token, "declaration": "y"})


@pytest.mark.parametrize(
    ("persons", "category", "fee", "kind"),
    [
        (51, "labour", "€5,080.00", "regular fee"),
        (50, "labour", "€2,539.00", "reduced fee"),
        (3, "study", "€2,539.00", "reduced fee"),
        (900, "exchange", "€2,539.00", "reduced fee"),
    ],
)
def test_fee_shown_follows_size_and_category(client, persons, category, fee, kind):
    user = member(persons_employed=persons)
    sign_in(client, user)
    page = get_page(client, start(client, category))
    assert f"{fee} – {kind}" in page.soup.select_one("#fee").get_text(" ", strip=True)


def test_submission_stores_snapshot_deadline_reference_and_acknowledgement(client):
    user = member(legal_name="Snapshot Test B.V.", persons_employed=10)
    sign_in(client, user)
    response = submit(client, start(client, "research"))
    assert response.status_code == 302
    application = db.session.scalar(db.select(Application))
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.fee_cents == 253900 and application.fee_reduced
    assert application.snapshot["organisation"]["legal_name"] == "Snapshot Test B.V."
    # The 90 days of a recognition run from payment of the fee: no deadline until then.
    assert application.decision_deadline is None
    letters = db.session.scalars(db.select(Letter)).all()
    assert [letter.kind for letter in letters] == [
        LetterKind.ACKNOWLEDGEMENT,
        LetterKind.FEE_LETTER,
    ]
    assert letters[0].application_id == letters[1].application_id == application.id
    # The fee letter says how to pay: amount, the IND's account, the payment reference.
    fee = " ".join(letters[1].body_text.split())
    assert "€2,539.00" in fee and "NL91 ABNA 0417 1643 00" in fee
    assert f"Payment reference: {application.reference}" in fee
    assert "recognition as a sponsor" in fee
    events = db.session.scalars(db.select(StatusEvent).order_by(StatusEvent.id)).all()
    assert [e.to_status for e in events] == [ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED]

    # The snapshot keeps what was sent, even when the organisation changes afterwards.
    user.memberships[0].organisation.legal_name = "Renamed Later B.V."
    db.session.flush()
    page = get_page(client, response.headers["Location"])
    assert "Snapshot Test B.V." in page.text


def test_double_submit_creates_one_application(client):
    user = member()
    sign_in(client, user)
    check_url = start(client, "labour")
    token = get_page(client, check_url).csrf()
    first = client.post(check_url, data={"csrf_token": token, "declaration": "y"})
    second = client.post(check_url, data={"csrf_token": token, "declaration": "y"})
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Application)) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(Letter)) == 2  # receipt, fee
    # Starting the same category again while it is being handled is refused.
    token = get_page(client, "/applications/recognition/new").csrf()
    page = Page(
        client.post(
            "/applications/recognition/new", data={"csrf_token": token, "category": "labour"}
        )
    )
    assert page.status == 400
    assert "already being handled" in page.field_error("category")


def test_starting_twice_reuses_the_draft(client):
    user = member()
    sign_in(client, user)
    assert start(client, "study") == start(client, "study")
    assert db.session.scalar(db.select(db.func.count()).select_from(Application)) == 1


def test_no_category_chosen_is_explained(client):
    sign_in(client, member())
    token = get_page(client, "/applications/recognition/new").csrf()
    page = Page(client.post("/applications/recognition/new", data={"csrf_token": token}))
    assert page.status == 400
    assert "Choose the category" in page.field_error("category")


def test_recognised_category_cannot_be_applied_for_again(client):
    user = member()
    organisation = user.memberships[0].organisation
    recognise(organisation, Category.LABOUR, granted_on=db.func.current_date())
    sign_in(client, user)
    page = get_page(client, "/applications/recognition/new")
    assert page.soup.find("input", attrs={"value": "labour"}).has_attr("disabled")
    page = Page(
        client.post(
            "/applications/recognition/new",
            data={"csrf_token": page.csrf(), "category": "labour"},
        )
    )
    assert page.status == 400
    assert "already recognised" in page.field_error("category")


def test_a_reader_cannot_apply(client):
    sign_in(client, member(role=OrgRole.READER))
    assert client.get("/applications/recognition/new").status_code == 403
    assert get_page(client, "/dashboard").soup.find(string="Apply for recognition") is None


def test_another_organisations_application_is_not_found(client):
    mine = member()
    theirs = ApplicationFactory(status=ApplicationStatus.DRAFT)
    submitted = ApplicationFactory(status=ApplicationStatus.SUBMITTED, reference="ER-2026-999999-A")
    sign_in(client, mine)
    for application in (theirs, submitted):
        assert client.get(f"/applications/{application.id}").status_code == 404
        assert client.get(f"/applications/{application.id}/check").status_code == 404
    token = get_page(client, "/dashboard").csrf()
    response = client.post(
        f"/applications/{theirs.id}/check", data={"csrf_token": token, "declaration": "y"}
    )
    assert response.status_code == 404
    assert db.session.get(Application, theirs.id).status == ApplicationStatus.DRAFT


def test_a_post_without_csrf_token_is_refused(client):
    sign_in(client, member())
    response = client.post("/applications/recognition/new", data={"category": "labour"})
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Application)) == 0


def test_the_dashboard_says_when_a_decision_is_due_or_was_taken(client):
    from datetime import UTC, date, datetime

    user = member()
    organisation = user.memberships[0].organisation
    ApplicationFactory(
        organisation=organisation,
        created_by=user,
        reference="ER-2026-000001-A",
        status=ApplicationStatus.SUBMITTED,
        decision_deadline=date(2027, 2, 1),
    )
    ApplicationFactory(
        organisation=organisation,
        created_by=user,
        category=Category.STUDY,
        reference="ER-2026-000002-B",
        status=ApplicationStatus.GRANTED,
        decision_deadline=date(2027, 1, 15),
        decided_at=datetime(2026, 11, 20, 10, 0, tzinfo=UTC),
    )
    db.session.flush()
    sign_in(client, user)
    rows = {
        tr.find("a").get_text(strip=True): tr.find_all("td")[-1].get_text(strip=True)
        for tr in get_page(client, "/dashboard").soup.select("tbody tr")
    }
    assert rows["ER-2026-000001-A"] == "due by 1 February 2027"
    assert rows["ER-2026-000002-B"] == "decided on 20 November 2026"
