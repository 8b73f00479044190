"""``procureflow docs``: convert, compress, merge, split, stamp, sign, verify and classify
documents. Each command stores its input and output in the document store (so the audit
ledger has their hashes) and writes the output next to the input unless told where."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

from procureflow.adapters.db.engine import create_engine
from procureflow.adapters.db.migrate import upgrade
from procureflow.adapters.document_wiring import build_document_service
from procureflow.cli.output import JsonOption, actor_name, console, emit, one_line_errors
from procureflow.config import get_settings
from procureflow.documents.service import DocumentService

app = typer.Typer(no_args_is_help=True, help="Document toolkit: convert, PDF operations, signing.")

ActorOption = typer.Option(None, "--actor", help="Who is doing this (default: cli:<login>).")
OutputOption = typer.Option(None, "--output", "-o", help="Where to write the result.")
UnsignedCopyOption = typer.Option(
    False, "--unsigned-copy", help="Work on an unsigned copy of a signed PDF (drops signatures)."
)


@contextmanager
def document_service() -> Iterator[DocumentService]:
    settings = get_settings()
    engine = create_engine(settings.database_url)
    try:
        upgrade(engine)
        yield build_document_service(settings, engine)
    finally:
        engine.dispose()


def _ingest(svc: DocumentService, path: Path, actor: str) -> str:
    with path.open("rb") as handle:
        return svc.ingest_stream(handle, name=path.name, actor=actor).sha256


def _write(svc: DocumentService, sha256: str, target: Path) -> str:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.partial")
    tmp.write_bytes(svc.store.get(sha256))
    tmp.replace(target)
    return str(target)


def _done(result: dict[str, Any], as_json: bool) -> None:
    emit(result, as_json=as_json, human=lambda r: console.print(_summary(r), soft_wrap=True))


def _summary(result: dict[str, Any]) -> str:
    if "written" in result and isinstance(result["written"], list):
        return "wrote " + ", ".join(result["written"])
    note = ""
    if result.get("lower_fidelity"):
        note = " - LOWER FIDELITY: converted without LibreOffice (layout and headers may differ)"
    return f"wrote {result.get('written')} (sha256 {result['document']['sha256'][:16]}…){note}"


@app.command("convert")
@one_line_errors
def convert_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="DOCX, ODT or RTF"),
    output: Path | None = OutputOption,
    pdfa: bool = typer.Option(False, "--pdfa", help="Produce PDF/A-3b."),
    actor: str | None = ActorOption,
    as_json: bool = JsonOption,
) -> None:
    """Convert a word-processing document to PDF with LibreOffice."""
    who = actor_name(actor)
    with document_service() as svc:
        result = svc.convert(_ingest(svc, file, who), actor=who, pdfa=pdfa)
        result["written"] = _write(
            svc, result["document"]["sha256"], output or file.with_suffix(".pdf")
        )
    _done(result, as_json)


@app.command("compress")
@one_line_errors
def compress_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False),
    preset: str = typer.Option("lossless", "--preset", help="lossless, email or screen"),
    output: Path | None = OutputOption,
    unsigned_copy: bool = UnsignedCopyOption,
    actor: str | None = ActorOption,
    as_json: bool = JsonOption,
) -> None:
    """Make a PDF smaller; the original is kept when the result would not be smaller."""
    who = actor_name(actor)
    with document_service() as svc:
        result = svc.compress(
            _ingest(svc, file, who), actor=who, preset=preset, unsigned_copy=unsigned_copy
        )
        target = output or file.with_name(f"{file.stem}.{preset}.pdf")
        result["written"] = _write(svc, result["document"]["sha256"], target)
    _done(result, as_json)


@app.command("merge")
@one_line_errors
def merge_command(
    files: list[Path] = typer.Argument(..., exists=True, dir_okay=False, help="PDFs, in order"),
    output: Path = typer.Option(..., "--output", "-o"),
    title: list[str] = typer.Option([], "--title", help="Bookmark title per file, in order."),
    unsigned_copy: bool = UnsignedCopyOption,
    actor: str | None = ActorOption,
    as_json: bool = JsonOption,
) -> None:
    """Merge PDFs in the given order with one bookmark per file."""
    who = actor_name(actor)
    with document_service() as svc:
        shas = [_ingest(svc, f, who) for f in files]
        result = svc.merge(
            shas,
            actor=who,
            titles=title or [f.stem for f in files],
            name=output.name,
            unsigned_copy=unsigned_copy,
        )
        result["written"] = _write(svc, result["document"]["sha256"], output)
    _done(result, as_json)


@app.command("split")
@one_line_errors
def split_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False),
    ranges: str | None = typer.Option(None, "--ranges", help="e.g. 1-3,4-6,7-end"),
    every: int | None = typer.Option(None, "--every", help="Pages per part."),
    max_size: int | None = typer.Option(None, "--max-size", help="Maximum bytes per part."),
    bookmarks: bool = typer.Option(False, "--bookmarks", help="At top-level bookmarks."),
    out_dir: Path | None = typer.Option(None, "--out-dir", "-d"),
    unsigned_copy: bool = UnsignedCopyOption,
    actor: str | None = ActorOption,
    as_json: bool = JsonOption,
) -> None:
    """Split a PDF by page ranges, every N pages, maximum size or bookmarks."""
    who = actor_name(actor)
    with document_service() as svc:
        result = svc.split(
            _ingest(svc, file, who),
            actor=who,
            ranges=ranges,
            every=every,
            max_bytes=max_size,
            by_bookmarks=bookmarks,
            unsigned_copy=unsigned_copy,
        )
        folder = out_dir or file.parent
        result["written"] = [
            _write(svc, doc["sha256"], folder / doc["name"]) for doc in result["documents"]
        ]
    _done(result, as_json)


@app.command("stamp")
@one_line_errors
def stamp_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False),
    category: str | None = typer.Option(None, "--category", help="Default: classified."),
    profile: list[str] = typer.Option([], "--profile", help="Co-signer profiles, in order."),
    output: Path | None = OutputOption,
    actor: str | None = ActorOption,
    as_json: bool = JsonOption,
) -> None:
    """A review copy with the co-signers' draft stamps (nothing is signed)."""
    who = actor_name(actor)
    with document_service() as svc:
        result = svc.stamp(
            _ingest(svc, file, who), actor=who, category=category, profiles=profile or None
        )
        target = output or file.with_name(f"{file.stem}.draft.pdf")
        result["written"] = _write(svc, result["document"]["sha256"], target)
    _done(result, as_json)


