"""Walk the portal as each demo role, in each language, and check every page with axe-core and
for reflow (WCAG 2.1 1.4.10, 1.4.4, 1.4.12: see `measure_reflow`).

Pages are discovered, not listed: from the role's start page the crawler follows same-site links
(GET only; never sign-out, language switches or downloads), at most a few pages per URL shape
(`/inbox/7` and `/inbox/9` are one shape) and at most MAX_PAGES per crawl. Every form with fields
a person fills in is then submitted once with those fields emptied, to check the page in its
error state. The live server runs on a throwaway database, so a form whose empty submission
succeeds does no harm; the page it leads to is checked too.

Each checked page keeps its HTML as served, for one run of the Nu HTML Checker afterwards.
"""

import hashlib
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

import pyotp

from tests.browser.checks import measure_reflow, run_axe
from tests.browser.conftest import DEMO_PASSWORD, LiveServer

MAX_PAGES = 50  # per role and language
MAX_PER_SHAPE = 2  # pages of one URL shape (ids replaced) per crawl
SKIP_PATH = re.compile(r"(sign-out|/language/|/static/|/pdf$|\.pdf$|download|export)", re.I)

SPONSORS = ("employer", "university", "starter", "intermediary")
STAFF = ("reviewer", "supervisor")
ROLES = ("anonymous", *SPONSORS, *STAFF)
LANGUAGES = ("nl", "en")

# Pages no link leads to, checked all the same: the error page.
EXTRA_PAGES = {
    "anonymous": [("/no-such-page", 404)],
    # The demo's API client (portal/demo_api.py): its webhooks and delivery log, first, as the
    # crawl's page budget runs out before the university's links reach it.
    "university": [("/organisation/api-clients/1", 200)],
}

_FORMS_JS = """
() => Array.from(document.forms).map((form, index) => {
  const fillable = Array.from(form.elements).filter(el =>
    !['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type) &&
    ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
  return {
    index,
    method: (form.getAttribute('method') || 'get').toLowerCase(),
    action: form.action,
    fields: fillable.map(el => el.name).filter(Boolean).sort(),
  };
})
"""

_EMPTY_AND_SUBMIT_JS = """
(index) => {
  const form = document.forms[index];
  for (const el of form.elements) {
    if (['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type)) continue;
    if (el.type === 'checkbox' || el.type === 'radio') el.checked = false;
    else if (el.tagName !== 'SELECT') el.value = '';
  }
  const button = form.querySelector('button:not([type]), button[type=submit], input[type=submit]');
  form.requestSubmit(button || undefined);
}
"""


@dataclass
class CheckedPage:
    role: str
    lang: str
    url: str
    label: str  # "page" or "empty form → <action>"
    status: int
    html: str
    html_lang: str
    violations: list = field(default_factory=list)
    reflow_problems: list = field(default_factory=list)

    @property
    def where(self) -> str:
        suffix = "" if self.label == "page" else f" [{self.label}]"
        return f"{self.role}/{self.lang} {self.path}{suffix}"

    @property
    def path(self) -> str:
        parts = urlsplit(self.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.html.encode()).hexdigest()


def shape(url: str) -> str:
    """`/inbox/12?after=x` → `/inbox/N?after`: pages of one shape are one template."""
    parts = urlsplit(url)
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return re.sub(r"\d+", "N", parts.path) + ("?" + "&".join(keys) if keys else "")


