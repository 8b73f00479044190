"""The recovery over HTTP only: the mail gateway posts the delay notice, the approver
decides in the approvals API, the supplier clicks the link of its request for quote."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.purchase_order_store import PurchaseOrderStore
from procureflow.adapters.db.user_store import UserStore
from procureflow.api.app import create_app
from procureflow.config import Settings
from procureflow.runtime.disruption_seed import ensure_demo_world
from procureflow.runtime.services import Services
from tests.conftest import reset_dbos_tables
from tests.e2e.disruption_helpers import demo_mail

RFC822 = {"Content-Type": "message/rfc822"}


@pytest.fixture
def api(settings: Settings, engine: sa.Engine) -> Iterator[tuple[TestClient, dict[str, Any]]]:
    reset_dbos_tables(settings.database_url)
    users = UserStore(engine, SqlAuditLog(engine))
    users.add("gateway", roles=["orchestrator"])
    users.add("felix", roles=["cfo", "budget_owner"])
    tokens = {
        who: {"Authorization": f"Bearer {users.issue_token(who)}"} for who in ("gateway", "felix")
    }
    with TestClient(create_app(start_engine=True, settings=settings)) as client:
        svc: Services = client.app.state.services  # type: ignore[attr-defined]
        ensure_demo_world(svc)
        yield client, tokens


def _poll(client: TestClient, auth: dict[str, str], path: str, check: Any) -> Any:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        body = client.get(path, headers=auth).json()
        if check(body):
            return body
        time.sleep(0.1)
    raise AssertionError(f"{path} never got there: {body}")


def test_mail_in_approval_and_supplier_click_over_http(
    api: tuple[TestClient, dict[str, Any]], engine: sa.Engine
) -> None:
    client, tokens = api
    posted = client.post(
        "/api/v1/inbox/email", content=demo_mail(), headers={**RFC822, **tokens["gateway"]}
    )
    assert posted.status_code == 200, posted.text
    started = posted.json()["playbook"]
    assert started["playbook"] == "supply-disruption" and not started["duplicate"]
    instance_id = started["started"][0]

    approvals = _poll(
        client,
        tokens["felix"],
        "/api/v1/approvals?status=pending",
        lambda rows: any(a["instance_id"] == instance_id for a in rows),
    )
    approval = next(a for a in approvals if a["instance_id"] == instance_id)
    decided = client.post(
        f"/api/v1/approvals/{approval['id']}/decision",
        json={"decision": "approve", "digest": approval["digest"], "comment": "go"},
        headers=tokens["felix"],
    )
    assert decided.status_code == 200, decided.text

    def rfq_sent(data: dict[str, Any]) -> bool:
        return data["status"] == "waiting" and any(
            t["name"] == "requestQuotes" and t["status"] == "completed" for t in data["tasks"]
        )

    data = _poll(client, tokens["gateway"], f"/api/v1/instances/{instance_id}", rfq_sent)
    rfq = next(t for t in data["tasks"] if t["name"] == "requestQuotes")["output"]["rfq"]
    link = rfq["requests"][0]["confirm_url"]
    path = link[link.index("/api/v1/") :]
    opened = client.get(path)  # opening the link shows the request and changes nothing
    assert opened.status_code == 200 and "MTR-7K5-400" in opened.text
    assert "<td>1660</td>" in opened.text  # the offer: the quantity the mail asks for
    assert client.get(path, headers={"Accept": "application/json"}).json()["answered"] is None
    clicked = client.post(path)  # no login: the signed link is the supplier's authority
    assert clicked.status_code == 200 and clicked.json()["recorded"] is True

    done = _poll(
        client,
        tokens["gateway"],
        f"/api/v1/instances/{instance_id}",
        lambda d: d["status"] in ("completed", "faulted"),
    )
    assert done["status"] == "completed" and done["output"]["outcome"] == "executed"
    orders = PurchaseOrderStore(engine).list(origin=instance_id)
    assert [o.po.supplier_id for o in orders] == ["SUP-KOWALSKI"]
    again = client.post(
        "/api/v1/inbox/email", content=demo_mail(), headers={**RFC822, **tokens["gateway"]}
    )
    assert again.json()["playbook"]["duplicate"] is True