@app.command("sign")
@one_line_errors
def sign_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False),
    category: str | None = typer.Option(None, "--category", help="Default: classified."),
    profile: list[str] = typer.Option([], "--profile", help="Co-signer profiles, in order."),
    output: Path | None = OutputOption,
    actor: str | None = ActorOption,
    as_json: bool = JsonOption,
) -> None:
    """Sign with every co-signer of the document's category (or the given profiles), in
    order, each as an incremental PAdES signature."""
    who = actor_name(actor)
    with document_service() as svc:
        result = svc.sign(
            _ingest(svc, file, who), actor=who, category=category, profiles=profile or None
        )
        target = output or file.with_name(f"{file.stem}.signed.pdf")
        result["written"] = _write(svc, result["document"]["sha256"], target)
    _done(result, as_json)


def _session_line(session: dict[str, Any]) -> str:
    signed = [s["profile"] for s in session["steps"] if s["status"] == "signed"]
    waiting = session.get("next_signer") or "nobody (complete)"
    return (
        f"session {session['id']}: {session['status']}; signed by {', '.join(signed) or 'nobody yet'}; "
        f"next: {waiting}"
    )


@app.command("open-session")
@one_line_errors
def open_session_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False),
    category: str | None = typer.Option(None, "--category", help="Default: classified."),
    profile: list[str] = typer.Option([], "--profile", help="Co-signer profiles, in order."),
    draft: Path | None = typer.Option(None, "--draft", help="Where to write the review copy."),
    actor: str | None = ActorOption,
    as_json: bool = JsonOption,
) -> None:
    """Open a co-signing session: writes the draft-stamped review copy and names the
    co-signers in order; each then signs with `docs sign-next`."""
    who = actor_name(actor)
    with document_service() as svc:
        session = svc.prepare_signing(
            _ingest(svc, file, who), actor=who, category=category, profiles=profile or None
        )
        target = draft or file.with_name(f"{file.stem}.draft.pdf")
        session["written"] = _write(svc, session["draft_sha256"], target)
    emit(
        session,
        as_json=as_json,
        human=lambda s: console.print(
            f"{_session_line(s)}; review copy {s['written']}", soft_wrap=True
        ),
    )


