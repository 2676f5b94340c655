"""Risk-based triage (issue 24): each rule fires on the facts it names and not otherwise; the
reviewer sees which fired and why; supervisors switch rules and change parameters as new,
audited versions; bad input is told next to the field; and no rule reads anything about the
person — certainly no nationality or other protected characteristic."""

import inspect
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.models import (
    ApplicationStatus,
    AuditEvent,
    Sanction,
    SanctionKind,
    TriageRuleVersion,
)
from portal.models.base import utcnow
from portal.triage.rules import RULES
from tests.support.auth import staff_sign_in
from tests.support.factories import ApplicationFactory, OrganisationFactory, UserFactory
from tests.support.pages import Page, get_page, post_form

PROTECTED = ("nationality", "sex", "gender", "birth", "religio", "ethnic", "race", "person",
             "passport", "country")  # fmt: skip


def test_no_rule_reads_the_person_or_a_protected_characteristic():
    for rule in RULES:
        assert all(not read.startswith("Person.") for read in rule.reads), rule.key
        source = inspect.getsource(rule.fires).lower()
        read = " ".join(rule.reads).lower()
        for word in PROTECTED:
            assert word not in source and word not in read, (rule.key, word)


def _established_case(**values):
    """A case of an organisation known for three years that had a grant of the kind before."""
    organisation = OrganisationFactory(created_at=utcnow() - timedelta(days=3 * 365))
    ApplicationFactory(organisation=organisation, status=ApplicationStatus.GRANTED,
                       submitted_at=utcnow() - timedelta(days=400),
                       decided_at=utcnow() - timedelta(days=380))  # fmt: skip
    return ApplicationFactory(organisation=organisation, submitted=True, **values)


def _triage(client, case):
    page = get_page(client, f"/backoffice/cases/{case.id}")
    section = page.soup.find(id="triage")
    fired = [li["id"].removeprefix("fired-") for li in section.find_all("li")]
    return section.h2.get_text(strip=True), fired


@pytest.fixture
def reviewer(client):
    staff_sign_in(client, UserFactory(reviewer=True))
    client.get("/language/en")


def test_an_established_organisation_gets_a_simple_review(client, reviewer):
    case = _established_case()
    db.session.commit()
    assert _triage(client, case) == ("Review route: simple", [])


def test_a_new_organisation_first_of_its_kind_gets_a_thorough_review_with_reasons(client, reviewer):
    case = ApplicationFactory(submitted=True)  # an organisation created today
    db.session.commit()
    route, fired = _triage(client, case)
    assert route == "Review route: thorough"
    assert fired == ["new_organisation", "first_of_kind"]
    text = get_page(client, f"/backoffice/cases/{case.id}").soup.find(id="fired-new_organisation")
    assert "less than 18 months" in text.get_text()


@pytest.mark.parametrize(("months_ago", "fires"), [(23, True), (25, False)])
def test_an_earlier_refusal_counts_within_its_months(client, reviewer, months_ago, fires):
    case = _established_case()
    ApplicationFactory(organisation=case.organisation, status=ApplicationStatus.REFUSED,
                       submitted_at=utcnow() - timedelta(days=months_ago * 31),
                       decided_at=utcnow() - timedelta(days=round(months_ago * 30.44)))  # fmt: skip
    db.session.commit()
    assert ("earlier_refusal" in _triage(client, case)[1]) is fires


def test_a_warning_in_force_fires(client, reviewer):
    case = _established_case()
    db.session.add(Sanction(organisation_id=case.organisation_id, kind=SanctionKind.WARNING,
                            reason="Late report", starts_on=clock.today() - timedelta(days=30),
                            imposed_by_id=UserFactory(reviewer=True).id))  # fmt: skip
    db.session.commit()
    assert _triage(client, case)[1] == ["sanction_in_force"]


def test_a_supervisor_switches_a_rule_off_and_changes_a_parameter(client):
    supervisor = UserFactory(supervisor=True)
    staff_sign_in(client, supervisor)
    client.get("/language/en")
    case = ApplicationFactory(submitted=True)
    db.session.commit()
    listing = get_page(client, "/backoffice/triage")
    link = listing.soup.find(id="rule-first_of_kind").find("a")["href"]
    post_form(client, link, {"reason": "Too many false alarms"}, follow_redirects=True)
    assert _triage(client, case)[1] == ["new_organisation"]

    # A new organisation of today is still "less than 1 month" old.
    page = Page(post_form(client, "/backoffice/triage/new_organisation",
                          {"enabled": "y", "months": "1", "reason": "Only the very newest"},
                          follow_redirects=True))  # fmt: skip
    assert "Saved as version 1 of the rule." in page.text
    assert _triage(client, case)[1] == ["new_organisation"]  # created today: still < 1 month

    versions = db.session.scalars(select(TriageRuleVersion).order_by(TriageRuleVersion.id)).all()
    assert [(v.rule, v.version, v.enabled, v.parameters) for v in versions] == [
        ("first_of_kind", 1, False, {}),
        ("new_organisation", 1, True, {"months": 1}),
    ]
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "staff.triage.rule_changed")
    ).all()
    assert len(events) == 2 and all(e.actor_id == supervisor.id for e in events)
    history = get_page(client, "/backoffice/triage/new_organisation").soup.find(id="rule-history")
    assert "Only the very newest" in history.get_text()


@pytest.mark.parametrize(
    ("months", "reason", "field", "message"),
    [
        ("abc", "x", "months", "Enter a number of months"),
        ("0", "x", "months", "Enter a number of months from 1 to 120"),
        ("121", "x", "months", "Enter a number of months from 1 to 120"),
        ("6", "", "reason", "Say why you change the rule"),
    ],
)
def test_bad_settings_are_told_next_to_the_field(client, months, reason, field, message):
    staff_sign_in(client, UserFactory(supervisor=True))
    client.get("/language/en")
    response = post_form(client, "/backoffice/triage/new_organisation",
                         {"enabled": "y", "months": months, "reason": reason})  # fmt: skip
    assert response.status_code == 400
    page = Page(response)
    assert message in page.field_error(field)
    assert page.value("months") == months
    assert db.session.scalar(select(TriageRuleVersion.id)) is None


def test_reviewers_cannot_change_triage_rules(client, reviewer):
    assert client.get("/backoffice/triage").status_code == 403
    assert client.post("/backoffice/triage/new_organisation").status_code in (400, 403)
