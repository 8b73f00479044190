"""What the pages compute: node states, agent timeline, cash flow, suppliers, KPIs."""

from __future__ import annotations

from procureflow.config import Settings
from procureflow.web.hint import login_hint
from procureflow.web.views import (
    agent_timeline,
    cash_flow,
    kpis,
    node_states,
    recovery_cost,
    supplier_comparison,
)


def _decision(agent: str, **extra: object) -> dict[str, object]:
    return {"agent": agent, "choice": f"{agent} choice", "rationale": "because", **extra}


def test_node_states_follow_the_latest_task_entry_of_each_pointer() -> None:
    entries = [
        {"kind": "instance.started", "subject": "in-1"},
        {"kind": "task.waiting", "subject": "/do/1/ask"},
        {"kind": "task.completed", "subject": "/do/0/set"},
        {"kind": "task.completed", "subject": "/do/1/ask"},
    ]
    assert node_states(entries) == {"/do/0/set": "completed", "/do/1/ask": "completed"}


def test_the_timeline_says_which_agent_followed_which_with_its_alternatives() -> None:
    instance = {
        "trigger_event": "ev-9",
        "tasks": [
            {
                "name": "assess",
                "pointer": "/do/0/assess",
                "output": {"decision": _decision("risk_monitor")},
            },
            {"name": "note", "pointer": "/do/1/note", "output": {"x": 1}},
            {
                "name": "sourcing",
                "pointer": "/do/2/sourcing",
                "output": {
                    "decision": _decision(
                        "sourcing",
                        alternatives=[{"option": "plan 1", "score": 0.2}],
                        guardrails=[{"name": "lead time", "passed": False, "detail": "too long"}],
                    )
                },
            },
        ],
    }
    timeline = agent_timeline(instance)
    assert [(s["agent"], s["triggered_by"]) for s in timeline] == [
        ("risk_monitor", "event ev-9"),
        ("sourcing", "agent risk_monitor"),
    ]
    assert timeline[1]["alternatives"][0]["score"] == 0.2
    assert timeline[1]["guardrails"][0]["passed"] is False


def test_cash_flow_and_suppliers_come_from_the_latest_agent_outputs() -> None:
    money = lambda a: {"amount": a, "currency": "EUR"}  # noqa: E731
    finance = {
        "baseline": {"currency": "EUR", "buckets": [{"week": "2026-W48", "amount": money("100")}]},
        "scenario": {
            "currency": "EUR",
            "buckets": [
                {"week": "2026-W48", "amount": money("130")},
                {"week": "2026-W49", "amount": money("5")},
            ],
        },
        "decision": _decision("finance"),
    }
    flow = cash_flow([{"other": 1}, finance])
    assert flow == {
        "weeks": ["2026-W48", "2026-W49"],
        "before": [100.0, 0.0],
        "after": [130.0, 5.0],
        "currency": "EUR",
    }
    sourcing = {
        "decision": _decision(
            "sourcing",
            alternatives=[
                {
                    "option": "plan 1",
                    "details": {"cost": money("900"), "lead_time_days": 12, "co2e_kg": "40.5"},
                },
                {"option": "no figures", "details": {}},
            ],
        )
    }
    assert supplier_comparison([sourcing, finance]) == {
        "options": [{"option": "plan 1", "cost": 900.0, "lead_time_days": 12.0, "co2e_kg": 40.5}]
    }
    assert cash_flow([]) is None and supplier_comparison([{"x": 1}]) is None


def test_kpis_count_touchless_completions_and_exceptions_per_week() -> None:
    instances = [
        {
            "id": "a",
            "status": "completed",
            "created_at": "2026-11-23T10:00:00+00:00",
            "completed_at": "2026-11-23T10:00:10+00:00",
        },
        {
            "id": "b",
            "status": "completed",
            "created_at": "2026-11-23T10:00:00+00:00",
            "completed_at": "2026-11-23T10:01:00+00:00",
        },
        {
            "id": "c",
            "status": "running",
            "created_at": "2026-11-23T10:00:00+00:00",
            "completed_at": None,
        },
    ]
    result = kpis(
        instances,
        {"b"},
        ["2026-11-23T09:00:00+00:00", "2026-11-16T09:00:00+00:00", "2026-11-24T09:00:00+00:00"],
    )
    assert result["completed"] == 2 and result["touchless_rate"] == 0.5
    assert result["cycle_time_seconds"] == 60.0
    assert result["exceptions_per_week"] == {"2026-W47": 1, "2026-W48": 2}
    assert kpis([], set())["touchless_rate"] is None


def test_the_login_hint_names_the_url_and_how_to_get_a_token() -> None:
    hint = login_hint(Settings(host="127.0.0.1", port=8123))
    assert "http://127.0.0.1:8123/login" in hint and "procureflow users token" in hint
    with_token = login_hint(Settings(port=8000), user_id="olga", token="pf_abc")
    assert "as olga" in with_token and "pf_abc" in with_token


def test_nested_decisions_show_once_and_fork_branches_share_their_trigger() -> None:
    sourcing = _decision("sourcing")
    compliance = _decision("compliance")
    instance = {
        "trigger_event": "ev-1",
        "tasks": [
            {
                "name": "assess",
                "pointer": "/do/0/assess",
                "output": {"a": {"decision": _decision("risk_monitor")}},
            },
            {
                "name": "sourcing",
                "pointer": "/do/1/both/fork/branches/0/sourcing",
                "output": {"decision": sourcing},
            },
            {
                "name": "compliance",
                "pointer": "/do/1/both/fork/branches/1/compliance",
                "output": {"decision": compliance},
            },
            # later tasks carry the earlier decisions forward in their data
            {
                "name": "both",
                "pointer": "/do/1/both",
                "output": {
                    "sourcing": {"decision": sourcing},
                    "compliance": {"decision": compliance},
                },
            },
            {
                "name": "plan",
                "pointer": "/do/2/plan",
                "output": {
                    "deep": [{"x": {"decision": _decision("finance")}}],
                    "sourcing": {"decision": sourcing},
                },
            },
        ],
    }
    timeline = agent_timeline(instance)
    assert [(s["agent"], s["triggered_by"]) for s in timeline] == [
        ("risk_monitor", "event ev-1"),
        ("sourcing", "agent risk_monitor"),
        ("compliance", "agent risk_monitor"),
        ("finance", "agent sourcing + agent compliance"),
    ]


def test_the_recovery_cost_comes_from_the_latest_finance_summary() -> None:
    money = lambda a: {"amount": a, "currency": "EUR"}  # noqa: E731
    summary = {
        "price_delta": money("110.5"),
        "freight_delta": money("8"),
        "damages_recoverable": money("4"),
        "total_recovery_cost": money("114.5"),
    }
    assert recovery_cost([{"proposal": {"finance": summary}}]) == {
        "price change": 110.5,
        "freight change": 8.0,
        "damages recoverable": 4.0,
        "total": 114.5,
    }
    assert recovery_cost([{"x": 1}]) is None
