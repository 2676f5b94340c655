"""Every route is either explicitly public or guarded by a permission (Notify's habit)."""

import re

from portal.blueprints.backoffice import OPEN_ENDPOINTS
from portal.permissions import PUBLIC_ENDPOINTS


def test_every_endpoint_is_public_or_carries_a_permission(app):
    unguarded = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        guard = getattr(view, "required_permission", None) or getattr(view, "required_scope", None)
        if guard is None:
            unguarded.append(f"{rule.endpoint} {rule.rule}")
    assert unguarded == []


def test_public_list_names_only_real_endpoints(app):
    assert set(app.view_functions) >= PUBLIC_ENDPOINTS
    assert OPEN_ENDPOINTS <= PUBLIC_ENDPOINTS


def test_guarded_endpoints_turn_away_anonymous_users(app, client):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS or "GET" not in rule.methods:
            continue
        if getattr(app.view_functions[rule.endpoint], "required_scope", None) is not None:
            continue  # the API: bearer tokens (test_api_scopes_turn_away_requests_without_token)
        url = re.sub(r"<[^>]+>", "1", rule.rule)
        response = client.get(url)
        assert response.status_code == 302, url
        assert "sign-in" in response.headers["Location"], url


def test_api_routes_turn_away_requests_without_a_token(app, client):
    api_rules = [
        rule
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "required_scope", None) is not None
    ]
    assert api_rules
    for rule in api_rules:
        url = re.sub(r"<[^>]+>", "1", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(url, method=method)
            assert response.status_code == 401, url
            assert response.mimetype == "application/problem+json", url
