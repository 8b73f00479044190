"""Processes that serve or execute refuse the shipped secret key and a missing keystore
passphrase outside demo mode; building ``Settings()`` in library code stays free."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from procureflow.cli import server
from procureflow.config import (
    DEFAULT_SECRET_KEY,
    Settings,
    check_startup_secrets,
    get_settings,
)
from procureflow.errors import ConfigError

GOOD_SECRET = "s" * 48
GOOD_PASSPHRASE = "p" * 40


app = typer.Typer()
server.register(app)


def _settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_settings_with_the_default_secret_can_still_be_built() -> None:
    settings = _settings()
    assert settings.secret_key.get_secret_value() == DEFAULT_SECRET_KEY
    assert DEFAULT_SECRET_KEY not in repr(settings)


def test_the_check_refuses_the_default_secret_outside_demo_mode() -> None:
    with pytest.raises(ConfigError, match="shipped default.*secrets.token_urlsafe"):
        check_startup_secrets(_settings(keystore_passphrase=GOOD_PASSPHRASE))


def test_the_check_refuses_a_short_secret() -> None:
    with pytest.raises(ConfigError, match="too short"):
        check_startup_secrets(_settings(secret_key="x" * 31, keystore_passphrase=GOOD_PASSPHRASE))


def test_the_check_refuses_a_missing_keystore_passphrase() -> None:
    with pytest.raises(ConfigError, match="KEYSTORE_PASSPHRASE"):
        check_startup_secrets(_settings(secret_key=GOOD_SECRET))


def test_the_check_accepts_real_secrets_and_demo_mode() -> None:
    check_startup_secrets(_settings(secret_key=GOOD_SECRET, keystore_passphrase=GOOD_PASSPHRASE))
    check_startup_secrets(_settings(demo_mode=True))


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Nothing really starts: uvicorn, the app and the worker's runtime only record."""
    import uvicorn

    import procureflow.api.app
    import procureflow.bootstrap

    started: list[str] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: started.append("uvicorn"))
    monkeypatch.setattr(
        procureflow.api.app, "create_app", lambda *a, **k: started.append("app") or object()
    )

    def runtime(*_a: Any, **_k: Any) -> None:
        started.append("runtime")
        raise SystemExit(0)

    monkeypatch.setattr(procureflow.bootstrap, "start_runtime", runtime)
    for name in ("SECRET_KEY", "KEYSTORE_PASSPHRASE", "DEMO_MODE"):
        monkeypatch.delenv(f"PROCUREFLOW_{name}", raising=False)
    get_settings.cache_clear()
    yield started
    get_settings.cache_clear()


def test_serve_refuses_default_secret_outside_demo_mode(no_server: list[str]) -> None:
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 1
    assert "PROCUREFLOW_SECRET_KEY" in result.stderr
    assert "secrets.token_urlsafe(48)" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert no_server == []


def test_worker_refuses_default_secret_outside_demo_mode(no_server: list[str]) -> None:
    result = CliRunner().invoke(app, ["worker"])
    assert result.exit_code == 1 and "PROCUREFLOW_SECRET_KEY" in result.stderr
    assert no_server == []


def test_serve_refuses_a_missing_keystore_passphrase(
    no_server: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROCUREFLOW_SECRET_KEY", GOOD_SECRET)
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 1 and "PROCUREFLOW_KEYSTORE_PASSPHRASE" in result.stderr
    assert no_server == []


def test_serve_starts_with_real_secrets_or_in_demo_mode(
    no_server: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROCUREFLOW_SECRET_KEY", GOOD_SECRET)
    monkeypatch.setenv("PROCUREFLOW_KEYSTORE_PASSPHRASE", GOOD_PASSPHRASE)
    assert CliRunner().invoke(app, ["serve"]).exit_code == 0
    monkeypatch.delenv("PROCUREFLOW_SECRET_KEY")
    monkeypatch.delenv("PROCUREFLOW_KEYSTORE_PASSPHRASE")
    monkeypatch.setenv("PROCUREFLOW_DEMO_MODE", "true")
    get_settings.cache_clear()
    assert CliRunner().invoke(app, ["serve"]).exit_code == 0
    assert no_server == ["app", "uvicorn", "app", "uvicorn"]


def test_the_app_factory_without_settings_checks_the_secrets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from procureflow.api.app import create_app

    for name in ("SECRET_KEY", "KEYSTORE_PASSPHRASE", "DEMO_MODE"):
        monkeypatch.delenv(f"PROCUREFLOW_{name}", raising=False)
    get_settings.cache_clear()
    with pytest.raises(ConfigError, match="PROCUREFLOW_SECRET_KEY"):
        create_app(start_engine=False)
    get_settings.cache_clear()
