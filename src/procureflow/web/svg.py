"""Inline SVG drawn here: the playbook graph with live node states, and small charts.

Every text that comes from data is escaped; the output is safe to embed in a page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from markupsafe import Markup

from procureflow.web.graph import NODE_H, NODE_W, ROW_H, Graph

ARC_SPACE = 130  # room right of the nodes for the arcs of jumps
PALETTE = ("#2f6fde", "#e08a1e", "#2c9f6b", "#b04fc8", "#d64545", "#5d6b82")


def _text(value: object, limit: int = 28) -> str:
    text = str(value)
    return escape(text if len(text) <= limit else text[: limit - 1] + "…")


def graph_svg(graph: Graph, states: Mapping[str, str] | None = None) -> Markup:
    """The graph as SVG; ``states`` maps a node's pointer to its state (completed …)."""
    states = states or {}
    by_pointer = {n.pointer: n for n in graph.nodes}
    width = graph.width + ARC_SPACE
    parts = [
        f'<svg class="pf-graph" viewBox="0 0 {width} {graph.height}" '
        f'width="{width}" height="{graph.height}" role="img" aria-label="playbook graph">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z"/></marker></defs>',
    ]
    for edge in graph.edges:
        a, b = by_pointer.get(edge.source), by_pointer.get(edge.target)
        if a is None or b is None:
            continue
        x1: float = a.x + NODE_W / 2
        y1: float = a.y + NODE_H
        x2: float = b.x + NODE_W / 2
        y2: float = b.y
        skips = b.y <= a.y or (b.y - a.y > ROW_H + 1 and abs(b.x - a.x) < NODE_W / 2)
        if skips:  # back, sideways or over other tasks: an arc on the right, wider if longer
            x1, y1, x2, y2 = a.x + NODE_W, a.y + NODE_H / 2, b.x + NODE_W, b.y + NODE_H / 2
            mid: float = max(x1, x2) + 18 + min(ARC_SPACE - 24, abs(y2 - y1) / 8)
            path = f"M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}"
        else:
            mid = (y1 + y2) / 2.0
            path = f"M{x1},{y1} C{x1},{mid} {x2},{mid} {x2},{y2}"
        cls = "edge jump" if edge.jump else "edge"
        parts.append(f'<path class="{cls}" d="{path}" marker-end="url(#arrow)"/>')
    for node in graph.nodes:
        state = states.get(node.pointer, "pending")
        parts.append(
            f'<g class="node state-{escape(state)} kind-{escape(node.kind)}" '
            f'data-pointer="{escape(node.pointer)}" data-state="{escape(state)}" '
            f'transform="translate({node.x},{node.y})">'
            f"<title>{escape(node.pointer)} ({escape(node.kind)}): {escape(state)}</title>"
            f'<rect width="{NODE_W}" height="{NODE_H}" rx="8"/>'
            f'<text x="10" y="17" class="name">{_text(node.name)}</text>'
            f'<text x="10" y="33" class="detail">{_text(node.detail, 30)}</text>'
            f'<circle class="dot" cx="{NODE_W - 14}" cy="14" r="5"/></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(
    labels: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    unit: str = "",
    width: int = 560,
    height: int = 220,
) -> Markup:
    """Grouped bars: one group per label, one bar per series, with a legend."""
    if not labels or not series:
        return Markup('<p class="empty">No data yet.</p>')
    values = [v for vs in series.values() for v in vs]
    top = max(max(values, default=0.0), 0.0) or 1.0
    low = min(min(values, default=0.0), 0.0)
    span = top - low or 1.0
    left, bottom, right, head = 56, 28, 12, 24
    plot_w, plot_h = width - left - right, height - bottom - head
    group_w = plot_w / len(labels)
    bar_w = min(56.0, max(4.0, group_w * 0.8 / len(series)))
    zero_y = head + plot_h * top / span
    out = [
        f'<svg class="pf-chart" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img">',
        f'<line class="axis" x1="{left}" y1="{zero_y:.1f}" x2="{width - right}" y2="{zero_y:.1f}"/>',
        f'<text class="tick" x="{left - 6}" y="{head + 4}" text-anchor="end">'
        f"{escape(_fmt(top))}{escape(unit)}</text>",
    ]
    if low < 0:
        out.append(
            f'<text class="tick" x="{left - 6}" y="{head + plot_h}" text-anchor="end">'
            f"{escape(_fmt(low))}{escape(unit)}</text>"
        )
    for gi, label in enumerate(labels):
        gx = left + gi * group_w + (group_w - bar_w * len(series)) / 2
        for si, (name, vs) in enumerate(series.items()):
            value = vs[gi] if gi < len(vs) else 0.0
            h = abs(value) / span * plot_h
            y = zero_y - h if value >= 0 else zero_y
            out.append(
                f'<rect class="bar" fill="{PALETTE[si % len(PALETTE)]}" x="{gx + si * bar_w:.1f}" '
                f'y="{y:.1f}" width="{bar_w - 1:.1f}" height="{h:.1f}">'
                f"<title>{escape(name)} · {escape(label)}: {escape(_fmt(value))}{escape(unit)}"
                "</title></rect>"
            )
        out.append(
            f'<text class="tick" x="{left + gi * group_w + group_w / 2:.1f}" '
            f'y="{height - 8}" text-anchor="middle">{_text(label, 14)}</text>'
        )
    for si, name in enumerate(series):
        out.append(
            f'<rect x="{left + si * 130}" y="4" width="10" height="10" '
            f'fill="{PALETTE[si % len(PALETTE)]}"/><text class="legend" '
            f'x="{left + si * 130 + 14}" y="13">{_text(name, 18)}</text>'
        )
    out.append("</svg>")
    return Markup("".join(out))


