"""Signed contracts and what the signature starts: onboarding tasks, the project
workspace (milestones), the compliance record (certificates) and the denied-party list.

Every write is idempotent: a contract is keyed by its file's SHA-256, tasks by contract
and task name, milestones by contract and milestone id, so a replayed playbook step or a
second ingestion of the same file changes nothing. Writes append to the audit stream
``contract:<id>`` in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from procureflow.adapters.db.audit_store import SqlAuditLog, insert_if_absent
from procureflow.adapters.db.denied_party_proposals import DeniedPartyProposals
from procureflow.adapters.db.master_repository import MasterDataRepository
from procureflow.adapters.db.screening_store import ScreeningRecords, normalised_party_name
from procureflow.adapters.db.tables_payables import (
    compliance_certificates,
    contract_milestones,
    onboarding_tasks,
    signed_contracts,
)
from procureflow.documents.contract_terms import ContractTerms
from procureflow.documents.contract_terms.linking import SupplierLink, link_contract
from procureflow.domain.clock import utcnow
from procureflow.domain.master import Supplier
from procureflow.domain.purchase_order import Milestone
from procureflow.errors import Conflict, InvalidInput, NotFound

REQUIRED_FOR_SIGNATURE = ("supplier", "value", "payment_terms")


UNLINKED = "unlinked"


def _contract_json(row: sa.Row[Any]) -> dict[str, Any]:
    return {
        "contract_id": row.contract_id,
        "contract_number": row.contract_number,
        "source_name": row.source_name,
        "source_sha256": row.source_sha256,
        "supplier_id": row.supplier_id or None,
        "supplier_name": row.supplier_name,
        "category": row.category or None,
        "value": {"amount": str(row.value), "currency": row.currency},
        "status": row.status,
        "po_number": row.po_number,
        "signed_by": row.signed_by,
        "signed_at": row.signed_at.isoformat(),
        "origin": row.origin,
        "terms": row.terms,
    }


def _milestone_json(row: sa.Row[Any]) -> dict[str, Any]:
    return {
        "contract_id": row.contract_id,
        "milestone_id": row.milestone_id,
        "po_number": row.po_number,
        "name": row.name,
        "due_date": row.due_date.isoformat() if row.due_date else None,
        "amount": {"amount": str(row.amount), "currency": row.currency},
        "completed_on": row.completed_on.isoformat() if row.completed_on else None,
        "completed_by": row.completed_by,
    }


class ContractStore(ScreeningRecords, DeniedPartyProposals):
    """Signed contracts, onboarding, workspace, compliance record and screening list."""

    def __init__(self, engine: sa.Engine, audit: SqlAuditLog) -> None:
        self.engine = engine
        self.audit = audit

    # -- contracts ---------------------------------------------------------------------
    def record_signed(
        self, terms: ContractTerms, *, actor: str, origin: str
    ) -> tuple[dict[str, Any], bool]:
        """Store a signed contract once per file; returns it and whether this call stored
        (or, for a contract kept unlinked before, now linked) it.

        The contract is linked to the supplier master (:func:`link_contract`: VAT id,
        then registered name) and gets the category it states or its supplier's. When
        neither the supplier nor a category can be settled it is kept with status
        ``unlinked`` and no supplier id, and ``supplier_link`` says why: a person decides,
        nothing is made up. Ingesting the same file again once the master knows the
        supplier links it. Refuses (InvalidInput, nothing stored) a contract whose
        supplier, value or payment terms could not be read: no PO can be drafted from it.
        """
        missing = [name for name in REQUIRED_FOR_SIGNATURE if name in terms.missing]
        if missing:
            raise InvalidInput(
                f"contract terms could not be read: {', '.join(missing)}; "
                "nothing was recorded (fix the document or enter the terms by hand)",
                subject=terms.source,
            )
        assert terms.supplier is not None and terms.value is not None
        master = MasterDataRepository(self.engine).records("suppliers")
        link = link_contract(terms, [s for s in master if isinstance(s, Supplier)])
        if link.supplier_id is not None and link.category is None:
            link = replace(
                link,
                supplier_id=None,
                reason=f"{link.reason}: neither the contract nor the supplier names a category",
            )
        linked = link.supplier_id is not None
        contract_id = "ct-" + terms.source_sha256[:20]
        with self.engine.begin() as conn:
            created = insert_if_absent(
                conn,
                signed_contracts,
                {
                    "contract_id": contract_id,
                    "source_sha256": terms.source_sha256,
                    "source_name": terms.source[:500],
                    "contract_number": terms.contract_number,
                    "supplier_id": link.supplier_id or "",
                    "supplier_name": terms.supplier.name[:300],
                    "category": link.category or "",
                    "currency": terms.value.currency,
                    "value": terms.value.amount,
                    "terms": terms.to_json(),
                    "status": "signed" if linked else UNLINKED,
                    "po_number": None,
                    "signed_by": actor,
                    "signed_at": utcnow(),
                    "origin": origin,
                },
            )
            if not created and linked:
                created = self._link_if_unlinked(conn, contract_id, link, actor)
            elif created:
                self.audit.append(
                    conn,
                    stream=f"contract:{contract_id}",
                    kind="contract.signed",
                    actor=actor,
                    subject=contract_id,
                    payload={
                        "sha256": terms.source_sha256,
                        "supplier": terms.supplier.name,
                        "supplier_id": link.supplier_id,
                        "linked_by": link.matched_by,
                        "link": link.reason,
                        "value": str(terms.value.amount),
                        "currency": terms.value.currency,
                        "origin": origin,
                    },
                )
        contract = self.get(contract_id)
        contract["supplier_link"] = {"matched_by": link.matched_by, "reason": link.reason}
        return contract, created

    def _link_if_unlinked(
        self, conn: sa.Connection, contract_id: str, link: SupplierLink, actor: str
    ) -> bool:
        """Link a contract kept unlinked to the supplier the master now knows (True if so)."""
        changed = conn.execute(
            signed_contracts.update()
            .where(
                signed_contracts.c.contract_id == contract_id,
                signed_contracts.c.status == UNLINKED,
            )
            .values(supplier_id=link.supplier_id, category=link.category, status="signed")
        ).rowcount
        if changed:
            self.audit.append(
                conn,
                stream=f"contract:{contract_id}",
                kind="contract.linked",
                actor=actor,
                subject=contract_id,
                payload={
                    "supplier_id": link.supplier_id,
                    "linked_by": link.matched_by,
                    "link": link.reason,
                },
            )
        return bool(changed)

    def get(self, contract_id: str) -> dict[str, Any]:
        """One contract (by id, contract number or PO number); NotFound otherwise."""
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(signed_contracts).where(
                    sa.or_(
                        signed_contracts.c.contract_id == contract_id,
                        signed_contracts.c.contract_number == contract_id,
                        signed_contracts.c.po_number == contract_id,
                    )
                )
            ).first()
        if row is None:
            raise NotFound(f"no signed contract {contract_id}", subject=contract_id)
        return _contract_json(row)

    def terms(self, contract_id: str) -> ContractTerms:
        """The extracted terms of a stored contract."""
        return ContractTerms.model_validate(self.get(contract_id)["terms"])

    def list_contracts(self, *, status: str | None = None) -> list[dict[str, Any]]:
        """Contracts, newest first."""
        query = sa.select(signed_contracts).order_by(signed_contracts.c.signed_at.desc())
        if status:
            query = query.where(signed_contracts.c.status == status)
        with self.engine.connect() as conn:
            return [_contract_json(r) for r in conn.execute(query)]

    def set_po(self, contract_id: str, po_number: str, status: str) -> None:
        """Record the PO issued for the contract (or the PO's refusal in ``status``)."""
        with self.engine.begin() as conn:
            conn.execute(
                signed_contracts.update()
                .where(signed_contracts.c.contract_id == contract_id)
                .values(po_number=po_number, status=status)
            )

    # -- onboarding --------------------------------------------------------------------
    def put_task(
        self, contract_id: str, task: str, *, owner_role: str, status: str, detail: dict[str, Any]
    ) -> None:
        """Create or update one onboarding task."""
        now = utcnow()
        with self.engine.begin() as conn:
            created = insert_if_absent(
                conn,
                onboarding_tasks,
                {
                    "contract_id": contract_id,
                    "task": task,
                    "owner_role": owner_role,
                    "status": status,
                    "detail": detail,
                    "updated_at": now,
                },
            )
            if not created:
                conn.execute(
                    onboarding_tasks.update()
                    .where(
                        onboarding_tasks.c.contract_id == contract_id,
                        onboarding_tasks.c.task == task,
                    )
                    .values(owner_role=owner_role, status=status, detail=detail, updated_at=now)
                )
            self.audit.append(
                conn,
                stream=f"contract:{contract_id}",
                kind="onboarding.task",
                actor="procureflow",
                subject=task,
                payload={"status": status, "owner_role": owner_role},
            )

    def tasks(self, contract_id: str) -> list[dict[str, Any]]:
        """The onboarding checklist of a contract."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(onboarding_tasks)
                .where(onboarding_tasks.c.contract_id == contract_id)
                .order_by(onboarding_tasks.c.task)
            )
            return [
                {
                    "task": r.task,
                    "owner_role": r.owner_role,
                    "status": r.status,
                    "detail": r.detail,
                    "updated_at": r.updated_at.isoformat(),
                }
                for r in rows
            ]

    # -- workspace ---------------------------------------------------------------------
    def add_milestones(
        self, contract_id: str, po_number: str, currency: str, milestones: Iterable[Milestone]
    ) -> int:
        """The contract's milestones in its project workspace; returns how many were new."""
        added = 0
        with self.engine.begin() as conn:
            for m in milestones:
                added += insert_if_absent(
                    conn,
                    contract_milestones,
                    {
                        "contract_id": contract_id,
                        "milestone_id": m.milestone_id,
                        "po_number": po_number,
                        "name": m.name[:300],
                        "due_date": m.due_date,
                        "amount": m.amount,
                        "currency": currency,
                        "completed_on": None,
                        "completed_by": None,
                    },
                )
        return added

    def milestones(self, contract_or_po: str) -> list[dict[str, Any]]:
        """The milestones of a contract (by contract id or PO number)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(contract_milestones)
                .where(
                    sa.or_(
                        contract_milestones.c.contract_id == contract_or_po,
                        contract_milestones.c.po_number == contract_or_po,
                    )
                )
                .order_by(contract_milestones.c.milestone_id)
            )
            return [_milestone_json(r) for r in rows]

    def milestone_values(self, po_number: str) -> tuple[Milestone, ...]:
        """The PO's milestones as matching needs them (completion included)."""
        return tuple(
            Milestone(
                milestone_id=m["milestone_id"],
                name=m["name"],
                amount=Decimal(m["amount"]["amount"]),
                due_date=date.fromisoformat(m["due_date"]) if m["due_date"] else None,
                completed_on=date.fromisoformat(m["completed_on"]) if m["completed_on"] else None,
            )
            for m in self.milestones(po_number)
        )

    def complete_milestone(
        self, contract_or_po: str, milestone_id: str, *, on: date, actor: str
    ) -> tuple[dict[str, Any], bool]:
        """Record a milestone completed; completing it again changes nothing (False)."""
        with self.engine.begin() as conn:
            row = conn.execute(
                sa.select(contract_milestones)
                .where(
                    sa.or_(
                        contract_milestones.c.contract_id == contract_or_po,
                        contract_milestones.c.po_number == contract_or_po,
                    ),
                    contract_milestones.c.milestone_id == milestone_id,
                )
                .with_for_update()
            ).first()
            if row is None:
                raise NotFound(
                    f"{contract_or_po} has no milestone {milestone_id}", subject=milestone_id
                )
            if row.completed_on is not None:
                return _milestone_json(row), False
            conn.execute(
                contract_milestones.update()
                .where(
                    contract_milestones.c.contract_id == row.contract_id,
                    contract_milestones.c.milestone_id == milestone_id,
                )
                .values(completed_on=on, completed_by=actor)
            )
            self.audit.append(
                conn,
                stream=f"contract:{row.contract_id}",
                kind="milestone.completed",
                actor=actor,
                subject=milestone_id,
                payload={"po_number": row.po_number, "completed_on": on.isoformat()},
            )
        done = next(
            m for m in self.milestones(row.contract_id) if m["milestone_id"] == milestone_id
        )
        return done, True

    # -- compliance record -------------------------------------------------------------
    def put_certificate(
        self,
        contract_id: str,
        supplier_id: str,
        certificate: str,
        valid_until: date | None,
        status: str,
    ) -> None:
        """Record a required certificate with its expiry (idempotent)."""
        with self.engine.begin() as conn:
            insert_if_absent(
                conn,
                compliance_certificates,
                {
                    "contract_id": contract_id,
                    "certificate": certificate[:100],
                    "supplier_id": supplier_id,
                    "valid_until": valid_until,
                    "status": status,
                    "updated_at": utcnow(),
                },
            )

    def certificates(self, contract_id: str) -> list[dict[str, Any]]:
        """The compliance record of a contract."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(compliance_certificates)
                .where(compliance_certificates.c.contract_id == contract_id)
                .order_by(compliance_certificates.c.certificate)
            )
            return [
                {
                    "certificate": r.certificate,
                    "valid_until": r.valid_until.isoformat() if r.valid_until else None,
                    "status": r.status,
                }
                for r in rows
            ]


def check_po_number_free(store: ContractStore, contract_id: str, po_number: str) -> None:
    """Conflict when another contract already took ``po_number``."""
    with store.engine.connect() as conn:
        other = conn.execute(
            sa.select(signed_contracts.c.contract_id).where(
                signed_contracts.c.po_number == po_number,
                signed_contracts.c.contract_id != contract_id,
            )
        ).first()
    if other is not None:
        raise Conflict(f"PO {po_number} already belongs to contract {other.contract_id}")


__all__ = ["UNLINKED", "ContractStore", "check_po_number_free", "normalised_party_name"]
