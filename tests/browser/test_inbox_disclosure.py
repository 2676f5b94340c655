"""The inbox shows its letters first (issue 19): on a 1280 × 900 screen the first letter is in
view, the filters wait behind a "Filter letters" disclosure that opens with the keyboard and
stays open while a filter is in use, with a summary of the filters and a way to clear them."""

from tests.browser.checks import describe, run_axe
from tests.browser.conftest import AXE_JS, require
from tests.browser.signing_in import sign_in_sponsor

EMAIL = "starter@demo.example"  # Nova Robotics: a request for information waits for an answer


def _sign_in(page, live_server) -> None:
    sign_in_sponsor(page, live_server, EMAIL)


def _tab_to(page, locator, limit: int = 60) -> None:
    target = locator.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"could not reach {locator} with the Tab key")


def test_inbox_letters_first_filters_behind_a_disclosure(browser_context, live_server):
    require(AXE_JS.exists(), "axe-core is not installed (run `npm ci`)")
    page = browser_context.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, live_server)
    page.goto("/inbox")

    disclosure = page.locator("details#letter-filters")
    assert not disclosure.evaluate("el => el.open")
    assert not page.get_by_label("Kind of letter").is_visible()
    first_letter = page.locator("table.inbox tbody tr").first
    assert first_letter.bounding_box()["y"] + 40 < 900, "the first letter is not in view"
    request = page.locator("tr.letter--needs-action")
    assert request.count() == 1
    assert request.locator(".letter-action").inner_text() == "Needs action"

    # Open it with the keyboard: Tab to "Filter letters", Enter.
    _tab_to(page, page.locator("#letter-filters > summary"))
    page.keyboard.press("Enter")
    assert disclosure.evaluate("el => el.open")
    kind = page.get_by_label("Kind of letter")
    assert kind.is_visible()
    violations = run_axe(page)
    assert not violations, describe(violations)

    kind.select_option(label="Request for information")
    page.get_by_label("Only letters that need action", exact=False).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Show letters").press("Enter")

    # A filter in use: the disclosure is open and the filters are summarised.
    assert disclosure.evaluate("el => el.open")
    summary = page.locator("#active-filters")
    assert "Kind of letter: Request for information" in summary.inner_text()
    assert "Only letters that need action" in summary.inner_text()
    rows = page.locator("table.inbox tbody tr")
    assert rows.count() == 1 and "letter--needs-action" in rows.first.get_attribute("class")
    violations = run_axe(page)
    assert not violations, describe(violations)

    # "Remove" takes one filter away; "Clear the filters" takes them all, and closes it again.
    with page.expect_navigation():
        summary.locator("li[data-filter=kind] a").click()
    assert "kind=" not in page.url and "needs_action=y" in page.url
    with page.expect_navigation():
        page.locator("#clear-filters").press("Enter")
    assert page.url.endswith("/inbox")
    assert not disclosure.evaluate("el => el.open")
    assert page.locator("#active-filters").count() == 0
