"""ProcureFlow's own custom functions besides approvals: guardrails and the outbox."""

from __future__ import annotations

from typing import Any

from procureflow.adapters.db.audit_store import insert_if_absent
from procureflow.adapters.db.tables import effects
from procureflow.domain.canonical import to_jsonable
from procureflow.domain.clock import utcnow
from procureflow.errors import InvalidInput
from procureflow.policies import evaluate_guardrails, load_default_policy
from procureflow.runtime.ports import CallContext, FunctionSpec
from procureflow.runtime.services import Services


def make_guard_function(svc: Services) -> FunctionSpec:
    """``procureflow.guard``: decide allow / require_approval / deny for a proposed action.

    ``with: {facts: {...}}``; the decision is recorded (with the policy's digest) so that
    ``policies simulate`` can replay it under a changed policy.
    """

    def guard(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        facts = args.get("facts")
        if not isinstance(facts, dict):
            raise InvalidInput("procureflow.guard needs 'facts': an object describing the action")
        policy = svc.extras.get("policy") or load_default_policy()
        outcome = evaluate_guardrails(policy, facts)
        result = outcome.model_dump(mode="json")
        from procureflow.adapters.db.guard_decisions import record_guard_decision

        with svc.engine.begin() as conn:
            record_guard_decision(
                conn,
                instance_id=ctx.instance_id,
                task_key=ctx.task_key,
                policy=outcome.policy,
                policy_digest=outcome.policy_digest,
                facts=facts,
                outcome=result,
            )
            svc.audit.append(
                conn,
                stream=f"instance:{ctx.instance_id}",
                kind="guard.decided",
                actor="policy",
                subject=ctx.pointer,
                payload={"outcome": result["outcome"], "policy_digest": outcome.policy_digest},
            )
        return result

    return FunctionSpec(
        name="procureflow.guard", fn=guard, description="Evaluate guardrails on a proposed action"
    )


def make_outbox_function(svc: Services) -> FunctionSpec:
    """``procureflow.outbox``: keep a message for a supplier or a person, exactly once.

    The idempotency key of the task makes a re-run after a crash a no-op; the output says
    whether this run created the message or found it already there.
    """

    def outbox(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        if not args.get("to"):
            raise InvalidInput("procureflow.outbox needs 'to'")
        payload = to_jsonable(
            {"to": args["to"], "subject": args.get("subject", ""), "body": args.get("body", "")}
        )
        with svc.engine.begin() as conn:
            created = insert_if_absent(
                conn,
                effects,
                {
                    "idempotency_key": ctx.idempotency_key,
                    "kind": "message",
                    "payload": payload,
                    "created_at": utcnow(),
                },
            )
            if created:
                svc.audit.append(
                    conn,
                    stream=f"instance:{ctx.instance_id}",
                    kind="message.queued",
                    actor="runtime",
                    subject=ctx.pointer,
                    payload={"to": payload["to"], "subject": payload["subject"]},
                )
        return {"queued": bool(created), "idempotency_key": ctx.idempotency_key}

    return FunctionSpec(
        name="procureflow.outbox", fn=outbox, description="Queue a message (idempotent)"
    )


def make_core_functions(svc: Services) -> list[FunctionSpec]:
    """Approvals, guardrails and the outbox."""
    from procureflow.runtime.approvals import make_approval_function

    return [make_approval_function(svc), make_guard_function(svc), make_outbox_function(svc)]


__all__ = ["make_core_functions", "make_guard_function", "make_outbox_function"]
