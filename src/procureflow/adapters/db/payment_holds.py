"""Holds on payments to a supplier (e.g. while a required certificate is expired).

A payment run or the payment-authorisation step asks :meth:`PaymentHolds.active_for`
before paying; at most one hold per supplier and reason is active at a time.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from procureflow.adapters.db.audit_store import SqlAuditLog, insert_if_absent
from procureflow.adapters.db.bulk import chunks, existing, insert_ignoring
from procureflow.adapters.db.tables_exceptions import payment_holds
from procureflow.domain.canonical import to_jsonable
from procureflow.domain.clock import utcnow

AUDIT_STREAM = "payment-holds"


def _json(row: sa.Row[Any]) -> dict[str, Any]:
    return {
        "id": row.id,
        "supplier_id": row.supplier_id,
        "reason_code": row.reason_code,
        "detail": row.detail,
        "placed_by": row.placed_by,
        "placed_at": row.placed_at.isoformat(),
        "released_by": row.released_by,
        "released_at": row.released_at.isoformat() if row.released_at else None,
        "active": row.released_at is None,
    }


class PaymentHolds:
    """Place, release and look up payment holds."""

    def __init__(self, engine: sa.Engine, audit: SqlAuditLog) -> None:
        self.engine = engine
        self.audit = audit

    def place(
        self, supplier_id: str, reason_code: str, detail: Mapping[str, Any], *, by: str
    ) -> bool:
        """Hold payments to ``supplier_id`` for ``reason_code``; False if already held so."""
        with self.engine.begin() as conn:
            placed = insert_if_absent(
                conn,
                payment_holds,
                {
                    "id": "ph-" + uuid.uuid4().hex[:20],
                    "supplier_id": supplier_id,
                    "reason_code": reason_code,
                    "detail": to_jsonable(dict(detail)),
                    "open_key": f"{supplier_id}|{reason_code}",
                    "placed_by": by,
                    "placed_at": utcnow(),
                },
            )
            if placed:
                self.audit.append(
                    conn,
                    stream=AUDIT_STREAM,
                    kind="payment_hold.placed",
                    actor=by,
                    subject=supplier_id,
                    payload={"reason_code": reason_code, "detail": to_jsonable(dict(detail))},
                )
        return placed

    def place_many(
        self, reason_code: str, details: Mapping[str, Mapping[str, Any]], *, by: str
    ) -> int:
        """Hold payments to each supplier in ``details`` (by id) for ``reason_code``, in one
        transaction; suppliers already held for it are left alone. Returns how many are new."""
        if not details:
            return 0
        now = utcnow()
        keys = {f"{supplier_id}|{reason_code}": supplier_id for supplier_id in details}
        with self.engine.begin() as conn:
            held = existing(conn, payment_holds.c.open_key, keys)
            fresh = [
                {
                    "id": "ph-" + uuid.uuid4().hex[:20],
                    "supplier_id": supplier_id,
                    "reason_code": reason_code,
                    "detail": to_jsonable(dict(details[supplier_id])),
                    "open_key": key,
                    "placed_by": by,
                    "placed_at": now,
                }
                for key, supplier_id in keys.items()
                if key not in held
            ]
            insert_ignoring(conn, payment_holds, fresh)
            for part in chunks(fresh):
                self.audit.append(
                    conn,
                    stream=AUDIT_STREAM,
                    kind="payment_holds.placed",
                    actor=by,
                    subject=reason_code,
                    payload={
                        "holds": [
                            {"supplier_id": r["supplier_id"], "detail": r["detail"]} for r in part
                        ]
                    },
                )
        return len(fresh)

    def release(self, supplier_id: str, reason_code: str, *, by: str) -> bool:
        """Lift the hold for this reason; False if there was none."""
        with self.engine.begin() as conn:
            row = conn.execute(
                sa.select(payment_holds.c.id).where(
                    payment_holds.c.open_key == f"{supplier_id}|{reason_code}"
                )
            ).first()
            if row is None:
                return False
            conn.execute(
                payment_holds.update()
                .where(payment_holds.c.id == row.id)
                .values(open_key=None, released_by=by, released_at=utcnow())
            )
            self.audit.append(
                conn,
                stream=AUDIT_STREAM,
                kind="payment_hold.released",
                actor=by,
                subject=supplier_id,
                payload={"reason_code": reason_code},
            )
        return True

    def active_for(self, supplier_id: str) -> list[dict[str, Any]]:
        """The holds in force for a supplier (empty: payments may go ahead)."""
        return self.list(supplier_id=supplier_id, active=True)

    def list(
        self,
        supplier_id: str | None = None,
        active: bool | None = None,
        reason_code: str | None = None,
    ) -> list[dict[str, Any]]:
        """Holds, newest first."""
        query = sa.select(payment_holds).order_by(payment_holds.c.placed_at.desc())
        if reason_code:
            query = query.where(payment_holds.c.reason_code == reason_code)
        if supplier_id:
            query = query.where(payment_holds.c.supplier_id == supplier_id)
        if active is True:
            query = query.where(payment_holds.c.released_at.is_(None))
        elif active is False:
            query = query.where(payment_holds.c.released_at.is_not(None))
        with self.engine.connect() as conn:
            return [_json(r) for r in conn.execute(query)]


__all__ = ["PaymentHolds"]
