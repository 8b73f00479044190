"""Engines chosen by URL, with the SQLite settings a multi-threaded durable runtime needs."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from procureflow.errors import ConfigError


def is_sqlite(url: str) -> bool:
    """True for ``sqlite:`` URLs."""
    return url.startswith("sqlite")


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` as shorthand for the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    if not (is_sqlite(url) or url.startswith("postgresql+psycopg")):
        raise ConfigError(
            f"unsupported database URL {url.split(':', 1)[0]!r}: use sqlite:///FILE "
            "or postgresql+psycopg://USER@HOST/DB"
        )
    return url


def _prepare_sqlite(dbapi_conn: Any, _record: Any) -> None:
    # WAL lets readers (dashboard, CLI) run while workers write; IMMEDIATE makes a writer
    # take the lock at BEGIN so two writers wait for each other instead of failing on
    # upgrade; busy_timeout rides out that wait; NORMAL is durable against process crashes
    # in WAL mode, which is what a workflow engine needs (DBOS keeps its own checkpoints).
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# Every transaction starts IMMEDIATE, reads included: simple and deadlock-free between
# processes, at the price that a read waits for a running write. Code must therefore
# never open a second connection while its own write transaction is open.
def _begin_immediate(conn: sa.Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(
    url: str, *, pool_size: int = 5, max_overflow: int = 5, **kwargs: Any
) -> sa.Engine:
    """An engine for ``url``; SQLite gets WAL, busy_timeout, foreign keys and IMMEDIATE.
    On PostgreSQL the pool holds ``pool_size`` connections and opens at most
    ``max_overflow`` more at a peak (the process's share of the connection budget)."""
    url = normalise_url(url)
    if is_sqlite(url):
        engine = sa.create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )
        event.listen(engine, "connect", _prepare_sqlite)
        event.listen(engine, "begin", _begin_immediate)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_timeout", 30)
    return sa.create_engine(url, pool_size=pool_size, max_overflow=max_overflow, **kwargs)


def _prepare_dbos_sqlite(dbapi_conn: Any, _record: Any) -> None:
    # The durable engine manages its own transactions: pysqlite opens them as IMMEDIATE
    # and the engine issues an explicit BEGIN IMMEDIATE in its migrations, so no begin
    # hook here; only the pragmas that make it fast and safe beside our writers.
    dbapi_conn.isolation_level = "IMMEDIATE"
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_workflow_engine(url: str) -> sa.Engine:
    """The engine the durable workflow engine (DBOS) uses for its own tables on SQLite."""
    engine = sa.create_engine(
        normalise_url(url), connect_args={"check_same_thread": False, "timeout": 30}
    )
    event.listen(engine, "connect", _prepare_dbos_sqlite)
    return engine


__all__ = ["create_engine", "create_workflow_engine", "is_sqlite", "normalise_url"]
