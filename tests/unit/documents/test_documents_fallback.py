"""Conversion without LibreOffice: mammoth + weasyprint, flagged as lower fidelity."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pytest

from procureflow.documents.convert import FallbackConverter
from procureflow.errors import DocumentRejected
from tests.factories_documents import contract_docx


@pytest.fixture(scope="module")
def fallback() -> FallbackConverter:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError, Warning) as exc:
        pytest.skip(f"weasyprint or its system libraries are missing: {exc}")
    return FallbackConverter()


def test_fallback_keeps_headings_list_and_table_but_says_it_is_lower_fidelity(
    fallback: FallbackConverter, tmp_path: Path
) -> None:
    result = fallback.convert(contract_docx(tmp_path / "c.docx").read_bytes(), pdfa=True)
    assert result.engine == "mammoth-weasyprint" and result.lower_fidelity and result.pdfa
    with pdfplumber.open(io.BytesIO(result.data)) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    for expected in ("Supply Agreement", "1. Scope of supply", "2. Liquidated damages", "HP-300"):
        assert expected in text


def test_fallback_converts_only_docx(fallback: FallbackConverter) -> None:
    with pytest.raises(DocumentRejected, match="only DOCX can be converted, not RTF"):
        fallback.convert(b"{\\rtf1 hello}")
