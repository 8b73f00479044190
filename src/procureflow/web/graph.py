"""A playbook as a graph: one node per task (fork branches side by side), laid out in rows.

Node ids are the tasks' JSON pointers, the same pointers the runtime records for each task
run, so the dashboard colours a node by looking up the runs of its pointer. The layout is
deliberately plain (rows top to bottom, fork branches in columns) so that it needs no
graph-drawing library and stays readable for playbooks of a few dozen tasks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

NODE_W = 190
NODE_H = 42
ROW_H = 64
COL_W = 210
MARGIN = 16


@dataclass
class Node:
    """One task of the playbook, placed on the canvas."""

    pointer: str
    name: str
    kind: str
    detail: str
    x: int
    y: int
    depth: int


@dataclass
class Edge:
    """A flow from one task to the next; ``jump`` for switch/then targets."""

    source: str
    target: str
    jump: bool = False


@dataclass
class Graph:
    """Nodes and edges with the canvas size."""

    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    width: int = 0
    height: int = 0


TASK_KINDS = (
    "call",
    "fork",
    "emit",
    "for",
    "listen",
    "raise",
    "run",
    "set",
    "switch",
    "try",
    "wait",
    "do",
)


def _kind(task: dict[str, Any]) -> str:
    return next((k for k in TASK_KINDS if k in task), "task")


def _detail(kind: str, task: dict[str, Any]) -> str:
    if kind == "call":
        return str(task.get("call"))
    if kind == "listen":
        return "waits for an event"
    if kind == "emit":
        event = (task.get("emit") or {}).get("event") or {}
        return str((event.get("with") or {}).get("type", "event"))
    if kind == "wait":
        return "timer"
    return kind


class _Layout:
    def __init__(self) -> None:
        self.graph = Graph()
        self.row = 0

    def place(self, pointer: str, name: str, task: dict[str, Any], col: float, depth: int) -> Node:
        kind = _kind(task)
        node = Node(
            pointer=pointer,
            name=name,
            kind=kind,
            detail=_detail(kind, task),
            x=int(MARGIN + col * COL_W),
            y=MARGIN + self.row * ROW_H,
            depth=depth,
        )
        self.graph.nodes.append(node)
        self.row += 1
        return node

    def task_list(
        self, tasks: Any, pointer: str, col: float, depth: int
    ) -> tuple[list[str], list[str]]:
        """Lay out a task list; returns (entry pointers, exit pointers)."""
        if not isinstance(tasks, list):
            return [], []
        entries: list[str] = []
        previous: list[str] = []
        by_name: dict[str, str] = {}
        pending_jumps: list[tuple[str, str]] = []
        for index, item in enumerate(tasks):
            if not isinstance(item, dict) or len(item) != 1:
                continue
            name, task = next(iter(item.items()))
            if not isinstance(task, dict):
                continue
            here = f"{pointer}/{index}/{name}"
            node = self.place(here, str(name), task, col, depth)
            by_name[str(name)] = here
            if not entries:
                entries = [here]
            for source in previous:
                self.graph.edges.append(Edge(source, here))
            exits = self.children(node, task, here, col, depth)
            for case in task.get("switch") or []:
                if isinstance(case, dict):
                    for body in case.values():
                        target = (body or {}).get("then") if isinstance(body, dict) else None
                        if isinstance(target, str):
                            pending_jumps.append((here, target))
            then = task.get("then")
            if isinstance(then, str) and then not in ("continue",):
                if then not in ("end", "exit"):
                    for source in exits:
                        pending_jumps.append((source, then))
                exits = []
            if node.kind == "switch":
                exits = []
            previous = exits
        for source, target in pending_jumps:
            if target in by_name:
                self.graph.edges.append(Edge(source, by_name[target], jump=True))
        return entries, previous

    def children(
        self, node: Node, task: dict[str, Any], here: str, col: float, depth: int
    ) -> list[str]:
        """Lay out what a composite task contains; returns the pointers that flow on."""
        if node.kind == "fork":
            branches = (task.get("fork") or {}).get("branches") or []
            start_row = self.row
            rows_used = 0
            exits: list[str] = []
            for index, item in enumerate(branches):
                if not isinstance(item, dict) or len(item) != 1:
                    continue
                self.row = start_row
                name, branch = next(iter(item.items()))
                if not isinstance(branch, dict):
                    continue
                pointer = f"{here}/fork/branches/{index}/{name}"
                head = self.place(pointer, str(name), branch, col + index, depth + 1)
                self.graph.edges.append(Edge(here, pointer))
                exits.extend(self.children(head, branch, pointer, col + index, depth + 1))
                rows_used = max(rows_used, self.row - start_row)
            self.row = start_row + rows_used
            return exits or [here]
        inner: Any = None
        suffix = ""
        if node.kind in ("do", "for"):
            inner, suffix = task.get("do"), "/do"
        elif node.kind == "try":
            inner, suffix = task.get("try"), "/try"
        if inner is not None:
            entry, out = self.task_list(inner, here + suffix, col + 0.1, depth + 1)
            for pointer in entry:
                self.graph.edges.append(Edge(here, pointer))
            return out or [here]
        return [here]


def playbook_graph(document: dict[str, Any]) -> Graph:
    """The graph of a playbook document (as parsed YAML data)."""
    layout = _Layout()
    layout.task_list(document.get("do"), "/do", 0, 0)
    graph = layout.graph
    min_x = min((n.x for n in graph.nodes), default=MARGIN)
    if min_x < MARGIN:
        for node in graph.nodes:
            node.x += MARGIN - min_x
    graph.width = max((n.x + NODE_W for n in graph.nodes), default=0) + MARGIN
    graph.height = max((n.y + NODE_H for n in graph.nodes), default=0) + MARGIN
    return graph


__all__ = ["Edge", "Graph", "Node", "playbook_graph"]
