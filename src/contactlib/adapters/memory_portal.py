"""In-memory user directory, invitation store, mailer and clock.

The reference adapters of the portal ports, for tests and demos.  Each
guards its state with a lock, so they are safe to share between threads.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import attrs

from contactlib._normalize import email_key
from contactlib._portal_model import Invitation, PortalUser
from contactlib.exceptions import (
    ConflictError,
    InvalidValueError,
    InvitationNotFoundError,
    MailerError,
    UserConflictError,
    UserNotFoundError,
)
from contactlib.ports import (
    Clock,
    InvitationStore,
    Mailer,
    OutgoingMessage,
    UserDirectory,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

__all__ = [
    "ManualClock",
    "MemoryInvitationStore",
    "MemoryMailer",
    "MemoryUserDirectory",
]


class MemoryUserDirectory(UserDirectory):
    """User directory that keeps users in process memory.

    New users get ids ``"user-1"``, ``"user-2"`` and so on.

    .. versionadded:: 0.1.0
    """

    def __init__(self, users: Iterable[PortalUser] = ()) -> None:
        """Create a directory holding *users*."""
        self._lock = threading.Lock()
        self._users: dict[str, PortalUser] = {}
        self._by_email: dict[str, str] = {}
        for user in users:
            self._put(user)

    def _put(self, user: PortalUser) -> None:
        key = email_key(user.email)
        holder = self._by_email.get(key)
        if holder is not None and holder != user.user_id:
            raise UserConflictError(holder)
        self._users[user.user_id] = user
        self._by_email[key] = user.user_id

    def find(self, user_id: str) -> PortalUser | None:
        """Return the user with *user_id*, or ``None``."""
        with self._lock:
            return self._users.get(user_id)

    def find_by_email(self, address: str) -> PortalUser | None:
        """Return the user with *address*, ignoring letter case."""
        with self._lock:
            user_id = self._by_email.get(email_key(address))
            return None if user_id is None else self._users[user_id]

    def create_portal_user(
        self, address: str, *, full_name: str
    ) -> PortalUser:
        """Create a disabled user with *address*."""
        with self._lock:
            number = len(self._users) + 1
            while f"user-{number}" in self._users:
                number += 1
            user = PortalUser(f"user-{number}", address, full_name)
            self._put(user)
            return user

    def enable(self, user_id: str) -> PortalUser:
        """Let the user log in."""
        with self._lock:
            user = self._users.get(user_id)
            if user is None:
                raise UserNotFoundError(user_id)
            enabled = attrs.evolve(user, enabled=True)
            self._users[user_id] = enabled
            return enabled

    def __iter__(self) -> Iterator[PortalUser]:
        """Iterate over a snapshot of the users, ordered by id."""
        with self._lock:
            users = [self._users[key] for key in sorted(self._users)]
        return iter(users)

    def __len__(self) -> int:
        """Return the number of users."""
        with self._lock:
            return len(self._users)


class MemoryInvitationStore(InvitationStore):
    """Invitation store that keeps invitations in process memory.

    .. versionadded:: 0.1.0
    """

    def __init__(self) -> None:
        """Create an empty store."""
        self._lock = threading.Lock()
        self._invitations: dict[str, Invitation] = {}

    def add(self, invitation: Invitation) -> Invitation:
        """Store a new invitation."""
        with self._lock:
            if invitation.invitation_id in self._invitations:
                raise ConflictError(
                    f"invitation {invitation.invitation_id!r} already exists"
                )
            self._check_unique(invitation)
            self._invitations[invitation.invitation_id] = invitation
            return invitation

    def save(self, invitation: Invitation) -> Invitation:
        """Replace a stored invitation."""
        with self._lock:
            if invitation.invitation_id not in self._invitations:
                raise InvitationNotFoundError(invitation.invitation_id)
            self._check_unique(invitation)
            self._invitations[invitation.invitation_id] = invitation
            return invitation

    def _check_unique(self, invitation: Invitation) -> None:
        for other in self._invitations.values():
            if other.invitation_id == invitation.invitation_id:
                continue
            if other.token_hash == invitation.token_hash:
                raise ConflictError("another invitation has this token")
            if (
                other.contact_id == invitation.contact_id
                and other.accepted_at is None
                and invitation.accepted_at is None
            ):
                raise ConflictError(
                    f"contact {invitation.contact_id!r} already has open "
                    f"invitation {other.invitation_id!r}; send that again"
                )

    def mark_accepted(
        self, invitation_id: str, token_hash: str, at: datetime
    ) -> bool:
        """Set ``accepted_at`` if unused and *token_hash* is current."""
        with self._lock:
            current = self._invitations.get(invitation_id)
            if (
                current is None
                or current.accepted_at is not None
                or current.token_hash != token_hash
            ):
                return False
            self._invitations[invitation_id] = attrs.evolve(
                current, accepted_at=at
            )
            return True

    def find(self, invitation_id: str) -> Invitation | None:
        """Return the invitation with *invitation_id*, or ``None``."""
        with self._lock:
            return self._invitations.get(invitation_id)

    def find_by_token_hash(self, token_hash: str) -> Invitation | None:
        """Return the invitation whose current token has this hash."""
        with self._lock:
            for invitation in self._invitations.values():
                if invitation.token_hash == token_hash:
                    return invitation
            return None

    def find_open(self, contact_id: str) -> Invitation | None:
        """Return the contact's invitation that is not accepted."""
        with self._lock:
            for invitation in self._invitations.values():
                if (
                    invitation.contact_id == contact_id
                    and invitation.accepted_at is None
                ):
                    return invitation
            return None

    def __iter__(self) -> Iterator[Invitation]:
        """Iterate over a snapshot, ordered by creation time, then id."""
        with self._lock:
            invitations = sorted(
                self._invitations.values(),
                key=lambda item: (item.created_at, item.invitation_id),
            )
        return iter(invitations)


