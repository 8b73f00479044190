"""Builds the Risk Monitor with its ports: master data from the store, the configured
language model (if any) and the mandate's bound from the policy in force.

For the composition root::

    registry.register(NAME, risk_monitor_factory(svc.engine, svc.settings, policy))
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from procureflow.adapters.db.master_repository import MasterDataRepository
from procureflow.adapters.llm import mail_extractor_from_settings
from procureflow.agents.risk_monitor import RiskMonitorAgent
from procureflow.config import Settings
from procureflow.policies import Policy, mandate_for

MANDATE_NAME = "risk_monitor"
DEFAULT_MIN_SKU_MATCH_SCORE = 80.0


def risk_monitor_factory(
    engine: sa.Engine, settings: Settings, policy: Policy | None = None
) -> Callable[[], RiskMonitorAgent]:
    """A factory for the agent registry; every agent it makes shares one master-data cache."""
    repository = MasterDataRepository(engine)
    llm = mail_extractor_from_settings(settings.llm_model)
    minimum = DEFAULT_MIN_SKU_MATCH_SCORE
    if policy is not None:
        bound = mandate_for(policy, MANDATE_NAME).bounds.get("min_sku_match_score")
        if bound is not None:
            minimum = float(bound)

    def make() -> RiskMonitorAgent:
        return RiskMonitorAgent(repository, llm, min_sku_match_score=minimum)

    return make


__all__ = ["DEFAULT_MIN_SKU_MATCH_SCORE", "MANDATE_NAME", "risk_monitor_factory"]
