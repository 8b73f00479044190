"""Routers of the REST API. Add a line to ROUTER_MODULES when adding ``routers/<area>.py``
(a module exposing ``router = APIRouter(...)``); the app mounts each under /api/v1."""

from __future__ import annotations

ROUTER_MODULES: list[str] = [
    "events",
    "instances",
    "playbooks",
    "approvals",
    "audit",
    "policies",
    "documents",
    "master_data",
    "inbox",
    "rfq",
    "purchase_orders",
    "exceptions",
    "contracts",
    "screening",
    "invoices",
    "receipts",
    "payments",
    "records",
]
