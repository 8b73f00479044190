"""Refusing, when a playbook is checked, endpoints the egress policy would refuse anyway.

The real check happens at call time, after DNS, on every address (see
:mod:`procureflow.domain.egress`). But an endpoint written as an IP literal in a denied
range (``http://169.254.169.254/latest/meta-data``, ``http://[::1]:8080``,
``http://2130706433/``) or naming a cloud metadata service can only ever be refused, so
a playbook holding one is refused at validation and registration, naming the task and the
address. Endpoints given as runtime expressions (``${ … }``) or whose host or port is a
``{placeholder}`` are known only at call time.
"""

from __future__ import annotations

from collections.abc import Iterator

from procureflow.domain.egress import EgressPolicy
from procureflow.playbooks.expressions import is_runtime_expression
from procureflow.playbooks.model_calls import (
    CallA2ATask,
    CallAsyncApiTask,
    CallGrpcTask,
    CallHttpTask,
    CallOpenApiTask,
)
from procureflow.playbooks.model_common import EndpointConfig, ExternalResource, TaskBase
from procureflow.playbooks.model_tasks import Workflow
from procureflow.playbooks.source import Path
from procureflow.playbooks.validation import iter_tasks

HINT = "add it to PROCUREFLOW_EGRESS_ALLOW if this call is intended"


def _endpoint(value: object, path: Path) -> Iterator[tuple[Path, str]]:
    if isinstance(value, EndpointConfig):
        yield (*path, "uri"), value.uri
    elif isinstance(value, str):
        yield path, value


def _endpoints(task: TaskBase, here: Path) -> Iterator[tuple[Path, str]]:
    """Every endpoint URI the task holds, with the path to it."""
    at = (*here, "with")
    if isinstance(task, CallHttpTask):
        yield from _endpoint(task.with_.endpoint, (*at, "endpoint"))
    elif isinstance(task, CallOpenApiTask | CallAsyncApiTask):
        yield from _endpoint(task.with_.document.endpoint, (*at, "document", "endpoint"))
    elif isinstance(task, CallA2ATask):
        if task.with_.server is not None:
            yield from _endpoint(task.with_.server, (*at, "server"))
        card = task.with_.agent_card
        if isinstance(card, ExternalResource):
            yield from _endpoint(card.endpoint, (*at, "agentCard", "endpoint"))
    elif isinstance(task, CallGrpcTask):
        service = task.with_.service
        if not is_runtime_expression(service.host):
            host = f"[{service.host}]" if ":" in service.host else service.host
            port = f":{service.port}" if service.port else ""
            yield (*at, "service", "host"), f"http://{host}{port}"


def egress_problems(workflow: Workflow, policy: EgressPolicy) -> list[tuple[Path, str]]:
    """Literal endpoints ``policy`` refuses, as (path, message) pairs naming the task."""
    problems: list[tuple[Path, str]] = []
    for here, name, task in iter_tasks(workflow):
        for path, uri in _endpoints(task, here):
            if is_runtime_expression(uri):
                continue
            problem = policy.literal_problem(uri)
            if problem is not None:
                problems.append(
                    (
                        path,
                        f"task '{name}' calls {uri}, which the egress policy refuses: "
                        f"{problem}; {HINT}",
                    )
                )
    return problems


__all__ = ["egress_problems"]
