"""What validating an e-invoice found: each finding fatal or a warning, as the artefact says.

A fatal finding means the document is not a valid EN 16931 / Factur-X invoice and must
not be paid as it stands: accounts payable reviews it. Warnings are kept with the
invoice for the reviewer but do not hold it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["fatal", "warning"]

# Where a finding comes from (shown to the reviewer so they know whom to ask).
CHECKS = ("xsd", "schematron", "pdfa", "invoice")


@dataclass(frozen=True)
class Finding:
    """One problem: which check, which rule (``BR-CO-10``, ``XSD``, ``PDFA-ID``…), what."""

    severity: Severity
    check: str
    rule: str
    message: str
    location: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The finding as plain JSON."""
        return {
            "severity": self.severity,
            "check": self.check,
            "rule": self.rule,
            "message": self.message,
            "location": self.location,
        }


@dataclass(frozen=True)
class ValidationReport:
    """Every finding on one document, the artefacts used and the profile it declared."""

    syntax: str
    profile: str | None = None
    artefacts: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def fatal(self) -> tuple[Finding, ...]:
        """The findings that hold the invoice."""
        return tuple(f for f in self.findings if f.severity == "fatal")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """The findings kept for information only."""
        return tuple(f for f in self.findings if f.severity == "warning")

    @property
    def valid(self) -> bool:
        """True when nothing fatal was found."""
        return not self.fatal

    def rules(self, severity: Severity = "fatal") -> list[str]:
        """The distinct rule ids of the findings of ``severity``, in order of appearance."""
        return list(dict.fromkeys(f.rule for f in self.findings if f.severity == severity))

    def summary(self) -> str:
        """One line for an exception title or a log: the first fatal rules and their count."""
        fatal = self.fatal
        if not fatal:
            return f"valid ({len(self.warnings)} warnings)"
        head = "; ".join(f"{f.rule}: {f.message}" for f in fatal[:3])
        more = f" (and {len(fatal) - 3} more)" if len(fatal) > 3 else ""
        return f"{len(fatal)} fatal errors: {head}{more}"

    def to_json(self) -> dict[str, Any]:
        """The report as plain JSON (stored with the invoice, shown by the API and CLI)."""
        return {
            "valid": self.valid,
            "syntax": self.syntax,
            "profile": self.profile,
            "artefacts": list(self.artefacts),
            "fatal": len(self.fatal),
            "warnings": len(self.warnings),
            "findings": [f.to_json() for f in self.findings],
        }


__all__ = ["CHECKS", "Finding", "Severity", "ValidationReport"]
