"""The monitors' rules: windows, thresholds, owner roles and the actions allowed alone.

Kept as data beside the policy (``builtin/monitors.yaml``; an operator's own file via the
``monitor_rules_file`` setting) so that the orchestrator, not a developer, decides what
the platform does on its own and what it raises for a person.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from procureflow.errors import PolicyInvalid

Severity = Literal["low", "medium", "high", "critical"]


class _Rules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _certificate_severities() -> dict[str, Severity]:
    return {"90": "low", "60": "medium", "30": "high", "expired": "critical"}


def _milestone_severities() -> dict[str, Severity]:
    return {"due_soon": "low", "overdue": "high"}


class CertificateRules(_Rules):
    """Certificates and compliance documents nearing or past their expiry."""

    owner_role: str = "category_manager"
    windows_days: tuple[int, ...] = (90, 60, 30)
    severity: dict[str, Severity] = Field(default_factory=_certificate_severities)
    remind_supplier_days: tuple[int, ...] = (60, 30)
    hold_payments_when_expired: bool = True
    release_hold_when_renewed: bool = True

    @field_validator("windows_days")
    @classmethod
    def _windows(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if not value or any(d <= 0 for d in value):
            raise ValueError("windows_days must be positive numbers of days")
        return tuple(sorted(set(value), reverse=True))

    def severity_for(self, window: str) -> Severity:
        """The severity of a window (``"60"``) or of ``"expired"``."""
        return self.severity.get(window, "critical" if window == "expired" else "medium")


class MilestoneRules(_Rules):
    """Contract milestones due soon or overdue without completion."""

    owner_role: str = "buyer"
    due_soon_days: int = Field(default=7, ge=0)
    severity: dict[str, Severity] = Field(default_factory=_milestone_severities)
    overdue_critical_days: int = Field(default=30, ge=1)


class InvoiceAccuracyRules(_Rules):
    """The share of a supplier's invoices that did not match, over a window."""

    owner_role: str = "accounts_payable"
    window_days: int = Field(default=30, ge=1)
    min_invoices: int = Field(default=5, ge=1)
    max_mismatch_rate: Decimal = Decimal("0.10")
    rising_by: Decimal = Decimal("0.05")
    severity: Severity = "medium"


class ApprovalRules(_Rules):
    """Approvals waiting past their SLA."""

    owner_role: str = "orchestrator"
    escalate: bool = True
    notify_escalated_role: bool = True
    severity_expired: Severity = "high"


class SupplierRiskRules(_Rules):
    """Drift of a supplier's ESG score or financial health after a re-import."""

    owner_role: str = "category_manager"
    esg_drop: Decimal = Decimal("10")
    esg_floor: Decimal = Decimal("40")
    altman_z_floor: Decimal = Decimal("1.81")
    altman_z_drop: Decimal = Decimal("0.5")
    severity: Severity = "high"


class MonitorRules(_Rules):
    """Every monitor's rules."""

    name: str = "procureflow-monitors"
    version: str = "1"
    certificates: CertificateRules = CertificateRules()
    milestones: MilestoneRules = MilestoneRules()
    invoice_accuracy: InvoiceAccuracyRules = InvoiceAccuracyRules()
    approvals: ApprovalRules = ApprovalRules()
    supplier_risk: SupplierRiskRules = SupplierRiskRules()


def load_monitor_rules(text: str, origin: str = "monitors.yaml") -> MonitorRules:
    """Parse and check monitor rules; errors name the file and the field."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise PolicyInvalid(f"not valid YAML: {exc}", subject=origin) from None
    if not isinstance(data, dict):
        raise PolicyInvalid("must be a mapping of monitor names to rules", subject=origin)
    try:
        return MonitorRules.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PolicyInvalid(f"{where}: {first['msg']}", subject=origin) from None


def load_monitor_rules_file(path: Path) -> MonitorRules:
    """Monitor rules from an operator's file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyInvalid(f"cannot read: {exc.strerror}", subject=str(path)) from None
    return load_monitor_rules(text, origin=str(path))


@lru_cache(maxsize=1)
def default_monitor_rules() -> MonitorRules:
    """The rules shipped with ProcureFlow (``policies/builtin/monitors.yaml``)."""
    source = resources.files("procureflow.policies").joinpath("builtin/monitors.yaml")
    return load_monitor_rules(source.read_text(encoding="utf-8"), origin="builtin:monitors.yaml")


__all__ = [
    "ApprovalRules",
    "CertificateRules",
    "InvoiceAccuracyRules",
    "MilestoneRules",
    "MonitorRules",
    "SupplierRiskRules",
    "default_monitor_rules",
    "load_monitor_rules",
    "load_monitor_rules_file",
]
