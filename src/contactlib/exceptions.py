"""Exceptions raised by contactlib.

Every exception derives from `ContactlibError`, and each one also derives
from the builtin it resembles, so ``except ValueError`` and
``except LookupError`` keep working in host code::

    ContactlibError
    ├── InvalidValueError (ValueError)
    │   ├── InvalidEmailError
    │   ├── InvalidPhoneError
    │   ├── InvalidNameError
    │   └── InvalidLinkError
    ├── InvalidContactError (ExceptionGroup of InvalidValueError, ValueError)
    ├── NotFoundError (LookupError)
    │   ├── ContactNotFoundError
    │   ├── UserNotFoundError
    │   └── InvitationNotFoundError
    ├── ConflictError
    │   ├── VersionConflictError
    │   ├── DuplicateContactError
    │   ├── PrimaryContactConflictError
    │   ├── PartyExistsError
    │   ├── UserConflictError
    │   └── InvitationAcceptedError
    ├── ImportFileError (ValueError)
    ├── MissingDependencyError (ImportError)
    ├── StorageError
    ├── NotEligibleError (ValueError)
    ├── InvitationTokenError (ValueError)
    │   ├── UnknownTokenError
    │   ├── ExpiredTokenError
    │   ├── UsedTokenError
    │   └── RevokedTokenError
    ├── MailerError
    │   ├── MailRejectedError
    │   ├── MailTimeoutError (TimeoutError)
    │   └── MailConnectionError (ConnectionError)
    └── InvitationNotSentError

Errors carry their data as attributes (``field``, ``value``,
``contact_id`` and so on), so callers never need to parse messages.
Messages about e-mail addresses and phone numbers show only the offending
part of the value, never a whole address or number.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from contactlib._eligibility import Ineligibility

__all__ = [
    "ConflictError",
    "ContactNotFoundError",
    "ContactlibError",
    "DuplicateContactError",
    "ExpiredTokenError",
    "ImportFileError",
    "InvalidContactError",
    "InvalidEmailError",
    "InvalidLinkError",
    "InvalidNameError",
    "InvalidPhoneError",
    "InvalidValueError",
    "InvitationAcceptedError",
    "InvitationNotFoundError",
    "InvitationNotSentError",
    "InvitationTokenError",
    "MailConnectionError",
    "MailRejectedError",
    "MailTimeoutError",
    "MailerError",
    "MissingDependencyError",
    "NotEligibleError",
    "NotFoundError",
    "PartyExistsError",
    "PrimaryContactConflictError",
    "RevokedTokenError",
    "StorageError",
    "UnknownTokenError",
    "UsedTokenError",
    "UserConflictError",
    "UserNotFoundError",
    "VersionConflictError",
]


class ContactlibError(Exception):
    """Root of every exception that contactlib raises on purpose."""


class InvalidValueError(ContactlibError, ValueError):
    """A field of a contact or link has a value that breaks a rule.

    Attributes:
        field: Name of the field, such as ``"emails[1]"`` or
            ``"first_name"``.
        value: The rejected value as given.
        reason: What is wrong and what to do, as one sentence.
    """

    def __init__(self, field: str, value: object, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.value = value
        self.reason = reason


class InvalidEmailError(InvalidValueError):
    """An e-mail address failed validation."""


class InvalidPhoneError(InvalidValueError):
    """A phone number could not be parsed in strict mode."""


class InvalidNameError(InvalidValueError):
    """A name is missing or contains characters that no name may contain."""


class InvalidLinkError(InvalidValueError):
    """A link to a party is malformed or breaks a linking rule."""


class InvalidContactError(
    ExceptionGroup[InvalidValueError], ContactlibError, ValueError
):
    """Every invalid field of one contact, reported together.

    The group contains one `InvalidValueError` for each problem, so
    ``except* InvalidEmailError`` picks out single kinds; it is also a
    `ValueError`, so a plain ``except ValueError`` catches it whole.  Use
    `problems` for a flat list of ``(field, reason)`` pairs, for example to
    fill a row of an import report.  ``str()`` of the group lists every
    problem on one line.
    """

    def __new__(
        cls, message: str, errors: Sequence[InvalidValueError]
    ) -> Self:
        """Create the group; signature as `ExceptionGroup`."""
        return super().__new__(cls, message, errors)

    def derive(  # type: ignore[override]
        self, excs: Sequence[InvalidValueError]
    ) -> InvalidContactError:
        """Return a group of the same type holding *excs*."""
        return InvalidContactError(self.message, excs)

    @property
    def exceptions(self) -> tuple[InvalidValueError, ...]:
        """The errors in the group, one per problem."""
        return tuple(
            error
            for error in super().exceptions
            if isinstance(error, InvalidValueError)
        )

    @property
    def problems(self) -> list[tuple[str, str]]:
        """``(field, reason)`` for every error in the group, in order."""
        return [(error.field, error.reason) for error in self.exceptions]

    def __str__(self) -> str:
        """Return the message followed by every problem."""
        details = "; ".join(
            f"{field}: {reason}" for field, reason in self.problems
        )
        return f"{self.message}: {details}"


class NotFoundError(ContactlibError, LookupError):
    """Something looked up by its identity does not exist."""


class ContactNotFoundError(NotFoundError):
    """No contact has the requested id.

    Attributes:
        contact_id: The id that was looked up.
    """

    def __init__(self, contact_id: str) -> None:
        super().__init__(
            f"contact {contact_id!r} not found; "
            "check the id, or search for the contact by name or e-mail"
        )
        self.contact_id = contact_id


class ConflictError(ContactlibError):
    """A write conflicts with data that is already stored."""


class VersionConflictError(ConflictError):
    """A save would overwrite a newer version of a contact.

    Read the contact again, apply the change to the fresh copy and save
    that.

    Attributes:
        contact_id: The contact that was saved.
        expected_version: The version the caller based its change on.
        actual_version: The version that is stored, or ``None`` when the
            contact was deleted in the meantime.
    """

    def __init__(
        self,
        contact_id: str,
        expected_version: int,
        actual_version: int | None,
    ) -> None:
        stored = (
            "it was deleted"
            if actual_version is None
            else f"version {actual_version} is stored"
        )
        super().__init__(
            f"contact {contact_id!r} changed since it was read: the change "
            f"is based on version {expected_version} but {stored}; read it "
            "again and reapply the change"
        )
        self.contact_id = contact_id
        self.expected_version = expected_version
        self.actual_version = actual_version


class DuplicateContactError(ConflictError):
    """A contact with the same id is already stored.

    Attributes:
        contact_id: The id that is taken.
    """

    def __init__(self, contact_id: str) -> None:
        super().__init__(
            f"contact {contact_id!r} already exists; save it to change it, "
            "or add it under another id"
        )
        self.contact_id = contact_id


class PrimaryContactConflictError(ConflictError):
    """Another contact is already the primary contact of the party.

    Use `ContactService.set_primary`, which demotes the previous primary
    contact in the same transaction.

    Attributes:
        party_type: Type of the party, such as ``"Customer"``.
        party_name: Name of the party.
        contact_id: The contact that was to become primary.
        current_primary_id: The contact that is primary now.
    """

    def __init__(
        self,
        party_type: str,
        party_name: str,
        contact_id: str,
        current_primary_id: str,
    ) -> None:
        super().__init__(
            f"{party_type} {party_name!r} already has primary contact "
            f"{current_primary_id!r}, so {contact_id!r} cannot be marked "
            "primary; use ContactService.set_primary, which demotes the "
            "current one"
        )
        self.party_type = party_type
        self.party_name = party_name
        self.contact_id = contact_id
        self.current_primary_id = current_primary_id


class PartyExistsError(ConflictError):
    """A party cannot be renamed because the new name is in use.

    Contacts are already linked to a party of that name; merge the two
    parties instead.

    Attributes:
        party_type: Type of the party, such as ``"Customer"``.
        party_name: The new name, which is in use.
    """

    def __init__(self, party_type: str, party_name: str) -> None:
        super().__init__(
            f"{party_type} {party_name!r} already has linked contacts, so "
            "no party can be renamed to it; merge the two parties instead"
        )
        self.party_type = party_type
        self.party_name = party_name


class ImportFileError(ContactlibError, ValueError):
    """An import file cannot be read at all.

    Row-level problems never raise this: they go into the import report.
    This is raised for a file that is missing, empty, binary, truncated
    in its encoding, or has a header that matches no known layout, and
    for import options that do not fit the file, such as a mapping for a
    column the file does not have.

    Attributes:
        path: The file, as given, or ``"<stream>"``.
        reason: What is wrong and what to do.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class MissingDependencyError(ContactlibError, ImportError):
    """A feature needs an optional dependency that is not installed.

    The message names the extra to install, such as
    ``pip install 'contactlib[xlsx]'``.

    .. versionadded:: 0.1.0
    """


