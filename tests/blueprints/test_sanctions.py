"""Sanctions on a sponsor account through HTTP: warning, fine, suspend, extend, lift, withdraw —
each confirmed with a reason, audited, with its letter; refusals change nothing; a suspension
blocks new applications and ends by date; roles decide who may do what."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal import clock
from portal.extensions import db
from portal.models import (
    AuditEvent,
    Category,
    IntendedKind,
    Letter,
    LetterKind,
    Recognition,
    RecognitionStatus,
    Sanction,
    SanctionKind,
)
from portal.oversight import sanction_obstacles, sanctions
from tests.support.auth import sign_in, staff_sign_in
from tests.support.factories import UserFactory, member, recognise
from tests.support.intended import ripe_intentions
from tests.support.pages import Page, get_page
from tests.support.sanctions import send_sanction

TODAY = date(2026, 11, 29)


@pytest.fixture(autouse=True)
def english_on_a_fixed_day(client, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    client.get("/language/en")


def recognised(category=Category.LABOUR, **organisation):
    """A sponsor user whose organisation holds a granted recognition for `category`."""
    user = member(legal_name=organisation.pop("legal_name", "Kanaal & Zonen B.V."), **organisation)
    org = user.memberships[0].organisation
    recognise(org, category)
    ripe_intentions(org, category)  # Awb 4:8: a fine, suspension or withdrawal follows one
    return user, org


def supervisor(client):
    user = UserFactory(supervisor=True)
    staff_sign_in(client, user)
    return user


def recognition_of(org, category=Category.LABOUR) -> Recognition:
    db.session.expire_all()
    return db.session.scalar(
        select(Recognition).where(
            Recognition.organisation_id == org.id, Recognition.category == category
        )
    )


def action_url(org, action, category="labour"):
    return f"/backoffice/organisations/{org.id}/recognitions/{category}/{action}"


def confirm(client, org, action, category="labour", **values):
    page = get_page(client, action_url(org, action, category))
    action_path = action_url(org, action, category)
    form = page.soup.find("form", attrs={"method": "post", "action": None})
    assert form is not None, page.text[:500]
    data = {"csrf_token": page.csrf(), "reason": "Reports were filed late.", **values}
    state = form.find("input", attrs={"name": "state"})
    if state is not None and "state" not in values:
        data["state"] = state["value"]
    return send_sanction(client, action_path, data=data)


def counts(org):
    db.session.expire_all()
    return (
        db.session.scalar(select(func.count()).where(Sanction.organisation_id == org.id)),
        db.session.scalar(
            select(func.count()).where(
                Letter.organisation_id == org.id, Letter.kind != LetterKind.INTENDED_DECISION
            )
        ),
    )


def letters(org, kind):
    return db.session.scalars(
        select(Letter).where(Letter.organisation_id == org.id, Letter.kind == kind)
    ).all()


def on_register(client, org, category="labour") -> bool:
    return org.kvk_number in get_page(client, f"/register/{category}").text


def can_start_labour_application(client, user) -> bool:
    sign_in(client, user)
    token = get_page(client, "/applications/residence/new").csrf()
    response = client.post(
        "/applications/residence/new", data={"csrf_token": token, "kind": "hsm_entry"}
    )
    client.post("/sign-out", data={"csrf_token": token})
    return response.status_code == 302


# --- the whole life of a suspension ------------------------------------------------------


def test_suspension_confirmed_audited_lettered_and_blocking_at_once(client):
    sponsor, org = recognised()
    staff = supervisor(client)
    page = get_page(client, f"/backoffice/organisations/{org.id}")
    assert page.soup.find("a", href=action_url(org, "suspend")) is not None
    assert page.soup.find("a", href=action_url(org, "lift")) is None  # nothing to lift

    confirmation = get_page(client, action_url(org, "suspend"))
    assert "28 February 2027" in confirmation.text  # 3 months, last day inclusive
    assert "removed from the public register" in confirmation.text

    # No reason: 400, nothing changed.
    before = counts(org)
    refused = Page(confirm(client, org, "suspend", reason="   "))
    assert refused.status == 400
    assert refused.field_error("reason")
    assert counts(org) == before
    assert recognition_of(org).status == RecognitionStatus.GRANTED

    response = confirm(client, org, "suspend", reason="Six reports filed after 4 weeks.")
    assert response.status_code == 302
    recognition = recognition_of(org)
    assert recognition.status == RecognitionStatus.SUSPENDED
    assert recognition.suspended_until == date(2027, 2, 28)
    sanction = db.session.scalar(select(Sanction).where(Sanction.organisation_id == org.id))
    assert (sanction.kind, sanction.category, sanction.starts_on) == (
        SanctionKind.SUSPENSION,
        Category.LABOUR,
        TODAY,
    )
    assert sanction.imposed_by_id == staff.id
    (letter,) = letters(org, LetterKind.SUSPENSION)
    assert letter.category == "labour"
    assert "suspended" in letter.subject
    assert db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "staff.recognition.suspended",
            AuditEvent.actor_id == staff.id,
            AuditEvent.organisation_id == org.id,
        )
    )
    shown = get_page(client, f"/backoffice/organisations/{org.id}", follow_redirects=True)
    assert "Six reports filed after 4 weeks." in shown.text

    # Off the register and no new labour applications, at once.
    client.post("/backoffice/sign-out", data={"csrf_token": shown.csrf()})
    assert not on_register(client, org)
    assert not can_start_labour_application(client, sponsor)


def test_extend_once_then_refused(client):
    _sponsor, org = recognised()
    supervisor(client)
    assert confirm(client, org, "suspend").status_code == 302
    first_end = recognition_of(org).suspended_until

    page = get_page(client, action_url(org, "extend"))
    assert "31 May 2027" in page.text  # the new last day, shown before confirming
    assert confirm(client, org, "extend", reason="Still no reports.").status_code == 302
    recognition = recognition_of(org)
    assert recognition.suspended_until == date(2027, 5, 31)
    assert recognition.suspended_until > first_end
    sanction = db.session.scalar(select(Sanction).where(Sanction.organisation_id == org.id))
    assert (sanction.extensions, sanction.ends_on) == (1, date(2027, 5, 31))
    (first, extended) = sorted(letters(org, LetterKind.SUSPENSION), key=lambda x: x.id)
    assert "extended" in extended.subject

    # A second extension: the page says so, and a forced POST changes nothing.
    page = get_page(client, action_url(org, "extend"))
    assert "already been extended as often as allowed" in page.text
    assert page.soup.find("form", attrs={"method": "post", "action": None}) is None
    before = counts(org)
    token = page.csrf()
    response = send_sanction(
        client,
        action_url(org, "extend"),
        data={"csrf_token": token, "reason": "Again.", "state": sanctions.state_token(recognition)},
        follow_redirects=True,
    )
    assert "already been extended as often as allowed" in Page(response).text
    assert counts(org) == before
    assert recognition_of(org).suspended_until == date(2027, 5, 31)


def test_lift_puts_the_organisation_back_at_once(client):
    sponsor, org = recognised()
    supervisor(client)
    assert confirm(client, org, "suspend").status_code == 302
    response = confirm(client, org, "lift", reason="Reports are now complete.")
    assert response.status_code == 302
    recognition = recognition_of(org)
    assert (recognition.status, recognition.suspended_until) == (RecognitionStatus.GRANTED, None)
    sanction = db.session.scalar(select(Sanction).where(Sanction.organisation_id == org.id))
    assert sanction.lifted_on == TODAY
    (letter,) = letters(org, LetterKind.SUSPENSION_LIFTED)
    assert "lifted" in letter.subject
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "staff.recognition.suspension_lifted")
    )
    client.get("/backoffice/sign-out")
    assert on_register(client, org)
    assert can_start_labour_application(client, sponsor)


def test_withdraw_twice_is_refused_and_changes_nothing(client):
    _sponsor, org = recognised()
    supervisor(client)
    stale_page = get_page(client, action_url(org, "withdraw"))
    assert confirm(client, org, "withdraw", reason="Third fine.").status_code == 302
    assert recognition_of(org).status == RecognitionStatus.WITHDRAWN
    assert len(letters(org, LetterKind.WITHDRAWAL)) == 1
    before = counts(org)

    # The page now says so, without a form.
    again = get_page(client, action_url(org, "withdraw"))
    assert "already been withdrawn" in again.text
    # A form left open from before: refused, nothing changed.
    response = send_sanction(
        client,
        action_url(org, "withdraw"),
        data={
            "csrf_token": stale_page.csrf(),
            "reason": "Again.",
            "state": stale_page.soup.find("input", attrs={"name": "state"})["value"],
        },
        follow_redirects=True,
    )
    text = Page(response).text
    assert "Nothing was changed" in text
    assert counts(org) == before
    assert recognition_of(org).status == RecognitionStatus.WITHDRAWN


@pytest.mark.parametrize(
    ("setup", "action", "message"),
    [
        (None, "suspend", "holds no recognition in force"),
        ("suspend", "suspend", "already suspended"),
        (None, "lift", "not suspended"),
        (None, "extend", "not suspended"),
        ("withdraw", "lift", "already been withdrawn"),
    ],
)
def test_actions_that_do_not_fit_are_refused_with_a_message(client, setup, action, message):
    if action == "suspend" and setup is None:
        _sponsor, org = recognised(category=Category.STUDY)  # labour not held
    else:
        _sponsor, org = recognised()
    supervisor(client)
    if setup:
        assert confirm(client, org, setup).status_code == 302
    before = counts(org)
    state_before = sanctions.state_token(recognition_of(org))
    page = get_page(client, action_url(org, action))
    assert message in page.text
    response = send_sanction(
        client,
        action_url(org, action),
        data={"csrf_token": page.csrf(), "reason": "Try anyway.", "state": state_before},
        follow_redirects=True,
    )
    assert message in Page(response).text
    assert counts(org) == before
    assert sanctions.state_token(recognition_of(org)) == state_before


def test_a_stale_form_changes_nothing(client):
    """Two supervisors: one suspends while the other has the withdrawal form open."""
    _sponsor, org = recognised()
    supervisor(client)
    open_form = get_page(client, action_url(org, "withdraw"))
    # Meanwhile someone else suspends.
    other = UserFactory(supervisor=True)
    sanctions.suspend(
        org, Category.LABOUR, other, "Late reports.", sanctions.state_token(recognition_of(org))
    )
    db.session.flush()
    before = counts(org)
    response = send_sanction(
        client,
        action_url(org, "withdraw"),
        data={
            "csrf_token": open_form.csrf(),
            "reason": "Withdraw.",
            "state": open_form.soup.find("input", attrs={"name": "state"})["value"],
        },
        follow_redirects=True,
    )
    assert "Someone else changed this recognition" in Page(response).text
    assert counts(org) == before
    assert recognition_of(org).status == RecognitionStatus.SUSPENDED


def test_compare_and_set_guards_the_update_itself(app):
    """Even when the state token matches what was read, a row changed underneath is not
    overwritten: the UPDATE matches on the old status."""
    _sponsor, org = recognised()
    recognition = recognition_of(org)
    token = sanctions.state_token(recognition)
    db.session.execute(
        Recognition.__table__.update()
        .where(Recognition.id == recognition.id)
        .values(status=RecognitionStatus.WITHDRAWN)
    )
    with pytest.raises(sanction_obstacles.StaleRecognition):
        sanctions._compare_and_set(recognition, token, status=RecognitionStatus.SUSPENDED)


# --- warnings and fines ------------------------------------------------------------------


def test_warning_with_its_letter_and_history(client):
    _sponsor, org = recognised()
    staff = supervisor(client)
    page = get_page(client, f"/backoffice/organisations/{org.id}/warning")
    assert "counts for 2 years" in page.text
    response = send_sanction(
        client,
        f"/backoffice/organisations/{org.id}/warning",
        data={"csrf_token": page.csrf(), "category": "labour", "reason": "One late report."},
    )
    assert response.status_code == 302
    sanction = db.session.scalar(select(Sanction).where(Sanction.organisation_id == org.id))
    assert (sanction.kind, sanction.category, sanction.ends_on) == (
        SanctionKind.WARNING,
        Category.LABOUR,
        date(2028, 11, 28),
    )
    (letter,) = letters(org, LetterKind.WARNING)
    assert letter.category == "labour"
    assert db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "staff.sanction.warning_recorded", AuditEvent.actor_id == staff.id
        )
    )
    shown = get_page(client, f"/backoffice/organisations/{org.id}")
    assert "One late report." in shown.text


@pytest.mark.parametrize(
    ("typed", "cents"),
    [("8.250,00", 825000), ("8250", 825000), ("€ 8.250", 825000), ("1234,5", 123450)],
)
def test_fine_amount_typed_the_dutch_way(client, typed, cents):
    _sponsor, org = recognised()
    supervisor(client)
    page = get_page(client, f"/backoffice/organisations/{org.id}/fine")
    response = send_sanction(
        client,
        f"/backoffice/organisations/{org.id}/fine",
        data={"csrf_token": page.csrf(), "category": "", "amount": typed, "reason": "Late."},
    )
    assert response.status_code == 302
    sanction = db.session.scalar(select(Sanction).where(Sanction.organisation_id == org.id))
    assert (sanction.kind, sanction.amount_cents, sanction.category) == (
        SanctionKind.FINE,
        cents,
        None,
    )
    assert len(letters(org, LetterKind.FINE)) == 1


@pytest.mark.parametrize("typed", ["", "abc", "-5", "0", "8.250.00", "99999999999"])
def test_bad_fine_amounts_keep_what_was_typed(client, typed):
    _sponsor, org = recognised()
    supervisor(client)
    page = get_page(client, f"/backoffice/organisations/{org.id}/fine")
    response = send_sanction(
        client,
        f"/backoffice/organisations/{org.id}/fine",
        data={"csrf_token": page.csrf(), "category": "", "amount": typed, "reason": "Late."},
    )
    refused = Page(response)
    assert refused.status == 400
    assert refused.field_error("amount")
    assert refused.value("amount") == typed
    assert refused.value("reason") is None or "Late." in refused.text
    assert counts(org) == (0, 0)


def test_unknown_category_in_a_warning_is_refused(client):
    _sponsor, org = recognised()
    supervisor(client)
    page = get_page(client, f"/backoffice/organisations/{org.id}/warning")
    response = send_sanction(
        client,
        f"/backoffice/organisations/{org.id}/warning",
        data={"csrf_token": page.csrf(), "category": "tourism", "reason": "Late."},
    )
    assert Page(response).status == 400
    assert counts(org) == (0, 0)


# --- a suspension ends by date -----------------------------------------------------------


def test_an_expired_suspension_no_longer_counts_and_lift_expired_records_it(
    client, app, monkeypatch
):
    sponsor, org = recognised()
    supervisor(client)
    assert confirm(client, org, "suspend").status_code == 302
    last_day = recognition_of(org).suspended_until
    client.get("/backoffice/sign-out")

    monkeypatch.setattr(clock, "today", lambda: last_day)
    assert not on_register(client, org)
    assert not can_start_labour_application(client, sponsor)

    monkeypatch.setattr(clock, "today", lambda: last_day + timedelta(days=1))
    assert on_register(client, org)
    assert can_start_labour_application(client, sponsor)

    result = app.test_cli_runner().invoke(args=["sanctions", "lift-expired"])
    assert "Recorded the end of 1 suspension(s)." in result.output, result.output
    recognition = recognition_of(org)
    assert (recognition.status, recognition.suspended_until) == (RecognitionStatus.GRANTED, None)
    sanction = db.session.scalar(select(Sanction).where(Sanction.organisation_id == org.id))
    assert sanction.lifted_on == last_day + timedelta(days=1)
    assert sanction.lifted_by_id is None
    (letter,) = letters(org, LetterKind.SUSPENSION_LIFTED)
    assert "ended" in letter.subject
    # Again: nothing more to record.
    result = app.test_cli_runner().invoke(args=["sanctions", "lift-expired"])
    assert "Recorded the end of 0 suspension(s)." in result.output
    assert len(letters(org, LetterKind.SUSPENSION_LIFTED)) == 1


def test_a_new_suspension_after_an_unrecorded_expiry(client, monkeypatch):
    _sponsor, org = recognised()
    supervisor(client)
    assert confirm(client, org, "suspend").status_code == 302
    later = recognition_of(org).suspended_until + timedelta(days=10)
    monkeypatch.setattr(clock, "today", lambda: later)
    page = get_page(client, f"/backoffice/organisations/{org.id}")
    assert "Recognised" in page.text
    ripe_intentions(org, kinds=(IntendedKind.SUSPENSION,))  # each suspension follows its own
    assert confirm(client, org, "suspend", reason="New breach.").status_code == 302
    suspensions = db.session.scalars(
        select(Sanction).where(Sanction.kind == SanctionKind.SUSPENSION).order_by(Sanction.id)
    ).all()
    assert [s.lifted_on is not None for s in suspensions] == [True, False]
    assert recognition_of(org).suspended_until > later


# --- who may do what -----------------------------------------------------------------------

ROLES = {
    "reviewer": {"reviewer": True},
    "supervisor": {"supervisor": True},
    "administrator": {"staff_administrator": True},
}
# (role, action path, expected on GET, expected on a valid POST)
MATRIX = [
    ("reviewer", "warning", 200, 302),
    ("reviewer", "fine", 200, 302),
    ("reviewer", "recognitions/labour/suspend", 403, 403),
    ("reviewer", "recognitions/labour/withdraw", 403, 403),
    ("supervisor", "warning", 200, 302),
    ("supervisor", "fine", 200, 302),
    ("supervisor", "recognitions/labour/suspend", 200, 302),
    ("supervisor", "recognitions/labour/withdraw", 200, 302),
    ("administrator", "warning", 403, 403),
    ("administrator", "fine", 403, 403),
    ("administrator", "recognitions/labour/suspend", 403, 403),
]


@pytest.mark.parametrize(("role", "path", "on_get", "on_post"), MATRIX)
def test_each_role_may_do_what_its_permissions_say(client, role, path, on_get, on_post):
    _sponsor, org = recognised()
    staff_sign_in(client, UserFactory(**ROLES[role]))
    url = f"/backoffice/organisations/{org.id}/{path}"
    assert client.get(url).status_code == on_get
    data = {
        "csrf_token": get_page(client, "/backoffice/").csrf(),
        "reason": "Late reports.",
        "amount": "100",
        "category": "",
        "state": "granted:",
    }
    assert send_sanction(client, url, data=data).status_code == on_post
    if on_post == 403:
        assert counts(org) == (0, 0)
        assert recognition_of(org).status == RecognitionStatus.GRANTED


@pytest.mark.parametrize(
    "path",
    [
        "warning",
        "fine",
        "recognitions/labour/suspend",
        "recognitions/labour/extend",
        "recognitions/labour/lift",
        "recognitions/labour/withdraw",
    ],
)
def test_a_sponsor_user_gets_404_on_sanction_urls(client, path):
    sponsor, org = recognised()
    sign_in(client, sponsor)
    url = f"/backoffice/organisations/{org.id}/{path}"
    assert client.get(url).status_code == 404
    token = get_page(client, "/dashboard").csrf()
    assert client.post(url, data={"csrf_token": token, "reason": "x"}).status_code == 404
    assert counts(org) == (0, 0)


def test_the_organisation_page_offers_what_the_role_may_do(client):
    _sponsor, org = recognised()
    staff_sign_in(client, UserFactory(reviewer=True))
    page = get_page(client, f"/backoffice/organisations/{org.id}")
    assert page.soup.find("a", href=f"/backoffice/organisations/{org.id}/warning")
    assert page.soup.find("a", href=action_url(org, "suspend")) is None
    assert page.soup.find(id="recognition-actions") is None


def test_unknown_organisation_or_category_is_404(client):
    _sponsor, org = recognised()
    supervisor(client)
    assert client.get("/backoffice/organisations/999999/warning").status_code == 404
    assert client.get(action_url(org, "suspend", "tourism")).status_code == 404
    unknown_action = f"/backoffice/organisations/{org.id}/recognitions/labour/pause"
    assert client.get(unknown_action).status_code == 404


def test_demo_warning_shows_on_the_organisation_page(client, app):
    from portal import demo

    demo.load()
    db.session.flush()
    supervisor(client)
    results = get_page(client, "/backoffice/organisations?q=Brightwave")
    link = results.soup.find("a", string="Brightwave Technologies B.V.")
    page = get_page(client, link["href"])
    assert "Warning" in page.text and "reported more than 4 weeks" in page.text


def test_a_draft_from_before_the_suspension_cannot_be_submitted_during_it(client, monkeypatch):
    from tests.support.residence import fill_in
    from tests.support.residence import submit as submit_application

    monkeypatch.setattr(clock, "today", lambda: date(2026, 8, 3))
    sponsor, org = recognised()
    sign_in(client, sponsor)
    tasks_url = fill_in(client)
    sanctions.suspend(
        org, Category.LABOUR, UserFactory(supervisor=True), "Late.", state_token_of(org)
    )
    db.session.flush()
    refused = Page(submit_application(client, tasks_url))
    assert refused.status == 400
    assert "recognition for this category is missing or suspended" in refused.text
    # After its last day the same draft goes through, with no one lifting anything.
    assert recognition_of(org).suspended_until == date(2026, 11, 2)
    monkeypatch.setattr(clock, "today", lambda: date(2026, 11, 3))
    assert submit_application(client, tasks_url).status_code == 302


def state_token_of(org):
    return sanctions.state_token(recognition_of(org))


def test_dashboard_and_case_history_show_the_status_as_it_counts_today(client, monkeypatch):
    sponsor, org = recognised()
    sanctions.suspend(
        org, Category.LABOUR, UserFactory(supervisor=True), "Late.", state_token_of(org)
    )
    db.session.flush()

    def labour_tag(path, user, staff=False):
        (staff_sign_in if staff else sign_in)(client, user)
        page = get_page(client, path)
        client.post(
            "/backoffice/sign-out" if staff else "/sign-out", data={"csrf_token": page.csrf()}
        )
        return page.soup.find(class_="tag--suspended"), page.soup.find(class_="tag--granted")

    suspended, granted = labour_tag("/dashboard", sponsor)
    assert suspended is not None and granted is None
    reviewer = UserFactory(reviewer=True)
    suspended, granted = labour_tag(f"/backoffice/organisations/{org.id}", reviewer, staff=True)
    assert suspended is not None and granted is None

    monkeypatch.setattr(clock, "today", lambda: recognition_of(org).suspended_until + timedelta(1))
    suspended, granted = labour_tag("/dashboard", sponsor)
    assert suspended is None and granted is not None
    suspended, granted = labour_tag(f"/backoffice/organisations/{org.id}", reviewer, staff=True)
    assert suspended is None and granted is not None
