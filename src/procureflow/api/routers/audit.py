"""The audit ledger: verify and read."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from procureflow.api.auth import OPERATORS, access
from procureflow.api.deps import ServicesDep

router = APIRouter(prefix="/audit", tags=["audit"], dependencies=[access(OPERATORS)])


@router.get("/verify")
def verify(svc: ServicesDep) -> dict[str, Any]:
    """Check every chain and seal; names the first broken entry."""
    return svc.audit.verify().to_json()


@router.get("/entries")
def entries(
    svc: ServicesDep,
    stream: str | None = None,
    limit: int = Query(200, ge=1, le=5000),
    offset: int = Query(0, ge=0, le=1_000_000_000),
) -> list[dict[str, Any]]:
    """Ledger entries in order, optionally of one stream (e.g. ``instance:ID``)."""
    out: list[dict[str, Any]] = []
    for index, entry in enumerate(svc.audit.entries(stream)):
        if index < offset:
            continue
        if len(out) >= limit:
            break
        out.append(entry.to_json())
    return out
