"""Fixtures for monitor tests: services without the durable engine, and data builders."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from procureflow.adapters.db.tables_payables import (
    contract_milestones,
    invoices,
    match_results,
    signed_contracts,
)
from procureflow.adapters.importers.master_import import MasterDataImporter
from procureflow.config import Settings
from procureflow.domain.master import ImportContext
from procureflow.runtime.services import Services

HEADER = (
    "supplier_id,name,email_domains,location,country,approved,esg_score,altman_z,"
    "certifications,payment_terms,contact_email\n"
)


@pytest.fixture
def svc(settings: Settings, engine: sa.Engine) -> Iterator[Services]:
    """Stores and functions over the test database, no durable engine running."""
    from procureflow.bootstrap import build_services

    built = build_services(settings)
    yield built
    built.engine.dispose()


def at(day: date, hour: int = 6) -> datetime:
    """A pass moment on ``day``."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def import_suppliers(svc: Services, *rows: str) -> None:
    """Import supplier rows (CSV lines after the header) as the master-data import does."""
    importer = MasterDataImporter(svc.engine, ImportContext(base_currency="EUR"))
    importer.import_bytes("suppliers", (HEADER + "\n".join(rows) + "\n").encode(), "suppliers.csv")


def supplier_row(
    supplier_id: str, certs: str, esg: str = "70", z: str = "3.1", contact: str = "qa@acme.example"
) -> str:
    return (
        f"{supplier_id},{supplier_id} GmbH,acme.example,DEHAM,DE,true,{esg},{z},{certs},"
        f"net 30,{contact}"
    )


def add_milestone(svc: Services, contract_id: str, milestone_id: str, due: date) -> None:
    now = datetime.now(UTC)
    with svc.engine.begin() as conn:
        exists = conn.execute(
            sa.select(signed_contracts.c.contract_id).where(
                signed_contracts.c.contract_id == contract_id
            )
        ).first()
        if exists is None:
            conn.execute(
                signed_contracts.insert().values(
                    contract_id=contract_id,
                    source_sha256=contract_id.ljust(64, "0"),
                    source_name=f"{contract_id}.pdf",
                    supplier_id="SUP-1",
                    supplier_name="SUP-1 GmbH",
                    category="services",
                    currency="EUR",
                    value="1000",
                    terms={},
                    status="active",
                    signed_by="ann",
                    signed_at=now,
                    origin="api",
                )
            )
        conn.execute(
            contract_milestones.insert().values(
                contract_id=contract_id,
                milestone_id=milestone_id,
                name=f"Milestone {milestone_id}",
                due_date=due,
                amount="500",
                currency="EUR",
            )
        )


def complete_milestone(svc: Services, contract_id: str, milestone_id: str, day: date) -> None:
    with svc.engine.begin() as conn:
        conn.execute(
            contract_milestones.update()
            .where(
                contract_milestones.c.contract_id == contract_id,
                contract_milestones.c.milestone_id == milestone_id,
            )
            .values(completed_on=day, completed_by="ann")
        )


def add_match(svc: Services, supplier: str, number: int, decision: str, when: datetime) -> None:
    invoice_id = f"{supplier}-INV-{number}"
    with svc.engine.begin() as conn:
        conn.execute(
            invoices.insert().values(
                invoice_id=invoice_id,
                supplier_key=supplier,
                supplier_name=f"{supplier} GmbH",
                number=str(number),
                normalised_number=str(number),
                file_sha256=invoice_id.ljust(64, "0")[:64],
                file_name=f"{invoice_id}.xml",
                document_type="ubl",
                currency="EUR",
                amount="100",
                issue_date=when.date(),
                invoice={},
                status="matched",
                received_by="mail",
                created_at=when,
            )
        )
        conn.execute(
            match_results.insert().values(
                idempotency_key=f"match:{invoice_id}",
                invoice_id=invoice_id,
                decision=decision,
                reason_codes=[] if decision == "approve" else ["price_over_tolerance"],
                result={},
                created_at=when,
            )
        )
