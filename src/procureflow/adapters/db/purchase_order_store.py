"""The purchase-order store: create orders exactly once, read them, reduce a line.

API (every write takes an optional ``conn`` to join the caller's transaction; without
one it opens its own):

* ``create_po(po, idempotency_key, *, conn=None, origin=None, extra=None, actor="runtime")
  -> po_id`` — stores a :class:`~procureflow.domain.purchase_order.PurchaseOrder`; the
  same key again returns the id it created first (a replayed step never writes a second
  order); another key with a PO number already used is a ``Conflict``.
* ``get(po_id_or_number) -> StoredPurchaseOrder`` (``NotFound`` otherwise), ``find(...)``
  the same or None.
* ``list(*, status=None, supplier_id=None, origin=None) -> list[StoredPurchaseOrder]``,
  ``by_supplier(supplier_id, open_only=True)``, ``open_lines_for_sku(sku)``.
* ``reduce_quantity(po_id_or_number, line_id, new_quantity, idempotency_key, *, reason,
  conn=None, actor="runtime") -> bool`` — lowers a line's ordered quantity (never raises
  it); True when this call changed it, False when the key was already applied.
* ``set_unit_price(...)`` — re-prices a line the same way (price-change playbook).
* ``changes(po_id_or_number)`` — every change, oldest first; ``applied_change(key)`` the
  one made under a key (so a replayed step can report what it did the first time).

Each write appends an audit entry on stream ``po:<po_number>`` in the same transaction.
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from procureflow.adapters.db.audit_store import SqlAuditLog, insert_if_absent
from procureflow.adapters.db.tables_procurement import po_changes, po_lines, purchase_orders
from procureflow.domain.clock import utcnow
from procureflow.domain.purchase_order import Milestone, PurchaseOrder, PurchaseOrderLine
from procureflow.errors import Conflict, InvalidInput, NotFound

OPEN_STATUSES = ("open", "reduced")


@dataclass(frozen=True)
class StoredPurchaseOrder:
    """A stored order: the domain value plus its id, status and bookkeeping."""

    po_id: str
    po: PurchaseOrder
    status: str
    idempotency_key: str
    origin: str | None
    created_at: datetime
    updated_at: datetime
    original_quantities: dict[str, Decimal] = field(default_factory=dict)
    need_by: dict[str, date | None] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """A JSON view (decimals as text) for the API, CLI and playbooks."""
        po = self.po
        return {
            "po_id": self.po_id,
            "po_number": po.po_number,
            "supplier_id": po.supplier_id,
            "currency": po.currency,
            "status": self.status,
            "issue_date": po.issue_date.isoformat() if po.issue_date else None,
            "payment_terms": po.payment_terms,
            "total": str(po.total),
            "origin": self.origin,
            "created_at": self.created_at.isoformat(),
            "lines": [
                {
                    "line_id": line.line_id,
                    "sku": line.sku,
                    "description": line.description,
                    "quantity": str(line.quantity),
                    "original_quantity": str(
                        self.original_quantities.get(line.line_id, line.quantity)
                    ),
                    "unit_price": str(line.unit_price),
                    "amount": str(line.amount),
                    "need_by": (d.isoformat() if (d := self.need_by.get(line.line_id)) else None),
                }
                for line in po.lines
            ],
            "extra": self.extra,
        }


class PurchaseOrderStore:
    """Purchase orders in ``pf_purchase_orders`` / ``pf_po_lines`` (see the module doc)."""

    def __init__(self, engine: sa.Engine, audit: SqlAuditLog | None = None) -> None:
        self.engine = engine
        self.audit = audit or SqlAuditLog(engine)

    @contextmanager
    def _tx(self, conn: sa.Connection | None) -> Iterator[sa.Connection]:
        if conn is not None:
            yield conn
            return
        with self.engine.begin() as own:
            yield own

    def create_po(
        self,
        po: PurchaseOrder,
        idempotency_key: str,
        *,
        conn: sa.Connection | None = None,
        origin: str | None = None,
        extra: Mapping[str, Any] | None = None,
        need_by: Mapping[str, date] | None = None,
        actor: str = "runtime",
    ) -> str:
        """Store ``po`` once per ``idempotency_key``; returns its id (see the module doc)."""
        if not idempotency_key:
            raise InvalidInput("a purchase order needs an idempotency key")
        if not po.lines:
            raise InvalidInput(f"PO {po.po_number} has no lines")
        now = utcnow()
        po_id = f"po_{uuid.uuid4().hex[:16]}"
        with self._tx(conn) as tx:
            existing = tx.execute(
                sa.select(purchase_orders.c.po_id, purchase_orders.c.po_number).where(
                    purchase_orders.c.idempotency_key == idempotency_key
                )
            ).first()
            if existing is not None:
                return str(existing.po_id)
            taken = tx.execute(
                sa.select(purchase_orders.c.po_id).where(
                    purchase_orders.c.po_number == po.po_number
                )
            ).first()
            if taken is not None:
                raise Conflict(f"PO number {po.po_number} is already used by {taken.po_id}")
            inserted = insert_if_absent(
                tx,
                purchase_orders,
                {
                    "po_id": po_id,
                    "po_number": po.po_number,
                    "idempotency_key": idempotency_key,
                    "supplier_id": po.supplier_id,
                    "currency": po.currency,
                    "status": "open",
                    "issue_date": po.issue_date,
                    "payment_terms": po.payment_terms,
                    "supplier_tax_id": po.supplier_tax_id,
                    "agreed_charges": po.agreed_charges,
                    "milestones": [_milestone_json(m) for m in po.milestones],
                    "origin": origin,
                    "extra": dict(extra or {}),
                    "created_at": now,
                    "updated_at": now,
                },
            )
            if not inserted:  # a concurrent insert with the same key won
                again = tx.execute(
                    sa.select(purchase_orders.c.po_id).where(
                        purchase_orders.c.idempotency_key == idempotency_key
                    )
                ).scalar_one()
                return str(again)
            tx.execute(
                po_lines.insert(),
                [
                    {
                        "po_id": po_id,
                        "line_id": line.line_id,
                        "position": position,
                        "sku": line.sku,
                        "description": line.description,
                        "quantity": line.quantity,
                        "original_quantity": line.quantity,
                        "unit_price": line.unit_price,
                        "unit_code": line.unit_code,
                        "category": line.category,
                        "milestone_id": line.milestone_id,
                        "requires_receipt": line.requires_receipt,
                        "need_by": (need_by or {}).get(line.line_id),
                    }
                    for position, line in enumerate(po.lines, start=1)
                ],
            )
            self.audit.append(
                tx,
                stream=f"po:{po.po_number}",
                kind="po.created",
                actor=actor,
                subject=po_id,
                payload={
                    "po_number": po.po_number,
                    "supplier_id": po.supplier_id,
                    "currency": po.currency,
                    "total": str(po.total),
                    "origin": origin,
                    "lines": [
                        {"sku": line.sku, "quantity": str(line.quantity)} for line in po.lines
                    ],
                },
            )
        return po_id

    def find(
        self, po_id_or_number: str, *, conn: sa.Connection | None = None
    ) -> StoredPurchaseOrder | None:
        """The order with this id or PO number, or None."""
        with self._tx(conn) as tx:
            row = tx.execute(
                sa.select(purchase_orders).where(
                    sa.or_(
                        purchase_orders.c.po_id == po_id_or_number,
                        purchase_orders.c.po_number == po_id_or_number,
                    )
                )
            ).first()
            if row is None:
                return None
            return self._load(tx, [row])[0]

    def get(self, po_id_or_number: str) -> StoredPurchaseOrder:
        """The order with this id or PO number; ``NotFound`` otherwise."""
        found = self.find(po_id_or_number)
        if found is None:
            raise NotFound(f"no purchase order {po_id_or_number}")
        return found

    def list(
        self,
        *,
        status: str | None = None,
        supplier_id: str | None = None,
        origin: str | None = None,
        open_only: bool = False,
    ) -> list[StoredPurchaseOrder]:
        """Orders by creation, optionally filtered."""
        query = sa.select(purchase_orders).order_by(
            purchase_orders.c.created_at, purchase_orders.c.po_number
        )
        if status is not None:
            query = query.where(purchase_orders.c.status == status)
        if open_only:
            query = query.where(purchase_orders.c.status.in_(OPEN_STATUSES))
        if supplier_id is not None:
            query = query.where(purchase_orders.c.supplier_id == supplier_id)
        if origin is not None:
            query = query.where(purchase_orders.c.origin == origin)
        with self.engine.connect() as conn:
            return self._load(conn, list(conn.execute(query)))

    def by_supplier(
        self, supplier_id: str, *, open_only: bool = True
    ) -> builtins.list[StoredPurchaseOrder]:
        """The supplier's orders (open ones only by default)."""
        return self.list(supplier_id=supplier_id, open_only=open_only)

    def count(self) -> int:
        """How many orders are stored."""
        with self.engine.connect() as conn:
            return int(
                conn.execute(sa.select(sa.func.count()).select_from(purchase_orders)).scalar_one()
            )

    def reduce_quantity(
        self,
        po_id_or_number: str,
        line_id: str,
        new_quantity: Decimal,
        idempotency_key: str,
        *,
        reason: str,
        conn: sa.Connection | None = None,
        actor: str = "runtime",
    ) -> bool:
        """Lower a line's quantity to ``new_quantity``; False when the key was applied before."""
        if new_quantity < 0:
            raise InvalidInput(f"a PO line cannot be reduced below 0 (asked {new_quantity})")

        def change(current: Decimal) -> Decimal:
            if new_quantity > current:
                raise InvalidInput(
                    f"line {line_id} of {po_id_or_number} has {current}; reducing cannot raise it "
                    f"to {new_quantity}"
                )
            return new_quantity

        return self._change_line(
            po_id_or_number, line_id, "quantity", change, idempotency_key, "po.reduced",
            reason=reason, conn=conn, actor=actor,
        )  # fmt: skip

    def set_unit_price(
        self,
        po_id_or_number: str,
        line_id: str,
        unit_price: Decimal,
        idempotency_key: str,
        *,
        reason: str,
        conn: sa.Connection | None = None,
        actor: str = "runtime",
    ) -> bool:
        """Re-price a line; False when the key was applied before."""
        if unit_price < 0:
            raise InvalidInput("a unit price cannot be negative")
        return self._change_line(
            po_id_or_number, line_id, "unit_price", lambda _old: unit_price, idempotency_key,
            "po.repriced", reason=reason, conn=conn, actor=actor,
        )  # fmt: skip

    def _change_line(
        self,
        po_id_or_number: str,
        line_id: str,
        column: str,
        change: Any,
        idempotency_key: str,
        kind: str,
        *,
        reason: str,
        conn: sa.Connection | None,
        actor: str,
    ) -> bool:
        with self._tx(conn) as tx:
            done = tx.execute(
                sa.select(po_changes.c.idempotency_key).where(
                    po_changes.c.idempotency_key == idempotency_key
                )
            ).first()
            if done is not None:
                return False
            head = tx.execute(
                sa.select(purchase_orders.c.po_id, purchase_orders.c.po_number).where(
                    sa.or_(
                        purchase_orders.c.po_id == po_id_or_number,
                        purchase_orders.c.po_number == po_id_or_number,
                    )
                )
            ).first()
            if head is None:
                raise NotFound(f"no purchase order {po_id_or_number}")
            line = tx.execute(
                sa.select(po_lines).where(
                    po_lines.c.po_id == head.po_id, po_lines.c.line_id == line_id
                )
            ).first()
            if line is None:
                raise NotFound(f"purchase order {head.po_number} has no line {line_id}")
            before: Decimal = getattr(line, column)
            after: Decimal = change(before)
            tx.execute(
                po_lines.update()
                .where(po_lines.c.po_id == head.po_id, po_lines.c.line_id == line_id)
                .values({column: after})
            )
            values: dict[str, Any] = {"updated_at": utcnow()}
            if column == "quantity":
                values["status"] = "reduced"
            tx.execute(
                purchase_orders.update().where(purchase_orders.c.po_id == head.po_id).values(values)
            )
            tx.execute(
                po_changes.insert().values(
                    idempotency_key=idempotency_key,
                    po_id=head.po_id,
                    line_id=line_id,
                    kind=kind,
                    before={column: str(before)},
                    after={column: str(after)},
                    reason=reason,
                    actor=actor,
                    created_at=utcnow(),
                )
            )
            self.audit.append(
                tx,
                stream=f"po:{head.po_number}",
                kind=kind,
                actor=actor,
                subject=head.po_id,
                payload={
                    "po_number": head.po_number,
                    "line_id": line_id,
                    "before": str(before),
                    "after": str(after),
                    "reason": reason,
                },
            )
        return True

    def applied_change(
        self, idempotency_key: str, *, conn: sa.Connection | None = None
    ) -> dict[str, Any] | None:
        """The change made under ``idempotency_key`` (kind, line, before, after), or None."""
        with self._tx(conn) as tx:
            row = tx.execute(
                sa.select(po_changes).where(po_changes.c.idempotency_key == idempotency_key)
            ).first()
        if row is None:
            return None
        return {"kind": row.kind, "line_id": row.line_id, "before": row.before, "after": row.after}

    def changes(self, po_id_or_number: str) -> builtins.list[dict[str, Any]]:
        """The changes made to an order, oldest first."""
        stored = self.get(po_id_or_number)
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(po_changes)
                .where(po_changes.c.po_id == stored.po_id)
                .order_by(po_changes.c.created_at)
            )
            return [
                {
                    "kind": r.kind,
                    "line_id": r.line_id,
                    "before": r.before,
                    "after": r.after,
                    "reason": r.reason,
                    "actor": r.actor,
                    "at": r.created_at.isoformat(),
                }
                for r in rows
            ]

    def _load(
        self, conn: sa.Connection, heads: builtins.list[Any]
    ) -> builtins.list[StoredPurchaseOrder]:
        if not heads:
            return []
        ids = [h.po_id for h in heads]
        lines: dict[str, builtins.list[Any]] = {i: [] for i in ids}
        for row in conn.execute(
            sa.select(po_lines).where(po_lines.c.po_id.in_(ids)).order_by(po_lines.c.position)
        ):
            lines[row.po_id].append(row)
        result = []
        for h in heads:
            po = PurchaseOrder(
                po_number=h.po_number,
                supplier_id=h.supplier_id,
                currency=h.currency,
                lines=tuple(
                    PurchaseOrderLine(
                        line_id=r.line_id,
                        description=r.description,
                        quantity=r.quantity,
                        unit_price=r.unit_price,
                        sku=r.sku,
                        unit_code=r.unit_code,
                        category=r.category,
                        milestone_id=r.milestone_id,
                        requires_receipt=r.requires_receipt,
                    )
                    for r in lines[h.po_id]
                ),
                issue_date=h.issue_date,
                payment_terms=h.payment_terms,
                supplier_tax_id=h.supplier_tax_id,
                milestones=tuple(_milestone_of(m) for m in h.milestones),
                agreed_charges=h.agreed_charges,
            )
            result.append(
                StoredPurchaseOrder(
                    po_id=h.po_id,
                    po=po,
                    status=h.status,
                    idempotency_key=h.idempotency_key,
                    origin=h.origin,
                    created_at=h.created_at,
                    updated_at=h.updated_at,
                    original_quantities={r.line_id: r.original_quantity for r in lines[h.po_id]},
                    need_by={r.line_id: r.need_by for r in lines[h.po_id]},
                    extra=dict(h.extra or {}),
                )
            )
        return result


def _milestone_json(m: Milestone) -> dict[str, Any]:
    return {
        "milestone_id": m.milestone_id,
        "name": m.name,
        "amount": str(m.amount),
        "due_date": m.due_date.isoformat() if m.due_date else None,
        "completed_on": m.completed_on.isoformat() if m.completed_on else None,
    }


def _milestone_of(data: Mapping[str, Any]) -> Milestone:
    return Milestone(
        milestone_id=data["milestone_id"],
        name=data["name"],
        amount=Decimal(data["amount"]),
        due_date=date.fromisoformat(data["due_date"]) if data.get("due_date") else None,
        completed_on=(
            date.fromisoformat(data["completed_on"]) if data.get("completed_on") else None
        ),
    )


__all__ = ["OPEN_STATUSES", "PurchaseOrderStore", "StoredPurchaseOrder"]
