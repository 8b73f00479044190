"""The content store, office-file checks and classification."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from procureflow.adapters.storage import LocalContentStore
from procureflow.documents.classify import classify_text, document_text
from procureflow.documents.office_input import office_kind
from procureflow.errors import DocumentRejected, IntegrityError, NotFound
from tests.factories_documents import contract_docx, renamed_binary, text_pdf, zip_bomb_docx


def test_store_addresses_by_sha256_and_writes_read_only_files(tmp_path: Path) -> None:
    store = LocalContentStore(tmp_path, max_bytes=1024)
    sha = store.put(b"hello")
    assert sha == hashlib.sha256(b"hello").hexdigest()
    assert store.get(sha) == b"hello" and store.put(b"hello") == sha
    assert store.path_of(sha).stat().st_mode & 0o222 == 0
    with pytest.raises(NotFound, match="no stored document"):
        store.get("0" * 64)


def test_store_refuses_oversized_streams_and_leaves_nothing(tmp_path: Path) -> None:
    store = LocalContentStore(tmp_path, max_bytes=1024)
    with pytest.raises(DocumentRejected, match="larger than the"):
        store.put_stream(io.BytesIO(b"x" * 5000))
    assert not any(store.blobs.rglob("*")) and not any(store.tmp.iterdir())


def test_store_detects_a_file_altered_on_disk(tmp_path: Path) -> None:
    store = LocalContentStore(tmp_path)
    sha = store.put(b"contract v1")
    path = store.path_of(sha)
    path.chmod(0o644)
    path.write_bytes(b"contract v2")
    with pytest.raises(IntegrityError, match="no longer matches"):
        store.verify(sha)


def test_quarantine_keeps_the_file_and_the_reason(tmp_path: Path) -> None:
    store = LocalContentStore(tmp_path)
    kept = store.quarantine(b"junk", reason="not a PDF", name="../../evil name.pdf")
    assert kept.parent == store.quarantine_dir and kept.read_bytes() == b"junk"
    assert kept.name.endswith("evil_name.pdf")
    assert Path(str(kept) + ".reason.txt").read_text() == "not a PDF\n"
    assert store.quarantined() == [kept]


def test_office_kinds_are_recognised_by_content(tmp_path: Path) -> None:
    assert office_kind(contract_docx(tmp_path / "c.docx").read_bytes()) == "docx"
    assert office_kind(b"{\\rtf1\\ansi Hello}") == "rtf"
    odt = io.BytesIO()
    with zipfile.ZipFile(odt, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    assert office_kind(odt.getvalue()) == "odt"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (renamed_binary(), "looks like an executable program"),
        (text_pdf(1), "a PDF, which needs no conversion"),
        (zip_bomb_docx(300), "zip bomb"),
    ],
)
def test_office_check_names_what_is_wrong(data: bytes, message: str) -> None:
    with pytest.raises(DocumentRejected, match=message):
        office_kind(data, name="upload.docx")


def test_a_zip_bomb_lying_about_its_size_is_caught_while_inflating() -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("word/document.xml", b"\0" * (300 * 1024 * 1024))
    liar = bytearray(archive.getvalue())
    directory = liar.rindex(b"PK\x01\x02")
    liar[directory + 24 : directory + 28] = (1000).to_bytes(4, "little")  # "1000 bytes"
    with zipfile.ZipFile(io.BytesIO(bytes(liar))) as check:
        assert check.getinfo("word/document.xml").file_size == 1000
    with pytest.raises(DocumentRejected, match="zip bomb"):
        office_kind(bytes(liar))


def test_classification_by_rules_with_evidence(tmp_path: Path) -> None:
    contract = classify_text(document_text(contract_docx(tmp_path / "c.docx").read_bytes()))
    assert contract.category == "contract" and contract.evidence
    nda = classify_text("MUTUAL NON-DISCLOSURE AGREEMENT. Confidential Information means ...")
    assert nda.category == "nda"
    po = classify_text("Purchase Order PO Number 4711, Ship to: Hamburg plant")
    assert po.category == "purchase_order"


def test_classification_asks_the_model_only_when_rules_are_unsure() -> None:
    asked: list[str] = []

    def llm(text: str, categories: list[str]) -> str | None:
        asked.append(text)
        return "statement_of_work"

    assert classify_text("Hello there", llm=llm).method == "llm"
    assert classify_text("Purchase Order PO number 1", llm=llm).method == "rules"
    assert len(asked) == 1
    assert classify_text("Hello there").category == "other"
