"""Acting as a user through HTTP: sign in as a browser would."""

import time

import pyotp

from tests.support.factories import PASSWORD
from tests.support.pages import get_page


def totp_code(user) -> str:
    """A code the portal accepts now: it never accepts the same time step twice."""
    step = int(time.time()) // 30
    if user.totp_last_step is not None and user.totp_last_step >= step:
        step = user.totp_last_step + 1
    return pyotp.TOTP(user.totp_secret).generate_otp(step)


def second_step(client, user, response):
    """Complete the second factor after a right password, as the user would."""
    location = response.headers.get("Location", "")
    if location.endswith("/sign-in/code"):  # sponsor and back office alike
        token = get_page(client, location).csrf()
        response = client.post(location, data={"csrf_token": token, "code": totp_code(user)})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
    elif location.endswith("/sign-in/set-up-code"):
        page = get_page(client, location)
        secret = page.soup.find(id="totp-secret").get_text(strip=True)
        code = pyotp.TOTP(secret).now()
        response = client.post(location, data={"csrf_token": page.csrf(), "code": code})
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        assert 'id="recovery-codes"' in response.get_data(as_text=True)
    return response


def sign_in(client, user, password: str = PASSWORD):
    token = get_page(client, "/sign-in").csrf()
    response = client.post(
        "/sign-in", data={"csrf_token": token, "email": user.email, "password": password}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return second_step(client, user, response)


def staff_sign_in(client, user, password: str = PASSWORD):
    token = get_page(client, "/backoffice/sign-in").csrf()
    response = client.post(
        "/backoffice/sign-in",
        data={"csrf_token": token, "email": user.email, "password": password},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return second_step(client, user, response)


def sign_out(client):
    client.post("/sign-out", data={"csrf_token": get_page(client, "/dashboard").csrf()})


def staff_sign_out(client):
    page = get_page(client, "/backoffice/")
    client.post("/backoffice/sign-out", data={"csrf_token": page.csrf()})


def act_under_mandate(client, mandate):
    """A signed-in intermediary user chooses, in the switcher, to act for the sponsor."""
    page = get_page(client, "/organisation/switch")
    response = client.post(
        "/organisation/switch",
        data={"csrf_token": page.csrf(), "context": f"mandate-{mandate.id}"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response
