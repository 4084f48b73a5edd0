"""In-memory contact repository: the reference adapter, for tests and demos.

It keeps the same indexes as the SQL adapters (by party, by primary, by
e-mail key and by E.164) so that its results and its complexity match
theirs.  It is safe to share between threads: one re-entrant lock guards
every call, and a transaction holds the lock until it ends.
"""

from __future__ import annotations

import contextlib
import threading
from collections import defaultdict
from typing import TYPE_CHECKING, TypeVar

import attrs

from contactlib._model import with_version
from contactlib.exceptions import (
    ContactNotFoundError,
    DuplicateContactError,
    PrimaryContactConflictError,
    VersionConflictError,
)
from contactlib.ports import ContactRepository

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from contactlib._model import Contact
    from contactlib._values import PartyRef

__all__ = ["MemoryContactRepository"]

_K = TypeVar("_K")


@attrs.define
class _State:
    contacts: dict[str, Contact] = attrs.Factory(dict)
    by_party: defaultdict[PartyRef, set[str]] = attrs.Factory(
        lambda: defaultdict(set)
    )
    primary: dict[PartyRef, str] = attrs.Factory(dict)
    by_email: defaultdict[str, set[str]] = attrs.Factory(
        lambda: defaultdict(set)
    )
    by_phone: defaultdict[str, set[str]] = attrs.Factory(
        lambda: defaultdict(set)
    )
    by_user: defaultdict[str, set[str]] = attrs.Factory(
        lambda: defaultdict(set)
    )


