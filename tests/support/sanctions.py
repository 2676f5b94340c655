"""Sending a sanction as the back office does: the form is previewed first (the letter shown,
nothing recorded), then sent from the preview page with the digest of what was previewed."""

from tests.support.pages import Page


def send_sanction(client, url: str, data: dict, follow_redirects: bool = False):
    """POST the sanction form for a preview; when a preview came back, press "send" on it.
    Returns the last response (a 400 with messages, a refusal, or the redirect after sending)."""
    previewed = client.post(url, data={**data, "action": "preview"}, follow_redirects=False)
    if previewed.status_code != 200:
        return client.get(previewed.location) if follow_redirects else previewed
    page = Page(previewed)
    digest = page.soup.find("input", attrs={"name": "previewed"})
    if digest is None or page.soup.find(id="send") is None:
        return previewed
    return client.post(
        url,
        data={**data, "previewed": digest["value"], "action": "send"},
        follow_redirects=follow_redirects,
    )
