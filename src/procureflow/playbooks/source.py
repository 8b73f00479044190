"""Reading YAML while remembering where every value came from.

Playbook errors must name the line of the offending field, so the document is composed
into YAML nodes first and converted to plain data alongside an index from field path to
line number. Duplicate keys in one mapping are refused here (plain YAML loading would
silently keep the last one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from procureflow.domain.yaml_size import TooLarge, expanded_size
from procureflow.errors import PlaybookInvalid

Path = tuple[str | int, ...]


@dataclass
class SourceMap:
    """Line numbers (1-based) of the fields of one document, keyed by path."""

    origin: str
    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Sequence[str | int]) -> int:
        """The line of ``path``, or of its nearest ancestor that has one."""
        probe = tuple(path)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return self.lines.get((), 1)

    def where(self, path: Sequence[str | int]) -> str:
        """``origin:line: path`` prefix for a message about ``path``."""
        return f"{self.origin}:{self.line_of(path)}: {format_path(path)}"


def format_path(path: Sequence[str | int]) -> str:
    """``('do', 1, 'checkStock', 'call')`` → ``do[1].checkStock.call``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(document)"


try:  # libyaml composes about ten times faster; the pure-Python parser is the fallback
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class _Reader(_SafeLoader):
    """A safe loader used only to compose nodes and construct scalars."""


def read_yaml(text: str, origin: str) -> tuple[Any, SourceMap]:
    """Parse ``text`` into plain data and a :class:`SourceMap`; refuse bad YAML."""
    source = SourceMap(origin)
    reader = _Reader(text)
    try:
        node = reader.get_single_node()
        if node is None:
            raise PlaybookInvalid(f"{origin}:1: the document is empty")
        expanded_size(node)
        data = _convert(reader, node, (), source)
    except TooLarge as exc:
        raise PlaybookInvalid(f"{origin}:1: the document {exc}") from None
    except RecursionError:
        raise PlaybookInvalid(f"{origin}:1: the document is nested too deeply") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or exc.context or "malformed YAML"
        raise PlaybookInvalid(f"{origin}:{line}: malformed YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise PlaybookInvalid(f"{origin}:1: malformed YAML: {exc}") from None
    finally:
        reader.dispose()
    return data, source


def _convert(reader: _Reader, node: yaml.Node, path: Path, source: SourceMap) -> Any:
    source.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        reader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise PlaybookInvalid(
                    f"{source.origin}:{key_node.start_mark.line + 1}: "
                    f"{format_path(path)}: mapping keys must be plain values"
                )
            # The key as written: YAML 1.1 would read `on:` (schedule.on) as True.
            key = str(key_node.value)
            child = (*path, key)
            if key in result:
                raise PlaybookInvalid(
                    f"{source.origin}:{key_node.start_mark.line + 1}: "
                    f"{format_path(child)}: duplicate key '{key}'"
                )
            source.lines[child] = key_node.start_mark.line + 1
            result[key] = _convert(reader, value_node, child, source)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(reader, item, (*path, index), source) for index, item in enumerate(node.value)
        ]
    value = reader.construct_object(node, deep=True)
    if hasattr(value, "isoformat"):
        # Dates and times stay as the text written; workflow data is JSON.
        return str(node.value)
    return value


__all__ = ["Path", "SourceMap", "format_path", "read_yaml"]
