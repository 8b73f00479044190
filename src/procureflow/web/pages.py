"""Operations pages: overview (live instances, KPIs), one instance, approvals, exceptions, events.

Each live region of a page is also served alone under ``/ui/...`` so that the page's
script can refresh just that region when the live stream reports a change.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from procureflow.adapters.db.listing import approvals_of_instance, instances_with_approvals
from procureflow.adapters.db.live_feed import last_entry_id
from procureflow.adapters.db.user_store import User
from procureflow.runtime.services import Services
from procureflow.web.graph import playbook_graph
from procureflow.web.routes import page_user, render
from procureflow.web.svg import graph_svg
from procureflow.web.views import agent_timeline, kpis, node_states

router = APIRouter(include_in_schema=False)
PageUser = Annotated[User, Depends(page_user)]


def _svc(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


def exception_queue(svc: Services) -> Any:
    """The exception queue when this installation has one, else None."""
    try:
        from procureflow.adapters.db.exception_store import ExceptionQueue
    except ImportError:
        return None
    return ExceptionQueue(svc.engine, svc.audit)


def overview_data(svc: Services, status: str | None = None) -> dict[str, Any]:
    """Instances (newest first) and the KPIs over the last 500."""
    recent = svc.instances.list_instances(status=status or None, limit=50)
    window = svc.instances.list_instances(limit=500)
    with_approval = instances_with_approvals(svc.engine)
    queue = exception_queue(svc)
    opened = [e["opened_at"] for e in queue.list(limit=1000)] if queue is not None else []
    return {"instances": recent, "kpi": kpis(window, with_approval, opened), "status": status}


@router.get("/", response_class=HTMLResponse)
async def overview(request: Request, user: PageUser, status: str | None = None) -> HTMLResponse:
    """Live list of instances with the headline KPIs."""
    data = await run_in_threadpool(overview_data, _svc(request), status)
    return render(request, user, "overview.html", **data)


@router.get("/ui/instances", response_class=HTMLResponse)
async def instances_fragment(
    request: Request, user: PageUser, status: str | None = None
) -> HTMLResponse:
    """The instance table alone (live refresh)."""
    data = await run_in_threadpool(overview_data, _svc(request), status)
    return render(request, user, "_instances.html", **data)


def instance_data(svc: Services, instance_id: str) -> dict[str, Any]:
    """An instance with its playbook graph (node states from the ledger) and agent timeline."""
    from procureflow.playbooks.loader import load_playbook

    # The ledger position before reading: the page's live stream replays from here.
    live_after = last_entry_id(svc.engine)
    instance = svc.instances.instance(instance_id)
    version = svc.instances.playbook(instance["playbook_sha256"])
    document = load_playbook(version.source, version.name).data
    entries = [e.to_json() for e in svc.audit.entries(f"instance:{instance_id}")]
    states = node_states(entries)
    approvals = approvals_of_instance(svc.engine, instance_id)
    return {
        "live_after": live_after,
        "instance": instance,
        "graph": graph_svg(playbook_graph(document), states),
        "timeline": agent_timeline(instance),
        "approvals": approvals,
        "entries": entries[-40:],
    }


@router.get("/instances/{instance_id}", response_class=HTMLResponse)
async def instance_page(request: Request, user: PageUser, instance_id: str) -> HTMLResponse:
    """One instance: its playbook as a live graph, agent timeline, approvals, ledger."""
    data = await run_in_threadpool(instance_data, _svc(request), instance_id)
    return render(request, user, "instance.html", **data)


@router.get("/ui/instances/{instance_id}", response_class=HTMLResponse)
async def instance_fragment(request: Request, user: PageUser, instance_id: str) -> HTMLResponse:
    """The instance's live part alone."""
    data = await run_in_threadpool(instance_data, _svc(request), instance_id)
    return render(request, user, "_instance.html", **data)


def approvals_data(svc: Services, user: User, status: str, mine: bool) -> dict[str, Any]:
    """Approval requests of one status, oldest first; with ``mine`` only those whose
    current level is one of the user's roles."""
    items = svc.approvals.inbox(status=None if status == "all" else status, limit=200)
    if mine:
        items = [a for a in items if a["role"] in user.roles]
    return {"approvals": items, "status": status, "mine": mine}


@router.get("/approvals", response_class=HTMLResponse)
async def approvals_page(
    request: Request, user: PageUser, status: str = "pending", mine: bool = False
) -> HTMLResponse:
    """The approvals inbox: action, digest, reasoning; approve or reject with a comment."""
    data = await run_in_threadpool(approvals_data, _svc(request), user, status, mine)
    return render(request, user, "approvals.html", **data)


@router.get("/ui/approvals", response_class=HTMLResponse)
async def approvals_fragment(
    request: Request, user: PageUser, status: str = "pending", mine: bool = False
) -> HTMLResponse:
    """The inbox alone (live refresh)."""
    data = await run_in_threadpool(approvals_data, _svc(request), user, status, mine)
    return render(request, user, "_approvals.html", **data)


def exceptions_data(svc: Services, status: str | None) -> dict[str, Any]:
    """Exceptions, most urgent first; ``unresolved`` is open and acknowledged ones."""
    queue = exception_queue(svc)
    items: list[dict[str, Any]] = []
    if queue is not None:
        if status == "unresolved":
            items = [e for e in queue.list(limit=500) if e["status"] != "resolved"]
        else:
            items = queue.list(status=status or None, limit=200)
    return {"exceptions": items, "available": queue is not None, "status": status}


@router.get("/exceptions", response_class=HTMLResponse)
async def exceptions_page(
    request: Request, user: PageUser, status: str | None = "unresolved"
) -> HTMLResponse:
    """The exception queue."""
    data = await run_in_threadpool(exceptions_data, _svc(request), status)
    return render(request, user, "exceptions.html", **data)


@router.get("/ui/exceptions", response_class=HTMLResponse)
async def exceptions_fragment(
    request: Request, user: PageUser, status: str | None = "unresolved"
) -> HTMLResponse:
    """The exception table alone (live refresh)."""
    data = await run_in_threadpool(exceptions_data, _svc(request), status)
    return render(request, user, "_exceptions.html", **data)


def events_data(svc: Services, type_: str | None) -> dict[str, Any]:
    """Received events, newest first."""
    return {"events": svc.events.recent(type=type_ or None, limit=50), "type": type_}


@router.get("/events", response_class=HTMLResponse)
async def events_page(
    request: Request, user: PageUser, type: Annotated[str | None, Query(max_length=300)] = None
) -> HTMLResponse:
    """Events as they arrive."""
    data = await run_in_threadpool(events_data, _svc(request), type)
    return render(request, user, "events.html", **data)


@router.get("/ui/events", response_class=HTMLResponse)
async def events_fragment(
    request: Request, user: PageUser, type: Annotated[str | None, Query(max_length=300)] = None
) -> HTMLResponse:
    """The event table alone (live refresh)."""
    data = await run_in_threadpool(events_data, _svc(request), type)
    return render(request, user, "_events.html", **data)


__all__ = ["exception_queue", "router"]
