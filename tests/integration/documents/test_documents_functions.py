"""The document operations as playbook functions: JSON in, JSON out, audited."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.document_wiring import cached_document_service
from procureflow.config import Settings
from procureflow.documents.functions import document_functions
from procureflow.errors import ConfigError, InvalidInput
from tests.factories_documents import scanned_pdf, text_pdf


class _Ctx:
    instance_id = "inst-42"


def test_functions_run_a_document_pipeline(
    engine: sa.Engine, database_url: str, tmp_path: Path
) -> None:
    factory = cached_document_service(
        Settings(database_url=database_url, data_dir=tmp_path), engine
    )
    service = factory()
    service.init_keys(actor="admin")
    fns = document_functions(factory)
    assert {
        "procureflow.docs.convert",
        "procureflow.docs.compress",
        "procureflow.docs.merge",
        "procureflow.docs.split",
        "procureflow.docs.sign",
        "procureflow.docs.verify",
    } <= set(fns)
    scan = service.ingest(scanned_pdf(pages=1, dpi=150), name="scan.pdf", actor="clerk").sha256
    contract = service.ingest(
        text_pdf(2, "Service agreement"), name="msa.pdf", actor="clerk"
    ).sha256

    small = fns["procureflow.docs.compress"]({"document": scan, "preset": "email"}, _Ctx())
    assert small["ratio"] < 0.5 and not small["kept_original"]
    merged = fns["procureflow.docs.merge"](
        {
            "documents": [contract, small["document"]["sha256"]],
            "titles": ["Agreement", "Annex scan"],
        },
        _Ctx(),
    )
    assert [b["title"] for b in merged["bookmarks"]] == ["Agreement", "Annex scan"]
    parts = fns["procureflow.docs.split"](
        {"document": merged["document"]["sha256"], "bookmarks": True}, _Ctx()
    )
    assert [p["pages"] for p in parts["parts"]] == [[1, 2], [3]]
    signed = fns["procureflow.docs.sign"]({"document": contract, "category": "contract"}, _Ctx())
    assert signed["status"] == "completed" and signed["signers"] == [
        "contract-procurement",
        "contract-finance",
    ]
    verdict = fns["procureflow.docs.verify"]({"document": signed["document"]["sha256"]}, _Ctx())
    assert verdict["valid"] and verdict["signature_count"] == 2

    entry = list(SqlAuditLog(engine).entries(f"document:{scan}"))[-1]
    assert entry.kind == "document.compress" and entry.actor == "playbook:inst-42"
    assert entry.payload["outputs"] == [small["document"]["sha256"]]


def test_step_by_step_co_signing_through_the_function(
    engine: sa.Engine, database_url: str, tmp_path: Path
) -> None:
    factory = cached_document_service(
        Settings(database_url=database_url, data_dir=tmp_path), engine
    )
    factory().init_keys(actor="admin")
    sign = document_functions(factory)["procureflow.docs.sign"]
    doc = factory().ingest(text_pdf(1, "Supply agreement"), name="sa.pdf", actor="clerk").sha256
    session = sign({"document": doc, "category": "contract", "prepare_only": True}, _Ctx())
    assert session["next_signer"] == "contract-procurement"
    first = sign({"session": session["id"], "actor": "alice"}, _Ctx())
    assert first["next_signer"] == "contract-finance"
    done = sign({"session": session["id"], "profile": "contract-finance", "actor": "bob"}, _Ctx())
    assert done["status"] == "completed"


def test_missing_arguments_and_missing_setup_are_clear_errors() -> None:
    fns = document_functions()
    with pytest.raises(ConfigError, match="document service is not set up"):
        fns["procureflow.docs.verify"]({"document": "a" * 64}, _Ctx())
    fns = document_functions(lambda: pytest.fail("service must not be built"))  # type: ignore[arg-type,return-value]
    with pytest.raises(InvalidInput, match="'document' is required"):
        fns["procureflow.docs.compress"]({}, _Ctx())


class _StepCtx:
    def __init__(self, key: str) -> None:
        self.instance_id = "inst-7"
        self.idempotency_key = key


def test_a_retried_signing_step_does_not_sign_twice(
    engine: sa.Engine, database_url: str, tmp_path: Path
) -> None:
    factory = cached_document_service(
        Settings(database_url=database_url, data_dir=tmp_path), engine
    )
    factory().init_keys(actor="admin")
    sign = document_functions(factory)["procureflow.docs.sign"]
    doc = factory().ingest(text_pdf(1, "Supply agreement"), name="sa.pdf", actor="clerk").sha256
    first = sign({"document": doc, "category": "contract"}, _StepCtx("inst-7/sign"))
    again = sign({"document": doc, "category": "contract"}, _StepCtx("inst-7/sign"))
    assert again["document"] == first["document"] and again["session"] == first["session"]
    session = sign(
        {"document": doc, "category": "contract", "prepare_only": True}, _StepCtx("inst-8/open")
    )
    step = sign({"session": session["id"]}, _StepCtx("inst-8/first"))
    retried = sign({"session": session["id"]}, _StepCtx("inst-8/first"))
    assert retried == step and retried["next_signer"] == "contract-finance"
    assert factory().session(session["id"])["next_signer"] == "contract-finance"
    signs = [e for e in SqlAuditLog(engine).entries() if e.kind == "document.sign"]
    assert len(signs) == 3  # two for the first document, one for the session's first signer
