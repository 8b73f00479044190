"""Vetting of alternative suppliers: approval, ESG minimum, Altman Z zone, certificates.

Each failed rule becomes an :class:`Exclusion` with a stable ``code`` and a sentence a
buyer can act on; a supplier passes only with no exclusion. Rules:

* **approved** — only suppliers on the approved vendor list may receive orders.
* **ESG** — the score (0–100) must reach ``VettingPolicy.esg_minimum``; a missing score
  is an exclusion too, since the policy cannot be shown to hold.
* **Altman Z** — zones of the original manufacturing model (Altman 1968, Z = 1.2·X1 +
  1.4·X2 + 3.3·X3 + 0.6·X4 + 1.0·X5): *distress* below 1.81, *grey* from 1.81 to 2.99,
  *safe* above 2.99. Distress excludes; grey excludes only when the policy says so.
  Non-manufacturers are better judged by Z'' (cut-offs 1.1 / 2.6); the policy's
  thresholds can be set to those. A missing score is a warning, not an exclusion
  (private firms often publish no accounts), unless ``require_altman_z`` is set.
* **Certificates** — a certificate whose expiry is before the check date is *expired*;
  one that expires within ``certificate_window_days`` is *expiring* — both exclude, as
  an order placed now would be delivered under a lapsed certificate. A certificate
  named in ``required_certifications`` that the supplier lacks excludes as well.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

DISTRESS_BELOW = 1.81
SAFE_ABOVE = 2.99


class AltmanZone(StrEnum):
    """Financial-stability zone of an Altman Z score."""

    DISTRESS = "distress"
    GREY = "grey"
    SAFE = "safe"
    UNKNOWN = "unknown"


class Certificate(BaseModel):
    """A certificate (ISO 9001, IATF 16949, …) and the date it stops being valid."""

    model_config = ConfigDict(frozen=True)

    name: str
    expires_on: date


class SupplierProfile(BaseModel):
    """What vetting needs to know about one supplier."""

    model_config = ConfigDict(frozen=True)

    supplier_id: str
    name: str = ""
    approved: bool = False
    esg_score: float | None = Field(default=None, ge=0, le=100)
    altman_z: float | None = None
    certifications: list[Certificate] = Field(default_factory=list)
    location: str | None = None
    country: str | None = None


class VettingPolicy(BaseModel):
    """The thresholds vetting applies; defaults are those of the shipped policy.

    The ESG minimum defaults to 40, the shipped policy's ``min_esg_score``: below it a
    supplier is excluded; from 40 to 50 it may be used, but the policy's
    ``low-esg-supplier`` guardrail asks the category manager first. One number in code,
    policy and docs, so a buyer is never told a different floor than the one applied.
    """

    model_config = ConfigDict(frozen=True)

    esg_minimum: float = Field(default=40.0, ge=0, le=100)
    distress_below: float = DISTRESS_BELOW
    safe_above: float = SAFE_ABOVE
    exclude_grey_zone: bool = False
    require_altman_z: bool = False
    certificate_window_days: int = Field(default=30, ge=0)
    required_certifications: list[str] = Field(default_factory=list)

    @classmethod
    def from_bounds(cls, bounds: Mapping[str, Any]) -> VettingPolicy:
        """The policy from a mandate's bounds: ``min_esg_score``, ``min_altman_z``,
        ``certificate_expiry_window_days``; bounds not given keep their defaults."""
        values: dict[str, Any] = {}
        if "min_esg_score" in bounds:
            values["esg_minimum"] = float(bounds["min_esg_score"])
        if "min_altman_z" in bounds:
            values["distress_below"] = float(bounds["min_altman_z"])
        if "certificate_expiry_window_days" in bounds:
            values["certificate_window_days"] = int(bounds["certificate_expiry_window_days"])
        return cls(**values)


class Exclusion(BaseModel):
    """One reason a supplier may not be used, with a stable machine-readable code."""

    model_config = ConfigDict(frozen=True)

    code: str
    reason: str
    subject: str | None = None  # e.g. the certificate concerned


class VettingResult(BaseModel):
    """The verdict on one supplier: passed, or excluded with every reason found."""

    model_config = ConfigDict(frozen=True)

    supplier_id: str
    passed: bool
    altman_zone: AltmanZone
    exclusions: list[Exclusion] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


def altman_zone(
    z_score: float | None,
    *,
    distress_below: float = DISTRESS_BELOW,
    safe_above: float = SAFE_ABOVE,
) -> AltmanZone:
    """The zone of a Z score: distress < 1.81 ≤ grey ≤ 2.99 < safe (manufacturing model)."""
    if z_score is None:
        return AltmanZone.UNKNOWN
    if z_score < distress_below:
        return AltmanZone.DISTRESS
    if z_score > safe_above:
        return AltmanZone.SAFE
    return AltmanZone.GREY


def _certificate_exclusions(
    supplier: SupplierProfile, policy: VettingPolicy, today: date
) -> list[Exclusion]:
    found: list[Exclusion] = []
    horizon = today + timedelta(days=policy.certificate_window_days)
    for cert in supplier.certifications:
        if cert.expires_on < today:
            found.append(
                Exclusion(
                    code="certificate-expired",
                    subject=cert.name,
                    reason=f"certificate {cert.name} expired on {cert.expires_on.isoformat()}",
                )
            )
        elif cert.expires_on <= horizon:
            found.append(
                Exclusion(
                    code="certificate-expiring",
                    subject=cert.name,
                    reason=(
                        f"certificate {cert.name} expires on {cert.expires_on.isoformat()}, "
                        f"within the {policy.certificate_window_days}-day policy window"
                    ),
                )
            )
    held = {cert.name.casefold() for cert in supplier.certifications}
    for required in policy.required_certifications:
        if required.casefold() not in held:
            found.append(
                Exclusion(
                    code="certificate-missing",
                    subject=required,
                    reason=f"required certificate {required} is not on file",
                )
            )
    return found


def vet_supplier(supplier: SupplierProfile, policy: VettingPolicy, today: date) -> VettingResult:
    """Check one supplier against the policy; every failed rule is listed, not just the first."""
    exclusions: list[Exclusion] = []
    warnings: list[str] = []
    if not supplier.approved:
        exclusions.append(
            Exclusion(code="not-approved", reason="supplier is not on the approved vendor list")
        )
    if supplier.esg_score is None:
        exclusions.append(Exclusion(code="esg-missing", reason="no ESG score on file"))
    elif supplier.esg_score < policy.esg_minimum:
        exclusions.append(
            Exclusion(
                code="esg-below-minimum",
                reason=f"ESG score {supplier.esg_score:g} is below the minimum {policy.esg_minimum:g}",
            )
        )
    zone = altman_zone(
        supplier.altman_z, distress_below=policy.distress_below, safe_above=policy.safe_above
    )
    if zone is AltmanZone.DISTRESS:
        exclusions.append(
            Exclusion(
                code="altman-distress",
                reason=(
                    f"Altman Z {supplier.altman_z:g} is in the distress zone "
                    f"(below {policy.distress_below:g})"
                ),
            )
        )
    elif zone is AltmanZone.GREY:
        message = (
            f"Altman Z {supplier.altman_z:g} is in the grey zone "
            f"({policy.distress_below:g}–{policy.safe_above:g})"
        )
        if policy.exclude_grey_zone:
            exclusions.append(Exclusion(code="altman-grey", reason=message))
        else:
            warnings.append(message)
    elif zone is AltmanZone.UNKNOWN:
        if policy.require_altman_z:
            exclusions.append(Exclusion(code="altman-missing", reason="no Altman Z score on file"))
        else:
            warnings.append("no Altman Z score on file; financial stability not assessed")
    exclusions.extend(_certificate_exclusions(supplier, policy, today))
    return VettingResult(
        supplier_id=supplier.supplier_id,
        passed=not exclusions,
        altman_zone=zone,
        exclusions=exclusions,
        warnings=warnings,
    )


def supplier_risk_score(supplier: SupplierProfile) -> float:
    """A 0–1 risk figure (0 = lowest) from ESG and Altman zone, for the sourcing objective.

    Half comes from the ESG shortfall (``1 − esg/100``, 0.5 when unknown), half from the
    Altman zone (safe 0, grey 0.5, distress 1, unknown 0.5). Simple and explainable: it
    only orders suppliers when no explicit risk score is given.
    """
    esg_part = 0.5 if supplier.esg_score is None else 1.0 - supplier.esg_score / 100.0
    zone_part = {
        AltmanZone.SAFE: 0.0,
        AltmanZone.GREY: 0.5,
        AltmanZone.DISTRESS: 1.0,
        AltmanZone.UNKNOWN: 0.5,
    }[altman_zone(supplier.altman_z)]
    return round(0.5 * esg_part + 0.5 * zone_part, 6)


__all__ = [
    "AltmanZone",
    "Certificate",
    "Exclusion",
    "SupplierProfile",
    "VettingPolicy",
    "VettingResult",
    "altman_zone",
    "supplier_risk_score",
    "vet_supplier",
]
