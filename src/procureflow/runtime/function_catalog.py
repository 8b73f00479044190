"""Where the product's custom functions come from. Add a line here when adding a module
that exposes a factory ``(services) -> list[FunctionSpec]``."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from procureflow.runtime.ports import FunctionSpec
    from procureflow.runtime.services import Services

# "module:factory" — each factory returns the FunctionSpecs of one area.
FUNCTION_FACTORIES: list[str] = [
    "procureflow.runtime.builtin_functions:make_core_functions",
    "procureflow.runtime.exception_functions:make_exception_functions",
    "procureflow.runtime.disruption_functions:make_disruption_functions",
    "procureflow.runtime.payables_functions:make_payables_functions",
]


def product_functions(svc: Services) -> list[FunctionSpec]:
    """Every custom function the product ships."""
    specs: list[FunctionSpec] = []
    for entry in FUNCTION_FACTORIES:
        module, _, name = entry.partition(":")
        factory: Callable[[Services], list[FunctionSpec]] = getattr(
            importlib.import_module(module), name
        )
        specs.extend(factory(svc))
    return specs


__all__ = ["FUNCTION_FACTORIES", "product_functions"]
