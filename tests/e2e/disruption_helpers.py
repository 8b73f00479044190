"""Helpers of the disruption end-to-end tests: demo world, mail in, approvals, answers."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from procureflow.adapters.db.master_repository import MasterDataRepository
from procureflow.adapters.db.purchase_order_store import PurchaseOrderStore
from procureflow.adapters.storage import LocalContentStore
from procureflow.demo import demo_emails
from procureflow.errors import NotFound
from procureflow.runtime.approvals import decide
from procureflow.runtime.disruption_intake import answer_rfq, start_from_mail
from procureflow.runtime.disruption_seed import ensure_demo_world
from procureflow.runtime.mail_intake import read_supplier_mail
from procureflow.runtime.services import Services
from tests.integration.runtime.helpers import wait_for as runtime_wait_for

MOTORS = "01_delay_en_huaxin_motors.eml"


def prepare(svc: Services) -> PurchaseOrderStore:
    """Demo master data and open orders stored; the PO store."""
    ensure_demo_world(svc)
    return PurchaseOrderStore(svc.engine, svc.audit)


def ingest(svc: Services, raw: bytes, name: str = "mail.eml") -> dict[str, Any]:
    """What ``procureflow ingest email`` does: read, keep, start the playbook."""
    store = LocalContentStore(Path(svc.settings.data_dir) / "documents")
    mail, reading = read_supplier_mail(
        raw,
        source=name,
        master=MasterDataRepository(svc.engine),
        quarantine=store,
        archive=store,
    )
    return start_from_mail(svc, mail, reading, file=name, actor="test")


def demo_mail(name: str = MOTORS) -> bytes:
    """One of the packaged demo mails."""
    return demo_emails()[name]


def wait_until(check: Any, what: str, timeout: float = 120.0) -> Any:
    """Poll ``check()`` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def pending_approval(svc: Services, instance_id: str) -> dict[str, Any]:
    """The instance's pending approval (waits for it)."""

    def find() -> dict[str, Any] | None:
        rows = [a for a in svc.approvals.inbox(status="pending") if a["instance_id"] == instance_id]
        return rows[0] if rows else None

    found: dict[str, Any] = wait_until(find, f"an approval of {instance_id}")
    return found


def approve(svc: Services, approval: dict[str, Any], *, yes: bool = True) -> dict[str, Any]:
    """Decide as a person holding the approval's current role."""
    role = str(approval["role"])
    users = svc.extras["users"]
    user_id = f"e2e-{role}"
    try:
        users.get(user_id)
    except NotFound:
        users.add(user_id, roles=[role])
    return decide(
        svc,
        str(approval["id"]),
        approver=user_id,
        approver_roles={role},
        approve=yes,
        quoted_digest=str(approval["digest"]),
        comment="e2e",
    )


def task_output(svc: Services, instance_id: str, name: str) -> Any:
    """The output of the latest completed run of task ``name``."""
    runs = [
        t
        for t in svc.instances.instance(instance_id)["tasks"]
        if t["name"] == name and t["status"] == "completed"
    ]
    return runs[-1]["output"] if runs else None


def rfq_round(svc: Services, instance_id: str, count: int = 1) -> dict[str, Any]:
    """The ``count``-th request-for-quote round of the instance, once it waits for answers."""

    def find() -> dict[str, Any] | None:
        data = svc.instances.instance(instance_id)
        runs = [
            t for t in data["tasks"] if t["name"] == "requestQuotes" and t["status"] == "completed"
        ]
        if len(runs) < count or data["status"] != "waiting":
            return None
        output: dict[str, Any] = runs[count - 1]["output"]["rfq"]
        return output

    found: dict[str, Any] = wait_until(find, f"RFQ round {count} of {instance_id}")
    return found


def click(svc: Services, url: str, reason: str | None = None) -> dict[str, Any]:
    """What the supplier's click on a link does."""
    token = url.rsplit("/", 2)[-2]
    decision = "confirmed" if url.endswith("/confirm") else "declined"
    return answer_rfq(svc, token, decision, reason)


def timeline(svc: Services, instance_id: str) -> list[str]:
    """The kinds of the instance's audit entries, in ledger order."""
    return [e.kind for e in svc.audit.entries(f"instance:{instance_id}")]


def wait_for(svc: Services, instance_id: str, *statuses: str, timeout: float = 120.0) -> Any:
    """The runtime helper's wait, with room for a busy machine (several engines share it)."""
    return runtime_wait_for(svc, instance_id, *statuses, timeout=timeout)
