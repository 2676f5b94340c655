"""The layout's links are remembered per mount point (portal/template_urls.py): a portal served
under a path prefix links under it, whichever request built the link first."""

from bs4 import BeautifulSoup


def links(client, script_root: str = "") -> dict[str, str]:
    response = client.get("/accessibility", environ_overrides={"SCRIPT_NAME": script_root})
    assert response.status_code == 200
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return {
        "footer": soup.select_one("footer a")["href"],
        "stylesheet": soup.select_one("link[rel=stylesheet]")["href"],
        "language": soup.select_one(".language-switch a")["href"],
    }


def test_links_follow_the_mount_point_of_each_request(client):
    plain = links(client)
    prefixed = links(client, "/portal")
    again = links(client)
    assert plain == again
    assert plain["footer"] == "/accessibility"
    assert prefixed["footer"] == "/portal/accessibility"
    assert plain["stylesheet"] == "/static/portal.css"
    assert prefixed["stylesheet"] == "/portal/static/portal.css"
    assert prefixed["language"].startswith("/portal/language/")


def test_links_with_their_own_values_are_built_for_each_request(client):
    """The language link carries the page it came from (`next`)."""
    first = client.get("/accessibility?x=1").get_data(as_text=True)
    second = client.get("/accessibility?x=2").get_data(as_text=True)
    assert "x%3D1" in first and "x%3D2" in second
