"""``POST /inbox/email``: a raw RFC 822 supplier mail in, the Risk Monitor's reading out.

A mail gateway (or a person with curl) posts the message as ``message/rfc822``. A mail
that cannot be read is kept in quarantine and answered with a 422 problem naming why.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from procureflow.adapters.db.master_repository import MasterDataRepository
from procureflow.adapters.llm import mail_extractor_from_settings
from procureflow.adapters.storage import LocalContentStore
from procureflow.api.auth import OPERATORS, access
from procureflow.api.deps import OVERLOADED_RESPONSE, CurrentUser, IntakeOpen, ServicesDep
from procureflow.documents.email_message import EmailSettings
from procureflow.errors import DocumentRejected
from procureflow.runtime.disruption_intake import start_from_mail
from procureflow.runtime.mail_intake import read_supplier_mail

router = APIRouter(prefix="/inbox", tags=["inbox"], dependencies=[access(OPERATORS)])


@router.post(
    "/email",
    dependencies=[IntakeOpen],
    responses=OVERLOADED_RESPONSE,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"message/rfc822": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def post_email(request: Request, svc: ServicesDep, user: CurrentUser) -> dict[str, Any]:
    """Read one supplier mail (classification, supplier, items, POs, delay, reason, impact)
    and start the playbook it calls for; "playbook" says what was started."""
    limit = EmailSettings().max_bytes
    # an oversized mail is still read (up to four times the limit) so that quarantine
    # keeps it whole; beyond that only its beginning is kept
    hard_cap = limit * 4
    raw = bytearray()
    async for chunk in request.stream():
        raw.extend(chunk)
        if len(raw) > hard_cap:
            break
    quarantine = LocalContentStore(Path(svc.settings.data_dir) / "documents")
    if len(raw) > hard_cap:
        kept = await run_in_threadpool(
            quarantine.quarantine,
            bytes(raw),
            reason=f"larger than {hard_cap} bytes; only the beginning kept",
            name="inbox.eml",
        )
        raise DocumentRejected(
            f"is larger than {hard_cap} bytes (limit {limit}); its beginning is kept at {kept}",
            subject="inbox.eml",
        )
    mail, output = await run_in_threadpool(
        read_supplier_mail,
        bytes(raw),
        source="inbox.eml",
        master=MasterDataRepository(svc.engine),
        quarantine=quarantine,
        llm=mail_extractor_from_settings(svc.settings.llm_model),
        max_bytes=limit,
        archive=quarantine,
    )
    started = await run_in_threadpool(
        start_from_mail, svc, mail, output, file="inbox.eml", actor=user.id
    )
    return {
        "email": mail.model_dump(mode="json", exclude={"text"}),
        **output.model_dump(mode="json"),
        "playbook": started,
    }


__all__ = ["router"]
