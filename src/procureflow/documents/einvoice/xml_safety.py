"""Parse untrusted XML with entities, DTD loading and network access switched off.

An e-invoice arrives from outside; an external entity (XXE) could read local files or
reach the network, and nested entities ("billion laughs") could exhaust memory. Such
documents are refused with a reason before anything reads their content.
"""

from __future__ import annotations

import re

from lxml import etree

from procureflow.errors import DocumentRejected

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ENTITY = re.compile(rb"<!ENTITY\s+(%\s*)?[^\s>]+\s+(SYSTEM|PUBLIC)?", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


def _scannable(data: bytes) -> bytes:
    """The bytes as ASCII-compatible text, so declarations in UTF-16/32 are seen too."""
    for marker, encoding in (
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
        (b"<\x00\x00\x00", "utf-32-le"),
        (b"\x00\x00\x00<", "utf-32-be"),
        (b"<\x00", "utf-16-le"),
        (b"\x00<", "utf-16-be"),
    ):
        if data.startswith(marker):
            return data.decode(encoding, errors="ignore").encode("utf-8")
    return data


def refuse_unsafe_xml(data: bytes, *, subject: str) -> None:
    """DocumentRejected naming the attack when ``data`` declares a DTD or entities."""
    data = _scannable(data)
    head = data[:65536]
    if not _DOCTYPE.search(head):
        return
    entity = _ENTITY.search(data)
    if entity is None:
        raise DocumentRejected(
            "XML with a document type declaration is not accepted in an e-invoice",
            subject=subject,
        )
    if entity.group(2):
        raise DocumentRejected(
            "XML declares an external entity (possible XXE attack); refused", subject=subject
        )
    raise DocumentRejected(
        "XML declares entities (possible entity-expansion / billion-laughs attack); refused",
        subject=subject,
    )


def parse_untrusted_xml(data: bytes, *, subject: str) -> etree._Element:
    """The root element of ``data``; DocumentRejected naming the problem when it is unsafe or broken."""
    refuse_unsafe_xml(data, subject=subject)
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise DocumentRejected(f"XML is not well-formed: {exc}", subject=subject) from exc
    if root is None:
        raise DocumentRejected("XML document is empty", subject=subject)
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise DocumentRejected(
            "XML with a document type declaration is not accepted in an e-invoice",
            subject=subject,
        )
    return root


__all__ = ["parse_untrusted_xml", "refuse_unsafe_xml"]
