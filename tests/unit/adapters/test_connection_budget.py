"""The connection budget follows the pool settings and says when a deployment does not fit."""

from __future__ import annotations

import pytest

from procureflow.adapters.db.budget import HEADROOM, deployment_budget, per_process
from procureflow.config import Settings


def test_each_process_role_opens_its_pools_and_no_more() -> None:
    settings = Settings(db_pool_size=4, db_max_overflow=2, engine_pool_size=6)
    assert per_process(settings, "engine") == 4 + 2 + 6 + 1
    assert per_process(settings, "api") == 4 + 2 + 6
    assert per_process(settings, "cli") == 4 + 2 + 2
    with pytest.raises(ValueError, match="unknown process role"):
        per_process(settings, "portal")


def test_the_default_deployment_fits_postgres_default_of_100() -> None:
    budget = deployment_budget(Settings(), workers=2, api_only=True)
    assert [p["role"] for p in budget["processes"]] == ["serve (API only)", "worker", "cli command"]
    assert budget["total"] == sum(p["total"] for p in budget["processes"])
    assert budget["needs_max_connections"] == budget["total"] + HEADROOM
    assert budget["needs_max_connections"] <= 100


def test_more_workers_need_more_connections() -> None:
    small = deployment_budget(Settings(), workers=1, api_only=False)
    large = deployment_budget(Settings(), workers=4, api_only=False)
    assert large["total"] - small["total"] == 3 * per_process(Settings(), "engine")
