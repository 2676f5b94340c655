"""The applications list: each row names its person; search by reference or person through a
filter token (no personal data in the URL); filters by status, type and category; keyset pages."""

from urllib.parse import parse_qs, urlsplit

from portal.models import ApplicationKind, ApplicationStatus, Category
from tests.support.auth import sign_in
from tests.support.factories import ApplicationFactory, PersonFactory, member
from tests.support.pages import get_page

URL = "/applications/"


def _organisation():
    user = member()
    return user, user.memberships[0].organisation


def _case(org, user, surname, kind=ApplicationKind.STUDENT, category=Category.STUDY, **values):
    person = PersonFactory(organisation=org, surname=surname, category=category)
    return ApplicationFactory(
        organisation=org,
        created_by=user,
        kind=kind,
        category=category,
        person_id=person.id,
        **values,
    )


def _search(client, **fields):
    page = get_page(client, URL)
    data = {"csrf_token": page.csrf(), "q": "", "status": "", "kind": "", "category": ""}
    data.update(fields)
    return client.post("/applications/search", data=data)


def _names(page) -> list[str]:
    return [td.get_text(strip=True) for td in page.soup.select("#applications td.person-name")]


def test_each_row_names_the_person_and_drafts_are_told_apart(client):
    user, org = _organisation()
    _case(org, user, "Okafor")
    _case(org, user, "Nakamura")
    ApplicationFactory(organisation=org, created_by=user, submitted=True)  # recognition: no person
    sign_in(client, user)
    client.get("/language/en")
    page = get_page(client, URL)
    assert sorted(_names(page)) == sorted(["–", "Test Person Nakamura", "Test Person Okafor"])
    assert "Recognition" in page.text
    # The dashboard's rows name them too, and link to the whole list.
    dashboard = get_page(client, "/dashboard")
    assert "Test Person Okafor" in dashboard.text
    assert dashboard.soup.find("a", id="all-applications")["href"] == URL
    # The main navigation reaches the list.
    assert dashboard.soup.select_one(f'nav.main-nav a[href="{URL}"]') is not None


def test_search_by_name_keeps_the_name_out_of_the_url(client):
    user, org = _organisation()
    _case(org, user, "Okafor")
    _case(org, user, "Nakamura")
    sign_in(client, user)
    response = _search(client, q="okaf")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "okaf" not in location.lower()
    assert set(parse_qs(urlsplit(location).query)) == {"f"}
    page = get_page(client, location)
    assert _names(page) == ["Test Person Okafor"]
    assert page.value("q") == "okaf"  # what was typed stays in the field


def test_a_token_is_the_users_own(app, client):
    user, org = _organisation()
    _case(org, user, "Okafor")
    _case(org, user, "Nakamura")
    sign_in(client, user)
    location = _search(client, q="Okafor").headers["Location"]
    other = app.test_client()
    sign_in(other, user)  # a new session of the same user: the token is not in it
    assert sorted(_names(get_page(other, location))) == [
        "Test Person Nakamura",
        "Test Person Okafor",
    ]


def test_search_by_reference(client):
    user, org = _organisation()
    case = ApplicationFactory(organisation=org, created_by=user, submitted=True)
    ApplicationFactory(organisation=org, created_by=user, submitted=True)
    sign_in(client, user)
    page = get_page(client, _search(client, q=case.reference.lower()).headers["Location"])
    links = [a.get_text(strip=True) for a in page.soup.select("#applications tbody a")]
    assert links == [case.reference]


def test_filters_by_status_type_and_category(client):
    user, org = _organisation()
    _case(org, user, "Okafor")
    _case(org, user, "Nakamura", status=ApplicationStatus.WITHDRAWN)
    _case(org, user, "Silva", kind=ApplicationKind.HSM_RESIDENCE, category=Category.LABOUR)
    sign_in(client, user)
    assert _names(get_page(client, URL + "?status=withdrawn")) == ["Test Person Nakamura"]
    assert _names(get_page(client, URL + "?kind=hsm_residence")) == ["Test Person Silva"]
    assert sorted(_names(get_page(client, URL + "?category=study"))) == [
        "Test Person Nakamura",
        "Test Person Okafor",
    ]
    # The search form carries the filters into the redirect.
    location = _search(client, status="draft", category="study").headers["Location"]
    assert parse_qs(urlsplit(location).query) == {"status": ["draft"], "category": ["study"]}
    assert _names(get_page(client, location)) == ["Test Person Okafor"]
    # Nonsense values are ignored, never a server error.
    assert (
        len(_names(get_page(client, URL + "?status=nope&kind=zz&category=x&after=2147483647"))) == 3
    )
    assert get_page(client, URL + "?status=refused").soup.find(id="no-applications") is not None


def test_keyset_pages_without_gaps_or_repeats(client):
    user, org = _organisation()
    for n in range(30):
        _case(org, user, f"Student {chr(97 + n // 26)}{chr(97 + n % 26)}")
    sign_in(client, user)
    first = get_page(client, URL + "?category=study")
    assert len(_names(first)) == 25
    next_url = first.soup.find("a", id="next-page")["href"]
    query = parse_qs(urlsplit(next_url).query)
    assert set(query) == {"category", "after"} and "offset" not in next_url
    second = get_page(client, next_url)
    assert len(_names(second)) == 5
    assert second.soup.find("a", id="next-page") is None
    assert set(_names(first)).isdisjoint(_names(second))
    assert len(set(_names(first)) | set(_names(second))) == 30


def test_only_the_organisations_own_cases(client):
    user, org = _organisation()
    other_user, other_org = _organisation()
    _case(org, user, "Okafor")
    foreign = _case(other_org, other_user, "Stranger")
    sign_in(client, user)
    assert _names(get_page(client, URL)) == ["Test Person Okafor"]
    # Someone else's case as the cursor finds nothing of theirs and shows the first page.
    assert _names(get_page(client, f"{URL}?after={foreign.id}")) == ["Test Person Okafor"]
