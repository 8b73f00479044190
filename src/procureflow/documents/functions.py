"""The document operations as playbook custom functions.

Each function receives the evaluated ``with`` arguments of a ``call:`` task and the call
context, and returns JSON. Documents are named by their SHA-256 in the store::

    - convertContract:
        call: procureflow.docs.convert
        with: {document: ${ .contract.sha256 }, pdfa: true}
    - signContract:
        call: procureflow.docs.sign
        with: {document: ${ .convertContract.document.sha256 }, category: contract}

``procureflow.docs.sign`` with ``session`` signs as the session's next co-signer; with
``document`` it opens a session and, unless ``prepare_only`` is true, every co-signer of
the category signs in order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from procureflow.documents.service import DocumentService
from procureflow.errors import ConfigError, InvalidInput

DocumentFunction = Callable[[dict[str, Any], Any], Any]


def _text(args: dict[str, Any], key: str) -> str:
    value = args.get(key)
    if not isinstance(value, str) or not value:
        raise InvalidInput(f"argument {key!r} is required (a SHA-256 string)", subject="with")
    return value


def _actor(args: dict[str, Any], ctx: Any) -> str:
    actor = args.get("actor")
    if isinstance(actor, str) and actor:
        return actor
    instance = getattr(ctx, "instance_id", None)
    return f"playbook:{instance}" if instance else "playbook"


def _names(value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise InvalidInput("profiles must be a name or a list of names", subject="with")


_installed: Callable[[], DocumentService] | None = None


def install_document_service(factory: Callable[[], DocumentService] | None) -> None:
    """Tell the functions how to get the document service when none is passed to
    :func:`document_functions` (the composition root does this once per process)."""
    global _installed
    _installed = factory


def _installed_service() -> DocumentService:
    if _installed is None:
        raise ConfigError(
            "the document service is not set up in this process: pass a factory to "
            "document_functions() or call install_document_service()",
            subject="documents",
        )
    return _installed()


def document_functions(
    service: Callable[[], DocumentService] | None = None,
) -> dict[str, DocumentFunction]:
    """Name → function for the playbook runtime. ``service`` returns the document service
    (e.g. ``lambda: build_document_service(settings, engine)`` from
    ``procureflow.adapters.document_wiring``, cached); without it the functions use the
    factory given to :func:`install_document_service`."""
    if service is None:
        service = _installed_service

    def convert(args: dict[str, Any], ctx: Any) -> Any:
        sha = _text(args, "document")
        return service().convert(sha, actor=_actor(args, ctx), pdfa=bool(args.get("pdfa", False)))

    def compress(args: dict[str, Any], ctx: Any) -> Any:
        sha = _text(args, "document")
        return service().compress(
            sha,
            actor=_actor(args, ctx),
            preset=str(args.get("preset", "lossless")),
            unsigned_copy=bool(args.get("unsigned_copy", False)),
        )

    def merge(args: dict[str, Any], ctx: Any) -> Any:
        documents = args.get("documents")
        if not isinstance(documents, list) or not all(isinstance(d, str) for d in documents):
            raise InvalidInput(
                "argument 'documents' must be a list of SHA-256 strings", subject="with"
            )
        return service().merge(
            documents,
            actor=_actor(args, ctx),
            titles=_names(args.get("titles")),
            name=str(args.get("name", "merged.pdf")),
            unsigned_copy=bool(args.get("unsigned_copy", False)),
        )

    def split(args: dict[str, Any], ctx: Any) -> Any:
        sha = _text(args, "document")
        every, max_bytes = args.get("every"), args.get("max_bytes")
        return service().split(
            sha,
            actor=_actor(args, ctx),
            ranges=args.get("ranges"),
            every=int(every) if every is not None else None,
            max_bytes=int(max_bytes) if max_bytes is not None else None,
            by_bookmarks=bool(args.get("bookmarks", False)),
            unsigned_copy=bool(args.get("unsigned_copy", False)),
        )

    def sign(args: dict[str, Any], ctx: Any) -> Any:
        # a retried step (same idempotency key) gets its first result, never a 2nd signature
        actor, key = _actor(args, ctx), getattr(ctx, "idempotency_key", None)
        if args.get("session"):
            return service().sign_next(
                str(args["session"]), actor=actor, profile=args.get("profile"), idempotency_key=key
            )
        sha = _text(args, "document")
        category = args.get("category")
        profiles = _names(args.get("profiles"))
        if args.get("prepare_only"):
            return service().prepare_signing(
                sha, actor=actor, category=category, profiles=profiles, idempotency_key=key
            )
        return service().sign(
            sha, actor=actor, category=category, profiles=profiles, idempotency_key=key
        )

    def verify(args: dict[str, Any], ctx: Any) -> Any:
        sha = _text(args, "document")
        return service().verify(sha, actor=_actor(args, ctx))

    def classify(args: dict[str, Any], ctx: Any) -> Any:
        sha = _text(args, "document")
        return service().classify(sha, actor=_actor(args, ctx))

    def stamp(args: dict[str, Any], ctx: Any) -> Any:
        sha = _text(args, "document")
        return service().stamp(
            sha,
            actor=_actor(args, ctx),
            category=args.get("category"),
            profiles=_names(args.get("profiles")),
        )

    return {
        "procureflow.docs.convert": convert,
        "procureflow.docs.compress": compress,
        "procureflow.docs.merge": merge,
        "procureflow.docs.split": split,
        "procureflow.docs.sign": sign,
        "procureflow.docs.verify": verify,
        "procureflow.docs.classify": classify,
        "procureflow.docs.stamp": stamp,
    }


__all__ = ["DocumentFunction", "document_functions", "install_document_service"]
