"""Flask-Limiter's per-request check, only where a limit can apply (issue 20).

Flask-Limiter checks every request in a before_request hook: it resolves the view's limits, its
blueprint's, the defaults and the exemptions — a sixth of the time of a request to /healthz —
although the portal sets no default, application-wide or meta limit. A limit set on a view
(`@limiter.limit`: the sign-in, code, reset and sign-up forms) is checked by that decorator when
the view runs, not by the hook. The hook is needed for limits set on a blueprint (the API's
limit per client) and for default, application-wide and meta limits. So it runs for a request
to a blueprint that has limits, and for every request as soon as a limit of the other kinds is
configured.
"""

from flask import Flask, request

from portal.extensions import limiter


def _limits_everywhere() -> bool:
    """A limit that applies to every request (none in the portal's configuration)."""
    manager = limiter.limit_manager
    # Meta limits (RATELIMIT_META) have no public accessor.
    return bool(manager.default_limits or manager.application_limits or limiter._meta_limits)


def init_app(app: Flask) -> None:
    """After the blueprints are registered (the API's limit is set on its blueprint)."""
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit not in hooks:
        return  # RATELIMIT_ENABLED is off: Flask-Limiter added no hook
    check = hooks[hooks.index(limiter._check_request_limit)]
    limited: dict[str | None, bool] = {}  # blueprint name → it has limits

    def check_where_limited():
        blueprint = request.blueprint
        has_limits = limited.get(blueprint)
        if has_limits is None:
            has_limits = blueprint is not None and bool(
                limiter.limit_manager.blueprint_limits(app, blueprint)
            )
            limited[blueprint] = has_limits
        if has_limits or _limits_everywhere():
            return check()
        return None

    hooks[hooks.index(check)] = check_where_limited
