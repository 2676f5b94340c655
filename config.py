"""Configuration classes, read from the environment.

Config → Development / Test / Production, chosen by PORTAL_ENV, which defaults to
production: a missing setting never gives a development server with a known key.
Production refuses to start without a secret key, a database URL and the public address;
development generates a random secret key once and keeps it under instance/.
"""

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"
DEFAULT_ENV = "production"
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name under instance/
MIN_SECRET_KEY_LENGTH = 32


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'portal.db'}"
    )
    # PostgreSQL: migrations run as the tables' owner, the portal as a role that owns nothing
    # (portal/database_roles.py). Unset: migrations use DATABASE_URL.
    MIGRATION_DATABASE_URL = os.environ.get("MIGRATION_DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {}
    # A pooled connection idle for this many seconds is tested (a round trip) before a request
    # uses it; one used a moment ago is not (portal/pool.py). 0: every time, as pool_pre_ping.
    DATABASE_PING_AFTER_IDLE = float(os.environ.get("DATABASE_PING_AFTER_IDLE", "1"))
    # SQLite only: seconds a request waits for another's write lock before giving up.
    SQLITE_BUSY_TIMEOUT = float(os.environ.get("SQLITE_BUSY_TIMEOUT", "30"))
    # SQLite: a batch pauses this long after each chunk it commits, so that a request waiting
    # for the write lock gets it (SQLite's busy handler retries every 0.1 s at most; without
    # a pause the batch takes the lock again first, and a user waited up to 16 s at 50,000 rows).
    SQLITE_WRITER_PAUSE = float(os.environ.get("SQLITE_WRITER_PAUSE", "0.1"))
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    # Sessions and cookies
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    SESSION_COOKIE_NAME = "portal_session"
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = 8 * 60 * 60  # absolute limit, seconds
    # The cookie is sent again only when the session changed (last-seen moves once a minute:
    # portal/identity/sessions.py); its expiry outlasts the absolute limit counted from sign-in.
    SESSION_REFRESH_EACH_REQUEST = False
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    HSTS = False

    # Languages
    LANGUAGES = ("nl", "en")
    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"

    # Reverse proxies in front of the portal (addresses or networks, comma-separated): only a
    # request from one of them has its client address taken from X-Forwarded-For
    # (portal/proxies.py). Empty: the portal is reached directly.
    TRUSTED_PROXIES = os.environ.get("TRUSTED_PROXIES", "")

    # Sign-in abuse limits (Flask-Limiter). memory:// for one process; with several web
    # processes a shared Redis (e.g. redis://redis:6379/1), so that every process counts the
    # same attempts. While that Redis is away each process counts in its own memory (the
    # limits still hold, per process) and goes back to Redis once it answers again; a Redis
    # that does not answer within the timeout counts as away, so no request waits on it long.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_STORAGE_OPTIONS = {
        "socket_connect_timeout": float(os.environ.get("RATELIMIT_REDIS_TIMEOUT", "0.5")),
        "socket_timeout": float(os.environ.get("RATELIMIT_REDIS_TIMEOUT", "0.5")),
    }
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    SIGN_IN_RATE_LIMIT = os.environ.get("SIGN_IN_RATE_LIMIT", "10 per minute;50 per hour")
    # Calls per API client (issue 18); answers carry RateLimit-Limit/-Remaining/-Reset.
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600 per minute")
    # Progressive lockout (portal/identity/lockout.py): after N failures, pause BASE seconds,
    # doubling with each further failure up to MAX.
    LOCKOUT_ACCOUNT_THRESHOLD = int(os.environ.get("LOCKOUT_ACCOUNT_THRESHOLD", "5"))
    LOCKOUT_ADDRESS_THRESHOLD = int(os.environ.get("LOCKOUT_ADDRESS_THRESHOLD", "30"))
    LOCKOUT_BASE_SECONDS = int(os.environ.get("LOCKOUT_BASE_SECONDS", "60"))
    LOCKOUT_MAX_SECONDS = int(os.environ.get("LOCKOUT_MAX_SECONDS", "3600"))

    # Session lifetime: signed out after IDLE minutes without a request (warned WARNING
    # seconds before), and after PERMANENT_SESSION_LIFETIME whatever happens.
    SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(20 * 60)))
    SESSION_IDLE_WARNING = int(os.environ.get("SESSION_IDLE_WARNING", str(2 * 60)))
    # Searches by personal terms: seconds a filter token (portal/filter_tokens.py) stands for them.
    FILTER_TOKEN_TTL = int(os.environ.get("FILTER_TOKEN_TTL", str(60 * 60)))
    # E-mailed links
    PASSWORD_RESET_TTL = int(os.environ.get("PASSWORD_RESET_TTL", str(60 * 60)))
    STAFF_INVITATION_TTL = int(os.environ.get("STAFF_INVITATION_TTL", str(72 * 60 * 60)))
    SIGN_UP_TTL = int(os.environ.get("SIGN_UP_TTL", str(24 * 60 * 60)))
    SIGN_UP_RATE_LIMIT = os.environ.get("SIGN_UP_RATE_LIMIT", "5 per minute;20 per hour")
    EMAIL_CHANGE_TTL = int(os.environ.get("EMAIL_CHANGE_TTL", str(24 * 60 * 60)))

    # OpenID Connect (portal/identity/oidc.py). A provider is used only when its issuer is set.
    OIDC_SPONSOR_ISSUER = os.environ.get("OIDC_SPONSOR_ISSUER")
    OIDC_SPONSOR_CLIENT_ID = os.environ.get("OIDC_SPONSOR_CLIENT_ID")
    OIDC_SPONSOR_CLIENT_SECRET = os.environ.get("OIDC_SPONSOR_CLIENT_SECRET")
    OIDC_SPONSOR_KVK_CLAIM = os.environ.get("OIDC_SPONSOR_KVK_CLAIM", "kvk")
    OIDC_SPONSOR_MIN_ACR = os.environ.get("OIDC_SPONSOR_MIN_ACR", "substantial")
    OIDC_STAFF_ISSUER = os.environ.get("OIDC_STAFF_ISSUER")
    OIDC_STAFF_CLIENT_ID = os.environ.get("OIDC_STAFF_CLIENT_ID")
    OIDC_STAFF_CLIENT_SECRET = os.environ.get("OIDC_STAFF_CLIENT_SECRET")
    # Evidence of a second factor at the IND identity provider (comma-separated): an `amr`
    # value or an `acr` value among these. Without it staff use the portal's own TOTP too.
    OIDC_STAFF_MFA_AMR = os.environ.get("OIDC_STAFF_MFA_AMR", "mfa")
    OIDC_STAFF_MFA_ACR = os.environ.get("OIDC_STAFF_MFA_ACR", "")
    OIDC_STAFF_ROLE_CLAIM = os.environ.get("OIDC_STAFF_ROLE_CLAIM", "roles")
    OIDC_STAFF_ROLE_MAP = os.environ.get(
        "OIDC_STAFF_ROLE_MAP",
        "ind-reviewer=reviewer,ind-supervisor=supervisor,ind-administrator=administrator",
    )

    # E-mail: SMTP when MAIL_SERVER is set; printed to the console otherwise.
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "0") == "1"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_SENDER = os.environ.get(
        "MAIL_SENDER", "IND Sponsor Portal <no-reply@sponsorportal.ind.example>"
    )
    # Absolute links in e-mails (no request to take the host from in background work).
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")

    # Online payment of fees (portal/payments/): Mollie's API key turns it on; the endpoint
    # only for tests (a stub of Mollie's API on 127.0.0.1), never set in production.
    MOLLIE_API_KEY = os.environ.get("MOLLIE_API_KEY")
    MOLLIE_API_ENDPOINT = os.environ.get("MOLLIE_API_ENDPOINT")

    # Letters
    LETTER_SENDER = "Immigratie- en Naturalisatiedienst"

    MAX_CONTENT_LENGTH = 12 * 1024 * 1024

    # Stored bytes (letter PDFs, uploaded documents; portal/storage): "database" (the default,
    # zero set-up: in the blob table) or "s3" (S3-compatible object storage: AWS S3, MinIO,
    # Garage). With "s3": the bucket (made beforehand), the endpoint (empty for AWS itself), the
    # region, and the credentials (empty: boto3's own chain, AWS_ACCESS_KEY_ID... or a role).
    # Existing blobs move with `flask storage migrate` (resumable; every hash verified).
    STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "database")
    STORAGE_S3_BUCKET = os.environ.get("STORAGE_S3_BUCKET")
    STORAGE_S3_ENDPOINT_URL = os.environ.get("STORAGE_S3_ENDPOINT_URL")
    STORAGE_S3_REGION = os.environ.get("STORAGE_S3_REGION", "us-east-1")
    STORAGE_S3_ACCESS_KEY_ID = os.environ.get("STORAGE_S3_ACCESS_KEY_ID")
    STORAGE_S3_SECRET_ACCESS_KEY = os.environ.get("STORAGE_S3_SECRET_ACCESS_KEY")
    STORAGE_S3_TIMEOUT_SECONDS = float(os.environ.get("STORAGE_S3_TIMEOUT_SECONDS", "5"))

    # Bulk student registration (CSV or XLSX, on the web and as an API batch): at most this many
    # rows and bytes per file (these two routes only; others keep MAX_CONTENT_LENGTH); rows are
    # checked and imported in chunks. A background queue (RQ) when REDIS_URL is set; else the
    # web import runs inline and API batches wait for `flask batches work`.
    IMPORT_MAX_ROWS = 50_000
    IMPORT_MAX_BYTES = 40 * 1024 * 1024
    IMPORT_CHUNK_ROWS = int(os.environ.get("IMPORT_CHUNK_ROWS", "500"))
    # Bulk submit (portal/bulk/submission.py): at most this many drafts at once. Each gets its
    # acknowledgement and fee letter (two PDFs) inside the request, so the number is bounded.
    BULK_SUBMIT_MAX = int(os.environ.get("BULK_SUBMIT_MAX", "200"))
    REDIS_URL = os.environ.get("REDIS_URL")
    # The job outbox (portal/jobs/): without REDIS_URL jobs run inline (JOBS_INLINE=1, the
    # default) or wait for `flask jobs work` (JOBS_INLINE=0). A worker holds a job under a lease
    # it renews; a job whose worker died is taken again once the lease has passed. Failures are
    # retried after JOBS_RETRY_BASE_SECONDS, doubling each time, up to JOBS_MAX_ATTEMPTS.
    JOBS_INLINE = os.environ.get("JOBS_INLINE", "1") == "1"
    JOBS_MAX_ATTEMPTS = int(os.environ.get("JOBS_MAX_ATTEMPTS", "5"))
    JOBS_LEASE_SECONDS = float(os.environ.get("JOBS_LEASE_SECONDS", "300"))
    JOBS_RETRY_BASE_SECONDS = int(os.environ.get("JOBS_RETRY_BASE_SECONDS", "30"))
    JOBS_TIMEOUT_SECONDS = int(os.environ.get("JOBS_TIMEOUT_SECONDS", "3600"))
    # Webhooks (portal/api/delivery.py): waits before each retry (exponential; given up after
    # the last), the timeout of one attempt, how long the previous secret signs after a rotation.
    WEBHOOK_RETRY_SECONDS = [
        int(s) for s in os.environ.get("WEBHOOK_RETRY_SECONDS", "60,300,1800,7200,28800").split(",")
    ]
    WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "5"))
    WEBHOOK_PREVIOUS_SECRET_HOURS = 24
    # Only the tests' receiving server on 127.0.0.1 (plain HTTP); never from the environment.
    WEBHOOK_ALLOW_LOOPBACK = False

    # Operations (portal/ops/). Logs: one JSON object per line on standard error ("json"), or
    # Flask's plain lines ("text"); never personal data, each line with the request's id.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    # Who may read /metrics (Prometheus): addresses or networks, comma-separated, compared with
    # the client's address as TRUSTED_PROXIES gives it. Anyone else gets 404. Empty: nobody.
    # Several processes share their figures through PROMETHEUS_MULTIPROC_DIR (an empty folder,
    # set in the environment before the processes start; see deploy/).
    METRICS_ALLOWED_ADDRESSES = os.environ.get("METRICS_ALLOWED_ADDRESSES", "127.0.0.1,::1")

    @classmethod
    def validate(cls) -> None:
        """Refuse to start when a required setting is missing (production only)."""

    @classmethod
    def init_app(cls, app) -> None:
        """Finish the app's configuration once its instance folder exists."""


