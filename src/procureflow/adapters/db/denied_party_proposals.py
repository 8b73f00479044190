"""Dual control of the denied-party list: one compliance officer proposes, another confirms.

The list decides who may be paid, so no single person may replace it. A replacement is
stored as a *proposal* (audited ``denied_parties.proposed`` with the SHA-256 digest of the
new list and how many parties it adds and removes) and changes nothing: screening reads
the list in force only. It takes effect when a *different* person confirms it
(``denied_parties.confirmed``, naming both people): the proposal is closed and the list
replaced in one transaction. The proposer can withdraw it, anyone else may reject it. A
list has at most one open proposal, enforced by a unique column, so two officers cannot
race two different lists into force.
"""

from __future__ import annotations

import secrets
from typing import Any

import sqlalchemy as sa

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.screening_store import parse_denied_parties
from procureflow.adapters.db.tables_payables import denied_parties, denied_party_proposals
from procureflow.domain.canonical import digest
from procureflow.domain.clock import utcnow
from procureflow.errors import Conflict, NotFound, SegregationOfDuties

_OPEN = "open"
STATUSES = ("open", "confirmed", "rejected", "withdrawn")


def _same_person(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def _view(row: sa.Row[Any]) -> dict[str, Any]:
    return {
        "proposal_id": row.proposal_id,
        "list": row.list_name,
        "status": row.status,
        "digest": row.digest,
        "parties": len(row.parties),
        "added": row.added,
        "removed": row.removed,
        "proposed_by": row.proposed_by,
        "proposed_at": row.proposed_at.isoformat(),
        "decided_by": row.decided_by,
        "decided_at": row.decided_at.isoformat() if row.decided_at else None,
        "reason": row.reason,
    }


def _entries(rows: list[dict[str, Any]]) -> set[tuple[str, str | None]]:
    return {(r["normalised_name"], r["country"]) for r in rows}


class DeniedPartyProposals:
    """Proposal methods of :class:`~procureflow.adapters.db.contract_store.ContractStore`."""

    engine: sa.Engine
    audit: SqlAuditLog

    def propose_denied_parties(self, data: bytes, *, list_name: str, actor: str) -> dict[str, Any]:
        """Store a replacement of ``list_name`` from CSV; nothing is in force until confirmed.

        ImportRejected for a bad CSV (nothing stored); Conflict while another proposal for
        the list is open.
        """
        rows = parse_denied_parties(data, list_name=list_name)
        new_digest = digest(sorted(rows, key=lambda r: str(r["party_id"])))
        proposal_id = f"dpl-{secrets.token_hex(8)}"
        try:
            with self.engine.begin() as conn:
                self._refuse_if_open(conn, list_name)
                current = [
                    dict(r._mapping)
                    for r in conn.execute(
                        sa.select(denied_parties.c.normalised_name, denied_parties.c.country).where(
                            denied_parties.c.list_name == list_name
                        )
                    )
                ]
                added = len(_entries(rows) - _entries(current))
                removed = len(_entries(current) - _entries(rows))
                conn.execute(
                    denied_party_proposals.insert().values(
                        proposal_id=proposal_id,
                        list_name=list_name,
                        open_list=list_name,
                        status=_OPEN,
                        digest=new_digest,
                        parties=rows,
                        added=added,
                        removed=removed,
                        proposed_by=actor,
                        proposed_at=utcnow(),
                    )
                )
                self.audit.append(
                    conn,
                    stream="screening",
                    kind="denied_parties.proposed",
                    actor=actor,
                    subject=list_name,
                    payload={
                        "proposal_id": proposal_id,
                        "digest": new_digest,
                        "parties": len(rows),
                        "added": added,
                        "removed": removed,
                    },
                )
        except sa.exc.IntegrityError as exc:  # another proposal was opened at the same moment
            raise self._open_conflict(list_name) from exc
        return self.denied_party_proposal(proposal_id)

    def confirm_denied_parties(self, proposal_id: str, *, actor: str) -> dict[str, Any]:
        """Put an open proposal in force; the proposer may not (segregation of duties)."""
        now = utcnow()
        with self.engine.begin() as conn:
            row = self._open_row(conn, proposal_id)
            if _same_person(actor, row.proposed_by):
                raise SegregationOfDuties(
                    f"segregation of duties: {actor} proposed denied-party list {proposal_id} "
                    "and cannot confirm it; a second compliance officer must",
                    subject=proposal_id,
                )
            conn.execute(denied_parties.delete().where(denied_parties.c.list_name == row.list_name))
            if row.parties:
                conn.execute(
                    denied_parties.insert(), [{**p, "imported_at": now} for p in row.parties]
                )
            self._close(conn, proposal_id, "confirmed", actor, None)
            self.audit.append(
                conn,
                stream="screening",
                kind="denied_parties.confirmed",
                actor=actor,
                subject=row.list_name,
                payload={
                    "proposal_id": proposal_id,
                    "digest": row.digest,
                    "parties": len(row.parties),
                    "added": row.added,
                    "removed": row.removed,
                    "proposed_by": row.proposed_by,
                    "confirmed_by": actor,
                },
            )
        return self.denied_party_proposal(proposal_id)

    def reject_denied_parties(
        self, proposal_id: str, *, actor: str, reason: str | None = None
    ) -> dict[str, Any]:
        """Close an open proposal unused: ``withdrawn`` by its proposer, else ``rejected``."""
        with self.engine.begin() as conn:
            row = self._open_row(conn, proposal_id)
            status = "withdrawn" if _same_person(actor, row.proposed_by) else "rejected"
            self._close(conn, proposal_id, status, actor, reason)
            self.audit.append(
                conn,
                stream="screening",
                kind=f"denied_parties.{status}",
                actor=actor,
                subject=row.list_name,
                payload={"proposal_id": proposal_id, "digest": row.digest, "reason": reason},
            )
        return self.denied_party_proposal(proposal_id)

    def denied_party_proposal(self, proposal_id: str) -> dict[str, Any]:
        """One proposal (without its rows); NotFound for an unknown id."""
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(denied_party_proposals).where(
                    denied_party_proposals.c.proposal_id == proposal_id
                )
            ).first()
        if row is None:
            raise NotFound(f"no denied-party list proposal {proposal_id}", subject=proposal_id)
        return _view(row)

    def denied_party_proposals(
        self, *, list_name: str | None = None, status: str | None = None
    ) -> list[dict[str, Any]]:
        """Proposals, newest first, optionally of one list and in one status."""
        query = sa.select(denied_party_proposals).order_by(
            denied_party_proposals.c.proposed_at.desc(), denied_party_proposals.c.proposal_id
        )
        if list_name is not None:
            query = query.where(denied_party_proposals.c.list_name == list_name)
        if status is not None:
            query = query.where(denied_party_proposals.c.status == status)
        with self.engine.connect() as conn:
            return [_view(row) for row in conn.execute(query)]

    # -- helpers ---------------------------------------------------------------------
    def _refuse_if_open(self, conn: sa.Connection, list_name: str) -> None:
        found = conn.execute(
            sa.select(denied_party_proposals.c.proposal_id).where(
                denied_party_proposals.c.open_list == list_name
            )
        ).first()
        if found is not None:
            raise self._open_conflict(list_name, found.proposal_id)

    def _open_conflict(self, list_name: str, proposal_id: str | None = None) -> Conflict:
        which = f" ({proposal_id})" if proposal_id else ""
        return Conflict(
            f"denied-party list {list_name!r} already has an open proposal{which}: confirm, "
            "reject or withdraw it first",
            subject=list_name,
        )

    def _open_row(self, conn: sa.Connection, proposal_id: str) -> sa.Row[Any]:
        row = conn.execute(
            sa.select(denied_party_proposals)
            .where(denied_party_proposals.c.proposal_id == proposal_id)
            .with_for_update()
        ).first()
        if row is None:
            raise NotFound(f"no denied-party list proposal {proposal_id}", subject=proposal_id)
        if row.status != _OPEN:
            raise Conflict(
                f"denied-party list proposal {proposal_id} is already {row.status}",
                subject=proposal_id,
            )
        return row

    def _close(
        self, conn: sa.Connection, proposal_id: str, status: str, actor: str, reason: str | None
    ) -> None:
        conn.execute(
            denied_party_proposals.update()
            .where(denied_party_proposals.c.proposal_id == proposal_id)
            .values(
                status=status,
                open_list=None,
                decided_by=actor,
                decided_at=utcnow(),
                reason=reason[:1000] if reason else None,
            )
        )


__all__ = ["STATUSES", "DeniedPartyProposals"]
