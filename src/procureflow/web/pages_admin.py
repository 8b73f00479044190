"""Pages for documents, insights (charts), playbooks and policies.

Uploads, validation, signing and the policy what-if post to the REST API from the page's
script (with the session's CSRF token); these handlers only render.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from procureflow.adapters.db.listing import instances_with_approvals, latest_ledger_entries, page
from procureflow.adapters.db.tables_documents import documents
from procureflow.adapters.db.user_store import User
from procureflow.runtime.services import Services
from procureflow.web.graph import playbook_graph
from procureflow.web.pages import exception_queue
from procureflow.web.routes import page_user, render
from procureflow.web.svg import approval_matrix_svg, bar_chart, graph_svg
from procureflow.web.views import cash_flow, kpis, recovery_cost, supplier_comparison

router = APIRouter(include_in_schema=False)
PageUser = Annotated[User, Depends(page_user)]


def _svc(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


@router.get("/documents", response_class=HTMLResponse)
async def documents_page(request: Request, user: PageUser) -> HTMLResponse:
    """Stored documents: preview, sign, verify; upload a new one."""
    rows, total = await run_in_threadpool(
        page, _svc(request).engine, documents, order_by=[documents.c.created_at.desc()], limit=100
    )
    return render(request, user, "documents.html", documents=rows, total=total)


def insights_data(svc: Services) -> dict[str, Any]:
    """Charts from the latest agent outputs and the KPIs of the last 500 instances."""
    window = svc.instances.list_instances(limit=500)
    outputs: list[Any] = []
    for inst in reversed(window[:50]):
        for task in svc.instances.instance(inst["id"]).get("tasks", []):
            if isinstance(task.get("output"), dict):
                outputs.append(task["output"])
    with_approval = instances_with_approvals(svc.engine)
    queue = exception_queue(svc)
    opened = [e["opened_at"] for e in queue.list(limit=1000)] if queue is not None else []
    kpi = kpis(window, with_approval, opened)
    flow = cash_flow(outputs)
    suppliers = supplier_comparison(outputs)
    charts: dict[str, Any] = {}
    if flow:
        charts["cash"] = bar_chart(
            flow["weeks"], {"before": flow["before"], "after": flow["after"]}, unit=""
        )
        charts["cash_currency"] = flow["currency"]
    recovery = recovery_cost(outputs)
    if recovery:
        charts["recovery"] = bar_chart(list(recovery), {"amount": list(recovery.values())})
    if suppliers:
        names = [o["option"].split(":")[0][:14] for o in suppliers["options"]]
        charts["cost"] = bar_chart(names, {"cost": [o["cost"] for o in suppliers["options"]]})
        charts["lead"] = bar_chart(
            names, {"lead time (days)": [o["lead_time_days"] for o in suppliers["options"]]}
        )
        charts["co2"] = bar_chart(
            names, {"CO2e (kg)": [o["co2e_kg"] for o in suppliers["options"]]}, unit=""
        )
    weeks = kpi["exceptions_per_week"]
    charts["exceptions"] = bar_chart(list(weeks), {"exceptions": list(weeks.values())})
    return {"kpi": kpi, "charts": charts}


@router.get("/insights", response_class=HTMLResponse)
async def insights(request: Request, user: PageUser) -> HTMLResponse:
    """Cash flow before/after, supplier comparison, KPIs."""
    data = await run_in_threadpool(insights_data, _svc(request))
    return render(request, user, "insights.html", **data)


@router.get("/playbooks", response_class=HTMLResponse)
async def playbooks_page(request: Request, user: PageUser) -> HTMLResponse:
    """Registered playbooks; validate or register a new one."""
    items = await run_in_threadpool(_svc(request).instances.list_playbooks)
    return render(request, user, "playbooks.html", playbooks=items)


def playbook_data(svc: Services, name: str) -> dict[str, Any]:
    """One playbook's latest version drawn as a graph, with its source."""
    from procureflow.playbooks.loader import load_playbook

    version = svc.instances.latest_playbook(name)
    document = load_playbook(version.source, version.name).data
    return {"playbook": version, "graph": graph_svg(playbook_graph(document))}


@router.get("/playbooks/{name}", response_class=HTMLResponse)
async def playbook_page(request: Request, user: PageUser, name: str) -> HTMLResponse:
    """A playbook as a graph."""
    data = await run_in_threadpool(playbook_data, _svc(request), name)
    return render(request, user, "playbook.html", **data)


@router.get("/policies", response_class=HTMLResponse)
async def policies_page(request: Request, user: PageUser) -> HTMLResponse:
    """The policy in force; validate a draft and simulate it against past decisions."""
    from procureflow.policies import Policy, load_default_policy

    policy = _svc(request).extras.get("policy")
    active = policy if isinstance(policy, Policy) else load_default_policy()
    data = active.to_json()
    matrix = approval_matrix_svg(data.get("approval_matrix") or {})
    return render(request, user, "policies.html", policy=data, matrix=matrix)


@router.get("/audit", response_class=HTMLResponse)
async def audit_page(request: Request, user: PageUser) -> HTMLResponse:
    """The newest ledger entries (live) and a button to verify every chain and seal."""
    entries = await run_in_threadpool(latest_ledger_entries, _svc(request).engine)
    return render(request, user, "audit.html", entries=entries)


@router.get("/ui/audit", response_class=HTMLResponse)
async def audit_fragment(request: Request, user: PageUser) -> HTMLResponse:
    """The ledger table alone (live refresh)."""
    entries = await run_in_threadpool(latest_ledger_entries, _svc(request).engine)
    return render(request, user, "_audit.html", entries=entries)


__all__ = ["router"]
