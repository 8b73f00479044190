"""A basic PDF/A-3 check of a Factur-X / ZUGFeRD 2 container.

Not a full PDF/A validator (fonts, colour spaces and the like are not checked): it
checks what makes the PDF a Factur-X invoice a machine can trust — the PDF/A-3
identification in the XMP metadata, the embedded invoice under its standard name, tied
to the document with an allowed ``AFRelationship`` and listed in the catalogue's
``/AF``, and the Factur-X XMP extension naming the same file and the profile the XML
declares.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pikepdf

from procureflow.documents.einvoice.findings import Finding, Severity
from procureflow.documents.einvoice.profiles import XMP_LEVELS

# Factur-X 1.0 and ZUGFeRD 2.x names of the embedded invoice.
INVOICE_FILE_NAMES = ("factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml")
ALLOWED_RELATIONSHIPS = ("/Data", "/Source", "/Alternative")
_PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"


@dataclass(frozen=True)
class ContainerFacts:
    """What the container says about itself."""

    xmp_profile: str | None
    xmp_level: str | None


def _finding(rule: str, message: str, severity: Severity = "fatal") -> Finding:
    return Finding(severity=severity, check="pdfa", rule=rule, message=message)


def _xmp(pdf: pikepdf.Pdf) -> dict[str, str]:
    try:
        meta = pdf.open_metadata()
        return {str(k): str(v) for k, v in meta.items()}
    except Exception:  # a broken XMP packet is itself the finding
        return {}


def _identification(xmp: dict[str, str]) -> list[Finding]:
    part = xmp.get(f"{_PDFAID}part")
    conformance = xmp.get(f"{_PDFAID}conformance")
    if part is None:
        return [_finding("PDFA-ID", "no PDF/A identification (pdfaid:part) in the XMP metadata")]
    problems = []
    if part.strip() != "3":
        problems.append(
            _finding("PDFA-ID", f"PDF/A part is {part.strip()!r}; Factur-X needs PDF/A-3")
        )
    if (conformance or "").strip().upper() not in ("A", "B", "U"):
        problems.append(_finding("PDFA-ID", f"PDF/A conformance {conformance!r} is not A, B or U"))
    return problems


def _facturx_xmp(xmp: dict[str, str], name: str) -> tuple[list[Finding], str | None, str | None]:
    """Findings on the Factur-X XMP extension, the profile it names, its raw level."""
    values = {
        key.rsplit("}", 1)[-1]: value
        for key, value in xmp.items()
        if "CrossIndustryDocument" in key
    }
    if not values:
        return [_finding("FX-XMP", "no Factur-X / ZUGFeRD metadata in the XMP packet")], None, None
    problems: list[Finding] = []
    file_name = values.get("DocumentFileName", "").strip()
    if file_name and file_name.lower() != name.lower():
        problems.append(
            _finding("FX-XMP", f"XMP names {file_name!r} but the embedded invoice is {name!r}")
        )
    level = values.get("ConformanceLevel", "").strip()
    profile = XMP_LEVELS.get(level.upper())
    if profile is None:
        problems.append(
            _finding("FX-XMP", f"XMP conformance level {level!r} is no Factur-X profile")
        )
    return problems, profile, level or None


def _relationship(pdf: pikepdf.Pdf, name: str) -> list[Finding]:
    # The name-tree key and the file name usually agree; look the file up by either.
    spec = pdf.attachments.get(name) or next(
        (s for s in pdf.attachments.values() if s.filename == name), None
    )
    if spec is None:
        return [_finding("PDFA-AF", f"{name} is not an embedded file of the PDF")]
    obj: Any = spec.obj
    relationship = str(obj.get("/AFRelationship", "")) or None
    problems: list[Finding] = []
    if relationship not in ALLOWED_RELATIONSHIPS:
        problems.append(
            _finding(
                "PDFA-AF",
                f"{name} has AFRelationship {relationship or 'missing'}; "
                "Factur-X needs Data, Source or Alternative",
            )
        )
    listed = pdf.Root.get("/AF")
    names = set()
    if isinstance(listed, pikepdf.Array):
        for item in listed:
            names.add(str(item.get("/UF", item.get("/F", ""))))
    if name not in names:
        problems.append(
            _finding("PDFA-AF", f"{name} is not listed in the document's associated files (/AF)")
        )
    return problems


def container_findings(data: bytes, embedded_name: str) -> tuple[list[Finding], ContainerFacts]:
    """Findings on the PDF/A-3 container of a Factur-X invoice embedded as ``embedded_name``."""
    findings: list[Finding] = []
    if embedded_name.lower() not in INVOICE_FILE_NAMES:
        findings.append(
            _finding(
                "FX-NAME",
                f"the invoice is embedded as {embedded_name!r}; Factur-X / ZUGFeRD name it "
                + " or ".join(repr(n) for n in INVOICE_FILE_NAMES),
            )
        )
    with pikepdf.open(io.BytesIO(data)) as pdf:
        xmp = _xmp(pdf)
        findings += _identification(xmp)
        fx, profile, level = _facturx_xmp(xmp, embedded_name)
        findings += fx
        findings += _relationship(pdf, embedded_name)
    return findings, ContainerFacts(xmp_profile=profile, xmp_level=level)


def profile_mismatch(facts: ContainerFacts, xml_profile: str | None) -> list[Finding]:
    """A finding when the XMP metadata and the XML declare different profiles."""
    if facts.xmp_profile is None or xml_profile is None or facts.xmp_profile == xml_profile:
        return []
    return [
        _finding(
            "FX-PROFILE",
            f"the PDF metadata declares profile {facts.xmp_level} but the XML declares "
            f"{xml_profile}",
        )
    ]


__all__ = [
    "ALLOWED_RELATIONSHIPS",
    "INVOICE_FILE_NAMES",
    "ContainerFacts",
    "container_findings",
    "profile_mismatch",
]
