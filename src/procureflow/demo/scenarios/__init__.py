"""Sample scenarios ``procureflow demo`` runs. Add a line to SCENARIO_MODULES when adding
``scenarios/<name>.py``; each module exposes ``TITLE`` and
``run(svc, people) -> ScenarioResult`` (see ``base.py``)."""

from __future__ import annotations

SCENARIO_MODULES: list[str] = [
    "guarded_purchase",
    "disruption",
    "contract_to_pay",
]
