"""Signing a demo sponsor in through the real forms, as the journeys do: e-mail and password,
then the authenticator code (set up on an administrator's first sign-in)."""

import pyotp

from tests.browser.conftest import DEMO_PASSWORD


def sign_in_sponsor(page, live_server, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/language/en?next=/sign-in")
    page.get_by_label("E-mail address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_label("Password", exact=True).press("Enter")
    if "/sign-in/set-up-code" in page.url:  # an administrator's first sign-in
        secret = page.locator("#totp-secret").inner_text().strip()
        page.locator("[name=code]").fill(pyotp.TOTP(secret).now())
        with page.expect_navigation():
            page.locator("[name=code]").press("Enter")
        with page.expect_navigation():
            page.locator("main a.button").click()
    elif "/sign-in/code" in page.url:
        page.locator("[name=code]").fill(live_server.totp_code(email))
        with page.expect_navigation():
            page.locator("[name=code]").press("Enter")
    assert page.url.endswith("/dashboard"), page.url