def _fmt(value: float) -> str:
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if abs(value) >= 10_000:
        return f"{value / 1000:.0f}k"
    return f"{value:.1f}".rstrip("0").rstrip(".")


def approval_matrix_svg(matrix: Mapping[str, Any]) -> Markup:
    """The approval matrix as a graph: per category, each amount tier's chain of roles."""
    rules = [r for r in matrix.get("rules", []) if isinstance(r, dict)]
    if not rules:
        return Markup('<p class="empty">The policy has no approval matrix.</p>')
    label_w, tier_w, box_h, gap = 130, 190, 26, 8
    rows: list[tuple[dict[str, Any], int]] = []
    y = 10
    for rule in rules:
        tiers = [t for t in rule.get("tiers", []) if isinstance(t, dict)]
        depth = max((len(t.get("chain", [])) for t in tiers), default=1)
        rows.append((rule, y))
        y += 30 + depth * (box_h + gap) + 14
    width = label_w + tier_w * max(len(r.get("tiers", [])) for r, _ in rows) + 20
    out = [
        f'<svg class="pf-matrix" viewBox="0 0 {width} {y}" width="{width}" height="{y}" '
        'role="img" aria-label="approval matrix">'
    ]
    for rule, top in rows:
        out.append(
            f'<text class="category" x="6" y="{top + 18}">{_text(rule.get("category"), 18)}</text>'
            f'<text class="tick" x="6" y="{top + 34}">{_text(rule.get("currency"), 6)}</text>'
        )
        tiers = [t for t in rule.get("tiers", []) if isinstance(t, dict)]
        for index, tier in enumerate(tiers):
            x = label_w + index * tier_w
            limit = tier.get("up_to")
            out.append(
                f'<text class="tier" x="{x}" y="{top + 14}">'
                f"{'up to ' + _text(limit, 12) if limit else 'above'}</text>"
            )
            for level, step in enumerate(tier.get("chain", [])):
                by = top + 22 + level * (box_h + gap)
                role = step.get("role") if isinstance(step, dict) else step
                sla = step.get("sla_hours") if isinstance(step, dict) else None
                out.append(
                    f'<g class="role"><rect x="{x}" y="{by}" width="{tier_w - 16}" '
                    f'height="{box_h}" rx="6"/><text x="{x + 8}" y="{by + 17}">{_text(role, 17)}'
                    f"{' · ' + _fmt(float(sla)) + ' h' if isinstance(sla, int | float) else ''}</text></g>"
                )
                if level:
                    out.append(
                        f'<path class="edge" d="M{x + 20},{by - gap} L{x + 20},{by}" '
                        'marker-end="url(#arrow)"/>'
                    )
    out.append("</svg>")
    return Markup("".join(out))


__all__ = ["approval_matrix_svg", "bar_chart", "graph_svg"]
