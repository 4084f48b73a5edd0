"""Connection setup shared by the SQLite user directory and invitations."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from contactlib.exceptions import StorageError

if TYPE_CHECKING:
    import os


def open_table(
    database: str | os.PathLike[str], schema: str, *, timeout: float, what: str
) -> sqlite3.Connection:
    """Open *database* in autocommit mode and create *schema* if missing.

    The connection may be used from several threads; callers guard it with
    a lock of their own.

    Raises:
        StorageError: The file cannot be opened or the schema not created;
            the message names *what* and the path.
    """
    try:
        connection = sqlite3.connect(
            database,
            timeout=timeout,
            isolation_level=None,
            check_same_thread=False,
        )
        connection.row_factory = sqlite3.Row
        connection.executescript(schema)
    except sqlite3.Error as error:
        raise StorageError(
            f"cannot open the {what} in {str(database)!r}: {error}; check "
            "the path and its permissions"
        ) from error
    return connection