class StorageError(ContactlibError):
    """The storage backend failed in a way the library cannot recover."""


class UserNotFoundError(NotFoundError):
    """The host's user directory has no user with the requested id.

    Attributes:
        user_id: The id that was looked up.

    .. versionadded:: 0.1.0
    """

    def __init__(self, user_id: str) -> None:
        super().__init__(
            f"user {user_id!r} not found in the user directory; check the "
            "id, or invite the contact again to create the user"
        )
        self.user_id = user_id


class InvitationNotFoundError(NotFoundError):
    """No invitation has the requested id.

    Attributes:
        invitation_id: The id that was looked up.

    .. versionadded:: 0.1.0
    """

    def __init__(self, invitation_id: str) -> None:
        super().__init__(
            f"invitation {invitation_id!r} not found; list them with "
            "`contactlib invitations`"
        )
        self.invitation_id = invitation_id


class UserConflictError(ConflictError):
    """The user directory already has a user with this e-mail address.

    Attributes:
        user_id: The user that has the address.

    .. versionadded:: 0.1.0
    """

    def __init__(self, user_id: str) -> None:
        super().__init__(
            f"user {user_id!r} already has this e-mail address; link that "
            "user instead of creating another"
        )
        self.user_id = user_id


class InvitationAcceptedError(ConflictError):
    """An invitation that was already accepted cannot be sent again.

    Attributes:
        invitation_id: The accepted invitation.

    .. versionadded:: 0.1.0
    """

    def __init__(self, invitation_id: str) -> None:
        super().__init__(
            f"invitation {invitation_id!r} was already accepted, so there "
            "is nothing to send; the user can log in"
        )
        self.invitation_id = invitation_id


