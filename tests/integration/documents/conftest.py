"""A document service on a migrated database, a temporary store and keystore, and one
warm LibreOffice shared by the module's tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.document_catalog import SqlDocumentCatalog
from procureflow.adapters.storage import LocalContentStore
from procureflow.documents.convert import Converter, WarmLibreOffice, soffice_path, uno_available
from procureflow.documents.keys import Keystore
from procureflow.documents.service import DocumentService

LIBREOFFICE_MISSING = soffice_path() is None or not uno_available()
SKIP_REASON = "LibreOffice headless (libreoffice-writer-nogui, python3-uno) is not installed"


@pytest.fixture(scope="session")
def warm_converter(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WarmLibreOffice]:
    if LIBREOFFICE_MISSING:
        pytest.skip(SKIP_REASON)
    converter = WarmLibreOffice(tmp_path_factory.mktemp("lo"), timeout=120)
    yield converter
    converter.close()


class _NoConverter:
    def convert(self, data: bytes, *, name: str = "document", pdfa: bool = False) -> object:
        pytest.skip(SKIP_REASON)

    def close(self) -> None:
        return None


@pytest.fixture
def service(engine: sa.Engine, tmp_path: Path, request: pytest.FixtureRequest) -> DocumentService:
    store = LocalContentStore(tmp_path / "store", max_bytes=20 * 1024 * 1024)
    keystore = Keystore(tmp_path / "keys", "integration passphrase")
    converter: Converter
    if LIBREOFFICE_MISSING:
        converter = _NoConverter()  # type: ignore[assignment]
    else:
        converter = request.getfixturevalue("warm_converter")
    svc = DocumentService(
        store,
        SqlDocumentCatalog(engine, SqlAuditLog(engine)),
        keystore,
        converter=lambda: converter,
    )
    svc.init_keys(actor="admin", organisation="Integration Buyer")
    return svc
