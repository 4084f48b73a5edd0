"""Translation of driver errors into contactlib's exceptions.

Drivers differ in how they report a collision with a concurrent
transaction, so the check looks at each driver's own code: the SQLSTATE
for PostgreSQL drivers, the error number for MySQL drivers and the
message for SQLite.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import sqlalchemy as sa

from contactlib.exceptions import StorageError, TransientConflictError

if TYPE_CHECKING:
    from collections.abc import Iterator

# PostgreSQL: class 40 is "transaction rollback" (40001 serialization
# failure, 40P01 deadlock detected); 55P03 is "lock not available".
_PG_TRANSIENT_PREFIX = "40"
_PG_LOCK_NOT_AVAILABLE = "55P03"
# MySQL and MariaDB: 1205 lock wait timeout, 1213 deadlock found.
_MYSQL_TRANSIENT = frozenset({1205, 1213})
# SQLite reports SQLITE_BUSY and SQLITE_LOCKED with these messages.
_SQLITE_TRANSIENT = ("database is locked", "database table is locked")


def _sqlstate(original: BaseException | None) -> str | None:
    # psycopg 3 names it `sqlstate`, psycopg2 `pgcode`.
    for name in ("sqlstate", "pgcode"):
        value = getattr(original, name, None)
        if isinstance(value, str):
            return value
    return None


def translate(
    error: sa.exc.DBAPIError,
) -> StorageError | TransientConflictError:
    """Return the contactlib error for a driver error.

    The message names the driver's error class and code but never the
    statement or its parameters, which may hold personal data; the driver
    error stays available as ``__cause__`` when the caller raises the
    result ``from`` it.
    """
    original = error.orig
    name = type(original).__name__
    sqlstate = _sqlstate(original)
    if sqlstate is not None and (
        sqlstate.startswith(_PG_TRANSIENT_PREFIX)
        or sqlstate == _PG_LOCK_NOT_AVAILABLE
    ):
        return TransientConflictError(f"{name}, SQLSTATE {sqlstate}")
    args = getattr(original, "args", ())
    if args and isinstance(args[0], int) and args[0] in _MYSQL_TRANSIENT:
        return TransientConflictError(f"{name}, error {args[0]}")
    text = str(original)
    if any(text.startswith(marker) for marker in _SQLITE_TRANSIENT):
        return TransientConflictError(text)
    code = f", SQLSTATE {sqlstate}" if sqlstate else ""
    return StorageError(
        f"the database failed with {name}{code}; the transaction was "
        "rolled back, see the chained exception for the driver's message"
    )


@contextlib.contextmanager
def translated() -> Iterator[None]:
    """Raise contactlib errors in place of driver errors inside the block.

    `sqlalchemy.exc.IntegrityError` passes through unchanged, because
    only the adapter can tell which of its rules the failed write broke.
    """
    try:
        yield
    except sa.exc.IntegrityError:
        raise
    except sa.exc.DBAPIError as error:
        raise translate(error) from error
