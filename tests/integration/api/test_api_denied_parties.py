"""The denied-party list decides who may be paid: only the compliance role may change it,
and never alone — one officer proposes, a different one confirms (dual control)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from procureflow.adapters.db.tables import audit_entries
from procureflow.api.app import create_app
from procureflow.config import Settings
from procureflow.domain.canonical import digest
from procureflow.runtime.payables_stores import payables_stores
from tests.auth_helpers import bearer_for

LIST = b"name,country\nAcme Evil Trading,XX\n"
URL = "/api/v1/contracts/screening/denied-parties"


@pytest.fixture
def client(settings: Settings, engine: sa.Engine) -> Iterator[TestClient]:
    with TestClient(create_app(start_engine=False, settings=settings)) as test_client:
        yield test_client


def _propose(client: TestClient, auth: dict[str, str], data: bytes = LIST) -> dict[str, object]:
    answer = client.post(URL, files={"file": ("list.csv", data, "text/csv")}, headers=auth)
    assert answer.status_code == 202, answer.text
    return dict(answer.json())


def _screen(client: TestClient, name: str) -> list[dict[str, object]]:
    svc = client.app.state.services  # type: ignore[attr-defined]
    return payables_stores(svc).contracts.screen(name)


def _audit(engine: sa.Engine, kind: str) -> list[sa.Row[object]]:
    with engine.connect() as conn:
        query = sa.select(audit_entries).where(audit_entries.c.kind == kind)
        return list(conn.execute(query.order_by(audit_entries.c.seq)))


@pytest.mark.parametrize("role", ["buyer", "orchestrator", "accounts_payable", "admin"])
def test_other_roles_cannot_replace_the_denied_party_list(
    client: TestClient, engine: sa.Engine, role: str
) -> None:
    auth = bearer_for(engine, f"someone-{role}", role)
    answer = client.post(URL, files={"file": ("list.csv", LIST, "text/csv")}, headers=auth)
    assert answer.status_code == 403
    assert "compliance" in answer.json()["detail"]


def test_a_replacement_is_only_proposed_until_a_second_person_confirms(
    client: TestClient, engine: sa.Engine
) -> None:
    cleo = bearer_for(engine, "cleo", "compliance")
    proposal = _propose(client, cleo)
    assert proposal["status"] == "open" and proposal["proposed_by"] == "cleo"
    assert proposal["parties"] == 1 and proposal["added"] == 1 and proposal["removed"] == 0
    assert _screen(client, "Acme Evil Trading") == []  # a proposal is not in force
    (proposed,) = _audit(engine, "denied_parties.proposed")
    assert proposed.actor == "cleo"
    assert proposed.payload["digest"] == proposal["digest"]
    assert (proposed.payload["added"], proposed.payload["removed"]) == (1, 0)
    listed = client.get(f"{URL}/proposals", params={"status": "open"}, headers=cleo).json()
    assert [p["proposal_id"] for p in listed] == [proposal["proposal_id"]]


def test_the_proposer_cannot_confirm_their_own_denied_party_list(
    client: TestClient, engine: sa.Engine
) -> None:
    cleo = bearer_for(engine, "cleo", "compliance", "admin")
    proposal = _propose(client, cleo)
    own = client.post(f"{URL}/proposals/{proposal['proposal_id']}/confirm", headers=cleo)
    assert own.status_code == 403
    assert own.headers["content-type"].startswith("application/problem+json")
    assert own.json()["title"] == "Segregation of duties"
    assert "segregation of duties" in own.json()["detail"]
    assert _screen(client, "Acme Evil Trading") == []
    assert _audit(engine, "denied_parties.confirmed") == []


def test_a_confirmed_list_is_in_force_and_audited_with_both_people(
    client: TestClient, engine: sa.Engine
) -> None:
    cleo = bearer_for(engine, "cleo", "compliance")
    carl = bearer_for(engine, "carl", "compliance")
    first = _propose(client, cleo, b"name\nOld Entry Holdings\n")
    client.post(f"{URL}/proposals/{first['proposal_id']}/confirm", headers=carl)
    proposal = _propose(client, cleo)
    assert (proposal["added"], proposal["removed"]) == (1, 1)
    done = client.post(f"{URL}/proposals/{proposal['proposal_id']}/confirm", headers=carl)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "confirmed" and done.json()["decided_by"] == "carl"
    assert [hit["name"] for hit in _screen(client, "Acme Evil Trading")] == ["Acme Evil Trading"]
    assert _screen(client, "Old Entry Holdings") == []
    confirmed = _audit(engine, "denied_parties.confirmed")[-1]
    assert confirmed.actor == "carl"
    assert confirmed.payload["proposed_by"] == "cleo"
    assert confirmed.payload["confirmed_by"] == "carl"
    assert confirmed.payload["digest"] == proposal["digest"]
    svc = client.app.state.services  # type: ignore[attr-defined]
    with svc.engine.connect() as conn:
        from procureflow.adapters.db.tables_payables import denied_parties

        rows = [
            {k: v for k, v in r._mapping.items() if k != "imported_at"}
            for r in conn.execute(sa.select(denied_parties))
        ]
    assert digest(sorted(rows, key=lambda r: str(r["party_id"]))) == proposal["digest"]
    again = client.post(f"{URL}/proposals/{proposal['proposal_id']}/confirm", headers=carl)
    assert again.status_code == 409


def test_only_one_proposal_is_open_at_a_time(client: TestClient, engine: sa.Engine) -> None:
    cleo = bearer_for(engine, "cleo", "compliance")
    carl = bearer_for(engine, "carl", "compliance")
    first = _propose(client, cleo)
    second = client.post(
        URL, files={"file": ("list.csv", b"name\nOther Party\n", "text/csv")}, headers=carl
    )
    assert second.status_code == 409
    assert first["proposal_id"] in second.json()["detail"]
    # a different list may have its own proposal
    other = client.post(f"{URL}-uk", files={"file": ("list.csv", LIST, "text/csv")}, headers=carl)
    assert other.status_code == 202


def test_a_proposal_can_be_withdrawn_or_rejected(client: TestClient, engine: sa.Engine) -> None:
    cleo = bearer_for(engine, "cleo", "compliance")
    carl = bearer_for(engine, "carl", "compliance")
    first = _propose(client, cleo)
    withdrawn = client.post(
        f"{URL}/proposals/{first['proposal_id']}/reject", json={"reason": "typo"}, headers=cleo
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    second = _propose(client, cleo)
    rejected = client.post(f"{URL}/proposals/{second['proposal_id']}/reject", headers=carl)
    assert rejected.json()["status"] == "rejected" and rejected.json()["decided_by"] == "carl"
    late = client.post(f"{URL}/proposals/{second['proposal_id']}/confirm", headers=carl)
    assert late.status_code == 409
    assert _screen(client, "Acme Evil Trading") == []
    assert [e.actor for e in _audit(engine, "denied_parties.rejected")] == ["carl"]
    assert [e.actor for e in _audit(engine, "denied_parties.withdrawn")] == ["cleo"]


def test_bad_requests_are_problems_not_errors(client: TestClient, engine: sa.Engine) -> None:
    cleo = bearer_for(engine, "cleo", "compliance")
    buyer = bearer_for(engine, "bo", "buyer")
    proposal = _propose(client, cleo)
    checks = [
        client.post(f"{URL}/proposals/dpl-none/confirm", headers=cleo),
        client.post(
            f"/api/v1/contracts/screening/eu/proposals/{proposal['proposal_id']}/confirm",
            headers=cleo,
        ),
        client.post(f"{URL}/proposals/{proposal['proposal_id']}/confirm", headers=buyer),
        client.post(
            URL.replace("denied-parties", "x" * 200), files={"file": ("l.csv", LIST)}, headers=cleo
        ),
        client.post(f"{URL}-2", files={"file": ("l.csv", b"company\nX\n")}, headers=cleo),
        client.get(f"{URL}/proposals", params={"status": "maybe"}, headers=cleo),
    ]
    assert [c.status_code for c in checks] == [404, 404, 403, 422, 422, 422]
    assert all(c.headers["content-type"].startswith("application/problem+json") for c in checks)
