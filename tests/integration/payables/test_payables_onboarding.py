"""Onboarding checks, the denied-party list, milestones, receipts and payments as
stored: every write idempotent, every refusal naming what is wrong."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.contract_store import ContractStore
from procureflow.adapters.db.payables_store import PayablesStore
from procureflow.adapters.db.purchase_order_store import PurchaseOrderStore
from procureflow.adapters.db.tables_payables import denied_parties
from procureflow.demo.contracts import SampleContract, sample_contract_docx
from procureflow.documents.contract_terms import extract_contract_terms
from procureflow.errors import ImportRejected, InvalidInput, NotFound
from procureflow.runtime.payables_onboarding import certificate_status, run_onboarding
from procureflow.runtime.payables_stores import PayablesStores
from tests.factories_payables import denied_parties_in_force

TODAY = date(2026, 11, 23)


@pytest.fixture
def stores(engine: sa.Engine) -> PayablesStores:
    audit = SqlAuditLog(engine)
    return PayablesStores(
        contracts=ContractStore(engine, audit),
        payables=PayablesStore(engine, audit),
        orders=PurchaseOrderStore(engine, audit),
    )


def _sign(stores: PayablesStores, facts: SampleContract | None = None) -> str:
    terms = extract_contract_terms(sample_contract_docx(facts), "c.docx")
    contract, _ = stores.contracts.record_signed(terms, actor="lea", origin="test")
    return str(contract["contract_id"])


def test_a_clean_supplier_passes_every_onboarding_check(stores: PayablesStores) -> None:
    result = run_onboarding(stores, _sign(stores), TODAY)
    assert result["complete"] is True and result["open"] == []


def test_a_listed_supplier_fails_screening_owned_by_legal(stores: PayablesStores) -> None:
    csv = b"name,country,id\nNORDWIND ANLAGENBAU,DE,X-1\nSomeone Else Ltd,GB,X-2\n"
    assert denied_parties_in_force(stores.contracts, csv, list_name="eu") == 2
    result = run_onboarding(stores, _sign(stores), TODAY)
    assert result["denied_party"] is True and result["open"] == ["screening"]
    screening = next(t for t in result["tasks"] if t["task"] == "screening")
    assert screening["owner_role"] == "legal"
    assert screening["detail"]["hits"][0]["name"] == "NORDWIND ANLAGENBAU"


def test_a_bad_iban_and_an_expired_certificate_leave_tasks_open(stores: PayablesStores) -> None:
    facts = SampleContract(
        supplier_iban="DE89 3704 0044 0532 0130 01",
        certifications=(("ISO 9001:2015", "30 June 2020"),),
    )
    result = run_onboarding(stores, _sign(stores, facts), TODAY)
    tasks = {t["task"]: t for t in result["tasks"]}
    assert tasks["bank_details"]["status"] == "open"
    assert "not valid" in tasks["bank_details"]["detail"]["problem"]
    assert tasks["certificates"]["detail"]["certificates"] == {"ISO 9001:2015": "expired"}
    assert result["complete"] is False and result["owner_role"] == "accounts_payable"


def test_certificate_status_warns_three_months_ahead() -> None:
    assert certificate_status(TODAY + timedelta(days=30), TODAY) == "expiring"
    assert certificate_status(TODAY + timedelta(days=400), TODAY) == "valid"
    assert certificate_status(None, TODAY) == "no_expiry_on_file"


@pytest.mark.parametrize(
    ("csv", "says"),
    [
        (b"company\nX\n", "needs a 'name' column"),
        (b"name,country\nX,Germany\n", "row 2: country 'Germany'"),
        (b"name\n\n,\n", "row 2: empty name"),
    ],
)
def test_a_bad_denied_party_list_is_refused_and_the_old_one_kept(
    stores: PayablesStores, engine: sa.Engine, csv: bytes, says: str
) -> None:
    denied_parties_in_force(stores.contracts, b"name\nOld Entry\n", list_name="eu")
    with pytest.raises(ImportRejected, match=says):
        stores.contracts.propose_denied_parties(csv, list_name="eu", actor="lea")
    assert stores.contracts.denied_party_proposals(list_name="eu", status="open") == []
    with engine.connect() as conn:
        names = conn.execute(sa.select(denied_parties.c.name)).scalars().all()
    assert names == ["Old Entry"]


def test_signing_the_same_file_twice_is_one_contract(stores: PayablesStores) -> None:
    terms = extract_contract_terms(sample_contract_docx(), "c.docx")
    first, created = stores.contracts.record_signed(terms, actor="lea", origin="test")
    again, created_again = stores.contracts.record_signed(terms, actor="lea", origin="test")
    assert (created, created_again) == (True, False)
    assert first["contract_id"] == again["contract_id"]
    assert len(stores.contracts.list_contracts()) == 1


def test_a_contract_without_value_is_refused_and_not_recorded(stores: PayablesStores) -> None:
    terms = extract_contract_terms(sample_contract_docx(SampleContract(value="tbd")), "c.docx")
    with pytest.raises(InvalidInput, match="could not be read: value"):
        stores.contracts.record_signed(terms, actor="lea", origin="test")
    assert stores.contracts.list_contracts() == []


def test_completing_a_milestone_twice_records_it_once(stores: PayablesStores) -> None:
    from procureflow.domain.purchase_order import Milestone

    contract_id = _sign(stores)
    milestone = Milestone("M1", "Installation", Decimal(6000), date(2026, 5, 15))
    assert stores.contracts.add_milestones(contract_id, "PO-1", "EUR", [milestone]) == 1
    assert stores.contracts.add_milestones(contract_id, "PO-1", "EUR", [milestone]) == 0
    done, created = stores.contracts.complete_milestone("PO-1", "M1", on=TODAY, actor="pm")
    again, created_again = stores.contracts.complete_milestone(
        "PO-1", "M1", on=TODAY + timedelta(days=1), actor="pm"
    )
    assert (created, created_again) == (True, False)
    assert again["completed_on"] == TODAY.isoformat() == done["completed_on"]
    with pytest.raises(NotFound, match="no milestone M9"):
        stores.contracts.complete_milestone("PO-1", "M9", on=TODAY, actor="pm")


def test_a_payment_step_run_twice_pays_once(stores: PayablesStores) -> None:
    def pay() -> dict[str, object]:
        return stores.payables.add_payment(
            "instance-1/do/authorisePayment",
            invoice_id="inv-1",
            po_number="PO-1",
            creditor_name="Nordwind",
            iban="DE89370400440532013000",
            bic=None,
            amount=Decimal("100.00"),
            currency="EUR",
            pay_on=TODAY,
            plan={},
            approval_id=None,
        )

    assert pay()["payment_id"] == pay()["payment_id"]
    assert len(stores.payables.payments()) == 1


def test_accounts_payable_corrects_a_bad_iban_and_the_task_is_done(stores: PayablesStores) -> None:
    from procureflow.runtime.payables_onboarding import set_bank_details

    facts = SampleContract(supplier_iban="DE89 3704 0044 0532 0130 01")
    contract_id = _sign(stores, facts)
    run_onboarding(stores, contract_id, TODAY)
    with pytest.raises(InvalidInput, match="IBAN 'DE00' of Nordwind Anlagenbau GmbH"):
        set_bank_details(stores, contract_id, "DE00", None, actor="paul")
    tasks = {t["task"]: t for t in stores.contracts.tasks(contract_id)}
    assert tasks["bank_details"]["status"] == "open"
    done = set_bank_details(
        stores, contract_id, "DE02 1203 0000 0000 2020 51", "BYLADEM1001", actor="paul"
    )
    assert done["iban"] == "DE02120300000000202051"
    tasks = {t["task"]: t for t in stores.contracts.tasks(contract_id)}
    assert tasks["bank_details"]["status"] == "done"
    assert tasks["bank_details"]["detail"]["confirmed_by"] == "paul"
