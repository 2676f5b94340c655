"""Bulk submit after a student import: the import result links to its drafts, the list chooses
drafts, a preview checks each again, one declaration submits all of them — or none, with the
problems listed per student."""

from datetime import date

import pytest
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.models import Application, ApplicationStatus, AuditEvent, Letter, LetterKind
from tests.support.auth import sign_in
from tests.support.pages import Page, get_page
from tests.support.residence import upload_required
from tests.support.student_import import TODAY, confirm, csv_bytes, student, university, uploaded


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)


def _imported(client, n=3, **changes):
    user, org = university()
    sign_in(client, user)
    client.get("/language/en")
    batch_url, _page = uploaded(client, csv_bytes([student(i, **changes) for i in range(1, n + 1)]))
    assert confirm(client, batch_url).status_code == 302
    result = get_page(client, batch_url)
    drafts_url = result.soup.find("a", id="drafts-link")["href"]
    drafts = db.session.scalars(
        select(Application).where(Application.organisation_id == org.id).order_by(Application.id)
    ).all()
    assert len(drafts) == n
    return user, org, drafts_url, drafts


def _preview(client, drafts_url, ids=(), everything=False):
    page = get_page(client, drafts_url)
    data = {"csrf_token": page.csrf(), "application": [str(i) for i in ids]}
    batch = page.soup.find("form", id="bulk-form").find("input", attrs={"name": "batch"})
    if batch is not None:
        data["batch"] = batch["value"]
    if everything:
        data["all"] = "y"
    return Page(client.post("/applications/bulk/preview", data=data))


def _submit(client, page: Page, ids, declaration=True):
    data = {"csrf_token": page.csrf(), "application": [str(i) for i in ids]}
    if declaration:
        data["declaration"] = "y"
    return Page(client.post("/applications/bulk/submit", data=data))


def _problems(page: Page, application) -> list[str]:
    row = page.soup.find(id=f"verdict-{application.id}")
    return [li.get_text(" ", strip=True) for li in row.select("ul.problems li")]


def _statuses(drafts):
    return [db.session.get(Application, d.id).status for d in drafts]


def test_import_then_submit_all_with_one_declaration(client):
    _user, _org, drafts_url, drafts = _imported(client)
    listing = get_page(client, drafts_url)
    names = [td.get_text(strip=True) for td in listing.soup.select("#applications td.person-name")]
    assert len(names) == 3 and len(set(names)) == 3  # three named rows, not anonymous drafts
    assert len(listing.soup.select('#applications input[name="application"]')) == 3
    # Right after the import the documents are missing: listed per student, nothing to submit.
    page = _preview(client, drafts_url, everything=True)
    assert page.status == 200
    for draft in drafts:  # passport and proof of admission
        problems = _problems(page, draft)
        assert len(problems) == 2 and all(p.startswith("Document missing: ") for p in problems)
    assert page.soup.find(id="submit-all") is None
    # The documents are added; then all three together.
    for draft in drafts:
        upload_required(client, f"/applications/residence/{draft.id}", "student")
    page = _preview(client, drafts_url, everything=True)
    assert page.soup.find(id="all-ready") is not None
    refused = _submit(client, page, [d.id for d in drafts], declaration=False)
    assert refused.status == 400
    assert "Confirm the declaration" in refused.field_error("declaration")
    assert _statuses(drafts) == [ApplicationStatus.DRAFT] * 3
    done = _submit(client, page, [d.id for d in drafts])
    assert done.status == 200
    assert _statuses(drafts) == [ApplicationStatus.SUBMITTED] * 3
    references = [a.get_text(strip=True) for a in done.soup.select("#results a")]
    assert references == [db.session.get(Application, d.id).reference for d in drafts]
    acknowledgements = db.session.scalars(
        select(Letter).where(
            Letter.application_id.in_([d.id for d in drafts]),
            Letter.kind == LetterKind.ACKNOWLEDGEMENT,
        )
    ).all()
    assert len(acknowledgements) == 3
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "application.bulk_submitted")
    ).details["applications"] == [d.id for d in drafts]


def test_all_or_nothing_with_problems_per_student(client):
    _user, _org, drafts_url, drafts = _imported(client)
    for draft in drafts[:2]:
        upload_required(client, f"/applications/residence/{draft.id}", "student")
    page = _preview(client, drafts_url, ids=[d.id for d in drafts])
    assert page.soup.find(id="blocked") is not None
    assert _problems(page, drafts[0]) == [] and _problems(page, drafts[1]) == []
    assert any("Document missing" in p for p in _problems(page, drafts[2]))
    # Posting all three anyway (an old preview, a crafted form): none is submitted.
    refused = _submit(client, page, [d.id for d in drafts])
    assert refused.status == 400
    assert _statuses(drafts) == [ApplicationStatus.DRAFT] * 3
    # Leaving the third out, the two go.
    page = _preview(client, drafts_url, ids=[d.id for d in drafts[:2]])
    assert _submit(client, page, [d.id for d in drafts[:2]]).status == 200
    assert _statuses(drafts) == [ApplicationStatus.SUBMITTED] * 2 + [ApplicationStatus.DRAFT]


def test_a_passport_that_expired_since_the_import_is_caught(client, monkeypatch):
    _user, _org, drafts_url, drafts = _imported(client, n=2, passport_expires_on="01-03-2027")
    for draft in drafts:
        upload_required(client, f"/applications/residence/{draft.id}", "student")
    assert _preview(client, drafts_url, everything=True).soup.find(id="all-ready") is not None
    monkeypatch.setattr(clock, "today", lambda: date(2027, 3, 2))
    page = _preview(client, drafts_url, everything=True)
    for draft in drafts:
        assert any("expired on 1 March 2027" in p for p in _problems(page, draft)), page.text
    assert _submit(client, page, [d.id for d in drafts]).status == 400
    assert _statuses(drafts) == [ApplicationStatus.DRAFT] * 2


def test_a_draft_submitted_meanwhile_or_of_another_organisation_stops_everything(app, client):
    _user, _org, drafts_url, drafts = _imported(client, n=2)
    for draft in drafts:
        upload_required(client, f"/applications/residence/{draft.id}", "student")
    page = _preview(client, drafts_url, everything=True)
    # A colleague submits one of them on its own first.
    token = get_page(client, f"/applications/residence/{drafts[0].id}/check").csrf()
    client.post(
        f"/applications/residence/{drafts[0].id}/check",
        data={"csrf_token": token, "declaration": "y"},
    )
    assert _statuses(drafts)[0] == ApplicationStatus.SUBMITTED
    response = _submit(client, page, [d.id for d in drafts])
    assert response.status == 302
    assert "nothing was submitted" in get_page(client, response.response.headers["Location"]).text
    assert _statuses(drafts)[1] == ApplicationStatus.DRAFT
    # Someone else's draft id is not found: the same answer, nothing submitted.
    other = app.test_client()
    _u, _o, _url, foreign = _imported(other, n=1)
    response = _submit(client, page, [drafts[1].id, foreign[0].id])
    assert response.status == 302
    assert _statuses([drafts[1], foreign[0]]) == [ApplicationStatus.DRAFT] * 2
