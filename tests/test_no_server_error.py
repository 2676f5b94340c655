"""No input gives a server error.

Every route in the URL map is walked as an anonymous visitor, a sponsor administrator and IND
staff (supervisor, administrator) with values that once gave a 500: ids past the database's
integer range in every `<int:…>` part of a path, and in every query parameter and form field of
the pages each role reaches, a NUL byte, CR/LF, dates at the ends of the calendar, an integer past
64 bits and very long text. The values are a fixed set, so a run is bounded and repeatable; the
Hypothesis tests at the end draw more of the same kinds for a few routes.
"""

import re
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.demo import load as load_demo
from portal.extensions import db
from portal.identity import accounts
from tests.support.auth import sign_in, staff_sign_in
from tests.support.factories import UserFactory, member
from tests.support.pages import Page, get_page, post_form

HUGE_IDS = (2**31, 2**63)
HOSTILE = {
    "nul": "a\x00b",
    "crlf": "/dashboard\r\nSet-Cookie: x=1",
    "year 1": "0001-01-01",
    "year 9999": "9999-12-31",
    "64-bit": str(2**63),
    "not ASCII digits": "\u00b2",  # '²'.isdigit() is True, int('²') fails
    "long": "x" * 3000,
}
# Where a walk must not go: it would end the role's session or leave the site.
SKIP = re.compile(r"(sign-out|/language/|/static/|/oidc/)")
# Files: their query parameters are probed, but the walk does not read them for links.
FILES = re.compile(r"(\.(csv|json|pdf|xes|zip)|/pdf|/download)$")
MAX_PAGES = 90
MAX_PER_SHAPE = 2
DEMO_PASSWORD = "demo-portal-2026"  # the demo's, documented in README


@dataclass
class Walk:
    client: object
    role: str
    pages: dict = field(default_factory=dict)  # endpoint → a URL reached
    post_forms: list = field(default_factory=list)  # (action, {name: value})
    query_names: set = field(default_factory=lambda: {"next", "page", "after", "before", "q"})
    own_names: dict = field(default_factory=dict)  # path → names its links and forms use
    link_values: dict = field(default_factory=dict)  # (path, name) → a value a link gave
    failures: list = field(default_factory=list)
    csrf: str = ""

    def request(self, method: str, url: str, data=None) -> int:
        try:
            if method == "GET":
                response = self.client.get(url, buffered=True)
            else:
                response = self.client.post(
                    url, data={"csrf_token": self.csrf, **(data or {})}, buffered=True
                )
        except Exception as error:  # noqa: BLE001 - an unhandled error is the finding
            self.failures.append(f"{self.role} {method} {url!r}: {type(error).__name__} {error}")
            return 500
        status = response.status_code
        response.close()
        if status >= 500:
            self.failures.append(f"{self.role} {method} {url!r} {data!r}: {status}")
        return status


def _shape(path: str) -> str:
    return re.sub(r"/\d+", "/N", path)


