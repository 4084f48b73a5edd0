"""SQLite contact repository, on the standard library's `sqlite3` module.

The embedded default store: one file, safe to share between the threads
of a process and between processes.  See the storage docs for the
schema and for what is enforced where.

Each thread gets its own connection, made on its first call and closed
when the thread ends or the repository is closed.  Writes run in
``BEGIN IMMEDIATE`` transactions, so writers queue on the file's write
lock (up to *timeout* seconds) instead of failing on a stale snapshot.
The file is in WAL mode, so readers in other threads and processes are
not blocked by a writer and read the last committed state.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import sqlite3
import threading
import weakref
from typing import TYPE_CHECKING

from contactlib._log import logger
from contactlib._model import with_version
from contactlib.adapters import _sqlite_rows as rows
from contactlib.adapters._sqlite_schema import (
    ensure_schema,
    schema_is_current,
    stored_version,
)
from contactlib.exceptions import (
    ContactlibError,
    ContactNotFoundError,
    DuplicateContactError,
    PrimaryContactConflictError,
    StorageError,
    VersionConflictError,
)
from contactlib.ports import ContactRepository

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from contactlib._model import Contact
    from contactlib._values import PartyRef

__all__ = ["SqliteContactRepository"]

_PAGE_SIZE = 500
_LOCK_ERROR_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})
# Parties per statement in find_by_parties.  Two parameters per party
# stay below 999, the parameter limit of SQLite before 3.32.
_PARTIES_PER_STATEMENT = 450


class _ThreadState:
    """The connection of one thread and its open transaction depth."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self.depth = 0


