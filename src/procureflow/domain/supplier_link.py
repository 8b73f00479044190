"""Which supplier of the master a contract party is: by VAT id, then by registered name.

A signed contract starts payments, so its party must be a supplier the master already
knows. The VAT id decides first (it is unique and printed on every invoice); without
one, the registered name decides, compared without case, accents, punctuation and legal
forms ("Huaxin Precision Motors Co., Ltd." is "Huaxin Precision Motors Co. Ltd.").
Anything else — no match, two matches, a VAT id contradicting the name's supplier — is
for a person to decide: a supplier is never made up from a name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from procureflow.domain.master import Supplier

# legal forms as tokens once punctuation is gone and single letters are joined
# ("S.p.A." -> "spa", "Sp. z o.o." -> "sp zoo", "S.A. de C.V." -> "sa de cv")
_LEGAL_FORMS = frozenset(
    """gmbh mbh ag kg kgaa se ohg ug co company ltd limited llc llp inc corp corporation plc
    sa sas sarl spa srl jsc kk oy ou as ab bv nv sp zoo de cv pty pte sl slu ltda cia
    gesellschaft""".split()
)


def compact_tax_id(tax_id: str | None) -> str | None:
    """A VAT id without blanks and punctuation, upper case (None when empty)."""
    compact = "".join(ch for ch in (tax_id or "").upper() if ch.isalnum())
    return compact or None


def registered_name_key(name: str) -> str:
    """A registered name as compared: case, accents, punctuation and legal forms dropped."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    tokens = re.sub(r"[^0-9a-z]+", " ", plain.replace("&", " ")).split()
    words: list[str] = []
    run = ""  # consecutive single letters, joined ("s p a" -> "spa")
    for token in [*tokens, ""]:
        if len(token) == 1:
            run += token
            continue
        if run:
            words.append(run)
            run = ""
        if token:
            words.append(token)
    while len(words) > 1 and words[-1] in _LEGAL_FORMS:
        words.pop()
    return " ".join(words)


@dataclass(frozen=True)
class SupplierLink:
    """The master supplier a party is (``supplier_id`` None: a person must decide, and why)."""

    supplier_id: str | None
    matched_by: str | None
    reason: str
    category: str | None = None


def _category(supplier: Supplier) -> str | None:
    return (supplier.extra.get("category") or "").strip().lower() or None


def link_supplier(
    name: str | None, tax_id: str | None, suppliers: Sequence[Supplier]
) -> SupplierLink:
    """The master supplier of a party named ``name`` with VAT id ``tax_id``, or why not."""
    if not name and not tax_id:
        return SupplierLink(None, None, "the contract names no supplier")
    vat = compact_tax_id(tax_id)
    if vat:
        by_vat = [s for s in suppliers if compact_tax_id(s.extra.get("vat_id")) == vat]
        if len(by_vat) == 1:
            found = by_vat[0]
            return SupplierLink(found.supplier_id, "vat_id", f"VAT id {vat}", _category(found))
    key = registered_name_key(name or "")
    by_name = [s for s in suppliers if key and registered_name_key(s.name) == key]
    if len(by_name) > 1:
        ids = ", ".join(s.supplier_id for s in by_name)
        return SupplierLink(None, None, f"{name!r} matches several suppliers ({ids})")
    if not by_name:
        known = f" or VAT id {vat}" if vat else ""
        return SupplierLink(None, None, f"no supplier in the master is named {name!r}{known}")
    found = by_name[0]
    on_file = compact_tax_id(found.extra.get("vat_id"))
    if vat and on_file and on_file != vat:
        return SupplierLink(
            None,
            None,
            f"{name!r} is {found.supplier_id} by name, but the contract's VAT id {vat} "
            f"is not its VAT id {on_file}",
        )
    return SupplierLink(
        found.supplier_id, "name", f"registered name {found.name!r}", _category(found)
    )


__all__ = ["SupplierLink", "compact_tax_id", "link_supplier", "registered_name_key"]
