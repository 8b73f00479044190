"""Dual control in the store itself: the database keeps one open proposal per list even
when two are made at once, and the same person in other letter case is still the same."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.contract_store import ContractStore
from procureflow.errors import Conflict, SegregationOfDuties


@pytest.fixture
def contracts(engine: sa.Engine) -> ContractStore:
    return ContractStore(engine, SqlAuditLog(engine))


def test_two_proposals_made_at_the_same_moment_leave_one_open(
    contracts: ContractStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both pass the read-side check, as two requests racing each other would.
    monkeypatch.setattr(ContractStore, "_refuse_if_open", lambda self, conn, name: None)
    contracts.propose_denied_parties(b"name\nFirst Party\n", list_name="eu", actor="lea")
    with pytest.raises(Conflict, match="open proposal"):
        contracts.propose_denied_parties(b"name\nSecond Party\n", list_name="eu", actor="max")
    assert len(contracts.denied_party_proposals(list_name="eu", status="open")) == 1


def test_the_proposer_in_other_letter_case_is_still_the_proposer(
    contracts: ContractStore,
) -> None:
    proposal = contracts.propose_denied_parties(b"name\nFirst Party\n", list_name="eu", actor="lea")
    with pytest.raises(SegregationOfDuties):
        contracts.confirm_denied_parties(str(proposal["proposal_id"]), actor=" LEA ")
    assert contracts.screen("First Party") == []
