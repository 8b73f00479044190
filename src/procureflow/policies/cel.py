"""CEL for guardrails: compile once at load time, evaluate against facts.

How Python facts become CEL values (the same rule everywhere, documented for policy
authors in ``docs/policies.md``):

* ``bool`` → ``bool``; ``str`` → ``string``; ``None`` → ``null``.
* Every number — ``int``, ``float``, ``Decimal`` — becomes a CEL ``double``. Comparisons
  and arithmetic between an ``int`` literal and a ``double`` are numeric (CEL's
  heterogeneous numeric comparison), so ``action.extra_cost.amount > 10000`` works.
* A :class:`~procureflow.domain.money.Money`, or a map with exactly ``amount`` and
  ``currency`` (the JSON form of Money, whose amount is a string), becomes a map
  ``{amount: double, currency: string}``.
* ``datetime`` becomes an RFC 3339 UTC string (``2026-03-01T09:30:00Z``) and ``date`` an
  ISO string (``2026-03-01``): compare them with ``timestamp(...)`` or as strings.
* Mappings become maps, lists and tuples become lists; pydantic models are dumped first.

:func:`jsonable_facts` writes facts in a JSON form that converts to the *same* CEL values,
so a recorded guard decision replays exactly (exact amounts stay strings in Money maps).
"""

from __future__ import annotations

import logging
import operator
import threading
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from typing import Any

import celpy
from celpy import celtypes
from celpy.celparser import CELParseError
from celpy.evaluation import CELEvalError, base_functions

from procureflow.domain.clock import as_utc
from procureflow.domain.money import Money
from procureflow.errors import ExpressionError, InvalidInput

# cel-python reports evaluation problems through logging as well as through its return
# value; without a handler Python would print them on stderr and break one-line errors.
logging.getLogger("celpy").addHandler(logging.NullHandler())
logging.getLogger("celpy").propagate = False

_NUMBER = (celtypes.IntType, celtypes.UintType, celtypes.DoubleType)


# cel-python's parser is one shared Lark instance that keeps the text being parsed on
# itself; policies and trigger filters may be compiled from several threads at once.
_COMPILE_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _environment() -> celpy.Environment:
    # Building the parser costs ~0.2 s; one environment serves every expression.
    return celpy.Environment()


def _numeric(op: Callable[[Any, Any], Any], wrap: Callable[[Any], Any]) -> Callable[..., Any]:
    """An operator that treats int and double alike, and leaves every other type to CEL."""

    def apply(left: Any, right: Any) -> Any:
        if isinstance(left, CELEvalError):
            return left
        if isinstance(right, CELEvalError):
            return right
        mixed = (
            isinstance(left, _NUMBER)
            and isinstance(right, _NUMBER)
            and not (isinstance(left, celtypes.BoolType) or isinstance(right, celtypes.BoolType))
            and type(left) is not type(right)
        )
        if mixed:
            return wrap(op(float(left), float(right)))
        return _STANDARD[op](left, right)

    return apply


def _standard(name: str) -> Callable[[Any, Any], Any]:
    function = base_functions[name]
    assert callable(function)
    return function


_OPERATORS: dict[str, tuple[Callable[[Any, Any], Any], Callable[[Any], Any]]] = {
    "_<_": (operator.lt, celtypes.BoolType),
    "_<=_": (operator.le, celtypes.BoolType),
    "_>_": (operator.gt, celtypes.BoolType),
    "_>=_": (operator.ge, celtypes.BoolType),
    "_==_": (operator.eq, celtypes.BoolType),
    "_!=_": (operator.ne, celtypes.BoolType),
    "_+_": (operator.add, celtypes.DoubleType),
    "_-_": (operator.sub, celtypes.DoubleType),
    "_*_": (operator.mul, celtypes.DoubleType),
    "_/_": (operator.truediv, celtypes.DoubleType),
}
_STANDARD: dict[Callable[[Any, Any], Any], Callable[[Any, Any], Any]] = {
    op: _standard(name) for name, (op, _wrap) in _OPERATORS.items()
}
_FUNCTIONS = {name: _numeric(op, wrap) for name, (op, wrap) in _OPERATORS.items()}


class CompiledExpression:
    """A CEL expression compiled once; :meth:`evaluate` runs it against converted facts."""

    def __init__(self, text: str, program: Any) -> None:
        self.text = text
        self._program = program

    def evaluate(self, activation: Mapping[str, Any]) -> Any:
        """The CEL result for ``activation`` (already converted by :func:`to_cel`).

        Raises :class:`ExpressionError` when the expression cannot be evaluated for these
        facts (a missing field, a type mismatch, a division by zero).
        """
        try:
            result = self._program.evaluate(dict(activation))
        except CELEvalError as exc:
            raise ExpressionError(_eval_message(exc)) from exc
        except (TypeError, ValueError, ArithmeticError, KeyError) as exc:
            raise ExpressionError(f"{type(exc).__name__}: {exc}") from exc
        if isinstance(result, CELEvalError):
            raise ExpressionError(_eval_message(result))
        return result