class DevelopmentConfig(Config):
    DEBUG = False
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")

    @classmethod
    def init_app(cls, app) -> None:
        if not app.config["SECRET_KEY"]:
            app.config["SECRET_KEY"] = development_secret_key(Path(app.instance_path))


def development_secret_key(instance: Path) -> str:
    """A random key made once per checkout and kept in instance/secret_key (never in the
    repository: instance/ is ignored), so sessions survive a restart of the development server."""
    path = instance / SECRET_KEY_FILE
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text().strip()
        if len(key) >= MIN_SECRET_KEY_LENGTH:
            return key
        path.unlink()
        return development_secret_key(instance)
    key = secrets.token_hex(32)
    with os.fdopen(descriptor, "w") as file:
        file.write(key)
    return key


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_ENABLED = False
    LOG_FORMAT = "text"
    SERVER_NAME = None
    WEBHOOK_ALLOW_LOOPBACK = True
    WEBHOOK_TIMEOUT_SECONDS = 2.0


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS = True

    @classmethod
    def validate(cls) -> None:
        missing = []
        if not cls.SECRET_KEY or len(cls.SECRET_KEY) < MIN_SECRET_KEY_LENGTH:
            missing.append(
                f"SECRET_KEY (a random value of at least {MIN_SECRET_KEY_LENGTH} characters, "
                "e.g. from `python -c 'import secrets; print(secrets.token_hex(32))'`)"
            )
        if not os.environ.get("DATABASE_URL"):
            missing.append("DATABASE_URL (e.g. postgresql+psycopg://portal@db/portal)")
        if not os.environ.get("PUBLIC_BASE_URL", "").startswith("https://"):
            missing.append(
                "PUBLIC_BASE_URL (the portal's public https:// address, used in e-mails "
                "and in the register's links)"
            )
        if cls.STORAGE_BACKEND not in ("database", "s3"):
            missing.append("STORAGE_BACKEND as 'database' or 's3'")
        elif cls.STORAGE_BACKEND == "s3" and not cls.STORAGE_S3_BUCKET:
            missing.append("STORAGE_S3_BUCKET (the object store's bucket, with STORAGE_BACKEND=s3)")
        if missing:
            raise RuntimeError(
                "The portal runs in production (PORTAL_ENV is unset or 'production') and "
                "refuses to start without: "
                + "; ".join(missing)
                + ". For a development server set PORTAL_ENV=development (make run does)."
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None) -> type[Config]:
    """The configuration class for PORTAL_ENV (production when unset)."""
    name = name or os.environ.get("PORTAL_ENV") or DEFAULT_ENV
    if name not in CONFIGS:
        raise RuntimeError(
            f"PORTAL_ENV={name!r} is not one of {', '.join(CONFIGS)} (unset means production)."
        )
    return CONFIGS[name]
