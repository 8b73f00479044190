"""From a contract DOCX to a PDF signed by two co-signers, through the store, the catalog
and the audit ledger; then the hostile inputs."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest
import sqlalchemy as sa
from PIL import Image
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.tables_documents import documents, signing_steps
from procureflow.documents.convert import WarmLibreOffice
from procureflow.documents.keys import Keystore
from procureflow.documents.profiles import Placement, SignatureProfile
from procureflow.documents.service import DocumentService
from procureflow.documents.signing import sign_pdf
from procureflow.errors import Conflict, DocumentRejected, InvalidInput
from tests.factories_documents import (
    broken_xref_pdf,
    contract_docx,
    encrypted_pdf,
    renamed_binary,
    text_pdf,
    zip_bomb_docx,
)


def _rendered(pdf: bytes, tmp_path: Path) -> tuple[str, int]:
    """Text via pdftotext and the number of page images pdftoppm renders."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils (pdftoppm, pdftotext) is not installed")
    source = tmp_path / "out.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", str(source), str(tmp_path / "page")],
        check=True,
        timeout=120,
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(source), "-"], capture_output=True, check=True, timeout=120
    )
    return text.stdout.decode(), len(list(tmp_path.glob("page-*.png")))


@pytest.mark.libreoffice
def test_contract_docx_becomes_a_rendered_pdf_with_its_content(
    service: DocumentService, tmp_path: Path
) -> None:
    docx = contract_docx(tmp_path / "supply.docx").read_bytes()
    stored = service.ingest(docx, name="supply.docx", actor="buyer@example.com")
    result = service.convert(stored.sha256, actor="buyer@example.com")
    assert result["engine"] == "libreoffice-warm" and result["pages"] == 2
    pdf = service.store.get(result["document"]["sha256"])
    text, pages = _rendered(pdf, tmp_path)
    assert pages == 2
    for expected in (
        "Supply Agreement",
        "1. Scope of supply",
        "ACME Industrial GmbH - Confidential",
        "HP-200",
        "EUR 1,250.00",
        "Liquidated damages of 0.5% per week",
        "3. Signatures",
    ):
        assert expected in text, expected
    assert "1." in text.split("Delivery within 6 weeks")[0].splitlines()[-1]  # numbered list
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        assert any(page.get_images() for page in opened.pages)  # the logo survived


@pytest.mark.libreoffice
def test_pdfa_on_request(service: DocumentService, tmp_path: Path) -> None:
    stored = service.ingest(
        contract_docx(tmp_path / "c.docx").read_bytes(), name="c.docx", actor="a"
    )
    result = service.convert(stored.sha256, actor="a", pdfa=True)
    with pikepdf.open(io.BytesIO(service.store.get(result["document"]["sha256"]))) as pdf:
        assert pdf.open_metadata().pdfa_status == "3B"


def test_co_signing_session_in_order_with_audit(
    service: DocumentService, engine: sa.Engine
) -> None:
    stored = service.ingest(text_pdf(2, "Supply agreement"), name="supply.pdf", actor="buyer")
    session = service.prepare_signing(stored.sha256, actor="buyer", category="contract")
    assert [s["profile"] for s in session["steps"]] == ["contract-procurement", "contract-finance"]
    assert session["next_signer"] == "contract-procurement" and session["draft_sha256"]
    with pytest.raises(Conflict, match="contract-procurement's turn"):
        service.sign_next(session["id"], actor="cfo", profile="contract-finance")
    first = service.sign_next(session["id"], actor="head.procurement")
    assert first["next_signer"] == "contract-finance" and first["status"] == "open"
    second = service.sign_next(session["id"], actor="cfo")
    assert second["status"] == "completed" and second["next_signer"] is None
    final = second["document"]["sha256"]
    report = service.verify(final, actor="auditor")
    assert report["valid"] and report["signature_count"] == 2
    with pytest.raises(Conflict, match="would rewrite a signed PDF"):
        service.compress(final, actor="buyer")
    with pytest.raises(Conflict, match="is complete"):
        service.sign_next(session["id"], actor="cfo")
    kinds = [e.kind for e in SqlAuditLog(engine).entries(f"document:{stored.sha256}")]
    assert kinds == ["document.store", "document.stamp", "document.sign"]
    sign_entry = list(SqlAuditLog(engine).entries(f"document:{first['document']['sha256']}"))[0]
    assert sign_entry.payload["profile"] == "contract-finance"
    assert sign_entry.payload["outputs"] == [final] and sign_entry.actor == "cfo"
    with engine.connect() as conn:
        signed_by = (
            conn.execute(sa.select(signing_steps.c.signed_by).order_by(signing_steps.c.position))
            .scalars()
            .all()
        )
    assert signed_by == ["head.procurement", "cfo"]
    assert SqlAuditLog(engine).verify().ok


