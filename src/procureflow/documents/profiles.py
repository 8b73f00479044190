"""Signature profiles: which identity signs which category of document, with which stamp,
where on the page, and in which order among co-signers."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from procureflow.errors import NotFound

PROFILE_NAME = r"^[a-z0-9][a-z0-9_.-]{0,62}$"
"""What a signature profile's name may be (it names files and keys)."""


def _whole_number(value: Any) -> Any:
    """JSON's 2.0 is the integer 2 (JSON Schema agrees); a boolean is not a number."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


WholeNumber = Annotated[int, BeforeValidator(_whole_number)]


class Placement(BaseModel):
    """Where the stamp goes: page number (1-based; negative counts from the end, -1 is the
    last page) and the box in PDF points from the bottom-left corner."""

    # a profile says exactly what is signed where: no coercion (false is not 0), no
    # unknown fields silently dropped
    model_config = ConfigDict(strict=True, extra="forbid")

    page: WholeNumber = -1
    x: float = 56.0
    y: float = 56.0
    width: float = 220.0
    height: float = 72.0


class SignatureProfile(BaseModel):
    """A signer identity and its stamp for one document category."""

    model_config = ConfigDict(strict=True, extra="forbid")

    name: str = Field(pattern=PROFILE_NAME)
    category: str = Field(min_length=1, max_length=50)
    order: WholeNumber = Field(
        1, ge=1, le=1000, description="place among the category's co-signers"
    )
    key_alias: str
    signer_name: str
    signer_title: str
    organisation: str
    reason: str = "Approved and signed"
    location: str | None = None
    stamp_image: str | None = Field(
        default=None, description="SHA-256 of a PNG/JPEG signature image in the document store"
    )
    placement: Placement = Field(default_factory=Placement)


def _profile(
    name: str, category: str, order: int, signer: str, title: str, x: float
) -> SignatureProfile:
    return SignatureProfile(
        name=name,
        category=category,
        order=order,
        key_alias=name,
        signer_name=signer,
        signer_title=title,
        organisation="ProcureFlow Demo Buyer",
        placement=Placement(x=x),
    )


DEFAULT_PROFILES: tuple[SignatureProfile, ...] = (
    _profile(
        "contract-procurement", "contract", 1, "Procurement Manager", "Head of Procurement", 56
    ),
    _profile("contract-finance", "contract", 2, "Chief Financial Officer", "CFO", 316),
    _profile("nda-legal", "nda", 1, "Legal Counsel", "Legal Counsel", 56),
    _profile("po-buyer", "purchase_order", 1, "Buyer", "Senior Buyer", 56),
    _profile(
        "sow-procurement", "statement_of_work", 1, "Procurement Manager", "Head of Procurement", 56
    ),
)


def profiles_for(category: str, profiles: list[SignatureProfile]) -> list[SignatureProfile]:
    """The co-signers of ``category`` in signing order; NotFound when none is set up."""
    chosen = sorted((p for p in profiles if p.category == category), key=lambda p: p.order)
    if not chosen:
        known = sorted({p.category for p in profiles})
        raise NotFound(
            f"no signature profile for category {category!r} (profiles exist for: "
            f"{', '.join(known) or 'none'})",
            subject="profile",
        )
    return chosen


def profile_named(name: str, profiles: list[SignatureProfile]) -> SignatureProfile:
    """The profile called ``name``; NotFound otherwise."""
    for profile in profiles:
        if profile.name == name:
            return profile
    raise NotFound(
        f"no signature profile named {name!r} (known: {', '.join(p.name for p in profiles)})",
        subject="profile",
    )


__all__ = [
    "DEFAULT_PROFILES",
    "PROFILE_NAME",
    "Placement",
    "SignatureProfile",
    "profile_named",
    "profiles_for",
]
