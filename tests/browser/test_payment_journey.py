"""Paying a fee online, in a real browser (issue 17): the demo employer applies for recognition
in a second category, presses "Pay online", pays on the provider's checkout page (the stub of
Mollie's API, tests/support/mollie_stub.py, which then calls the portal's webhook as Mollie
does) and comes back to a page that says the fee is paid; the case shows the fee paid and the
decision period running from today.

The browser enforces the portal's Content-Security-Policy here (no bypass): the redirect after
the "Pay online" form must be allowed by form-action, to the configured provider only. The
portal runs on a server of its own, configured for the stub (MOLLIE_API_KEY, the endpoint, and
a public address known before it starts).
"""

import re
import socket
from datetime import timedelta

import pytest

from portal import clock
from tests.browser.conftest import run_live_server
from tests.browser.test_journeys import Keyboard, _tools, assert_clean, sponsor_sign_in
from tests.support.mollie_stub import API_KEY, MollieStub


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def paying_server(tmp_path_factory, worker_id):
    with MollieStub() as stub:
        port = _free_port()
        env = {
            "MOLLIE_API_KEY": API_KEY,
            "MOLLIE_API_ENDPOINT": stub.base,
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
            "LIVE_SERVER_PORT": str(port),
        }
        with run_live_server(tmp_path_factory, f"live-server-payments-{worker_id}", env) as server:
            yield server, stub


def test_sponsor_pays_a_fee_online_and_the_decision_period_starts(
    chromium, paying_server, tmp_path
):
    _tools()
    server, stub = paying_server
    # axe-core is injected as a script, which the enforced CSP forbids: the checker's context
    # lets it in and opens each page again, as the same signed-in user (the same session).
    checking = chromium.new_context(base_url=server.url, bypass_csp=True)
    checker = Keyboard(checking.new_page())
    sponsor_sign_in(checker, server, "employer@demo.example")
    enforced = chromium.new_context(base_url=server.url, storage_state=checking.storage_state())
    enforced.set_default_timeout(15_000)

    def check(url: str, name: str) -> None:
        checker.page.goto(url)
        checker.check_page(name)

    try:
        page = enforced.new_page()
        employer = Keyboard(page)
        page.goto("/dashboard")
        employer.activate(page.get_by_role("link", name="Apply for recognition"))
        # Labour (recognised already) is not offered: Tab into the group at Research, then
        # the arrow keys to Exchange (a radio group is one stop in the tab order), Space.
        group = page.get_by_role("group", name="Which category do you apply for?")
        employer.tab_to(group.get_by_role("radio", name="Research", exact=True))
        exchange = group.get_by_role("radio", name="Exchange", exact=True)
        for _ in range(3):
            if exchange.evaluate("el => el === document.activeElement"):
                break
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Space")
        assert exchange.is_checked()
        employer.activate(page.get_by_role("button", name="Continue"))
        employer.tick("I declare that the information given is correct")
        employer.activate(page.get_by_role("button", name="Submit application"))
        notice = page.get_by_role("status").inner_text()
        reference = re.search(r"ER-\d{4}-\d{6}-[A-Z]", notice)[0]
        assert "waiting for payment" in page.locator("#deadline").inner_text()
        case_url = page.url
        check(case_url, "case: fee due, pay online")

        # "Pay online": to the provider's checkout page (the CSP allows that one origin).
        employer.activate(page.get_by_role("button", name="Pay online"))
        assert page.url.startswith(f"{stub.base}/checkout/tr_"), page.url
        payment = stub.payments[page.url.rsplit("/", 1)[1]]
        assert payment["description"] == reference
        # Paying there: the provider calls the webhook, then sends the sponsor back.
        employer.activate(page.get_by_role("button", name="Pay (stub)"))
        assert page.url.startswith(server.url + "/payments/applications/"), page.url
        assert "the fee has been paid" in page.locator("#payment-state").inner_text()
        check(page.url, "back from paying: paid")

        employer.activate(page.get_by_role("link", name=f"Back to application {reference}"))
        assert page.url == case_url
        today = clock.today()
        assert f"Paid on {today.day} {today:%B %Y}" in page.locator("#fee-status").inner_text()
        decide_by = today + timedelta(days=90)
        assert f"{decide_by.day} {decide_by:%B %Y}" in page.locator("#deadline").inner_text()
        assert page.locator("#pay-online").count() == 0
        assert f"Payment received: {reference}" in page.locator("#letters").inner_text()
        check(case_url, "case: fee paid, decision period running")
    finally:
        enforced.close()
        checking.close()
    assert_clean(tmp_path, checker)
