"""``/api/v1/policies``: the policy in force, draft validation and the what-if replay."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from procureflow.adapters.db.guard_decisions import record_guard_decision
from procureflow.api.app import create_app
from procureflow.config import Settings
from procureflow.domain.money import Money
from procureflow.policies import evaluate_guardrails, jsonable_facts, load_policy
from tests.auth_helpers import bearer_for
from tests.policy_samples import policy_text

YAML = {"Content-Type": "application/yaml"}


@pytest.fixture
def client(engine: sa.Engine, database_url: str) -> Iterator[TestClient]:
    app = create_app(start_engine=False, settings=Settings(database_url=database_url))
    operator = bearer_for(engine, "olga", "orchestrator")
    with TestClient(app, headers=operator) as test_client:
        yield test_client


def test_active_policy_is_the_default_one(client: TestClient) -> None:
    response = client.get("/api/v1/policies/active")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "procureflow-default"
    assert len(body["digest"]) == 64


def test_validate_answers_with_the_digest_or_a_problem(client: TestClient) -> None:
    ok = client.post("/api/v1/policies/validate", content=policy_text(), headers=YAML)
    assert ok.status_code == 200
    assert ok.json()["digest"] == load_policy(policy_text()).digest
    bad = client.post(
        "/api/v1/policies/validate",
        content=policy_text().replace("outcome: deny", "outcome: block"),
        headers=YAML,
    )
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert "unknown outcome 'block'" in bad.json()["detail"]


def test_simulate_reports_the_decisions_a_draft_would_change(
    client: TestClient, engine: sa.Engine
) -> None:
    policy = load_policy(policy_text())
    for instance, pct in [("inst-1", "2"), ("inst-2", "4")]:
        facts = {
            "action": {
                "category": "direct-materials",
                "amount": Money.of("20000", "EUR"),
                "price_increase_pct": Decimal(pct),
                "suppliers": [{"id": "S1", "approved": True}],
            }
        }
        with engine.begin() as conn:
            record_guard_decision(
                conn,
                instance_id=instance,
                task_key="guard",
                policy=policy.name,
                policy_digest=policy.digest,
                facts=jsonable_facts(facts),
                outcome=evaluate_guardrails(policy, facts).model_dump(mode="json"),
            )
    response = client.post(
        "/api/v1/policies/simulate", content=policy_text(limit="3.0"), headers=YAML
    )
    assert response.status_code == 200
    report = response.json()
    assert (report["total"], report["changed"]) == (2, 1)
    assert report["changes"][0]["instance_id"] == "inst-2"
    assert report["changes"][0]["transition"] == "allow → require_approval"
