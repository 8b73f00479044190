"""``/master-data``: upload a CSV/XLSX file of one kind (all rows or none) and list records.

Uploading changes what agents decide on, so it needs a signed-in orchestrator, buyer,
category manager or admin; reading is open like the other lists.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Path, Query, UploadFile
from fastapi.concurrency import run_in_threadpool

from procureflow.adapters.db.master_repository import MasterDataRepository
from procureflow.adapters.importers import MAX_FILE_BYTES, MasterDataImporter
from procureflow.api.auth import REQUESTERS, access
from procureflow.api.deps import CurrentUser, ServicesDep
from procureflow.domain.master import KINDS, REQUIRED_HEADERS, ImportContext
from procureflow.errors import Forbidden, ImportRejected

router = APIRouter(prefix="/master-data", tags=["master data"], dependencies=[access(REQUESTERS)])

MAY_IMPORT = frozenset({"orchestrator", "buyer", "category_manager", "admin"})
KindPath = Annotated[
    str,
    Path(
        description=f"One of: {', '.join(KINDS)}",
        json_schema_extra={"enum": list(KINDS)},
    ),
]


@router.get("")
def master_data_overview(svc: ServicesDep) -> dict[str, Any]:
    """How many records of each kind are stored, and the headers each file needs."""
    repository = MasterDataRepository(svc.engine)
    return {
        kind: {"count": repository.count(kind), "required_headers": list(REQUIRED_HEADERS[kind])}
        for kind in KINDS
    }


@router.post("/{kind}")
async def import_master_data(
    svc: ServicesDep,
    user: CurrentUser,
    kind: KindPath,
    file: Annotated[UploadFile, File(description="CSV (UTF-8) or XLSX; header on row 1")],
) -> dict[str, Any]:
    """Import one file in one transaction; a bad row is a 422 naming file, row and column."""
    if not user.roles & MAY_IMPORT:
        raise Forbidden(
            f"importing master data needs one of the roles {', '.join(sorted(MAY_IMPORT))}"
        )
    content = await file.read(MAX_FILE_BYTES + 1)
    name = file.filename or f"{kind}.csv"
    if len(content) > MAX_FILE_BYTES:
        raise ImportRejected(f"file is larger than {MAX_FILE_BYTES} bytes", subject=name)
    importer = MasterDataImporter(
        svc.engine,
        ImportContext(
            base_currency=svc.settings.base_currency, plant_location=svc.settings.plant_location
        ),
        actor=user.id,
    )
    result = await run_in_threadpool(importer.import_bytes, kind, content, name)
    return result.to_json()


@router.get("/{kind}")
def list_master_data(
    svc: ServicesDep,
    kind: KindPath,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=1_000_000_000),
) -> list[dict[str, Any]]:
    """Stored records of ``kind`` in key order."""
    records = MasterDataRepository(svc.engine).records(kind, limit=limit, offset=offset)
    return [record.model_dump(mode="json") for record in records]


__all__ = ["router"]
