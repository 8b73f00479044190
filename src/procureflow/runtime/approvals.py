"""Human tasks: an approval with an SLA timer and an escalation chain, inside a playbook.

``call: procureflow.approval`` opens a request bound to the digest of the exact action,
then waits. A person's decision (CLI, API, dashboard) is checked and committed first,
then sent to the waiting instance; if that message is ever lost the instance still finds
the decision when its periodic check runs. When a level's SLA passes, the request moves
up the chain; after the last level it expires and the task returns ``expired``.
"""

from __future__ import annotations

from collections.abc import Set
from datetime import datetime
from typing import Any

from dbos import DBOS

from procureflow.domain.approval import ApprovalLevel
from procureflow.domain.clock import utcnow
from procureflow.domain.money import Money
from procureflow.errors import InvalidInput
from procureflow.policies import approval_chain_for, load_default_policy
from procureflow.runtime import launch as launching
from procureflow.runtime.ports import CallContext, FunctionSpec
from procureflow.runtime.services import Services

# How often a waiting approval re-reads its row, in case a decision's message was lost.
RECHECK_SECONDS = 60.0


def topic_of(approval_id: str) -> str:
    """The mailbox topic a waiting approval task listens on."""
    return f"approval:{approval_id}"


def _chain_from_args(svc: Services, args: dict[str, Any]) -> list[ApprovalLevel]:
    if args.get("chain"):
        default_sla = float(args.get("sla_hours") or svc.settings.approval_sla_hours)
        levels = []
        for item in args["chain"]:
            if isinstance(item, str):
                levels.append(ApprovalLevel(role=item, sla_hours=default_sla))
            else:
                levels.append(ApprovalLevel.model_validate(item))
        return levels
    amount = args.get("amount")
    if not amount:
        raise InvalidInput("procureflow.approval needs either 'chain' or 'amount' (and 'category')")
    money = Money.of(amount["amount"], amount["currency"]) if isinstance(amount, dict) else None
    if money is None:
        raise InvalidInput("'amount' must be an object with 'amount' and 'currency'")
    policy = svc.extras.get("policy") or load_default_policy()
    return approval_chain_for(policy, money, str(args.get("category", "*")))


def _outcome(approval: dict[str, Any]) -> dict[str, Any]:
    return {
        "approval_id": approval["id"],
        "status": approval["status"],
        "approved": approval["status"] == "approved",
        "decided_by": approval["decided_by"],
        "comment": approval["comment"],
        "digest": approval["digest"],
        "role": approval["role"],
    }


def make_approval_function(svc: Services) -> FunctionSpec:
    """The ``procureflow.approval`` custom function."""

    def approval(args: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        action = args.get("action")
        if not isinstance(action, dict):
            raise InvalidInput("procureflow.approval needs 'action': the exact action to approve")
        chain = _chain_from_args(svc, args)
        workflow_id = DBOS.workflow_id or ctx.instance_id

        def open_request() -> dict[str, Any]:
            opened = svc.approvals.open(
                instance_id=ctx.instance_id,
                workflow_id=workflow_id,
                task_key=ctx.task_key,
                title=str(args.get("title") or ctx.task_name),
                action=action,
                reasoning=args.get("reasoning"),
                # The person behind the instance, never a name the playbook gives: only
                # then can segregation of duties keep them from approving their own request.
                requested_by=svc.instances.requester(ctx.instance_id),
                chain=chain,
            )
            svc.instances.set_status(ctx.instance_id, "waiting")
            return opened

        def finish(state: dict[str, Any]) -> dict[str, Any]:
            svc.instances.set_status(ctx.instance_id, "running")
            return _outcome(state)

        opened = ctx.durability.step(f"{ctx.task_key}#open", open_request)
        approval_id = opened["id"]
        rounds = 0
        while True:
            state = ctx.durability.step(
                f"{ctx.task_key}#check{rounds}",
                lambda: svc.approvals.escalate_if_due(approval_id),
            )
            if state["status"] != "pending":
                return finish(state)
            due = datetime.fromisoformat(state["due_at"]) if state["due_at"] else None
            wait = RECHECK_SECONDS
            if due is not None:
                wait = max(0.0, min(RECHECK_SECONDS, (due - utcnow()).total_seconds()))
            message = ctx.durability.receive(
                f"{ctx.task_key}#wait{rounds}", topic_of(approval_id), wait
            )
            rounds += 1
            if message is not None:
                decided = ctx.durability.step(
                    f"{ctx.task_key}#decided{rounds}", lambda: svc.approvals.get(approval_id)
                )
                if decided["status"] != "pending":
                    return finish(decided)

    return FunctionSpec(
        name="procureflow.approval",
        fn=approval,
        durable_step=False,
        description="Ask a person to approve the exact action, with SLA and escalation",
    )


def decide(
    svc: Services,
    approval_id: str,
    *,
    approver: str,
    approver_roles: Set[str],
    approve: bool,
    quoted_digest: str,
    comment: str | None = None,
) -> dict[str, Any]:
    """Record a person's decision (rules checked) and wake the waiting instance."""
    decided = svc.approvals.decide(
        approval_id,
        approver=approver,
        approver_roles=approver_roles,
        approve=approve,
        quoted_digest=quoted_digest,
        comment=comment,
    )
    if decided.get("workflow_id"):
        launching.launcher(svc).send(
            decided["workflow_id"],
            {"status": decided["status"], "decided_by": approver},
            topic_of(approval_id),
            idempotency_key=f"decision:{approval_id}",
        )
    return decided


__all__ = ["RECHECK_SECONDS", "decide", "make_approval_function", "topic_of"]
