"""Compress, merge and split: what a person sees in the resulting files."""

from __future__ import annotations

import io

import pikepdf
import pytest

from procureflow.documents import pdfops
from procureflow.documents.pdfguard import is_signed
from procureflow.errors import Conflict, DocumentRejected, InvalidInput
from tests.factories_documents import (
    broken_xref_pdf,
    encrypted_pdf,
    renamed_binary,
    scanned_pdf,
    text_pdf,
)


def _texts(data: bytes) -> list[str]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [page.Contents.read_bytes().decode() for page in pdf.pages]


@pytest.fixture(scope="module")
def scan() -> bytes:
    return scanned_pdf(pages=2, dpi=200)


def test_email_and_screen_presets_shrink_a_scan_and_lower_its_resolution(scan: bytes) -> None:
    email = pdfops.compress(scan, "email")
    screen = pdfops.compress(scan, "screen")
    assert not email.kept_original and email.images_resampled == 2
    assert screen.size < email.size < len(scan) / 3
    with pikepdf.open(io.BytesIO(screen.data)) as pdf:
        image = next(iter(pdf.pages[0].get_images().values()))
        # an A4 page drawn 8.27 in wide at 100 dpi is about 827 pixels wide
        assert 800 <= int(image.Width) <= 850
        assert image.Filter == pikepdf.Name.DCTDecode
        assert len(pdf.pages) == 2


def test_compression_keeps_the_original_when_it_cannot_shrink_it() -> None:
    tiny = text_pdf(1)
    result = pdfops.compress(tiny, "lossless")
    if result.kept_original:
        assert result.data == tiny and result.ratio == 1.0
    else:
        assert result.size < len(tiny)


def test_unknown_preset_is_refused() -> None:
    with pytest.raises(InvalidInput, match="unknown compression preset 'tiny'"):
        pdfops.compress(text_pdf(1), "tiny")


def test_merge_keeps_the_chosen_order_and_adds_a_bookmark_per_file() -> None:
    merged, toc = pdfops.merge([("Annex B", text_pdf(1, "B")), ("Contract", text_pdf(2, "C"))])
    assert [entry["title"] for entry in toc] == ["Annex B", "Contract"]
    assert [entry["first_page"] for entry in toc] == [1, 2]
    texts = _texts(merged)
    assert "(B 1)" in texts[0] and "(C 2)" in texts[2]
    with pikepdf.open(io.BytesIO(merged)) as pdf, pdf.open_outline() as outline:
        assert [item.title for item in outline.root] == ["Annex B", "Contract"]


def test_split_by_ranges_every_n_and_bookmarks() -> None:
    merged, _ = pdfops.merge([("One", text_pdf(3, "A")), ("Two", text_pdf(2, "B"))])
    by_range = pdfops.split(merged, ranges="1-2,3-end")
    assert [part.pages for part in by_range] == [[1, 2], [3, 4, 5]]
    assert "(A 3)" in _texts(by_range[1].data)[0]
    assert [part.pages for part in pdfops.split(merged, every=2)] == [[1, 2], [3, 4], [5]]
    chapters = pdfops.split(merged, by_bookmarks=True)
    assert [(part.label, part.pages) for part in chapters] == [("One", [1, 2, 3]), ("Two", [4, 5])]


def test_split_by_size_keeps_each_part_under_the_limit(scan: bytes) -> None:
    limit = len(scan) // 2 + 50_000
    parts = pdfops.split(scan, max_bytes=limit)
    assert [part.pages for part in parts] == [[1], [2]]
    assert all(len(part.data) <= limit and not part.over_size_limit for part in parts)


def test_bad_ranges_name_the_problem() -> None:
    with pytest.raises(InvalidInput, match="outside 1-2"):
        pdfops.split(text_pdf(2), ranges="1-5")
    with pytest.raises(InvalidInput, match="exactly one way"):
        pdfops.split(text_pdf(2), ranges="1", every=1)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (encrypted_pdf(), "encrypted PDF"),
        (broken_xref_pdf(), "damaged PDF"),
        (renamed_binary(), "not a PDF"),
    ],
)
def test_hostile_pdfs_are_refused_with_a_clear_reason(data: bytes, message: str) -> None:
    with pytest.raises(DocumentRejected, match=message):
        pdfops.compress(data, "lossless")


def test_signed_pdf_is_not_rewritten_unless_an_unsigned_copy_is_asked_for(
    signed_contract: bytes,
) -> None:
    with pytest.raises(Conflict, match="would rewrite a signed PDF"):
        pdfops.compress(signed_contract, "lossless")
    copy, _ = pdfops.merge([("copy", signed_contract)], unsigned_copy=True)
    assert not is_signed(copy)
    assert pdfops.page_count(copy) == 2


def test_merge_nests_each_sources_own_bookmarks_under_its_entry() -> None:
    chaptered, _ = pdfops.merge([("Terms", text_pdf(2, "T")), ("Prices", text_pdf(1, "P"))])
    merged, _ = pdfops.merge([("Cover", text_pdf(1, "Cover")), ("Contract", chaptered)])
    with pikepdf.open(io.BytesIO(merged)) as pdf, pdf.open_outline() as outline:
        cover, contract = outline.root
        assert [child.title for child in contract.children] == ["Terms", "Prices"]
        prices = contract.children[1]
        assert pdf.pages.index(pikepdf.Page(prices.destination[0])) == 3  # 1 cover + 2 terms
    assert [p.label for p in pdfops.split(merged, by_bookmarks=True)] == ["Cover", "Contract"]


def test_a_page_larger_than_the_size_limit_becomes_its_own_flagged_part(scan: bytes) -> None:
    small = text_pdf(1, "Cover")
    merged, _ = pdfops.merge([("cover", small), ("scan", scan)])
    parts = pdfops.split(merged, max_bytes=len(small) * 4)
    assert parts[0].pages == [1] and not parts[0].over_size_limit
    assert all(part.over_size_limit for part in parts[1:])
    assert [page for part in parts for page in part.pages] == [1, 2, 3]
