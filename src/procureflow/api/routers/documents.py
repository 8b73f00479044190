"""Documents over REST: upload, convert, compress, merge, split, classify, draft stamps,
co-signing sessions, signing and verification. Documents are named by SHA-256."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Path, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from procureflow.adapters.document_wiring import build_document_service
from procureflow.api.auth import DOCUMENT_EDITORS, access
from procureflow.api.deps import CurrentUser, ServicesDep
from procureflow.api.problem_docs import problem_responses
from procureflow.documents.profiles import PROFILE_NAME, SignatureProfile
from procureflow.documents.service import DocumentService
from procureflow.errors import DocumentRejected, NotFound

router = APIRouter(prefix="/documents", tags=["documents"], dependencies=[access(DOCUMENT_EDITORS)])


def get_documents(svc: ServicesDep) -> DocumentService:
    """The document service of this app, built once on the app's engine and settings."""
    existing = svc.extras.get("documents")
    if isinstance(existing, DocumentService):
        return existing
    built = build_document_service(svc.settings, svc.engine)
    svc.extras["documents"] = built
    return built


DocumentsDep = Annotated[DocumentService, Depends(get_documents)]


class ConvertRequest(BaseModel):
    pdfa: bool = False


class CompressRequest(BaseModel):
    preset: str = Field("lossless", pattern="^(lossless|email|screen)$")
    unsigned_copy: bool = False


class MergeRequest(BaseModel):
    documents: list[str] = Field(min_length=1)
    titles: list[str] | None = None
    name: str = "merged.pdf"
    unsigned_copy: bool = False


class SplitRequest(BaseModel):
    ranges: str | None = None
    every: int | None = Field(None, ge=1)
    max_bytes: int | None = Field(None, ge=1024)
    bookmarks: bool = False
    unsigned_copy: bool = False


class SignersRequest(BaseModel):
    category: str | None = None
    profiles: list[str] | None = None


class SignNextRequest(BaseModel):
    profile: str | None = None


@router.post("", status_code=201, responses=problem_responses(409))
def upload(docs: DocumentsDep, user: CurrentUser, file: UploadFile = File(...)) -> dict[str, Any]:
    """Store a PDF, DOCX, ODT, RTF or signature image; refused files are quarantined."""
    stored = docs.ingest_stream(file.file, name=file.filename or "upload", actor=user.id)
    return stored.to_json()


@router.post("/verify")
def verify_upload(
    docs: DocumentsDep, user: CurrentUser, file: UploadFile = File(...)
) -> dict[str, Any]:
    """Verify the signatures of an uploaded PDF without storing it (a tampered or damaged
    file gets a verdict, not an upload error)."""
    data = file.file.read(docs.store.max_bytes + 1)
    if len(data) > docs.store.max_bytes:
        raise DocumentRejected(
            f"file larger than the {docs.store.max_bytes // 2**20} MB limit",
            subject=file.filename or "upload",
        )
    return docs.verify_file(data, name=file.filename or "upload.pdf", actor=user.id)


@router.get("/profiles")
def profiles(docs: DocumentsDep) -> list[dict[str, Any]]:
    """Signature profiles: category, co-signer order, identity, stamp placement."""
    return [p.model_dump() for p in docs.signature_profiles()]


@router.put("/profiles/{name}")
def save_profile(
    name: Annotated[str, Path(pattern=PROFILE_NAME)],
    body: SignatureProfile,
    docs: DocumentsDep,
    user: CurrentUser,
) -> dict[str, Any]:
    """Create or replace a signature profile (the name in the path wins)."""
    profile = SignatureProfile.model_validate({**body.model_dump(), "name": name})
    return docs.save_profile(profile, actor=user.id).model_dump(mode="json")


@router.post("/merge", status_code=201, responses=problem_responses(404, 409))
def merge(body: MergeRequest, docs: DocumentsDep, user: CurrentUser) -> dict[str, Any]:
    """Merge stored PDFs in the given order, one bookmark per source."""
    return docs.merge(
        body.documents,
        actor=user.id,
        titles=body.titles,
        name=body.name,
        unsigned_copy=body.unsigned_copy,
    )


