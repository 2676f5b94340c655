"""The public register through HTTP: no sign-in, one page per category, reflecting grants,
suspensions, lifting and withdrawals at once; search that never errors; CSV and JSON."""

import csv
import io
import json
from datetime import date

import pytest

from portal import clock
from portal.extensions import db
from portal.models import Category, RecognitionStatus
from portal.oversight import register, sanctions
from tests.support.auth import staff_sign_in
from tests.support.casework import grant, submitted_case
from tests.support.factories import OrganisationFactory, UserFactory, recognise
from tests.support.intended import ripe_intentions
from tests.support.pages import get_page

TODAY = date(2026, 11, 29)


@pytest.fixture(autouse=True)
def english_on_a_fixed_day(client, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    client.get("/language/en")


def listed(
    name,
    category=Category.LABOUR,
    status=RecognitionStatus.GRANTED,
    suspended_until=None,
    **organisation,
):
    org = OrganisationFactory(legal_name=name, **organisation)
    recognise(org, category, status, suspended_until=suspended_until)
    return org


def rows(client, category="labour", **params):
    page = get_page(client, f"/register/{category}", query_string=params)
    table = page.soup.find(id="register")
    if table is None:
        return []
    return [
        tuple(cell.get_text(strip=True) for cell in tr.find_all("td"))
        for tr in table.find("tbody").find_all("tr")
    ]


def state(org, category=Category.LABOUR):
    return sanctions.state_token(sanctions.get_recognition(org, category))


def test_register_follows_grant_suspension_lifting_and_withdrawal(client):
    case = submitted_case(legal_name="Zeeland Zuivel B.V.", kvk_number="24681357")
    org = case.organisation
    assert rows(client) == []

    # Granted through the back office: listed at once.
    staff_sign_in(client, UserFactory(reviewer=True))
    assert grant(client, case).status_code == 302
    client.get("/backoffice/sign-out")
    assert rows(client) == [("Zeeland Zuivel B.V.", "24681357")]
    assert rows(client, "study") == []  # only the category granted

    supervisor = UserFactory(supervisor=True)
    ripe_intentions(org, Category.LABOUR)  # Awb 4:8: the intended decisions came first
    sanctions.suspend(org, Category.LABOUR, supervisor, "Late reports.", state(org))
    db.session.flush()
    assert rows(client) == []
    sanctions.lift(org, Category.LABOUR, supervisor, "Resolved.", state(org))
    db.session.flush()
    assert rows(client) == [("Zeeland Zuivel B.V.", "24681357")]
    sanctions.withdraw(org, Category.LABOUR, supervisor, "Third fine.", state(org))
    db.session.flush()
    assert rows(client) == []
    assert json.loads(client.get("/register/labour.json").data)["organisations"] == []


def test_only_recognitions_in_force_sorted_by_name(client):
    listed("bravo Holding B.V.")
    listed("Alfa Industrie N.V.")
    suspended = RecognitionStatus.SUSPENDED
    listed("Charlie Suspended B.V.", status=suspended, suspended_until=date(2027, 1, 31))
    listed("Delta Withdrawn B.V.", status=RecognitionStatus.WITHDRAWN)
    # Its last day was yesterday:
    listed("Echo Ended Suspension B.V.", status=suspended, suspended_until=date(2026, 11, 28))
    listed("Foxtrot Study B.V.", category=Category.STUDY)
    db.session.flush()
    names = [name for name, _kvk in rows(client)]
    assert names == ["Alfa Industrie N.V.", "bravo Holding B.V.", "Echo Ended Suspension B.V."]
    assert [name for name, _kvk in rows(client, "study")] == ["Foxtrot Study B.V."]


def test_search_by_name_or_kvk(client):
    listed("Tulip & Fjord B.V.", kvk_number="55566677")
    listed("Windmill 100% B.V.", kvk_number="55599911")
    listed("Under_score B.V.", kvk_number="12345678")
    assert rows(client, q="tulip") == [("Tulip & Fjord B.V.", "55566677")]
    assert rows(client, q="  FJORD  ") == [("Tulip & Fjord B.V.", "55566677")]
    assert [r[1] for r in rows(client, q="555")] == ["55566677", "55599911"]
    assert rows(client, q="%") == [("Windmill 100% B.V.", "55599911")]  # literal, no wildcard
    assert rows(client, q="_") == [("Under_score B.V.", "12345678")]
    assert rows(client, q="Tulip%Fjord") == []


@pytest.mark.parametrize(
    "text",
    [
        "%",
        "_",
        "%%__",
        "'",
        '"',
        "O'Brien\"; DROP TABLE organisation; --",
        "\\",
        "a" * 500,
        "🌷🇳🇱",
        "<script>alert(1)</script>",
        "=cmd|' /C calc'!A0",
        "   ",
    ],
)
def test_any_search_input_never_errors(client, text):
    listed("Tulip B.V.")
    for url in ("/register/labour", "/register/labour.csv", "/register/labour.json"):
        response = client.get(url, query_string={"q": text})
        assert response.status_code == 200, (url, text)
    page = get_page(client, "/register/labour", query_string={"q": text})
    box = page.soup.find(id="q")
    assert len(box["value"]) <= register.MAX_QUERY_LENGTH
    assert "<script>alert" not in page.soup.find("main").decode_contents()


@pytest.mark.parametrize("value", ["abc", "-1", "0", "999999999999", "2.5", ""])
def test_odd_page_numbers_show_a_page(client, value):
    listed("Tulip B.V.")
    response = client.get("/register/labour", query_string={"page": value})
    assert response.status_code == 200
    assert "Tulip B.V." in response.get_data(as_text=True)


def test_a_nul_byte_in_the_search_is_refused_with_a_clear_page(client):
    """PostgreSQL cannot hold NUL in text: every address or form with one gets a 400 page."""
    client.get("/language/en")
    for url in ("/register/labour", "/register/labour.csv", "/register/labour.json"):
        response = client.get(url, query_string={"q": "Tulip\x00"})
        assert response.status_code == 400, url
        assert "(a NUL byte)" in response.get_data(as_text=True)


def test_pages_of_fifty(client):
    for n in range(register.PAGE_SIZE + 3):
        listed(f"Org {n:03d} B.V.")
    first = rows(client)
    assert len(first) == register.PAGE_SIZE and first[0][0] == "Org 000 B.V."
    page = get_page(client, "/register/labour")
    assert "Page 1 of 2" in page.text
    next_link = page.soup.find("a", rel="next")
    second = get_page(client, next_link["href"])
    names = [td.get_text() for td in second.soup.select("#register tbody td:first-child")]
    assert names == ["Org 050 B.V.", "Org 051 B.V.", "Org 052 B.V."]
    assert second.soup.find("a", rel="prev") is not None
    assert rows(client, page="7")[0][0] == "Org 050 B.V."  # past the end: the last page


def test_csv_download_is_formula_safe(client):
    listed('=HYPERLINK("http://evil.example","x") B.V.', kvk_number="01234567")
    listed("Aurora Økonomi B.V.", kvk_number="76543210")
    response = client.get("/register/labour.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "sponsor-register-labour-2026-11-29.csv" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert table[0] == ["Organisation name", "KvK number"]
    assert table[1] == ['\'=HYPERLINK("http://evil.example","x") B.V.', "01234567"]
    assert table[2] == ["Aurora Økonomi B.V.", "76543210"]


def test_json_download(client):
    listed("Aurora Økonomi B.V.", kvk_number="76543210")
    listed("Beta B.V.", kvk_number="11111111")
    response = client.get("/register/labour.json")
    assert response.mimetype == "application/json"
    body = json.loads(response.get_data(as_text=True))
    assert body["category"] == "labour" and body["date"] == "2026-11-29"
    assert body["count"] == 2
    assert body["organisations"] == [
        {"name": "Aurora Økonomi B.V.", "kvk_number": "76543210"},
        {"name": "Beta B.V.", "kvk_number": "11111111"},
    ]
    filtered = json.loads(client.get("/register/labour.json?q=beta").data)
    assert [o["kvk_number"] for o in filtered["organisations"]] == ["11111111"]


def test_json_links_come_from_the_public_address_not_the_host_header(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://sponsors.ind.example/")
    for headers in ({"Host": "evil.example"}, {"X-Forwarded-Host": "evil.example"}, {}):
        body = json.loads(client.get("/register/research.json", headers=headers).data)
        assert body["url"] == "https://sponsors.ind.example/register/research", headers


def test_index_lists_every_category_and_is_linked_from_home(client):
    listed("Alfa B.V.")
    home = get_page(client, "/")
    assert home.soup.find("a", href="/register") is not None  # home page and footer
    index = get_page(client, "/register")
    for category in ("labour", "research", "study", "exchange"):
        assert index.soup.find("a", href=f"/register/{category}") is not None
    labour_row = index.soup.find("a", href="/register/labour").find_parent("tr")
    assert labour_row.find_all("td")[1].get_text(strip=True) == "1"


def test_unknown_category_is_404_and_dutch_works(client):
    assert client.get("/register/tourism").status_code == 404
    assert client.get("/register/tourism.csv").status_code == 404
    listed("Alfa B.V.")
    client.get("/language/nl")
    page = get_page(client, "/register/labour")
    assert "Erkende referenten: Arbeid" in page.text
    assert "Alfa B.V." in page.text


def test_the_landing_page_searches_every_register_without_javascript(client):
    listed("Tulip & Fjord B.V.", kvk_number="55566677")
    study = listed("Tulip Academy", category=Category.STUDY, kvk_number="55566688")
    recognise(study, Category.LABOUR, RecognitionStatus.GRANTED)
    listed("Windmill B.V.", kvk_number="12345678")
    db.session.flush()
    page = get_page(client, "/register")
    form = page.soup.find("form", attrs={"role": "search"})
    assert form["method"] == "get" and form["action"] == "/register"
    assert page.soup.find("label", attrs={"for": "q"}) is not None
    found = get_page(client, "/register", query_string={"q": "tulip"})

    def names(category):
        table = found.soup.find(id=f"found-{category}")
        return [tr.td.get_text(strip=True) for tr in table.tbody.find_all("tr")] if table else []

    assert names("labour") == ["Tulip & Fjord B.V.", "Tulip Academy"]
    assert names("study") == ["Tulip Academy"]
    assert names("research") == []
    assert "3 matches" in found.soup.find(id="register-search-count").get_text()
    assert found.soup.find(id="q")["value"] == "tulip"
    by_kvk = get_page(client, "/register", query_string={"q": "1234"})
    assert [tr.td.get_text(strip=True) for tr in by_kvk.soup.select("#found-labour tbody tr")] == [
        "Windmill B.V."
    ]


def test_names_sort_as_readers_expect_with_accents_among_their_letters(client):
    for name in (
        "Zeeland Zorg B.V.",
        "Åland Trading B.V.",
        "Bravo B.V.",
        "Ahoy B.V.",
        "École B.V.",
    ):
        listed(name)
    db.session.flush()
    names = [name for name, _kvk in rows(client)]
    assert names.index("Åland Trading B.V.") < names.index("Bravo B.V.")
    # PostgreSQL's ICU collation, SQLite's "uca" (portal/collation.py): the same order.
    assert names == [
        "Ahoy B.V.",
        "Åland Trading B.V.",
        "Bravo B.V.",
        "École B.V.",
        "Zeeland Zorg B.V.",
    ]
