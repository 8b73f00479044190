"""The FastAPI application: REST under /api/v1, the dashboard at /, problem+json errors."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, Depends, FastAPI

from procureflow import __version__
from procureflow.api.input_guard import InputGuard, check_request_text
from procureflow.api.problem_docs import document_problems
from procureflow.api.problems import install_problem_handlers
from procureflow.api.routers import ROUTER_MODULES
from procureflow.config import Settings, check_startup_secrets, get_settings

API_PREFIX = "/api/v1"


def _enqueue_for_workers(svc: Any) -> Any:
    """Register the built-in playbooks and launch instances through a workflow client."""
    from procureflow.runtime.dbos_runtime import workflow_client
    from procureflow.runtime.launch import ClientLauncher
    from procureflow.runtime.playbook_catalog import register_builtin_playbooks

    register_builtin_playbooks(svc)
    client = workflow_client(svc.engine, svc.settings.engine_pool_size)
    svc.extras["launcher"] = ClientLauncher(client)
    return client


def create_app(
    *, start_engine: bool = True, settings: Settings | None = None, for_workers: bool = False
) -> FastAPI:
    """Build the app. With ``start_engine`` the durable engine runs in this process; with
    ``for_workers`` (and no engine) instances are only enqueued, for ``procureflow worker``
    processes to run (an API-only process). Without ``settings`` (an ASGI server's
    ``--factory``, real use) the secrets are checked as ``procureflow serve`` does."""
    if settings is None:
        settings = get_settings()
        check_startup_secrets(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from procureflow.bootstrap import build_services, start_runtime, stop_runtime

        client = None
        # the engine refuses to start or stop inside a running event loop: use a thread
        if start_engine:
            svc = await asyncio.to_thread(start_runtime, settings)
        else:
            svc = build_services(settings)
            if for_workers:
                client = await asyncio.to_thread(_enqueue_for_workers, svc)
        app.state.services = svc
        try:
            yield
        finally:
            if start_engine:
                await asyncio.to_thread(stop_runtime, svc)
            else:
                if client is not None:
                    client.destroy()
                svc.engine.dispose()

    app = FastAPI(
        title="ProcureFlow",
        version=__version__,
        description="Procurement orchestration: events, playbooks, approvals, audit.",
        lifespan=lifespan,
        # text no database can store is refused before any handler: the middleware checks
        # query, headers and text bodies; the dependency names a bad path parameter and
        # checks multipart forms
        dependencies=[Depends(check_request_text)],
    )
    app.add_middleware(InputGuard)
    install_problem_handlers(app)
    api = APIRouter(prefix=API_PREFIX)

    @api.get("/health", tags=["system"])
    def health() -> dict[str, Any]:
        """Liveness: the process answers."""
        return {"status": "ok", "version": __version__}

    for module in ROUTER_MODULES:
        api.include_router(importlib.import_module(f"procureflow.api.routers.{module}").router)
    app.include_router(api)
    _mount_web(app)

    def openapi() -> dict[str, Any]:
        # every error code an operation can answer, with the problem schema
        if app.openapi_schema is None:
            app.openapi_schema = document_problems(FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def _mount_web(app: FastAPI) -> None:
    try:
        web = importlib.import_module("procureflow.web.routes")
    except ImportError:
        return
    web.mount(app)


__all__ = ["API_PREFIX", "create_app"]
