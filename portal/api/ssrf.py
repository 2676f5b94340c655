"""Webhook URLs may point only at public addresses (SSRF, issue 18).

Checked when a URL is subscribed and again at every delivery: the host is resolved and every
address it resolves to must be public (not private, loopback, link-local, reserved, shared,
multicast or unspecified), so a name that later resolves to an internal address (DNS
rebinding) is refused at delivery. The delivery then connects to the address it checked.

Only the tests set WEBHOOK_ALLOW_LOOPBACK (the receiving test server on 127.0.0.1, plain
HTTP); production never reads it from the environment."""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app

MAX_URL = 500


class AddressRefused(ValueError):
    """The URL may not be used; `code` says why (the form and the API explain it)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    addresses: tuple[str, ...]


def _loopback_allowed() -> bool:
    return bool(current_app.config.get("WEBHOOK_ALLOW_LOOPBACK"))


def public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and (ip.ipv4_mapped or ip.sixtofour):
        ip = ip.ipv4_mapped or ip.sixtofour
    if ip.is_loopback and _loopback_allowed():
        return True
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def _resolve(host: str, port: int) -> tuple[str, ...]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise AddressRefused("unresolvable") from None
    return tuple(dict.fromkeys(info[4][0] for info in found))


def check(url: str) -> Target:
    """The URL's parts and the public addresses it resolves to; raises AddressRefused."""
    if len(url) > MAX_URL:
        raise AddressRefused("too_long")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise AddressRefused("not_a_url") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise AddressRefused("not_https")
    if parts.username or parts.password:
        raise AddressRefused("credentials")
    addresses = _resolve(parts.hostname, port or 443)
    if not addresses or not all(public(a) for a in addresses):
        raise AddressRefused("private_address")
    if parts.scheme == "http" and not (
        _loopback_allowed() and all(ipaddress.ip_address(a).is_loopback for a in addresses)
    ):
        raise AddressRefused("not_https")
    default = 443 if parts.scheme == "https" else 80
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(parts.scheme, parts.hostname, port or default, path, addresses)
