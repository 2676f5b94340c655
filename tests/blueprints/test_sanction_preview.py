"""A sanction letter is previewed before it is sent (issue 19): the reviewer sees the letter
exactly as the service renders it, nothing is recorded or issued by the preview, and a form
changed after its preview is previewed again instead of sent."""

import re

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEvent, Category, Letter, RecognitionStatus, Sanction
from portal.oversight import sanctions
from tests.support.auth import staff_sign_in
from tests.support.factories import UserFactory, member, recognise
from tests.support.intended import ripe_intentions
from tests.support.pages import Page, get_page


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


@pytest.fixture
def org(client):
    organisation = member(legal_name="Preview & Co B.V.").memberships[0].organisation
    recognise(organisation, Category.LABOUR)
    ripe_intentions(organisation)  # a fine, suspension or withdrawal follows an intended decision
    db.session.commit()
    staff_sign_in(client, UserFactory(supervisor=True))
    return organisation


def recorded(org):
    db.session.expire_all()
    return tuple(
        db.session.scalar(select(func.count()).where(model.organisation_id == org.id))
        for model in (Sanction, Letter, AuditEvent)
    )


def form_data(page: Page, **values) -> dict:
    data = {"csrf_token": page.csrf()}
    if page.soup.find("select", attrs={"name": "category"}) is not None:
        data["category"] = ""  # not about one category
    for name in ("state", "previewed"):
        node = page.soup.find(attrs={"name": name})
        if node is not None and node.name == "input":
            data[name] = node["value"]
    return {**data, **values}


def letters_only(text: str) -> str:
    """The letter's characters without spaces and colons (the stored text glues a label to
    its value) and with its references, given when it is sent, left out."""
    text = re.sub(
        r"(?m)^[#>~^\\-] ?", "", text
    )  # the stored text's block marks (letters/layout.py)
    text = re.sub(r"BR-[0-9A-Z]{4}-[0-9A-Z]{4}|SN-\d{4}-\d{6}", "REF", text)
    return re.sub(r"[\s:]", "", text)


def test_a_warning_is_previewed_then_sent_as_previewed(client, org):
    url = f"/backoffice/organisations/{org.id}/warning"
    before = recorded(org)
    page = get_page(client, url)
    assert page.soup.find(id="preview-button") and not page.soup.find(id="send")

    preview = Page(client.post(url, data=form_data(page, reason="Two late reports.")))
    assert preview.status == 200
    lines = [p.get_text() for p in preview.soup.select("#preview p")]
    assert "Warning to a recognised sponsor" in lines
    assert "Reason: Two late reports." in lines
    assert any(line.startswith("Date: ") for line in lines)  # the header as label and value
    assert preview.soup.select_one("#preview")["lang"] == "en"
    assert recorded(org) == before  # no sanction, no letter, no audit event

    sent = client.post(url, data=form_data(preview, reason="Two late reports.", action="send"))
    assert sent.status_code == 302
    letter = db.session.scalars(
        select(Letter).where(Letter.organisation_id == org.id).order_by(Letter.id.desc())
    ).first()  # the warning, after the intended decisions' letters
    assert letters_only(letter.body_text) == letters_only(" ".join(lines))  # one rendering


def test_a_form_changed_after_its_preview_is_previewed_again(client, org):
    url = f"/backoffice/organisations/{org.id}/fine"
    page = get_page(client, url)
    first = Page(client.post(url, data=form_data(page, amount="500", reason="Late.")))
    assert "€500.00" in first.soup.select_one("#preview").get_text()
    before = recorded(org)

    # The amount changed, then "send" pressed: shown again with the new amount, not sent.
    changed = Page(
        client.post(url, data=form_data(first, amount="750", reason="Late.", action="send"))
    )
    assert changed.status == 200
    assert changed.soup.find(id="preview-changed")
    assert "€750.00" in changed.soup.select_one("#preview").get_text()
    assert recorded(org) == before
    # "Preview again" on an unchanged form sends nothing either.
    again = Page(
        client.post(url, data=form_data(changed, amount="750", reason="Late.", action="preview"))
    )
    assert again.status == 200 and recorded(org) == before

    sent = client.post(url, data=form_data(again, amount="750", reason="Late.", action="send"))
    assert sent.status_code == 302
    fine = db.session.scalar(select(Sanction).where(Sanction.organisation_id == org.id))
    assert fine.amount_cents == 75000


def test_a_suspension_preview_changes_nothing_and_its_send_does(client, org):
    url = f"/backoffice/organisations/{org.id}/recognitions/labour/suspend"
    page = get_page(client, url)
    before = recorded(org)
    preview = Page(client.post(url, data=form_data(page, reason="Reports missing.")))
    assert "suspended (labour)" in preview.soup.select_one("#preview").get_text()
    assert recorded(org) == before
    recognition = sanctions.get_recognition(org, Category.LABOUR)
    db.session.refresh(recognition)
    assert recognition.status == RecognitionStatus.GRANTED
    # A preview without pressing send (or with a forged digest) never issues anything.
    forged = form_data(preview, reason="Reports missing.", action="send", previewed="0" * 64)
    assert Page(client.post(url, data=forged)).soup.find(id="preview-changed")
    assert recorded(org) == before

    sent = client.post(url, data=form_data(preview, reason="Reports missing.", action="send"))
    assert sent.status_code == 302
    db.session.refresh(recognition)
    assert recognition.status == RecognitionStatus.SUSPENDED
    assert recorded(org)[:2] == (before[0] + 1, before[1] + 1)


def test_a_bad_form_is_told_not_previewed(client, org):
    url = f"/backoffice/organisations/{org.id}/fine"
    page = get_page(client, url)
    refused = Page(client.post(url, data=form_data(page, amount="abc", reason="Late.")))
    assert refused.status == 400
    assert refused.field_error("amount")
    assert refused.soup.find(id="letter-preview") is None
