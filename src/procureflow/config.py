"""Settings, read from ``PROCUREFLOW_*`` environment variables and a ``.env`` file."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from procureflow.domain.egress import EgressPolicy
from procureflow.errors import ConfigError

DEFAULT_SECRET_KEY = "change-me-procureflow-dev-secret"
MIN_SECRET_LENGTH = 32
GENERATE_HINT = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'


class Settings(BaseSettings):
    """Everything an operator can set. Defaults make a laptop install work unchanged."""

    model_config = SettingsConfigDict(
        env_prefix="PROCUREFLOW_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = Field(
        default="sqlite:///./procureflow.db",
        description="SQLAlchemy URL: sqlite:///FILE or postgresql+psycopg://USER@HOST/DB",
    )
    data_dir: Path = Field(
        default=Path("./procureflow-data"),
        description="Content-addressed document store and other local files",
    )
    application_version: str = Field(
        default="procureflow-1",
        description="DBOS application version: workers recover only workflows of their version",
    )
    executor_id: str = Field(default="local", description="Stable id of this worker process")
    db_pool_size: int = Field(
        default=5,
        ge=1,
        description="Database connections each process keeps open for its own stores "
        "(PostgreSQL; see docs/deployment.md for the connection budget)",
    )
    db_max_overflow: int = Field(
        default=5, ge=0, description="Extra store connections a process may open at a peak"
    )
    engine_pool_size: int = Field(
        default=10,
        ge=2,
        description="Connections each process's durable engine keeps for its own tables "
        "(checkpoints, queue, messages)",
    )
    startup_wait_seconds: float = Field(
        default=300.0,
        ge=0,
        description="How long serve and worker wait for an unreachable database at start "
        "before giving up (0: do not wait)",
    )
    executor_heartbeat_seconds: float = Field(
        default=10.0, gt=0, description="How often a process running the engine says it lives"
    )
    executor_silent_after_seconds: float = Field(
        default=60.0,
        gt=0,
        description="Silence after which an executor's pending instances are reported (and "
        "handed over with executor_auto_recover); keep it several heartbeats long",
    )
    executor_auto_recover: bool = Field(
        default=True,
        description="Hand a silent executor's pending instances to live workers by itself "
        "(off: only `procureflow workers recover` does)",
    )
    queue_poll_seconds: float = Field(
        default=0.2,
        gt=0,
        le=5,
        description="How often an engine process looks for queued instances (lower: "
        "instances start sooner; higher: less CPU and database load when idle)",
    )
    transient_fault_retries: int = Field(
        default=3,
        ge=0,
        description="Times an instance that faulted because the database was unreachable is "
        "retried by itself (pauses of 30 s, 60 s, 120 s …); 0: only by an operator",
    )
    intake_max_queued: int = Field(
        default=2000,
        ge=0,
        description="Instances waiting for a worker beyond which new events and instances "
        "are refused with 503 and Retry-After (0: never refuse)",
    )
    intake_retry_after_seconds: int = Field(
        default=5, ge=1, description="The Retry-After a refused intake request is told"
    )
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = Field(
        default=None,
        description="Address suppliers and people reach this server at (links in mails), "
        "e.g. https://procure.example.com; default http://HOST:PORT",
    )
    base_currency: str = "EUR"
    plant_location: str = "DEHAM"
    approval_sla_hours: float = 24.0
    cost_of_capital: float = Field(
        default=0.08, description="Yearly rate (0.08 = 8 %) an early-payment discount must beat"
    )
    secret_key: SecretStr = Field(
        default=SecretStr(DEFAULT_SECRET_KEY),
        description="Signs confirm/decline links, session CSRF tokens and login forms; "
        f"at least {MIN_SECRET_LENGTH} characters outside demo mode",
    )
    keystore_passphrase: SecretStr | None = Field(
        default=None,
        description="Encrypts the PKCS#12 signing keys; required outside demo mode (in demo "
        "mode one is derived from the secret key)",
    )
    demo_mode: bool = Field(
        default=False,
        description="A demonstration install: the shipped secret key and a derived keystore "
        "passphrase are accepted (never for real use; `procureflow demo` sets it)",
    )
    api_token_days: float = Field(
        default=90.0, gt=0, description="Default lifetime of a new API token, in days"
    )
    login_max_failures: int = Field(
        default=5,
        ge=1,
        description="Failed logins for one user name within the window before a lockout",
    )
    login_max_failures_per_address: int = Field(
        default=20,
        ge=1,
        description="Failed logins from one client address within the window before a lockout",
    )
    login_window_minutes: float = Field(
        default=15.0, gt=0, description="How far back failed logins are counted"
    )
    login_lockout_minutes: float = Field(
        default=15.0, gt=0, description="How long a locked-out user name or address is refused"
    )
    rfq_link_max_hours: float = Field(
        default=336.0,
        gt=0,
        description="Longest a supplier's confirm/decline link stays valid, whatever the "
        "event or playbook asks (default 14 days)",
    )
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_sender: str = "procureflow@localhost"
    llm_model: str | None = Field(
        default=None, description="pydantic-ai model name; empty means rule-based extraction"
    )
    log_level: str = "WARNING"
    function_modules: list[str] = Field(
        default_factory=list,
        description="Python modules whose `procureflow_functions(services)` returns extra "
        "custom functions for playbooks (besides the `procureflow.functions` entry point)",
    )
    matching_tolerances_file: Path | None = Field(
        default=None,
        description="YAML of invoice-matching tolerances: default, per category, charges "
        "(see docs/invoices-and-payments.md); default: the shipped tolerances",
    )
    policy_file: Path | None = Field(
        default=None, description="Policy YAML in force (default: the shipped policy)"
    )
    monitor_schedules: dict[str, str] = Field(
        default_factory=dict,
        description="Cron (with seconds) per monitor or 'notifications'; 'off' disables one",
    )
    monitor_rules_file: Path | None = Field(
        default=None, description="Monitor rules YAML (default: the shipped monitors.yaml)"
    )
    notification_retry_seconds: float = 30.0
    notification_max_attempts: int = 5
    notification_digest_threshold: int = 3
    webhook_timeout_seconds: float = 10.0
    egress_allow: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Destinations outbound calls (playbook HTTP/OpenAPI calls, webhooks) may "
        "reach although they are not public: host names (*.suffix for sub-domains), "
        "host:port, IP addresses or CIDR networks, comma-separated or a JSON list, e.g. "
        "'10.20.0.0/16,erp.corp.internal:8443'. Everything else that is loopback, private, "
        "link-local, CGNAT, multicast, reserved or a cloud metadata service is refused "
        "(see docs/playbooks.md, 'Outbound calls and the egress policy')",
    )

    @field_validator("egress_allow", mode="before")
    @classmethod
    def _split_egress_allow(cls, value: Any) -> Any:
        """Accept ``a,b`` and ``["a", "b"]`` from the environment; check every entry."""
        if isinstance(value, str):
            text = value.strip()
            value = json.loads(text) if text.startswith("[") else text.split(",")
        if isinstance(value, list | tuple):
            entries = [str(v).strip() for v in value if str(v).strip()]
            EgressPolicy.from_entries(entries)  # ValueError names a bad entry
            return entries
        return value

    def egress_policy(self) -> EgressPolicy:
        """The egress policy these settings describe (deny non-public, allow the list)."""
        return EgressPolicy.from_entries(self.egress_allow)


def check_startup_secrets(settings: Settings) -> None:
    """Refuse to serve or execute with secrets anyone can know.

    Called by the processes that serve or run playbooks (``serve``, ``worker``, ``playbooks
    run``, the ``create_app`` factory without explicit settings), not by ``Settings()``:
    library code and tests build settings freely. With the shipped secret key anyone can
    forge a supplier's confirm/decline link and compute the derived keystore passphrase,
    so outside demo mode both must be set. Raises ``ConfigError`` with a one-line message.
    """
    if settings.demo_mode:
        return
    secret = settings.secret_key.get_secret_value()
    if secret == DEFAULT_SECRET_KEY or len(secret) < MIN_SECRET_LENGTH:
        reason = "is the shipped default" if secret == DEFAULT_SECRET_KEY else "is too short"
        raise ConfigError(
            f"PROCUREFLOW_SECRET_KEY {reason}; set at least {MIN_SECRET_LENGTH} random "
            f"characters, e.g. from: {GENERATE_HINT} (or PROCUREFLOW_DEMO_MODE=true for a demo)"
        )
    passphrase = settings.keystore_passphrase
    if passphrase is None or not passphrase.get_secret_value():
        raise ConfigError(
            "PROCUREFLOW_KEYSTORE_PASSPHRASE is not set; set a passphrase for the signing "
            f"keys, e.g. from: {GENERATE_HINT} (see docs/documents.md to move an existing "
            "keystore)"
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()


__all__ = [
    "DEFAULT_SECRET_KEY",
    "GENERATE_HINT",
    "MIN_SECRET_LENGTH",
    "Settings",
    "check_startup_secrets",
    "get_settings",
]
