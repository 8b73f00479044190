"""The denied-party (sanctions) list suppliers are screened against at onboarding, mixed
into the contract store: parsed from CSV all-or-nothing, names compared without
punctuation and legal forms. Screening reads the list in force only; a replacement waits
as a proposal until a second person confirms it (``denied_party_proposals``)."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import sqlalchemy as sa

from procureflow.adapters.db.audit_store import SqlAuditLog
from procureflow.adapters.db.tables_payables import denied_parties
from procureflow.domain.text_checks import text_problem
from procureflow.errors import ImportRejected

_LEGAL_FORMS = re.compile(
    r"\b(GMBH|AG|KG|SE|LTD|LIMITED|LLC|INC|CORP|CORPORATION|PLC|SA|SAS|SARL|BV|NV|SPA|SRL|CO|COMPANY)\b"
)


def normalised_party_name(name: str) -> str:
    """A name for screening: upper case, no punctuation, no legal form, single blanks."""
    cleaned = re.sub(r"[^0-9A-Z ]", " ", name.upper())
    return " ".join(_LEGAL_FORMS.sub(" ", cleaned).split())


def parse_denied_parties(data: bytes, *, list_name: str) -> list[dict[str, Any]]:
    """The rows of a denied-party CSV (header ``name`` and optional ``country``, ``id``).

    ImportRejected names the row that is wrong; a list is taken whole or not at all.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected("denied-party list is not UTF-8 text", subject=list_name) from exc
    problem = text_problem(text)
    if problem is not None:  # the names are stored as text: a NUL cannot be
        raise ImportRejected(f"denied-party list {problem}", subject=list_name)
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        fields = [f.strip().lower() for f in reader.fieldnames or []]
        records = list(reader)
    except csv.Error as exc:  # e.g. a stray carriage return inside a field
        raise ImportRejected(
            f"denied-party list is not valid CSV: {exc}", subject=list_name
        ) from None
    if "name" not in fields:
        raise ImportRejected(
            "denied-party CSV needs a 'name' column (optional: country, id)", subject=list_name
        )
    rows = []
    for number, raw in enumerate(records, start=2):
        record = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        name = record.get("name", "")
        if not name:
            raise ImportRejected(f"row {number}: empty name", subject=list_name)
        country = record.get("country") or None
        if country is not None and not re.fullmatch(r"[A-Za-z]{2}", country):
            raise ImportRejected(
                f"row {number}: country {country!r} is not a 2-letter code", subject=list_name
            )
        rows.append(
            {
                "party_id": f"{list_name}:{record.get('id') or number}"[:100],
                "name": name[:300],
                "normalised_name": normalised_party_name(name),
                "country": country.upper() if country else None,
                "list_name": list_name,
            }
        )
    ids = [r["party_id"] for r in rows]
    if len(ids) != len(set(ids)):
        raise ImportRejected("the list repeats an id", subject=list_name)
    return rows


class ScreeningRecords:
    """Screening methods of :class:`~procureflow.adapters.db.contract_store.ContractStore`."""

    engine: sa.Engine
    audit: SqlAuditLog

    # -- denied parties ----------------------------------------------------------------
    # The list is replaced only through a confirmed proposal (``denied_party_proposals``):
    # one compliance officer proposes, a different one confirms.

    def screen(self, name: str) -> list[dict[str, Any]]:
        """Denied-party entries whose normalised name equals or contains the given name's."""
        wanted = normalised_party_name(name)
        if not wanted:
            return []
        with self.engine.connect() as conn:
            rows = list(conn.execute(sa.select(denied_parties)))
        hits = []
        for r in rows:
            listed = r.normalised_name
            if listed == wanted or (len(listed) >= 6 and (listed in wanted or wanted in listed)):
                hits.append({"name": r.name, "list": r.list_name, "country": r.country})
        return hits


__all__ = ["ScreeningRecords", "normalised_party_name", "parse_denied_parties"]
