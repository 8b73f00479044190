"""Supply disruption: the sample supplier mails in, recovery plans approved and executed.

The demo company's master data and open orders are stored (once); every sample delay
notice is ingested as ``procureflow ingest email`` does. Where the policy asks a person,
the demo person holding the approval's current role approves; the alternative suppliers
confirm their requests for quote through the signed links of their mail. The six-week
delay of Huaxin's motors ends in a new PO to the alternative and the delayed PO reduced;
notices no alternative can cover and the mail of an unknown sender end as exceptions for
the orchestrator. Run again, the same mails start nothing (each mail counts once).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from procureflow.adapters.db.master_repository import MasterDataRepository
from procureflow.adapters.db.purchase_order_store import PurchaseOrderStore
from procureflow.adapters.storage import LocalContentStore
from procureflow.demo import demo_emails
from procureflow.demo.scenarios.base import ScenarioResult

# the demo people decide pending approvals the same way in every scenario
from procureflow.demo.scenarios.guarded_purchase import approve_along_chain
from procureflow.runtime.disruption_intake import MAIL_SOURCE, answer_rfq, start_from_mail
from procureflow.runtime.disruption_seed import ensure_demo_world
from procureflow.runtime.mail_intake import read_supplier_mail
from procureflow.runtime.services import Services

TITLE = "Supply disruption (delay mails to executed recovery plans)"
MAILS = (
    "01_delay_en_huaxin_motors.eml",
    "02_delay_de_brandt_housings.eml",
    "03_delay_fr_dufresne_seals.eml",
    "04_delay_en_isar_new_date.eml",
    "07_delay_unknown_sender.eml",
)
MAIN_MAIL = MAILS[0]
SETTLED = {"completed", "faulted", "cancelled"}


def _ingest(svc: Services, name: str, raw: bytes) -> list[str]:
    """Read and ingest one mail; the instances it started now or on an earlier run."""
    store = LocalContentStore(Path(svc.settings.data_dir) / "documents")
    mail, reading = read_supplier_mail(
        raw, source=name, master=MasterDataRepository(svc.engine), quarantine=store, archive=store
    )
    started = start_from_mail(svc, mail, reading, file=name, actor="demo")
    if started["duplicate"]:
        earlier = svc.events.get(MAIL_SOURCE, f"mail-{mail.sha256}") or {}
        return list(earlier.get("started") or [])
    return list(started["started"])


def confirm_quotes(svc: Services, data: dict[str, Any]) -> int:
    """As the suppliers: confirm the latest round of requests (a repeat changes nothing)."""
    rounds = [
        t["output"]["rfq"]
        for t in data["tasks"]
        if t["name"] == "requestQuotes" and t["status"] == "completed"
    ]
    if not rounds:
        return 0
    answered = 0
    for request in rounds[-1]["requests"]:
        token = request["confirm_url"].rsplit("/", 2)[-2]
        answered += bool(answer_rfq(svc, token, "confirmed")["recorded"])
    return answered


def _drive(
    svc: Services, instance_id: str, people: dict[str, Any], timeout: float = 90.0
) -> tuple[dict[str, Any], list[str]]:
    """Act for the people and suppliers until the instance settles."""
    approvals: list[str] = []
    deadline = time.monotonic() + timeout
    data = svc.instances.instance(instance_id)
    while data["status"] not in SETTLED and time.monotonic() < deadline:
        if data["status"] == "waiting":
            decided = approve_along_chain(svc, instance_id, people)
            approvals += decided
            if not decided:
                confirm_quotes(svc, data)
        time.sleep(0.1)
        data = svc.instances.instance(instance_id)
    return data, approvals


def run(svc: Services, people: dict[str, Any]) -> ScenarioResult:
    """Ingest the sample delay mails and see each through to its end."""
    ensure_demo_world(svc)
    orders = PurchaseOrderStore(svc.engine, svc.audit)
    mails = demo_emails()
    instances: list[str] = []
    approvals: list[str] = []
    details: dict[str, Any] = {}
    problems = []
    for name in MAILS:
        started = _ingest(svc, name, mails[name])
        if not started:
            problems.append(f"{name}: no playbook started")
            continue
        data, decided = _drive(svc, started[0], people)
        instances.append(started[0])
        approvals += decided
        output = data["output"] or {}
        details[name] = {
            "instance": started[0],
            "status": data["status"],
            "outcome": output.get("outcome"),
            "purchase_orders": [
                f"{o.po.po_number} {o.po.supplier_id} {o.po.total} {o.po.currency}"
                for o in orders.list(origin=started[0])
            ],
        }
        if data["status"] != "completed":
            problems.append(f"{name}: {data['status']} {data.get('error') or ''}".strip())
    main = details.get(MAIN_MAIL, {})
    if main.get("outcome") != "executed":
        problems.append(f"{MAIN_MAIL}: outcome {main.get('outcome')}, expected executed")
    unknown = details.get(MAILS[-1], {})
    if unknown.get("outcome") != "unknown_sender":
        problems.append(f"{MAILS[-1]}: outcome {unknown.get('outcome')}, expected unknown_sender")
    return ScenarioResult(
        name=TITLE,
        ok=not problems,
        instances=instances,
        approvals=approvals,
        details=details,
        problem="; ".join(problems) or None,
    )


__all__ = ["MAILS", "TITLE", "confirm_quotes", "run"]
