"""Bad e-invoices are refused with a reason a person can act on, before anything reads them."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest

from procureflow.documents.einvoice import parse_einvoice
from procureflow.errors import DocumentRejected

UBL_SAMPLE = ("einvoice", "en16931-ubl", "ubl-tc434-example1.xml")
PDF_SAMPLE = ("einvoice", "factur-x", "Facture_FR_BASICWL.pdf")


def _read(sample_data: Path, parts: tuple[str, ...]) -> bytes:
    return sample_data.joinpath(*parts).read_bytes()


def _rejected(data: bytes, filename: str | None = None, **kwargs: int) -> str:
    with pytest.raises(DocumentRejected) as caught:
        parse_einvoice(data, filename, **kwargs)
    return str(caught.value)


def test_external_entity_is_refused_without_reading_the_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"'
        ' xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
        "<cbc:ID>&xxe;</cbc:ID></Invoice>"
    ).encode()
    message = _rejected(xml, "evil.xml")
    assert "external entity" in message
    assert "evil.xml" in message
    assert "TOP-SECRET-VALUE" not in message


def test_billion_laughs_is_refused() -> None:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    xml = f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]><lolz>&lol9;</lolz>'.encode()
    assert "entity-expansion" in _rejected(xml, "laughs.xml")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_entity_declarations_are_seen_in_other_encodings(encoding: str) -> None:
    xml = (
        f'<?xml version="1.0" encoding="{encoding.upper()}"?>'
        '<!DOCTYPE x [<!ENTITY a SYSTEM "file:///etc/passwd">]><x>&a;</x>'
    ).encode(encoding)
    assert "external entity" in _rejected(xml, "wide.xml")


def test_xml_that_is_not_an_invoice_is_refused_naming_its_root() -> None:
    message = _rejected(b"<?xml version='1.0'?><Order xmlns='urn:example:order'/>", "order.xml")
    assert "not an invoice" in message and "Order" in message


def test_zugferd_one_is_named_as_unsupported() -> None:
    xml = b"<rsm:CrossIndustryDocument xmlns:rsm='urn:ferd:CrossIndustryDocument:invoice:1p0'/>"
    assert "ZUGFeRD 1.0" in _rejected(xml, "zugferd-invoice.xml")


def test_broken_xml_is_refused_as_not_well_formed(sample_data: Path) -> None:
    data = _read(sample_data, UBL_SAMPLE)
    assert "not well-formed" in _rejected(data[: len(data) // 2], "half.xml")


def test_unknown_currency_is_refused_naming_the_code(sample_data: Path) -> None:
    data = _read(sample_data, UBL_SAMPLE).replace(b">EUR<", b">XYZ<").replace(b'"EUR"', b'"XYZ"')
    message = _rejected(data, "xyz.xml")
    assert "'XYZ'" in message and "ISO 4217" in message


def test_missing_total_is_named(sample_data: Path) -> None:
    data = _read(sample_data, UBL_SAMPLE)
    start = data.index(b"<cbc:PayableAmount")
    end = data.index(b"</cbc:PayableAmount>") + len(b"</cbc:PayableAmount>")
    message = _rejected(data[:start] + data[end:], "nopay.xml")
    assert "cbc:PayableAmount" in message and "amount due" in message


def test_totals_that_do_not_add_up_are_refused(sample_data: Path) -> None:
    data = _read(sample_data, UBL_SAMPLE)
    tampered = data.replace(
        b'<cbc:PayableAmount currencyID="EUR">250.33<',
        b'<cbc:PayableAmount currencyID="EUR">950.33<',
    )
    assert tampered != data
    assert "does not add up" in _rejected(tampered, "tampered.xml")


def test_file_above_the_size_limit_is_refused_before_parsing() -> None:
    message = _rejected(b"<" * 2048, "big.xml", max_bytes=1024)
    assert "above the limit" in message


def test_default_limit_refuses_a_100_megabyte_upload() -> None:
    assert "above the limit" in _rejected(bytes(100 * 1024 * 1024), "huge.pdf")


def test_truncated_pdf_is_refused(sample_data: Path) -> None:
    data = _read(sample_data, PDF_SAMPLE)
    assert "truncated" in _rejected(data[: len(data) // 2], "cut.pdf")


def test_pdf_without_embedded_xml_is_refused(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    buffer = io.BytesIO()
    pdf.save(buffer)
    message = _rejected(buffer.getvalue(), "plain.pdf")
    assert "no embedded e-invoice XML" in message


def test_pdf_embedding_an_entity_bomb_is_refused(sample_data: Path) -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a SYSTEM "file:///etc/passwd">]><x>&a;</x>'
    pdf = pikepdf.open(io.BytesIO(_read(sample_data, PDF_SAMPLE)))
    pdf.attachments["factur-x.xml"] = pikepdf.AttachedFileSpec(pdf, bomb)
    buffer = io.BytesIO()
    pdf.save(buffer)
    assert "external entity" in _rejected(buffer.getvalue(), "bomb.pdf")


def test_garbage_named_pdf_is_refused_as_not_a_pdf() -> None:
    assert "not a PDF" in _rejected(b"hello world", "fake.pdf")


def test_empty_file_is_refused() -> None:
    assert "empty" in _rejected(b"  \n", "empty.xml")
