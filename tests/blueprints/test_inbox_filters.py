"""Inbox filters, search, unread counts and read state, through HTTP."""

from datetime import date, timedelta
from urllib.parse import parse_qsl

import pytest

from portal import clock
from portal.models import LetterKind
from portal.validators import control_characters_message
from tests.support.auth import sign_in
from tests.support.factories import ApplicationFactory, member
from tests.support.letters import add_letter, days
from tests.support.pages import get_page, search


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def subjects(page) -> list[str]:
    return [a.get_text(strip=True) for a in page.soup.select("tbody tr td:nth-of-type(2) a")]


@pytest.fixture
def inbox(client):
    user = member()
    organisation = user.memberships[0].organisation
    case = ApplicationFactory(organisation=organisation, reference="ER-2026-000042-K")
    other_case = ApplicationFactory(
        organisation=organisation, reference="ER-2026-000043-M", category="research"
    )
    today = clock.today()
    add_letter(
        organisation,
        subject="Fee to pay: ER-2026-000042-K",
        body="Amount €5,080.00. IBAN NL91 ABNA 0417 1643 00.",
        kind=LetterKind.FEE_LETTER,
        application_id=case.id,
        category="labour",
        at=days(1),
        respond_by=today + timedelta(days=10),
    )
    add_letter(
        organisation,
        subject="Decision on the application for a residence permit: granted – Aiko Tanaka",
        body="We have decided to grant the application. Objection within 6 weeks.",
        kind=LetterKind.RESIDENCE_DECISION,
        person_name="Aiko Tanaka",
        v_number="1234567890",
        category="labour",
        application_id=case.id,
        at=days(20),
    )
    add_letter(
        organisation,
        subject="Reminder: a report is overdue – Jan de Vries",
        body="Report: employment ended. Please report by the date.",
        kind=LetterKind.REMINDER_OVERDUE_REPORT,
        person_name="Jan de Vries",
        v_number="5550001111",
        at=days(40),
        respond_by=today - timedelta(days=1),  # closed: no longer needs action
    )
    add_letter(
        organisation,
        subject="Message about your research recognition",
        body="Our desk is closed on 24 December. Zoë’s café – 100% sure_thing.",
        application_id=other_case.id,
        category="research",
        at=days(60),
    )
    sign_in(client, user)
    return user


def test_newest_first_and_unread_in_bold(client, inbox):
    page = get_page(client, "/inbox")
    assert subjects(page) == [
        "Message about your research recognition",
        "Reminder: a report is overdue – Jan de Vries",
        "Decision on the application for a residence permit: granted – Aiko Tanaka",
        "Fee to pay: ER-2026-000042-K",
    ]
    assert len(page.soup.select("tbody tr.letter--unread td strong a")) == 4


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=fee_letter", ["Fee to pay: ER-2026-000042-K"]),
        ("category=research", ["Message about your research recognition"]),
        (
            "person=1234567890",
            ["Decision on the application for a residence permit: granted – Aiko Tanaka"],
        ),
        ("person=de+vries", ["Reminder: a report is overdue – Jan de Vries"]),
        ("application=er-2026-000043-m", ["Message about your research recognition"]),
        ("needs_action=y", ["Fee to pay: ER-2026-000042-K"]),
        (
            "period_from=2026-01-20&period_to=2026-02-20",
            [
                "Reminder: a report is overdue – Jan de Vries",
                "Decision on the application for a residence permit: granted – Aiko Tanaka",
            ],
        ),
        (
            "category=labour&kind=residence_decision",
            ["Decision on the application for a residence permit: granted – Aiko Tanaka"],
        ),
    ],
)
def test_filters(client, inbox, query, expected):
    assert subjects(search(client, "/inbox", **dict(parse_qsl(query)))) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        (
            "objection",
            ["Decision on the application for a residence permit: granted – Aiko Tanaka"],
        ),
        (
            "OBJECTION weeks",
            ["Decision on the application for a residence permit: granted – Aiko Tanaka"],
        ),
        ("NL91", ["Fee to pay: ER-2026-000042-K"]),
        ("000042", ["Fee to pay: ER-2026-000042-K"]),
        ("zoë", ["Message about your research recognition"]),
        ("reminder", ["Reminder: a report is overdue – Jan de Vries"]),
        ("nothing-like-this-anywhere", []),
    ],
)
def test_search_over_subject_and_body(client, inbox, q, expected):
    assert subjects(search(client, "/inbox", q=q)) == expected


