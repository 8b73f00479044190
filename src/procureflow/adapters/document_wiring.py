"""Builds the document service from settings: the local content store under
``data_dir``, the SQL catalog and audit ledger, the keystore and this worker's converter.

The keystore passphrase is the ``keystore_passphrase`` setting
(``PROCUREFLOW_KEYSTORE_PASSPHRASE``). Without it one is derived from the secret key: that
is accepted only in demo mode (``check_startup_secrets`` refuses to serve or run without
it), because anyone who knows the secret key could then open the signing keys.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.document_catalog import SqlDocumentCatalog
from procureflow.adapters.db.engine import create_engine
from procureflow.adapters.llm_documents import document_classifier_from_settings
from procureflow.adapters.storage import LocalContentStore
from procureflow.config import Settings, get_settings
from procureflow.documents.convert import worker_converter
from procureflow.documents.keys import Keystore
from procureflow.documents.service import DocumentService

MAX_DOCUMENT_BYTES = int(os.environ.get("PROCUREFLOW_DOCUMENT_MAX_BYTES", str(50 * 1024 * 1024)))


def derived_keystore_passphrase(settings: Settings) -> str:
    """The passphrase a demo install derives from its secret key (and every install did
    before the passphrase became its own setting)."""
    secret = settings.secret_key.get_secret_value().encode()
    return hmac.new(secret, b"procureflow keystore", hashlib.sha256).hexdigest()


def keystore_passphrase(settings: Settings) -> str:
    """The passphrase protecting the PKCS#12 files: the setting, else the derived one."""
    explicit = settings.keystore_passphrase
    if explicit is not None and explicit.get_secret_value():
        return explicit.get_secret_value()
    return derived_keystore_passphrase(settings)


def build_document_service(settings: Settings | None = None, engine: Any = None) -> DocumentService:
    """A document service on the configured database (or the given engine) and data
    directory."""
    settings = settings or get_settings()
    eng = engine if engine is not None else create_engine(settings.database_url)
    data_dir = Path(settings.data_dir)
    store = LocalContentStore(data_dir / "documents", max_bytes=MAX_DOCUMENT_BYTES)
    catalog = SqlDocumentCatalog(eng, SqlAuditLog(eng))
    keystore = Keystore(data_dir / "keys", keystore_passphrase(settings))
    work = data_dir / "work" / f"{settings.executor_id}-{os.getpid()}"
    return DocumentService(
        store,
        catalog,
        keystore,
        converter=lambda: worker_converter(work),
        organisation="ProcureFlow",
        llm=document_classifier_from_settings(settings.llm_model),
    )


_DEFAULT: DocumentService | None = None
_LOCK = threading.Lock()


def default_document_service() -> DocumentService:
    """One service per process, built on first use from the settings."""
    global _DEFAULT
    with _LOCK:
        if _DEFAULT is None:
            _DEFAULT = build_document_service()
        return _DEFAULT


def cached_document_service(settings: Settings, engine: Any) -> Callable[[], DocumentService]:
    """A factory building the service on first call and returning the same one after; for
    ``document_functions(cached_document_service(settings, engine))``."""
    built: list[DocumentService] = []

    def factory() -> DocumentService:
        with _LOCK:
            if not built:
                built.append(build_document_service(settings, engine))
            return built[0]

    return factory


__all__ = [
    "build_document_service",
    "cached_document_service",
    "default_document_service",
    "derived_keystore_passphrase",
    "keystore_passphrase",
]
