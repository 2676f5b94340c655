"""Every protected route of the profile, team, mandates and people × every kind of actor →
the expected status. A reader or submitter trying an administrator action gets 403; an
intermediary outside its mandate's scope or period gets 404; another organisation's objects
are 404; staff never use the sponsor pages (and sponsors never the back office)."""

from datetime import timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import (
    ApiClient,
    ApplicationStatus,
    ChangeReport,
    DeliveryStatus,
    Document,
    Invitation,
    LetterKind,
    Membership,
    OrgRole,
    Recognition,
    RecognitionStatus,
    Report,
    ReportKind,
    WebhookDelivery,
    WebhookSubscription,
)
from portal.models.base import utcnow
from portal.permissions import MANDATE_SESSION_KEY
from tests.support.auth import act_under_mandate, sign_in, staff_sign_in
from tests.support.factories import (
    ApplicationFactory,
    MandateFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
    member,
)
from tests.support.letters import add_letter
from tests.support.pages import get_page

ACTORS = (
    "administrator",
    "submitter",
    "reader",
    "intermediary",  # under a mandate for labour, in force
    "intermediary_out_of_scope",  # under a mandate for study only: labour objects are 404
    "intermediary_out_of_period",  # the mandate ended while acting: everything is 404
    "other_organisation",  # administrator of another organisation
    "staff",
)

