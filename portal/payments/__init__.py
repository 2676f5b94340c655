"""Paying a fee online through the payment provider: Mollie, with its official SDK
(`mollie-api-python`), in `portal/payments/mollie.py`.

Configured by environment variables (config.py): `MOLLIE_API_KEY` turns online payment on
(without it the "Pay online" button is absent and the routes answer 404); `MOLLIE_API_ENDPOINT`
points the SDK at another address of the provider's API (the tests' stub on 127.0.0.1 only).
The sponsor is sent to the provider's checkout page, and only to the configured provider's
host (`checkout_origin`, also the one extra origin the Content-Security-Policy's form-action
allows). A payment is booked on the fee through the same `portal/fees/payments.book` as a
bank transfer, when the provider confirms it (fetched by id: the way Mollie prescribes).
"""

from urllib.parse import urlsplit

from flask import current_app

# Where Mollie's checkout pages are when the SDK talks to Mollie's own API.
MOLLIE_CHECKOUT_ORIGIN = "https://www.mollie.com"


def configured() -> bool:
    return bool(current_app.config.get("MOLLIE_API_KEY"))


def checkout_origin(config=None) -> str | None:
    """The one origin the portal sends a sponsor to for paying (None: not configured)."""
    config = config if config is not None else current_app.config
    if not config.get("MOLLIE_API_KEY"):
        return None
    endpoint = config.get("MOLLIE_API_ENDPOINT")
    if not endpoint:
        return MOLLIE_CHECKOUT_ORIGIN
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


def checkout_allowed(url: str) -> bool:
    """Only the configured provider's checkout host, never an address from elsewhere."""
    origin = checkout_origin()
    if origin is None or not url:
        return False
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" == origin and not parts.username
