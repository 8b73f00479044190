"""The document toolkit as one service: every operation reads its inputs from the
content-addressed store by SHA-256, writes its outputs there, and records lineage and an
audit entry (input and output hashes, profile, actor). CLI, REST and playbook functions
are thin layers over this class."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import PurePath
from typing import Any, BinaryIO

from procureflow.documents import pdfops
from procureflow.documents.classify import LlmClassifier, classify_text, document_text
from procureflow.documents.convert import Converter
from procureflow.documents.cosigning import CoSigning
from procureflow.documents.keys import KeyInfo, Keystore
from procureflow.documents.media import IMAGE_TYPES, OFFICE_TYPES, PDF, stem
from procureflow.documents.office_input import office_kind
from procureflow.documents.pdfguard import looks_like_pdf, open_pdf
from procureflow.documents.ports import BlobStore, DocumentCatalog, OperationRecord, StoredDocument
from procureflow.documents.verify import verify_pdf
from procureflow.errors import DocumentRejected, InvalidInput


class DocumentService(CoSigning):
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
        out = self._put(result.data, stem(source.name) + ".pdf", category=source.category)
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
        out = self._put(result.data, f"{stem(source.name)}.{preset}.pdf", category=source.category)
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
        loaded = [self._load(sha) for sha in sha256s]  # an unknown document is a 404 first
        if titles is not None and len(titles) != len(sha256s):
            raise InvalidInput("give one title per document to merge", subject="titles")
        sources = [
            (titles[index] if titles else stem(doc.name), data)
            for index, (data, doc) in enumerate(loaded)
        ]
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
            self._put(p.data, f"{stem(source.name)}.part{i}.pdf") for i, p in enumerate(parts, 1)
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
        """Create the organisation CA and one signer certificate per profile; existing
        keys are kept, except signer certificates expiring within 30 days (re-issued)."""
        org = organisation or self.organisation
        self.keystore.init_ca(org)
        for profile in self.signature_profiles():
            alias = profile.key_alias
            renew = (
                self.keystore.has(alias)
                and self.keystore.list_kind(alias) == "signer"
                and self.keystore.needs_renewal(alias)
            )
            self.keystore.issue_signer(
                alias,
                common_name=profile.signer_name,
                organisation=profile.organisation,
                title=profile.signer_title,
                replace=renew,
            )
        keys = self.keystore.list()
        self.catalog.record_keys([_key_row(k) for k in keys], actor)
        return keys

    def trust_certificate(self, alias: str, data: bytes, *, actor: str) -> KeyInfo:
        """Trust a partner's CA when verifying (a supplier who signs first, say)."""
        info = self.keystore.add_trust_anchor(alias, data)
        self.catalog.record_keys([_key_row(info)], actor)
        return info

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
