"""A stub of Mollie's payments API (v2) on 127.0.0.1, for tests only: the portal's SDK
(`mollie-api-python`) talks to it through its endpoint setting, so the SDK's own request and
response handling runs. It keeps payments in memory; a test (or the stub's checkout page, for
the browser journey) sets their status, and `notify` calls the portal's webhook as Mollie does
(a form POST with only the id).
"""

import itertools
import json
import threading
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

API_KEY = "test_portalstubkey1234567890abcdefgh"


class MollieStub:
    def __init__(self):
        self.payments: dict[str, dict] = {}
        self.requests: list[tuple[str, str, dict | None]] = []
        self._ids = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    def add(self, *, status="open", value="10.00", description="", **extra) -> dict:
        """A payment as Mollie would hold it (also one the portal never created)."""
        payment_id = f"tr_stub{next(self._ids):04d}"
        payment = {
            "resource": "payment",
            "id": payment_id,
            "mode": "test",
            "createdAt": datetime.now(UTC).isoformat(timespec="seconds"),
            "amount": {"value": value, "currency": "EUR"},
            "description": description,
            "method": None,
            "metadata": extra.get("metadata"),
            "status": status,
            "isCancelable": False,
            "profileId": "pfl_stub",
            "sequenceType": "oneoff",
            "redirectUrl": extra.get("redirectUrl"),
            "webhookUrl": extra.get("webhookUrl"),
            "_links": {
                "self": {
                    "href": f"{self.base}/v2/payments/{payment_id}",
                    "type": "application/hal+json",
                },
                "checkout": {"href": f"{self.base}/checkout/{payment_id}", "type": "text/html"},
            },
        }
        self.payments[payment_id] = payment
        return payment

    def set_status(self, payment_id: str, status: str, paid_at: datetime | None = None) -> None:
        payment = self.payments[payment_id]
        payment["status"] = status
        if status == "paid":
            payment["paidAt"] = (paid_at or datetime.now(UTC)).isoformat(timespec="seconds")

    def notify(self, payment_id: str, client=None):
        """Mollie's status update: POST id=<id> to the webhook the payment was created with
        (through a Flask test client when given, else over HTTP)."""
        url = self.payments[payment_id]["webhookUrl"]
        if client is not None:
            return client.post(urllib.parse.urlsplit(url).path, data={"id": payment_id})
        data = urllib.parse.urlencode({"id": payment_id}).encode()
        with urllib.request.urlopen(url, data=data, timeout=10) as response:  # noqa: S310
            return response.status

    def _handler(stub):  # noqa: N805 - the stub, seen from the handler class
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status, body, content_type="application/hal+json"):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _error(self, status, title, detail):
                self._json(status, {"status": status, "title": title, "detail": detail})

            def _authorised(self):
                if self.headers.get("Authorization") != f"Bearer {API_KEY}":
                    self._error(401, "Unauthorized Request", "Missing authentication.")
                    return False
                return True

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path.startswith("/checkout/"):
                    return self._checkout_paid(self.path.removeprefix("/checkout/"))
                body = json.loads(raw or b"{}")
                stub.requests.append(("POST", self.path, body))
                if self.path != "/v2/payments" or not self._authorised():
                    return (
                        None if self.path == "/v2/payments" else self._error(404, "Not Found", "")
                    )
                amount = body.get("amount") or {}
                if amount.get("currency") != "EUR" or not body.get("description"):
                    return self._error(422, "Unprocessable Entity", "The amount is invalid.")
                payment = stub.add(
                    value=amount["value"],
                    description=body["description"],
                    redirectUrl=body.get("redirectUrl"),
                    webhookUrl=body.get("webhookUrl"),
                    metadata=body.get("metadata"),
                )
                return self._json(201, payment)

            def do_GET(self):
                stub.requests.append(("GET", self.path, None))
                if self.path.startswith("/checkout/"):
                    return self._checkout_page(self.path.removeprefix("/checkout/"))
                if not self.path.startswith("/v2/payments/") or not self._authorised():
                    return None
                payment = stub.payments.get(self.path.removeprefix("/v2/payments/"))
                if payment is None:
                    return self._error(404, "Not Found", "No payment exists with that token.")
                return self._json(200, payment)

            def _checkout_page(self, payment_id):
                payment = stub.payments.get(payment_id)
                if payment is None:
                    return self._error(404, "Not Found", "")
                page = (
                    '<!doctype html><html lang="en"><title>Stub checkout</title><main>'
                    f"<h1>Pay {payment['amount']['value']} EUR</h1>"
                    f'<form method="post" action="/checkout/{payment_id}">'
                    '<button type="submit">Pay (stub)</button></form></main></html>'
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)
                return None

            def _checkout_paid(self, payment_id):
                """The sponsor paid: Mollie marks it paid, calls the webhook, sends them back."""
                payment = stub.payments.get(payment_id)
                if payment is None:
                    return self._error(404, "Not Found", "")
                stub.set_status(payment_id, "paid")
                stub.notify(payment_id)
                self.send_response(303)
                self.send_header("Location", payment["redirectUrl"])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None

        return Handler