class Crawler:
    def __init__(self, context, server: LiveServer, role: str, lang: str):
        self.context = context
        self.server = server
        self.base = server.url.rstrip("/")
        self.role = role
        self.lang = lang
        self.page = context.new_page()
        self.checked: list[CheckedPage] = []

    # --- checking one page ------------------------------------------------------------

    def check(self, response, label: str = "page") -> CheckedPage:
        page = self.page
        violations = run_axe(page)
        result = CheckedPage(
            role=self.role,
            lang=self.lang,
            url=page.url,
            label=label,
            status=response.status if response else 0,
            html=response.text() if response else page.content(),
            html_lang=page.evaluate("document.documentElement.lang"),
            violations=violations,
            reflow_problems=measure_reflow(page),
        )
        self.checked.append(result)
        return result

    def goto(self, path: str):
        return self.page.goto(path if path.startswith("http") else self.base + path)

    def submit_empty(self, index: int):
        with self.page.expect_navigation() as navigation:
            self.page.evaluate(_EMPTY_AND_SUBMIT_JS, index)
        return navigation.value

    def submit_filled(self, values: dict[str, str]):
        for name, value in values.items():
            self.page.fill(f"[name='{name}']", value)
        first = next(iter(values))
        with self.page.expect_navigation() as navigation:
            self.page.click(f"form:has([name='{first}']) button[type='submit']")
        return navigation.value

    # --- signing in (the pages on the way are checked too) ----------------------------

    def sign_in(self) -> None:
        self.goto(f"/language/{self.lang}?next=/")
        if self.role == "anonymous":
            return
        email = f"{self.role}@demo.example"
        if self.role in STAFF:
            self.check(self.goto("/backoffice/sign-in"))
            self._check_empty_state()
            response = self.submit_filled({"email": email, "password": DEMO_PASSWORD})
            self.check(response)  # the code page
            self._check_empty_state()
            response = self.submit_filled({"code": self.server.totp_code(email)})
        else:
            self.goto("/sign-in")
            response = self.submit_filled({"email": email, "password": DEMO_PASSWORD})
            if "/sign-in/set-up-code" in self.page.url:
                # Administrators set up two-step verification at their first sign-in (issue 8).
                self.check(response)
                secret = self.page.inner_text("#totp-secret").strip()
                response = self.submit_filled({"code": pyotp.TOTP(secret).now()})
                self.check(response)  # the recovery codes, shown once
                with self.page.expect_navigation():
                    self.page.click("main a.button")
            elif "/sign-in/code" in self.page.url:
                self.check(response)
                response = self.submit_filled({"code": self.server.totp_code(email)})
        assert "sign-in" not in self.page.url, f"{self.role} could not sign in"

    def _check_empty_state(self) -> None:
        """Submit the page's (only) fillable form empty and check the error state."""
        for form in self.page.evaluate(_FORMS_JS):
            if form["fields"] and form["method"] == "post":
                self.check(self.submit_empty(form["index"]), "empty form")
                return

    # --- the crawl --------------------------------------------------------------------

    def same_site(self, url: str) -> str | None:
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.base:
            return None
        if SKIP_PATH.search(parts.path):
            return None
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def crawl(self) -> list[CheckedPage]:
        self.sign_in()
        start = self.same_site(self.page.url) or "/"
        queue = [start] + [path for path, _status in EXTRA_PAGES.get(self.role, [])]
        seen = set(queue)
        shapes: dict[str, int] = {}
        forms_to_try: dict[tuple, tuple[str, int]] = {}
        checked_urls: set[str | None] = set()
        visited = 0
        while queue and visited < MAX_PAGES:
            path = queue.pop(0)
            if shapes.get(shape(path), 0) >= MAX_PER_SHAPE:
                continue
            shapes[shape(path)] = shapes.get(shape(path), 0) + 1
            try:
                response = self.goto(path)
            except Exception as error:  # a download is not a page
                if "Download is starting" in str(error):
                    continue
                raise
            if response is None or "text/html" not in response.headers.get("content-type", ""):
                continue
            final = self.same_site(self.page.url)
            if final in checked_urls:  # a redirect to a page already checked
                continue
            checked_urls.add(final)
            seen.add(final)
            visited += 1
            self.check(response)
            for href in self.page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
                target = self.same_site(href.split("#")[0])
                if target and target not in seen:
                    seen.add(target)
                    queue.append(target)
            for form in self.page.evaluate(_FORMS_JS):
                if not form["fields"] or SKIP_PATH.search(urlsplit(form["action"]).path):
                    continue
                signature = (form["method"], shape(form["action"]), tuple(form["fields"]))
                forms_to_try.setdefault(signature, (path, form["index"]))
        # Error states last, so that a form that does succeed cannot change the crawl.
        for signature, (path, _index) in forms_to_try.items():
            response = self.goto(path)
            index = self._form_index(signature)
            if index is None:
                assert response is not None and response.status < 500, f"{path}: server error"
                # An earlier empty form changed this page: an emptied person section makes a
                # draft's travel section (entry only) no longer apply, so its page is a 404.
                continue
            self.check(self.submit_empty(index), f"empty form → {signature[1]}")
        return self.checked

    def _form_index(self, signature: tuple) -> int | None:
        """The index of the page's form with this signature now, or None if it is gone."""
        for form in self.page.evaluate(_FORMS_JS):
            found = (form["method"], shape(form["action"]), tuple(form["fields"]))
            if found == signature:
                return form["index"]
        return None


def crawl(chromium, server: LiveServer, role: str, lang: str) -> list[CheckedPage]:
    context = chromium.new_context(base_url=server.url, bypass_csp=True, locale=lang)
    context.set_default_timeout(15_000)
    try:
        return Crawler(context, server, role, lang).crawl()
    finally:
        context.close()
