"""Everything within reach: for each role, a crawl from its start page must reach every page the
role may open — GET, HTML, no path parameters; not the API, `/healthz` or downloads. A page
that answers 200 to the role but that no link reaches is a page nobody finds (issue 16, item 3:
Team and Mandates existed, and no page linked to them)."""

import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from portal.demo import load as load_demo
from portal.extensions import db
from portal.identity import accounts
from portal.models import OrgRole
from portal.permissions import PUBLIC_ENDPOINTS
from tests.support.auth import act_under_mandate, sign_in, staff_sign_in
from tests.support.factories import MandateFactory, UserFactory, member

DEMO_PASSWORD = "demo-portal-2026"  # the demo's, documented in README
MAX_PAGES = 400  # per crawl
MAX_PER_SHAPE = 2  # pages of one URL shape (/inbox/7 and /inbox/9 are one shape)
# Not pages: files, the API, health checks; never followed: signing out, language switches.
NOT_PAGES = re.compile(
    r"^/(api|healthz|static)\b|\.(csv|json|pdf|xes|zip)$|/pdf$|download|/language/|sign-out"
)


def crawl(client, start: str, max_pages: int = MAX_PAGES) -> set[str]:
    """The paths of the HTML pages (200) reached by following same-site links from `start`."""
    queue, seen, shapes, reached = deque([start]), set(), {}, set()
    while queue and len(seen) < max_pages:
        url = queue.popleft().split("#")[0]
        path = urlsplit(url).path
        if url in seen or NOT_PAGES.search(path):
            continue
        shape = re.sub(r"/\d+", "/N", path)
        if shapes.get(shape, 0) >= MAX_PER_SHAPE and path not in reached:
            continue
        shapes[shape] = shapes.get(shape, 0) + 1
        seen.add(url)
        response = client.get(url, buffered=True)
        if response.status_code != 200 or "html" not in response.content_type:
            response.close()
            continue
        reached.add(path)
        soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        for link in soup.find_all("a", href=True):
            href = link["href"]
            if href.startswith("/") and not href.startswith("//"):
                queue.append(href)
    return reached


def openable(app, client, public: bool = False) -> set[str]:
    """The pages without path parameters that answer this client with 200 and HTML: the
    public ones (for anyone: the anonymous crawl) or the others (signed-in crawls)."""
    pages = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments or NOT_PAGES.search(rule.rule):
            continue
        if (rule.endpoint in PUBLIC_ENDPOINTS) != public:
            continue
        response = client.get(rule.rule, buffered=True)
        # A page that only says why the role may not use it (students/import for an
        # employer: id="not-allowed") is an answer to a typed address, not a page to find.
        if (
            response.status_code == 200
            and "html" in response.content_type
            and 'id="not-allowed"' not in response.get_data(as_text=True)
        ):
            pages.add(rule.rule)
        response.close()
    return pages


def unreachable(app, client, start: str, public: bool = False) -> list[str]:
    reached = crawl(client, start)
    return sorted(openable(app, client, public) - reached)


@pytest.fixture
def demo(app):
    load_demo()
    db.session.flush()


def _demo_user(email):
    return accounts.find_user_by_email(email)


def test_every_public_page_is_linked(app, client):
    missing = unreachable(app, client, "/", public=True)
    assert missing == [], "\n".join(missing)


@pytest.mark.parametrize("email", ["employer@demo.example", "university@demo.example"])
def test_every_page_of_a_sponsor_is_linked(app, demo, email):
    client = app.test_client()
    sign_in(client, _demo_user(email), DEMO_PASSWORD)
    missing = unreachable(app, client, "/dashboard")
    assert missing == [], "\n".join(missing)


@pytest.mark.parametrize("role", [OrgRole.SUBMITTER, OrgRole.READER])
def test_every_page_of_a_submitter_or_reader_is_linked(app, client, role):
    sign_in(client, member(role))
    missing = unreachable(app, client, "/dashboard")
    assert missing == [], "\n".join(missing)


def test_every_page_of_an_intermediary_is_linked_for_itself_and_under_a_mandate(app, demo):
    user = _demo_user("intermediary@demo.example")
    client = app.test_client()
    sign_in(client, user, DEMO_PASSWORD)
    missing = unreachable(app, client, "/dashboard")
    assert missing == [], "\n".join(missing)
    employer = _demo_user("employer@demo.example").memberships[0].organisation
    mandate = MandateFactory(
        sponsor=employer,
        intermediary=user.memberships[0].organisation,
        categories=["labour", "study"],
    )
    act_under_mandate(client, mandate)
    missing = unreachable(app, client, "/dashboard")
    assert missing == [], "\n".join(missing)


@pytest.mark.parametrize(
    "staff", [{"reviewer": True}, {"supervisor": True}, {"staff_administrator": True}]
)
def test_every_back_office_page_is_linked(app, demo, staff):
    client = app.test_client()
    staff_sign_in(client, UserFactory(**staff))
    missing = unreachable(app, client, "/backoffice/")
    assert missing == [], "\n".join(missing)


def test_the_crawl_notices_a_page_nobody_links_to(app, client):
    """The check can fail: a crawl that ends at the dashboard (where Team is not linked)
    leaves Team, which the administrator may open, unreached."""
    sign_in(client, member(OrgRole.ADMINISTRATOR))
    assert "/organisation/team" in openable(app, client)
    assert "/organisation/team" not in crawl(client, "/dashboard", max_pages=1)
    assert "/organisation/team" in crawl(client, "/dashboard")  # the profile page links it
