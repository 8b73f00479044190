"""Vetting: each exclusion with its reason; Altman Z zones of the manufacturing model."""

from __future__ import annotations

from datetime import date

import pytest

from procureflow.domain.vetting import (
    AltmanZone,
    Certificate,
    SupplierProfile,
    VettingPolicy,
    altman_zone,
    supplier_risk_score,
    vet_supplier,
)

TODAY = date(2026, 11, 23)


def supplier(**changes: object) -> SupplierProfile:
    facts: dict[str, object] = {
        "supplier_id": "SUP-A",
        "approved": True,
        "esg_score": 70,
        "altman_z": 3.5,
        "certifications": [Certificate(name="ISO 9001", expires_on=date(2028, 1, 31))],
    }
    facts.update(changes)
    return SupplierProfile.model_validate(facts)


@pytest.mark.parametrize(
    ("z", "zone"),
    [
        (1.2, AltmanZone.DISTRESS),
        (1.80, AltmanZone.DISTRESS),
        (1.81, AltmanZone.GREY),
        (2.99, AltmanZone.GREY),
        (3.0, AltmanZone.SAFE),
        (None, AltmanZone.UNKNOWN),
    ],
)
def test_altman_zones(z: float | None, zone: AltmanZone) -> None:
    assert altman_zone(z) is zone


def test_a_sound_supplier_passes() -> None:
    result = vet_supplier(supplier(), VettingPolicy(), TODAY)
    assert result.passed
    assert result.exclusions == []


def codes(**changes: object) -> list[str]:
    policy = changes.pop("policy", VettingPolicy())
    assert isinstance(policy, VettingPolicy)
    result = vet_supplier(supplier(**changes), policy, TODAY)
    assert result.passed is (not result.exclusions)
    return [e.code for e in result.exclusions]


def test_unapproved_supplier_is_excluded() -> None:
    assert codes(approved=False) == ["not-approved"]


def test_esg_below_minimum_names_score_and_minimum() -> None:
    result = vet_supplier(supplier(esg_score=45), VettingPolicy(esg_minimum=50), TODAY)
    assert [e.code for e in result.exclusions] == ["esg-below-minimum"]
    assert "45" in result.exclusions[0].reason and "50" in result.exclusions[0].reason


def test_missing_esg_score_excludes() -> None:
    assert codes(esg_score=None) == ["esg-missing"]


def test_distress_zone_excludes_and_grey_only_warns_by_default() -> None:
    assert codes(altman_z=1.6) == ["altman-distress"]
    grey = vet_supplier(supplier(altman_z=2.4), VettingPolicy(), TODAY)
    assert grey.passed and "grey zone" in grey.warnings[0]
    assert codes(altman_z=2.4, policy=VettingPolicy(exclude_grey_zone=True)) == ["altman-grey"]


def test_expired_and_expiring_certificates_exclude_with_their_dates() -> None:
    certs = [
        Certificate(name="ISO 9001", expires_on=date(2026, 10, 31)),
        Certificate(name="ISO 14001", expires_on=date(2026, 12, 20)),
        Certificate(name="IATF 16949", expires_on=date(2027, 6, 30)),
    ]
    result = vet_supplier(
        supplier(certifications=certs), VettingPolicy(certificate_window_days=30), TODAY
    )
    assert [e.code for e in result.exclusions] == ["certificate-expired", "certificate-expiring"]
    assert "ISO 9001 expired on 2026-10-31" in result.exclusions[0].reason
    assert "ISO 14001 expires on 2026-12-20" in result.exclusions[1].reason


def test_required_certificate_missing_excludes() -> None:
    policy = VettingPolicy(required_certifications=["IATF 16949"])
    assert codes(policy=policy) == ["certificate-missing"]


def test_every_failed_rule_is_listed_not_just_the_first() -> None:
    assert codes(approved=False, esg_score=30, altman_z=1.0) == [
        "not-approved",
        "esg-below-minimum",
        "altman-distress",
    ]


def test_risk_score_orders_suppliers_by_esg_and_zone() -> None:
    sound = supplier_risk_score(supplier(esg_score=90, altman_z=4.0))
    shaky = supplier_risk_score(supplier(esg_score=40, altman_z=1.5))
    assert sound == pytest.approx(0.05)
    assert shaky == pytest.approx(0.8)


def test_policy_from_mandate_bounds() -> None:
    policy = VettingPolicy.from_bounds(
        {"min_esg_score": 40, "min_altman_z": 1.81, "certificate_expiry_window_days": 60}
    )
    assert (policy.esg_minimum, policy.distress_below, policy.certificate_window_days) == (
        40.0,
        1.81,
        60,
    )
    assert vet_supplier(supplier(esg_score=45), policy, TODAY).passed
    assert VettingPolicy.from_bounds({}) == VettingPolicy()
