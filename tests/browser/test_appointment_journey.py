"""Appointments at IND desks in a real browser (issue 23), by keyboard, each page checked with
axe and the HTML checker: the demo employer books biometrics for Yui Nakamura from the to-do
item, moves the appointment to a later time and cancels it; a supervisor opens the Amsterdam
desk's day list of last week and marks Priya Sharma's appointment attended."""

from datetime import UTC, datetime, timedelta

from tests.browser.checks import measure_reflow
from tests.browser.test_journeys import (
    Keyboard,
    _tools,
    assert_clean,
    sponsor_sign_in,
    staff_sign_in,
)


def _later_than(page, hours: int):
    """The index of the first offered time more than `hours` ahead (values: desk:UTC start)."""
    limit = datetime.now(UTC) + timedelta(hours=hours)
    for index, radio in enumerate(page.locator("#slots input").all()):
        start = datetime.strptime(radio.get_attribute("value").split(":")[1], "%Y%m%dT%H%M")
        if start.replace(tzinfo=UTC) > limit:
            return index
    return None


def _a_time_after(person: Keyboard, hours: int):
    """Follow "Later times" until a time more than `hours` ahead is offered; Tab into the
    radio group and arrow down to it (a radio group is one stop in the tab order)."""
    page = person.page
    for _ in range(40):
        index = _later_than(page, hours)
        if index is not None:
            radios = page.locator("#slots input")
            person.tab_to(radios.first)
            for _ in range(index):
                page.keyboard.press("ArrowDown")
            if index == 0:
                page.keyboard.press("Space")
            assert radios.nth(index).is_checked()
            return radios.nth(index).get_attribute("value")
        with page.expect_navigation():
            page.get_by_role("link", name="Later times").click()
    raise AssertionError("no time offered after the cut-off")


def test_sponsor_books_moves_and_cancels_and_staff_mark_attended(
    browser_context, live_server, tmp_path
):
    _tools()
    reflow: list[str] = []

    def check(person: Keyboard, name: str) -> None:
        """axe and the HTML checker, and no sideways scrolling at 320 px (WCAG 1.4.10)."""
        person.check_page(name)
        reflow.extend(f"{name}: {problem}" for problem in measure_reflow(person.page))

    sponsor = Keyboard(browser_context.new_page())
    sponsor_sign_in(sponsor, live_server, "employer@demo.example")
    page = sponsor.page
    page.goto("/todo")
    sponsor.activate(
        page.get_by_role("link", name="Appointment needed: book a desk visit for Yui Nakamura")
    )
    check(sponsor, "book an appointment")
    # Submitting without a time: the message next to the field.
    sponsor.activate(page.get_by_role("button", name="Book this time"))
    assert "Choose a time for the appointment" in page.locator("#slot-error").inner_text()
    check(sponsor, "book: no time chosen")
    first = _a_time_after(sponsor, 30)
    sponsor.activate(page.get_by_role("button", name="Book this time"))
    assert "The appointment is booked" in page.content()
    check(sponsor, "the appointment")
    assert page.locator("#ics").get_attribute("href").endswith("/calendar.ics")
    sponsor.activate(page.get_by_role("link", name="Move the appointment"))
    check(sponsor, "move the appointment")
    second = _a_time_after(sponsor, 54)
    assert second != first
    sponsor.activate(page.get_by_role("button", name="Move to this time"))
    assert "The appointment is moved" in page.content()
    sponsor.activate(page.get_by_role("button", name="Cancel the appointment"))
    assert "The appointment is cancelled" in page.content()
    check(sponsor, "appointments after cancelling")
    assert "Yui Nakamura" in page.locator("#needed").inner_text()

    staff = Keyboard(browser_context.new_page())
    staff_sign_in(staff, live_server, "supervisor@demo.example")
    desk = staff.page
    desk.goto("/backoffice/desks")
    check(staff, "desks")
    staff.activate(desk.get_by_role("link", name="Weekoverzicht Amsterdam"))
    check(staff, "week view")
    for _ in range(3):
        busy = desk.locator("#week tbody tr").filter(has_text="1 geboekt")
        if busy.count():
            break
        staff.activate(desk.get_by_role("link", name="Vorige week"))
    staff.activate(busy.first.get_by_role("link"))
    check(staff, "day list")
    row = desk.locator("#day-list tbody tr").filter(has_text="Sharma")
    staff.activate(row.get_by_role("button", name="Verschenen Priya Sharma", exact=True))
    row = desk.locator("#day-list tbody tr").filter(has_text="Sharma")
    assert row.locator(".status").inner_text() == "Verschenen"
    check(staff, "day list after marking")
    assert_clean(tmp_path, sponsor, staff)
    assert reflow == []
