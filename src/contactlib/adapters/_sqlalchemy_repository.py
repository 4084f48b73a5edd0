"""Contact repository on SQLAlchemy Core: PostgreSQL, SQLite, MySQL."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, TypeVar

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from contactlib._log import logger
from contactlib.adapters._sqlalchemy_bind import BoundToDatabase
from contactlib.adapters._sqlalchemy_errors import translate
from contactlib.adapters._sqlalchemy_rows import contact_rows, load_contacts
from contactlib.adapters._sqlalchemy_schema import (
    contacts_table,
    emails_table,
    links_table,
    phones_table,
)
from contactlib.exceptions import (
    ConflictError,
    ContactNotFoundError,
    DuplicateContactError,
    InvalidValueError,
    PrimaryContactConflictError,
    TransientConflictError,
    VersionConflictError,
)
from contactlib.ports import ContactRepository

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence

    from sqlalchemy.engine import Engine

    from contactlib._model import Contact
    from contactlib._values import PartyRef

_T = TypeVar("_T")

_CHILD_TABLES = (emails_table, phones_table, links_table)
# Parties or ids per IN list; keeps every statement under SQLite's
# oldest bound-parameter limit of 999.
_CHUNK = 400


class SqlAlchemyContactRepository(BoundToDatabase, ContactRepository):
    """Contact repository that stores contacts through SQLAlchemy Core.

    Give it an `~sqlalchemy.engine.Engine` to let it manage connections:
    each thread then gets its own connection for the duration of a
    `transaction` block, and every call outside a block runs in a
    transaction of its own.  Give it a `~sqlalchemy.engine.Connection` to
    run inside the host's own transaction.  When that connection is in a
    transaction, every block and every write is a savepoint in it, and
    the host commits or rolls back.  Such a repository belongs to one
    thread, like its connection.

    Every write is atomic.  Saves check the version with
    ``UPDATE ... WHERE version = :expected``, so two writers that read the
    same version cannot both save.  The one-primary-per-party rule is
    checked in code before each write and enforced by a unique partial
    index against concurrent writers.  Driver errors never escape: unique
    key races become `PrimaryContactConflictError` or
    `DuplicateContactError`, serialization failures, deadlocks and lock
    time-outs become `TransientConflictError` (see `contactlib.retry`),
    and anything else becomes `StorageError`.

    Args:
        bind: Engine or connection of a database that has the tables of
            `metadata` (see `create_schema`).
        batch_size: Rows per executemany in `add_many`.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self, bind: Engine | Connection, *, batch_size: int = 500
    ) -> None:
        """Use *bind* for every read and write."""
        if batch_size < 1:
            raise InvalidValueError(
                "batch_size", batch_size, "must be at least 1"
            )
        super().__init__(bind)
        self.batch_size = batch_size

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Make the writes inside atomic; a nested block is a savepoint.

        Raises:
            TransientConflictError: The database rolled the transaction
                back because of a concurrent one; run it again.
            StorageError: The database failed otherwise.
        """
        try:
            with self._begin():
                yield
        except sa.exc.IntegrityError as error:
            raise translate(error) from error

    def find(self, contact_id: str) -> Contact | None:
        """Return the contact with *contact_id*, or ``None``."""
        with self._read() as connection:
            found = load_contacts(connection, [contact_id])
        return found[0] if found else None

    def add(self, contact: Contact) -> Contact:
        """Store a new contact and return it with version 1."""
        return self._insert([contact])[0]

    def add_many(self, contacts: Iterable[Contact]) -> list[Contact]:
        """Store many new contacts with one executemany per table and batch.

        All are stored or none: the writes run in one transaction (a
        savepoint inside an open one).
        """
        return self._insert(list(contacts))

    def _insert(self, contacts: Sequence[Contact]) -> list[Contact]:
        stored = [attrs.evolve(contact, version=1) for contact in contacts]
        _check_batch(stored)
        try:
            with self._begin() as connection:
                conflict = _find_conflict(connection, stored, new=True)
                if conflict is not None:
                    raise conflict
                for batch in _batched(stored, self.batch_size):
                    _insert_rows(connection, batch)
        except sa.exc.IntegrityError as error:
            raise self._explain(error, stored, new=True) from error
        logger.debug("stored %d new contacts", len(stored))
        return stored

    def save(
        self, contact: Contact, *, expected_version: int | None = None
    ) -> Contact:
        """Replace a stored contact and return it with the next version."""
        expected = (
            contact.version if expected_version is None else expected_version
        )
        stored = attrs.evolve(contact, version=expected + 1)
        # Only a primary link can break a unique index here.  Without one,
        # nothing can fail after the version check, which writes nothing
        # when it fails, so no savepoint is needed.
        claims_primary = any(link.is_primary for link in stored.links)
        try:
            with self._begin(savepoint=claims_primary) as connection:
                self._update_version(connection, stored, expected)
                conflict = _find_conflict(connection, [stored], new=False)
                if conflict is not None:
                    raise conflict
                for table in _CHILD_TABLES:
                    connection.execute(
                        table.delete().where(
                            table.c.contact_id == contact.contact_id
                        )
                    )
                _insert_rows(connection, [stored], contact_row=False)
        except sa.exc.IntegrityError as error:
            raise self._explain(error, [stored], new=False) from error
        return stored

    @staticmethod
    def _update_version(
        connection: Connection, stored: Contact, expected: int
    ) -> None:
        row = contact_rows([stored])[contacts_table.name][0]
        table = contacts_table
        result = connection.execute(
            table.update()
            .where(table.c.contact_id == stored.contact_id)
            .where(table.c.version == expected)
            .values(row)
        )
        if result.rowcount == 1:
            return
        actual = connection.scalar(
            sa.select(table.c.version).where(
                table.c.contact_id == stored.contact_id
            )
        )
        if actual is None:
            raise ContactNotFoundError(stored.contact_id)
        raise VersionConflictError(stored.contact_id, expected, actual)

    def delete(
        self, contact_id: str, *, expected_version: int | None = None
    ) -> None:
        """Delete a contact and its links."""
        table = contacts_table
        with self._begin() as connection:
            statement = table.delete().where(table.c.contact_id == contact_id)
            if expected_version is not None:
                statement = statement.where(
                    table.c.version == expected_version
                )
            if connection.execute(statement).rowcount != 1:
                actual = connection.scalar(
                    sa.select(table.c.version).where(
                        table.c.contact_id == contact_id
                    )
                )
                if actual is None or expected_version is None:
                    raise ContactNotFoundError(contact_id)
                raise VersionConflictError(
                    contact_id, expected_version, actual
                )
            # The foreign keys cascade on PostgreSQL and MySQL; SQLite
            # enforces them only with PRAGMA foreign_keys=ON.
            for child in _CHILD_TABLES:
                connection.execute(
                    child.delete().where(child.c.contact_id == contact_id)
                )

    def find_by_party(self, party: PartyRef) -> list[Contact]:
        """Return the contacts linked to *party*, ordered by id."""
        ids = sa.select(links_table.c.contact_id).where(
            links_table.c.party_type == party.party_type,
            links_table.c.party_name == party.party_name,
        )
        with self._read() as connection:
            found = load_contacts(connection, ids)
        return [c for c in found if c.link_to(party) is not None]

    def find_by_parties(
        self, parties: Iterable[PartyRef]
    ) -> Mapping[PartyRef, list[Contact]]:
        """Return the contacts linked to each party, in few queries.

        One query finds the links of up to 400 parties, and two more load
        up to 400 of the contacts found.
        """
        wanted = sorted(set(parties))
        found: dict[PartyRef, list[Contact]] = {p: [] for p in wanted}
        with self._read() as connection:
            for chunk in _batched(wanted, _CHUNK):
                pairs = connection.execute(
                    sa.select(
                        links_table.c.party_type,
                        links_table.c.party_name,
                        links_table.c.contact_id,
                    ).where(_party_in(chunk))
                ).all()
                ids = sorted({row.contact_id for row in pairs})
                contacts = {
                    contact.contact_id: contact
                    for id_chunk in _batched(ids, _CHUNK)
                    for contact in load_contacts(connection, id_chunk)
                }
                by_key = {(p.party_type, p.party_name): p for p in chunk}
                for party_type, party_name, contact_id in sorted(
                    pairs, key=lambda row: row.contact_id
                ):
                    party = by_key[party_type, party_name]
                    contact = contacts.get(contact_id)
                    if contact is not None and contact.link_to(party):
                        found[party].append(contact)
        return found

    def find_primary(self, party: PartyRef) -> Contact | None:
        """Return the primary contact of *party*, or ``None``."""
        ids = sa.select(links_table.c.contact_id).where(
            links_table.c.party_type == party.party_type,
            links_table.c.party_name == party.party_name,
            links_table.c.is_primary,
        )
        with self._read() as connection:
            found = load_contacts(connection, ids)
        for contact in found:
            link = contact.link_to(party)
            if link is not None and link.is_primary:
                return contact
        return None

    def find_by_email(self, address: str) -> list[Contact]:
        """Return the contacts that have *address*, ignoring case."""
        ids = sa.select(emails_table.c.contact_id).where(
            emails_table.c.address_key == address.lower()
        )
        with self._read() as connection:
            found = load_contacts(connection, ids)
        return [
            contact
            for contact in found
            if any(e.key == address.lower() for e in contact.emails)
        ]

    def find_by_phone(self, e164: str) -> list[Contact]:
        """Return the contacts with a number of this E.164 form."""
        ids = sa.select(phones_table.c.contact_id).where(
            phones_table.c.e164 == e164
        )
        with self._read() as connection:
            found = load_contacts(connection, ids)
        return [
            contact
            for contact in found
            if any(phone.e164 == e164 for phone in contact.phones)
        ]

    def find_by_user(self, user_id: str) -> list[Contact]:
        """Return the contacts linked to the host's user *user_id*."""
        ids = sa.select(contacts_table.c.contact_id).where(
            contacts_table.c.user_id == user_id
        )
        with self._read() as connection:
            found = load_contacts(connection, ids)
        return [contact for contact in found if contact.user_id == user_id]

    def __iter__(self) -> Iterator[Contact]:
        """Iterate over all contacts ordered by id, a page at a time.

        Each page is read in its own transaction unless a `transaction`
        block is open, so contacts written during the iteration may or
        may not appear.
        """
        after = ""
        while True:
            with self._read() as connection:
                ids = list(
                    connection.scalars(
                        sa.select(contacts_table.c.contact_id)
                        .where(contacts_table.c.contact_id > after)
                        .order_by(contacts_table.c.contact_id)
                        .limit(self.batch_size)
                    )
                )
                page = load_contacts(connection, ids) if ids else []
            yield from page
            if len(ids) < self.batch_size:
                return
            after = ids[-1]

    def __len__(self) -> int:
        """Return the number of stored contacts."""
        with self._read() as connection:
            count = connection.scalar(
                sa.select(sa.func.count()).select_from(contacts_table)
            )
        return int(count or 0)

    def close(self) -> None:
        """Dispose of the engine's pooled connections.

        A host connection is left open: its owner closes it.
        """
        if not isinstance(self._bind, Connection):
            self._bind.dispose()

    def _explain(
        self,
        error: sa.exc.IntegrityError,
        contacts: Sequence[Contact],
        *,
        new: bool,
    ) -> ConflictError:
        """Find which rule a failed write broke, after its rollback.

        Runs when a concurrent writer committed between the check in code
        and the write, so the unique index caught what the check missed.
        """
        with self._read() as connection:
            conflict = _find_conflict(connection, contacts, new=new)
        if conflict is not None:
            logger.debug(
                "unique key race resolved as %s", type(conflict).__name__
            )
            return conflict
        # The row that the write collided with was changed again before
        # this look-up, for example a primary mark that a third writer
        # already moved on.  Nothing stored explains the collision, so it
        # was a race: the caller can run the transaction again.
        logger.debug("unique key race with no stored cause; transient")
        return TransientConflictError(
            f"{type(error.orig).__name__}: a concurrent writer changed the "
            "same party or contact"
        )


