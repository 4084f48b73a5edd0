"""Schema of the SQLite contact store, and its creation and migration.

The schema version is kept in the table ``contactlib_schema`` rather than
in ``PRAGMA user_version``, so that a host may keep contacts in a file
that contains its own tables and uses ``user_version`` for itself.
"""

from __future__ import annotations

import sqlite3

from contactlib._log import logger
from contactlib.exceptions import StorageError

SCHEMA_VERSION = 1
"""Version of the schema this release writes and reads."""

# Statements that create schema version 1, in order.  A later version
# adds a migration to `_MIGRATIONS` instead of changing these.
_CREATE_V1 = (
    """
    CREATE TABLE contactlib_schema (
        version INTEGER NOT NULL
    )
    """,
    """
    CREATE TABLE contact (
        contact_id   TEXT PRIMARY KEY NOT NULL,
        version      INTEGER NOT NULL CHECK (version >= 1),
        salutation   TEXT NOT NULL,
        first_name   TEXT NOT NULL,
        middle_name  TEXT NOT NULL,
        last_name    TEXT NOT NULL,
        designation  TEXT NOT NULL,
        gender       TEXT NOT NULL,
        company_name TEXT NOT NULL,
        department   TEXT NOT NULL,
        status       TEXT NOT NULL
                     CHECK (status IN ('Passive', 'Open', 'Replied')),
        user_id      TEXT,
        unsubscribed INTEGER NOT NULL CHECK (unsubscribed IN (0, 1)),
        extra_properties TEXT NOT NULL DEFAULT '[]'
                     CHECK (json_valid(extra_properties))
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE contact_email (
        contact_id  TEXT NOT NULL
                    REFERENCES contact (contact_id) ON DELETE CASCADE,
        position    INTEGER NOT NULL,
        address     TEXT NOT NULL,
        address_key TEXT NOT NULL,
        is_primary  INTEGER NOT NULL CHECK (is_primary IN (0, 1)),
        PRIMARY KEY (contact_id, position)
    ) WITHOUT ROWID
    """,
    """
    CREATE INDEX contact_by_user ON contact (user_id)
        WHERE user_id IS NOT NULL
    """,
    """
    CREATE INDEX contact_email_by_key
        ON contact_email (address_key, contact_id)
    """,
    """
    CREATE TABLE contact_phone (
        contact_id        TEXT NOT NULL
                          REFERENCES contact (contact_id) ON DELETE CASCADE,
        position          INTEGER NOT NULL,
        raw               TEXT NOT NULL,
        e164              TEXT,
        extension         TEXT,
        is_mobile         INTEGER NOT NULL CHECK (is_mobile IN (0, 1)),
        validated         INTEGER NOT NULL CHECK (validated IN (0, 1)),
        is_primary_phone  INTEGER NOT NULL CHECK (is_primary_phone IN (0, 1)),
        is_primary_mobile INTEGER NOT NULL
                          CHECK (is_primary_mobile IN (0, 1)),
        PRIMARY KEY (contact_id, position)
    ) WITHOUT ROWID
    """,
    """
    CREATE INDEX contact_phone_by_e164
        ON contact_phone (e164, contact_id) WHERE e164 IS NOT NULL
    """,
    """
    CREATE TABLE contact_link (
        contact_id TEXT NOT NULL
                   REFERENCES contact (contact_id) ON DELETE CASCADE,
        position   INTEGER NOT NULL,
        party_type TEXT NOT NULL,
        party_name TEXT NOT NULL,
        title      TEXT NOT NULL,
        is_primary INTEGER NOT NULL CHECK (is_primary IN (0, 1)),
        roles      TEXT NOT NULL CHECK (json_valid(roles)),
        PRIMARY KEY (contact_id, position)
    ) WITHOUT ROWID
    """,
    # One link per contact and party; also the index of the contacts of a
    # party, in contact_id order.
    """
    CREATE UNIQUE INDEX contact_link_by_party
        ON contact_link (party_type, party_name, contact_id)
    """,
    # At most one primary contact per party, whatever writes the file.
    """
    CREATE UNIQUE INDEX contact_link_primary
        ON contact_link (party_type, party_name) WHERE is_primary = 1
    """,
    "INSERT INTO contactlib_schema (version) VALUES (1)",
)

# Migrations from each version to the next, keyed by the version they
# start from.  Each runs in the transaction that opens the file.
_MIGRATIONS: dict[int, tuple[str, ...]] = {}


def ensure_schema(connection: sqlite3.Connection, path: str) -> None:
    """Create the schema in a new file, or migrate an older one.

    The caller has started a write transaction, so two processes opening
    a new file at once create the schema once.

    Raises:
        StorageError: The file was written by a newer contactlib, or
            contains tables that clash with the schema.
    """
    version = stored_version(connection)
    if version == SCHEMA_VERSION:
        return
    if version > SCHEMA_VERSION:
        raise StorageError(
            f"{path}: the contact schema is version {version}, but this "
            f"contactlib reads up to version {SCHEMA_VERSION}; upgrade "
            "contactlib"
        )
    if version == 0:
        _run(connection, path, _CREATE_V1)
        logger.debug("created contact schema version %d", 1)
        version = 1
    while version < SCHEMA_VERSION:
        _run(connection, path, _MIGRATIONS[version])
        version += 1
        connection.execute(
            "UPDATE contactlib_schema SET version = ?", (version,)
        )
        logger.debug("migrated contact schema to version %d", version)


def schema_is_current(connection: sqlite3.Connection) -> bool:
    """Return whether the file has the schema this release writes."""
    return stored_version(connection) == SCHEMA_VERSION


def has_tables(connection: sqlite3.Connection) -> bool:
    """Return whether the file has any table, contactlib's or another's."""
    found = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' LIMIT 1"
    ).fetchone()
    return found is not None


def stored_version(connection: sqlite3.Connection) -> int:
    """Return the contact schema version of the file; 0 when it has none."""
    found = connection.execute(
        "SELECT 1 FROM sqlite_master"
        " WHERE type = 'table' AND name = 'contactlib_schema'"
    ).fetchone()
    if found is None:
        return 0
    row = connection.execute(
        "SELECT max(version) FROM contactlib_schema"
    ).fetchone()
    return 0 if row is None or row[0] is None else int(row[0])


def _run(
    connection: sqlite3.Connection, path: str, statements: tuple[str, ...]
) -> None:
    for statement in statements:
        try:
            connection.execute(statement)
        except sqlite3.OperationalError as error:
            raise StorageError(
                f"{path}: cannot create the contact schema ({error}); "
                "keep contacts in a file of their own"
            ) from error
