"""Loading a playbook: YAML → the product's DSL 1.0 models, with every problem located.

Each problem is reported as ``origin:line: field.path: what is wrong``; all problems of a
document are reported together. Every runtime expression is compiled at load time so a
jq syntax error is refused before anything runs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from procureflow.errors import ExpressionError, PlaybookInvalid
from procureflow.playbooks.expressions import check_expression, is_runtime_expression
from procureflow.playbooks.model_common import Document, Schedule
from procureflow.playbooks.model_tasks import Workflow
from procureflow.playbooks.schemas import iter_schemas, schema_problem
from procureflow.playbooks.source import Path, SourceMap, read_yaml
from procureflow.playbooks.validation import reference_problems


class PlaybookProblems(PlaybookInvalid):
    """A playbook that does not validate, with each problem as ``origin:line: path: what``."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        summary = self.problems[0] if count == 1 else f"{count} problems: " + "; ".join(problems)
        super().__init__(summary)


@dataclass(frozen=True)
class Playbook:
    """A validated playbook: its model, the document as data, and where its fields are."""

    workflow: Workflow
    data: dict[str, Any]
    text: str
    origin: str
    source: SourceMap

    @property
    def document(self) -> Document:
        """The ``document`` block: dsl, namespace, name, version, title, tags, metadata."""
        return self.workflow.document

    @property
    def schedule(self) -> Schedule | None:
        """The ``schedule`` block (``on`` events that start the playbook, cron …), if any."""
        return self.workflow.schedule

    @property
    def namespace(self) -> str:
        """The document's namespace."""
        return self.workflow.document.namespace

    @property
    def name(self) -> str:
        """The document's name."""
        return self.workflow.document.name

    @property
    def version(self) -> str:
        """The document's semantic version."""
        return self.workflow.document.version

    @property
    def digest(self) -> str:
        """SHA-256 of the source text: identifies the exact snapshot an instance runs."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def load_playbook(text: str, origin: str = "<string>") -> Playbook:
    """Parse and validate a playbook; raise :class:`PlaybookInvalid` naming every problem."""
    data, source = read_yaml(text, origin)
    if not isinstance(data, dict):
        raise PlaybookProblems(
            [f"{origin}:1: the document must be a mapping with 'document' and 'do'"]
        )
    try:
        workflow = Workflow.model_validate(data)
    except ValidationError as exc:
        raise PlaybookProblems(_validation_problems(exc, data, source)) from None
    problems = [
        f"{source.where(path)}: {message}" for path, message in _expression_problems(workflow)
    ]
    problems += [
        f"{source.where(path)}: {message}" for path, message in reference_problems(workflow)
    ]
    for path, schema in iter_schemas(workflow):
        problem = schema_problem(schema)
        if problem is not None:
            problems.append(f"{source.where((*path, 'document'))}: {problem}")
    if problems:
        raise PlaybookProblems(problems)
    return Playbook(workflow=workflow, data=data, text=text, origin=origin, source=source)


def _validation_problems(exc: ValidationError, data: Any, source: SourceMap) -> list[str]:
    problems: list[str] = []
    for error in exc.errors(include_url=False):
        path = _data_path(error["loc"])
        kind = error["type"]
        if kind == "extra_forbidden" and error["loc"]:
            # the last part is the author's key, even one that looks like a union tag
            name = error["loc"][-1]
            path = (*_data_path(error["loc"][:-1]), name)
            message = f"property '{name}' is not allowed here"
        elif kind == "missing":
            message = "required field is missing"
        elif kind == "string_pattern_mismatch":
            expected = _PATTERN_HINTS.get(str(path[-1]) if path else "", "the required form")
            message = f"'{error['input']}' is not {expected}"
        elif kind == "task_type" and isinstance(_lookup(data, path), dict):
            message = error["msg"]
            first_unknown = next(
                (
                    key
                    for key in _lookup(data, path)
                    if key not in ("if", "input", "output", "export", "timeout", "then", "metadata")
                ),
                None,
            )
            if first_unknown is not None:
                path = (*path, first_unknown)
        else:
            message = error["msg"].removeprefix("Value error, ")
        line = f"{source.where(path)}: {message}"
        if line not in problems:
            problems.append(line)
    return problems


_PATTERN_HINTS = {
    "dsl": "a semantic version such as 1.0.0",
    "version": "a semantic version such as 1.0.0",
    "name": "a name of letters, digits and hyphens (at most 63)",
    "namespace": "a name of letters, digits and hyphens (at most 63)",
}


def _data_path(loc: Sequence[int | str]) -> Path:
    """Drop the union tags pydantic puts in locations (they start with '#')."""
    return tuple(
        part for part in loc if not (isinstance(part, str) and part.startswith(("#", "function-")))
    )


def _lookup(data: Any, path: Path) -> Any:
    for part in path:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def _expression_problems(workflow: Workflow) -> Iterator[tuple[Path, str]]:
    for path, text in iter_expressions(workflow):
        try:
            check_expression(text)
        except ExpressionError as exc:
            yield path, str(exc)


def iter_expressions(value: Any, path: Path = ()) -> Iterator[tuple[Path, str]]:
    """Every runtime expression in a model tree with its path: ``${ … }`` strings anywhere,
    and the bare jq of fields that are always expressions (``if``, ``when``, ``for.in`` …).
    """
    if isinstance(value, BaseModel):
        always: frozenset[str] = getattr(type(value), "expression_fields", frozenset())
        for name, field in type(value).model_fields.items():
            item = getattr(value, name)
            if item is None:
                continue
            alias = field.alias or name
            if alias in always and isinstance(item, str):
                yield (*path, alias), item
            else:
                yield from iter_expressions(item, (*path, alias))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from iter_expressions(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from iter_expressions(item, (*path, index))
    elif is_runtime_expression(value):
        yield path, value


__all__ = ["Playbook", "PlaybookProblems", "iter_expressions", "load_playbook"]
