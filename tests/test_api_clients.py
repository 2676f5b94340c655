"""API clients (issue 18): an administrator registers, sees the secret once, rotates and
revokes; unverified and frozen organisations have none; every change audited."""

from portal.extensions import db
from portal.models import ApiClient, AuditEvent, OrgRole
from portal.models.base import utcnow
from tests.support.api import register_client
from tests.support.auth import sign_in, sign_out
from tests.support.factories import member
from tests.support.pages import get_page, post_form


def _admin(client, **organisation):
    user = member(**organisation)
    client.get("/language/en")
    sign_in(client, user)
    return user


def test_administrator_registers_a_client_and_sees_the_secret_once(client):
    user = _admin(client)
    client_id, secret = register_client(client, scopes=("people:read", "people:write"))
    stored = db.session.scalar(db.select(ApiClient).where(ApiClient.client_id == client_id))
    assert stored.scopes == ["people:read", "people:write"]
    assert secret not in stored.secret_hash and len(stored.secret_hash) == 64
    page = get_page(client, "/organisation/api-clients")
    assert client_id in page.text and secret not in page.text
    assert "Never" in page.text
    actions = db.session.scalars(
        db.select(AuditEvent.action).where(
            AuditEvent.organisation_id == user.memberships[0].organisation_id
        )
    ).all()
    assert "api_client.registered" in actions


def test_invalid_registration_keeps_what_was_typed_with_messages(client):
    _admin(client)
    response = post_form(
        client,
        "/organisation/api-clients",
        {"name": "HR system", "allowed_ips": "not-an-address"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Choose at least one permission" in html
    assert "Enter IP addresses or networks" in html
    assert 'value="HR system"' in html
    assert db.session.scalar(db.select(db.func.count(ApiClient.id))) == 0


def test_messages_are_dutch_in_dutch(client):
    user = member()
    client.get("/language/nl")
    sign_in(client, user)
    response = post_form(client, "/organisation/api-clients", {"name": ""})
    assert response.status_code == 400
    assert "Kies ten minste één recht" in response.get_data(as_text=True)


def test_rotate_gives_a_new_secret_and_revoke_ends_the_client(client):
    _admin(client)
    client_id, secret = register_client(client)
    stored = db.session.scalar(db.select(ApiClient).where(ApiClient.client_id == client_id))
    old_hash = stored.secret_hash
    response = post_form(
        client,
        f"/organisation/api-clients/{stored.id}/rotate",
        {},
        form_url="/organisation/api-clients",
    )
    assert response.status_code == 200
    db.session.refresh(stored)
    assert stored.secret_hash != old_hash and stored.rotated_at is not None
    response = post_form(
        client,
        f"/organisation/api-clients/{stored.id}/revoke",
        {},
        form_url="/organisation/api-clients",
    )
    assert response.status_code == 200
    db.session.refresh(stored)
    assert stored.revoked_at is not None
    assert "Revoked" in get_page(client, "/organisation/api-clients").text


def test_unverified_organisation_has_no_clients(client):
    _admin(client, unverified=True)
    page = get_page(client, "/organisation/api-clients")
    assert page.soup.select_one("#no-clients") is not None
    assert page.soup.select_one("#register") is None
    response = client.post(
        "/organisation/api-clients",
        data={"csrf_token": page.csrf(), "name": "X", "scopes": ["people:read"]},
    )
    assert response.status_code == 403
    assert db.session.scalar(db.select(db.func.count(ApiClient.id))) == 0


def test_frozen_organisation_cannot_manage_clients(client):
    user = _admin(client, unverified=True)  # only an unverified organisation is ever frozen
    user.memberships[0].organisation.frozen_at = utcnow()
    db.session.flush()
    assert client.get("/organisation/api-clients").status_code == 403


def test_others_client_is_404_and_readers_are_refused(client):
    _admin(client)
    register_client(client)
    stored = db.session.scalar(db.select(ApiClient))
    other = member(legal_name="Other B.V.")
    sign_out(client)
    sign_in(client, other)
    response = post_form(
        client,
        f"/organisation/api-clients/{stored.id}/revoke",
        {},
        form_url="/organisation/api-clients",
    )
    assert response.status_code == 404
    assert stored.revoked_at is None
    reader = member(role=OrgRole.READER)
    sign_out(client)
    sign_in(client, reader)
    assert client.get("/organisation/api-clients").status_code == 403