class MemoryContactRepository(ContactRepository):
    """Contact repository that keeps everything in process memory.

    .. versionadded:: 0.1.0
    """

    def __init__(self) -> None:
        """Create an empty repository."""
        self._state = _State()
        self._lock = threading.RLock()
        # One entry per open transaction block, innermost last: contacts
        # as they were before the block first touched them, None for a
        # contact that did not exist.
        self._undo: list[dict[str, Contact | None]] = []

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Make the writes inside atomic; a nested block is a savepoint."""
        with self._lock:
            self._undo.append({})
            try:
                yield
            except BaseException:
                self._roll_back(self._undo.pop())
                raise
            else:
                done = self._undo.pop()
                if self._undo:
                    # Keep the oldest saved state of each contact, so the
                    # enclosing block can still undo these writes.
                    outer = self._undo[-1]
                    for contact_id, previous in done.items():
                        outer.setdefault(contact_id, previous)

    def _roll_back(self, undo: dict[str, Contact | None]) -> None:
        for contact_id, previous in undo.items():
            current = self._state.contacts.get(contact_id)
            if current is not None:
                self._unindex(current)
            if previous is not None:
                self._index(previous)

    def _remember(self, contact_id: str) -> None:
        if self._undo and contact_id not in self._undo[-1]:
            self._undo[-1][contact_id] = self._state.contacts.get(contact_id)

    def find(self, contact_id: str) -> Contact | None:
        """Return the contact with *contact_id*, or ``None``."""
        with self._lock:
            return self._state.contacts.get(contact_id)

    def add(self, contact: Contact) -> Contact:
        """Store a new contact and return it with version 1."""
        with self._lock:
            if contact.contact_id in self._state.contacts:
                raise DuplicateContactError(contact.contact_id)
            stored = with_version(contact, 1)
            self._check_primaries(stored)
            self._remember(stored.contact_id)
            self._index(stored)
            return stored

    def save(
        self, contact: Contact, *, expected_version: int | None = None
    ) -> Contact:
        """Replace a stored contact and return it with the next version."""
        expected = (
            contact.version if expected_version is None else expected_version
        )
        with self._lock:
            current = self._state.contacts.get(contact.contact_id)
            if current is None:
                raise ContactNotFoundError(contact.contact_id)
            if current.version != expected:
                raise VersionConflictError(
                    contact.contact_id, expected, current.version
                )
            stored = with_version(contact, current.version + 1)
            self._check_primaries(stored)
            self._remember(stored.contact_id)
            self._unindex(current)
            self._index(stored)
            return stored

    def delete(
        self, contact_id: str, *, expected_version: int | None = None
    ) -> None:
        """Delete a contact and its links."""
        with self._lock:
            current = self._state.contacts.get(contact_id)
            if current is None:
                raise ContactNotFoundError(contact_id)
            if (
                expected_version is not None
                and current.version != expected_version
            ):
                raise VersionConflictError(
                    contact_id, expected_version, current.version
                )
            self._remember(contact_id)
            self._unindex(current)

    def find_by_party(self, party: PartyRef) -> list[Contact]:
        """Return the contacts linked to *party*, ordered by id."""
        with self._lock:
            ids = self._state.by_party.get(party, ())
            return [self._state.contacts[i] for i in sorted(ids)]

    def find_by_parties(
        self, parties: Iterable[PartyRef]
    ) -> dict[PartyRef, list[Contact]]:
        """Return the contacts linked to each of *parties*, under one lock."""
        with self._lock:
            return {
                party: [
                    self._state.contacts[i]
                    for i in sorted(self._state.by_party.get(party, ()))
                ]
                for party in dict.fromkeys(parties)
            }

    def find_primary(self, party: PartyRef) -> Contact | None:
        """Return the primary contact of *party*, or ``None``."""
        with self._lock:
            contact_id = self._state.primary.get(party)
            return (
                None
                if contact_id is None
                else self._state.contacts[contact_id]
            )

    def find_by_email(self, address: str) -> list[Contact]:
        """Return the contacts that have *address*, ignoring case."""
        with self._lock:
            ids = self._state.by_email.get(address.lower(), ())
            return [self._state.contacts[i] for i in sorted(ids)]

    def find_by_phone(self, e164: str) -> list[Contact]:
        """Return the contacts with a number of this E.164 form."""
        with self._lock:
            ids = self._state.by_phone.get(e164, ())
            return [self._state.contacts[i] for i in sorted(ids)]

    def find_by_user(self, user_id: str) -> list[Contact]:
        """Return the contacts linked to the user *user_id*."""
        with self._lock:
            ids = self._state.by_user.get(user_id, ())
            return [self._state.contacts[i] for i in sorted(ids)]

    def __iter__(self) -> Iterator[Contact]:
        """Iterate over a snapshot of all contacts, ordered by id."""
        with self._lock:
            contacts = [
                self._state.contacts[i] for i in sorted(self._state.contacts)
            ]
        return iter(contacts)

    def __len__(self) -> int:
        """Return the number of stored contacts."""
        with self._lock:
            return len(self._state.contacts)

    def _check_primaries(self, contact: Contact) -> None:
        for link in contact.links:
            if not link.is_primary:
                continue
            holder = self._state.primary.get(link.party)
            if holder is not None and holder != contact.contact_id:
                raise PrimaryContactConflictError(
                    link.party_type,
                    link.party_name,
                    contact.contact_id,
                    holder,
                )

    def _index(self, contact: Contact) -> None:
        state = self._state
        contact_id = contact.contact_id
        state.contacts[contact_id] = contact
        for link in contact.links:
            state.by_party[link.party].add(contact_id)
            if link.is_primary:
                state.primary[link.party] = contact_id
        for email in contact.emails:
            state.by_email[email.key].add(contact_id)
        for phone in contact.phones:
            if phone.e164 is not None:
                state.by_phone[phone.e164].add(contact_id)
        if contact.user_id is not None:
            state.by_user[contact.user_id].add(contact_id)

    def _unindex(self, contact: Contact) -> None:
        state = self._state
        contact_id = contact.contact_id
        del state.contacts[contact_id]
        for link in contact.links:
            _discard(state.by_party, link.party, contact_id)
            if state.primary.get(link.party) == contact_id:
                del state.primary[link.party]
        for email in contact.emails:
            _discard(state.by_email, email.key, contact_id)
        for phone in contact.phones:
            if phone.e164 is not None:
                _discard(state.by_phone, phone.e164, contact_id)
        if contact.user_id is not None:
            _discard(state.by_user, contact.user_id, contact_id)


def _discard(
    index: defaultdict[_K, set[str]], key: _K, contact_id: str
) -> None:
    ids = index.get(key)
    if ids is None:
        return
    ids.discard(contact_id)
    if not ids:
        del index[key]
