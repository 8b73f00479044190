"""Checking one invoice XML against an XML schema and a compiled schematron.

The schematron's own flags decide the severity: a failed assertion flagged ``warning``
or ``information`` is a warning, any other failed assertion (``fatal``, ``error`` or
unflagged, which the schematron standard treats as an error) is fatal. A successful
report is informational unless it is flagged ``fatal`` (the Factur-X profile schematrons
report elements a profile does not use that way).
"""

from __future__ import annotations

from lxml import etree

from procureflow.documents.einvoice.artefacts import run_stylesheet, schema_errors
from procureflow.documents.einvoice.findings import Finding, Severity

SVRL_NS = "http://purl.oclc.org/dsdl/svrl"
_WARNING_FLAGS = frozenset({"warning", "information", "info"})
# XSD messages can be long; the reviewer needs the gist and the line.
_MAX_MESSAGE = 500


def schema_findings(root: etree._Element, xsd: str) -> list[Finding]:
    """Every XML-schema error of the document ``root`` against ``xsd`` (all fatal)."""
    return [
        Finding(
            severity="fatal",
            check="xsd",
            rule="XSD",
            message=error.message[:_MAX_MESSAGE],
            location=f"line {error.line}" + (f", {error.path}" if error.path else ""),
        )
        for error in schema_errors(xsd, root)
    ]


def _severity(node: etree._Element) -> Severity:
    flag = (node.get("flag") or "").strip().lower()
    if etree.QName(node).localname == "successful-report":
        return "fatal" if flag == "fatal" else "warning"
    return "warning" if flag in _WARNING_FLAGS else "fatal"


def parse_svrl(svrl: str) -> list[Finding]:
    """The failed assertions and successful reports of an SVRL result, as findings."""
    root = etree.fromstring(svrl.encode("utf-8"), etree.XMLParser(resolve_entities=False))
    found: list[Finding] = []
    for node in root.iter(f"{{{SVRL_NS}}}failed-assert", f"{{{SVRL_NS}}}successful-report"):
        text = node.findtext(f"{{{SVRL_NS}}}text") or ""
        message = " ".join(text.split())[:_MAX_MESSAGE]
        rule = node.get("id") or "schematron"
        found.append(
            Finding(
                severity=_severity(node),
                check="schematron",
                rule=rule,
                message=message,
                location=node.get("location"),
            )
        )
    return found


def schematron_findings(xml: str, xslt: str) -> list[Finding]:
    """The findings of the compiled schematron ``xslt`` on the document ``xml``.

    When the schematron cannot be run on the document at all, that is itself a fatal
    finding: an invoice the rules could not check must not pass as one they passed."""
    try:
        svrl = run_stylesheet(xslt, xml)
    except Exception as exc:  # Saxon raises its own API error for any failure
        return [
            Finding(
                severity="fatal",
                check="schematron",
                rule="PF-NOT-CHECKED",
                message=f"the schematron could not be run on this document: {exc}"[:_MAX_MESSAGE],
            )
        ]
    return parse_svrl(svrl)


__all__ = ["SVRL_NS", "parse_svrl", "schema_findings", "schematron_findings"]
