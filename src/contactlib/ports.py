"""Interfaces that a host implements to plug in its own storage and mail.

contactlib's services talk to storage only through `ContactRepository` and
to mail only through `Mailer`.  The library ships adapters for both
(`contactlib.adapters.memory`, `contactlib.adapters.sqlite`).  A host with
its own database implements these classes and checks its adapter with the
contract suite, `contactlib.testing.contract.ContactRepositoryContract`.

Portal invitations add three more: `UserDirectory` (the host's user
accounts), `InvitationStore` (invitations and token hashes) and `Clock`.

Naming rule for every port: ``get_*`` raises `NotFoundError` when nothing
matches, ``find_*`` returns ``None`` or an empty list.
"""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING, Self

import attrs

from contactlib.exceptions import InvalidValueError

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping
    from contextlib import AbstractContextManager
    from datetime import datetime
    from types import TracebackType

    from contactlib._model import Contact
    from contactlib._portal_model import Invitation, PortalUser
    from contactlib._values import PartyRef

__all__ = [
    "Clock",
    "ContactRepository",
    "InvitationStore",
    "Mailer",
    "OutgoingMessage",
    "UserDirectory",
]


class ContactRepository(abc.ABC):
    """Storage of contacts, with transactions and indexed look-ups.

    Every method that returns several contacts returns them ordered by
    ``contact_id``, so results never depend on insertion order.

    A repository enforces two rules itself, because only storage can
    enforce them under concurrent writers: versions (a save based on a
    stale version raises `VersionConflictError`) and one primary contact
    per party (`PrimaryContactConflictError`).

    .. versionadded:: 0.1.0
    """

    @abc.abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """Return a context manager that makes the writes inside atomic.

        Writes are committed when the outermost block ends normally and
        rolled back when it raises.  A nested block is a savepoint: when
        an exception leaves it, only the writes made inside it are undone,
        and the enclosing block goes on.
        """

    @abc.abstractmethod
    def find(self, contact_id: str) -> Contact | None:
        """Return the contact with *contact_id*, or ``None``."""

    def get(self, contact_id: str) -> Contact:
        """Return the contact with *contact_id*.

        Raises:
            ContactNotFoundError: No contact has that id.
        """
        from contactlib.exceptions import ContactNotFoundError  # noqa: PLC0415

        contact = self.find(contact_id)
        if contact is None:
            raise ContactNotFoundError(contact_id)
        return contact

    @abc.abstractmethod
    def add(self, contact: Contact) -> Contact:
        """Store a new contact and return it with version 1.

        Raises:
            DuplicateContactError: A contact with the same id exists.
            PrimaryContactConflictError: A link is marked primary for a
                party that already has another primary contact.
        """

    def add_many(self, contacts: Iterable[Contact]) -> list[Contact]:
        """Store many new contacts in one transaction.

        Adapters override this with a bulk write; the default adds them
        one by one inside `transaction`.

        Raises:
            DuplicateContactError: An id is taken; nothing is stored.
            PrimaryContactConflictError: Two primaries for one party;
                nothing is stored.
        """
        with self.transaction():
            return [self.add(contact) for contact in contacts]

    @abc.abstractmethod
    def save(
        self, contact: Contact, *, expected_version: int | None = None
    ) -> Contact:
        """Replace a stored contact and return it with the next version.

        Args:
            contact: The changed contact.
            expected_version: The version the change is based on;
                defaults to ``contact.version``.

        Raises:
            ContactNotFoundError: The contact is not stored.
            VersionConflictError: The stored version is not
                *expected_version*.
            PrimaryContactConflictError: A link is marked primary for a
                party that has another primary contact.
        """

    @abc.abstractmethod
    def delete(
        self, contact_id: str, *, expected_version: int | None = None
    ) -> None:
        """Delete a contact and its links.

        Args:
            contact_id: The contact to delete.
            expected_version: If given, delete only if this version is
                stored.

        Raises:
            ContactNotFoundError: The contact is not stored.
            VersionConflictError: The stored version differs from
                *expected_version*.
        """

    @abc.abstractmethod
    def find_by_party(self, party: PartyRef) -> list[Contact]:
        """Return the contacts linked to *party*."""

    def find_by_parties(
        self, parties: Iterable[PartyRef]
    ) -> Mapping[PartyRef, list[Contact]]:
        """Return the contacts linked to each of *parties* in one call.

        Every requested party is a key of the result, with an empty list
        when nothing links to it.  Adapters override this with one query;
        the default calls `find_by_party` per party.
        """
        return {party: self.find_by_party(party) for party in set(parties)}

    @abc.abstractmethod
    def find_primary(self, party: PartyRef) -> Contact | None:
        """Return the primary contact of *party*, or ``None``."""

    @abc.abstractmethod
    def find_by_email(self, address: str) -> list[Contact]:
        """Return the contacts that have *address*, ignoring letter case.

        *address* must be normalized already; `ContactService.find_by_email`
        normalizes user input first.
        """

    @abc.abstractmethod
    def find_by_phone(self, e164: str) -> list[Contact]:
        """Return the contacts that have a number with this E.164 form.

        The match is exact on the E.164 form; extensions are ignored.
        `ContactService.find_by_phone` parses numbers in any formatting.
        """

    def find_by_user(self, user_id: str) -> list[Contact]:
        """Return the contacts linked to the host's user *user_id*.

        Adapters override this with an index look-up; the default scans
        every contact.

        .. versionadded:: 0.1.0
        """
        return [contact for contact in self if contact.user_id == user_id]

    @abc.abstractmethod
    def __iter__(self) -> Iterator[Contact]:
        """Iterate over all contacts ordered by ``contact_id``."""

    @abc.abstractmethod
    def __len__(self) -> int:
        """Return the number of stored contacts."""

    def close(self) -> None:  # noqa: B027
        """Release connections or files; the default does nothing."""

    def __enter__(self) -> Self:
        """Return the repository, which `close` releases at block end."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the repository."""
        self.close()


