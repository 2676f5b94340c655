"""The register_* steps of create_app(), one concern each."""

import sqlite3
import time
from pathlib import Path

from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_locale
from jinja2 import StrictUndefined
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from portal import pool, storage
from portal.extensions import babel, csrf, db, limiter, login_manager, migrate
from portal.formatting import BABEL_LOCALES

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def sqlite_connect(dbapi_connection, _record) -> None:
    """SQLite: enforce foreign keys; let SQLAlchemy own transactions (savepoints work); names
    sort by the Unicode Collation Algorithm (portal/collation.py)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        from portal import collation

        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys=ON")
        dbapi_connection.create_collation(collation.SQLITE_COLLATION, collation.compare)


# Pages that write nothing (tests/test_page_statements.py proves it for each): on SQLite their
# transaction begins DEFERRED, so two workers read at once instead of taking turns for the
# write lock (should one write after all, SQLite's "database is locked" gives the 409 page).
READ_ONLY_ENDPOINTS = frozenset({"dashboard.index", "inbox.index", "inbox.pdf"})


def _reads_only() -> bool:
    return (
        has_request_context()
        and request.method in ("GET", "HEAD")
        and request.endpoint in READ_ONLY_ENDPOINTS
    )


def sqlite_begin(connection) -> None:
    """SQLite: every other transaction takes the write lock when it begins (IMMEDIATE). A deferred
    transaction that read and then writes cannot wait for another writer (SQLite answers
    "database is locked" at once, to avoid a deadlock); one that begins IMMEDIATE waits its
    turn (the busy timeout), then reads what the other committed — two staff acting on one case
    at once get "someone else changed this case", not an error. SQLite is the embedded default:
    one writer at a time is what it offers anyway."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN" if _reads_only() else "BEGIN IMMEDIATE")


def let_waiting_writers_in() -> None:
    """After a long job commits a chunk: on SQLite, pause (SQLITE_WRITER_PAUSE) so that a
    request waiting for the write lock takes it before the job's next chunk does. SQLite's busy
    handler is not fair: it sleeps and retries, and a job that begins its next transaction at
    once would win every time. Other databases have no single writer: no pause."""
    if db.engine.dialect.name == "sqlite":
        time.sleep(current_app.config["SQLITE_WRITER_PAUSE"])


