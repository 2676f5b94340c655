"""Public pages an operator or anyone may reach without signing in."""

from sqlalchemy import event

from portal.extensions import db


def test_healthz_answers_without_touching_the_database_or_the_session(app, client):
    statements = []

    def count(*_args):
        statements.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get("/healthz")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok\n"
    assert response.mimetype == "text/plain"
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert statements == []


def test_the_accessibility_statement_says_what_the_law_asks_in_both_languages(client, page):
    client.get("/language/en")
    english = page(client, "/accessibility")
    headings = [h.get_text(strip=True) for h in english.soup.find_all("h2")]
    assert headings == [
        "Compliance status",
        "What we test, and how",
        "When",
        "Known gaps",
        "Contact",
    ]
    assert "WCAG" in english.text and "EN 301 549" in english.text
    assert "axe-core" in english.text and "Nu HTML Checker" in english.text
    assert "29 November 2026" in english.text
    assert "status C" in english.text
    assert english.soup.find("a", href="mailto:toegankelijkheid@sponsorportal.ind.example")
    assert "National Ombudsman" in english.text

    client.get("/language/nl")
    dutch = page(client, "/accessibility")
    assert [h.get_text(strip=True) for h in dutch.soup.find_all("h2")] == [
        "Nalevingsstatus",
        "Wat we testen, en hoe",
        "Wanneer",
        "Bekende tekortkomingen",
        "Contact",
    ]
    assert "29 november 2026" in dutch.text
    assert "Inzoomen tot 400% en smalle schermen" in dutch.text
    assert dutch.soup.find("a", href="mailto:toegankelijkheid@sponsorportal.ind.example")