class SqliteContactRepository(ContactRepository):
    """Contact repository in an SQLite file.

    The schema is created when the file is first opened, unless
    *create* is false.  One instance serves every thread of a process.
    Close it, or use it in a ``with`` block, when done.

    Args:
        path: The database file; created if missing.  ``":memory:"``
            gives a private in-memory database per thread, which is only
            useful in single-threaded tests.
        timeout: Seconds a write waits for another connection's write
            transaction to end before it fails with `StorageError`.
        create: Whether to create the file and the contact schema when
            they are missing.  With ``False``, a missing file or a file
            without the contact schema raises `StorageError`, and such a
            file is left unchanged.  Use it to open a database that must
            already hold contacts.

    Raises:
        StorageError: The file cannot be opened, is not an SQLite
            database, contains a schema this version cannot read, or
            has no contact schema and *create* is false.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        timeout: float = 5.0,
        create: bool = True,
    ) -> None:
        """Open *path*, creating the file and the schema if allowed."""
        self.path = os.fspath(path)
        self.timeout = timeout
        self.create = create
        self._local = threading.local()
        self._finalizers: list[weakref.finalize[[], _ThreadState]] = []
        self._registry_lock = threading.Lock()
        self._closed = False
        if not create:
            self._check_schema_exists()
        try:
            with self._storage_errors():
                self._create_schema(self._state().connection)
        except BaseException:
            self.close()
            raise
        logger.debug("opened SQLite contact repository")

    # connections

    def _state(self) -> _ThreadState:
        if self._closed:
            raise StorageError(
                f"{self.path}: the repository is closed; open a new one"
            )
        state: _ThreadState | None = getattr(self._local, "state", None)
        if state is None:
            state = _ThreadState(self._connect())
            if self.path == ":memory:":
                # Each thread's in-memory database is new and empty.
                with self._storage_errors():
                    self._create_schema(state.connection)
            # Close the connection when the thread's state goes away,
            # which happens when the thread ends.
            finalizer = weakref.finalize(state, state.connection.close)
            with self._registry_lock:
                self._finalizers = [f for f in self._finalizers if f.alive]
                self._finalizers.append(finalizer)
            self._local.state = state
        return state

    def _create_schema(self, connection: sqlite3.Connection) -> None:
        # Check without the write lock first, so that opening a current
        # file never waits for another process's write transaction.
        if schema_is_current(connection):
            return
        connection.execute("BEGIN IMMEDIATE")
        try:
            ensure_schema(connection, self.path)
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def _check_schema_exists(self) -> None:
        # Runs before `_connect`, whose PRAGMA journal_mode = WAL would
        # rewrite the header of another program's file.  Reading the
        # schema table writes nothing.
        missing = StorageError(
            f"{self.path} is not a contactlib database: it has no contact "
            "schema; give the path of a contactlib database, or open it "
            "with create=True to create the schema"
        )
        if self.path == ":memory:":
            raise missing
        try:
            connection = self._open_file()
        except sqlite3.Error as error:
            raise StorageError(
                f"{self.path}: cannot open the database file ({error}); "
                "check the path"
            ) from error
        try:
            with self._storage_errors():
                version = stored_version(connection)
        finally:
            connection.close()
        if version == 0:
            raise missing

    def _open_file(self) -> sqlite3.Connection:
        # isolation_level=None: the module starts no transactions of its
        # own, so `transaction` controls BEGIN and SAVEPOINT.
        if self.create or self.path == ":memory:":
            return sqlite3.connect(
                self.path,
                timeout=self.timeout,
                isolation_level=None,
                check_same_thread=False,
            )
        # mode=rw opens an existing file but never creates a missing one.
        uri = pathlib.Path(self.path).absolute().as_uri() + "?mode=rw"
        return sqlite3.connect(
            uri,
            timeout=self.timeout,
            isolation_level=None,
            check_same_thread=False,
            uri=True,
        )

    def _connect(self) -> sqlite3.Connection:
        try:
            connection = self._open_file()
        except sqlite3.Error as error:
            raise StorageError(
                f"{self.path}: cannot open the database file ({error}); "
                "check that the folder exists and is writable"
            ) from error
        try:
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("PRAGMA journal_mode = WAL")
            # In WAL mode, NORMAL keeps every commit safe from a crash of
            # the process.  A power loss or an operating-system crash can
            # undo the last commits (SQLite docs, PRAGMA synchronous).
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute("SELECT json('[]')")
        except sqlite3.Error as error:
            connection.close()
            raise StorageError(
                f"{self.path}: cannot use the file as a contact database "
                f"({error}); give the path of a new file or of one that "
                "contactlib wrote"
            ) from error
        return connection

    def close(self) -> None:
        """Close the connections of every thread.

        Call it when no thread uses the repository any more; later calls
        raise `StorageError`.  Closing twice does nothing.
        """
        self._closed = True
        with self._registry_lock:
            finalizers, self._finalizers = self._finalizers, []
        for finalizer in finalizers:
            finalizer()
        logger.debug("closed SQLite contact repository")

    @contextlib.contextmanager
    def _storage_errors(self) -> Iterator[None]:
        """Turn driver errors into `StorageError`."""
        try:
            yield
        except sqlite3.Error as error:
            # The primary result code is the low byte of the extended one.
            code = getattr(error, "sqlite_errorcode", 0) & 0xFF
            if code in _LOCK_ERROR_CODES:
                raise StorageError(
                    f"{self.path}: another connection held the write lock "
                    f"for more than {self.timeout} s; retry, or open the "
                    "repository with a longer timeout"
                ) from error
            raise StorageError(
                f"{self.path}: the SQLite operation failed ({error})"
            ) from error
        except UnicodeEncodeError as error:
            # The model rejects lone surrogates, which UTF-8, and so
            # SQLite, cannot store; this guards objects that bypassed it.
            character = error.object[error.start : error.start + 1]
            raise StorageError(
                f"{self.path}: a text field contains the lone surrogate "
                f"U+{ord(character):04X}, which SQLite cannot store; "
                "remove it from the input"
            ) from error

    # transactions

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Make the writes inside atomic; a nested block is a savepoint.

        The outermost block takes the file's write lock at its start
        (``BEGIN IMMEDIATE``) and keeps it until it ends, so other
        writers wait for it.  Readers are not blocked.  The block belongs
        to the calling thread.
        """
        state = self._state()
        connection = state.connection
        depth = state.depth
        savepoint = f"contactlib_{depth}"
        with self._storage_errors():
            connection.execute(
                "BEGIN IMMEDIATE" if depth == 0 else f"SAVEPOINT {savepoint}"
            )
        state.depth = depth + 1
        try:
            yield
        except BaseException:
            state.depth = depth
            self._undo(connection, depth, savepoint)
            raise
        state.depth = depth
        if not connection.in_transaction:
            raise StorageError(
                f"{self.path}: SQLite rolled back the transaction after "
                "an earlier error; run the whole block again"
            )
        try:
            with self._storage_errors():
                connection.execute(
                    "COMMIT" if depth == 0 else f"RELEASE {savepoint}"
                )
        except StorageError:
            self._undo(connection, depth, savepoint)
            raise

    def _undo(
        self, connection: sqlite3.Connection, depth: int, savepoint: str
    ) -> None:
        if not connection.in_transaction:
            return
        try:
            if depth == 0:
                connection.execute("ROLLBACK")
            else:
                connection.execute(f"ROLLBACK TO {savepoint}")
                connection.execute(f"RELEASE {savepoint}")
        except sqlite3.Error:
            # The error that ended the block is raised, and is more
            # useful to the caller than this one.
            logger.warning(
                "rollback of an SQLite transaction failed", exc_info=True
            )

    # reads

    def _select(
        self, where: str, parameters: Sequence[object]
    ) -> list[Contact]:
        connection = self._state().connection
        with self._storage_errors():
            found = connection.execute(
                rows.SELECT_CONTACTS + where, parameters
            ).fetchall()
        return [rows.decode_contact(row) for row in found]

    def find(self, contact_id: str) -> Contact | None:
        """Return the contact with *contact_id*, or ``None``."""
        found = self._select("WHERE c.contact_id = ?", (contact_id,))
        return found[0] if found else None

    def find_by_party(self, party: PartyRef) -> list[Contact]:
        """Return the contacts linked to *party*, ordered by id."""
        return self._select(
            "WHERE c.contact_id IN (SELECT contact_id FROM contact_link"
            " WHERE party_type = ? AND party_name = ?)"
            " ORDER BY c.contact_id",
            (party.party_type, party.party_name),
        )

    def find_by_parties(
        self, parties: Iterable[PartyRef]
    ) -> dict[PartyRef, list[Contact]]:
        """Return the contacts linked to each of *parties*.

        One statement reads the contacts of up to 450 parties.  A contact
        linked to several of them is decoded once.
        """
        result: dict[PartyRef, list[Contact]] = {
            party: [] for party in parties
        }
        by_parts = {(p.party_type, p.party_name): p for p in result}
        wanted = list(result)
        decoded: dict[str, Contact] = {}
        connection = self._state().connection
        for start in range(0, len(wanted), _PARTIES_PER_STATEMENT):
            chunk = wanted[start : start + _PARTIES_PER_STATEMENT]
            values = ", ".join(["(?, ?)"] * len(chunk))
            parameters = [
                part
                for party in chunk
                for part in (party.party_type, party.party_name)
            ]
            with self._storage_errors():
                found = connection.execute(
                    "WITH wanted (party_type, party_name)"  # noqa: S608
                    f" AS (VALUES {values})"
                    " SELECT k.party_type, k.party_name,"
                    f" {rows.CONTACT_SELECT_LIST}"
                    " FROM wanted"
                    " JOIN contact_link AS k"
                    " ON k.party_type = wanted.party_type"
                    " AND k.party_name = wanted.party_name"
                    " JOIN contact AS c ON c.contact_id = k.contact_id"
                    " ORDER BY k.contact_id",
                    parameters,
                ).fetchall()
            for row in found:
                contact = decoded.get(row[2])
                if contact is None:
                    contact = rows.decode_contact(row[2:])
                    decoded[contact.contact_id] = contact
                result[by_parts[row[0], row[1]]].append(contact)
        return result

    def find_primary(self, party: PartyRef) -> Contact | None:
        """Return the primary contact of *party*, or ``None``."""
        found = self._select(
            "WHERE c.contact_id = (SELECT contact_id FROM contact_link"
            " WHERE party_type = ? AND party_name = ? AND is_primary = 1)",
            (party.party_type, party.party_name),
        )
        return found[0] if found else None

    def find_by_email(self, address: str) -> list[Contact]:
        """Return the contacts that have *address*, ignoring case."""
        return self._select(
            "WHERE c.contact_id IN (SELECT contact_id FROM contact_email"
            " WHERE address_key = ?) ORDER BY c.contact_id",
            (address.lower(),),
        )

    def find_by_user(self, user_id: str) -> list[Contact]:
        """Return the contacts linked to the host's user *user_id*."""
        return self._select(
            "WHERE c.user_id = ? ORDER BY c.contact_id", (user_id,)
        )

    def find_by_phone(self, e164: str) -> list[Contact]:
        """Return the contacts with a number of this E.164 form."""
        return self._select(
            "WHERE c.contact_id IN (SELECT contact_id FROM contact_phone"
            " WHERE e164 = ?) ORDER BY c.contact_id",
            (e164,),
        )

    def __iter__(self) -> Iterator[Contact]:
        """Iterate over all contacts ordered by id, a page at a time.

        Pages of 500 contacts are read as they are needed, so a large
        file is never loaded whole.  Outside a transaction, each page
        shows the state committed when it is read.
        """
        page = self._select("ORDER BY c.contact_id LIMIT ?", (_PAGE_SIZE,))
        while page:
            yield from page
            if len(page) < _PAGE_SIZE:
                return
            page = self._select(
                "WHERE c.contact_id > ? ORDER BY c.contact_id LIMIT ?",
                (page[-1].contact_id, _PAGE_SIZE),
            )

    def __len__(self) -> int:
        """Return the number of stored contacts."""
        connection = self._state().connection
        with self._storage_errors():
            (count,) = connection.execute(
                "SELECT count(*) FROM contact"
            ).fetchone()
        return int(count)

    # writes

    def add(self, contact: Contact) -> Contact:
        """Store a new contact and return it with version 1."""
        return self.add_many([contact])[0]

    def add_many(self, contacts: Iterable[Contact]) -> list[Contact]:
        """Store many new contacts in one transaction, with bulk inserts.

        Raises:
            DuplicateContactError: An id is taken or repeated; nothing is
                stored.
            PrimaryContactConflictError: Two primaries for one party;
                nothing is stored.
        """
        stored = [with_version(contact, 1) for contact in contacts]
        if not stored:
            return stored
        connection = self._state().connection
        with self.transaction(), self._storage_errors():
            try:
                with self.transaction():
                    connection.executemany(
                        rows.INSERT_CONTACT, map(rows.contact_row, stored)
                    )
                    self._insert_children(connection, stored)
            except sqlite3.IntegrityError as error:
                raise self._explain_conflict(stored, error) from None
        return stored

    def save(
        self, contact: Contact, *, expected_version: int | None = None
    ) -> Contact:
        """Replace a stored contact and return it with the next version.

        The version check and the update are one ``UPDATE ... WHERE
        version = ?`` statement, so no other writer can slip in between.
        """
        expected = (
            contact.version if expected_version is None else expected_version
        )
        stored = with_version(contact, expected + 1)
        connection = self._state().connection
        with self.transaction(), self._storage_errors():
            updated = connection.execute(
                rows.UPDATE_CONTACT,
                (*rows.contact_row(stored)[1:], contact.contact_id, expected),
            ).rowcount
            if updated == 0:
                raise self._missing_or_newer(contact.contact_id, expected)
            try:
                with self.transaction():
                    for statement in rows.DELETE_CHILDREN:
                        connection.execute(statement, (contact.contact_id,))
                    self._insert_children(connection, [stored])
            except sqlite3.IntegrityError as error:
                raise self._explain_conflict(
                    [stored], error, stored_already=True
                ) from None
        return stored

    def delete(
        self, contact_id: str, *, expected_version: int | None = None
    ) -> None:
        """Delete a contact and its links, e-mails and phones."""
        connection = self._state().connection
        with self.transaction(), self._storage_errors():
            if expected_version is None:
                cursor = connection.execute(
                    "DELETE FROM contact WHERE contact_id = ?", (contact_id,)
                )
            else:
                cursor = connection.execute(
                    "DELETE FROM contact WHERE contact_id = ? AND version = ?",
                    (contact_id, expected_version),
                )
            if cursor.rowcount == 0:
                raise self._missing_or_newer(contact_id, expected_version)

    @staticmethod
    def _insert_children(
        connection: sqlite3.Connection, contacts: list[Contact]
    ) -> None:
        connection.executemany(rows.INSERT_EMAIL, rows.email_rows(contacts))
        connection.executemany(rows.INSERT_PHONE, rows.phone_rows(contacts))
        connection.executemany(rows.INSERT_LINK, rows.link_rows(contacts))

    def _missing_or_newer(
        self, contact_id: str, expected_version: int | None
    ) -> ContactlibError:
        row = (
            self._state()
            .connection.execute(
                "SELECT version FROM contact WHERE contact_id = ?",
                (contact_id,),
            )
            .fetchone()
        )
        if row is None or expected_version is None:
            return ContactNotFoundError(contact_id)
        return VersionConflictError(contact_id, expected_version, row[0])

    def _explain_conflict(
        self,
        contacts: list[Contact],
        error: sqlite3.IntegrityError,
        *,
        stored_already: bool = False,
    ) -> ContactlibError:
        """Name the first contact that broke a unique index, and why.

        Runs after the failed writes are rolled back to a savepoint, but
        still inside the transaction, so it reads what the writes met.
        """
        connection = self._state().connection
        seen: set[str] = set()
        primaries: dict[tuple[str, str], str] = {}
        for contact in contacts:
            contact_id = contact.contact_id
            if not stored_already and (
                contact_id in seen or self._exists(contact_id)
            ):
                return DuplicateContactError(contact_id)
            seen.add(contact_id)
            for link in contact.links:
                if not link.is_primary:
                    continue
                parts = (link.party_type, link.party_name)
                holder = primaries.get(parts)
                if holder is None:
                    row = connection.execute(
                        "SELECT contact_id FROM contact_link"
                        " WHERE party_type = ? AND party_name = ?"
                        " AND is_primary = 1",
                        parts,
                    ).fetchone()
                    holder = None if row is None else row[0]
                if holder is not None and holder != contact_id:
                    return PrimaryContactConflictError(
                        link.party_type, link.party_name, contact_id, holder
                    )
                primaries[parts] = contact_id
        return StorageError(
            f"{self.path}: a write broke a constraint of the contact "
            f"schema ({error}); check that only contactlib writes the file"
        )

    def _exists(self, contact_id: str) -> bool:
        row = (
            self._state()
            .connection.execute(
                "SELECT 1 FROM contact WHERE contact_id = ?", (contact_id,)
            )
            .fetchone()
        )
        return row is not None
