"""Builds the document service from settings: the local content store under
``data_dir``, the SQL catalog and audit ledger, the keystore and this worker's converter.

The keystore passphrase comes from ``PROCUREFLOW_KEYSTORE_PASSPHRASE``; without it, one is
derived from the installation's secret key (fine for a laptop, not for production).
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


def keystore_passphrase(settings: Settings) -> str:
    """The passphrase protecting the PKCS#12 files."""
    explicit = os.environ.get("PROCUREFLOW_KEYSTORE_PASSPHRASE")
    if explicit:
        return explicit
    return hmac.new(
        settings.secret_key.encode(), b"procureflow keystore", hashlib.sha256
    ).hexdigest()


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
    "keystore_passphrase",
]