@app.command("sign-next")
@one_line_errors
def sign_next_command(
    session_id: str = typer.Argument(..., help="From `docs open-session`."),
    profile: str | None = typer.Option(None, "--profile", help="Refused unless it is next."),
    output: Path | None = OutputOption,
    actor: str | None = ActorOption,
    as_json: bool = JsonOption,
) -> None:
    """The next co-signer of a session signs (after reviewing the draft)."""
    with document_service() as svc:
        result = svc.sign_next(session_id, actor=actor_name(actor), profile=profile)
        target = output or Path(result["document"]["name"])
        result["written"] = _write(svc, result["document"]["sha256"], target)
        session = svc.session(session_id)
    emit(
        result,
        as_json=as_json,
        human=lambda r: console.print(
            f"{_session_line(session)}; wrote {r['written']}", soft_wrap=True
        ),
    )


@app.command("session")
@one_line_errors
def session_command(session_id: str = typer.Argument(...), as_json: bool = JsonOption) -> None:
    """A co-signing session: who has signed, who is next."""
    with document_service() as svc:
        session = svc.session(session_id)
    emit(
        session,
        as_json=as_json,
        human=lambda s: console.print(_session_line(s), soft_wrap=True),
    )


@app.command("verify")
@one_line_errors
def verify_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False),
    actor: str | None = ActorOption,
    as_json: bool = JsonOption,
) -> None:
    """Check every signature: intact, trusted, coverage, changes after signing. Exits 1
    when the document is not valid."""
    with document_service() as svc:
        report = svc.verify_file(file.read_bytes(), name=file.name, actor=actor_name(actor))

    def human(r: dict[str, Any]) -> None:
        console.print(f"{file.name}: {'VALID' if r['valid'] else 'NOT VALID'}")
        for sig in r["signatures"]:
            console.print(
                f"  {sig['field']}: {'valid' if sig['valid'] else 'not valid'}; "
                f"signer {sig['signer']}; intact={sig['intact']} trusted={sig['trusted']} "
                f"coverage={sig['coverage']} ({sig['covers']})",
                markup=False,
                soft_wrap=True,
            )
        for problem in r["problems"]:
            console.print(f"  problem: {problem}", markup=False, soft_wrap=True)

    emit(report, as_json=as_json, human=human)
    if not report["valid"]:
        raise typer.Exit(1)


@app.command("profiles")
@one_line_errors
def profiles_command(as_json: bool = JsonOption) -> None:
    """Signature profiles: category, co-signer order, signer, key and stamp placement."""
    with document_service() as svc:
        rows = [p.model_dump(mode="json") for p in svc.signature_profiles()]

    def human(items: list[dict[str, Any]]) -> None:
        from rich.table import Table

        table = Table("category", "order", "profile", "signer", "title", "key", "page")
        for p in items:
            table.add_row(
                p["category"],
                str(p["order"]),
                p["name"],
                p["signer_name"],
                p["signer_title"],
                p["key_alias"],
                str(p["placement"]["page"]),
            )
        console.print(table)

    emit(rows, as_json=as_json, human=human)


@app.command("profile-set")
@one_line_errors
def profile_set_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="Profile as YAML/JSON."),
    image: Path | None = typer.Option(
        None, "--image", exists=True, dir_okay=False, help="Signature image (PNG/JPEG)."
    ),
    actor: str | None = ActorOption,
    as_json: bool = JsonOption,
) -> None:
    """Create or replace a signature profile (fields as in `docs profiles --json`)."""
    import yaml
    from pydantic import ValidationError

    from procureflow.documents.profiles import SignatureProfile
    from procureflow.errors import InvalidInput

    who = actor_name(actor)
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InvalidInput(f"not YAML or JSON: {exc}", subject=file.name) from exc
    with document_service() as svc:
        if image is not None and isinstance(raw, dict):
            raw["stamp_image"] = _ingest(svc, image, who)
        try:
            profile = SignatureProfile.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise InvalidInput(f"{where}: {first['msg']}", subject=file.name) from exc
        saved = svc.save_profile(profile, actor=who).model_dump(mode="json")
    emit(saved, as_json=as_json, human=lambda p: console.print(f"saved profile {p['name']}"))


@app.command("classify")
@one_line_errors
def classify_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False),
    actor: str | None = ActorOption,
    as_json: bool = JsonOption,
) -> None:
    """The document's category (contract, nda, purchase_order, …) and why."""
    who = actor_name(actor)
    with document_service() as svc:
        result = svc.classify(_ingest(svc, file, who), actor=who)
    emit(
        result,
        as_json=as_json,
        human=lambda r: console.print(f"{r['category']} (score {r['score']:g})"),
    )


__all__ = ["actor_name", "app", "document_service"]
