"""The dependency direction of STYLE.md, enforced by walking every module's imports.

``domain`` ← ``agents``, ``playbooks``, ``documents``, ``policies`` ← ``runtime`` ←
``api``, ``web``, ``cli``. Only ``adapters`` (and the composition root) import
SQLAlchemy, HTTP clients or mail libraries; ``domain`` imports no framework at all.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[3] / "src" / "procureflow"

LAYER_OF = {
    "domain": 0,
    "errors": 0,
    "agents": 1,
    "playbooks": 1,
    "documents": 1,
    "policies": 1,
    "runtime": 2,
    "api": 3,
    "web": 3,
    "cli": 3,
}
# Libraries only adapters (and the composition root, CLI and API wiring) may import.
INFRASTRUCTURE = (
    "sqlalchemy",
    "alembic",
    "psycopg",
    "httpx",
    "requests",
    "smtplib",
    "aiosmtpd",
    "imaplib",
)
DOMAIN_ALLOWED_THIRD_PARTY = ("pydantic",)


def _imports(path: Path) -> list[str]:
    """Imports that run (those under ``if TYPE_CHECKING:`` are for annotations only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_only: set[int] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.If)
            and isinstance(node.test, ast.Name)
            and node.test.id == "TYPE_CHECKING"
        ):
            type_only.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    names: list[str] = []
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "migrations" not in p.parts)


def _top(path: Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0].removesuffix(".py")


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_module_respects_the_dependency_direction(path: Path) -> None:
    layer = _top(path)
    problems = []
    for name in _imports(path):
        if name.startswith("procureflow."):
            target = name.split(".")[1]
            if layer == "adapters":
                if target in ("api", "web", "cli") or (
                    target == "runtime" and name != "procureflow.runtime.ports"
                ):
                    problems.append(f"adapters must not import {name}")
            elif layer in LAYER_OF and target in LAYER_OF and LAYER_OF[target] > LAYER_OF[layer]:
                problems.append(f"{layer} (layer {LAYER_OF[layer]}) imports {name}")
            elif layer == "domain" and target not in ("domain", "errors"):
                problems.append(f"domain imports {name}")
            elif (
                layer in ("agents", "playbooks", "documents", "policies", "domain")
                and target == "adapters"
            ):
                problems.append(f"{layer} imports the adapter {name}; use a port")
        else:
            root = name.split(".")[0]
            if (
                layer in ("domain", "agents", "playbooks", "policies", "documents", "runtime")
                and root in INFRASTRUCTURE
            ):
                problems.append(f"{layer} imports {root}; only adapters may")
            if (
                layer == "domain"
                and root not in DOMAIN_ALLOWED_THIRD_PARTY
                and not _is_stdlib(root)
            ):
                problems.append(f"domain imports the library {root}")
    assert not problems, "; ".join(problems)


def _is_stdlib(root: str) -> bool:
    import sys

    return root in sys.stdlib_module_names or root == "__future__"
