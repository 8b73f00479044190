"""Compliance agent: liquidated damages owed by the delayed supplier, vetting of alternatives.

Contract review applies the primary contract's liquidated-damages clause to the delay
(:mod:`procureflow.domain.liquidated_damages`: rate per full week, capped, nothing under
force majeure). The basis is the value of the delayed deliveries; when it is not known no
amount is computed — charging the rate on the whole framework contract would claim
damages on goods that are not late, a figure no supplier would accept. Damages are a
claim on the supplier, reported apart: never netted into what the recovery costs.

Vetting checks every alternative supplier against the policy
(:mod:`procureflow.domain.vetting`: approval, ESG minimum, Altman Z zone, certificates)
and lists each exclusion with its reason, so sourcing can leave them out. The delayed
supplier (the incumbent) is vetted the same way and shown on its own: an incumbent in
the distress zone or under the ESG floor bears on whether to keep waiting for it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from procureflow.agents.base import (
    Agent,
    AgentOutput,
    Alternative,
    Decision,
    Evidence,
    GuardrailCheck,
)
from procureflow.domain.liquidated_damages import LiquidatedDamages, liquidated_damages
from procureflow.domain.money import Money
from procureflow.domain.vetting import SupplierProfile, VettingPolicy, VettingResult, vet_supplier


class ContractTerms(BaseModel):
    """The parts of the primary supplier's contract that bear on a delay."""

    model_config = ConfigDict(frozen=True)

    contract_id: str
    supplier_id: str
    value: Decimal = Field(ge=0)
    currency: str
    ld_rate_pct_per_week: Decimal | None = Field(default=None, ge=0)
    ld_cap_pct: Decimal | None = Field(default=None, ge=0)


class ComplianceInput(BaseModel):
    """The delay, the contract (if any) and the alternatives to vet."""

    today: date
    delay_days: int = Field(ge=0)
    force_majeure: bool = False
    contract: ContractTerms | None = None
    delayed_po_value: Decimal | None = Field(
        default=None, ge=0, description="Value of the delayed PO(s) in the contract currency"
    )
    alternatives: list[SupplierProfile] = Field(default_factory=list)
    incumbent: SupplierProfile | None = Field(
        default=None, description="The delayed supplier itself, vetted apart from the others"
    )
    policy: VettingPolicy = VettingPolicy()


class ComplianceOutput(AgentOutput):
    """Damages owed (None when no clause applies) and the verdict on each alternative."""

    damages: LiquidatedDamages | None
    damages_note: str
    vetting: list[VettingResult]
    passed_suppliers: list[str]
    excluded_suppliers: dict[str, list[str]]
    incumbent: VettingResult | None = None


def assess_damages(data: ComplianceInput) -> tuple[LiquidatedDamages | None, str]:
    """Damages under the contract's clause, or why none are computed."""
    contract = data.contract
    if contract is None:
        return None, "no contract with the delayed supplier: no liquidated damages clause"
    if contract.ld_rate_pct_per_week is None:
        return None, f"contract {contract.contract_id} has no liquidated damages clause"
    if data.delayed_po_value is None:
        return None, (
            f"contract {contract.contract_id}: the value of the delayed deliveries is not "
            "known, so no damages are computed (they are owed on the goods delayed, not on "
            "the framework contract's value); name the delayed PO to claim them"
        )
    cap = contract.ld_cap_pct if contract.ld_cap_pct is not None else Decimal(100)
    damages = liquidated_damages(
        contract_value=Money.of(contract.value, contract.currency),
        rate_pct_per_week=contract.ld_rate_pct_per_week,
        cap_pct=cap,
        delay_days=data.delay_days,
        force_majeure=data.force_majeure,
        delayed_po_value=Money.of(data.delayed_po_value, contract.currency),
    )
    note = f"contract {contract.contract_id}: {damages.explanation}"
    if contract.ld_cap_pct is None:
        note += " (the contract states no cap)"
    return damages, note


