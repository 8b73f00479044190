"""Builders of payables test documents: text PDFs of contracts; UBL 2.1 invoices come
from the demo's builder."""

from __future__ import annotations

import io
from collections.abc import Sequence

import pikepdf

from procureflow.adapters.db.contract_store import ContractStore
from procureflow.demo.contracts.invoices import Line, sample_invoice_ubl


def _pdf_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def lines_pdf(pages: Sequence[Sequence[str]]) -> bytes:
    """A PDF whose pages show the given lines of text (Helvetica 10 pt)."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type1,
            BaseFont=pikepdf.Name.Helvetica,
            Encoding=pikepdf.Name.WinAnsiEncoding,
        )
    )
    for lines in pages:
        ops = ["BT /F1 10 Tf 14 TL 50 780 Td"]
        ops += [f"({_pdf_text(line)}) Tj T*" for line in lines]
        ops.append("ET")
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, 595, 842],
            Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
            Contents=pdf.make_stream("\n".join(ops).encode("cp1252")),
        )
        pdf.pages.append(pikepdf.Page(page))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


ubl_invoice = sample_invoice_ubl


def denied_parties_in_force(contracts: ContractStore, csv: bytes, *, list_name: str) -> int:
    """Put a denied-party list in force the only way there is: one compliance officer
    proposes it, another confirms. Returns the number of parties."""
    proposal = contracts.propose_denied_parties(csv, list_name=list_name, actor="lea")
    confirmed = contracts.confirm_denied_parties(str(proposal["proposal_id"]), actor="max")
    return int(confirmed["parties"])


__all__ = ["Line", "denied_parties_in_force", "lines_pdf", "ubl_invoice"]
