"""Events for institutions' systems (issue 18): `publish(organisation, kind, payload)` hands an
event ("batch.finished", …) to every function registered with `subscribe`, such as the
webhook deliveries. With none registered, publishing does nothing: the caller never depends
on who listens. A subscriber is called after the caller's commit and must not raise."""

from collections.abc import Callable

from flask import current_app

Subscriber = Callable[[object, str, dict], None]
_SUBSCRIBERS: list[Subscriber] = []


def subscribe(subscriber: Subscriber) -> Subscriber:
    """Register `subscriber(organisation, kind, payload)`; usable as a decorator."""
    if subscriber not in _SUBSCRIBERS:
        _SUBSCRIBERS.append(subscriber)
    return subscriber


def publish(organisation, kind: str, payload: dict) -> None:
    for subscriber in list(_SUBSCRIBERS):
        try:
            subscriber(organisation, kind, payload)
        except Exception:  # one failing listener must not undo the caller's finished work
            current_app.logger.exception("event %s: subscriber %r failed", kind, subscriber)