def discover(walk: Walk, app, start: str) -> None:
    """Follow same-site links from `start`; note each endpoint's URL, its forms and the names
    of the query parameters its links and GET forms use."""
    adapter = app.url_map.bind("localhost")
    queue, seen, shapes = deque([start]), set(), {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        parts = urlsplit(url)
        if url in seen or SKIP.search(parts.path) or parts.netloc:
            continue
        shape = _shape(parts.path)
        if shapes.get(shape, 0) >= MAX_PER_SHAPE or FILES.search(parts.path):
            continue
        shapes[shape] = shapes.get(shape, 0) + 1
        seen.add(url)
        response = walk.client.get(url, buffered=True)
        if response.status_code != 200 or "html" not in response.content_type:
            response.close()
            continue
        try:
            endpoint, _ = adapter.match(parts.path)
            walk.pages.setdefault(endpoint, parts.path)
        except Exception:  # noqa: BLE001, S112 - a link outside the map is not ours to walk
            continue
        soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        token = soup.find("input", attrs={"name": "csrf_token"})
        if token is not None:
            walk.csrf = token["value"]
        for link in soup.find_all("a", href=True):
            href = link["href"]
            if href.startswith("/") and not href.startswith("//"):
                target = urlsplit(href)
                pairs = parse_qsl(target.query)
                names = {name for name, _ in pairs}
                walk.query_names.update(names)
                for name, value in pairs:
                    walk.link_values.setdefault((target.path, name), value)
                walk.own_names.setdefault(target.path, set()).update(names)
                queue.append(href.split("#")[0])
        for form in soup.find_all("form"):
            action = form.get("action") or parts.path
            if SKIP.search(action):
                continue
            fields = {}
            for node in form.find_all(["input", "textarea", "select"]):
                name = node.get("name")
                if name and name != "csrf_token" and node.get("type") != "file":
                    fields[name] = node.get("value", "")
            if (form.get("method") or "get").lower() == "get":
                walk.query_names.update(fields)
                walk.own_names.setdefault(urlsplit(action).path, set()).update(fields)
            elif fields:
                walk.post_forms.append((action, fields))


def sample_values(walk: Walk, app) -> dict:
    """A real value for each route argument, taken from the URLs the walk reached."""
    adapter = app.url_map.bind("localhost")
    values = {}
    for path in walk.pages.values():
        _, arguments = adapter.match(path)
        for name, value in arguments.items():
            values.setdefault(name, str(value))
    return values


def probe_paths(walk: Walk, app, endpoints: re.Pattern) -> None:
    """Every route with arguments (of the role's part of the portal): each `<int:…>` part past
    the integer range, each text part hostile, the other parts real values."""
    known = sample_values(walk, app)
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or not rule.arguments or not endpoints.match(rule.endpoint):
            continue
        methods = sorted(rule.methods & {"GET", "POST"})
        for argument in sorted(rule.arguments):
            converter = type(rule._converters[argument]).__name__
            if "Integer" in converter:
                bad_values = [str(n) for n in HUGE_IDS]
            elif "Any" in converter:
                continue  # a fixed list of words: anything else is no match (404)
            else:
                bad_values = ["a%00b", "a%0D%0Ab", "x" * 1000]
            for bad in bad_values:
                path = rule.rule
                for name in rule.arguments:
                    value = bad if name == argument else known.get(name, "1")
                    path = re.sub(rf"<[^>]*:?{name}>", value, path)
                for method in methods:
                    walk.request(method, path)


def probe_queries(walk: Walk) -> None:
    """Every page reached, with every query parameter seen anywhere set to each hostile value
    at once; then the parameters of its own links and filter forms one at a time (one bad value
    may hide what another would do)."""
    names = sorted(walk.query_names)
    for path in sorted(set(walk.pages.values()) | {p for p, own in walk.own_names.items() if own}):
        for value in HOSTILE.values():
            walk.request("GET", f"{path}?{urlencode(dict.fromkeys(names, value))}")
            for name in sorted(walk.own_names.get(path, ())):
                walk.request("GET", f"{path}?{urlencode({name: value})}")
    # Values of the portal's own making (cursors, ids) with their last number past the range.
    for (path, name), value in sorted(walk.link_values.items()):
        for number in HUGE_IDS:
            bad = re.sub(r"[0-9]+(?=[^0-9]*$)", str(number), value)
            if bad != value:
                walk.request("GET", f"{path}?{urlencode({name: bad})}")


def probe_forms(walk: Walk) -> None:
    """Every form with fields (one per action shape), each field set to each hostile value."""
    done = set()
    for action, fields in walk.post_forms:
        if _shape(action) in done:
            continue
        done.add(_shape(action))
        for value in HOSTILE.values():
            walk.request("POST", action, dict.fromkeys(fields, value))


def walk_as(app, client, role: str, start: str, endpoints: str) -> list:
    """The failures found walking from `start`; path arguments are tried on the endpoints
    matching `endpoints` (the role's part of the portal: elsewhere routing sends it away)."""
    walk = Walk(client, role)
    discover(walk, app, start)
    assert walk.pages, f"{role}: nothing reached from {start}"
    probe_paths(walk, app, re.compile(endpoints))
    probe_queries(walk)
    probe_forms(walk)
    return walk.failures


@pytest.fixture
def demo(app):
    """The demo data (cases, letters, people, reports, a sanction) in the test's transaction."""
    load_demo()
    db.session.flush()


def test_no_route_gives_a_server_error_to_an_anonymous_visitor(app, client):
    failures = walk_as(app, client, "anonymous", "/", r".")
    assert not failures, "\n".join(failures)


def test_no_route_gives_a_server_error_to_a_sponsor_or_staff(app, demo):
    """One load of the demo data for three roles (it is the slow part)."""
    sponsor, supervisor, administrator = (app.test_client() for _ in range(3))
    sign_in(sponsor, accounts.find_user_by_email("employer@demo.example"), DEMO_PASSWORD)
    # A residence draft, so that its task list and sections are there to walk.
    started = post_form(sponsor, "/applications/residence/new", {"kind": "hsm_residence"})
    assert started.status_code == 302, started.get_data(as_text=True)[:300]
    staff_sign_in(supervisor, UserFactory(supervisor=True))
    staff_sign_in(administrator, UserFactory(staff_administrator=True))

    failures = walk_as(app, sponsor, "sponsor", "/dashboard", r"(?!backoffice\.)")
    failures += walk_as(app, supervisor, "supervisor", "/backoffice/", r"backoffice\.(?!staff)")
    failures += walk_as(app, administrator, "administrator", "/backoffice/", r"backoffice\.staff")
    assert not failures, "\n".join(failures)


# --- each finding by itself -----------------------------------------------------------------


@pytest.fixture
def sponsor(client):
    client.get("/language/en")
    sign_in(client, member())
    return client


@pytest.fixture
def supervisor(client):
    client.get("/language/en")
    staff_sign_in(client, UserFactory(supervisor=True))
    return client


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    number=st.integers(min_value=2**31, max_value=2**80),
    path=st.sampled_from(
        ["/inbox/{}", "/inbox/{}/pdf", "/people/{}/edit", "/reports/{}", "/applications/{}"]
    ),
)
def test_an_id_past_the_integer_range_is_not_found_by_a_sponsor(sponsor, number, path):
    """PostgreSQL's integer ends at 2³¹ − 1, SQLite's at 2⁶³ − 1: routing refuses larger ids
    before a view asks the database."""
    assert sponsor.get(path.format(number)).status_code == 404


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    number=st.integers(min_value=2**31, max_value=2**80),
    path=st.sampled_from(
        ["/backoffice/cases/{}", "/backoffice/organisations/{}", "/backoffice/documents/{}"]
    ),
)
def test_an_id_past_the_integer_range_is_not_found_by_staff(supervisor, number, path):
    assert supervisor.get(path.format(number)).status_code == 404


