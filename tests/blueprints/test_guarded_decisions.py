"""Guarded decisions (issue 16, item 1): a grant needs the case claimed by the reviewer who
grants, every checklist item answered (met, or not applicable with a reason: no override), and
a confirmation page saying what will happen. Residence cases have a checklist per type."""

from datetime import date

import pytest

from portal import reference
from portal.extensions import db
from portal.labels import CHECK_ITEM
from portal.models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    AuditEvent,
    CheckAnswer,
    CheckItem,
    Letter,
    Recognition,
)
from portal.reference.checklists import checklist_items
from tests.support.auth import staff_sign_in
from tests.support.casework import act, answer_checklist, submit, submitted_case
from tests.support.factories import UserFactory
from tests.support.pages import Page, get_page


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def nothing_decided(case):
    fresh = db.session.get(Application, case.id)
    assert fresh.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW)
    assert db.session.scalar(db.select(Recognition)) is None
    kinds = db.session.scalars(db.select(Letter.kind).where(Letter.application_id == case.id))
    assert "recognition_granted" not in [k.value for k in kinds]


def post_grant(client, case, version):
    page = get_page(client, f"/backoffice/cases/{case.id}")
    return Page(
        client.post(
            f"/backoffice/cases/{case.id}/grant",
            data={"csrf_token": page.csrf(), "version": version},
        )
    )


def test_an_unclaimed_case_cannot_be_granted(client):
    case = submitted_case(legal_name="Unclaimed B.V.")
    staff_sign_in(client, UserFactory(reviewer=True))
    answer_checklist(client, case)
    confirm = get_page(client, f"/backoffice/cases/{case.id}/grant")
    assert "Claim the case first" in confirm.text
    assert confirm.soup.find("form", action=f"/backoffice/cases/{case.id}/grant") is None
    page = post_grant(client, case, db.session.get(Application, case.id).version)
    assert page.status == 400
    assert "Claim the case first" in page.soup.select_one("#grant-blockers").text
    nothing_decided(case)


def test_only_the_reviewer_handling_the_case_can_grant_it(client, app):
    case = submitted_case()
    handler = UserFactory(reviewer=True, name="Hanna Handler")
    staff_sign_in(client, handler)
    act(client, case, "/claim")
    answer_checklist(client, case)
    other = app.test_client()
    other.get("/language/en")
    staff_sign_in(other, UserFactory(reviewer=True))
    page = post_grant(other, case, db.session.get(Application, case.id).version)
    assert page.status == 400
    assert "Hanna Handler is handling this case" in page.text
    nothing_decided(case)


def test_open_and_unmet_items_block_the_grant_and_not_applicable_needs_a_reason(client):
    case = submitted_case(legal_name="Checked B.V.")
    reviewer = UserFactory(reviewer=True)
    staff_sign_in(client, reviewer)
    act(client, case, "/claim")

    # One item left open, one not met: both named, nothing granted.
    answer_checklist(
        client,
        case,
        **{"checklist-rvo_advice_outcome": "", "checklist-reliability_outcome": "not_met"},
    )
    page = post_grant(client, case, db.session.get(Application, case.id).version)
    assert page.status == 400
    blockers = page.soup.select_one("#grant-blockers").get_text(" ", strip=True)
    assert "Not checked yet: RVO advice" in blockers
    assert "Not met: Reliability of the organisation" in blockers
    assert "Continuity and solvency" not in blockers
    nothing_decided(case)

    # "Not applicable" without a reason is refused next to the field, keeping what was chosen.
    before = db.session.get(Application, case.id).version
    page = Page(
        answer_checklist(
            client,
            case,
            **{
                "checklist-rvo_advice_outcome": "not_applicable",
                "checklist-rvo_advice_note": "   ",
            },
        )
    )
    assert page.status == 400
    assert "Write why this item does not apply" in page.field_error("checklist-rvo_advice_note")
    assert page.soup.select_one("#checklist-rvo_advice_outcome option[selected]")["value"] == (
        "not_applicable"
    )
    assert db.session.get(Application, case.id).version == before

    # With the reason it is an answer; the answers and reasons are in the audit log and history.
    reason = "The organisation has existed since 1998."
    answer_checklist(
        client,
        case,
        **{
            "checklist-rvo_advice_outcome": "not_applicable",
            "checklist-rvo_advice_note": reason,
            "checklist-reliability_outcome": "not_met",
        },
    )
    events = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "application.checklist_saved")
    ).all()
    assert {"item": "rvo_advice", "outcome": "not_applicable", "reason": reason} in (
        events[-1].details["answers"]
    )
    history = db.session.scalars(
        db.select(CheckAnswer).where(CheckAnswer.item == "rvo_advice").order_by(CheckAnswer.id)
    ).all()
    # (The first save left it open: no answer, so no row for it.)
    assert [(a.outcome.value, a.note, a.answered_by_id) for a in history] == [
        ("not_applicable", reason, reviewer.id)
    ]
    case_page = get_page(client, f"/backoffice/cases/{case.id}")
    assert reason in case_page.soup.select_one("#checklist-history").get_text()

    # Still "not met" for reliability: the grant is refused.
    assert post_grant(client, case, db.session.get(Application, case.id).version).status == 400
    nothing_decided(case)


def test_the_confirmation_page_says_what_will_happen_then_the_grant_is_made(client):
    case = submitted_case(legal_name="Ready B.V.", kvk_number="13572468")
    staff_sign_in(client, UserFactory(reviewer=True))
    act(client, case, "/claim")
    answer_checklist(client, case)
    case_page = get_page(client, f"/backoffice/cases/{case.id}")
    assert case_page.soup.select_one("#grant-blockers") is None
    confirm = get_page(client, f"/backoffice/cases/{case.id}/grant")
    what = confirm.soup.select_one("#consequences").get_text(" ", strip=True)
    assert "public register of recognised sponsors for Labour" in what
    assert "decision letter" in what
    assert len(confirm.soup.select("#checklist-answers li")) == 7  # with the KvK extract
    assert db.session.scalar(db.select(Recognition)) is None  # the page changed nothing

    response = submit(client, confirm, "/grant", reason="All conditions are met.")
    assert response.status_code == 302
    fresh = db.session.get(Application, case.id)
    assert fresh.status == ApplicationStatus.GRANTED
    register = get_page(client, "/register/labour").text
    assert "Ready B.V." in register and "13572468" in register


def test_a_checklist_changed_after_the_confirmation_page_was_shown_stops_the_grant(client, app):
    case = submitted_case()
    reviewer = UserFactory(reviewer=True)
    staff_sign_in(client, reviewer)
    act(client, case, "/claim")
    answer_checklist(client, case)
    confirm = get_page(client, f"/backoffice/cases/{case.id}/grant")
    # Meanwhile (another tab) an item is set to "not met".
    answer_checklist(client, case, **{"checklist-reliability_outcome": "not_met"})
    response = submit(client, confirm, "/grant", follow_redirects=True)
    assert "Someone else changed this case" in Page(response).text
    nothing_decided(case)


def test_every_application_kind_has_a_checklist_with_labelled_items():
    today = date(2026, 12, 4)
    for kind in ApplicationKind:
        items = checklist_items(kind.value, today)
        assert items, kind
        for item in items:
            assert item in CheckItem._value2member_map_, (kind, item)
            assert item in CHECK_ITEM, item
    with pytest.raises(reference.ReferenceDataMissing):
        checklist_items("recognition", date(1999, 12, 31))
