"""Due process in a real browser (issue 25), on the live server's demo data:

1. The demo intermediary's own recognition case is overdue (the demo submitted it 100 days
   ago): its administrator sends a notice of default from the case page; the reviewer finds
   the case on top of the work queue, with the penalty accruing once the two weeks have passed.
2. A supervisor sends the demo employer an intended fine; the employer responds from the letter
   in the inbox; the supervisor sees the response and imposes the fine, whose letter refers to
   the response.
3. The only administrator of the demo starter leaves; a member asks for administrator rights
   and a supervisor grants them.

Each page on the way passes axe-core.
"""

from datetime import date, timedelta

import pytest

from tests.browser.checks import describe, run_axe
from tests.browser.conftest import AXE_JS, DEMO_PASSWORD, require
from tests.browser.signing_in import sign_in_sponsor


@pytest.fixture
def second_context(chromium, live_server):
    """A second browser profile: the member of staff beside the sponsor."""
    context = chromium.new_context(base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(10_000)
    yield context
    context.close()


def _axe(page, where: str, found: list[str]) -> None:
    violations = run_axe(page)
    if violations:
        found.append(f"{where}:\n{describe(violations)}")


def _staff_sign_in(page, live_server, email: str) -> None:
    page.goto("/language/en?next=/backoffice/sign-in")
    page.get_by_label("E-mail address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_label("Password", exact=True).press("Enter")
    page.locator("[name=code]").fill(live_server.totp_code(email))
    with page.expect_navigation():
        page.locator("[name=code]").press("Enter")
    assert "/backoffice" in page.url and "sign-in" not in page.url, page.url


def _sql(live_server, statement, **values):
    """Look up an id, or set a fact the journey needs that only time would bring."""
    from sqlalchemy import create_engine, text

    engine = create_engine(live_server.database_url)
    try:
        with engine.begin() as connection:
            result = connection.execute(text(statement), values)
            return result.all() if result.returns_rows else None
    finally:
        engine.dispose()


def _click(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def test_sponsor_sends_a_notice_of_default_and_the_reviewer_sees_it_on_top(
    browser_context, second_context, live_server
):
    require(AXE_JS.exists(), "axe-core is not installed (run `npm ci`)")
    found: list[str] = []
    page = browser_context.new_page()
    sign_in_sponsor(page, live_server, "intermediary@demo.example")
    _click(page, page.get_by_role("link", name="To do"))
    item = page.locator('#todo-list li[data-kind="notice_of_default"]')
    assert "you can send a notice of default" in item.inner_text()
    _axe(page, "to-do with a late decision", found)
    _click(page, item.get_by_role("link"))
    assert "The decision is late" in page.locator("#notice").inner_text()
    _axe(page, "late case", found)
    _click(page, page.get_by_role("link", name="Send a notice of default"))
    _axe(page, "notice of default", found)
    _click(page, page.get_by_role("button", name="Send the notice of default"))
    assert "notice of default has been received" in page.get_by_role("status").first.inner_text()
    assert "received your notice of default" in page.locator("#notice").inner_text()
    _axe(page, "case with a notice", found)
    reference = page.locator("h1").inner_text().split()[-1]

    # Three weeks later (the clock of the data moves, not the server's): 7 days at €23.
    _sql(
        live_server,
        "UPDATE notice_of_default SET received_on = :received, penalty_from = :start",
        received=(date.today() - timedelta(days=21)).isoformat(),
        start=(date.today() - timedelta(days=7)).isoformat(),
    )
    staff = second_context.new_page()
    _staff_sign_in(staff, live_server, "reviewer@demo.example")
    first = staff.locator("table tbody tr").first
    assert reference in first.inner_text()
    assert "€161.00 so far" in first.inner_text()
    _axe(staff, "queue with a notice on top", found)
    _click(staff, first.get_by_role("link", name=reference))
    assert "€161.00 so far" in staff.locator("#notice-of-default").inner_text()
    _axe(staff, "case with a notice", found)
    assert not found, "\n".join(found)


def test_intended_fine_the_response_and_the_fine_that_refers_to_it(
    browser_context, second_context, live_server, tmp_path
):
    require(AXE_JS.exists(), "axe-core is not installed (run `npm ci`)")
    found: list[str] = []
    staff = second_context.new_page()
    _staff_sign_in(staff, live_server, "supervisor@demo.example")
    organisation_id = _sql(
        live_server,
        "SELECT id FROM organisation WHERE legal_name = 'Brightwave Technologies B.V.'",
    )[0][0]
    staff.goto(f"/backoffice/organisations/{organisation_id}")
    _click(staff, staff.get_by_role("link", name="Send an intended decision"))
    _axe(staff, "intended decision form", found)
    staff.get_by_label("The intended decision and its grounds").fill(
        "The end of an employment was reported 3 weeks late."
    )
    _click(staff, staff.get_by_role("button", name="Send the intended decision"))
    assert (
        "Waiting for the response"
        in staff.locator("#intended-sanctions-caption-table").inner_text()
    )

    page = browser_context.new_page()
    sign_in_sponsor(page, live_server, "employer@demo.example")
    _click(page, page.get_by_role("link", name="To do"))
    _click(page, page.get_by_role("link", name="Answer: Intended decision", exact=False))
    _axe(page, "intended decision letter", found)
    page.get_by_label("Your message").fill("Our HR system was down for three weeks.")
    _click(page, page.get_by_role("button", name="Send the answer"))
    assert (
        "Your response has been sent to the IND." in page.get_by_role("status").first.inner_text()
    )

    staff.reload()
    assert "Our HR system was down" in staff.locator(".intended-response").inner_text()
    _axe(staff, "account with the response", found)
    _click(staff, staff.get_by_role("link", name="Record a fine"))
    staff.get_by_label("Amount in euros").fill("1500")
    staff.get_by_label("Reason", exact=True).fill("Late report of the end of an employment.")
    _click(staff, staff.get_by_role("button", name="Preview the letter"))  # issue 19: previewed
    assert "Our HR system was down" in staff.locator("#preview").inner_text()
    _click(staff, staff.get_by_role("button", name="Record the fine and send the letter"))

    page.goto("/inbox")
    _click(page, page.get_by_role("link", name="Decision: administrative fine", exact=False).first)
    letter = " ".join(page.locator("#letter-text").inner_text().split())
    assert "Our HR system was down for three weeks." in letter
    assert "We have considered your response" in letter
    _axe(page, "fine letter", found)
    assert not found, "\n".join(found)


def test_the_only_administrator_leaves_and_a_member_receives_administrator_rights(
    browser_context, second_context, chromium, live_server
):
    require(AXE_JS.exists(), "axe-core is not installed (run `npm ci`)")
    found: list[str] = []
    admin = browser_context.new_page()
    sign_in_sponsor(admin, live_server, "starter@demo.example")
    admin.goto("/organisation/team")
    assert admin.locator("#single-administrator").is_visible()  # the portal warns
    _axe(admin, "team with one administrator", found)
    admin.get_by_label("E-mail address of your colleague").fill("colleague@starter.demo.example")
    admin.get_by_role("radio", name="Submitter").check()
    _click(admin, admin.get_by_role("button", name="Send the invitation"))

    member_context = chromium.new_context(base_url=live_server.url, bypass_csp=True)
    member_context.set_default_timeout(10_000)
    try:
        member = member_context.new_page()
        member.goto("/language/en?next=" + live_server.mail_link("/organisation/invitations/"))
        member.get_by_label("Your full name").fill("Lotte Smit")
        member.get_by_label("Password", exact=True).fill("correct horse battery staple")
        _click(member, member.get_by_role("button", name="Accept the invitation"))

        # The only administrator leaves: the account is switched off.
        _sql(
            live_server,
            "UPDATE user_account SET active = false WHERE email = 'starter@demo.example'",
        )
        member.context.clear_cookies()
        sign_in_sponsor(
            member, live_server, "colleague@starter.demo.example", "correct horse battery staple"
        )
        member.goto("/organisation/administrator-rights")
        assert "no administrator who can sign in" in member.locator("#administrators").inner_text()
        _axe(member, "administrator rights", found)
        member.get_by_label("Why do you need administrator rights?").fill(
            "Sanne Jansen, our only administrator, left the company."
        )
        _click(member, member.get_by_role("button", name="Send the request to the IND"))
        assert member.locator("#pending-request").is_visible()

        staff = second_context.new_page()
        _staff_sign_in(staff, live_server, "supervisor@demo.example")
        staff.goto("/backoffice/administrator-rights")
        _click(staff, staff.locator("#pending").get_by_role("link", name="Nova Robotics B.V."))
        assert "our only administrator, left the company" in staff.locator("main").inner_text()
        _axe(staff, "administrator rights request", found)
        staff.get_by_role("radio", name="Grant administrator rights").check()
        staff.get_by_label("How you checked, or why you refuse").fill(
            "Called the number in the trade register."
        )
        _click(staff, staff.get_by_role("button", name="Record the decision"))

        member.goto("/organisation/team")
        assert "Lotte Smit" in member.locator("#members").inner_text()
        _axe(member, "team of the new administrator", found)
    finally:
        member_context.close()
        # The live server is shared by this worker's browser tests: the administrator returns.
        _sql(
            live_server,
            "UPDATE user_account SET active = true WHERE email = 'starter@demo.example'",
        )
    assert not found, "\n".join(found)