# (method, url template, expected status per actor in the order of ACTORS)
MATRIX = [
    ("GET", "/organisation/", (200, 200, 200, 200, 200, 404, 200, 403)),
    ("GET", "/organisation/edit", (200, 403, 403, 403, 403, 404, 200, 403)),
    ("GET", "/organisation/history", (200, 200, 200, 200, 200, 404, 200, 403)),
    ("GET", "/organisation/change-report", (200, 403, 403, 403, 403, 404, 302, 403)),
    ("GET", "/organisation/team", (200, 403, 403, 403, 403, 404, 200, 403)),
    ("GET", "/organisation/mandates", (200, 403, 403, 403, 403, 404, 200, 403)),
    ("GET", "/organisation/switch", (200, 200, 200, 200, 200, 404, 200, 403)),
    ("GET", "/organisation/fees", (200, 200, 200, 200, 200, 404, 200, 403)),
    ("GET", "/organisation/fees.csv", (200, 200, 200, 200, 200, 404, 200, 403)),
    ("GET", "/people/", (200, 200, 200, 200, 200, 404, 200, 403)),
    ("GET", "/people/new", (200, 200, 403, 200, 200, 404, 200, 403)),
    ("GET", "/people/{person}", (200, 200, 200, 200, 404, 404, 404, 403)),
    ("GET", "/people/{person}/edit", (200, 200, 403, 200, 404, 404, 404, 403)),
    ("GET", "/people/{person}/archive", (200, 200, 403, 200, 404, 404, 404, 403)),
    ("POST", "/people/{person}/restore", (302, 302, 403, 302, 404, 404, 404, 403)),
    ("GET", "/applications/{application}", (200, 200, 200, 200, 404, 404, 404, 403)),
    ("GET", "/applications/{application}/check", (302, 302, 403, 302, 404, 404, 404, 403)),
    ("GET", "/applications/{residence_case}", (200, 200, 200, 200, 404, 404, 404, 403)),
    ("GET", "/applications/recognition/new", (200, 200, 403, 200, 200, 404, 200, 403)),
    ("GET", "/applications/", (200, 200, 200, 200, 200, 404, 200, 403)),
    ("GET", "/applications/{application}/withdraw", (200, 200, 403, 200, 404, 404, 404, 403)),
    # Internal sign-off (issue 25): administrators only; nothing waits here, so back.
    ("GET", "/applications/{application}/sign-off", (302, 403, 403, 403, 403, 404, 404, 403)),
    ("POST", "/applications/sign-off-setting", (302, 403, 403, 403, 403, 404, 302, 403)),
    # The notice of default (issue 25): the page says from when it is possible.
    (
        "GET",
        "/applications/{application}/notice-of-default",
        (200, 200, 403, 200, 404, 404, 404, 403),
    ),
    # No draft chosen: back to the list (the chosen drafts are scoped: test_bulk_submit.py).
    ("POST", "/applications/bulk/preview", (302, 302, 403, 302, 302, 404, 302, 403)),
    ("POST", "/applications/bulk/submit", (302, 302, 403, 302, 302, 404, 302, 403)),
    ("POST", "/applications/search", (302, 302, 302, 302, 302, 404, 302, 403)),
    # Letters (portal/letters/visibility.py): about a case in the mandate, or about the sponsor.
    ("GET", "/inbox", (200, 200, 200, 200, 200, 404, 200, 403)),
    ("GET", "/inbox/{letter}", (200, 200, 200, 200, 404, 404, 404, 403)),
    ("GET", "/inbox/{letter}/pdf", (200, 200, 200, 200, 404, 404, 404, 403)),
    ("GET", "/inbox/download?letter={letter}", (200, 200, 200, 200, 404, 404, 404, 403)),
    ("GET", "/inbox/{org_letter}", (200, 200, 200, 404, 404, 404, 404, 403)),
    ("GET", "/inbox/{org_letter}/pdf", (200, 200, 200, 404, 404, 404, 404, 403)),
    ("GET", "/inbox/download?letter={org_letter}", (200, 200, 200, 404, 404, 404, 404, 403)),
    ("GET", "/inbox/documents/{reply_document}", (200, 200, 200, 200, 404, 404, 404, 403)),
    ("GET", "/inbox/notices", (200, 200, 200, 200, 200, 404, 200, 403)),
    # No bounced address of theirs given: nothing to try again (test_inbox_notices.py).
    ("POST", "/inbox/notices/retry", (404, 404, 404, 404, 404, 404, 404, 403)),
    (
        "GET",
        "/applications/{application}/documents/{reply_document}",
        (200, 200, 200, 200, 404, 404, 404, 403),
    ),
    ("GET", "/inbox/verify", (200, 200, 200, 200, 200, 404, 200, 403)),
    ("POST", "/inbox/{letter}/read", (302, 302, 302, 302, 404, 404, 404, 403)),
    ("POST", "/inbox/{letter}/unread", (302, 302, 302, 302, 404, 404, 404, 403)),
    ("POST", "/inbox/{org_letter}/read", (302, 302, 302, 404, 404, 404, 404, 403)),
    # Not a request for information: nothing to answer (answering: test_letter_visibility.py).
    ("POST", "/inbox/{letter}/reply", (404, 404, 403, 404, 404, 404, 404, 403)),
    ("GET", "/applications/residence/{draft}", (200, 200, 200, 200, 404, 404, 404, 403)),
    (
        "GET",
        "/applications/residence/{draft}/sections/documents",
        (200, 200, 403, 200, 404, 404, 404, 403),
    ),
    (
        "GET",
        "/applications/residence/{draft}/documents/{document}",
        (200, 200, 200, 200, 404, 404, 404, 403),
    ),
    ("POST", "/organisation/team/invite", (400, 403, 403, 403, 403, 404, 400, 403)),
    ("POST", "/organisation/team/{membership}/role", (302, 403, 403, 403, 403, 404, 404, 403)),
    (
        "POST",
        "/organisation/team/{reader_membership}/keep",
        (302, 403, 403, 403, 403, 404, 404, 403),
    ),
    (
        "POST",
        "/organisation/team/{reader_membership}/remove",
        (302, 403, 403, 403, 403, 404, 404, 403),
    ),
    (
        "POST",
        "/organisation/team/invitations/{invitation}/revoke",
        (302, 403, 403, 403, 403, 404, 404, 403),
    ),
    # Voluntary disclosure: administrators of the organisation itself, never under a mandate.
    ("GET", "/duties/disclosures", (200, 403, 403, 403, 403, 404, 200, 403)),
    ("POST", "/duties/disclosures", (400, 403, 403, 403, 403, 404, 400, 403)),
    ("POST", "/organisation/confirm", (302, 403, 403, 403, 403, 404, 302, 403)),
    # Administrator rights: one's own organisation only, never under a mandate.
    ("GET", "/organisation/administrator-rights", (200, 200, 200, 404, 404, 404, 200, 403)),
    ("POST", "/organisation/administrator-rights", (400, 400, 400, 404, 404, 404, 400, 403)),
    ("POST", "/organisation/mandates", (400, 403, 403, 403, 403, 404, 400, 403)),
    ("POST", "/organisation/mandates/{mandate}/revoke", (302, 403, 403, 403, 403, 404, 404, 403)),
    # API clients: administrators of their own organisation only, never under a mandate.
    ("GET", "/organisation/api-clients", (200, 403, 403, 403, 403, 404, 200, 403)),
    ("POST", "/organisation/api-clients", (400, 403, 403, 403, 403, 404, 403, 403)),
    # A client's page: its webhooks and delivery log (before the client is revoked below).
    ("GET", "/organisation/api-clients/{api_client}", (200, 403, 403, 403, 403, 404, 404, 403)),
    (
        "POST",
        "/organisation/api-clients/{api_client}/webhooks",
        (400, 403, 403, 403, 403, 404, 404, 403),
    ),
    (
        "POST",
        "/organisation/api-clients/{api_client}/webhooks/{webhook}/rotate",
        (200, 403, 403, 403, 403, 404, 404, 403),
    ),
    (
        "POST",
        "/organisation/api-clients/{api_client}/deliveries/{delivery}/replay",
        (200, 403, 403, 403, 403, 404, 404, 403),
    ),
    (
        "POST",
        "/organisation/api-clients/{api_client}/webhooks/{webhook}/remove",
        (200, 403, 403, 403, 403, 404, 404, 403),
    ),
    (
        "POST",
        "/organisation/api-clients/{api_client}/rotate",
        (200, 403, 403, 403, 403, 404, 404, 403),
    ),
    (
        "POST",
        "/organisation/api-clients/{api_client}/revoke",
        (200, 403, 403, 403, 403, 404, 404, 403),
    ),
    ("GET", "/organisation/frozen-accounts", (200, 403, 403, 403, 403, 404, 200, 403)),
    (
        "GET",
        "/organisation/frozen-accounts/{frozen}/take-over",
        (200, 403, 403, 403, 403, 404, 404, 403),
    ),
    ("GET", "/duties", (200, 200, 200, 200, 200, 404, 200, 403)),
    ("GET", "/duties/study-progress", (404, 404, 403, 404, 404, 404, 404, 403)),
    ("GET", "/duties/study-progress/done", (404, 404, 403, 404, 404, 404, 404, 403)),
    ("GET", "/reports", (200, 200, 200, 200, 200, 404, 200, 403)),
    ("GET", "/reports/new", (200, 200, 403, 200, 200, 404, 200, 403)),
    ("GET", "/reports/{duty_report}", (200, 200, 200, 200, 404, 404, 404, 403)),
    ("GET", "/permits", (200, 200, 200, 200, 200, 404, 200, 403)),
    ("GET", "/people/export.csv", (200, 200, 200, 200, 200, 404, 200, 403)),
    ("GET", "/permits/export.csv", (200, 200, 200, 200, 200, 404, 200, 403)),
    ("GET", "/reports/export.csv", (200, 200, 200, 200, 200, 404, 200, 403)),
    ("GET", "/backoffice/change-reports", (404, 404, 404, 404, 404, 404, 404, 200)),
    ("GET", "/backoffice/change-reports/{report}", (404, 404, 404, 404, 404, 404, 404, 200)),
]


