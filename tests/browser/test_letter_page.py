"""The letter page reads like the letter (issue 19, item 3), in a browser: the header rows as a
definition list, the request's questions as a highlighted list, the respond-by date prominent,
the answer form after the text; no sideways scroll at 320 px; axe finds nothing. And a typed
date (issue 19, item 4): three boxes a keyboard user fills in order; the error summary's link
puts the focus on the box that is wrong."""

import os

from tests.browser.checks import describe, measure_reflow, run_axe
from tests.browser.conftest import AXE_JS, require
from tests.browser.signing_in import sign_in_sponsor

EMAIL = "starter@demo.example"  # Nova Robotics: a request for information waits for an answer
SHOTS = os.environ.get("LETTER_SCREENSHOTS")  # a directory: screenshots at 320 and 1280 px


def _sign_in(page, live_server) -> None:
    sign_in_sponsor(page, live_server, EMAIL)


def test_the_request_reads_like_a_letter_with_its_questions_and_date(browser_context, live_server):
    require(AXE_JS.exists(), "axe-core is not installed (run `npm ci`)")
    page = browser_context.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, live_server)
    page.goto("/inbox")
    with page.expect_navigation():
        page.locator("tr.letter--needs-action a").first.click()

    letter = page.locator("article#letter-text")
    assert letter.get_attribute("lang") == "nl"  # Nova Robotics reads its letters in Dutch
    labels = letter.locator("dl.letter__meta dt").all_inner_texts()
    assert labels[:2] == ["Datum", "Kenmerk brief"] and "Reageren vóór" in labels
    respond_by = (
        letter.locator("dl.letter__meta dd").nth(labels.index("Reageren vóór")).inner_text()
    )
    # The questions: a list in a box that stands out from the paragraphs.
    questions = letter.locator(".letter__box li").all_inner_texts()
    assert questions == [
        "Stuur een recent uittreksel uit het Handelsregister.",
        "Stuur de verklaring dat u de gedragscode naleeft.",
    ]
    box, paragraph = letter.locator(".letter__box"), letter.locator("p").nth(1)
    assert box.evaluate("el => getComputedStyle(el).backgroundColor") != paragraph.evaluate(
        "el => getComputedStyle(el.parentElement).backgroundColor"
    )
    # The respond-by date is prominent above the letter, and the same date as in the letter.
    callout = page.locator("#respond-by")
    assert callout.bounding_box()["y"] < letter.bounding_box()["y"]
    assert respond_by.split()[0] in callout.inner_text()
    # The answer form comes after the letter's text.
    answer = page.locator("form[action$='/reply']")
    assert answer.bounding_box()["y"] > letter.bounding_box()["y"] + letter.bounding_box()["height"]
    violations = run_axe(page)
    assert not violations, describe(violations)
    assert measure_reflow(page) == []
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/letter-1280.png", full_page=True)
        page.set_viewport_size({"width": 320, "height": 900})
        page.screenshot(path=f"{SHOTS}/letter-320.png", full_page=True)


def test_a_date_is_three_boxes_and_the_summary_leads_to_the_wrong_one(browser_context, live_server):
    page = browser_context.new_page()
    _sign_in(page, live_server)
    page.goto("/reports/new")
    group = page.get_by_role("group", name="Date of the event")
    group.get_by_label("Day", exact=True).focus()
    page.keyboard.type("12")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "event_date-month"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "event_date-year"
    page.keyboard.type("2026")
    with page.expect_navigation():
        page.locator("form button[type=submit]").last.press("Enter")
    assert "Enter the month" in page.locator("#event_date-error").inner_text()
    assert group.get_by_label("Day", exact=True).input_value() == "12"
    page.locator(".error-summary a[href='#event_date-month']").click()
    assert page.evaluate("document.activeElement.id") == "event_date-month"
    violations = run_axe(page)
    assert not violations, describe(violations)
