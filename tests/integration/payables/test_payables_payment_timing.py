"""When an approved invoice is paid: on the discount day when the discount beats the
configured cost of capital, else on the due date; to the account validated at onboarding."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.contract_store import ContractStore
from procureflow.adapters.db.master_repository import MasterDataRepository
from procureflow.adapters.db.payables_store import PayablesStore
from procureflow.adapters.db.purchase_order_store import PurchaseOrderStore
from procureflow.config import Settings
from procureflow.demo.contracts import sample_contract_docx, sample_supplier
from procureflow.documents.contract_terms import extract_contract_terms
from procureflow.documents.einvoice import parse_einvoice
from procureflow.domain.payment_schedule import previous_business_day
from procureflow.runtime.payables_functions import draft_purchase_order
from procureflow.runtime.payables_onboarding import run_onboarding
from procureflow.runtime.payables_settlement import authorise_payment
from procureflow.runtime.payables_stores import PayablesStores
from tests.factories_payables import Line, ubl_invoice


@pytest.fixture
def stores(engine: sa.Engine) -> PayablesStores:
    audit = SqlAuditLog(engine)
    built = PayablesStores(
        contracts=ContractStore(engine, audit),
        payables=PayablesStore(engine, audit),
        orders=PurchaseOrderStore(engine, audit),
    )
    with engine.begin() as conn:
        MasterDataRepository(engine).upsert(conn, "suppliers", [sample_supplier()], source="t")
    terms = extract_contract_terms(sample_contract_docx(), "c.docx")
    contract, _ = built.contracts.record_signed(terms, actor="lea", origin="test")
    po = draft_purchase_order(contract, terms, date.today())
    built.orders.create_po(po, "test-po")
    built.contracts.set_po(contract["contract_id"], po.po_number, "active")
    run_onboarding(built, contract["contract_id"], date.today())
    return built


def _pay(stores: PayablesStores, cost_of_capital: float, key: str) -> dict[str, Any]:
    invoice = parse_einvoice(
        ubl_invoice(
            number=f"INV-{key}",
            po_number="PO-C-2026-0042",
            lines=[Line("1", "Conveyor module", Decimal(10), Decimal("1500.00"))],
            issue_date=date.today().isoformat(),
        ),
        f"{key}.xml",
    )
    stored = stores.payables.add_invoice(invoice, file_name=f"{key}.xml", actor="test")
    svc: Any = SimpleNamespace(settings=Settings(cost_of_capital=cost_of_capital, _env_file=None))
    return authorise_payment(svc, stores, stored["invoice_id"], None, key)


def test_a_discount_worth_more_than_capital_is_taken(stores: PayablesStores) -> None:
    payment = _pay(stores, 0.08, "cheap-money")
    assert payment["plan"]["takes_discount"] is True
    assert payment["pay_on"] == previous_business_day(date.today() + timedelta(days=10)).isoformat()
    assert payment["amount"]["amount"] == "17493.00"  # 17,850.00 less 2 %
    assert payment["iban"] == "DE89370400440532013000" and payment["bic"] == "COBADEFFXXX"


def test_dear_capital_pays_the_full_amount_on_the_due_date(stores: PayablesStores) -> None:
    payment = _pay(stores, 0.50, "dear-money")
    assert payment["plan"]["takes_discount"] is False
    assert "does not beat the cost of capital of 50.00 %" in payment["plan"]["reason"]
    assert payment["pay_on"] == previous_business_day(date.today() + timedelta(days=30)).isoformat()
    assert payment["amount"]["amount"] == "17850.00"
