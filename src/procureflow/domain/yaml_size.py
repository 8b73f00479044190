"""How many values a composed YAML document stands for once its aliases are expanded.

An alias repeats a node without repeating its text, so ten lines can stand for billions
of values (the "billion laughs"), and an alias inside its own anchor stands for an
endless one. Readers of uploaded YAML (playbooks, policies) check this on the composed
nodes before building any data, and refuse the document instead of running out of time,
memory or stack. Works on any node with a ``value`` list (PyYAML's nodes); iterative, so
deep nesting cannot exhaust the stack here.
"""

from __future__ import annotations

from typing import Any

MAX_VALUES = 100_000
"""Most values a document may stand for: far above any real playbook or policy."""


class TooLarge(ValueError):
    """The document stands for more than the limit, or for an endless value."""


def _children(node: Any) -> list[Any]:
    value = getattr(node, "value", None)
    if not isinstance(value, list):
        return []  # a scalar
    out: list[Any] = []
    for item in value:
        out.extend(item if isinstance(item, tuple) else (item,))  # mapping pairs
    return out


def expanded_size(root: Any, limit: int = MAX_VALUES) -> int:
    """The number of values ``root`` stands for; :class:`TooLarge` above ``limit`` or for a
    node that contains itself."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            total = 1 + sum(sizes[id(child)] for child in _children(node))
            if total > limit:
                raise TooLarge(f"stands for more than {limit} values once its aliases are expanded")
            sizes[key] = total
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise TooLarge("an alias refers to a node that contains it (an endless value)")
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node))
    return sizes[id(root)]


__all__ = ["MAX_VALUES", "TooLarge", "expanded_size"]
