"""Reference data a plan needed and did not find: the gap, what it cost, who should fix it.

One missing FX rate or one UN/LOCODE without coordinates used to stop sourcing for every
SKU. Planning now leaves out only what the gap touches (an offer it cannot price, a lane
it cannot measure) and reports each gap, so the plan goes on and the master-data owners
get a precise item to fix instead of a failed instance.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict

GapKind = Literal["fx_rate", "locode"]


class DataGap(BaseModel):
    """One missing piece of reference data and what planning did without it."""

    model_config = ConfigDict(frozen=True)

    kind: GapKind
    key: str  # the currency or the UN/LOCODE that is missing
    message: str
    dropped: str  # what was left out because of it, e.g. "offer SUP-X for SKU-1"

    @property
    def subject_id(self) -> str:
        """A stable id for the exception queue: one open exception per missing datum."""
        return f"{self.kind}:{self.key}"


def merge_gaps(*groups: Iterable[DataGap]) -> list[DataGap]:
    """Every gap once, in a stable order (kind, key, what was dropped)."""
    unique = {(g.kind, g.key, g.dropped): g for group in groups for g in group}
    return [unique[k] for k in sorted(unique)]


__all__ = ["DataGap", "GapKind", "merge_gaps"]
