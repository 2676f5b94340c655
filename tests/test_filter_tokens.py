"""Personal identifiers never in URLs (issue 15): a search by name, passport or V-number posts
the term and redirects to an opaque, short-lived, per-user filter token
(portal/filter_tokens.py) — the people search and the inbox's person and text filters."""

import io
import zipfile
from urllib.parse import parse_qs, urlsplit

from portal.extensions import db
from portal.models import Letter
from tests.support.auth import sign_in
from tests.support.factories import PersonFactory, member
from tests.support.pages import get_page, search
from tests.support.residence import PERSON, fill_in, recognise, submit


def post_search(client, url, **terms):
    token = get_page(client, url).csrf()
    response = client.post(url, data={"csrf_token": token, **terms})
    assert response.status_code == 302
    return response.headers["Location"]


def listed(page) -> list[str]:
    table = page.soup.find(id="people")
    return [a.get_text(strip=True) for a in table.select("tbody a")] if table else []


def register_with_two_people(client):
    user = member()
    organisation = user.memberships[0].organisation
    PersonFactory(
        organisation=organisation,
        given_names="Ana",
        surname="Silva",
        nationality="BR",
        v_number="1234567890",
        passport_number="BR9876543",
    )
    PersonFactory(organisation=organisation, given_names="Zoë", surname="Ångström")
    sign_in(client, user)
    client.get("/language/en")
    return user


def test_a_people_search_never_puts_the_term_in_the_address(client):
    register_with_two_people(client)
    for term in ("Silva", "BR9876543", "1234567890"):
        location = post_search(client, "/people/", q=term, state="all", nationality="BR")
        assert term not in location and term.lower() not in location.lower()
        query = parse_qs(urlsplit(location).query)
        assert set(query) == {"f", "state", "nationality"}  # the others stay readable
        page = get_page(client, location)
        assert listed(page) == ["Silva, Ana"]
        assert page.soup.find(id="q")["value"] == term  # shown back in the box, not the URL
        links = " ".join(a.get("href", "") for a in page.soup.find_all("a"))
        assert term not in links


def test_a_term_typed_into_the_address_is_ignored(client):
    register_with_two_people(client)
    assert len(listed(get_page(client, "/people/?q=Silva"))) == 2


def test_a_token_is_the_users_own_and_short_lived(client, app, monkeypatch):
    register_with_two_people(client)
    location = post_search(client, "/people/", q="Silva")
    # Someone else with the address gets nothing of it.
    other = app.test_client()
    sign_in(other, member())
    other.get("/language/en")
    response = other.get(location)
    assert response.status_code == 302 and "f=" not in response.headers["Location"]
    page = get_page(other, response.headers["Location"])
    assert "That search has expired" in page.text and "Silva" not in page.text
    # Past its lifetime the user's own token stands for nothing either.
    monkeypatch.setitem(app.config, "FILTER_TOKEN_TTL", -1)
    expired = client.get(post_search(client, "/people/", q="Silva"))
    assert expired.status_code == 302
    assert "That search has expired" in get_page(client, expired.headers["Location"]).text


def test_the_inbox_person_filter_and_its_download_link_carry_only_the_token(client):
    user = member()
    recognise(user)
    sign_in(client, user)
    client.get("/language/en")
    assert submit(client, fill_in(client, person={**PERSON, "v_number": "1234567890"})).status_code
    letter = db.session.scalar(db.select(Letter))
    for term in ("O'Brien", "1234567890"):
        location = post_search(client, "/inbox", person=term)
        assert "Brien" not in location and "1234567890" not in location
        page = get_page(client, location)
        assert page.soup.find("a", string=letter.subject) is not None
        links = [a["href"] for a in page.soup.find_all("a", href=True)]
        download = next(link for link in links if link.startswith("/inbox/download"))
        assert "f=" in download and "Brien" not in download and "1234567890" not in download
        archive = client.get(download, buffered=True)
        assert archive.status_code == 200 and archive.mimetype == "application/zip"
        assert zipfile.ZipFile(io.BytesIO(archive.data)).namelist()  # the matching letter
    assert search(client, "/inbox", person="Someone").soup.find("a", string=letter.subject) is None
