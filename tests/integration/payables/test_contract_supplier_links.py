"""A signed contract is tied to the supplier master — by VAT id, then by registered name —
and takes its category from the contract or the supplier; an unknown party is asked
about (an exception for a buyer, the contract kept unlinked), never invented."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.contract_store import ContractStore
from procureflow.adapters.db.master_repository import MasterDataRepository
from procureflow.demo import demo_master_data
from procureflow.demo.contracts import SampleContract, sample_contract_docx, sample_supplier
from procureflow.documents.contract_terms import ContractTerms, extract_contract_terms
from procureflow.runtime.exception_functions import exception_queue
from procureflow.runtime.payables_intake import sign_contract_file
from procureflow.runtime.services import Services

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus" / "contracts"


def _master(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        MasterDataRepository(engine).upsert(
            conn, "suppliers", list(demo_master_data().suppliers), source="test"
        )


def _terms(stem: str) -> ContractTerms:
    return extract_contract_terms((CORPUS / f"{stem}.docx").read_bytes(), f"{stem}.docx")


@pytest.fixture
def store(engine: sa.Engine) -> ContractStore:
    _master(engine)
    return ContractStore(engine, SqlAuditLog(engine))


def test_a_signed_contract_links_to_the_supplier_by_vat_id(store: ContractStore) -> None:
    contract, created = store.record_signed(
        _terms("c01_de_volta_prose"), actor="lea", origin="test"
    )
    assert created and contract["status"] == "signed"
    assert (contract["supplier_id"], contract["category"]) == ("SUP-VOLTA", "motors")
    assert contract["supplier_link"]["matched_by"] == "vat_id"


def test_a_contract_without_vat_id_links_by_registered_name(store: ContractStore) -> None:
    contract, _ = store.record_signed(_terms("c02_en_huaxin_prose"), actor="lea", origin="test")
    assert (contract["supplier_id"], contract["category"]) == ("SUP-HUAXIN", "motors")
    assert contract["supplier_link"]["matched_by"] == "name"


def test_an_unknown_party_is_kept_unlinked_not_invented(store: ContractStore) -> None:
    contract, created = store.record_signed(
        _terms("c10_en_unknown_party"), actor="lea", origin="test"
    )
    assert created and contract["status"] == "unlinked"
    assert contract["supplier_id"] is None and contract["category"] is None
    assert "Baltic Pump Services" in contract["supplier_link"]["reason"]


def test_a_contract_kept_unlinked_links_once_the_master_knows_its_supplier(
    engine: sa.Engine,
) -> None:
    store = ContractStore(engine, SqlAuditLog(engine))
    terms = extract_contract_terms(sample_contract_docx(), "c.docx")
    first, _ = store.record_signed(terms, actor="lea", origin="test")
    assert first["status"] == "unlinked" and first["supplier_id"] is None
    with engine.begin() as conn:
        MasterDataRepository(engine).upsert(conn, "suppliers", [sample_supplier()], source="t")
    again, linked = store.record_signed(terms, actor="lea", origin="test")
    assert linked and again["status"] == "signed"
    assert (again["supplier_id"], again["category"]) == ("SUP-NORDWIND", "direct-materials")
    assert store.record_signed(terms, actor="lea", origin="test")[1] is False


def test_an_unknown_party_is_asked_about_not_invented(runtime: Services) -> None:
    _master(runtime.engine)
    facts = SampleContract(supplier="Baltic Pump Services OÜ", supplier_vat="EE102345678")
    signed = sign_contract_file(runtime, sample_contract_docx(facts), "baltic.docx", actor="lea")
    assert signed["event"] is None and signed["contract"]["supplier_id"] is None
    asked = exception_queue(runtime).list(
        subject_type="contract", subject_id=signed["contract"]["contract_id"]
    )
    assert [(e["reason_code"], e["owner_role"]) for e in asked] == [
        ("contract_supplier_unlinked", "buyer")
    ]
    assert "EE102345678" in asked[0]["title"]
