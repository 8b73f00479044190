"""Signature profiles and co-signing sessions, the signing half of the document service:
the right profiles are chosen (by category, classified if need be), a draft-stamped
review copy is made, then each co-signer signs in turn as an incremental PAdES update."""

from __future__ import annotations

import uuid
from typing import Any

from procureflow.documents.classify import LlmClassifier, classify_text, document_text
from procureflow.documents.keys import Keystore
from procureflow.documents.media import IMAGE_TYPES, PDF, stem
from procureflow.documents.pdfguard import refuse_if_signed
from procureflow.documents.ports import BlobStore, DocumentCatalog, OperationRecord, StoredDocument
from procureflow.documents.profiles import (
    DEFAULT_PROFILES,
    SignatureProfile,
    profile_named,
    profiles_for,
)
from procureflow.documents.signing import sign_pdf
from procureflow.documents.stamping import apply_draft_stamps
from procureflow.errors import Conflict, InvalidInput, NotFound


class CoSigning:
    """Profiles, draft stamps, signing sessions; mixed into the document service, which
    provides the store, catalog, keystore and the load/put helpers."""

    store: BlobStore
    catalog: DocumentCatalog
    keystore: Keystore
    llm: LlmClassifier | None

    def _load(self, sha256: str) -> tuple[bytes, StoredDocument]:
        raise NotImplementedError

    def _put(
        self, data: bytes, name: str, media_type: str = PDF, category: str | None = None
    ) -> StoredDocument:
        raise NotImplementedError

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
            f"{stem(source.name)}.draft.pdf",
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
        idempotency_key: str | None = None,
    ) -> dict[str, Any]:
        """Open a signing session: co-signers in order and a draft-stamped review copy.

        The document may already carry signatures (a supplier's, say): ours are added as
        further incremental updates; only the review copy drops them."""
        earlier = self.catalog.effect(idempotency_key) if idempotency_key else None
        if earlier is not None:
            return self.session(str(earlier["id"]))
        data, source = self._load(sha256)
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
            f"{stem(source.name)}.draft.pdf",
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
            effect_key=idempotency_key,
            effect_result={"id": session_id},
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
        self,
        session_id: str,
        *,
        actor: str,
        profile: str | None = None,
        idempotency_key: str | None = None,
    ) -> dict[str, Any]:
        """The next co-signer signs (after reviewing the draft); signing out of order or
        after completion is refused. With ``idempotency_key`` a retried call returns the
        first call's result instead of signing as the following co-signer."""
        earlier = self.catalog.effect(idempotency_key) if idempotency_key else None
        if earlier is not None:
            return earlier
        session = self.session(session_id)
        if session["next_signer"] is None:
            raise Conflict(f"signing session {session_id} is complete", subject="session")
        if profile is not None and profile != session["next_signer"]:
            raise Conflict(
                f"it is {session['next_signer']}'s turn to sign, not {profile}",
                subject=f"signing session {session_id}",
            )
        pending = [s for s in session["steps"] if s["status"] == "pending"]
        step, later = pending[0], pending[1:]
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
        base = stem(original.name if original else source.name)
        out = self._put(signed, f"{base}.signed.pdf", category=session["category"])
        result = {
            "document": out.to_json(),
            "signed_by": signer.name,
            "id": session_id,
            "status": "open" if later else "completed",
            "next_signer": later[0]["profile"] if later else None,
        }
        record = OperationRecord(
            "sign",
            actor,
            [session["current_sha256"]],
            [out],
            profile=signer.name,
            details={"session": session_id, "position": step["position"]},
            effect_key=idempotency_key,
            effect_result=result,
        )
        self.catalog.complete_step(session_id, step["position"], out.sha256, record)
        return result

    def sign(
        self,
        sha256: str,
        *,
        actor: str,
        category: str | None = None,
        profiles: list[str] | None = None,
        idempotency_key: str | None = None,
    ) -> dict[str, Any]:
        """Every co-signer of the category (or the named profiles) signs, in order; with
        ``idempotency_key`` a retry resumes where the first attempt stopped."""
        key = idempotency_key
        session = self.prepare_signing(
            sha256,
            actor=actor,
            category=category,
            profiles=profiles,
            idempotency_key=f"{key}:open" if key else None,
        )
        result: dict[str, Any] = {}
        for step in session["steps"]:
            step_key = f"{key}:sign:{step['position']}" if key else None
            if step["status"] != "pending":
                result = (self.catalog.effect(step_key) if step_key else None) or result
                continue
            result = self.sign_next(session["id"], actor=actor, idempotency_key=step_key)
        if not result:
            raise Conflict(f"signing session {session['id']} is complete", subject="session")
        return {
            **result,
            "session": session["id"],
            "signers": [s["profile"] for s in session["steps"]],
        }


__all__ = ["CoSigning"]
