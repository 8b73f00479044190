"""The HTTP port of one durable instance: refused destinations are written to its ledger.

A playbook that aims at a destination the egress policy refuses gets the same fault as
for an unreachable one (so it cannot map the network), and the server log has the
reason. An operator or auditor also needs to see that an instance *tried* — that is a
finding about the playbook, not about the network — so the attempt is recorded on the
instance's audit stream as ``egress.denied`` with the policy's reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from procureflow.domain.egress import EgressDenied
from procureflow.runtime.ports import HttpPort, HttpRequest, HttpResponse

if TYPE_CHECKING:
    from procureflow.adapters.db.audit_store import SqlAuditLog


class AuditedHttp:
    """Wraps an :class:`HttpPort`; an :class:`EgressDenied` is audited, then re-raised."""

    def __init__(self, inner: HttpPort, audit: SqlAuditLog, instance_id: str) -> None:
        self.inner = inner
        self.audit = audit
        self.instance_id = instance_id

    def send(self, request: HttpRequest) -> HttpResponse:
        """Send through the wrapped port; record a refused destination."""
        try:
            return self.inner.send(request)
        except EgressDenied as exc:
            self.audit.record(
                stream=f"instance:{self.instance_id}",
                kind="egress.denied",
                actor="runtime",
                subject=exc.host or None,
                payload={"method": request.method, "url": request.url, "reason": exc.reason},
            )
            raise


__all__ = ["AuditedHttp"]
