"""Every conformance scenario (ctk/*.feature) runs against the interpreter as a test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conformance.ctk_runner import Scenario, load_scenarios, run_scenario
from tests.conformance.fake_services import LocalServicesClient, local_services
from tests.conftest import SAMPLE_DATA

SCENARIOS = load_scenarios(SAMPLE_DATA / "serverless-workflow" / "ctk")


@pytest.fixture(scope="module")
def services() -> Iterator[LocalServicesClient]:
    with local_services() as client:
        yield client


def test_the_conformance_features_are_found(sample_data: Path) -> None:
    scenarios = load_scenarios(sample_data / "serverless-workflow" / "ctk")
    assert len(scenarios) >= 20
    assert len({s.id for s in scenarios}) == len(scenarios)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_ctk_scenario(scenario: Scenario, services: LocalServicesClient) -> None:
    run_scenario(scenario, http=services)
