"""A durable instance whose HTTP call the egress policy refuses: the playbook sees the
common fault, the instance's audit stream records the attempt with the reason."""

from __future__ import annotations

from procureflow.runtime.services import Services
from tests.integration.runtime.helpers import playbook, run, wait_for
from tests.integration.runtime.loopback_http import loopback_service


def test_a_refused_destination_faults_the_instance_and_is_audited(runtime: Services) -> None:
    with loopback_service() as service:
        source = playbook(
            "egress-probe",
            "do:\n  - probe:\n      call: http\n      with:\n        method: get\n"
            f"        endpoint: http://localhost:{service.port}/admin\n",
        )
        instance_id = run(runtime, source)
        data = wait_for(runtime, instance_id, "faulted")
        assert service.paths == []
    assert data["error"]["title"] == "HTTP call failed: destination not allowed or not reachable"
    assert "loopback" not in str(data), "the reason is not shown to readers of the instance"
    entries = list(runtime.audit.entries(f"instance:{instance_id}"))
    (denied,) = [e for e in entries if e.kind == "egress.denied"]
    assert denied.subject == "localhost"
    assert "is a loopback address" in denied.payload["reason"]
    assert denied.payload["url"] == f"http://localhost:{service.port}/admin"
