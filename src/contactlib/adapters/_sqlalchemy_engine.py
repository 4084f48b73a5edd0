"""An engine for SQLite files that behaves under concurrent writers."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


def create_sqlite_engine(
    path: str | os.PathLike[str], *, busy_timeout: float = 10.0
) -> Engine:
    """Create an engine for a SQLite file, ready for several processes.

    Python's `sqlite3` module starts transactions lazily and not at all
    for savepoints, so the engine takes over: every transaction starts
    with ``BEGIN IMMEDIATE``, which takes the write lock at once, so two
    writers queue up instead of failing when both try to upgrade a read
    lock.  The engine also turns on write-ahead logging (readers do not
    block the writer) and foreign keys.

    Args:
        path: The database file; it is created if missing.
        busy_timeout: Seconds to wait for another process's write lock
            before `TransientConflictError` is raised.

    Returns:
        A new engine; dispose of it when done.

    .. versionadded:: 0.1.0
    """
    engine = sa.create_engine(
        f"sqlite:///{os.fspath(path)}",
        connect_args={"timeout": busy_timeout},
    )

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: object) -> None:  # noqa: ANN401
        # Leave transaction control to the "begin" listener below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