@pytest.fixture
def world():
    admin = member(legal_name="Sponsor B.V.")
    sponsor = admin.memberships[0].organisation
    db.session.add(
        Recognition(
            organisation_id=sponsor.id,
            category="labour",
            status=RecognitionStatus.GRANTED,
            granted_on=clock.today(),
        )
    )
    submitter = MembershipFactory(organisation=sponsor, role=OrgRole.SUBMITTER)
    reader = MembershipFactory(organisation=sponsor, role=OrgRole.READER)
    in_scope = MandateFactory(sponsor=sponsor, categories=["labour"])
    out_of_scope = MandateFactory(sponsor=sponsor, categories=["study"])
    out_of_period = MandateFactory(sponsor=sponsor, categories=["labour"])
    person = PersonFactory(organisation=sponsor, category="labour")
    api_client = ApiClient(
        organisation_id=sponsor.id,
        name="HR system",
        client_id="sp_matrix",
        secret_hash="0" * 64,
        scopes=["people:read"],
        created_by_id=admin.id,
    )
    db.session.add(api_client)
    db.session.flush()
    webhook = WebhookSubscription(
        client_id=api_client.id,
        url="https://127.0.0.1/hooks",
        events=["application.status_changed"],
        secret="whsec_" + "A" * 32,
    )
    db.session.add(webhook)
    db.session.flush()
    delivery = WebhookDelivery(
        subscription_id=webhook.id,
        organisation_id=sponsor.id,
        message_id="msg_matrix",
        event_type="application.status_changed",
        payload="{}",
        status=DeliveryStatus.FAILED,
    )
    db.session.add(delivery)
    application = ApplicationFactory(
        organisation=sponsor,
        created_by=admin,
        status=ApplicationStatus.SUBMITTED,
        reference="ER-2026-000001-Z",
        submitted_at=db.func.now(),
        snapshot={"organisation": sponsor.snapshot(), "category": "labour"},
    )
    report = ChangeReport(
        organisation_id=sponsor.id,
        changes={"legal_name": {"old": "Sponsor B.V.", "new": "New B.V."}},
        explanation="renamed",
        submitted_by_id=admin.id,
    )
    invitation = Invitation(
        organisation_id=sponsor.id,
        email="invited@example.org",
        role=OrgRole.READER,
        token_hash="0" * 64,
        invited_by_id=admin.id,
        expires_at=utcnow() + timedelta(days=1),
    )
    residence_case = ApplicationFactory(
        organisation=sponsor,
        created_by=admin,
        kind="hsm_residence",
        category="labour",
        submitted=True,
        answers={},
        snapshot={"organisation": sponsor.snapshot(), "category": "labour", "answers": {}},
    )
    letter = add_letter(sponsor, application=application, category="labour")
    org_letter = add_letter(sponsor, kind=LetterKind.WARNING, category="labour")
    draft = ApplicationFactory(
        organisation=sponsor, created_by=admin, kind="hsm_residence", category="labour", answers={}
    )
    db.session.add_all([report, invitation])
    db.session.flush()
    document = Document(
        organisation_id=sponsor.id,
        application_id=draft.id,
        purpose="passport",
        filename="passport.pdf",
        content_type="application/pdf",
        size_bytes=9,
        content=b"%PDF-1.4\n",
    )
    reply_document = Document(
        organisation_id=sponsor.id,
        application_id=application.id,
        filename="reply.pdf",
        content_type="application/pdf",
        size_bytes=9,
        content=b"%PDF-1.4\n",
    )
    db.session.add_all([document, reply_document])
    duty_report = Report(
        organisation_id=sponsor.id,
        kind=ReportKind.EMPLOYMENT_ENDED,
        category="labour",
        person_id=person.id,
        event_date=clock.today(),
        filed_on=clock.today(),
        due_on=clock.today() + timedelta(weeks=4),
        details="",
        filed_by_id=admin.id,
    )
    db.session.add(duty_report)
    # A password sign-up that claimed the sponsor's KvK number, frozen since the sponsor proved it.
    frozen = OrganisationFactory(kvk_number=sponsor.kvk_number, unverified=True, frozen_at=utcnow())
    db.session.flush()

    def agent(mandate):
        return MembershipFactory(organisation=mandate.intermediary, role=OrgRole.ADMINISTRATOR)

    return {
        "users": {
            "administrator": admin,
            "submitter": submitter.user,
            "reader": reader.user,
            "intermediary": agent(in_scope).user,
            "intermediary_out_of_scope": agent(out_of_scope).user,
            "intermediary_out_of_period": agent(out_of_period).user,
            "other_organisation": member(legal_name="Other B.V.", unverified=True),
            "staff": UserFactory(reviewer=True),
        },
        "mandates": {
            "intermediary": in_scope,
            "intermediary_out_of_scope": out_of_scope,
            "intermediary_out_of_period": out_of_period,
        },
        "ids": {
            "person": person.id,
            "api_client": api_client.id,
            "webhook": webhook.id,
            "delivery": delivery.id,
            "application": application.id,
            "membership": submitter.id,
            "reader_membership": reader.id,
            "mandate": in_scope.id,
            "report": report.id,
            "duty_report": duty_report.id,
            "invitation": invitation.id,
            "draft": draft.id,
            "document": document.id,
            "frozen": frozen.id,
            "reply_document": reply_document.id,
            "residence_case": residence_case.id,
            "letter": letter.id,
            "org_letter": org_letter.id,
        },
    }


