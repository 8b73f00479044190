"""Matching tolerances: how far an invoice may stray from the PO and the receipts.

A :class:`Tolerance` allows a deviation in percent of the expected value and/or an
absolute amount. With both set, ``combine="stricter"`` (the default) requires the
deviation to respect both limits, ``"looser"`` either one; with neither set, the values
must agree exactly. One-sided tolerances (the default) only flag deviations *against*
the buyer (paying more, billing more than received); two-sided ones flag both ways.

Price tolerances compare unit prices; their absolute limit is money per invoice line
(the unit-price deviation times the quantity billed), the figure an accounts-payable
team reasons in. Quantity tolerances compare quantities; their absolute limit is in
units.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from procureflow.domain.money import to_decimal
from procureflow.errors import InvalidInput

ZERO = Decimal(0)
HUNDRED = Decimal(100)
Combine = Literal["stricter", "looser"]


@dataclass(frozen=True)
class ToleranceCheck:
    """The verdict of one comparison and the figures behind it."""

    expected: Decimal
    actual: Decimal
    within: bool
    deviation: Decimal
    deviation_pct: Decimal | None
    allowed_pct: Decimal | None
    allowed_absolute: Decimal | None

    @property
    def direction(self) -> Literal["over", "under", "equal"]:
        """Whether the actual value is above, below or equal to the expected one."""
        if self.deviation > 0:
            return "over"
        if self.deviation < 0:
            return "under"
        return "equal"

    def figures(self) -> dict[str, str]:
        """The numbers as strings for reasons and JSON (no digit lost)."""
        out = {
            "expected": str(self.expected),
            "actual": str(self.actual),
            "deviation": str(self.deviation),
        }
        if self.deviation_pct is not None:
            out["deviation_pct"] = str(self.deviation_pct.quantize(Decimal("0.01")))
        if self.allowed_pct is not None:
            out["allowed_pct"] = str(self.allowed_pct)
        if self.allowed_absolute is not None:
            out["allowed_absolute"] = str(self.allowed_absolute)
        return out


@dataclass(frozen=True)
class Tolerance:
    """Allowed deviation: ``pct`` percent of the expected value and/or ``absolute``."""

    pct: Decimal | None = None
    absolute: Decimal | None = None
    two_sided: bool = False
    combine: Combine = "stricter"

    def __post_init__(self) -> None:
        for name in ("pct", "absolute"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise InvalidInput(f"tolerance {name} cannot be negative, got {value}")
        if self.combine not in ("stricter", "looser"):
            raise InvalidInput(
                f"tolerance combine must be 'stricter' or 'looser', got {self.combine!r}"
            )

    def check(
        self, expected: Decimal, actual: Decimal, *, weight: Decimal = Decimal(1)
    ) -> ToleranceCheck:
        """Compare ``actual`` with ``expected``; ``weight`` scales the deviation for the absolute limit.

        For prices the weight is the quantity billed, so the absolute limit is money per line.
        """
        deviation = actual - expected
        counted = abs(deviation) if self.two_sided else max(deviation, ZERO)
        verdicts: list[bool] = []
        if self.pct is not None:
            verdicts.append(counted * HUNDRED <= abs(expected) * self.pct)
        if self.absolute is not None:
            verdicts.append(counted * abs(weight) <= self.absolute)
        if not verdicts:
            within = counted == 0
        elif self.combine == "stricter":
            within = all(verdicts)
        else:
            within = any(verdicts)
        return ToleranceCheck(
            expected=expected,
            actual=actual,
            within=within,
            deviation=deviation,
            deviation_pct=(deviation * HUNDRED / abs(expected)) if expected else None,
            allowed_pct=self.pct,
            allowed_absolute=self.absolute,
        )

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, where: str) -> Tolerance:
        """Build from configuration such as ``{"pct": "2", "absolute": "50", "two_sided": true}``."""
        unknown = set(data) - {"pct", "absolute", "two_sided", "combine"}
        if unknown:
            raise InvalidInput(f"{where}: unknown tolerance keys {sorted(unknown)}")
        return cls(
            pct=to_decimal(data["pct"], field=f"{where}.pct")
            if data.get("pct") is not None
            else None,
            absolute=(
                to_decimal(data["absolute"], field=f"{where}.absolute")
                if data.get("absolute") is not None
                else None
            ),
            two_sided=bool(data.get("two_sided", False)),
            combine=data.get("combine", "stricter"),
        )


@dataclass(frozen=True)
class CategoryTolerances:
    """The price and quantity tolerances of one spend category."""

    price: Tolerance = field(default_factory=Tolerance)
    quantity: Tolerance = field(default_factory=Tolerance)


DEFAULT_CATEGORY_TOLERANCES = CategoryTolerances(
    price=Tolerance(pct=Decimal(2), absolute=Decimal(100)),
    quantity=Tolerance(pct=ZERO),
)


@dataclass(frozen=True)
class MatchingTolerances:
    """Tolerances per spend category, with a default for categories not listed.

    ``charges`` bounds document-level charges net of allowances beyond what the PO agreed;
    by default none are accepted unannounced.
    """

    default: CategoryTolerances = DEFAULT_CATEGORY_TOLERANCES
    by_category: Mapping[str, CategoryTolerances] = field(default_factory=dict)
    # Document-level charges (freight, handling) net of allowances, against those the PO agreed.
    charges: Tolerance = field(default_factory=lambda: Tolerance(absolute=ZERO))

    def for_category(self, category: str | None) -> CategoryTolerances:
        """The tolerances for ``category`` (case-insensitive), else the default."""
        if category:
            wanted = category.strip().lower()
            for name, tolerances in self.by_category.items():
                if name.strip().lower() == wanted:
                    return tolerances
        return self.default

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> MatchingTolerances:
        """Build from configuration: ``{"default": {"price": {...}, "quantity": {...}}, "categories": {name: {...}}, "charges": {...}}``."""

        def category(raw: Mapping[str, Any], where: str) -> CategoryTolerances:
            unknown = set(raw) - {"price", "quantity"}
            if unknown:
                raise InvalidInput(f"{where}: unknown keys {sorted(unknown)}")
            return CategoryTolerances(
                price=Tolerance.from_mapping(raw.get("price", {}), where=f"{where}.price"),
                quantity=Tolerance.from_mapping(raw.get("quantity", {}), where=f"{where}.quantity"),
            )

        unknown = set(data) - {"default", "categories", "charges"}
        if unknown:
            raise InvalidInput(f"tolerances: unknown keys {sorted(unknown)}")
        default = (
            category(data["default"], "tolerances.default")
            if "default" in data
            else DEFAULT_CATEGORY_TOLERANCES
        )
        categories = {
            str(name): category(raw, f"tolerances.categories.{name}")
            for name, raw in (data.get("categories") or {}).items()
        }
        charges = (
            Tolerance.from_mapping(data["charges"], where="tolerances.charges")
            if "charges" in data
            else Tolerance(absolute=ZERO)
        )
        return cls(default=default, by_category=categories, charges=charges)


__all__ = [
    "DEFAULT_CATEGORY_TOLERANCES",
    "CategoryTolerances",
    "MatchingTolerances",
    "Tolerance",
    "ToleranceCheck",
]
