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
from pydantic import ValidationError

from procureflow.adapters.db.guard_decisions import guard_facts_of
from procureflow.domain.approval import ApprovalLevel, action_digest
from procureflow.domain.clock import utcnow
from procureflow.errors import InvalidInput
from procureflow.policies import evaluate_guardrails, load_default_policy
from procureflow.policies.chains import required_chain, stricter_chain
from procureflow.policies.matrix import as_money, lookup
from procureflow.policies.model import ANY_CATEGORY
from procureflow.runtime import launch as launching
from procureflow.runtime.ports import CallContext, FunctionSpec
from procureflow.runtime.services import Services

# How often a waiting approval re-reads its row, in case a decision's message was lost.
RECHECK_SECONDS = 60.0


def topic_of(approval_id: str) -> str:
    """The mailbox topic a waiting approval task listens on."""
    return f"approval:{approval_id}"


def _chain_from_args(svc: Services, args: dict[str, Any], instance_id: str) -> list[ApprovalLevel]:
    """The chain of the policy in force for this action, made stricter by the playbook.

    The amount and category the matrix routes by are required: without them the policy
    cannot decide, and a chain written in the playbook must never stand in for it
    (``policies/chains.py`` says why and how the playbook's levels are merged in). The
    action's own amount and category, where the policy's matrix inputs find them, are
    routed as well, so a playbook cannot understate the amount beside the action it asks
    to approve. A guard that already decided on this exact action is re-evaluated under
    the policy, so its approvers come from the policy, not from the chain the playbook
    copied out of the guard's result.
    """
    policy = svc.extras.get("policy") or load_default_policy()
    raw_amount = args.get("amount")
    if raw_amount is None or raw_amount == "" or raw_amount == {}:
        raise InvalidInput(
            "procureflow.approval needs 'amount' ({amount, currency}): the policy's approval "
            "matrix decides who approves by amount and category; a 'chain' can only add to it"
        )
    money = as_money(raw_amount, "amount")
    category = args.get("category") or ANY_CATEGORY
    if not isinstance(category, str):
        raise InvalidInput("'category' must be a spend category name")
    action = args["action"]
    facts = {"action": action}
    inputs = policy.document.approval_matrix.inputs
    try:
        listed = as_money(lookup(facts, inputs.amount), inputs.amount)
    except InvalidInput:
        listed = None
    if listed is not None and listed.currency == money.currency and listed.amount > money.amount:
        money = listed
    own_category = lookup(facts, inputs.category)
    if not isinstance(own_category, str) or not own_category:
        own_category = category
    chain = required_chain(policy, money, own_category)
    if own_category != category:
        chain = stricter_chain(chain, required_chain(policy, money, category))
    wanted = action_digest(action)
    for recorded in guard_facts_of(svc.engine, instance_id):
        decided_on = recorded.get("action")
        if isinstance(decided_on, dict) and action_digest(decided_on) == wanted:
            outcome = evaluate_guardrails(policy, recorded)
            chain = stricter_chain(chain, outcome.approval_chain or [])
    return stricter_chain(chain, _playbook_levels(svc, args))


def _playbook_levels(svc: Services, args: dict[str, Any]) -> list[ApprovalLevel]:
    """The levels the playbook asks for in ``chain`` (bare roles get the default SLA)."""
    asked = args.get("chain") or []
    if not isinstance(asked, list):
        raise InvalidInput("'chain' must be a list of roles or {role, sla_hours} objects")
    default_sla = float(args.get("sla_hours") or svc.settings.approval_sla_hours)
    levels = []
    for item in asked:
        try:
            if isinstance(item, str):
                levels.append(ApprovalLevel(role=item, sla_hours=default_sla))
            else:
                levels.append(ApprovalLevel.model_validate(item))
        except ValidationError as exc:
            raise InvalidInput(f"'chain' has a level that is not a role: {item!r}") from exc
    return levels


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
        chain = _chain_from_args(svc, args, ctx.instance_id)
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
