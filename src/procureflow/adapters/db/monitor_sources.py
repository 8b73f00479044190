"""What the monitors read: certificates, open milestones, match results, pending
approvals and suppliers' risk figures, each as one set-based query.

These queries are the monitors' only view of the other areas' tables (master data,
payables, approvals); a monitor pass over 100,000 milestones and 50,000 certificates
stays a handful of statements.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from procureflow.adapters.db.tables import approvals, audit_entries
from procureflow.adapters.db.tables_master import suppliers
from procureflow.adapters.db.tables_payables import (
    compliance_certificates,
    contract_milestones,
    invoices,
    match_results,
    signed_contracts,
)
from procureflow.domain.monitoring import CertificateRow, MilestoneRow

OK_DECISIONS = ("approve",)
"""Match decisions that count as accurate; anything else is a mismatch."""


def _contact(extra: Any) -> str | None:
    if isinstance(extra, dict):
        for key in ("contact_email", "compliance_email", "email"):
            if extra.get(key):
                return str(extra[key])
    return None


class SqlMonitorSources:
    """The monitors' queries on the relational store (``runtime.monitors.MonitorSources``)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def certificates(self) -> tuple[list[CertificateRow], dict[str, int]]:
        """Every certificate with an expiry (the latest expiry when listed twice)."""
        best: dict[tuple[str, str], CertificateRow] = {}
        names: dict[str, tuple[str, str | None]] = {}
        counted = {"suppliers": 0, "master_certificates": 0, "contract_certificates": 0}
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(
                    suppliers.c.supplier_id,
                    suppliers.c.name,
                    suppliers.c.certifications,
                    suppliers.c.extra,
                )
            )
            for supplier_id, name, certs, extra in rows:
                counted["suppliers"] += 1
                names[supplier_id] = (name, _contact(extra))
                for cert in certs or []:
                    counted["master_certificates"] += 1
                    row = CertificateRow(
                        supplier_id,
                        name,
                        str(cert["name"]),
                        date.fromisoformat(cert["expiry"]),
                        "master-data",
                        names[supplier_id][1],
                    )
                    _keep_latest(best, row)
            recorded = conn.execute(
                sa.select(
                    compliance_certificates.c.supplier_id,
                    compliance_certificates.c.certificate,
                    compliance_certificates.c.valid_until,
                    compliance_certificates.c.contract_id,
                ).where(compliance_certificates.c.valid_until.is_not(None))
            )
            for supplier_id, certificate, valid_until, contract_id in recorded:
                counted["contract_certificates"] += 1
                name, contact = names.get(supplier_id, (supplier_id, None))
                _keep_latest(
                    best,
                    CertificateRow(
                        supplier_id,
                        name,
                        certificate,
                        valid_until,
                        f"contract:{contract_id}",
                        contact,
                    ),
                )
        return list(best.values()), counted

    def open_milestones_due_by(self, day: date) -> tuple[list[MilestoneRow], dict[str, int]]:
        """Milestones not completed whose due date is on or before ``day``."""
        query = (
            sa.select(
                contract_milestones.c.contract_id,
                contract_milestones.c.milestone_id,
                contract_milestones.c.name,
                contract_milestones.c.due_date,
                contract_milestones.c.po_number,
                signed_contracts.c.supplier_id,
            )
            .select_from(
                contract_milestones.outerjoin(
                    signed_contracts,
                    signed_contracts.c.contract_id == contract_milestones.c.contract_id,
                )
            )
            .where(
                contract_milestones.c.completed_on.is_(None),
                contract_milestones.c.due_date.is_not(None),
                contract_milestones.c.due_date <= day,
            )
        )
        with self.engine.connect() as conn:
            found = [MilestoneRow(*row) for row in conn.execute(query)]
            open_count = conn.execute(
                sa.select(sa.func.count())
                .select_from(contract_milestones)
                .where(contract_milestones.c.completed_on.is_(None))
            ).scalar_one()
        return found, {"open_milestones": int(open_count)}

    def match_counts(self, start: datetime, end: datetime) -> dict[str, tuple[str, int, int]]:
        """Per supplier: (name, invoices matched, of them not approved) in ``[start, end)``."""
        mismatched = sa.case((match_results.c.decision.in_(OK_DECISIONS), 0), else_=1)
        query = (
            sa.select(
                invoices.c.supplier_key,
                sa.func.max(invoices.c.supplier_name),
                sa.func.count(),
                sa.func.sum(mismatched),
            )
            .select_from(
                match_results.join(invoices, invoices.c.invoice_id == match_results.c.invoice_id)
            )
            .where(match_results.c.created_at >= start, match_results.c.created_at < end)
            .group_by(invoices.c.supplier_key)
        )
        with self.engine.connect() as conn:
            return {
                key: (name, int(total), int(bad or 0))
                for key, name, total, bad in conn.execute(query)
            }

    def pending_approvals_due(
        self, moment: datetime
    ) -> tuple[list[tuple[str, str]], dict[str, int]]:
        """(id, current role) of pending approvals past their SLA at ``moment``, oldest first."""
        with self.engine.connect() as conn:
            due = [
                (row.id, row.role)
                for row in conn.execute(
                    sa.select(approvals.c.id, approvals.c.role)
                    .where(approvals.c.status == "pending", approvals.c.due_at <= moment)
                    .order_by(approvals.c.due_at)
                )
            ]
            pending = conn.execute(
                sa.select(sa.func.count())
                .select_from(approvals)
                .where(approvals.c.status == "pending")
            ).scalar_one()
        return due, {"pending_approvals": int(pending)}

    def supplier_figures(self) -> dict[str, dict[str, Any]]:
        """Each supplier's name, ESG score and Altman Z."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(
                    suppliers.c.supplier_id,
                    suppliers.c.name,
                    suppliers.c.esg_score,
                    suppliers.c.altman_z,
                )
            )
            return {
                sid: {"name": name, "esg_score": Decimal(esg), "altman_z": Decimal(z)}
                for sid, name, esg, z in rows
            }

    def supplier_imports_after(self, entry_id: int) -> list[dict[str, Any]]:
        """Supplier master-data imports recorded after audit entry ``entry_id``."""
        query = (
            sa.select(audit_entries.c.id, audit_entries.c.at, audit_entries.c.payload)
            .where(
                audit_entries.c.stream == "master-data",
                audit_entries.c.kind == "master_data.imported",
                audit_entries.c.id > entry_id,
            )
            .order_by(audit_entries.c.id)
        )
        with self.engine.connect() as conn:
            return [
                {"entry_id": row.id, "at": row.at.isoformat(), **(row.payload or {})}
                for row in conn.execute(query)
                if (row.payload or {}).get("kind") == "suppliers"
            ]


def _keep_latest(best: dict[tuple[str, str], CertificateRow], row: CertificateRow) -> None:
    key = (row.supplier_id, row.certificate)
    held = best.get(key)
    if held is None or row.expiry > held.expiry:
        best[key] = row


__all__ = ["OK_DECISIONS", "SqlMonitorSources"]