# Every character that str.splitlines treats as a line boundary.
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def _single_line(
    _instance: object, attribute: attrs.Attribute[str], value: str
) -> None:
    # Any line break in a header field could start a new header, so none
    # is allowed.
    for index, character in enumerate(value):
        if character in _LINE_BREAKS:
            raise InvalidValueError(
                attribute.name,
                value,
                f"contains a line break (U+{ord(character):04X}) at "
                f"position {index + 1}; a header field must be one line",
            )


@attrs.frozen
class OutgoingMessage:
    """One e-mail message for a `Mailer` to send.

    Header fields (`to_address`, `to_name`, `subject`) must be one line:
    a line break in any of them raises `InvalidValueError`, so no value
    can add a header.

    Attributes:
        to_address: Recipient's address.
        to_name: Recipient's display name; may hold any script.
        subject: Subject line.
        text: Plain-text body.
        html: Optional HTML body.

    .. versionadded:: 0.1.0
    """

    to_address: str = attrs.field(validator=_single_line)
    to_name: str = attrs.field(validator=_single_line)
    subject: str = attrs.field(validator=_single_line)
    text: str
    html: str | None = None


class Mailer(abc.ABC):
    """Sends e-mail on behalf of the library.

    .. versionadded:: 0.1.0
    """

    @abc.abstractmethod
    def send(self, message: OutgoingMessage) -> None:
        """Send one message.

        Raises:
            ContactlibError: A subclass that states why sending failed; the
                caller may retry later.
        """


class UserDirectory(abc.ABC):
    """The host's user accounts, as far as portal invitations need them.

    E-mail addresses are unique in a directory, ignoring letter case, so
    an implementation never contains two users with one address.

    .. versionadded:: 0.1.0
    """

    @abc.abstractmethod
    def find(self, user_id: str) -> PortalUser | None:
        """Return the user with *user_id*, or ``None``."""

    def get(self, user_id: str) -> PortalUser:
        """Return the user with *user_id*.

        Raises:
            UserNotFoundError: No user has that id.
        """
        from contactlib.exceptions import UserNotFoundError  # noqa: PLC0415

        user = self.find(user_id)
        if user is None:
            raise UserNotFoundError(user_id)
        return user

    @abc.abstractmethod
    def find_by_email(self, address: str) -> PortalUser | None:
        """Return the user with *address*, ignoring letter case, or None.

        *address* is normalized already.
        """

    @abc.abstractmethod
    def create_portal_user(
        self, address: str, *, full_name: str
    ) -> PortalUser:
        """Create a disabled portal user and return it.

        The user cannot log in until `enable` is called.

        Raises:
            UserConflictError: A user with *address* exists.
        """

    @abc.abstractmethod
    def enable(self, user_id: str) -> PortalUser:
        """Let the user log in and return it; enabling twice is harmless.

        Raises:
            UserNotFoundError: No user has that id.
        """


class InvitationStore(abc.ABC):
    """Storage of invitations, looked up by id, contact, user and token.

    Implementations keep at most one invitation per contact that is not
    accepted, and make `mark_accepted` atomic, so a token works once even
    under concurrent requests.

    .. versionadded:: 0.1.0
    """

    @abc.abstractmethod
    def add(self, invitation: Invitation) -> Invitation:
        """Store a new invitation and return it.

        Raises:
            ConflictError: The contact has another open invitation, or
                the id or token hash is taken.
        """

    @abc.abstractmethod
    def save(self, invitation: Invitation) -> Invitation:
        """Replace a stored invitation, for example with a new token.

        Raises:
            InvitationNotFoundError: The invitation is not stored.
        """

    @abc.abstractmethod
    def mark_accepted(
        self, invitation_id: str, token_hash: str, at: datetime
    ) -> bool:
        """Set ``accepted_at`` if the invitation is unused and has the hash.

        Returns:
            Whether this call accepted it: ``False`` when it was accepted
            already or its token was replaced.
        """

    @abc.abstractmethod
    def find(self, invitation_id: str) -> Invitation | None:
        """Return the invitation with *invitation_id*, or ``None``."""

    def get(self, invitation_id: str) -> Invitation:
        """Return the invitation with *invitation_id*.

        Raises:
            InvitationNotFoundError: No invitation has that id.
        """
        from contactlib.exceptions import (  # noqa: PLC0415
            InvitationNotFoundError,
        )

        invitation = self.find(invitation_id)
        if invitation is None:
            raise InvitationNotFoundError(invitation_id)
        return invitation

    @abc.abstractmethod
    def find_by_token_hash(self, token_hash: str) -> Invitation | None:
        """Return the invitation whose current token has this hash."""

    @abc.abstractmethod
    def find_open(self, contact_id: str) -> Invitation | None:
        """Return the contact's invitation that is not accepted, if any."""

    @abc.abstractmethod
    def __iter__(self) -> Iterator[Invitation]:
        """Iterate over all invitations ordered by creation, then id."""


class Clock(abc.ABC):
    """Source of the current time, replaceable in tests.

    .. versionadded:: 0.1.0
    """

    @abc.abstractmethod
    def now(self) -> datetime:
        """Return the current time as an aware datetime in UTC."""
