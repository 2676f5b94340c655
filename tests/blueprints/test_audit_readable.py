"""The audit log in words (issue 19): every action has a readable name in English and Dutch,
the action filter is a select of those names, and an event's details are label/value pairs."""

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale

from portal.audit import AuditAction
from portal.backoffice import audit_labels
from portal.extensions import db
from portal.models import AuditEvent
from tests.support.auth import staff_sign_in
from tests.support.factories import UserFactory
from tests.support.pages import Page, get_page


@pytest.mark.parametrize("action", list(AuditAction), ids=lambda a: a.value)
def test_every_action_has_a_name_in_english_and_dutch(app, action):
    assert action in audit_labels.ACTION, f"{action.value} has no label in audit_labels.ACTION"
    with app.test_request_context(), force_locale("en"):
        english = audit_labels.action_label(action.value)
    with app.test_request_context(), force_locale("nl"):
        dutch = audit_labels.action_label(action.value)
    assert english != action.value and "." not in english
    assert dutch != english, f"{action.value}: no Dutch translation of {english!r}"


def test_action_names_are_unique():
    names = [str(label._args[0]) for label in audit_labels.ACTION.values()]
    assert len(names) == len(set(names))


def _event(action, **values):
    event = AuditEvent(action=action, occurred_at=datetime(2026, 3, 5, 9, tzinfo=UTC), **values)
    db.session.add(event)
    db.session.flush()
    return event


def test_the_action_filter_is_a_select_of_names_grouped_by_area(client):
    _event("application.granted")
    _event("fee.paid")
    staff_sign_in(client, UserFactory(supervisor=True))
    client.get("/language/en")
    page = get_page(client, "/backoffice/audit?action=fee.paid")
    select = page.soup.find("select", id="action")
    assert page.soup.find("label", attrs={"for": "action"}).get_text() == "Action"
    options = select.find_all("option")
    assert options[0]["value"] == "" and options[0].get_text() == "All actions"
    assert {o["value"] for o in options[1:]} == {a.value for a in AuditAction}
    fees = select.find("optgroup", label="Fees")
    assert "Fee paid" in [o.get_text() for o in fees.find_all("option")]
    assert select.find("option", selected=True)["value"] == "fee.paid"
    rows = [r.find_all("td")[2].get_text(strip=True) for r in page.soup.select("tbody tr")]
    assert rows == ["Fee paid"]

    refused = Page(client.get("/backoffice/audit?action=fee."))
    assert refused.status == 400
    assert "Choose an action from the list" in refused.field_error("action")


def test_details_are_label_value_pairs_in_the_page_language(client):
    _event(
        "fee.amount_set",
        details={
            "amount_cents": 825000,
            "due_on": "2026-12-31",
            "sso": True,
            "fields": ["legal_name", "city"],
            "custom_key": None,
        },
        ip_address="192.0.2.7",
    )
    staff_sign_in(client, UserFactory(supervisor=True))
    client.get("/language/en")
    page = get_page(client, "/backoffice/audit?action=fee.amount_set")
    pairs = {
        div.dt.get_text(): div.dd.get_text() for div in page.soup.select(".audit-details > div")
    }
    assert pairs == {
        "Amount": "€8,250.00",
        "Custom key": "–",
        "Due on": "31 December 2026",
        "Fields": "legal_name; city",
        "IP address": "192.0.2.7",
        "Single sign-on": "Yes",
    }
    assert "{" not in page.soup.select_one("tbody").get_text()

    client.get("/language/nl")
    dutch = get_page(client, "/backoffice/audit?action=fee.amount_set")
    row = dutch.soup.select_one("tbody tr").get_text(" ", strip=True).replace("\xa0", " ")
    assert "Legesbedrag vastgesteld" in row
    assert "€ 8.250,00" in row and "31 december 2026" in row
