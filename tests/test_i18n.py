"""Both languages, everywhere: the Dutch catalogue covers every string, pages switch."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from tests.support.auth import sign_in
from tests.support.factories import member
from tests.support.pages import get_page

ROOT = Path(__file__).resolve().parent.parent
PO_FILE = ROOT / "portal/translations/nl/LC_MESSAGES/messages.po"


def test_every_string_in_the_code_has_a_dutch_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).with_name("pybabel")),
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "_l",
            "-o",
            str(pot),
            ".",
        ],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    with pot.open("rb") as fh:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    # The extraction must have found the catalogue's strings (paths in babel.cfg are from ROOT).
    assert len(wanted) > 500
    with PO_FILE.open("rb") as fh:
        catalogue = read_po(fh)
    translated = set()
    for message in catalogue:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.id and all(strings) and not message.fuzzy:
            translated.add(message.id if isinstance(message.id, str) else message.id[0])
    missing = sorted(wanted - translated)
    assert missing == [], f"{len(missing)} strings lack a Dutch translation: {missing[:10]}"


def test_dutch_is_the_default_and_english_can_be_chosen(client):
    page = get_page(client, "/sign-in")
    assert page.soup.html["lang"] == "nl"
    assert page.soup.h1.get_text(strip=True) == "Inloggen"
    response = client.get("/language/en?next=/sign-in")
    assert response.headers["Location"] == "/sign-in"
    page = get_page(client, "/sign-in")
    assert page.soup.html["lang"] == "en"
    assert page.soup.h1.get_text(strip=True) == "Sign in"


def test_the_browser_language_is_honoured(client):
    page = get_page(client, "/sign-in", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert page.soup.h1.get_text(strip=True) == "Sign in"


def test_the_dashboard_in_dutch(client):
    user = member(persons_employed=7)
    sign_in(client, user)
    client.get("/language/nl")
    page = get_page(client, "/dashboard")
    assert "0 ongelezen brieven" in page.text
    assert "Arbeid" in page.text


def test_language_switch_only_redirects_within_the_site(client):
    response = client.get("/language/en?next=https://evil.example/")
    assert response.headers["Location"] == "/"
    assert client.get("/language/de").status_code == 404