def test_one_shot_signing_classifies_the_document(service: DocumentService) -> None:
    nda = service.ingest(
        text_pdf(1, "Mutual Non-Disclosure Agreement"), name="nda.pdf", actor="legal"
    )
    result = service.sign(nda.sha256, actor="legal")
    assert result["signers"] == ["nda-legal"]
    assert service.verify(result["document"]["sha256"], actor="legal")["valid"]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (renamed_binary(), "contract.docx", "looks like an executable program"),
        (encrypted_pdf(), "locked.pdf", "encrypted PDF"),
        (broken_xref_pdf(), "broken.pdf", "damaged PDF"),
        (zip_bomb_docx(300), "bomb.docx", "zip bomb"),
    ],
)
def test_hostile_uploads_are_quarantined_and_not_stored(
    service: DocumentService, engine: sa.Engine, data: bytes, name: str, message: str
) -> None:
    with pytest.raises(DocumentRejected, match=message):
        service.ingest(data, name=name, actor="supplier")
    store = service.store
    assert not any(store.blobs.rglob("*"))  # type: ignore[attr-defined]
    quarantined = store.quarantined()  # type: ignore[attr-defined]
    assert len(quarantined) == 1 and quarantined[0].name.endswith(name)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(documents)).scalar() == 0


def test_a_200_mb_upload_is_refused_without_storing_anything(
    service: DocumentService, tmp_path: Path
) -> None:
    big = tmp_path / "huge.pdf"
    with big.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)
    with (
        big.open("rb") as handle,
        pytest.raises(DocumentRejected, match="larger than the 20 MB limit"),
    ):
        service.ingest_stream(handle, name="huge.pdf", actor="supplier")
    assert not any(service.store.blobs.rglob("*"))  # type: ignore[attr-defined]
    assert not any(service.store.tmp.iterdir())  # type: ignore[attr-defined]


@pytest.mark.libreoffice
def test_a_conversion_timeout_kills_libreoffice_and_the_next_one_works(
    warm_converter: WarmLibreOffice, tmp_path: Path
) -> None:
    docx = contract_docx(tmp_path / "c.docx").read_bytes()
    warm_converter.convert(docx)
    pids = warm_converter.pids
    warm_converter.timeout = 0.001
    try:
        with pytest.raises(DocumentRejected, match="did not finish within"):
            warm_converter.convert(docx)
    finally:
        warm_converter.timeout = 120
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert warm_converter.convert(docx).pages == 2


def test_a_saved_profile_with_a_signature_image_is_used_for_its_category(
    service: DocumentService,
) -> None:
    picture = io.BytesIO()
    Image.new("RGB", (300, 100), (20, 40, 160)).save(picture, format="PNG")
    image = service.ingest(picture.getvalue(), name="signature.png", actor="admin")
    assert image.media_type == "image/png"
    buyer = next(p for p in service.signature_profiles() if p.name == "po-buyer")
    service.save_profile(
        buyer.model_copy(update={"signer_name": "Dana Buyer", "stamp_image": image.sha256}),
        actor="admin",
    )
    assert [p.signer_name for p in service.signature_profiles() if p.name == "po-buyer"] == [
        "Dana Buyer"
    ]
    assert any(p.name == "contract-finance" for p in service.signature_profiles())  # defaults stay
    order = service.ingest(
        text_pdf(1, "Purchase Order PO number 4711"), name="po.pdf", actor="buyer"
    )
    signed = service.sign(order.sha256, actor="dana")
    assert signed["signers"] == ["po-buyer"]
    data = service.store.get(signed["document"]["sha256"])
    assert service.verify(signed["document"]["sha256"], actor="dana")["valid"]
    assert b"/Subtype /Image" in data or b"/Subtype/Image" in data
    with pytest.raises(InvalidInput, match="PNG or JPEG"):
        service.save_profile(buyer.model_copy(update={"stamp_image": order.sha256}), actor="admin")


@pytest.mark.libreoffice
def test_a_docx_libreoffice_cannot_open_is_refused_and_the_converter_lives_on(
    service: DocumentService, warm_converter: WarmLibreOffice, tmp_path: Path
) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("[Content_Types].xml", "<Types/>")
        zipped.writestr("word/document.xml", "this is <not xml")
    broken = service.ingest(archive.getvalue(), name="broken.docx", actor="clerk")
    before = sorted(p.name for p in service.store.blobs.rglob("*") if p.is_file())  # type: ignore[attr-defined]
    with pytest.raises(DocumentRejected, match="LibreOffice could not convert it"):
        service.convert(broken.sha256, actor="clerk")
    after = sorted(p.name for p in service.store.blobs.rglob("*") if p.is_file())  # type: ignore[attr-defined]
    assert after == before  # no output stored
    assert warm_converter.running
    good = service.ingest(
        contract_docx(tmp_path / "ok.docx").read_bytes(), name="ok.docx", actor="clerk"
    )
    assert service.convert(good.sha256, actor="clerk")["pages"] == 2


