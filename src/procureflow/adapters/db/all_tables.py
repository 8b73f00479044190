"""Imports every tables module so ``metadata`` knows all tables (for Alembic and tests)."""

from __future__ import annotations

from procureflow.adapters.db import (
    tables,  # noqa: F401
    tables_auth,  # noqa: F401
    tables_documents,  # noqa: F401
    tables_exceptions,  # noqa: F401
    tables_master,  # noqa: F401
    tables_payables,  # noqa: F401
    tables_procurement,  # noqa: F401
)
