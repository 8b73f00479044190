"""Document operations as tasks of a Serverless Workflow playbook (in-memory runtime):
the document hashes flow from task to task through jq expressions."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.document_wiring import cached_document_service
from procureflow.config import Settings
from procureflow.documents.functions import document_functions
from procureflow.playbooks.loader import load_playbook
from procureflow.runtime.memory import InMemoryRuntime
from tests.factories_documents import scanned_pdf, text_pdf

PLAYBOOK = """
document: {dsl: '1.0.0', namespace: procureflow, name: contract-pack, version: '1.0.0'}
do:
  - shrinkScan:
      call: procureflow.docs.compress
      with: {document: '${ .scan }', preset: screen}
  - assemble:
      call: procureflow.docs.merge
      with:
        documents: '${ [$workflow.input.contract, .document.sha256] }'
        titles: [Agreement, Annex A (scan)]
        name: contract-pack.pdf
  - signPack:
      call: procureflow.docs.sign
      with: {document: '${ .document.sha256 }', category: contract}
  - check:
      call: procureflow.docs.verify
      with: {document: '${ .document.sha256 }'}
"""


def test_a_playbook_compresses_merges_signs_and_verifies(
    engine: sa.Engine, database_url: str, tmp_path: Path
) -> None:
    factory = cached_document_service(
        Settings(database_url=database_url, data_dir=tmp_path), engine
    )
    service = factory()
    service.init_keys(actor="admin")
    scan = service.ingest(scanned_pdf(pages=1, dpi=150), name="annex.pdf", actor="clerk")
    contract = service.ingest(text_pdf(2, "Supply agreement"), name="sa.pdf", actor="clerk")
    runtime = InMemoryRuntime()
    for name, fn in document_functions(factory).items():
        runtime.functions.register(name, fn)

    output = runtime.run(
        load_playbook(PLAYBOOK),
        {"scan": scan.sha256, "contract": contract.sha256},
        instance_id="inst-pack",
    )

    assert output["valid"] is True and output["signature_count"] == 2
    assert runtime.observer.names("completed") == ["shrinkScan", "assemble", "signPack", "check"]
    entries = list(SqlAuditLog(engine).entries(f"document:{contract.sha256}"))
    assert [e.kind for e in entries] == ["document.store", "document.merge"]
    assert entries[-1].actor == "playbook:inst-pack"
