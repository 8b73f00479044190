"""Media types the document service stores, and output file naming."""

from __future__ import annotations

from pathlib import PurePath

PDF = "application/pdf"
OFFICE_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "rtf": "application/rtf",
    "doc": "application/msword",
}
IMAGE_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def stem(name: str) -> str:
    """The file name without folder and extension, for naming derived documents."""
    return PurePath(name).stem or "document"


__all__ = ["IMAGE_TYPES", "OFFICE_TYPES", "PDF", "stem"]
