"""E-invoices validated with the official artefacts: XML schema, EN 16931 / Factur-X
schematron (fatal and warning as the artefact flags them), the PDF/A-3 container, and a
credit note coded as an invoice; scored on known-good and known-bad corpora."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from procureflow.demo.contracts.invoices import Line, sample_invoice_ubl
from procureflow.documents.einvoice.artefacts import (
    FACTURX_PROFILES,
    UBL_INVOICE,
    compiled_stylesheet,
    xml_schema,
)
from procureflow.documents.einvoice.conformance import parse_svrl
from procureflow.documents.einvoice.validate import read_einvoice
from procureflow.errors import DocumentRejected
from procureflow.evaluation.einvoices import score_einvoices


def _bad(sample_data: Path, name: str) -> bytes:
    return (sample_data / "einvoice" / "known-bad" / name).read_bytes()


def test_every_known_bad_invoice_is_flagged_or_refused_for_its_defect(sample_data: Path) -> None:
    score = score_einvoices(sample_data / "einvoice")
    assert len(score.bad) >= 12
    assert score.bad_rate == 1.0, [c for c in score.bad if not c.ok]
    assert [c for c in score.bad if not c.rule_matched] == []


def test_every_known_good_invoice_still_passes_with_its_exact_total(sample_data: Path) -> None:
    score = score_einvoices(sample_data / "einvoice")
    assert len(score.good) == 12
    assert score.good_rate == 1.0, [c for c in score.good if not c.ok]


def test_an_xsd_error_is_fatal_and_says_where(sample_data: Path) -> None:
    report = read_einvoice(_bad(sample_data, "ubl-xsd-unknown-element.xml"), "x.xml").report
    xsd = [f for f in report.fatal if f.check == "xsd"]
    assert xsd and "Colour" in xsd[0].message and (xsd[0].location or "").startswith("line ")
    assert report.artefacts == (UBL_INVOICE.xsd, UBL_INVOICE.schematron)


def test_an_invoice_breaking_br_co_10_is_fatal_with_the_rule_named(sample_data: Path) -> None:
    for name in ("ubl-br-co-10-line-total.xml", "cii-br-co-10-line-total.xml"):
        checked = read_einvoice(_bad(sample_data, name), name)
        assert "BR-CO-10" in checked.report.rules(), name
        assert not checked.report.valid


def test_missing_seller_vat_breaks_br_s_02(sample_data: Path) -> None:
    report = read_einvoice(_bad(sample_data, "ubl-no-seller-vat.xml"), "x.xml").report
    assert report.rules() == ["BR-S-02"]


def test_a_schematron_warning_is_kept_but_does_not_hold_the_invoice(sample_data: Path) -> None:
    path = sample_data / "einvoice" / "en16931-cii" / "CII_example1.xml"
    report = read_einvoice(path.read_bytes(), path.name).report
    assert report.valid
    assert report.rules("warning") == ["PEPPOL-EN16931-R008"]
    assert report.to_json()["warnings"] == 1 and report.to_json()["fatal"] == 0


def test_svrl_flags_decide_fatal_or_warning() -> None:
    svrl = """<svrl:schematron-output xmlns:svrl="http://purl.oclc.org/dsdl/svrl">
      <svrl:failed-assert id="BR-01" flag="fatal" location="/a"><svrl:text>f</svrl:text></svrl:failed-assert>
      <svrl:failed-assert id="R-2" flag="warning" location="/b"><svrl:text>w</svrl:text></svrl:failed-assert>
      <svrl:failed-assert id="R-3" location="/c"><svrl:text>unflagged</svrl:text></svrl:failed-assert>
      <svrl:successful-report location="/d"><svrl:text>not used</svrl:text></svrl:successful-report>
    </svrl:schematron-output>"""
    found = {f.rule: f.severity for f in parse_svrl(svrl)}
    assert found == {"BR-01": "fatal", "R-2": "warning", "R-3": "fatal", "schematron": "warning"}


def test_a_credit_note_coded_as_invoice_is_flagged(sample_data: Path) -> None:
    checked = read_einvoice(_bad(sample_data, "ubl-credit-note-as-invoice.xml"), "x.xml")
    assert checked.invoice.totals.payable < 0 and not checked.invoice.is_credit_note
    fatal = [f for f in checked.report.fatal if f.rule == "PF-CREDIT-AS-INVOICE"]
    assert fatal and "380" in fatal[0].message


def test_a_real_credit_note_with_a_positive_amount_is_not_flagged(sample_data: Path) -> None:
    path = sample_data / "einvoice" / "en16931-ubl" / "ubl-tc434-creditnote1.xml"
    checked = read_einvoice(path.read_bytes(), path.name)
    assert checked.invoice.is_credit_note and checked.report.valid


def test_a_factur_x_pdf_whose_xml_does_not_match_its_profile_is_flagged(
    sample_data: Path,
) -> None:
    report = read_einvoice(_bad(sample_data, "fx-basic-declared-minimum.pdf"), "x.pdf").report
    assert report.profile == "minimum"
    assert {"XSD", "FX-PROFILE"} <= set(report.rules())
    assert report.artefacts == (
        FACTURX_PROFILES["minimum"].xsd,
        FACTURX_PROFILES["minimum"].schematron,
    )


@pytest.mark.parametrize(
    ("name", "rule"),
    [("fx-unspecified-relationship.pdf", "PDFA-AF"), ("fx-no-pdfa-identification.pdf", "PDFA-ID")],
)
def test_a_factur_x_container_that_is_no_pdfa3_invoice_is_flagged(
    sample_data: Path, name: str, rule: str
) -> None:
    report = read_einvoice(_bad(sample_data, name), name).report
    assert report.rules() == [rule]


def test_a_pdf_without_the_embedded_xml_is_refused(sample_data: Path) -> None:
    with pytest.raises(DocumentRejected, match="no embedded e-invoice XML"):
        read_einvoice(_bad(sample_data, "fx-no-embedded-xml.pdf"), "x.pdf")


def test_an_older_factur_x_guideline_id_is_checked_as_the_current_one(sample_data: Path) -> None:
    path = sample_data / "einvoice" / "factur-x" / "Avoir_FR_type381_BASIC.pdf"
    report = read_einvoice(path.read_bytes(), path.name).report
    assert report.valid and report.profile == "basic"
    assert "FX-LEGACY-ID" in report.rules("warning")


def test_each_artefact_is_compiled_once_per_process() -> None:
    assert compiled_stylesheet(UBL_INVOICE.schematron) is compiled_stylesheet(
        UBL_INVOICE.schematron
    )
    assert xml_schema(UBL_INVOICE.xsd) is xml_schema(UBL_INVOICE.xsd)


@pytest.mark.parametrize("credit_note", [False, True])
@pytest.mark.parametrize("tax_rate", [Decimal(19), Decimal(0)])
def test_the_demo_invoice_passes_validation(credit_note: bool, tax_rate: Decimal) -> None:
    data = sample_invoice_ubl(
        number="NW-1",
        po_number="PO-1",
        lines=[Line("1", "Conveyor module", Decimal(2), Decimal("10.50"))],
        tax_rate=tax_rate,
        credit_note=credit_note,
    )
    report = read_einvoice(data, "NW-1.xml").report
    assert report.valid, report.summary()


def test_a_cii_invoice_naming_a_cius_is_checked_against_the_en16931_core(
    sample_data: Path,
) -> None:
    original = (sample_data / "einvoice" / "en16931-cii" / "CII_example1.xml").read_bytes()
    core = b"<ram:ID>urn:cen.eu:en16931:2017</ram:ID>"
    cius = b"<ram:ID>urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0</ram:ID>"
    assert core in original
    report = read_einvoice(original.replace(core, cius), "xrechnung.xml").report
    assert report.valid, report.summary()
    assert "PF-CIUS" in report.rules("warning")


def test_an_invoice_the_schematron_cannot_run_on_is_held_not_passed(
    sample_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from procureflow.documents.einvoice import conformance

    def broken(_xslt: str, _xml: str) -> str:
        raise RuntimeError("processor failed")

    monkeypatch.setattr(conformance, "run_stylesheet", broken)
    path = sample_data / "einvoice" / "en16931-ubl" / "ubl-tc434-example1.xml"
    report = read_einvoice(path.read_bytes(), path.name).report
    assert report.rules() == ["PF-NOT-CHECKED"]