def _sqlite_busy_timeout(app: Flask) -> None:
    """How long a SQLite connection waits for another transaction's lock (SQLITE_BUSY_TIMEOUT
    seconds) before "database is locked"."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        connect_args = dict(options.get("connect_args") or {})
        connect_args["timeout"] = app.config["SQLITE_BUSY_TIMEOUT"]
        options["connect_args"] = connect_args
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def listeners() -> list[tuple[object, str, object]]:
    """Every ORM and engine event listener of the portal: (target, event, function)."""
    from sqlalchemy.orm import Session

    from portal import mail
    from portal.cases import intermediaries
    from portal.jobs import outbox
    from portal.letters import unread
    from portal.models import Application, AuditEvent, Letter, Membership, Person, StatusEvent
    from portal.models import application as application_model
    from portal.models import audit as audit_model
    from portal.models import letter as letter_model
    from portal.models import person as person_model
    from portal.ops import metrics

    return [
        # SQLite: foreign keys on; SQLAlchemy owns the transactions (savepoints work).
        (Engine, "connect", sqlite_connect),
        (Engine, "begin", sqlite_begin),
        # Written once: audit events and letters never change; audit events never go.
        (AuditEvent, "before_update", audit_model.refuse_audit_update),
        (AuditEvent, "before_delete", audit_model.refuse_audit_delete),
        (Letter, "before_update", letter_model.refuse_letter_update),
        # Derived columns kept by the model, whoever writes it.
        (Person, "before_insert", person_model.keep_search_keys),
        (Person, "before_update", person_model.keep_search_keys),
        (StatusEvent, "init", application_model.stamp_status_event),
        # A case started under a mandate names the intermediary (it keeps reading the case).
        (Application, "before_insert", intermediaries.remember_the_intermediary),
        # The inbox's unread counters follow letters and memberships.
        (Letter, "after_insert", unread.letter_issued),
        (Membership, "after_insert", unread.member_joined),
        (Membership, "after_delete", unread.member_left),
        # E-mail (letter notices, team changes) goes out only once the change is committed.
        (Session, "after_commit", mail.after_commit),
        (Session, "after_rollback", mail.after_rollback),
        # Jobs written in a transaction go onto the queue only once it commits.
        (Session, "after_commit", outbox.after_commit),
        (Session, "after_rollback", outbox.after_rollback),
        # The letters-issued metric counts committed letters only.
        (Letter, "after_insert", metrics.letter_added),
        (Session, "after_commit", metrics.after_commit),
        (Session, "after_rollback", metrics.after_rollback),
    ]


def register_listeners() -> None:
    """Listen once per process: the targets are classes, shared by every app made."""
    for target, name, function in listeners():
        if not event.contains(target, name, function):
            event.listen(target, name, function)


def register_extensions(app: Flask) -> None:
    _sqlite_busy_timeout(app)
    db.init_app(app)
    with app.app_context():
        engine = db.engine
    # Each app's engine: its pooled connections are pinged only after waiting idle.
    for name, function in pool.ping_when_idle(
        engine, app.config["DATABASE_PING_AFTER_IDLE"]
    ).items():
        event.listen(engine, name, function)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "account.sign_in"
    login_manager.session_protection = "strong"

    from portal.identity import sessions as session_policy

    # Every request checks the session record in the database: a revoked session is over.
    login_manager.user_loader(session_policy.load_user)


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen not in languages:
        chosen = request.accept_languages.best_match(languages) or "nl"
    return BABEL_LOCALES.get(chosen, chosen)


def register_i18n(app: Flask) -> None:
    from portal import translating

    babel.init_app(app, locale_selector=select_locale)
    translating.init_app(app, babel)


def register_security(app: Flask) -> None:
    from portal.identity import sessions as session_policy
    from portal.payments import checkout_origin

    session_policy.init_app(app)

    # "Pay online" posts to the portal, which redirects to the provider's checkout: browsers
    # apply form-action to that redirect, so the configured provider's origin (only) is allowed.
    csp = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'{checkout}; "
        "frame-ancestors 'none'"
    )

    @app.after_request
    def security_headers(response):
        checkout = checkout_origin(app.config)
        response.headers.setdefault(
            "Content-Security-Policy", csp.format(checkout=f" {checkout}" if checkout else "")
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if app.config["HSTS"]:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if "Cache-Control" not in response.headers and request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        return response


def register_blueprints(app: Flask) -> None:
    from portal.api import oauth
    from portal.blueprints.account import bp as account_bp
    from portal.blueprints.api import bp as api_bp
    from portal.blueprints.applications import bp as applications_bp
    from portal.blueprints.appointments import bp as appointments_bp
    from portal.blueprints.backoffice import bp as backoffice_bp
    from portal.blueprints.dashboard import bp as dashboard_bp
    from portal.blueprints.duties import bp as duties_bp
    from portal.blueprints.exports import bp as exports_bp
    from portal.blueprints.family import bp as family_bp
    from portal.blueprints.inbox import bp as inbox_bp
    from portal.blueprints.oidc import bp as oidc_bp
    from portal.blueprints.ops import bp as ops_bp
    from portal.blueprints.organisation import bp as organisation_bp
    from portal.blueprints.payments import bp as payments_bp
    from portal.blueprints.people import bp as people_bp
    from portal.blueprints.public import bp as public_bp
    from portal.blueprints.residence import bp as residence_bp
    from portal.blueprints.student_import import bp as student_import_bp

    for blueprint in (
        public_bp,
        account_bp,
        dashboard_bp,
        applications_bp,
        residence_bp,
        inbox_bp,
        backoffice_bp,
        organisation_bp,
        people_bp,
        oidc_bp,
        student_import_bp,
        exports_bp,
        duties_bp,
        api_bp,
        payments_bp,
        family_bp,
        ops_bp,
        appointments_bp,
    ):
        app.register_blueprint(blueprint)
    oauth.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    from flask import render_template
    from flask_wtf.csrf import CSRFError

    from portal.api import problems

    def render_error(error):
        code = getattr(error, "code", 500) or 500
        if request.path.startswith("/api/v1/"):  # no route, wrong method: a problem document
            return problems.for_status(code)
        return render_template("errors/error.html", code=code), code

    for code in (400, 403, 404, 405, 413, 429):
        app.register_error_handler(code, render_error)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_template("errors/error.html", code=400, csrf=True), 400

    @app.errorhandler(OperationalError)
    def database_busy(error):
        """SQLite still locked after the busy timeout: nothing was saved, try again."""
        if "database is locked" not in str(error.orig):
            raise error
        db.session.rollback()
        # The page is drawn without the database: as for someone not signed in.
        g._login_user = login_manager.anonymous_user()
        return render_template("errors/error.html", code=409, busy=True), 409

    @app.errorhandler(storage.StorageUnavailable)
    def storage_unavailable(error):
        """The object store is down: nothing of the request is kept (uploads say so next to
        their field instead; see portal/cases/documents.py)."""
        db.session.rollback()
        current_app.logger.warning("object store unavailable: %s", error)
        if request.path.startswith("/api/v1/"):
            return problems.for_status(503)
        return render_template("errors/error.html", code=503), 503

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        if request.path.startswith("/api/v1/"):
            return problems.for_status(500)
        return render_template("errors/error.html", code=500), 500


def _bytecode_cache(app: Flask) -> None:
    """Compiled templates kept in instance/jinja-cache: a new worker loads them instead of
    compiling every template again (no effect on a warm worker, which keeps them in memory)."""
    import os

    from jinja2 import FileSystemBytecodeCache

    folder = Path(app.instance_path) / "jinja-cache"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return
    if os.access(folder, os.W_OK):
        app.jinja_env.bytecode_cache = FileSystemBytecodeCache(str(folder))


def register_template_helpers(app: Flask) -> None:
    from portal import formatting, template_urls
    from portal.cases.status import event_activity
    from portal.labels import ACTIVITY, Labels, category_list
    from portal.permissions import MandateLapsed, current_context, current_membership

    if app.testing:
        app.jinja_env.undefined = StrictUndefined
    _bytecode_cache(app)
    template_urls.init_app(app)

    app.jinja_env.filters["money"] = formatting.money
    app.jinja_env.filters["number"] = formatting.number
    app.jinja_env.filters["before_full_stop"] = formatting.before_full_stop
    app.jinja_env.filters["activity"] = lambda event: ACTIVITY[event_activity(event)]
    app.jinja_env.filters["date"] = formatting.date_text
    app.jinja_env.filters["datetime"] = formatting.datetime_text

    def acting():
        try:
            return current_context()
        except MandateLapsed:
            return None

    @app.context_processor
    def inject():
        return {
            "acting": acting(),
            "current_locale": get_locale().language,
            "current_membership": current_membership(),
            "labels": Labels,
            "category_list": category_list,
        }


def register_commands(app: Flask) -> None:
    from portal.commands import (
        batches_cli,
        demo_cli,
        fees_cli,
        inbox_cli,
        notices_cli,
        reminders_cli,
        sanctions_cli,
        staff_cli,
        todo_cli,
    )
    from portal.forecast.commands import forecast_cli
    from portal.jobs.cli import jobs_cli

    app.cli.add_command(staff_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(inbox_cli)
    app.cli.add_command(sanctions_cli)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(todo_cli)
    app.cli.add_command(notices_cli)
    app.cli.add_command(fees_cli)
    app.cli.add_command(forecast_cli)
    app.cli.add_command(batches_cli)
    from portal.api.cli import webhooks_cli

    app.cli.add_command(webhooks_cli)
    from portal.storage.moving import storage_cli

    app.cli.add_command(storage_cli)