class NotEligibleError(ContactlibError, ValueError):
    """A contact cannot be invited, for one or more reasons.

    Attributes:
        contact_id: The contact that was to be invited.
        reasons: Every reason, in the order the rules ran, each with a
            ``reason`` code and a ``message``.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self, contact_id: str, reasons: Sequence[Ineligibility]
    ) -> None:
        listed = "; ".join(item.message for item in reasons)
        super().__init__(f"contact {contact_id!r} cannot be invited: {listed}")
        self.contact_id = contact_id
        self.reasons = tuple(reasons)


class InvitationTokenError(ContactlibError, ValueError):
    """An invitation token cannot be accepted.

    The subclasses tell why.  No message ever shows the token.

    .. versionadded:: 0.1.0
    """


class UnknownTokenError(InvitationTokenError):
    """No invitation has this token.

    The token was mistyped, cut off, or replaced when the invitation was
    sent again.

    .. versionadded:: 0.1.0
    """

    def __init__(self) -> None:
        super().__init__(
            "the invitation token is not known: it may be incomplete, or "
            "a newer invitation replaced it; use the link from the latest "
            "invitation or ask for a new one"
        )


class ExpiredTokenError(InvitationTokenError):
    """The invitation's token expired before it was accepted.

    Attributes:
        invitation_id: The invitation.
        expired_at: When the token expired, in UTC.

    .. versionadded:: 0.1.0
    """

    def __init__(self, invitation_id: str, expired_at: datetime) -> None:
        super().__init__(
            f"invitation {invitation_id!r} expired at "
            f"{expired_at.isoformat(timespec='seconds')}; send it again "
            "to issue a new token"
        )
        self.invitation_id = invitation_id
        self.expired_at = expired_at


class UsedTokenError(InvitationTokenError):
    """The invitation's token was already used.

    Attributes:
        invitation_id: The invitation.
        accepted_at: When it was accepted, in UTC.

    .. versionadded:: 0.1.0
    """

    def __init__(self, invitation_id: str, accepted_at: datetime) -> None:
        super().__init__(
            f"invitation {invitation_id!r} was already accepted at "
            f"{accepted_at.isoformat(timespec='seconds')}; a token works "
            "once, so log in instead"
        )
        self.invitation_id = invitation_id
        self.accepted_at = accepted_at


class RevokedTokenError(InvitationTokenError):
    """The invitation no longer applies to its contact.

    The contact was deleted, or it is now linked to another user or to
    none.

    Attributes:
        invitation_id: The invitation.
        contact_id: The contact it was sent for.

    .. versionadded:: 0.1.0
    """

    def __init__(self, invitation_id: str, contact_id: str) -> None:
        super().__init__(
            f"invitation {invitation_id!r} no longer applies: contact "
            f"{contact_id!r} was deleted or linked to another user; invite "
            "the contact again"
        )
        self.invitation_id = invitation_id
        self.contact_id = contact_id


class MailerError(ContactlibError):
    """A mailer failed to send a message; sending again may succeed.

    .. versionadded:: 0.1.0
    """


class MailRejectedError(MailerError):
    """The mail server rejected the message, the sender or a recipient.

    Attributes:
        code: The SMTP reply code, such as ``550``, or ``None`` when the
            server gave none.
        server_message: The server's reply text.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self, code: int | None, server_message: str, hint: str
    ) -> None:
        shown = f"{code} {server_message}" if code else server_message
        super().__init__(
            f"the mail server rejected the message ({shown}); {hint}"
        )
        self.code = code
        self.server_message = server_message

    @property
    def permanent(self) -> bool:
        """Whether the code is a 5xx reply, which a retry will not fix."""
        return self.code is not None and self.code >= 500  # noqa: PLR2004


class MailTimeoutError(MailerError, TimeoutError):
    """The mail server did not respond within the timeout.

    .. versionadded:: 0.1.0
    """


class MailConnectionError(MailerError, ConnectionError):
    """The mail server could not be reached or closed the connection.

    .. versionadded:: 0.1.0
    """


class InvitationNotSentError(ContactlibError):
    """An invitation is stored but its message could not be sent.

    A new invitation stays pending.  One that was sent before keeps its
    previous token, which still works.  `InvitationService.resend` sends
    it later.  The mailer's error is the ``__cause__``.

    Attributes:
        invitation_id: The pending invitation.
        contact_id: The invited contact.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self, invitation_id: str, contact_id: str, reason: str
    ) -> None:
        super().__init__(
            f"sending invitation {invitation_id!r} for contact "
            f"{contact_id!r} failed: {reason}; the invitation stays "
            "stored, so send it again with resend"
        )
        self.invitation_id = invitation_id
        self.contact_id = contact_id
