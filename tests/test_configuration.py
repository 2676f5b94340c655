"""PORTAL_ENV defaults to production; production refuses to start without its settings;
development keeps a generated secret key under instance/ (issue 15, "No public secret key")."""

import stat

import pytest

import portal
from config import DevelopmentConfig, ProductionConfig
from portal import create_app


@pytest.fixture
def bare_environment(monkeypatch, tmp_path):
    """No PORTAL_ENV, SECRET_KEY, DATABASE_URL or PUBLIC_BASE_URL; instance/ in tmp_path."""
    for name in ("PORTAL_ENV", "SECRET_KEY", "DATABASE_URL", "PUBLIC_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", None)
    monkeypatch.setattr(DevelopmentConfig, "SECRET_KEY", None)
    monkeypatch.setattr(portal, "INSTANCE_DIR", tmp_path)
    return tmp_path


def test_without_portal_env_the_app_is_production_and_refuses_to_start(bare_environment):
    with pytest.raises(RuntimeError) as refused:
        create_app()
    message = str(refused.value)
    assert "production" in message
    for setting in ("SECRET_KEY", "DATABASE_URL", "PUBLIC_BASE_URL", "PORTAL_ENV=development"):
        assert setting in message
    assert not (bare_environment / "secret_key").exists()


def test_production_starts_with_its_settings(bare_environment, monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "k" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://portal.example")
    app = create_app()
    assert app.config["SECRET_KEY"] == "k" * 40
    assert app.config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize("address", ["http://portal.example", ""])
def test_production_needs_an_https_public_address(bare_environment, monkeypatch, address):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "k" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("PUBLIC_BASE_URL", address)
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL") as refused:
        create_app("production")
    assert "SECRET_KEY" not in str(refused.value)


def test_an_unknown_portal_env_is_refused_by_name(bare_environment, monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "prod")
    with pytest.raises(RuntimeError, match="PORTAL_ENV='prod'"):
        create_app()


def test_development_generates_a_secret_key_once_and_keeps_it(bare_environment, monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "development")
    first = create_app()
    key_file = bare_environment / "secret_key"
    assert key_file.read_text() == first.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # A restart reads the same key (sessions survive); another checkout gets another key.
    assert create_app().config["SECRET_KEY"] == first.config["SECRET_KEY"]
    monkeypatch.setattr(portal, "INSTANCE_DIR", bare_environment / "elsewhere")
    assert create_app().config["SECRET_KEY"] != first.config["SECRET_KEY"]


def test_development_uses_a_secret_key_given_in_the_environment(bare_environment, monkeypatch):
    monkeypatch.setattr(DevelopmentConfig, "SECRET_KEY", "given-" * 8)
    assert create_app("development").config["SECRET_KEY"] == "given-" * 8
    assert not (bare_environment / "secret_key").exists()


@pytest.mark.parametrize(
    ("backend", "bucket", "refusal"),
    [("s3", None, "STORAGE_S3_BUCKET"), ("files", None, "STORAGE_BACKEND"), ("s3", "b", None)],
)
def test_production_needs_a_bucket_for_the_object_store(
    bare_environment, monkeypatch, backend, bucket, refusal
):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "k" * 40)
    monkeypatch.setattr(ProductionConfig, "STORAGE_BACKEND", backend)
    monkeypatch.setattr(ProductionConfig, "STORAGE_S3_BUCKET", bucket)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://portal.example")
    if refusal is None:
        assert create_app("production").config["STORAGE_S3_BUCKET"] == bucket
        return
    with pytest.raises(RuntimeError, match=refusal):
        create_app("production")