class ComplianceAgent(Agent[ComplianceInput, ComplianceOutput]):
    """Reviews the delayed contract's damages clause and vets the alternatives."""

    name: ClassVar[str] = "compliance"
    description: ClassVar[str] = "Liquidated damages for the delay; vetting of alternatives"
    input_model: ClassVar[type[BaseModel]] = ComplianceInput
    output_model: ClassVar[type[AgentOutput]] = ComplianceOutput

    def decide(self, data: ComplianceInput) -> ComplianceOutput:
        """Compute damages, vet every alternative, and record both."""
        damages, note = assess_damages(data)
        results = [vet_supplier(s, data.policy, data.today) for s in data.alternatives]
        incumbent = (
            vet_supplier(data.incumbent, data.policy, data.today) if data.incumbent else None
        )
        passed = [r.supplier_id for r in results if r.passed]
        excluded = {
            r.supplier_id: [e.reason for e in r.exclusions] for r in results if not r.passed
        }
        alternatives = [
            Alternative(
                option=f"use {r.supplier_id}",
                score=1.0 if r.passed else 0.0,
                details={
                    "score_meaning": "1 = passes vetting, 0 = excluded",
                    "altman_zone": r.altman_zone.value,
                    "exclusion_codes": [e.code for e in r.exclusions],
                    "warnings": r.warnings,
                },
                rejected_because="; ".join(e.reason for e in r.exclusions) or None,
            )
            for r in results
        ]
        policy = data.policy
        guardrails = [
            GuardrailCheck(
                name=f"ESG score at least {policy.esg_minimum:g}",
                passed=not any(e.code.startswith("esg") for r in results for e in r.exclusions),
                detail=_codes_detail(results, "esg"),
            ),
            GuardrailCheck(
                name="Altman Z outside the distress zone",
                passed=not any(e.code.startswith("altman") for r in results for e in r.exclusions),
                detail=_codes_detail(results, "altman"),
            ),
            GuardrailCheck(
                name=f"certificates valid beyond {policy.certificate_window_days} days",
                passed=not any(
                    e.code.startswith("certificate") for r in results for e in r.exclusions
                ),
                detail=_codes_detail(results, "certificate"),
            ),
            GuardrailCheck(
                name="approved vendor list",
                passed=not any(e.code == "not-approved" for r in results for e in r.exclusions),
                detail=_codes_detail(results, "not-approved"),
            ),
            GuardrailCheck(
                name="damages capped as the contract says",
                passed=damages is None or damages.amount.amount <= _cap_of(damages),
                detail=note,
            ),
        ]
        if incumbent is not None:
            guardrails.append(
                GuardrailCheck(
                    name=f"delayed supplier {incumbent.supplier_id} passes vetting",
                    passed=incumbent.passed,
                    detail=_incumbent_detail(incumbent),
                )
            )
        owed = f"damages owed {damages.amount}" if damages else "no damages"
        decision = Decision(
            agent=self.name,
            choice=(
                f"{owed}; {len(passed)} of {len(results)} alternative(s) pass vetting"
                + (f": {', '.join(passed)}" if passed else "")
            ),
            alternatives=alternatives,
            guardrails=guardrails,
            evidence=(
                [Evidence(source=f"contract {data.contract.contract_id}", excerpt=note)]
                if data.contract
                else []
            ),
            rationale=(
                f"{note}. "
                + (f"Delayed supplier: {_incumbent_detail(incumbent)}. " if incumbent else "")
                + f"Vetting with ESG minimum {policy.esg_minimum:g}, Altman Z zones "
                f"(distress < {policy.distress_below:g}, safe > {policy.safe_above:g}), "
                f"certificate window {policy.certificate_window_days} days."
            ),
        )
        return ComplianceOutput(
            decision=decision,
            damages=damages,
            damages_note=note,
            vetting=results,
            passed_suppliers=passed,
            excluded_suppliers=excluded,
            incumbent=incumbent,
        )


def _incumbent_detail(result: VettingResult) -> str:
    if result.passed and not result.warnings:
        return f"{result.supplier_id} passes vetting (Altman zone {result.altman_zone.value})"
    findings = [e.reason for e in result.exclusions] + result.warnings
    verdict = "passes" if result.passed else "fails"
    return (
        f"{result.supplier_id} {verdict} vetting (Altman zone {result.altman_zone.value}): "
        + "; ".join(findings)
    )


def _cap_of(damages: LiquidatedDamages) -> Decimal:
    cap = Money(
        damages.basis_value.amount * damages.cap_pct / Decimal(100), damages.amount.currency
    )
    return cap.rounded().amount


def _codes_detail(results: list[VettingResult], prefix: str) -> str:
    hits = [
        f"{r.supplier_id}: {e.reason}"
        for r in results
        for e in r.exclusions
        if e.code.startswith(prefix)
    ]
    return "; ".join(hits) or "none excluded"


__all__ = [
    "ComplianceAgent",
    "ComplianceInput",
    "ComplianceOutput",
    "ContractTerms",
    "assess_damages",
]
