"""A password sign-up as its administrator goes through it: the form, the e-mail with its link,
the confirmation page, and two-step verification before the first session."""

import re

from tests.support.auth import second_step
from tests.support.pages import Page, get_page, post_form


def link_in(message) -> str:
    """The path of the portal link in an e-mail."""
    body = message.get_content()
    return re.sub(r"^https?://[^/]+", "", re.search(r"https?://\S+", body).group(0))


def mail_to(smtp_server, address: str):
    """The last message sent to this address."""
    sent = [m for m in smtp_server.messages if m["To"].lower() == address.lower().strip()]
    assert sent, f"no e-mail to {address}: {[m['To'] for m in smtp_server.messages]}"
    return sent[-1]


def send_sign_up(client, data: dict) -> Page:
    """Fill in the sign-up form; the page that asks to check the e-mail."""
    return Page(post_form(client, "/sign-up", data))


def confirm_link(client, path: str):
    """Open the confirmation link and press its button: the response (a redirect to the
    set-up of two-step verification when the account was made)."""
    page = get_page(client, path)
    return client.post(path, data={"csrf_token": page.csrf()})


def password_sign_up(client, smtp_server, data: dict):
    """The whole journey, ending signed in with two-step verification set up; the response of
    the last step (the recovery codes page)."""
    sent = send_sign_up(client, data)
    assert sent.status == 200, sent.text[:500]
    response = confirm_link(client, link_in(mail_to(smtp_server, data["admin_email"])))
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert response.headers["Location"].endswith("/sign-in/set-up-code")
    return second_step(client, None, response)