@router.get("/signing-sessions/{session_id}")
def signing_session(session_id: str, docs: DocumentsDep) -> dict[str, Any]:
    """A co-signing session: the signers in order, who has signed, who is next."""
    return docs.session(session_id)


@router.post("/signing-sessions/{session_id}/sign", responses=problem_responses(409))
def sign_next(
    session_id: str, body: SignNextRequest, docs: DocumentsDep, user: CurrentUser
) -> dict[str, Any]:
    """The next co-signer signs (after reviewing the draft)."""
    return docs.sign_next(session_id, actor=user.id, profile=body.profile)


@router.get("/{sha256}")
def document(sha256: str, docs: DocumentsDep) -> dict[str, Any]:
    """A stored document and the operations that produced it."""
    found = docs.catalog.document(sha256)
    if found is None:
        raise NotFound(f"no document with SHA-256 {sha256}", subject="document")
    return {**found.to_json(), "history": docs.catalog.history(sha256)}


@router.get("/{sha256}/content")
def content(sha256: str, docs: DocumentsDep) -> Response:
    """The document's bytes."""
    found = docs.catalog.document(sha256)
    media_type = found.media_type if found else "application/octet-stream"
    return Response(docs.store.get(sha256), media_type=media_type)


@router.post("/{sha256}/convert", status_code=201, responses=problem_responses(409))
def convert(
    sha256: str, body: ConvertRequest, docs: DocumentsDep, user: CurrentUser
) -> dict[str, Any]:
    """DOCX/ODT/RTF → PDF (PDF/A-3b on request)."""
    return docs.convert(sha256, actor=user.id, pdfa=body.pdfa)


@router.post("/{sha256}/compress", status_code=201, responses=problem_responses(409))
def compress(
    sha256: str, body: CompressRequest, docs: DocumentsDep, user: CurrentUser
) -> dict[str, Any]:
    """Compress with a preset (the original is kept when not smaller)."""
    return docs.compress(
        sha256, actor=user.id, preset=body.preset, unsigned_copy=body.unsigned_copy
    )


@router.post("/{sha256}/split", status_code=201, responses=problem_responses(409))
def split(sha256: str, body: SplitRequest, docs: DocumentsDep, user: CurrentUser) -> dict[str, Any]:
    """Split by ranges, every N pages, maximum size or bookmarks."""
    return docs.split(
        sha256,
        actor=user.id,
        ranges=body.ranges,
        every=body.every,
        max_bytes=body.max_bytes,
        by_bookmarks=body.bookmarks,
        unsigned_copy=body.unsigned_copy,
    )


@router.post("/{sha256}/classify")
def classify(sha256: str, docs: DocumentsDep, user: CurrentUser) -> dict[str, Any]:
    """The document's category and the phrases that decided it."""
    return docs.classify(sha256, actor=user.id)


@router.post("/{sha256}/stamp", status_code=201, responses=problem_responses(409))
def stamp(
    sha256: str, body: SignersRequest, docs: DocumentsDep, user: CurrentUser
) -> dict[str, Any]:
    """A review copy with the co-signers' draft stamps."""
    return docs.stamp(sha256, actor=user.id, category=body.category, profiles=body.profiles)


@router.post("/{sha256}/signing-sessions", status_code=201, responses=problem_responses(409))
def open_session(
    sha256: str, body: SignersRequest, docs: DocumentsDep, user: CurrentUser
) -> dict[str, Any]:
    """Open a co-signing session: draft-stamped review copy and signers in order."""
    return docs.prepare_signing(
        sha256, actor=user.id, category=body.category, profiles=body.profiles
    )


@router.post("/{sha256}/sign", status_code=201, responses=problem_responses(409))
def sign(
    sha256: str, body: SignersRequest, docs: DocumentsDep, user: CurrentUser
) -> dict[str, Any]:
    """Every co-signer signs in order (for a single operator signing on behalf of all)."""
    return docs.sign(sha256, actor=user.id, category=body.category, profiles=body.profiles)


@router.get("/{sha256}/verify")
def verify(sha256: str, docs: DocumentsDep, user: CurrentUser) -> dict[str, Any]:
    """Every signature: intact, trusted, coverage, changes after signing."""
    return docs.verify(sha256, actor=user.id)


__all__ = ["get_documents", "router"]
