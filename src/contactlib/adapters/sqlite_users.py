"""User directory in an SQLite database, for hosts without their own.

Most hosts implement `UserDirectory` over their existing accounts.  This
adapter keeps portal users in the table ``contactlib_portal_users``, so the
``contactlib`` command and small hosts can invite contacts without one.
It may share the database file of the contacts and invitations.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from typing import TYPE_CHECKING, Any, Self

from contactlib._log import logger
from contactlib._normalize import email_key
from contactlib._portal_model import PortalUser
from contactlib.adapters._sqlite_connect import open_table
from contactlib.exceptions import (
    StorageError,
    UserConflictError,
    UserNotFoundError,
)
from contactlib.ports import UserDirectory

if TYPE_CHECKING:
    import os
    from collections.abc import Iterator
    from types import TracebackType

__all__ = ["SQLiteUserDirectory"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS contactlib_portal_users (
    user_id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL DEFAULT '',
    enabled INTEGER NOT NULL DEFAULT 0
);
"""
_SELECT = (
    "SELECT user_id, email, full_name, enabled FROM contactlib_portal_users"
)


def _user(row: sqlite3.Row) -> PortalUser:
    return PortalUser(
        row["user_id"], row["email"], row["full_name"], bool(row["enabled"])
    )


class SQLiteUserDirectory(UserDirectory):
    """Portal users in one SQLite database file.

    New users get random hex ids.  A unique index on the lower-case
    address keeps one user per address, also across processes.

    Args:
        database: Path of the database file, created if missing, or
            ``":memory:"``.
        timeout: Seconds to wait for another connection's lock.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self, database: str | os.PathLike[str], *, timeout: float = 5.0
    ) -> None:
        """Open the database and create the table if it is missing."""
        self._lock = threading.Lock()
        self._connection = open_table(
            database, _SCHEMA, timeout=timeout, what="user table"
        )
        logger.debug("opened the user directory")

    def __enter__(self) -> Self:
        """Return the directory; `close` runs when the block ends."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the connection."""
        self.close()

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._connection.close()

    def _run(
        self, sql: str, parameters: tuple[Any, ...] = ()
    ) -> tuple[list[sqlite3.Row], int]:
        try:
            with self._lock:
                cursor = self._connection.execute(sql, parameters)
                return cursor.fetchall(), cursor.rowcount
        except sqlite3.Error as error:
            raise StorageError(
                f"the user directory failed: {error}"
            ) from error

    def find(self, user_id: str) -> PortalUser | None:
        """Return the user with *user_id*, or ``None``."""
        rows, _ = self._run(f"{_SELECT} WHERE user_id = ?", (user_id,))
        return _user(rows[0]) if rows else None

    def find_by_email(self, address: str) -> PortalUser | None:
        """Return the user with *address*, ignoring letter case."""
        rows, _ = self._run(
            f"{_SELECT} WHERE email_key = ?", (email_key(address),)
        )
        return _user(rows[0]) if rows else None

    def create_portal_user(
        self, address: str, *, full_name: str
    ) -> PortalUser:
        """Create a disabled user with *address*."""
        user = PortalUser(uuid.uuid4().hex, address, full_name)
        try:
            with self._lock:
                self._connection.execute(
                    "INSERT INTO contactlib_portal_users "
                    "(user_id, email, email_key, full_name) "
                    "VALUES (?, ?, ?, ?)",
                    (user.user_id, address, email_key(address), full_name),
                )
        except sqlite3.IntegrityError:
            holder = self.find_by_email(address)
            raise UserConflictError(
                holder.user_id if holder else "?"
            ) from None
        except sqlite3.Error as error:
            raise StorageError(
                f"the user directory failed: {error}"
            ) from error
        return user

    def enable(self, user_id: str) -> PortalUser:
        """Let the user log in."""
        _, changed = self._run(
            "UPDATE contactlib_portal_users SET enabled = 1 WHERE user_id = ?",
            (user_id,),
        )
        if changed == 0:
            raise UserNotFoundError(user_id)
        return self.get(user_id)

    def __iter__(self) -> Iterator[PortalUser]:
        """Iterate over the users, ordered by id."""
        rows, _ = self._run(f"{_SELECT} ORDER BY user_id")
        return iter([_user(row) for row in rows])
