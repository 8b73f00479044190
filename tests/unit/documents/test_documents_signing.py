"""Co-signing and verification: two signers in order, then tampering of two kinds."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from procureflow.documents.keys import CA_ALIAS, Keystore
from procureflow.documents.profiles import SignatureProfile
from procureflow.documents.signing import sign_pdf
from procureflow.documents.stamping import apply_draft_stamps
from procureflow.documents.verify import verify_pdf
from procureflow.errors import Conflict, InvalidInput
from tests.factories_documents import text_pdf


def _text(data: bytes, page: int = -1) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return pdf.pages[page].extract_text() or ""


def _rendered_text(data: bytes) -> str:
    """Text as a viewer shows it, signature appearances included (poppler's pdftotext)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    result = subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True, timeout=60
    )
    return result.stdout.decode()


def test_two_co_signers_in_order_give_a_valid_trusted_document(
    signed_contract: bytes, keystore: Keystore
) -> None:
    report = verify_pdf(signed_contract, keystore.trust_roots())
    assert report.valid, report.problems
    first, second = report.signatures
    assert first.field_name == "Signature_contract_procurement"
    assert "Procurement Manager" in (first.signer or "")
    assert first.intact and first.trusted and first.coverage == "ENTIRE_REVISION"
    assert first.modification == "FORM_FILLING"  # only the second signature came after
    assert second.coverage == "ENTIRE_FILE" and "Chief Financial Officer" in (second.signer or "")
    assert first.covers == "revision 2 of 3; 1 later revision(s) follow"
    assert second.covers == "revision 3 of 3; nothing was added after it"
    stamp_text = _rendered_text(signed_contract)
    assert "Signed by Procurement Manager" in stamp_text
    assert "Signed by Chief Financial Officer" in stamp_text


def test_one_changed_byte_breaks_the_signatures(signed_contract: bytes, keystore: Keystore) -> None:
    tampered = bytearray(signed_contract)
    at = tampered.index(b"/MediaBox")
    tampered[at + 14] = ord("7") if tampered[at + 14] != ord("7") else ord("8")
    report = verify_pdf(bytes(tampered), keystore.trust_roots())
    assert not report.valid
    assert not any(s.intact for s in report.signatures)
    assert any("changed" in p for p in report.problems)
    assert not any("trusted CA" in p for p in report.problems)  # not a trust question


def test_an_incremental_page_edit_after_signing_is_detected(
    signed_contract: bytes, keystore: Keystore
) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(signed_contract))
    edit = generic.StreamObject(stream_data=b"\nBT /F1 30 Tf 100 400 Td (PRICE x2) Tj ET\n")
    writer.add_stream_to_page(0, writer.add_object(edit))
    out = io.BytesIO()
    writer.write(out)
    report = verify_pdf(out.getvalue(), keystore.trust_roots())
    assert not report.valid
    assert all(s.intact for s in report.signatures)  # the signed bytes are untouched ...
    assert all(s.modified_after_signing for s in report.signatures)  # ... but pages changed
    assert "modified after this signature" in report.problems[0]


def test_a_signer_outside_the_organisation_ca_is_not_trusted(
    tmp_path: Path, contract_signers: list[SignatureProfile], keystore: Keystore
) -> None:
    stranger = Keystore(tmp_path / "other", "other")
    stranger.init_ca("Someone Else")
    profile = contract_signers[0]
    stranger.issue_signer(profile.key_alias, common_name="Mallory", organisation="Someone Else")
    signed = sign_pdf(text_pdf(1), profile, stranger.signer(profile.key_alias))
    report = verify_pdf(signed, keystore.trust_roots())
    assert not report.valid
    assert report.signatures[0].intact and not report.signatures[0].trusted


def test_a_co_signer_signs_once(
    signed_contract: bytes, contract_signers: list[SignatureProfile], keystore: Keystore
) -> None:
    profile = contract_signers[0]
    with pytest.raises(Conflict, match="has signed this document already"):
        sign_pdf(signed_contract, profile, keystore.signer(profile.key_alias))


def test_an_unsigned_document_is_not_valid(keystore: Keystore) -> None:
    report = verify_pdf(text_pdf(1), keystore.trust_roots())
    assert not report.valid and report.problems == ["the document carries no signature"]


def test_draft_stamps_show_every_co_signer_without_signing(
    contract_signers: list[SignatureProfile], keystore: Keystore
) -> None:
    draft = apply_draft_stamps(text_pdf(2), contract_signers)
    text = _text(draft)
    assert "DRAFT - to be signed (1 of 2)" in text and "DRAFT - to be signed (2 of 2)" in text
    assert "Chief Financial Officer" in text
    assert "Page 1" in _text(draft, 0) and "DRAFT" not in _text(draft, 0)
    assert verify_pdf(draft, keystore.trust_roots()).signatures == []


def test_keystore_lists_the_ca_first_with_ec_p256_keys(keystore: Keystore) -> None:
    infos = keystore.list()
    assert infos[0].alias == CA_ALIAS and infos[0].kind == "ca"
    assert {info.key_type for info in infos} == {"EC secp256r1"}
    assert {"contract-procurement", "contract-finance"} <= {info.alias for info in infos}


def test_wrong_passphrase_is_a_clear_error(keystore: Keystore) -> None:
    wrong = Keystore(keystore.directory, "not the passphrase")
    with pytest.raises(InvalidInput, match="wrong passphrase"):
        wrong.signer("contract-finance")


def test_import_of_an_existing_pkcs12_signs_with_that_identity(
    tmp_path: Path, keystore: Keystore, contract_signers: list[SignatureProfile]
) -> None:
    key, cert, chain = pkcs12.load_key_and_certificates(
        (keystore.directory / "nda-legal.p12").read_bytes(), b"test passphrase"
    )
    assert key is not None and cert is not None
    exported = pkcs12.serialize_key_and_certificates(
        b"x", key, cert, chain, serialization.BestAvailableEncryption(b"export")
    )
    target = Keystore(tmp_path / "imported", "new passphrase")
    info = target.import_pkcs12("legal", exported, "export")
    assert info.kind == "imported" and "Legal Counsel" in info.subject
    with pytest.raises(InvalidInput, match="passphrase is wrong"):
        target.import_pkcs12("legal2", exported, "nope")
    profile = contract_signers[0].model_copy(update={"key_alias": "legal"})
    signed = sign_pdf(text_pdf(1), profile, target.signer("legal"))
    assert verify_pdf(signed, keystore.trust_roots()).valid


def test_an_expired_signer_certificate_cannot_sign_and_init_renews_it(
    tmp_path: Path, contract_signers: list[SignatureProfile]
) -> None:
    store = Keystore(tmp_path / "keys", "pw")
    store.init_ca("Expiring Buyer")
    profile = contract_signers[0]
    store.issue_signer(profile.key_alias, common_name="Old", organisation="Expiring Buyer", years=0)
    with pytest.raises(Conflict, match="expired on"):
        store.signer(profile.key_alias)
    assert store.needs_renewal(profile.key_alias)
    store.issue_signer(
        profile.key_alias, common_name="New", organisation="Expiring Buyer", replace=True
    )
    signed = sign_pdf(text_pdf(1), profile, store.signer(profile.key_alias))
    assert verify_pdf(signed, store.trust_roots()).valid