@pytest.mark.parametrize("raw", ["\u00b2", str(2**63), "99999999999", "-1", "1e3"])
def test_an_id_in_a_query_parameter_that_is_no_id_is_ignored(sponsor, raw):
    """'²'.isdigit() is True but int('²') fails; 11 digits pass a length check but not
    PostgreSQL's integer."""
    assert sponsor.get(f"/people/?after={raw}").status_code == 200
    assert sponsor.get(f"/reports?before={raw}").status_code == 200
    assert sponsor.get(f"/reports/new?person={raw}").status_code == 404  # no such person
    assert sponsor.get(f"/inbox?after=2026-12-01T10:00:00%2B00:00~{raw}").status_code == 200


def test_a_next_address_with_a_line_break_goes_to_the_start_page(sponsor):
    token = get_page(sponsor, "/account/session").csrf()
    response = sponsor.post(
        "/account/session",
        data={"csrf_token": token, "next": "/dashboard\r\nSet-Cookie: stolen=1"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    response = sponsor.get("/language/en?next=/inbox%0D%0ASet-Cookie:%20stolen=1")
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
@pytest.mark.parametrize("end", ["period_from", "period_to"])
def test_a_date_at_the_end_of_the_calendar_in_the_inbox_filter_gets_a_message(sponsor, day, end):
    page = get_page(sponsor, f"/inbox?{end}={day}", expected_status=400)
    assert page.field_error(end) == "Error: Enter a year from 1800 to 2199"
    assert page.value(end) == "-".join(reversed(day.split("-")))  # day, month, year boxes


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
@pytest.mark.parametrize("path", ["/backoffice/audit", "/backoffice/management"])
def test_a_date_at_the_end_of_the_calendar_in_staff_filters_gets_a_message(supervisor, day, path):
    for end in ("period_from", "period_to"):
        page = get_page(supervisor, f"{path}?{end}={day}", expected_status=400)
        assert page.field_error(end) == "Error: Enter a year from 1800 to 2199"
        assert page.value(end) == "-".join(reversed(day.split("-")))  # day, month, year boxes


def test_a_nul_byte_in_a_form_is_refused_with_a_clear_page(client):
    """PostgreSQL cannot hold NUL in text: sign-in used to fail with a server error there."""
    client.get("/language/en")
    token = get_page(client, "/sign-in").csrf()
    response = client.post(
        "/sign-in", data={"csrf_token": token, "email": "a\x00@b.example", "password": "x"}
    )
    page = Page(response)
    assert page.status == 400
    assert "a character that cannot be used (a NUL byte)" in page.text
    assert "Nothing was saved" in page.text


@pytest.mark.parametrize(
    "url", ["/people/?q=Ann%00", "/inbox?person=%00", "/register/labour?q=%00", "/reports/%00"]
)
def test_a_nul_byte_in_an_address_is_refused_with_a_clear_page(sponsor, url):
    page = get_page(sponsor, url, expected_status=400)
    assert "a character that cannot be used (a NUL byte)" in page.text


def test_a_password_longer_than_the_strength_check_reads_gets_an_answer(client):
    """zxcvbn refuses more than 72 characters; the portal checks the first 72."""
    client.get("/language/en")
    token = get_page(client, "/sign-up").csrf()
    response = client.post(
        "/sign-up",
        data={
            "csrf_token": token,
            "kvk_number": "87651234",
            "legal_name": "Lange Wachtwoorden B.V.",
            "street_address": "Oudegracht 12",
            "postcode": "3511 AB",
            "city": "Utrecht",
            "organisation_email": "office@lang.example",
            "persons_employed": "12",
            "kind": "research",
            "preferred_language": "nl",
            "admin_name": "Ada Lang",
            "admin_email": "ada@lang.example",
            "password": "correct horse battery staple " * 4,
        },
    )
    assert response.status_code == 200, Page(response).text[:500]
    assert "Check your e-mail" in Page(response).text


# --- property-based: any text ----------------------------------------------------------------


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    text=st.text(
        alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "L", "Nd", "Zs"]),
        max_size=40,
    )
)
def test_any_text_in_the_sign_in_form_gets_an_answer(client, text):
    """Control and format characters, NUL included, never break sign-in (PostgreSQL refuses NUL
    in text: the portal must answer before the database sees it)."""
    token = BeautifulSoup(client.get("/sign-in").get_data(as_text=True), "html.parser").find(
        "input", attrs={"name": "csrf_token"}
    )["value"]
    response = client.post("/sign-in", data={"csrf_token": token, "email": text, "password": text})
    assert response.status_code in (400, 429)
