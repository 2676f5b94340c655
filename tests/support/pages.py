"""Pages as a user sees them: GET a page and parse it, POST a form with its CSRF token."""

import re

from bs4 import BeautifulSoup


class Page:
    def __init__(self, response):
        self.response = response
        self.status = response.status_code
        self.html = response.get_data(as_text=True)
        self.soup = BeautifulSoup(self.html, "html.parser")

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", self.soup.get_text(" ")).strip()

    def csrf(self) -> str:
        field = self.soup.find("input", attrs={"name": "csrf_token"})
        assert field is not None, "page has no CSRF token"
        return field["value"]

    def field_error(self, field_id: str) -> str | None:
        node = self.soup.find(id=f"{field_id}-error")
        return re.sub(r"\s+", " ", node.get_text(" ")).strip() if node else None

    def value(self, field_id: str) -> str | None:
        node = self.soup.find(id=field_id)
        if node is None:
            return None
        if node.name == "textarea":
            return node.get_text()
        if node.name == "fieldset":  # a date input: what its day, month and year boxes show
            boxes = [node.find(id=f"{field_id}-{part}") for part in ("day", "month", "year")]
            shown = [box.get("value") or "" for box in boxes]
            return "-".join(shown) if any(shown) else ""
        return node.get("value")

    def checked(self, field_id: str) -> bool:
        node = self.soup.find(id=field_id)
        return node is not None and node.has_attr("checked")


def get_page(client, url, expected_status=200, **kwargs) -> Page:
    page = Page(client.get(url, **kwargs))
    assert page.status == expected_status, (page.status, page.text[:500])
    return page


def post_form(client, url, data, *, form_url=None, follow_redirects=False, **kwargs):
    """GET the form page for its CSRF token, then POST the data as a browser would."""
    token = get_page(client, form_url or url).csrf()
    return client.post(
        url, data={"csrf_token": token, **data}, follow_redirects=follow_redirects, **kwargs
    )


def search(client, url: str, expected_status=200, **terms) -> Page:
    """Search a list as its filter form does: POST the terms (personal ones go behind a filter
    token, portal/filter_tokens.py), follow the redirect, return the list page."""
    token = get_page(client, url).csrf()
    response = client.post(url, data={"csrf_token": token, **terms})
    assert response.status_code == 302, (
        response.status_code,
        response.get_data(as_text=True)[:500],
    )
    return get_page(client, response.headers["Location"], expected_status=expected_status)
