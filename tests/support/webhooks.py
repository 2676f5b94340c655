"""Webhook set-ups: a receiving HTTP server on 127.0.0.1 (the system outside the portal),
a client with a webhook subscribed through the administrator's pages, and sending what is due
as cron would (`flask webhooks deliver`)."""

import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.support.api import register_client
from tests.support.pages import get_page


class Receiver:
    """Records each POST (path, headers, body); answers with the next of `answers` (status
    codes; the last repeats). A 3xx answer redirects to /elsewhere."""

    def __init__(self, answers=(204,), delay: float = 0):
        self.requests: list[tuple[str, dict, bytes]] = []
        self.answers = list(answers)
        self.delay = delay
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                receiver.requests.append((self.path, dict(self.headers), body))
                time.sleep(receiver.delay)
                status = (
                    receiver.answers.pop(0) if len(receiver.answers) > 1 else receiver.answers[0]
                )
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_exc):
        self.server.shutdown()
        self.server.server_close()


def client_page(client, name="Student system") -> str:
    """As the signed-in administrator: the URL of the client's page, from the clients list."""
    page = get_page(client, "/organisation/api-clients")
    link = page.soup.find("a", string=name)
    return link["href"]


def subscribe(client, url: str, events, name="Student system", scopes=None) -> tuple[str, str]:
    """Register a client and subscribe `url` on its page; returns (page URL, signing secret)."""
    register_client(client, name=name, scopes=scopes or ("letters:read", "applications:read"))
    page_url = client_page(client, name)
    token = get_page(client, page_url).csrf()
    response = client.post(
        page_url + "/webhooks", data={"csrf_token": token, "url": url, "events": list(events)}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    html = response.get_data(as_text=True)
    return page_url, re.search(r'<code class="secret hash">(whsec_[^<]+)</code>', html).group(1)


def deliver(app) -> str:
    """What cron runs: `flask webhooks deliver`."""
    result = app.test_cli_runner().invoke(args=["webhooks", "deliver"])
    assert result.exit_code == 0, result.output
    return result.output
