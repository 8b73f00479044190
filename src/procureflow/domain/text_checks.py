"""Is this text a database can keep as text? One answer for every way text comes in.

PostgreSQL refuses a NUL character in ``text`` and ``jsonb`` (SQLite keeps it), and no
driver can send a lone surrogate (half of a UTF-16 pair, which JSON's ``\\ud800`` escape
produces) or bytes that are not UTF-8. Text from outside is checked where it is decoded,
so that it is refused with a message naming where it was, not by the database with a
server error. Binary content (an uploaded PDF, a mail's attachment) is not text and is
not checked here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from procureflow.errors import InvalidText

_BAD_CHAR = re.compile("[\x00\ud800-\udfff]")


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as text, or None when it can."""
    found = _BAD_CHAR.search(value)
    if found is None:
        return None
    char = found.group()
    where = f"at character {found.start()}"
    if char == "\x00":
        return f"contains a NUL character {where}"
    return f"contains a lone surrogate U+{ord(char):04X} {where} (not a Unicode character)"


def bytes_problem(data: bytes) -> str | None:
    """Why ``data`` is not storable UTF-8 text, or None when it is."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
    return text_problem(text)


def check_text(value: str, subject: str) -> str:
    """``value`` unchanged; :class:`InvalidText` naming ``subject`` when it cannot be stored."""
    problem = text_problem(value)
    if problem is not None:
        raise InvalidText(problem, subject=subject)
    return value


def decode_text(data: bytes, subject: str, *, encoding: str = "utf-8") -> str:
    """``data`` decoded (strictly) as text that can be stored; :class:`InvalidText` naming
    ``subject`` and the offending byte or character otherwise."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InvalidText(
            f"is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            subject=subject,
        ) from None
    return check_text(text, subject)


def bad_text_in(
    value: Any, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every place in a decoded JSON value (keys included) holding text that cannot be
    stored, as (path, problem), in document order. Iterative: a deeply nested document
    cannot exhaust the stack here."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            problem = text_problem(item)
            if problem is not None:
                yield where, problem
        elif isinstance(item, dict):
            children: list[tuple[Any, tuple[str | int, ...]]] = []
            for key, child in item.items():
                key_problem = text_problem(str(key))
                if key_problem is not None:
                    yield (*where, str(key)), f"its name {key_problem}"
                children.append((child, (*where, str(key))))
            stack.extend(reversed(children))
        elif isinstance(item, list):
            stack.extend(reversed([(child, (*where, i)) for i, child in enumerate(item)]))


__all__ = ["bad_text_in", "bytes_problem", "check_text", "decode_text", "text_problem"]
