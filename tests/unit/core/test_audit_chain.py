"""The pure rules of the hash chain."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from procureflow.domain.audit import GENESIS, AuditEntry, entry_hash, verify_stream


def _chain(n: int) -> list[AuditEntry]:
    entries = []
    prev = GENESIS
    start = datetime(2026, 11, 23, tzinfo=UTC)
    for seq in range(1, n + 1):
        at = start + timedelta(seconds=seq)
        payload = {"n": seq}
        h = entry_hash(
            stream="s",
            seq=seq,
            kind="k",
            subject=None,
            actor="a",
            payload=payload,
            at=at,
            prev_hash=prev,
        )
        entries.append(
            AuditEntry(
                stream="s",
                seq=seq,
                kind="k",
                subject=None,
                actor="a",
                payload=payload,
                at=at,
                prev_hash=prev,
                hash=h,
                id=seq,
            )
        )
        prev = h
    return entries


def test_an_untouched_chain_verifies() -> None:
    check = verify_stream("s", _chain(5))
    assert check.problem is None
    assert check.entries == 5
    assert check.head == _chain(5)[-1].hash


def test_a_modified_payload_is_named() -> None:
    entries = _chain(5)
    entries[2] = replace(entries[2], payload={"n": 999})
    check = verify_stream("s", entries)
    assert check.problem is not None
    assert check.problem.entry_id == 3
    assert "modified" in check.problem.problem


def test_a_deleted_entry_is_named_at_the_next_one() -> None:
    entries = _chain(5)
    del entries[1]
    check = verify_stream("s", entries)
    assert check.problem is not None
    assert check.problem.entry_id == 3
    assert "deleted" in check.problem.problem


def test_reordered_entries_are_detected() -> None:
    entries = _chain(4)
    entries[1], entries[2] = entries[2], entries[1]
    check = verify_stream("s", entries)
    assert check.problem is not None
    assert check.problem.entry_id == 3
