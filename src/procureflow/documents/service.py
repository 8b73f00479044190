"""The document toolkit as one service: every operation reads its inputs from the
content-addressed store by SHA-256, writes its outputs there, and records lineage and an
audit entry (input and output hashes, profile, actor). CLI, REST and playbook functions
are thin layers over this class."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from pathlib import PurePath
from typing import Any, BinaryIO

from procureflow.documents import pdfops
from procureflow.documents.classify import LlmClassifier, classify_text, document_text
from procureflow.documents.convert import Converter
from procureflow.documents.keys import KeyInfo, Keystore
from procureflow.documents.office_input import office_kind
from procureflow.documents.pdfguard import looks_like_pdf, open_pdf, refuse_if_signed
from procureflow.documents.ports import BlobStore, DocumentCatalog, OperationRecord, StoredDocument
from procureflow.documents.profiles import (
    DEFAULT_PROFILES,
    SignatureProfile,
    profile_named,
    profiles_for,
)
from procureflow.documents.signing import sign_pdf
from procureflow.documents.stamping import apply_draft_stamps
from procureflow.documents.verify import verify_pdf
from procureflow.errors import Conflict, DocumentRejected, InvalidInput, NotFound

PDF = "application/pdf"
OFFICE_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "rtf": "application/rtf",
    "doc": "application/msword",
}
IMAGE_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def _stem(name: str) -> str:
    return PurePath(name).stem or "document"


class DocumentService:
    """Convert, compress, merge, split, stamp, sign and verify stored documents."""

    def __init__(
        self,
        store: BlobStore,
        catalog: DocumentCatalog,
        keystore: Keystore,
        *,
        converter: Callable[[], Converter],
        organisation: str = "ProcureFlow",
        llm: LlmClassifier | None = None,
    ) -> None:
        self.store = store
        self.catalog = catalog
        self.keystore = keystore
        self._converter = converter
        self.organisation = organisation
        self.llm = llm

    # -- storing -----------------------------------------------------------------------
    def _media_type(self, data: bytes, name: str) -> str:
        if looks_like_pdf(data):
            open_pdf(data, name=name).close()
            return PDF
        for magic, media_type in IMAGE_TYPES.items():
            if data.startswith(magic):
                return media_type
        return OFFICE_TYPES[office_kind(data, name=name)]

    def ingest(self, data: bytes, *, name: str, actor: str) -> StoredDocument:
        """Check and store an uploaded file; refused files go to quarantine, nothing stored."""
        if len(data) > self.store.max_bytes:
            raise DocumentRejected(
                f"file larger than the {self.store.max_bytes // 2**20} MB limit", subject=name
            )
        try:
            media_type = self._media_type(data, name)
        except DocumentRejected as exc:
            self.store.quarantine(data, reason=str(exc), name=name)
            raise
        doc = StoredDocument(self.store.put(data), PurePath(name).name, media_type, len(data))
        self.catalog.record_operation(OperationRecord("store", actor, [], [doc]))
        return doc

    def ingest_stream(self, stream: BinaryIO, *, name: str, actor: str) -> StoredDocument:
        """Like :meth:`ingest`, reading at most one byte past the size limit."""
        data = stream.read(self.store.max_bytes + 1)
        return self.ingest(data, name=name, actor=actor)

    def _load(self, sha256: str) -> tuple[bytes, StoredDocument]:
        data = self.store.get(sha256)
        doc = self.catalog.document(sha256) or StoredDocument(sha256, sha256[:12], PDF, len(data))
        return data, doc

    def _put(
        self, data: bytes, name: str, media_type: str = PDF, category: str | None = None
    ) -> StoredDocument:
        return StoredDocument(self.store.put(data), name, media_type, len(data), category)

    # -- operations --------------------------------------------------------------------
    def convert(self, sha256: str, *, actor: str, pdfa: bool = False) -> dict[str, Any]:
        """DOCX/ODT/RTF → PDF (PDF/A-3b on request)."""
        data, source = self._load(sha256)
        result = self._converter().convert(data, name=source.name, pdfa=pdfa)
        out = self._put(result.data, _stem(source.name) + ".pdf", category=source.category)
        details = {
            "engine": result.engine,
            "pages": result.pages,
            "pdfa": result.pdfa,
            "lower_fidelity": result.lower_fidelity,
        }
        self.catalog.record_operation(
            OperationRecord("convert", actor, [sha256], [out], details=details)
        )
        return {"document": out.to_json(), **details}

    def compress(
        self, sha256: str, *, actor: str, preset: str = "lossless", unsigned_copy: bool = False
    ) -> dict[str, Any]:
        """Compress with a preset; the original is kept when the result is not smaller."""
        data, source = self._load(sha256)
        result = pdfops.compress(data, preset, unsigned_copy=unsigned_copy, name=source.name)
        out = self._put(result.data, f"{_stem(source.name)}.{preset}.pdf", category=source.category)
        details = {
            "preset": preset,
            "original_size": result.original_size,
            "size": result.size,
            "ratio": round(result.ratio, 4),
            "kept_original": result.kept_original,
            "images_resampled": result.images_resampled,
            "unsigned_copy": unsigned_copy,
        }
        self.catalog.record_operation(
            OperationRecord("compress", actor, [sha256], [out], details=details)
        )
        return {"document": out.to_json(), **details}

    def merge(
        self,
        sha256s: list[str],
        *,
        actor: str,
        titles: list[str] | None = None,
        name: str = "merged.pdf",
        unsigned_copy: bool = False,
    ) -> dict[str, Any]:
        """Merge in the given order, one bookmark per source (its title or file name)."""
        if titles is not None and len(titles) != len(sha256s):
            raise InvalidInput("give one title per document to merge", subject="titles")
        sources = []
        for index, sha in enumerate(sha256s):
            data, doc = self._load(sha)
            sources.append((titles[index] if titles else _stem(doc.name), data))
        merged, toc = pdfops.merge(sources, unsigned_copy=unsigned_copy)
        out = self._put(merged, name)
        details = {"bookmarks": toc, "unsigned_copy": unsigned_copy}
        self.catalog.record_operation(
            OperationRecord("merge", actor, list(sha256s), [out], details=details)
        )
        return {"document": out.to_json(), **details}

    def split(
        self,
        sha256: str,
        *,
        actor: str,
        ranges: str | None = None,
        every: int | None = None,
        max_bytes: int | None = None,
        by_bookmarks: bool = False,
        unsigned_copy: bool = False,
    ) -> dict[str, Any]:
        """Split by ranges, every N pages, maximum size or top-level bookmarks."""
        data, source = self._load(sha256)
        parts = pdfops.split(
            data,
            ranges=ranges,
            every=every,
            max_bytes=max_bytes,
            by_bookmarks=by_bookmarks,
            unsigned_copy=unsigned_copy,
            name=source.name,
        )
        outs = [
            self._put(p.data, f"{_stem(source.name)}.part{i}.pdf") for i, p in enumerate(parts, 1)
        ]
        details = {
            "parts": [
                {
                    "sha256": o.sha256,
                    "label": p.label,
                    "pages": p.pages,
                    "over_size_limit": p.over_size_limit,
                }
                for o, p in zip(outs, parts, strict=True)
            ]
        }
        self.catalog.record_operation(
            OperationRecord("split", actor, [sha256], outs, details=details)
        )
        return {"documents": [o.to_json() for o in outs], **details}

    def classify(self, sha256: str, *, actor: str) -> dict[str, Any]:
        """The document's category (rules, then the optional language model)."""
        data, _ = self._load(sha256)
        result = classify_text(document_text(data), llm=self.llm)
        self.catalog.record_operation(
            OperationRecord("classify", actor, [sha256], [], details=result.to_json())
        )
        return result.to_json()

    # -- profiles and signing ----------------------------------------------------------
    def signature_profiles(self) -> list[SignatureProfile]:
        """The built-in profiles, overridden (by name) and extended by the saved ones."""
        by_name = {p.name: p for p in DEFAULT_PROFILES}
        for stored in self.catalog.profiles():
            profile = SignatureProfile.model_validate(stored)
            by_name[profile.name] = profile
        return sorted(by_name.values(), key=lambda p: (p.category, p.order, p.name))

    def save_profile(self, profile: SignatureProfile, *, actor: str) -> SignatureProfile:
        """Create or replace a signature profile; its stamp image must be a stored PNG/JPEG."""
        if profile.stamp_image is not None:
            image = self.store.get(profile.stamp_image)
            if not any(image.startswith(magic) for magic in IMAGE_TYPES):
                raise InvalidInput(
                    "the stamp image must be a stored PNG or JPEG", subject=profile.name
                )
        self.catalog.save_profile(profile.model_dump(mode="json"), actor)
        return profile

    def _signers(
        self, data: bytes, category: str | None, names: list[str] | None
    ) -> tuple[str, list[SignatureProfile]]:
        profiles = self.signature_profiles()
        if names:
            chosen = [profile_named(n, profiles) for n in names]
            return category or chosen[0].category, chosen
        if category is None:
            category = classify_text(document_text(data), llm=self.llm).category
        return category, profiles_for(category, profiles)

    def stamp(
        self,
        sha256: str,
        *,
        actor: str,
        category: str | None = None,
        profiles: list[str] | None = None,
    ) -> dict[str, Any]:
        """A review copy with every co-signer's draft stamp (the document itself is unchanged)."""
        data, source = self._load(sha256)
        refuse_if_signed(data, operation="stamping", unsigned_copy=False, name=source.name)
        category, signers = self._signers(data, category, profiles)
        draft = self._put(
            apply_draft_stamps(data, signers, self._images(signers)),
            f"{_stem(source.name)}.draft.pdf",
            category=category,
        )
        details = {"category": category, "signers": [p.name for p in signers]}
        self.catalog.record_operation(
            OperationRecord("stamp", actor, [sha256], [draft], details=details)
        )
        return {"document": draft.to_json(), **details}

    def _images(self, signers: list[SignatureProfile]) -> dict[str, bytes]:
        return {p.name: self.store.get(p.stamp_image) for p in signers if p.stamp_image}

    def prepare_signing(
        self,
        sha256: str,
        *,
        actor: str,
        category: str | None = None,
        profiles: list[str] | None = None,
    ) -> dict[str, Any]:
        """Open a signing session: co-signers in order and a draft-stamped review copy."""
        data, source = self._load(sha256)
        refuse_if_signed(
            data, operation="a new signing session", unsigned_copy=False, name=source.name
        )
        category, signers = self._signers(data, category, profiles)
        for profile in signers:
            if not self.keystore.has(profile.key_alias):
                raise NotFound(
                    f"no key {profile.key_alias!r} for profile {profile.name}; run "
                    "`procureflow keys init`",
                    subject="key",
                )
        draft = self._put(
            apply_draft_stamps(data, signers, self._images(signers)),
            f"{_stem(source.name)}.draft.pdf",
            category=category,
        )
        session_id = uuid.uuid4().hex
        session = {
            "id": session_id,
            "document_sha256": sha256,
            "draft_sha256": draft.sha256,
            "current_sha256": sha256,
            "category": category,
            "status": "open",
            "created_by": actor,
        }
        steps = [
            {"position": i, "profile": p.name, "status": "pending"}
            for i, p in enumerate(signers, 1)
        ]
        record = OperationRecord(
            "stamp",
            actor,
            [sha256],
            [draft],
            details={
                "session": session_id,
                "category": category,
                "signers": [p.name for p in signers],
            },
        )
        self.catalog.create_session(session, steps, record)
        return self.session(session_id)

    def session(self, session_id: str) -> dict[str, Any]:
        """A signing session with its co-signers and who is next."""
        found = self.catalog.session(session_id)
        if found is None:
            raise NotFound(f"no signing session {session_id}", subject="session")
        pending = [s for s in found["steps"] if s["status"] == "pending"]
        return {**found, "next_signer": pending[0]["profile"] if pending else None}

    def sign_next(
        self, session_id: str, *, actor: str, profile: str | None = None
    ) -> dict[str, Any]:
        """The next co-signer signs (after reviewing the draft); signing out of order or
        after completion is refused."""
        session = self.session(session_id)
        if session["next_signer"] is None:
            raise Conflict(f"signing session {session_id} is complete", subject="session")
        if profile is not None and profile != session["next_signer"]:
            raise Conflict(
                f"it is {session['next_signer']}'s turn to sign, not {profile}",
                subject=f"signing session {session_id}",
            )
        step = next(s for s in session["steps"] if s["status"] == "pending")
        signer = profile_named(step["profile"], self.signature_profiles())
        data, source = self._load(session["current_sha256"])
        signed = sign_pdf(
            data,
            signer,
            self.keystore.signer(signer.key_alias),
            image=self._images([signer]).get(signer.name),
            name=source.name,
        )
        original = self.catalog.document(session["document_sha256"])
        base = _stem(original.name if original else source.name)
        out = self._put(signed, f"{base}.signed.pdf", category=session["category"])
        record = OperationRecord(
            "sign",
            actor,
            [session["current_sha256"]],
            [out],
            profile=signer.name,
            details={"session": session_id, "position": step["position"]},
        )
        self.catalog.complete_step(session_id, step["position"], out.sha256, record)
        return {
            "document": out.to_json(),
            "signed_by": signer.name,
            **{
                k: v
                for k, v in self.session(session_id).items()
                if k in ("id", "status", "next_signer")
            },
        }

    def sign(
        self,
        sha256: str,
        *,
        actor: str,
        category: str | None = None,
        profiles: list[str] | None = None,
    ) -> dict[str, Any]:
        """Every co-signer of the category (or the named profiles) signs, in order."""
        session = self.prepare_signing(sha256, actor=actor, category=category, profiles=profiles)
        result: dict[str, Any] = {}
        while session["next_signer"] is not None:
            result = self.sign_next(session["id"], actor=actor)
            session = self.session(session["id"])
        return {
            **result,
            "session": session["id"],
            "signers": [s["profile"] for s in session["steps"]],
        }

    def verify(self, sha256: str, *, actor: str) -> dict[str, Any]:
        """Verify every signature against the organisation CA."""
        data, source = self._load(sha256)
        report = verify_pdf(data, self.keystore.trust_roots(), name=source.name).to_json()
        self.catalog.record_operation(
            OperationRecord(
                "verify",
                actor,
                [sha256],
                [],
                details={
                    "valid": report["valid"],
                    "signature_count": report["signature_count"],
                    "problems": report["problems"],
                },
            )
        )
        return {"sha256": sha256, **report}

    def verify_file(self, data: bytes, *, name: str, actor: str) -> dict[str, Any]:
        """Verify a file that need not be stored (a damaged or tampered file still gets a
        verdict rather than an upload error); the verdict is audited under its hash."""
        sha256 = hashlib.sha256(data).hexdigest()
        report = verify_pdf(data, self.keystore.trust_roots(), name=name).to_json()
        details = {
            "valid": report["valid"],
            "signature_count": report["signature_count"],
            "problems": report["problems"],
            "name": name,
        }
        self.catalog.record_operation(
            OperationRecord("verify", actor, [sha256], [], details=details)
        )
        return {"sha256": sha256, **report}

    # -- keys --------------------------------------------------------------------------
    def init_keys(self, *, actor: str, organisation: str | None = None) -> list[KeyInfo]:
        """Create the organisation CA and one signer certificate per profile (idempotent)."""
        org = organisation or self.organisation
        self.keystore.init_ca(org)
        for profile in self.signature_profiles():
            self.keystore.issue_signer(
                profile.key_alias,
                common_name=profile.signer_name,
                organisation=profile.organisation,
                title=profile.signer_title,
            )
        keys = self.keystore.list()
        self.catalog.record_keys([_key_row(k) for k in keys], actor)
        return keys

    def import_key(
        self, alias: str, data: bytes, passphrase: str | None, *, actor: str, as_ca: bool = False
    ) -> KeyInfo:
        """Import a PKCS#12 identity into the keystore."""
        info = self.keystore.import_pkcs12(alias, data, passphrase, as_ca=as_ca)
        self.catalog.record_keys([_key_row(info)], actor)
        return info


def _key_row(info: KeyInfo) -> dict[str, Any]:
    return {
        "alias": info.alias,
        "kind": info.kind,
        "subject": info.subject[:500],
        "issuer": info.issuer[:500],
        "fingerprint_sha256": info.fingerprint_sha256,
        "key_type": info.key_type,
        "not_before": info.not_before,
        "not_after": info.not_after,
    }


__all__ = ["DocumentService"]
