"""``procureflow.exception``: a playbook hands a problem to a person through the queue.

``with: {severity, owner_role, reason_code, subject: {type, id}, title, detail, wait}``.
Without ``wait`` the exception is raised (or, if one is open for the same subject and
reason, bumped) and the task returns at once. With ``wait: true`` the instance waits,
durably, until someone resolves the exception and returns the resolution; the person's
resolution is committed first and then sent to the instance, and the instance re-reads
the exception now and then in case that message was lost (like an approval).

:func:`resolve` is what the CLI, API and dashboard call to close an exception.
"""

from __future__ import annotations

from collections.abc import Set
from typing import Any

from dbos import DBOS

from procureflow.adapters.db.exception_store import ExceptionQueue
from procureflow.errors import Forbidden, InvalidInput
from procureflow.runtime import launch as launching
from procureflow.runtime.ports import CallContext, FunctionSpec
from procureflow.runtime.services import Services

# How often a waiting instance re-reads its exception, in case the wake-up was lost.
RECHECK_SECONDS = 60.0


def exception_queue(svc: Services) -> ExceptionQueue:
    """The exception queue of these services (built once, kept in ``extras``)."""
    found = svc.extras.get("exceptions")
    if found is None:
        found = svc.extras["exceptions"] = ExceptionQueue(svc.engine, svc.audit)
    return found


def topic_of(exception_id: str) -> str:
    """The mailbox topic an instance waiting on an exception listens on."""
    return f"exception:{exception_id}"


def _outcome(found: dict[str, Any]) -> dict[str, Any]:
    return {
        "exception_id": found["id"],
        "status": found["status"],
        "created": bool(found.get("created", False)),
        "occurrences": found["occurrences"],
        "resolved": found["status"] == "resolved",
        "resolved_by": found["resolved_by"],
        "resolution": found["resolution"],
    }


def _subject(args: dict[str, Any], ctx: CallContext) -> tuple[str, str]:
    subject = args.get("subject")
    if subject is None:
        return "instance", ctx.instance_id
    if not isinstance(subject, dict) or not subject.get("type") or not subject.get("id"):
        raise InvalidInput(
            "procureflow.exception needs 'subject' as {type, id}, e.g. {type: invoice, id: INV-1}"
        )
    return str(subject["type"]), str(subject["id"])


def make_exception_function(svc: Services) -> FunctionSpec:
    """The ``procureflow.exception`` custom function."""

    def raise_from_playbook(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        subject_type, subject_id = _subject(args, ctx)
        for name in ("reason_code", "title"):
            if not args.get(name):
                raise InvalidInput(f"procureflow.exception needs {name!r}")
        detail = args.get("detail") or {}
        if not isinstance(detail, dict):
            raise InvalidInput("procureflow.exception: 'detail' must be an object")
        wait = bool(args.get("wait", False))
        workflow_id = (DBOS.workflow_id or ctx.instance_id) if wait else None
        queue = exception_queue(svc)

        def open_exception() -> dict[str, Any]:
            found = queue.raise_exception(
                severity=str(args.get("severity") or "medium"),
                owner_role=str(args.get("owner_role") or "orchestrator"),
                reason_code=str(args["reason_code"]),
                subject_type=subject_type,
                subject_id=subject_id,
                title=str(args["title"]),
                detail=detail,
                source=f"playbook:{ctx.workflow.get('name', '')}",
                actor=f"instance:{ctx.instance_id}",
                instance_id=ctx.instance_id if wait else None,
                workflow_id=workflow_id,
            )
            if wait and found["status"] != "resolved":
                svc.instances.set_status(ctx.instance_id, "waiting")
            return found

        opened = ctx.durability.step(f"{ctx.task_key}#raise", open_exception)
        if not wait:
            return _outcome(opened)
        exception_id = opened["id"]
        rounds = 0
        while True:
            state = ctx.durability.step(
                f"{ctx.task_key}#check{rounds}", lambda: queue.get(exception_id)
            )
            if state["status"] == "resolved":

                def finish(found: dict[str, Any] = state) -> dict[str, Any]:
                    svc.instances.set_status(ctx.instance_id, "running")
                    return _outcome({**found, "created": opened.get("created", False)})

                return ctx.durability.step(f"{ctx.task_key}#resumed", finish)
            ctx.durability.receive(
                f"{ctx.task_key}#wait{rounds}", topic_of(exception_id), RECHECK_SECONDS
            )
            rounds += 1

    return FunctionSpec(
        name="procureflow.exception",
        fn=raise_from_playbook,
        durable_step=False,
        description="Raise an exception for a person (optionally wait for its resolution)",
    )


SUPERVISORS = frozenset({"orchestrator", "admin"})
"""Roles that may handle any exception besides its owner role."""


def check_may_handle(svc: Services, exception_id: str, roles: Set[str] | None) -> None:
    """Refuse a person who holds neither the exception's owner role nor a supervisor role.

    ``roles`` None means a trusted caller (the runtime, a monitor) and is not checked.
    """
    if roles is None:
        return
    owner = exception_queue(svc).get(exception_id)["owner_role"]
    if owner not in roles and not roles & SUPERVISORS:
        raise Forbidden(
            f"exception {exception_id} belongs to {owner}; it needs that role, "
            "orchestrator or admin",
            subject=exception_id,
        )


def acknowledge(
    svc: Services, exception_id: str, *, user: str, roles: Set[str] | None = None
) -> dict[str, Any]:
    """Acknowledge an exception as ``user`` (who must be allowed to handle it)."""
    check_may_handle(svc, exception_id, roles)
    return exception_queue(svc).acknowledge(exception_id, user)


def resolve(
    svc: Services,
    exception_id: str,
    *,
    user: str,
    resolution: dict[str, Any] | None = None,
    roles: Set[str] | None = None,
) -> dict[str, Any]:
    """Resolve an exception (committed first) and wake the instance waiting on it."""
    check_may_handle(svc, exception_id, roles)
    resolved = exception_queue(svc).resolve(exception_id, user, resolution)
    if resolved.get("workflow_id"):
        launching.launcher(svc).send(
            resolved["workflow_id"],
            {"status": "resolved", "resolved_by": user},
            topic_of(exception_id),
            idempotency_key=f"exception-resolved:{exception_id}",
        )
    return resolved


def make_exception_functions(svc: Services) -> list[FunctionSpec]:
    """The exception queue's custom functions."""
    return [make_exception_function(svc)]


__all__ = [
    "RECHECK_SECONDS",
    "SUPERVISORS",
    "acknowledge",
    "check_may_handle",
    "exception_queue",
    "make_exception_function",
    "make_exception_functions",
    "resolve",
    "topic_of",
]