class MemoryMailer(Mailer):
    """Mailer that keeps sent messages in a list instead of sending them.

    Queue errors with `fail_next` to test how callers handle a mailer
    failure.

    Attributes:
        sent: Every message sent, oldest first.

    .. versionadded:: 0.1.0
    """

    def __init__(self) -> None:
        """Create a mailer with nothing sent."""
        self._lock = threading.Lock()
        self.sent: list[OutgoingMessage] = []
        self._failures: list[MailerError] = []

    def fail_next(
        self, error: MailerError | None = None, count: int = 1
    ) -> None:
        """Make the next *count* sends raise *error*.

        Args:
            error: The error to raise; a plain `MailerError` by default.
            count: How many sends fail.
        """
        with self._lock:
            for _ in range(count):
                self._failures.append(
                    error or MailerError("the mailer failed on purpose")
                )

    def cancel_failures(self) -> None:
        """Drop the errors that `fail_next` queued and no send raised."""
        with self._lock:
            self._failures.clear()

    def send(self, message: OutgoingMessage) -> None:
        """Record *message*, or raise the next queued error."""
        with self._lock:
            if self._failures:
                raise self._failures.pop(0)
            self.sent.append(message)


class ManualClock(Clock):
    """Clock that shows one time until a test moves it.

    Args:
        start: The first time it shows; 2025-01-01 00:00 UTC by default.

    .. versionadded:: 0.1.0
    """

    def __init__(self, start: datetime | None = None) -> None:
        """Create a clock showing *start*."""
        start = start or datetime(2025, 1, 1, tzinfo=UTC)
        if start.utcoffset() is None:
            raise InvalidValueError(
                "start", start, "the time has no time zone; pass UTC"
            )
        self._now = start

    def now(self) -> datetime:
        """Return the time the clock shows."""
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward by *delta* and return the new time."""
        self._now += delta
        return self._now