@pytest.mark.parametrize(
    "q",
    [
        "",
        "'",
        '"',
        "%",
        "_",
        "\\",
        "a & b | !c",
        "foo:*",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "x" * 100_000,
        "😀 ∑ ß ǅ \u202e",
        "\x01null\x7f",  # NUL itself gets the 400 page (tests/test_no_server_error.py)
        "(((",
        "-",
        ":",
        "é" * 5000,
    ],
)
def test_search_input_of_any_length_or_character_never_errors(client, inbox, q):
    # Bidi overrides and control characters get the text rule's message (portal/validators.py).
    refused = control_characters_message(q) is not None
    page = search(client, "/inbox", expected_status=400 if refused else 200, q=q)
    assert "Inbox" in page.text
    assert ("Remove the hidden control characters" in page.text) == refused


def test_bad_filter_values_keep_what_was_typed_and_say_what_to_do(client, inbox):
    page = get_page(
        client,
        "/inbox?period_from=2026-99-01&period_to=2026-01-01&kind=nonsense&category=%01",
        expected_status=400,
    )
    assert "Enter a real date" in page.field_error("period_from")
    assert page.value("period_from") == "01-99-2026"  # in its boxes: day, month, year


def test_period_end_before_start_is_refused(client, inbox):
    page = get_page(
        client, "/inbox?period_from=2026-03-01&period_to=2026-01-01", expected_status=400
    )
    assert "on or after its start" in page.field_error("period_to")


def test_unknown_case_reference_shows_nothing_and_says_so(client, inbox):
    page = get_page(client, "/inbox?application=ER-2099-999999-Z")
    assert subjects(page) == []
    assert page.soup.find(id="case-not-found")


def test_unread_counts_per_category_and_read_state_per_user(client, inbox, app):
    page = get_page(client, "/inbox")
    counts = page.soup.find(id="unread-by-category").get_text("", strip=False)
    assert "Labour: 2 unread" in counts
    assert "Research: 1 unread" in counts
    assert "Other letters: 1 unread" in counts
    fee = page.soup.find("a", string="Fee to pay: ER-2026-000042-K")
    get_page(client, fee["href"])
    page = get_page(client, "/inbox")
    assert "Labour: 1 unread" in page.soup.find(id="unread-by-category").get_text()
    assert "3 unread letters" in page.text
    row = page.soup.find("a", string="Fee to pay: ER-2026-000042-K").find_parent("tr")
    assert "letter--read" in row["class"]
    assert subjects(get_page(client, "/inbox?unread=y")) == [
        "Message about your research recognition",
        "Reminder: a report is overdue – Jan de Vries",
        "Decision on the application for a residence permit: granted – Aiko Tanaka",
    ]

    # Someone else in the same organisation still has all four unread.
    from tests.support.factories import MembershipFactory

    colleague = MembershipFactory(organisation=inbox.memberships[0].organisation).user
    other = app.test_client()
    other.get("/language/en")
    sign_in(other, colleague)
    assert "4 unread letters" in get_page(other, "/inbox").text


def test_mark_unread_and_read_again_by_post(client, inbox):
    page = get_page(client, "/inbox")
    link = page.soup.find("a", string="Fee to pay: ER-2026-000042-K")["href"]
    letter_page = get_page(client, link)  # reading marks it read
    form = letter_page.soup.find("form", action=lambda a: a and a.endswith("/unread"))
    assert client.get(form["action"]).status_code == 405  # a change is never a GET
    response = client.post(form["action"], data={"csrf_token": letter_page.csrf()})
    assert response.status_code == 302
    page = get_page(client, "/inbox")
    assert (
        "letter--unread"
        in page.soup.find("a", string="Fee to pay: ER-2026-000042-K").find_parent("tr")["class"]
    )
    response = client.post(link + "/read", data={"csrf_token": page.csrf()})
    assert response.status_code == 302
    page = get_page(client, "/inbox")
    assert (
        "letter--read"
        in page.soup.find("a", string="Fee to pay: ER-2026-000042-K").find_parent("tr")["class"]
    )


