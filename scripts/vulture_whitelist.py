# Names vulture takes for unused, each used in a way it cannot see (read by scripts/dead_code.py,
# never imported). Add a name only with the reason.

# pyotp.TOTP reads it to check a secret's length (portal/identity/second_factor.py).
min_secret_length_bits
# Prefills the residence form by its dotted name "person.current_permit_expires" (types.py).
current_permit_expires
# The endpoints anyone may reach: declared beside the permissions, enforced by
# tests/test_routes_protected.py against the URL map.
PUBLIC_ENDPOINTS
# A column of the study-progress row in reference/data.toml, loaded with the others.
minimum_credit_share
# Authlib's ClientMixin / TokenMixin / BearerTokenValidator hooks, called by its
# authorization server and resource protector (portal/api/oauth.py).
get_client_id
get_default_redirect_uri
get_allowed_scope
check_redirect_uri
check_client_secret
check_endpoint_auth_method
check_response_type
check_grant_type
check_client
get_scope
get_expires_in
is_expired
is_revoked
authenticate_token
# Called by migrations/env.py (outside portal/) at the end of every `flask db upgrade`.
runtime_role
grant_runtime
# html.parser.HTMLParser hooks, called by feed() (portal/letters/layout.py).
handle_starttag
handle_endtag
handle_data
