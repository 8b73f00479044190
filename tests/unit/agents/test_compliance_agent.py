"""Compliance agent: damages for the delay and vetting of every alternative, recorded."""

from __future__ import annotations

from datetime import date
from typing import Any

from procureflow.agents.compliance import ComplianceAgent, ComplianceInput, ComplianceOutput
from procureflow.domain.money import Money

CONTRACT = {
    "contract_id": "K-2025-014",
    "supplier_id": "SUP-HUAXIN",
    "value": "2400000",
    "currency": "USD",
    "ld_rate_pct_per_week": "0.5",
    "ld_cap_pct": "5",
}
ALTERNATIVES: list[dict[str, Any]] = [
    {
        "supplier_id": "SUP-KOWALSKI",
        "approved": True,
        "esg_score": 74,
        "altman_z": 3.2,
        "certifications": [{"name": "ISO 9001", "expires_on": "2028-02-29"}],
    },
    {"supplier_id": "SUP-SHENGDA", "approved": False, "esg_score": 35, "altman_z": 1.6},
    {
        "supplier_id": "SUP-NORTE",
        "approved": True,
        "esg_score": 66,
        "altman_z": 3.0,
        "certifications": [{"name": "ISO 9001", "expires_on": "2026-10-31"}],
    },
]


def decide(**changes: Any) -> ComplianceOutput:
    data: dict[str, Any] = {
        "today": date(2026, 11, 23),
        "delay_days": 42,
        "contract": CONTRACT,
        "alternatives": ALTERNATIVES,
    }
    data.update(changes)
    return ComplianceAgent().decide(ComplianceInput.model_validate(data))


def test_six_week_delay_owes_three_percent_of_the_delayed_deliveries() -> None:
    output = decide(delayed_po_value="372000")
    assert output.damages is not None
    assert output.damages.amount == Money.of("11160.00", "USD")
    assert "damages owed 11160.00 USD" in output.decision.choice


def test_without_the_delayed_value_nothing_is_charged_on_the_framework_contract() -> None:
    output = decide()
    assert output.damages is None  # not 3 % of the 2.4 M USD framework contract
    assert "value of the delayed deliveries is not known" in output.damages_note


def test_delayed_po_value_as_basis_and_cap() -> None:
    output = decide(delay_days=20 * 7, delayed_po_value="100000")
    assert output.damages is not None
    assert output.damages.amount == Money.of("5000.00", "USD")
    assert output.damages.capped
    guard = next(g for g in output.decision.guardrails if g.name.startswith("damages capped"))
    assert guard.passed


def test_force_majeure_means_no_damages() -> None:
    output = decide(force_majeure=True, delayed_po_value="372000")
    assert output.damages is not None and output.damages.amount.amount == 0
    assert "force majeure" in output.damages_note


def test_contract_without_clause_or_without_contract() -> None:
    no_clause = decide(contract={**CONTRACT, "ld_rate_pct_per_week": None, "ld_cap_pct": None})
    assert no_clause.damages is None
    assert "no liquidated damages clause" in no_clause.damages_note
    assert decide(contract=None).damages is None


def test_each_excluded_alternative_carries_its_reasons() -> None:
    output = decide()
    assert output.passed_suppliers == ["SUP-KOWALSKI"]
    assert output.excluded_suppliers["SUP-SHENGDA"] == [
        "supplier is not on the approved vendor list",
        "ESG score 35 is below the minimum 40",
        "Altman Z 1.6 is in the distress zone (below 1.81)",
    ]
    assert output.excluded_suppliers["SUP-NORTE"] == ["certificate ISO 9001 expired on 2026-10-31"]


def test_decision_scores_every_alternative_and_fails_the_breached_guardrails() -> None:
    decision = decide().decision
    assert decision.agent == "compliance"
    scores = {a.option: a.score for a in decision.alternatives}
    assert scores == {"use SUP-KOWALSKI": 1.0, "use SUP-SHENGDA": 0.0, "use SUP-NORTE": 0.0}
    verdicts = {g.name: g.passed for g in decision.guardrails}
    assert verdicts["ESG score at least 40"] is False
    assert verdicts["Altman Z outside the distress zone"] is False
    assert verdicts["certificates valid beyond 30 days"] is False
    assert verdicts["approved vendor list"] is False
    all_pass = decide(alternatives=ALTERNATIVES[:1]).decision.guardrails
    assert all(g.passed for g in all_pass)
