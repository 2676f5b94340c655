"""Behind a reverse proxy: the client's address from X-Forwarded-For, but only from proxies we
trust (TRUSTED_PROXIES: addresses or networks, comma-separated).

A request whose peer is a trusted proxy goes through Werkzeug's ProxyFix, trusting as many
X-Forwarded-For entries as there are trusted proxies at its right end (a chain of proxies) plus
the one that proxy added for its client, and X-Forwarded-Proto. Any other request is taken as
it came: a client that talks to the portal directly cannot choose its address by sending the
header. So `request.remote_addr` — read by the rate limits, the lockout and the audit log — is
the client's address. X-Forwarded-Host is never trusted: absolute links come from
PUBLIC_BASE_URL.
"""

import ipaddress
from functools import cache

from werkzeug.middleware.proxy_fix import ProxyFix

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(setting: str | None, name: str = "TRUSTED_PROXIES") -> tuple[Network, ...]:
    """A setting of addresses or networks (TRUSTED_PROXIES, METRICS_ALLOWED_ADDRESSES) as
    networks; a value that is no address or network stops the start."""
    networks = []
    for item in (setting or "").replace(" ", ",").split(","):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as error:
            raise RuntimeError(
                f"{name}: {item!r} is not an IP address or network (like 10.0.0.5 or "
                "10.0.0.0/24); list them comma-separated."
            ) from error
    return tuple(networks)


def address_in(address: str | None, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


class TrustedProxies:
    """WSGI middleware: ProxyFix for requests that come from a trusted proxy, nothing else."""

    def __init__(self, app, networks: tuple[Network, ...]):
        self.app = app
        self.networks = networks

    def trusted(self, address: str | None) -> bool:
        return address_in(address, self.networks)

    @cache  # noqa: B019 - one ProxyFix per chain length; the middleware lives as long as the app
    def _fix(self, hops: int) -> ProxyFix:
        return ProxyFix(self.app, x_for=hops, x_proto=1, x_host=0, x_port=0, x_prefix=0)

    def __call__(self, environ, start_response):
        if not self.trusted(environ.get("REMOTE_ADDR")):
            return self.app(environ, start_response)
        forwarded = [
            part.strip()
            for part in environ.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if not forwarded:
            return self.app(environ, start_response)
        # Entries added by further trusted proxies (right to left), then the client's.
        hops = 1
        while hops < len(forwarded) and self.trusted(forwarded[-hops]):
            hops += 1
        return self._fix(hops)(environ, start_response)


def init_app(app) -> None:
    networks = parse_networks(app.config.get("TRUSTED_PROXIES"))
    if networks:
        app.wsgi_app = TrustedProxies(app.wsgi_app, networks)
