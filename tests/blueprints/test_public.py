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
    assert "5 December 2026" in english.text
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
    assert "5 december 2026" in dutch.text
    assert "Inzoomen tot 400% wordt automatisch getest" in dutch.text
    assert dutch.soup.find("a", href="mailto:toegankelijkheid@sponsorportal.ind.example")


def test_the_statement_names_the_tools_at_the_versions_that_run(client, page):
    """The versions in the statement are those package-lock.json installs for the checks."""
    import json
    from pathlib import Path

    from portal.blueprints.public.routes import ACCESSIBILITY_TOOLS

    lock = json.loads((Path(__file__).parents[2] / "package-lock.json").read_text())
    installed = {
        "axe_core": lock["packages"]["node_modules/axe-core"]["version"],
        "vnu_jar": lock["packages"]["node_modules/vnu-jar"]["version"],
    }
    assert installed == ACCESSIBILITY_TOOLS
    client.get("/language/en")
    tested = page(client, "/accessibility").soup.find(id="tested").get_text(" ", strip=True)
    assert f"axe-core (version {installed['axe_core']})" in tested
    assert f"vnu-jar, version {installed['vnu_jar']}" in tested
    client.get("/language/nl")
    tested = page(client, "/accessibility").soup.find(id="tested").get_text(" ", strip=True)
    assert f"axe-core (versie {installed['axe_core']})" in tested


def test_the_statement_lists_exactly_the_browser_journeys_that_run(client, page):
    """Each journey in the statement is a test in tests/browser/test_journeys.py, and each
    journey test there is in the statement, in both languages."""
    import ast
    from pathlib import Path

    from portal.blueprints.public.routes import ACCESSIBILITY_JOURNEYS

    source = Path(__file__).parents[1] / "browser" / "test_journeys.py"
    tests = {
        node.name
        for node in ast.parse(source.read_text()).body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    }
    assert tests == set(ACCESSIBILITY_JOURNEYS), "list each journey in ACCESSIBILITY_JOURNEYS"
    for language, word in (("en", "people register"), ("nl", "personenregister")):
        client.get(f"/language/{language}")
        items = page(client, "/accessibility").soup.select("#journeys li")
        assert len(items) == len(tests)
        assert any(word in item.get_text() for item in items)


def test_the_statement_names_the_known_gaps_with_the_session_limits_in_force(app, client, page):
    client.get("/language/en")
    gaps = page(client, "/accessibility").soup.find(id="gaps").get_text(" ", strip=True)
    assert "Noto and Droid Sans Fallback" in gaps and "Chinese, Devanagari and Thai" in gaps
    assert "reloads itself every few seconds" in gaps
    assert "browser's own date field" in gaps
    assert "After 20 minutes without activity" in gaps and "2 minutes before" in gaps
    assert "After 8 hours you are always signed out" in gaps
    # The limits are the configured ones, not text.
    configured = app.config["SESSION_IDLE_TIMEOUT"]
    app.config["SESSION_IDLE_TIMEOUT"] = 30 * 60
    try:
        gaps = page(client, "/accessibility").soup.find(id="gaps").get_text(" ", strip=True)
    finally:
        app.config["SESSION_IDLE_TIMEOUT"] = configured
    assert "After 30 minutes without activity" in gaps

    client.get("/language/nl")
    gaps = page(client, "/accessibility").soup.find(id="gaps").get_text(" ", strip=True)
    assert "lege vakjes" in gaps and "Na 20 minuten zonder activiteit" in gaps
    assert "om de paar seconden opnieuw" in gaps
