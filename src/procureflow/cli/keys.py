"""``procureflow keys``: the organisation CA and the signers' certificates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from procureflow.cli.docs import document_service
from procureflow.cli.output import JsonOption, actor_name, console, emit, one_line_errors

app = typer.Typer(no_args_is_help=True, help="Signing keys (encrypted PKCS#12 keystore).")


def _table(keys: list[dict[str, Any]]) -> None:
    from rich.table import Table

    table = Table("alias", "kind", "subject", "key", "valid until", "sha256")
    for key in keys:
        table.add_row(
            key["alias"],
            key["kind"],
            key["subject"],
            key["key_type"],
            key["not_after"][:10],
            key["fingerprint_sha256"][:16],
        )
    console.print(table)


@app.command("init")
@one_line_errors
def init_command(
    organisation: str = typer.Option("ProcureFlow", "--organisation", help="Name in the CA."),
    actor: str | None = typer.Option(None, "--actor"),
    as_json: bool = JsonOption,
) -> None:
    """Create the organisation CA and one EC P-256 signer certificate per signature
    profile; existing keys are kept."""
    with document_service() as svc:
        keys = [
            k.to_json() for k in svc.init_keys(actor=actor_name(actor), organisation=organisation)
        ]
    emit(keys, as_json=as_json, human=_table)


@app.command("import")
@one_line_errors
def import_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="PKCS#12 (.p12/.pfx)"),
    alias: str = typer.Option(..., "--alias", help="Name of the key (a profile's key_alias)."),
    passphrase: str | None = typer.Option(
        None, "--passphrase", envvar="PROCUREFLOW_IMPORT_PASSPHRASE", help="Of the file."
    ),
    as_ca: bool = typer.Option(False, "--ca", help="Use it as the organisation CA."),
    actor: str | None = typer.Option(None, "--actor"),
    as_json: bool = JsonOption,
) -> None:
    """Import an existing key and certificate; it is re-encrypted with the keystore
    passphrase."""
    with document_service() as svc:
        info = svc.import_key(
            alias, file.read_bytes(), passphrase, actor=actor_name(actor), as_ca=as_ca
        ).to_json()
    emit([info], as_json=as_json, human=_table)


@app.command("rekey")
@one_line_errors
def rekey_command(
    from_derived: bool = typer.Option(
        False,
        "--from-derived",
        help="The keys are under the passphrase derived from the secret key (every install "
        "before PROCUREFLOW_KEYSTORE_PASSPHRASE was required, and demo installs).",
    ),
    old_passphrase: str | None = typer.Option(
        None,
        "--old-passphrase",
        envvar="PROCUREFLOW_OLD_KEYSTORE_PASSPHRASE",
        help="The passphrase the keys are under now (better given in the environment).",
    ),
    as_json: bool = JsonOption,
) -> None:
    """Re-encrypt the keystore with PROCUREFLOW_KEYSTORE_PASSPHRASE (moving an existing
    keystore to a new passphrase). Run it with the old PROCUREFLOW_SECRET_KEY still set when
    using --from-derived; keys already under the new passphrase are left alone."""
    from procureflow.adapters.document_wiring import derived_keystore_passphrase
    from procureflow.config import get_settings
    from procureflow.errors import InvalidInput

    settings = get_settings()
    if settings.keystore_passphrase is None or not settings.keystore_passphrase.get_secret_value():
        raise InvalidInput("set PROCUREFLOW_KEYSTORE_PASSPHRASE to the new passphrase first")
    if from_derived == (old_passphrase is not None):
        raise InvalidInput("name the old passphrase: --from-derived or --old-passphrase")
    old = derived_keystore_passphrase(settings) if from_derived else str(old_passphrase)
    with document_service() as svc:
        rekeyed = svc.keystore.change_passphrase(old)
    emit(
        {"rekeyed": rekeyed},
        as_json=as_json,
        human=lambda r: console.print(
            f"re-encrypted {len(r['rekeyed'])} key(s): {', '.join(r['rekeyed']) or '-'}"
        ),
    )


@app.command("trust")
@one_line_errors
def trust_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CA certificate."),
    alias: str = typer.Option(..., "--alias", help="Name for the trusted CA."),
    actor: str | None = typer.Option(None, "--actor"),
    as_json: bool = JsonOption,
) -> None:
    """Trust a partner's CA certificate (PEM or DER) when verifying signatures."""
    with document_service() as svc:
        info = svc.trust_certificate(alias, file.read_bytes(), actor=actor_name(actor)).to_json()
    emit([info], as_json=as_json, human=_table)


@app.command("list")
@one_line_errors
def list_command(as_json: bool = JsonOption) -> None:
    """Every key in the keystore, CA first."""
    with document_service() as svc:
        keys = [k.to_json() for k in svc.keystore.list()]
    emit(keys, as_json=as_json, human=_table)


__all__ = ["app"]
