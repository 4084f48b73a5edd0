"""Invitation store in an SQLite database, with the standard library only.

The store keeps its own table, ``contactlib_invitations``, so it can share
the database file of the SQLite contact repository or use a file of its
own.  Every write is one SQL statement in autocommit mode, so it is
atomic.  Accepting a token is one conditional ``UPDATE``, so a token works
once even with several processes on one file.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Self

from contactlib._log import logger
from contactlib._portal_model import Invitation
from contactlib.adapters._sqlite_connect import open_table
from contactlib.exceptions import (
    ConflictError,
    InvitationNotFoundError,
    StorageError,
)
from contactlib.ports import InvitationStore

if TYPE_CHECKING:
    import os
    from collections.abc import Iterator
    from types import TracebackType

__all__ = ["SQLiteInvitationStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS contactlib_invitations (
    invitation_id TEXT PRIMARY KEY,
    contact_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    email TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    sent_at TEXT,
    accepted_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX IF NOT EXISTS contactlib_invitations_open
    ON contactlib_invitations (contact_id) WHERE accepted_at IS NULL;
CREATE INDEX IF NOT EXISTS contactlib_invitations_created
    ON contactlib_invitations (created_at, invitation_id);
"""

_COLUMNS = (
    "invitation_id",
    "contact_id",
    "user_id",
    "email",
    "token_hash",
    "created_at",
    "expires_at",
    "sent_at",
    "accepted_at",
    "attempts",
    "last_error",
)
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM contactlib_invitations"  # noqa: S608


def _to_text(moment: datetime | None) -> str | None:
    # One fixed width in UTC, so text order is time order.
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _to_datetime(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _row(invitation: Invitation) -> dict[str, Any]:
    return {
        "invitation_id": invitation.invitation_id,
        "contact_id": invitation.contact_id,
        "user_id": invitation.user_id,
        "email": invitation.email,
        "token_hash": invitation.token_hash,
        "created_at": _to_text(invitation.created_at),
        "expires_at": _to_text(invitation.expires_at),
        "sent_at": _to_text(invitation.sent_at),
        "accepted_at": _to_text(invitation.accepted_at),
        "attempts": invitation.attempts,
        "last_error": invitation.last_error,
    }


def _invitation(row: sqlite3.Row) -> Invitation:
    created_at = _to_datetime(row["created_at"])
    expires_at = _to_datetime(row["expires_at"])
    assert created_at is not None  # noqa: S101 - NOT NULL column
    assert expires_at is not None  # noqa: S101 - NOT NULL column
    return Invitation(
        invitation_id=row["invitation_id"],
        contact_id=row["contact_id"],
        user_id=row["user_id"],
        email=row["email"],
        token_hash=row["token_hash"],
        created_at=created_at,
        expires_at=expires_at,
        sent_at=_to_datetime(row["sent_at"]),
        accepted_at=_to_datetime(row["accepted_at"]),
        attempts=row["attempts"],
        last_error=row["last_error"],
    )


class SQLiteInvitationStore(InvitationStore):
    """Invitation store in one SQLite database file.

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
            database, _SCHEMA, timeout=timeout, what="invitation table"
        )
        logger.debug("opened the invitation store")

    def __enter__(self) -> Self:
        """Return the store; `close` runs when the block ends."""
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
        self, sql: str, parameters: dict[str, Any] | tuple[Any, ...] = ()
    ) -> tuple[list[sqlite3.Row], int]:
        """Run one statement; return its rows and the rows it changed."""
        try:
            with self._lock:
                cursor = self._connection.execute(sql, parameters)
                return cursor.fetchall(), cursor.rowcount
        except sqlite3.IntegrityError as error:
            raise ConflictError(
                f"the invitation conflicts with a stored one ({error}): a "
                "contact has one open invitation and each token is unique; "
                "send the open invitation again"
            ) from error
        except sqlite3.Error as error:
            raise StorageError(
                f"the invitation store failed: {error}"
            ) from error

    def add(self, invitation: Invitation) -> Invitation:
        """Store a new invitation."""
        names = ", ".join(_COLUMNS)
        values = ", ".join(f":{name}" for name in _COLUMNS)
        self._run(
            f"INSERT INTO contactlib_invitations ({names}) "  # noqa: S608
            f"VALUES ({values})",
            _row(invitation),
        )
        return invitation

    def save(self, invitation: Invitation) -> Invitation:
        """Replace a stored invitation."""
        assignments = ", ".join(f"{name} = :{name}" for name in _COLUMNS[1:])
        _, changed = self._run(
            f"UPDATE contactlib_invitations SET {assignments} "  # noqa: S608
            "WHERE invitation_id = :invitation_id",
            _row(invitation),
        )
        if changed == 0:
            raise InvitationNotFoundError(invitation.invitation_id)
        return invitation

    def mark_accepted(
        self, invitation_id: str, token_hash: str, at: datetime
    ) -> bool:
        """Set ``accepted_at`` if unused and *token_hash* is current."""
        _, changed = self._run(
            "UPDATE contactlib_invitations SET accepted_at = ? "
            "WHERE invitation_id = ? AND token_hash = ? "
            "AND accepted_at IS NULL",
            (_to_text(at), invitation_id, token_hash),
        )
        return changed == 1

    def _find_one(self, where: str, value: str) -> Invitation | None:
        rows, _ = self._run(f"{_SELECT} WHERE {where}", (value,))
        return _invitation(rows[0]) if rows else None

    def find(self, invitation_id: str) -> Invitation | None:
        """Return the invitation with *invitation_id*, or ``None``."""
        return self._find_one("invitation_id = ?", invitation_id)

    def find_by_token_hash(self, token_hash: str) -> Invitation | None:
        """Return the invitation whose current token has this hash."""
        return self._find_one("token_hash = ?", token_hash)

    def find_open(self, contact_id: str) -> Invitation | None:
        """Return the contact's invitation that is not accepted."""
        return self._find_one(
            "contact_id = ? AND accepted_at IS NULL", contact_id
        )

    def __iter__(self) -> Iterator[Invitation]:
        """Iterate over all invitations, by creation time, then id."""
        rows, _ = self._run(f"{_SELECT} ORDER BY created_at, invitation_id")
        return iter([_invitation(row) for row in rows])
