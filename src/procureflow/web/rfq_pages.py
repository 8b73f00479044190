"""The page a supplier's confirm/decline link opens, and the form that answers it.

Opening a link changes nothing: mail scanners and link previews follow links by
themselves, so ``GET`` only shows the request (what, for whom, until when) with a
Confirm and a Decline button. The answer is a ``POST`` of that form, carrying the link's
token, a CSRF token derived from it under the server's secret (a page of another site
cannot compute it) and passing the same-site check on ``Origin``/``Referer``.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from procureflow.api.auth import CSRF_FIELD, refuse_cross_site
from procureflow.errors import Forbidden, ProcureFlowError
from procureflow.runtime.disruption_intake import ANSWERS, answer_rfq, rfq_summary
from procureflow.web.routes import SECURITY_HEADERS, templates

ANSWER_PATH = "/rfq/answer"

router = APIRouter(include_in_schema=False)


def rfq_csrf_for(token: str, secret: str) -> str:
    """The CSRF token of the page a link opens."""
    return hmac.new(
        secret.encode("utf-8"), b"rfq-form:" + token.encode("utf-8"), hashlib.sha256
    ).hexdigest()


def _secret(request: Request) -> str:
    return str(request.app.state.services.settings.secret_key.get_secret_value())


def _page(request: Request, status_code: int = 200, **context: object) -> HTMLResponse:
    return templates.TemplateResponse(
        request, "rfq.html", context, status_code=status_code, headers=SECURITY_HEADERS
    )


async def rfq_page(request: Request, token: str, proposed: str) -> HTMLResponse:
    """The request a link names and a form to confirm or decline it (reads only)."""
    svc = request.app.state.services
    try:
        summary = await run_in_threadpool(rfq_summary, svc, token)
    except ProcureFlowError as exc:
        return _page(request, exc.status, problem=str(exc))
    return _page(
        request,
        summary=summary,
        token=token,
        proposed=proposed if proposed in ANSWERS else "confirmed",
        csrf=rfq_csrf_for(token, _secret(request)),
        action=ANSWER_PATH,
    )


@router.post(ANSWER_PATH)
async def answer(
    request: Request,
    token: Annotated[str, Form(max_length=2000)],
    decision: Annotated[str, Form(max_length=20)],
    reason: Annotated[str, Form(max_length=500)] = "",
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD, max_length=200)] = "",
) -> HTMLResponse:
    """Record the supplier's answer from the page (the first answer counts)."""
    svc = request.app.state.services
    try:
        refuse_cross_site(request)
        if not hmac.compare_digest(rfq_csrf_for(token, _secret(request)), csrf_token):
            raise Forbidden("the form is not the one this link opened; open the link again")
        result = await run_in_threadpool(answer_rfq, svc, token, decision, reason.strip() or None)
    except ProcureFlowError as exc:
        return _page(request, exc.status, problem=str(exc))
    return _page(request, result=result)


__all__ = ["ANSWER_PATH", "rfq_csrf_for", "rfq_page", "router"]