def test_mark_unread_without_csrf_changes_nothing(client, inbox):
    page = get_page(client, "/inbox")
    link = page.soup.find("a", string="Fee to pay: ER-2026-000042-K")["href"]
    get_page(client, link)
    assert client.post(link + "/unread").status_code == 400
    page = get_page(client, "/inbox")
    assert (
        "letter--read"
        in page.soup.find("a", string="Fee to pay: ER-2026-000042-K").find_parent("tr")["class"]
    )


def test_filters_carry_into_the_next_page(client):
    user = member()
    organisation = user.memberships[0].organisation
    for i in range(30):
        add_letter(organisation, subject=f"Fee {i:02d}", kind=LetterKind.FEE_LETTER, at=days(i))
        add_letter(organisation, subject=f"Other {i:02d}", at=days(i))
    sign_in(client, user)
    page = get_page(client, "/inbox?kind=fee_letter")
    older = page.soup.find("a", rel="next")["href"]
    assert "kind=fee_letter" in older
    rest = subjects(get_page(client, older))
    assert rest == [f"Fee {i:02d}" for i in reversed(range(5))]


def test_case_page_lists_the_cases_letters_in_order(client, inbox):
    page = get_page(client, "/inbox?application=ER-2026-000042-K")
    assert subjects(page) == [
        "Decision on the application for a residence permit: granted – Aiko Tanaka",
        "Fee to pay: ER-2026-000042-K",
    ]


def test_another_organisations_letters_never_show(client, inbox):
    theirs = member().memberships[0].organisation
    add_letter(theirs, subject="Their secret letter", body="objection", at=days(100))
    for query in ("", "?q=objection", "?q=secret", "?kind=general_message", "?unread=y"):
        assert "Their secret letter" not in get_page(client, f"/inbox{query}").text
    assert date.today()  # keep imports honest


def test_letters_come_first_with_the_filters_behind_a_disclosure(client, inbox):
    page = get_page(client, "/inbox")
    disclosure = page.soup.find("details", id="letter-filters")
    assert disclosure is not None and not disclosure.has_attr("open")
    assert disclosure.summary.get_text(strip=True) == "Filter letters"
    assert disclosure.find("form").find(id="q") is not None  # the form is inside it
    assert page.soup.find(id="active-filters") is None
    # After the heading and the unread counts: the closed disclosure, then the letters.
    order = [tag.get("id") or tag.name for tag in page.soup.select("#letter-filters, table")]
    assert order == ["letter-filters", "table"]
    # A letter that needs action is marked in its own row, next to its subject.
    fee = page.soup.find("a", string="Fee to pay: ER-2026-000042-K").find_parent("tr")
    assert "letter--needs-action" in fee["class"]
    assert fee.select_one("td:nth-of-type(2) .letter-action")["data-action"] == "needs_action"
    others = [row for row in page.soup.select("tbody tr") if row is not fee]
    assert not any("letter--needs-action" in row["class"] for row in others)


def test_a_filter_in_use_opens_the_disclosure_and_is_summarised_with_clear(client, inbox):
    page = get_page(client, "/inbox?kind=fee_letter&needs_action=y&period_from=2026-01-20")
    assert page.soup.find("details", id="letter-filters").has_attr("open")
    summary = page.soup.find(id="active-filters")
    items = {li["data-filter"]: li for li in summary.select("li")}
    assert set(items) == {"kind", "needs_action", "period_from"}
    assert "Kind of letter: Fee to pay" in items["kind"].get_text(" ", strip=True)
    assert "20 January 2026" in items["period_from"].get_text(" ", strip=True)
    # "Remove" drops that one filter and keeps the others.
    remove = items["kind"].find("a")["href"]
    assert "kind=" not in remove and "needs_action=y" in remove and "period_from=" in remove
    assert summary.find(id="clear-filters")["href"] == "/inbox"
    assert subjects(get_page(client, remove)) == []  # the fee letter is from before 20 Jan
    # The empty form (what a plain GET of the form sends) filters nothing: nothing summarised.
    empty = get_page(client, "/inbox?q=&kind=&category=&person=")
    assert empty.soup.find(id="active-filters") is None


def test_an_invalid_filter_keeps_the_disclosure_open_at_its_message(client, inbox):
    page = get_page(client, "/inbox?period_from=2026-02-30", expected_status=400)
    assert page.soup.find("details", id="letter-filters").has_attr("open")
    assert page.soup.find(class_="error-summary") is not None
