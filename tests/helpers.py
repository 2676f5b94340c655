"""Acting as a user through HTTP: sign in as a browser would."""

import pyotp

from tests.conftest import get_page
from tests.factories import PASSWORD


def sign_in(client, user, password: str = PASSWORD):
    token = get_page(client, "/sign-in").csrf()
    response = client.post(
        "/sign-in", data={"csrf_token": token, "email": user.email, "password": password}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def staff_sign_in(client, user, password: str = PASSWORD):
    token = get_page(client, "/backoffice/sign-in").csrf()
    response = client.post(
        "/backoffice/sign-in",
        data={"csrf_token": token, "email": user.email, "password": password},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    token = get_page(client, "/backoffice/sign-in/code").csrf()
    response = client.post(
        "/backoffice/sign-in/code",
        data={"csrf_token": token, "code": pyotp.TOTP(user.totp_secret).now()},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response
