"""Every page each demo role can reach, in Dutch and English, including forms in their error
state: 0 axe-core violations (WCAG 2.0/2.1 A and AA), 0 Nu HTML Checker errors, and reflow
(no sideways page scroll at 320 px, nor at 1,280 px with 200 % text and the WCAG 1.4.12 text
spacing; no clipped text)."""

import shutil

import pytest

from tests.browser.checks import describe, measure_reflow, run_axe, run_vnu
from tests.browser.conftest import ARTIFACTS, AXE_JS, VNU_JAR, require
from tests.browser.crawl import LANGUAGES, ROLES, crawl
from tests.browser.long_values import IBAN, LONG_EMAIL, LONG_ORGANISATION_NAME, LONG_SURNAME

_CRAWLS: dict[tuple[str, str], list] = {}


def by_role(role: str):
    """A role as a test parameter. The module runs in one pytest-xdist worker (`--dist
    loadscope` in the Makefile), so that each crawl is made once."""
    return pytest.param(role, id=role)


ROLE_PARAMS = [by_role(role) for role in ROLES]


@pytest.fixture
def crawled(chromium, live_server):
    """The pages of one crawl, crawled once per test run."""
    require(AXE_JS.exists(), "axe-core is not installed (run `npm ci`)")

    def get(role: str, lang: str):
        if (role, lang) not in _CRAWLS:
            _CRAWLS[(role, lang)] = crawl(chromium, live_server, role, lang)
        return _CRAWLS[(role, lang)]

    return get


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("role", ROLE_PARAMS)
def test_every_reachable_page_passes_axe(crawled, role, lang):
    pages = crawled(role, lang)
    assert pages, "the crawl checked no page"
    failures = [f"{page.where}\n{describe(page.violations)}" for page in pages if page.violations]
    assert not failures, "axe-core violations:\n" + "\n".join(failures)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("role", ROLE_PARAMS)
def test_every_reachable_page_reflows_at_320_px_and_200_percent_text(crawled, role, lang):
    pages = crawled(role, lang)
    assert pages, "the crawl checked no page"
    failures = [
        f"{page.where}\n" + "\n".join(f"  {problem}" for problem in page.reflow_problems)
        for page in pages
        if page.reflow_problems
    ]
    assert not failures, "pages that do not reflow:\n" + "\n".join(failures)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("role", ROLE_PARAMS)
def test_every_linked_page_opens_in_its_language_with_the_statement_link(crawled, role, lang):
    pages = crawled(role, lang)
    expected = {"/no-such-page": 404}
    broken = [
        f"{page.where}: HTTP {page.status}"
        for page in pages
        if page.label == "page" and page.status != expected.get(page.path, 200)
    ]
    assert not broken, "links that do not open:\n" + "\n".join(broken)
    wrong_language = [page.where for page in pages if page.html_lang != lang]
    assert not wrong_language, f"pages not in {lang}: {wrong_language}"
    no_statement = [page.where for page in pages if 'href="/accessibility"' not in page.html]
    assert not no_statement, f"no link to the accessibility statement: {no_statement}"
    # An empty form is a 400 with the error summary, unless it has nothing required.
    for page in pages:
        if page.label != "page" and page.status == 400:
            assert 'class="error-summary"' in page.html, f"{page.where}: 400 without summary"


