"""Load a policy from YAML: validate, compile every CEL expression, compute the digest.

Every problem is one :class:`~procureflow.errors.PolicyInvalid` that names the file, the
line where it can be found, and the field (``default.yaml:42: guardrails[3].outcome: …``).
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from procureflow.domain.canonical import digest
from procureflow.domain.yaml_size import TooLarge, expanded_size
from procureflow.errors import ExpressionError, PolicyInvalid
from procureflow.policies.cel import CompiledExpression, compile_expression
from procureflow.policies.model import PolicyDocument

MAX_POLICY_BYTES = 1_000_000
_PATH_PREFIX = re.compile(r"^([A-Za-z_]+(?:\[\d+\]|\.[A-Za-z_]+)*): ")


class _DecimalLoader(yaml.SafeLoader):
    """Safe YAML whose decimals are read as ``Decimal`` so tier edges stay exact."""


def _decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        return Decimal(text)
    except ArithmeticError:
        return loader.construct_yaml_float(node)


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal)


class Policy:
    """A validated policy with its guardrails' CEL compiled, identified by its digest."""

    def __init__(self, document: PolicyDocument, origin: str, source: str | None = None) -> None:
        self.document = document
        self.origin = origin
        self.source = source
        self.conditions: dict[str, CompiledExpression] = {}
        for index, guard in enumerate(document.guardrails):
            try:
                self.conditions[guard.name] = compile_expression(
                    guard.when, where=f"guardrail {guard.name!r}"
                )
            except ExpressionError as exc:
                raise PolicyInvalid(
                    f"guardrails[{index}].when: {exc}", subject=_where(origin, source, guard.when)
                ) from exc

    @property
    def name(self) -> str:
        """The policy's name."""
        return self.document.name

    @property
    def version(self) -> str:
        """The policy's version as written."""
        return self.document.version

    @cached_property
    def digest(self) -> str:
        """SHA-256 of the canonical validated content: comments and layout do not count.

        Stored with every guard decision, it says exactly which rules decided.
        """
        return digest(self.document.model_dump(mode="json"))

    def to_json(self) -> dict[str, Any]:
        """The validated policy as JSON data, with name, version, digest and origin."""
        return {
            "origin": self.origin,
            "digest": self.digest,
            **self.document.model_dump(mode="json"),
        }


def load_policy(text: str, origin: str = "<string>") -> Policy:
    """Parse, validate and compile a policy from YAML ``text``; ``origin`` names it in errors."""
    if len(text.encode("utf-8", "replace")) > MAX_POLICY_BYTES:
        raise PolicyInvalid(f"larger than {MAX_POLICY_BYTES} bytes", subject=origin)
    try:
        root = yaml.compose(text, Loader=_DecimalLoader)
        if root is not None:
            expanded_size(root)  # before building data an alias could blow up
        data = yaml.load(text, Loader=_DecimalLoader)  # noqa: S506 - a SafeLoader subclass
    except TooLarge as exc:
        raise PolicyInvalid(f"the document {exc}", subject=origin) from None
    except RecursionError:
        raise PolicyInvalid("the document is nested too deeply", subject=origin) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise PolicyInvalid(f"malformed YAML: {problem}", subject=f"{origin}{line}") from exc
    _refuse_duplicate_keys(root, origin)
    if not isinstance(data, dict):
        raise PolicyInvalid(
            "a policy must be a YAML mapping (name, version, roles, …)", subject=origin
        )
    try:
        document = PolicyDocument.model_validate(data)
    except ValidationError as exc:
        raise _first_error(exc, origin, root) from exc
    return Policy(document, origin, text)


def load_policy_file(path: Path) -> Policy:
    """Load the policy in ``path``; the file name appears in every error."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise PolicyInvalid("no such file", subject=str(path)) from exc
    except IsADirectoryError as exc:
        raise PolicyInvalid("is a directory, not a policy file", subject=str(path)) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PolicyInvalid("not UTF-8 text", subject=str(path)) from exc
    return load_policy(text, origin=str(path))


@lru_cache(maxsize=1)
def load_default_policy() -> Policy:
    """The policy shipped with ProcureFlow (``policies/builtin/default.yaml``)."""
    source = resources.files("procureflow.policies").joinpath("builtin/default.yaml")
    return load_policy(source.read_text(encoding="utf-8"), origin="builtin:default.yaml")


def _refuse_duplicate_keys(node: yaml.Node | None, origin: str) -> None:
    """YAML keeps the last of two equal keys silently; in a policy that hides a rule."""
    pending = [node] if node is not None else []
    visited: set[int] = set()  # an alias points at a node already seen: walk it once
    while pending:
        current = pending.pop()
        if id(current) in visited:
            continue
        visited.add(id(current))
        if isinstance(current, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in current.value:
                name = str(key.value)
                if name in seen:
                    raise PolicyInvalid(
                        f"duplicate key {name!r} in one mapping",
                        subject=f"{origin}:{key.start_mark.line + 1}",
                    )
                seen.add(name)
                pending.append(value)
        elif isinstance(current, yaml.SequenceNode):
            pending.extend(current.value)


def load_active_policy(path: Path | str | None = None) -> Policy:
    """The policy to run with: the file an operator configured, else the built-in default.

    Loaded and validated at start-up, so a broken policy file stops the process with one
    line instead of failing the first guard of the first playbook.
    """
    if path is None or str(path).strip() == "":
        return load_default_policy()
    return load_policy_file(Path(path))


def _first_error(exc: ValidationError, origin: str, root: yaml.Node | None) -> PolicyInvalid:
    error = exc.errors()[0]
    loc = [part for part in error["loc"] if not _is_validator_tag(part)]
    message = str(error["msg"]).removeprefix("Value error, ")
    # a check across the document names its own field path: "a.b[0].c: message"
    if not loc and (found := _PATH_PREFIX.match(message)):
        loc = [int(p) if p.isdigit() else p for p in re.findall(r"[A-Za-z_]+|\d+", found[1])]
        message = message[found.end() :]
    field = _dotted(loc)
    if error["type"] == "missing":
        message = "required field is missing"
    elif error["type"] == "extra_forbidden":
        message = "unknown field"
    elif error["type"] == "enum" and loc and loc[-1] == "outcome":
        message = f"unknown outcome {error.get('input')!r}: use allow, require_approval or deny"
    line = _line_of(root, loc)
    subject = f"{origin}:{line}" if line else origin
    extra = f" ({exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return PolicyInvalid(f"{field or 'policy'}: {message}{extra}", subject=subject)


def _is_validator_tag(part: object) -> bool:
    # pydantic adds the union member tried ("str", "list[...]") to a location
    return isinstance(part, str) and (part in {"str", "float", "decimal"} or "[" in part)


def _dotted(loc: list[int | str]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _line_of(root: yaml.Node | None, loc: list[int | str]) -> int | None:
    """The 1-based line of the deepest YAML node that ``loc`` reaches."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        child = _child(node, part)
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line


def _child(node: yaml.Node | None, part: int | str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if str(key.value) == str(part):
                found: yaml.Node = value
                return found
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        item: yaml.Node = node.value[part]
        return item
    return None


def _where(origin: str, source: str | None, needle: str) -> str:
    if source:
        for number, text in enumerate(source.splitlines(), start=1):
            if needle.strip() and needle.strip().splitlines()[0] in text:
                return f"{origin}:{number}"
    return origin


__all__ = [
    "MAX_POLICY_BYTES",
    "Policy",
    "load_active_policy",
    "load_default_policy",
    "load_policy",
    "load_policy_file",
]
