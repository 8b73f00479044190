"""``procureflow orders`` and ``GET /api/v1/purchase-orders``: what was bought and changed."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
import typer
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.purchase_order_store import PurchaseOrderStore
from procureflow.api.app import create_app
from procureflow.cli import orders
from procureflow.config import Settings, get_settings
from procureflow.runtime.disruption_seed import ensure_demo_open_orders
from tests.auth_helpers import bearer_for

runner = CliRunner()


@pytest.fixture
def store(engine: sa.Engine) -> PurchaseOrderStore:
    store = PurchaseOrderStore(engine, SqlAuditLog(engine))
    ensure_demo_open_orders(store)
    store.reduce_quantity(
        "PO-2026-0412", "1", Decimal("200"), "cut-1", reason="recovery sources 250 elsewhere"
    )
    return store


def test_the_cli_lists_and_shows_orders_with_their_changes(
    store: PurchaseOrderStore, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROCUREFLOW_DATABASE_URL", database_url)
    monkeypatch.setenv("PROCUREFLOW_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    app = typer.Typer()
    app.add_typer(orders.app, name="orders")
    listed = runner.invoke(app, ["orders", "list", "--supplier", "SUP-HUAXIN", "--json"])
    assert listed.exit_code == 0, listed.output
    (row,) = json.loads(listed.stdout)
    assert (row["po_number"], row["status"], row["total"]) == (
        "PO-2026-0412",
        "reduced",
        "62000.00",
    )
    shown = runner.invoke(app, ["orders", "show", "PO-2026-0412", "--json"])
    change = json.loads(shown.stdout)["changes"][0]
    assert change["before"] == {"quantity": "450"} and change["after"] == {"quantity": "200"}
    assert change["reason"] == "recovery sources 250 elsewhere"
    missing = runner.invoke(app, ["orders", "show", "PO-NOPE"])
    assert missing.exit_code == 1 and "no purchase order PO-NOPE" in missing.output
    get_settings.cache_clear()


def test_the_api_lists_and_shows_orders(
    store: PurchaseOrderStore, engine: sa.Engine, database_url: str, tmp_path: Path
) -> None:
    settings = Settings(database_url=database_url, data_dir=tmp_path)
    auth = bearer_for(engine, "ben", "buyer")
    with TestClient(create_app(start_engine=False, settings=settings), headers=auth) as client:
        rows = client.get("/api/v1/purchase-orders", params={"open": True}).json()
        assert [r["po_number"] for r in rows] == [
            "PO-2026-0412", "PO-2026-0398", "PO-2026-0405", "PO-2026-0420", "PO-2026-0431"
        ]  # fmt: skip
        one = client.get("/api/v1/purchase-orders/PO-2026-0412").json()
        assert one["lines"][0]["original_quantity"] == "450" and one["changes"]
        missing = client.get("/api/v1/purchase-orders/PO-NOPE")
        assert missing.status_code == 404
        assert missing.headers["content-type"].startswith("application/problem+json")
    with TestClient(create_app(start_engine=False, settings=settings)) as anonymous:
        assert anonymous.get("/api/v1/purchase-orders").status_code == 401
