"""Sponsor Portal: the self-service environment for recognised sponsors."""

import os

from flask import Flask

from config import INSTANCE_DIR, config_for


def create_app(config_name: str | None = None) -> Flask:
    """The portal; config_name (or PORTAL_ENV, production when unset) picks the configuration."""
    config = config_for(config_name)
    config.validate()

    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    app.config.from_object(config)
    os.makedirs(app.instance_path, exist_ok=True)
    config.init_app(app)

    from portal import inputs, ops, proxies, rate_limits, setup

    proxies.init_app(app)  # the client's address, before anything reads it
    ops.init_app(app)  # the request id and the clock, so that every answer has them
    setup.register_listeners()
    inputs.init_app(app)  # first: its converter and NUL guard come before everything else
    setup.register_extensions(app)
    setup.register_i18n(app)
    setup.register_security(app)
    setup.register_blueprints(app)
    rate_limits.init_app(app)  # after the blueprints: the API's limit is on its blueprint
    setup.register_errorhandlers(app)
    setup.register_template_helpers(app)
    setup.register_commands(app)
    return app