@pytest.mark.parametrize("role", [by_role(role) for role in ("anonymous", "employer", "reviewer")])
def test_the_crawl_reaches_each_roles_pages_and_error_states(crawled, role):
    """The crawler is honest: it reaches the pages we know about, not just the start page."""
    reached = {(page.path, page.label == "page") for page in crawled(role, "en")}
    paths = {path for path, _ in reached}
    # The long values of tests/browser/long_values.py are on pages the crawl checks: the
    # employer's people, permits, inbox and profile; the queue, case page and register.
    expected_values = {
        "anonymous": [LONG_ORGANISATION_NAME],
        "employer": [LONG_SURNAME, "person." + LONG_EMAIL, IBAN],
        "reviewer": [LONG_ORGANISATION_NAME, "long." + LONG_EMAIL],
    }[role]
    htmls = [page.html for page in crawled(role, "en")]
    unseen = [value for value in expected_values if not any(value in html for html in htmls)]
    assert not unseen, f"long values the crawl did not see: {unseen}"
    if role == "anonymous":
        for path in ("/", "/sign-in", "/sign-up", "/accessibility", "/backoffice/sign-in"):
            assert (path, True) in reached, path
        assert ("/sign-up", False) in reached  # sign-up checked in its error state
        assert ("/sign-in", False) in reached
    elif role == "employer":
        assert {"/dashboard", "/inbox"} <= paths
        assert any(path.startswith("/inbox/") for path in paths), "no letter page reached"
        assert any(path.startswith("/applications/") for path in paths)
    else:
        assert ("/backoffice/sign-in/code", True) in reached
        assert ("/backoffice/sign-in/code", False) in reached
        assert any(path.startswith("/backoffice/cases/") for path in paths)
        # The decision form on a case page, submitted empty, shows its errors.
        assert any(path.startswith("/backoffice/cases/") and not page for path, page in reached)


@pytest.mark.parametrize("role", ROLE_PARAMS)
def test_every_reachable_page_is_valid_html(crawled, role, tmp_path):
    require(shutil.which("java") is not None, "Java is not installed (apt-get install default-jre)")
    require(VNU_JAR.exists(), "vnu-jar is not installed (run `npm ci`)")
    pages = [page for lang in LANGUAGES for page in crawled(role, lang)]
    assert len(pages) >= 6, "too few pages to check"
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"checked-pages-{role}.txt").write_text(
        "".join(f"{page.where}  HTTP {page.status}\n" for page in pages)
    )
    errors = run_vnu({page.where: page.html for page in pages}, tmp_path)
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(
        f"{where} {message}" for where, message in errors
    )


def test_axe_reports_what_it_should(chromium, live_server):
    """The checker can fail: a page with an unlabelled field and an image without text fails."""
    require(AXE_JS.exists(), "axe-core is not installed (run `npm ci`)")
    context = chromium.new_context(base_url=live_server.url, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto("/accessibility")
        page.evaluate(
            """() => document.querySelector('main').insertAdjacentHTML('beforeend',
            '<img src="/static/none.png"><input type="text" name="x">')"""
        )
        found = {violation["id"] for violation in run_axe(page)}
    finally:
        context.close()
    assert {"image-alt", "label"} <= found


def test_the_reflow_measure_reports_what_it_should(chromium, live_server):
    """The reflow check can fail: a wide block, and text clipped at 200 %, are reported."""
    context = chromium.new_context(base_url=live_server.url, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto("/accessibility")
        assert measure_reflow(page) == []
        page.evaluate(
            """() => document.querySelector('main').insertAdjacentHTML('beforeend',
            '<div style="width: 500px">wide</div>' +
            '<p style="width: 30rem; height: 1.6em; white-space: nowrap; overflow: hidden">' +
            'clipped at two hundred per cent with the text spacing of WCAG 1.4.12</p>')"""
        )
        problems = measure_reflow(page)
        assert page.viewport_size == {"width": 1280, "height": 720}  # restored
    finally:
        context.close()
    assert any(p.startswith("320px: page") and "«wide»" in p for p in problems), problems
    assert any(p.startswith("200% text + spacing: text clipped") for p in problems), problems


def test_the_html_checker_reports_what_it_should(tmp_path):
    require(shutil.which("java") is not None, "Java is not installed (apt-get install default-jre)")
    require(VNU_JAR.exists(), "vnu-jar is not installed (run `npm ci`)")
    broken = "<!doctype html><html lang=en><title>x</title><p><div>a</p></div><img src=a.png>"
    fine = "<!doctype html><html lang=en><title>x</title><p>a</p>"
    errors = run_vnu({"broken": broken, "fine": fine}, tmp_path)
    assert {name for name, _message in errors} == {"broken"}
    assert any("alt" in message for _name, message in errors)
