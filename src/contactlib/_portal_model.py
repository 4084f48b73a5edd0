"""Records of portal access: the host's users, invitations and tokens."""

from __future__ import annotations

import enum
import hashlib
import secrets
import uuid
from datetime import UTC, datetime
from typing import Any

import attrs

from contactlib.exceptions import InvalidValueError
from contactlib.ports import Clock

TOKEN_BYTES = 32
"""Random bytes in a new token: 256 bits, twice the 128 bits required."""


def new_token() -> str:
    """Return a new random token, URL-safe, from the system's CSPRNG.

    The token never starts with ``-``, which command lines would read as
    an option.  A token is drawn again in that case (1 in 64), which
    leaves it more than 255 random bits.

    .. versionadded:: 0.1.0
    """
    while True:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        if not token.startswith("-"):
            return token


def hash_token(token: str) -> str:
    """Return the SHA-256 hash of *token* in hex, the form that is stored.

    A token has 256 random bits, so an unsalted fast hash is enough: the
    hash cannot be reversed by trying candidate tokens.

    .. versionadded:: 0.1.0
    """
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def _check_aware(
    _instance: object,
    attribute: attrs.Attribute[Any],
    value: datetime | None,
) -> None:
    if value is not None and value.utcoffset() is None:
        raise InvalidValueError(
            attribute.name,
            value,
            "the time has no time zone; pass an aware datetime in UTC",
        )


@attrs.frozen
class PortalUser:
    """A user account of the host, as the user directory reports it.

    Attributes:
        user_id: The host's id for the user.
        email: The address the user logs in with.
        full_name: The name shown for the user.
        enabled: Whether the user can log in.

    .. versionadded:: 0.1.0
    """

    user_id: str
    email: str
    full_name: str = ""
    enabled: bool = False


class InvitationStatus(enum.StrEnum):
    """State of an invitation at a given time.

    .. versionadded:: 0.1.0
    """

    PENDING = "pending"
    """Stored, but its message was not delivered to the mailer yet."""
    SENT = "sent"
    """The mailer accepted the message; the token is waiting."""
    ACCEPTED = "accepted"
    """The token was used and the user enabled."""
    EXPIRED = "expired"
    """The token expired before it was used."""


def _new_invitation_id() -> str:
    return uuid.uuid4().hex


@attrs.frozen
class Invitation:
    """One invitation of a contact to the portal.

    A contact has at most one invitation that is not accepted; sending
    again replaces its token instead of adding an invitation.  Only the
    token's hash is kept.

    Attributes:
        invitation_id: Identity of the invitation.
        contact_id: The invited contact.
        user_id: The host's user that the token enables.
        email: The address the message went to.
        token_hash: SHA-256 of the current token, from `hash_token`.
        created_at: When the invitation was first made, in UTC.
        expires_at: When the current token stops working, in UTC.
        sent_at: When the mailer last accepted its message, or ``None``.
        accepted_at: When the token was used, or ``None``.
        attempts: How many times sending was tried.
        last_error: Why the last attempt failed, or ``""``.

    .. versionadded:: 0.1.0
    """

    contact_id: str
    user_id: str
    email: str
    token_hash: str
    created_at: datetime = attrs.field(validator=_check_aware)
    expires_at: datetime = attrs.field(validator=_check_aware)
    sent_at: datetime | None = attrs.field(
        default=None, validator=_check_aware
    )
    accepted_at: datetime | None = attrs.field(
        default=None, validator=_check_aware
    )
    attempts: int = 0
    last_error: str = ""
    invitation_id: str = attrs.field(factory=_new_invitation_id, kw_only=True)

    def status(self, now: datetime) -> InvitationStatus:
        """Return the state of the invitation at *now*."""
        if self.accepted_at is not None:
            return InvitationStatus.ACCEPTED
        if now >= self.expires_at:
            return InvitationStatus.EXPIRED
        if self.sent_at is not None:
            return InvitationStatus.SENT
        return InvitationStatus.PENDING


class SystemClock(Clock):
    """Clock that reads the system time.

    .. versionadded:: 0.1.0
    """

    def now(self) -> datetime:
        """Return the current time in UTC."""
        return datetime.now(UTC)


@attrs.frozen
class InviteResult:
    """Outcome of `InvitationService.invite` for one contact.

    Attributes:
        contact_id: The invited contact.
        user: The user now linked to the contact.
        created_user: Whether the user was created by this call; ``False``
            when an existing account was linked or reused.
        invitation: The invitation that was sent, or ``None`` when the
            linked account could already log in, so no token was needed.

    .. versionadded:: 0.1.0
    """

    contact_id: str
    user: PortalUser
    created_user: bool
    invitation: Invitation | None