def _batched(items: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    # itertools.batched arrived in Python 3.12.
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _party_in(parties: Sequence[PartyRef]) -> sa.ColumnElement[bool]:
    return sa.tuple_(links_table.c.party_type, links_table.c.party_name).in_(
        [(p.party_type, p.party_name) for p in parties]
    )


def _check_batch(contacts: Sequence[Contact]) -> None:
    """Reject a batch that repeats an id or a primary contact of a party."""
    seen: set[str] = set()
    primaries: dict[PartyRef, str] = {}
    for contact in contacts:
        if contact.contact_id in seen:
            raise DuplicateContactError(contact.contact_id)
        seen.add(contact.contact_id)
        for link in contact.links:
            if not link.is_primary:
                continue
            holder = primaries.setdefault(link.party, contact.contact_id)
            if holder != contact.contact_id:
                raise PrimaryContactConflictError(
                    link.party_type,
                    link.party_name,
                    contact.contact_id,
                    holder,
                )


def _find_conflict(
    connection: Connection, contacts: Sequence[Contact], *, new: bool
) -> ConflictError | None:
    """Return the first stored row that *contacts* would collide with."""
    ids = [contact.contact_id for contact in contacts]
    if new:
        for chunk in _batched(ids, _CHUNK):
            taken = connection.scalar(
                sa.select(contacts_table.c.contact_id)
                .where(contacts_table.c.contact_id.in_(chunk))
                .order_by(contacts_table.c.contact_id)
                .limit(1)
            )
            if taken is not None:
                return DuplicateContactError(taken)
    # Claims in the order of the contacts and their links, so that the
    # first conflicting link is reported, as the memory adapter does.
    claims = {
        link.party: contact.contact_id
        for contact in contacts
        for link in contact.links
        if link.is_primary
    }
    holders: dict[tuple[str, str], str] = {}
    for parties in _batched(list(claims), _CHUNK):
        rows = connection.execute(
            sa.select(
                links_table.c.party_type,
                links_table.c.party_name,
                links_table.c.contact_id,
            ).where(_party_in(parties), links_table.c.is_primary)
        )
        holders.update(
            ((party_type, party_name), holder)
            for party_type, party_name, holder in rows
        )
    for party, claimant in claims.items():
        holder = holders.get((party.party_type, party.party_name))
        if holder is not None and holder != claimant:
            return PrimaryContactConflictError(
                party.party_type, party.party_name, claimant, holder
            )
    return None


def _insert_rows(
    connection: Connection,
    contacts: Sequence[Contact],
    *,
    contact_row: bool = True,
) -> None:
    rows = contact_rows(contacts)
    tables = (contacts_table, *_CHILD_TABLES) if contact_row else _CHILD_TABLES
    for table in tables:
        if rows[table.name]:
            connection.execute(table.insert(), rows[table.name])
