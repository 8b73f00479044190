"""Small policy documents for the policy tests, built as text so each test can bend one field."""

from __future__ import annotations

MINIMAL_POLICY = """\
name: test-policy
version: "1"
roles: [buyer, budget_owner, cfo, legal]
approval_matrix:
  default_sla_hours: 24
  rules:
    - category: direct-materials
      currency: EUR
      escalation_role: cfo
      tiers:
        - up_to: 10000.00
          chain: [{role: buyer, sla_hours: 8}]
        - up_to: 50000
          chain: [budget_owner]
        - chain: [{role: cfo, sla_hours: 48}]
    - category: "*"
      currency: EUR
      tiers:
        - up_to: 1000
          chain: [buyer]
        - chain: [budget_owner]
mandates:
  "*":
    weights: {cost: 0.7, risk: 0.3}
  sourcing:
    weights: {cost: 0.5, lead_time: 0.5}
    bounds: {max_price_increase_pct: 15}
evaluation:
  strategy: {strategy}
  default: {default}
guardrails:
  - name: unapproved-supplier
    when: action.suppliers.exists(s, !s.approved)
    outcome: deny
    reason: supplier not approved
  - name: price-increase
    when: action.price_increase_pct > {limit}
    outcome: require_approval
    approvers: matrix
    reason: price increase over limit
  - name: small-and-approved
    when: action.amount.amount <= 500
    outcome: allow
    reason: petty amount
  - name: legal-terms
    when: has(action.legal) && action.legal
    outcome: require_approval
    approvers: [legal]
    sla_hours: 12
"""


def policy_text(
    *, strategy: str = "most_severe", default: str = "allow", limit: str = "5.0"
) -> str:
    """The minimal policy with its evaluation strategy, default outcome or price limit bent."""
    return (
        MINIMAL_POLICY.replace("{strategy}", strategy)
        .replace("{default}", default)
        .replace("{limit}", limit)
    )
