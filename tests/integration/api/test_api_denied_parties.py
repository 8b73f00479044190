"""The denied-party list decides who may be paid: only the compliance role may replace it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from procureflow.api.app import create_app
from procureflow.config import Settings
from tests.auth_helpers import bearer_for

LIST = b"name,country\nAcme Evil Trading,XX\n"


@pytest.fixture
def client(settings: Settings, engine: sa.Engine) -> Iterator[TestClient]:
    with TestClient(create_app(start_engine=False, settings=settings)) as test_client:
        yield test_client


@pytest.mark.parametrize("role", ["buyer", "orchestrator", "accounts_payable", "admin"])
def test_other_roles_cannot_replace_the_denied_party_list(
    client: TestClient, engine: sa.Engine, role: str
) -> None:
    auth = bearer_for(engine, f"someone-{role}", role)
    answer = client.post(
        "/api/v1/contracts/screening/denied-parties",
        files={"file": ("list.csv", LIST, "text/csv")},
        headers=auth,
    )
    assert answer.status_code == 403
    assert "compliance" in answer.json()["detail"]


def test_the_compliance_role_replaces_it(client: TestClient, engine: sa.Engine) -> None:
    auth = bearer_for(engine, "cleo", "compliance")
    answer = client.post(
        "/api/v1/contracts/screening/denied-parties",
        files={"file": ("list.csv", LIST, "text/csv")},
        headers=auth,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"list": "denied-parties", "parties": 1}
