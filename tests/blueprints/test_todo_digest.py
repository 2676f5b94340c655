"""The daily overview e-mail (`flask todo digest`): to whom notices go, what is due within a
week counted by kind (no names, no subjects, no link), at most once a day per address."""

from datetime import UTC, date, datetime, timedelta

import pytest

from portal.extensions import db
from portal.models import ApplicationStatus, Category, NoticeDigest, OrgRole
from tests.support.auth import act_under_mandate, sign_in
from tests.support.factories import (
    ApplicationFactory,
    MandateFactory,
    MembershipFactory,
    PermitFactory,
    PersonFactory,
    member,
    recognise,
)
from tests.support.letters import add_letter
from tests.support.pages import get_page

TODAY = date(2027, 3, 10)


@pytest.fixture(autouse=True)
def english(client, move_today):
    move_today(TODAY)
    client.get("/language/en")


def digest(app):
    result = app.test_cli_runner().invoke(args=["todo", "digest"])
    if result.exception:
        raise result.exception
    assert result.exit_code == 0, result.output
    return result.output


def choose(client, user, mode):
    sign_in(client, user)
    page = get_page(client, "/inbox/notices")
    response = client.post("/inbox/notices", data={"csrf_token": page.csrf(), "mode": mode})
    assert response.status_code == 302


def organisation_with_work():
    admin = member(legal_name="Fjord Research B.V.")
    organisation = admin.memberships[0].organisation
    recognise(organisation)
    case = ApplicationFactory(
        organisation=organisation,
        status=ApplicationStatus.INFORMATION_REQUESTED,
        decision_deadline=date(2027, 6, 1),
    )
    add_letter(
        organisation,
        subject="Please send the contract of Aiko Tanaka",
        application_id=case.id,
        category="labour",
        respond_by=TODAY + timedelta(days=5),
        at=datetime(2027, 3, 9, 12, tzinfo=UTC),
    )
    gone = PersonFactory(organisation=organisation, surname="Sharma")
    PermitFactory(person=gone, ends_on=TODAY - timedelta(days=40))  # report overdue
    later = PersonFactory(organisation=organisation, surname="Later")
    PermitFactory(person=later, ends_on=TODAY + timedelta(days=60))  # not within a week
    return admin, organisation


def test_one_overview_per_address_with_counts_and_no_personal_data(app, client, smtp_server):
    admin, organisation = organisation_with_work()
    daily = MembershipFactory(organisation=organisation, role=OrgRole.READER).user
    silent = MembershipFactory(organisation=organisation, role=OrgRole.READER).user
    choose(client, daily, "digest")
    quiet = member()  # another organisation with nothing due: no e-mail

    output = digest(app)
    assert "Sent 3 digest(s)" in output
    by_address = {m["To"]: m for m in smtp_server.messages}
    assert sorted(by_address) == sorted([admin.email, organisation.email, daily.email])
    assert silent.email not in by_address and quiet.email not in by_address
    for message in smtp_server.messages:
        body = message.get_content()
        assert message["Subject"] == "What needs your attention at Fjord Research B.V."
        assert "- 1 request to answer: by 15 March 2027" in body, body
        assert "- 1 report of an ended stay to file: overdue since" in body
        assert "extension" not in body  # due in 60 days: not within the week
        for secret in ("Aiko", "Tanaka", "contract", "Sharma", "Later", "http"):
            assert secret not in body and secret not in message["Subject"]
    # The daily-overview user also reads how many letters arrived since yesterday.
    assert "1 new letter arrived" in by_address[daily.email].get_content()
    assert "new letter" not in by_address[admin.email].get_content()


def test_a_second_run_the_same_day_sends_nothing_the_next_day_sends_again(
    app, smtp_server, move_today
):
    admin, organisation = organisation_with_work()
    digest(app)
    assert len(smtp_server.messages) == 2
    assert "Sent 0 digest(s)" in digest(app)
    assert len(smtp_server.messages) == 2
    assert NoticeDigest.query.filter_by(day=TODAY).count() == 2
    move_today(TODAY + timedelta(days=1))
    digest(app)
    assert len(smtp_server.messages) == 4


def test_nothing_due_within_a_week_no_overview(app, smtp_server):
    admin = member()
    organisation = admin.memberships[0].organisation
    recognise(organisation)
    PermitFactory(
        person=PersonFactory(organisation=organisation), ends_on=TODAY + timedelta(days=60)
    )
    assert "Sent 0 digest(s)" in digest(app)
    assert smtp_server.messages == []


def test_a_refused_address_is_marked_and_the_rest_still_get_theirs(app, smtp_server):
    admin, organisation = organisation_with_work()
    smtp_server.refuse.add(admin.email.lower())
    output = digest(app)
    assert "Sent 1 digest(s); 1 address(es) bounced." in output
    assert [m["To"] for m in smtp_server.messages] == [organisation.email]
    # Marked: not tried again the next run (and no digest recorded for it).
    smtp_server.refuse.clear()
    assert "Sent 0 digest(s); 0 address(es) bounced." in digest(app)


def test_the_overview_is_in_the_organisations_language(app, smtp_server):
    admin, organisation = organisation_with_work()
    organisation.preferred_language = "nl"
    db.session.commit()
    digest(app)
    body = smtp_server.messages[0].get_content()
    assert "maart 2027" in body and "March" not in body


def test_an_intermediary_who_chose_the_overview_gets_its_mandates_list(app, client, smtp_server):
    admin, organisation = organisation_with_work()  # one labour request, one report overdue
    recognise(organisation, Category.STUDY)
    study_case = ApplicationFactory(
        organisation=organisation,
        category=Category.STUDY,
        status=ApplicationStatus.INFORMATION_REQUESTED,
    )
    add_letter(
        organisation,
        subject="Study case",
        application_id=study_case.id,
        category="study",
        respond_by=TODAY + timedelta(days=3),
    )
    mandate = MandateFactory(sponsor=organisation, categories=["labour"])
    agent = MembershipFactory(organisation=mandate.intermediary).user
    db.session.refresh(agent)
    sign_in(client, agent)
    act_under_mandate(client, mandate)
    page = get_page(client, "/inbox/notices")
    assert page.checked("mode-2")  # off by default for an intermediary
    response = client.post("/inbox/notices", data={"csrf_token": page.csrf(), "mode": "digest"})
    assert response.status_code == 302

    digest(app)
    by_address = {m["To"]: m.get_content() for m in smtp_server.messages}
    assert "- 2 requests to answer" in by_address[admin.email]
    assert "- 1 request to answer" in by_address[agent.email]
