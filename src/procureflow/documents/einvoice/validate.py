"""Validate an e-invoice with the official artefacts before anything matches or pays it.

Every document is checked against its XML schema and the EN 16931 schematron (UBL:
the CEN/TC 434 UBL rules; CII: the EN 16931 rules as published for Factur-X); a
Factur-X / ZUGFeRD PDF against the schema and schematron of the profile its XML
declares, plus a basic PDF/A-3 check of the container (:mod:`.pdfa`). On top, two
checks the artefacts leave open: an invoice (not a credit note) whose amount due is
negative — a credit note coded as an invoice, which must never become a negative
payable — and totals that contradict the lines (kept even where a profile's
schematron does not look at lines).

:func:`read_einvoice` refuses what cannot be read at all, like
:func:`~procureflow.documents.einvoice.parse_einvoice`; everything else comes back with
its :class:`~.findings.ValidationReport`, so the caller can keep a flawed invoice for
accounts payable rather than lose it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from lxml import etree

from procureflow.documents.einvoice.artefacts import (
    CII_EN16931,
    FACTURX_PROFILES,
    UBL_CREDIT_NOTE,
    UBL_INVOICE,
    Artefacts,
)
from procureflow.documents.einvoice.conformance import schema_findings, schematron_findings
from procureflow.documents.einvoice.findings import Finding, ValidationReport
from procureflow.documents.einvoice.parse import DEFAULT_MAX_BYTES, ParsedDocument, parse_document
from procureflow.documents.einvoice.pdfa import container_findings, profile_mismatch
from procureflow.documents.einvoice.profiles import (
    EN16931_ID,
    current_guideline,
    profile_for_guideline,
)
from procureflow.documents.einvoice.ubl import UBL_CREDIT_NOTE_NS
from procureflow.domain.invoice import Invoice

_GUIDELINE = (
    "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}ExchangedDocumentContext/"
    "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}"
    "GuidelineSpecifiedDocumentContextParameter/"
    "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}ID"
)
_TYPE_CODE_PATHS = (
    "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}InvoiceTypeCode",
    "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}ExchangedDocument/"
    "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}TypeCode",
)


@dataclass(frozen=True)
class CheckedInvoice:
    """An invoice as read and what validating it found."""

    invoice: Invoice
    report: ValidationReport


def _invoice_findings(invoice: Invoice, root: etree._Element) -> list[Finding]:
    found: list[Finding] = []
    payable = invoice.totals.payable
    if not invoice.is_credit_note and payable < 0:
        code = next((root.findtext(p) for p in _TYPE_CODE_PATHS if root.find(p) is not None), None)
        found.append(
            Finding(
                severity="fatal",
                check="invoice",
                rule="PF-CREDIT-AS-INVOICE",
                message=(
                    f"amount due is {payable} {invoice.currency} on a document coded as an "
                    f"invoice (type code {(code or '').strip() or 'none'}): a credit note sent "
                    "as an invoice; ask the supplier for a credit note (381)"
                ),
            )
        )
    for problem in invoice.arithmetic_problems():
        found.append(Finding(severity="fatal", check="invoice", rule="PF-TOTALS", message=problem))
    return found


def _with_guideline(root: etree._Element, guideline: str) -> str:
    """The document as text with its guideline id (BT-24) replaced by ``guideline``."""
    rewritten = copy.deepcopy(root)
    node = rewritten.find(_GUIDELINE)
    assert node is not None
    node.text = guideline
    return str(etree.tostring(rewritten, encoding="unicode"))


def _cii_core(root: etree._Element) -> tuple[list[Finding], str]:
    """A CII invoice sent on its own, checked against the EN 16931 core.

    The EN 16931 schematron published for Factur-X also checks BT-24 against the
    Factur-X identifiers; a CIUS (XRechnung and the like) legitimately names itself
    there, so its invoice is checked with BT-24 read as the core's and a warning says
    the CIUS's own rules were not checked."""
    guideline = (root.findtext(_GUIDELINE) or "").strip()
    if guideline == EN16931_ID or not guideline.startswith(EN16931_ID):
        return [], etree.tostring(root, encoding="unicode")
    note = Finding(
        severity="warning",
        check="schematron",
        rule="PF-CIUS",
        message=f"specification id {guideline!r} names a CIUS of EN 16931: checked against "
        "the EN 16931 core rules only, not the CIUS's own",
    )
    return [note], _with_guideline(root, EN16931_ID)


def _facturx_artefacts(root: etree._Element) -> tuple[str | None, Artefacts, list[Finding], str]:
    """Profile, artefacts, findings about the profile, and the XML the schematron reads."""
    guideline = (root.findtext(_GUIDELINE) or "").strip()
    profile = profile_for_guideline(guideline)
    if profile is None:
        problem = Finding(
            severity="fatal",
            check="schematron",
            rule="FX-PROFILE",
            message=f"guideline id {guideline or '(none)'!r} names no Factur-X / ZUGFeRD profile; "
            "checked as EN 16931",
        )
        return (
            None,
            FACTURX_PROFILES["en16931"],
            [problem],
            etree.tostring(root, encoding="unicode"),
        )
    if profile == "en16931":
        findings, xml = _cii_core(root)
        return profile, FACTURX_PROFILES[profile], findings, xml
    current = current_guideline(guideline, profile)
    if current is None:
        return profile, FACTURX_PROFILES[profile], [], etree.tostring(root, encoding="unicode")
    note = Finding(
        severity="warning",
        check="schematron",
        rule="FX-LEGACY-ID",
        message=f"guideline id {guideline!r} is the older way to write {current!r}; "
        "checked as the latter",
    )
    return profile, FACTURX_PROFILES[profile], [note], _with_guideline(root, current)


def validate_document(parsed: ParsedDocument, data: bytes) -> ValidationReport:
    """Validate a document read by :func:`parse_document` (``data``: the file's bytes)."""
    root, invoice = parsed.root, parsed.invoice
    findings: list[Finding] = []
    profile: str | None
    if invoice.syntax == "ubl":
        credit = etree.QName(root).namespace == UBL_CREDIT_NOTE_NS
        artefacts, profile = (UBL_CREDIT_NOTE if credit else UBL_INVOICE), "en16931"
        xml = etree.tostring(root, encoding="unicode")
    elif parsed.embedded_name is None:
        artefacts, profile = CII_EN16931, "en16931"
        findings, xml = _cii_core(root)
    else:
        profile, artefacts, findings, xml = _facturx_artefacts(root)
    findings += schema_findings(root, artefacts.xsd)
    findings += schematron_findings(xml, artefacts.schematron)
    if parsed.embedded_name is not None:
        container, facts = container_findings(data, parsed.embedded_name)
        findings += container + profile_mismatch(facts, profile)
    findings += _invoice_findings(invoice, root)
    return ValidationReport(
        syntax=invoice.syntax,
        profile=profile,
        artefacts=(artefacts.xsd, artefacts.schematron),
        findings=tuple(findings),
    )


def read_einvoice(
    data: bytes, filename: str | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> CheckedInvoice:
    """Read and validate an e-invoice; :class:`DocumentRejected` when it cannot be read."""
    parsed = parse_document(data, filename, max_bytes=max_bytes)
    return CheckedInvoice(parsed.invoice, validate_document(parsed, data))


__all__ = ["CheckedInvoice", "read_einvoice", "validate_document"]
