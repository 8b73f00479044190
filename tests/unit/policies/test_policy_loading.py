"""Loading a policy: validation errors name file, line and field; the digest identifies content."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from procureflow.errors import PolicyInvalid
from procureflow.policies import load_active_policy, load_default_policy, load_policy
from tests.policy_samples import policy_text


def test_the_shipped_default_policy_loads_with_every_role_the_playbooks_use() -> None:
    policy = load_default_policy()
    assert set(policy.document.roles) >= {
        "buyer",
        "category_manager",
        "budget_owner",
        "cfo",
        "legal",
    }
    categories = {rule.category for rule in policy.document.approval_matrix.rules}
    assert {"direct-materials", "logistics", "services", "it", "*"} <= categories
    names = {guard.name for guard in policy.document.guardrails}
    assert {
        "price-increase-over-limit",
        "extra-cost-over-limit",
        "unapproved-supplier",
        "expired-certificate",
        "carbon-increase",
    } <= names


def test_digest_ignores_comments_and_layout_but_not_content() -> None:
    text = policy_text()
    same = "# a comment the digest must not see\n" + text.replace(
        "[buyer, budget_owner, cfo, legal]", "\n  - buyer\n  - budget_owner\n  - cfo\n  - legal"
    )
    assert load_policy(same).digest == load_policy(text).digest
    assert load_policy(policy_text(limit="6.0")).digest != load_policy(text).digest
    assert len(load_policy(text).digest) == 64


def test_malformed_yaml_names_the_line() -> None:
    text = policy_text() + "  - name: broken\n    when: [unclosed\n"
    with pytest.raises(PolicyInvalid) as caught:
        load_policy(text, origin="p.yaml")
    message = str(caught.value)
    assert message.startswith("p.yaml:")
    assert "malformed YAML" in message
    line = int(message.split(":")[1])
    assert line >= text.count("\n") - 1


def test_unknown_outcome_names_field_and_line() -> None:
    text = policy_text().replace("outcome: deny", "outcome: block")
    with pytest.raises(PolicyInvalid) as caught:
        load_policy(text, origin="p.yaml")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "outcome: block" in t)
    assert str(caught.value).startswith(
        f"p.yaml:{line}: guardrails[0].outcome: unknown outcome 'block'"
    )


def test_cel_syntax_error_names_the_guardrail_and_the_expression() -> None:
    text = policy_text().replace(
        "action.price_increase_pct > 5.0", "action.price_increase_pct >> 5"
    )
    with pytest.raises(PolicyInvalid) as caught:
        load_policy(text, origin="p.yaml")
    message = str(caught.value)
    assert "guardrail 'price-increase'" in message
    assert "action.price_increase_pct >> 5" in message
    assert "CEL syntax error" in message
    line = next(i for i, t in enumerate(text.splitlines(), 1) if ">> 5" in t)
    assert message.startswith(f"p.yaml:{line}:")


def test_missing_currency_names_the_rule() -> None:
    text = policy_text().replace(
        "      currency: EUR\n      escalation_role: cfo\n", "      escalation_role: cfo\n"
    )
    with pytest.raises(
        PolicyInvalid, match=r"approval_matrix\.rules\[0\]\.currency: required field is missing"
    ):
        load_policy(text, origin="p.yaml")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "chain: [budget_owner]",
            "chain: [treasurer]",
            r"p\.yaml:14: approval_matrix\.rules\[0\]\.tiers\[1\]\.chain: role 'treasurer' is not declared",
        ),
        ("up_to: 50000", "up_to: 5000", "must strictly increase"),
        ("    reason: supplier not approved\n", "", "deny needs a reason"),
        ("    approvers: matrix\n", "", "require_approval needs approvers"),
        ("default_sla_hours: 24", "default_sla_hour: 24", "default_sla_hour: unknown field"),
        ("weights: {cost: 0.7, risk: 0.3}", "weights: {cost: -1}", "must not be negative"),
    ],
)
def test_invalid_documents_say_what_is_wrong(old: str, new: str, expected: str) -> None:
    text = policy_text()
    assert old in text
    with pytest.raises(PolicyInvalid, match=expected):
        load_policy(text.replace(old, new, 1), origin="p.yaml")


def test_duplicate_guardrail_names_are_refused() -> None:
    text = policy_text().replace("name: small-and-approved", "name: price-increase")
    with pytest.raises(PolicyInvalid, match="unique: price-increase"):
        load_policy(text)


def test_a_document_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(PolicyInvalid, match="must be a YAML mapping"):
        load_policy("- just\n- a list\n", origin="list.yaml")


def test_a_duplicate_key_is_refused_with_its_line() -> None:
    text = policy_text().replace(
        "    outcome: deny\n", "    outcome: deny\n    outcome: allow\n", 1
    )
    line = text.splitlines().index("    outcome: allow") + 1
    with pytest.raises(PolicyInvalid, match=rf"^p\.yaml:{line}: duplicate key 'outcome'"):
        load_policy(text, origin="p.yaml")


def test_a_large_document_is_refused_before_parsing() -> None:
    with pytest.raises(PolicyInvalid, match="larger than"):
        load_policy("description: " + "x" * 1_100_000, origin="big.yaml")


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("action.price_increase_pct >", "the expression ends too early"),
        ("action.price_increase_pct > 5.0 &&& x", "unexpected '& x' at column 35"),
        ("sizee(action.suppliers) > 1", "unknown CEL function 'sizee'"),
        ("action.price_increase_pct.floor() > 5", "unknown CEL function 'floor'"),
    ],
)
def test_cel_mistakes_are_caught_at_load_time(expression: str, expected: str) -> None:
    text = policy_text().replace("action.price_increase_pct > 5.0", expression)
    with pytest.raises(PolicyInvalid, match=re.escape(expected)):
        load_policy(text, origin="p.yaml")


def test_the_standard_cel_functions_and_macros_load() -> None:
    expression = (
        "action.suppliers.all(s, s.approved) && action.suppliers.exists_one(s, s.approved)"
        " && size(action.suppliers.filter(s, s.approved).map(s, s.id)) > 0"
        " && action.kind.matches('^rec') && duration('1h') > duration('1m')"
    )
    load_policy(policy_text().replace("action.price_increase_pct > 5.0", expression))


def test_the_public_api_names_exist() -> None:
    import procureflow.policies as policies

    missing = [name for name in policies.__all__ if not hasattr(policies, name)]
    assert missing == []


def test_the_active_policy_is_the_configured_file_or_the_default(tmp_path: Path) -> None:
    assert load_active_policy(None).name == "procureflow-default"
    path = tmp_path / "ours.yaml"
    path.write_text(policy_text(), encoding="utf-8")
    assert load_active_policy(path).name == "test-policy"
    with pytest.raises(PolicyInvalid, match="missing.yaml: no such file"):
        load_active_policy(tmp_path / "missing.yaml")