def become(client, world, actor: str) -> str:
    """Sign in as the actor; return a CSRF token of their session."""
    user = world["users"][actor]
    if actor == "staff":
        staff_sign_in(client, user)
        return get_page(client, "/backoffice/change-reports").csrf()
    sign_in(client, user)
    mandate = world["mandates"].get(actor)
    if mandate is not None:
        act_under_mandate(client, mandate)
    token = get_page(client, "/dashboard").csrf()
    if actor == "intermediary_out_of_period":
        mandate.valid_from = clock.today() - timedelta(days=30)
        mandate.valid_until = clock.today() - timedelta(days=1)
        db.session.flush()
    return token


@pytest.mark.parametrize("actor", ACTORS)
def test_permission_matrix(client, world, actor):
    column = ACTORS.index(actor)
    failures = []
    token = become(client, world, actor)
    for method, template, expected in MATRIX:  # the administrator's changes come last
        url = template.format(**world["ids"])
        if actor == "intermediary_out_of_period":
            # Still acting under the lapsed mandate (the first 404 drops it from the session).
            with client.session_transaction() as session:
                session[MANDATE_SESSION_KEY] = world["mandates"][actor].id
        if method == "GET":
            response = client.get(url, buffered=True)
        else:
            response = client.post(url, data={"csrf_token": token, "role": "reader"})
        if response.status_code != expected[column]:
            failures.append(f"{method} {url}: {response.status_code} != {expected[column]}")
    assert failures == []
    # Nothing an unauthorised actor tried changed the sponsor's team.
    if actor not in ("administrator",):
        roles = db.session.scalars(
            db.select(Membership.role).where(Membership.id == world["ids"]["membership"])
        ).all()
        assert roles == [OrgRole.SUBMITTER]


def test_matrix_covers_every_route_of_the_profile_team_mandates_people_cases_and_inbox(app):
    import re

    covered = {re.sub(r"\{\w+\}", "1", template) for _m, template, _e in MATRIX}
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(("organisation.", "people.", "inbox.", "applications.")):
            continue
        if rule.endpoint == "organisation.invitation":  # public: the token is the proof
            continue
        url = re.sub(r"<(?:int:)?\w+>", "1", rule.rule)
        if url not in covered and f"{url}?letter=1" not in covered:
            missing.append(f"{rule.endpoint} {rule.rule}")
    assert missing == []
