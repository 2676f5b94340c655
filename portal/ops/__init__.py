"""Operations: request ids and structured logs, Prometheus metrics, readiness (issue 21)."""


def init_app(app) -> None:
    from portal.ops import logs, metrics
    from portal.proxies import parse_networks

    # A value that is no address or network stops the start, as for TRUSTED_PROXIES.
    app.extensions["metrics_allowed"] = parse_networks(
        app.config.get("METRICS_ALLOWED_ADDRESSES"), "METRICS_ALLOWED_ADDRESSES"
    )
    logs.init_app(app)
    metrics.init_app(app)
