"""The playbook graph: one node per task at the runtime's pointers, fork branches side by
side, flow and jump edges, and SVG that shows node states and escapes text."""

from __future__ import annotations

import pytest

from procureflow.playbooks import list_builtin
from procureflow.playbooks.loader import load_playbook
from procureflow.web.graph import playbook_graph
from procureflow.web.svg import bar_chart, graph_svg

FORKED = {
    "do": [
        {"start": {"set": {"a": 1}}},
        {
            "both": {
                "fork": {
                    "branches": [
                        {"left": {"call": "agent.sourcing"}},
                        {"right": {"do": [{"inner": {"wait": {"seconds": 1}}}]}},
                    ]
                }
            }
        },
        {
            "route": {
                "switch": [{"again": {"when": ".x", "then": "start"}}, {"on": {"then": "end"}}]
            }
        },
        {"finish": {"emit": {"event": {"with": {"type": "done.v1"}}}, "then": "end"}},
        {"never": {"set": {}}},
    ]
}


def test_fork_branches_sit_side_by_side_at_the_runtime_pointers() -> None:
    graph = playbook_graph(FORKED)
    nodes = {n.pointer: n for n in graph.nodes}
    assert list(nodes) == [
        "/do/0/start",
        "/do/1/both",
        "/do/1/both/fork/branches/0/left",
        "/do/1/both/fork/branches/1/right",
        "/do/1/both/fork/branches/1/right/do/0/inner",
        "/do/2/route",
        "/do/3/finish",
        "/do/4/never",
    ]
    left, right = (
        nodes["/do/1/both/fork/branches/0/left"],
        nodes["/do/1/both/fork/branches/1/right"],
    )
    assert left.y == right.y and right.x > left.x
    assert nodes["/do/2/route"].y > nodes["/do/1/both/fork/branches/1/right/do/0/inner"].y
    edges = {(e.source, e.target, e.jump) for e in graph.edges}
    assert ("/do/1/both", "/do/1/both/fork/branches/0/left", False) in edges
    # both branch ends flow into the next task; the switch jumps back; 'then: end' stops
    assert ("/do/1/both/fork/branches/0/left", "/do/2/route", False) in edges
    assert ("/do/1/both/fork/branches/1/right/do/0/inner", "/do/2/route", False) in edges
    assert ("/do/2/route", "/do/0/start", True) in edges
    assert not any(e.source == "/do/3/finish" for e in graph.edges)
    assert nodes["/do/1/both/fork/branches/0/left"].detail == "agent.sourcing"


@pytest.mark.parametrize("path", list_builtin(), ids=lambda p: p.name)
def test_every_builtin_playbook_draws_one_node_per_task(path: object) -> None:
    playbook = load_playbook(path.read_text(encoding="utf-8"), path.name)  # type: ignore[attr-defined]
    graph = playbook_graph(playbook.data)
    assert len(graph.nodes) >= len(playbook.data["do"])
    assert len({n.pointer for n in graph.nodes}) == len(graph.nodes)
    assert all(n.x >= 0 and n.y >= 0 and n.x < graph.width for n in graph.nodes)
    pointers = {n.pointer for n in graph.nodes}
    assert all(e.source in pointers and e.target in pointers for e in graph.edges)


def test_the_svg_shows_states_and_escapes_names() -> None:
    graph = playbook_graph({"do": [{"<b>bold</b>": {"set": {}}}, {"next": {"set": {}}}]})
    svg = str(graph_svg(graph, {"/do/0/<b>bold</b>": "completed"}))
    assert "<b>" not in svg and "&lt;b&gt;bold&lt;/b&gt;" in svg
    assert 'class="node state-completed kind-set"' in svg
    assert 'data-pointer="/do/1/next" data-state="pending"' in svg


def test_a_bar_chart_draws_one_bar_per_value_with_titles() -> None:
    svg = str(bar_chart(["W1", "W2"], {"before": [100.0, 50.0], "after": [120.0, -20.0]}))
    assert svg.count('class="bar"') == 4
    assert "after · W2: -20" in svg
    assert "No data" in str(bar_chart([], {}))


def test_the_approval_matrix_draws_each_tier_chain_of_roles() -> None:
    from procureflow.policies import load_default_policy
    from procureflow.web.svg import approval_matrix_svg

    matrix = load_default_policy().to_json()["approval_matrix"]
    svg = str(approval_matrix_svg(matrix))
    assert svg.count('class="category"') == len(matrix["rules"])
    chains = sum(len(t["chain"]) for r in matrix["rules"] for t in r["tiers"])
    assert svg.count('class="role"') == chains
    assert "direct-materials" in svg and "up to 5000" in svg and "above" in svg
    assert "no approval matrix" in str(approval_matrix_svg({}))