def compile_expression(text: str, *, where: str) -> CompiledExpression:
    """Compile ``text``; a syntax error names ``where`` (e.g. the guardrail) and the text."""
    try:
        with _COMPILE_LOCK:
            ast = _environment().compile(text)
            program = _environment().program(ast, functions=_FUNCTIONS)
        _refuse_unknown_functions(ast, text, where)
    except CELParseError as exc:
        raise ExpressionError(
            f"{where}: CEL syntax error in {text!r}: {_syntax_detail(exc, text)}"
        ) from exc
    except ExpressionError:
        raise
    except Exception as exc:  # cel-python raises bare lark errors for some inputs
        raise ExpressionError(f"{where}: CEL cannot compile {text!r}: {exc}") from exc
    return CompiledExpression(text, program)


_MACROS = {"has", "all", "exists", "exists_one", "map", "filter", "dyn"}
_KNOWN_FUNCTIONS = _MACROS | {
    name for name in base_functions if not (name.startswith("_") or name.endswith("_"))
}


def _refuse_unknown_functions(ast: Any, text: str, where: str) -> None:
    """CEL would only fail when a guard runs; a misspelt function is a load-time error."""
    for node in ast.iter_subtrees():
        if node.data not in ("ident_arg", "member_dot_arg"):
            continue
        name = next(
            (str(child) for child in node.children if getattr(child, "type", "") == "IDENT"), ""
        )
        if name and name not in _KNOWN_FUNCTIONS:
            raise ExpressionError(f"{where}: unknown CEL function {name!r} in {text!r}")


def _syntax_detail(error: CELParseError, text: str) -> str:
    """Where the parser stopped, as a column and the text found there."""
    cause = error.__context__
    token = getattr(cause, "token", None)
    if getattr(token, "type", None) == "$END":
        return "the expression ends too early"
    column = getattr(error, "column", None)
    if not isinstance(column, int) or column < 1:
        return "incomplete or malformed expression"
    found = text[column - 1 : column + 11].strip()
    if not found:
        return f"unexpected end of expression at column {column}"
    return f"unexpected {found!r} at column {column}"


def _eval_message(error: CELEvalError) -> str:
    text = str(error.args[0]) if error.args else str(error)
    if "no such member" in text or "no such key" in text:
        missing = text.split(":", 1)[-1].strip()
        return f"fact {missing} is missing"
    return " ".join(text.split())


def _money_like(value: Mapping[Any, Any]) -> bool:
    return set(value) == {"amount", "currency"} and isinstance(value.get("currency"), str)


def to_cel(value: Any, *, path: str = "facts") -> Any:
    """Convert a Python fact to its CEL value following the rules in the module docstring."""
    if value is None:
        return None
    if isinstance(value, bool):
        return celtypes.BoolType(value)
    if isinstance(value, Enum):
        return to_cel(value.value, path=path)
    if isinstance(value, int | float | Decimal):
        return celtypes.DoubleType(float(value))
    if isinstance(value, str):
        return celtypes.StringType(value)
    if isinstance(value, Money):
        return to_cel(value.to_json(), path=path)
    if isinstance(value, datetime | date):
        return celtypes.StringType(_time_text(value))
    if hasattr(value, "model_dump"):
        return to_cel(value.model_dump(mode="python"), path=path)
    if isinstance(value, Mapping):
        if _money_like(value):
            amount = _number(value["amount"], path=f"{path}.amount")
            return celtypes.MapType(
                {
                    celtypes.StringType("amount"): celtypes.DoubleType(float(amount)),
                    celtypes.StringType("currency"): celtypes.StringType(value["currency"]),
                }
            )
        return celtypes.MapType(
            {
                celtypes.StringType(str(key)): to_cel(item, path=f"{path}.{key}")
                for key, item in value.items()
            }
        )
    if isinstance(value, list | tuple):
        return celtypes.ListType(
            [to_cel(item, path=f"{path}[{i}]") for i, item in enumerate(value)]
        )
    raise InvalidInput(f"{path}: a {type(value).__name__} cannot be a guard fact")


def jsonable_facts(value: Any) -> Any:
    """Facts as plain JSON that :func:`to_cel` turns into the same CEL values.

    Money keeps its exact amount as a string; bare numbers become JSON numbers; times
    become the same strings CEL sees. This is what guard decisions are recorded with.
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, Enum):
        return jsonable_facts(value.value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, Decimal):
        return (
            int(value)
            if value == value.to_integral_value() and abs(value) < 2**53
            else float(value)
        )
    if isinstance(value, Money):
        return value.to_json()
    if isinstance(value, datetime | date):
        return _time_text(value)
    if hasattr(value, "model_dump"):
        return jsonable_facts(value.model_dump(mode="python"))
    if isinstance(value, Mapping):
        if _money_like(value):
            return {"amount": str(value["amount"]), "currency": value["currency"]}
        return {str(key): jsonable_facts(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable_facts(item) for item in value]
    raise InvalidInput(f"a {type(value).__name__} cannot be a guard fact")


def _number(value: Any, *, path: str) -> Decimal:
    if isinstance(value, bool):
        raise InvalidInput(f"{path} must be a number, not a boolean")
    try:
        return Decimal(str(value))
    except ArithmeticError as exc:
        raise InvalidInput(f"{path} is not a number: {value!r}") from exc


def _time_text(value: date) -> str:
    if isinstance(value, datetime):
        return as_utc(value).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def activation(facts: Mapping[str, Any]) -> dict[str, Any]:
    """The top-level CEL variables for ``facts``: one per key, converted."""
    return {str(key): to_cel(value, path=str(key)) for key, value in facts.items()}


__all__ = ["CompiledExpression", "activation", "compile_expression", "jsonable_facts", "to_cel"]
