"""Transactions on an engine or on a host's connection."""

from __future__ import annotations

import contextlib
import threading
from typing import TYPE_CHECKING

from sqlalchemy.engine import Connection

from contactlib.adapters._sqlalchemy_errors import translated

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sqlalchemy.engine import Engine


class BoundToDatabase:
    """Base of the SQLAlchemy adapters: runs their statements in transactions.

    With an engine, each thread gets its own connection for the duration
    of its outermost block.  With a connection, every block runs on it,
    as a savepoint when the connection is already in a transaction.
    """

    def __init__(self, bind: Engine | Connection) -> None:
        """Use *bind* for every block."""
        self._bind = bind
        self._local = threading.local()

    @contextlib.contextmanager
    def _begin(self, *, savepoint: bool = True) -> Iterator[Connection]:
        """Open a transaction, or a savepoint inside an open one.

        Reads and writes that cannot fail half-way pass
        ``savepoint=False``: inside an open transaction they need no
        savepoint, because they leave nothing to undo.
        """
        with translated():
            connection = getattr(self._local, "connection", None)
            if connection is None and isinstance(self._bind, Connection):
                connection = self._bind
            if connection is None:
                yield from self._begin_outermost()
            elif not connection.in_transaction():
                with connection.begin():
                    yield connection
            elif savepoint:
                with connection.begin_nested():
                    yield connection
            else:
                yield connection

    def _read(self) -> contextlib.AbstractContextManager[Connection]:
        return self._begin(savepoint=False)

    def _begin_outermost(self) -> Iterator[Connection]:
        engine = self._bind
        assert not isinstance(engine, Connection)  # noqa: S101
        with engine.connect() as connection:
            self._local.connection = connection
            try:
                with connection.begin():
                    yield connection
            finally:
                self._local.connection = None