@pytest.mark.libreoffice
def test_issue_check_docx_to_co_signed_pdf_and_both_tamperings_fail(
    service: DocumentService, tmp_path: Path
) -> None:
    """The whole path a contract takes: DOCX → PDF → classified → two co-signers →
    verified; then one changed byte, and separately an incremental page edit, must fail."""
    docx = service.ingest(
        contract_docx(tmp_path / "sa.docx").read_bytes(), name="sa.docx", actor="legal"
    )
    pdf = service.convert(docx.sha256, actor="legal")["document"]["sha256"]
    signed = service.sign(pdf, actor="legal")  # category from classification
    assert signed["signers"] == ["contract-procurement", "contract-finance"]
    final = service.store.get(signed["document"]["sha256"])
    text, pages = _rendered(final, tmp_path)
    assert pages == 2 and "Signed by Chief Financial Officer" in text and "HP-300" in text
    assert service.verify_file(final, name="sa.signed.pdf", actor="auditor")["valid"]

    flipped = bytearray(final)
    at = flipped.index(b"/MediaBox") + 12
    while not chr(flipped[at]).isdigit():
        at += 1
    flipped[at] = ord("1") if flipped[at] != ord("1") else ord("2")
    one_byte = service.verify_file(bytes(flipped), name="one-byte.pdf", actor="auditor")
    assert not one_byte["valid"] and not any(s["intact"] for s in one_byte["signatures"])

    writer = IncrementalPdfFileWriter(io.BytesIO(final))
    writer.add_stream_to_page(0, writer.add_object(generic.StreamObject(stream_data=b"\nq Q\n")))
    edited = io.BytesIO()
    writer.write(edited)
    page_edit = service.verify_file(edited.getvalue(), name="edited.pdf", actor="auditor")
    assert not page_edit["valid"]
    assert all(s["modified_after_signing"] for s in page_edit["signatures"])


@pytest.mark.libreoffice
def test_a_crashed_libreoffice_is_restarted_on_the_next_conversion(
    warm_converter: WarmLibreOffice, tmp_path: Path
) -> None:
    docx = contract_docx(tmp_path / "c.docx").read_bytes()
    warm_converter.convert(docx)
    starts = warm_converter.starts
    office_pid = warm_converter.pids[0]
    os.killpg(office_pid, signal.SIGKILL)  # LibreOffice crashes between two requests
    os.waitpid(office_pid, 0)
    assert warm_converter.convert(docx).pages == 2
    assert warm_converter.starts == starts + 1


def test_keys_init_keeps_valid_keys_and_renews_expiring_ones(service: DocumentService) -> None:
    keystore = service.keystore
    before = {k.alias: k.fingerprint_sha256 for k in keystore.list()}
    expiring = keystore.issue_signer(  # a certificate that ends today
        "nda-legal", common_name="Legal", organisation="X", years=0, replace=True
    ).fingerprint_sha256
    after = {k.alias: k.fingerprint_sha256 for k in service.init_keys(actor="admin")}
    assert (
        after["org-ca"] == before["org-ca"]
        and after["contract-finance"] == before["contract-finance"]
    )
    assert after["nda-legal"] not in (before["nda-legal"], expiring)
    assert not keystore.needs_renewal("nda-legal")


def test_countersigning_a_supplier_signed_contract_after_trusting_their_ca(
    service: DocumentService, tmp_path: Path
) -> None:
    supplier_keys = Keystore(tmp_path / "supplier-keys", "supplier")
    supplier_keys.init_ca("Pump Supplier AG")
    supplier = SignatureProfile(
        name="supplier-sales",
        category="contract",
        key_alias="sales",
        signer_name="Sam Seller",
        signer_title="Sales Director",
        organisation="Pump Supplier AG",
        placement=Placement(page=1, x=56, y=700),
    )
    supplier_keys.issue_signer("sales", common_name="Sam Seller", organisation="Pump Supplier AG")
    theirs = sign_pdf(text_pdf(1, "Supply agreement"), supplier, supplier_keys.signer("sales"))
    stored = service.ingest(theirs, name="supply-signed-by-supplier.pdf", actor="buyer")

    ours = service.sign(stored.sha256, actor="buyer", category="contract")
    final = ours["document"]["sha256"]
    untrusted = service.verify(final, actor="buyer")
    assert untrusted["signature_count"] == 3 and not untrusted["valid"]
    assert [s["trusted"] for s in untrusted["signatures"]] == [False, True, True]
    assert all(s["intact"] and not s["modified_after_signing"] for s in untrusted["signatures"])

    ca_pem = (supplier_keys.directory / "org-ca.crt").read_bytes()
    service.trust_certificate("pump-supplier-ca", ca_pem, actor="admin")
    assert service.verify(final, actor="buyer")["valid"]
    with pytest.raises(InvalidInput, match="only CA certificates"):
        service.trust_certificate(
            "seller", (supplier_keys.directory / "sales.crt").read_bytes(), actor="admin"
        )
