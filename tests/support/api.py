"""API set-ups: register a client through the administrator's page, get a token."""

import base64
import re

from tests.support.pages import get_page


def register_client(client, name="Student system", scopes=("people:read",), ips="") -> tuple:
    """As the signed-in administrator: the new client's (client id, secret) from the page."""
    token = get_page(client, "/organisation/api-clients").csrf()
    response = client.post(
        "/organisation/api-clients",
        data={"csrf_token": token, "name": name, "scopes": list(scopes), "allowed_ips": ips},
    )
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    client_id = re.search(r'<code class="hash">(sp_[0-9a-f]+)</code>', html).group(1)
    secret = re.search(r'<code class="secret hash">([^<]+)</code>', html).group(1)
    return client_id, secret


def basic(client_id: str, secret: str) -> dict:
    pair = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


def get_token(http, client_id: str, secret: str, scope: str | None = None) -> str:
    data = {"grant_type": "client_credentials"}
    if scope:
        data["scope"] = scope
    response = http.post("/api/v1/oauth/token", data=data, headers=basic(client_id, secret))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json["access_token"]


def bearer(token: str, **headers) -> dict:
    return {"Authorization": f"Bearer {token}", **headers}
