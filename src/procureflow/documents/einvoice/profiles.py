"""Which Factur-X / ZUGFeRD 2 profile a CII document declares (BT-24, the guideline id).

The identifiers changed between releases: Factur-X 1.0 and ZUGFeRD 2.0 wrote
``urn:cen.eu:en16931:2017:compliant:factur-x.eu:1p0:basic`` where Factur-X 1.0.07 and
later write ``urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic``. Invoices
made with the older releases are still in circulation and legitimate; they are checked
against the current profile schematron with the identifier written the current way, and
a warning says so.
"""

from __future__ import annotations

import re

PROFILES = ("minimum", "basicwl", "basic", "en16931", "extended")
EN16931_ID = "urn:cen.eu:en16931:2017"
CURRENT_IDS = {
    "minimum": "urn:factur-x.eu:1p0:minimum",
    "basicwl": "urn:factur-x.eu:1p0:basicwl",
    "basic": "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic",
    "en16931": EN16931_ID,
    "extended": "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended",
}
_PROFILE_BY_SUFFIX = re.compile(
    r"(?:factur-x\.eu|zugferd\.de):[12]p[0-9]:(minimum|basicwl|basic|extended)$"
)
# XMP fx:ConformanceLevel values (Factur-X and ZUGFeRD 2 PDF/A extension schema).
XMP_LEVELS = {
    "MINIMUM": "minimum",
    "BASIC WL": "basicwl",
    "BASIC": "basic",
    "EN 16931": "en16931",
    "COMFORT": "en16931",
    "EXTENDED": "extended",
}


def profile_for_guideline(guideline: str | None) -> str | None:
    """The profile a guideline id names, None when it names no Factur-X profile."""
    if not guideline:
        return None
    value = guideline.strip()
    match = _PROFILE_BY_SUFFIX.search(value)
    if match:
        return match.group(1)
    if value.split("#")[0] == EN16931_ID:
        return "en16931"
    return None


def current_guideline(guideline: str, profile: str) -> str | None:
    """The current identifier when ``guideline`` is an older way to write ``profile``'s."""
    current = CURRENT_IDS[profile]
    if guideline.strip() == current or profile == "en16931":
        return None
    return current


__all__ = [
    "CURRENT_IDS",
    "EN16931_ID",
    "PROFILES",
    "XMP_LEVELS",
    "current_guideline",
    "profile_for_guideline",
]
