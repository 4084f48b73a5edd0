"""The invitation message and the protocol for hosts' own templates."""

from __future__ import annotations

import html
import string
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from contactlib.exceptions import InvalidValueError
from contactlib.ports import OutgoingMessage

if TYPE_CHECKING:
    from datetime import datetime

    from contactlib._model import Contact

PLACEHOLDERS = frozenset({"name", "first_name", "email", "link", "expires"})
"""Names a template may use, written ``$name`` or ``${name}``."""

_DEFAULT_SUBJECT = "Your invitation to the portal"
_DEFAULT_TEXT = """\
Hello $name,

you are invited to the portal, where you can see the orders, invoices
and other records that concern you.

Open this link to activate your account:

$link

The link works once and expires on $expires.
If you did not expect this message, you can ignore it.
"""


class MessageTemplate(Protocol):
    """Anything that composes the invitation message for a contact.

    `InvitationTemplate` is the library's own; hosts pass any object with
    this method to `InvitationService` to write their own messages.

    .. versionadded:: 0.1.0
    """

    def render(
        self, contact: Contact, *, link: str, expires_at: datetime
    ) -> OutgoingMessage:
        """Return the message inviting *contact* with *link*."""
        ...


def _check_placeholders(
    _instance: object, attribute: attrs.Attribute[Any], value: str | None
) -> None:
    if value is None:
        return
    unknown = sorted(
        set(string.Template(value).get_identifiers()) - PLACEHOLDERS
    )
    if unknown:
        raise InvalidValueError(
            attribute.name,
            value,
            f"unknown placeholder ${unknown[0]}; use only "
            + ", ".join(f"${name}" for name in sorted(PLACEHOLDERS)),
        )


@attrs.frozen
class InvitationTemplate:
    """Invitation message with ``$placeholders`` filled per contact.

    The placeholders are ``$name`` (display name), ``$first_name``,
    ``$email``, ``$link`` (the accept link with the token) and
    ``$expires`` (expiry time in UTC).  Values put into `html` are
    HTML-escaped.  A literal dollar sign is written ``$$``.

    Attributes:
        subject: Subject line.
        text: Plain-text body.
        html: Optional HTML body.

    .. versionadded:: 0.1.0
    """

    subject: str = attrs.field(
        default=_DEFAULT_SUBJECT, validator=_check_placeholders
    )
    text: str = attrs.field(
        default=_DEFAULT_TEXT, validator=_check_placeholders
    )
    html: str | None = attrs.field(default=None, validator=_check_placeholders)

    def render(
        self, contact: Contact, *, link: str, expires_at: datetime
    ) -> OutgoingMessage:
        """Return the message inviting *contact* with *link*.

        Raises:
            InvalidValueError: The contact has no primary e-mail address,
                or the subject would hold a line break.
        """
        address = contact.primary_email
        if address is None:
            raise InvalidValueError(
                "emails", None, "the contact has no primary e-mail address"
            )
        values = {
            "name": contact.display_name,
            "first_name": contact.first_name or contact.display_name,
            "email": address,
            "link": link,
            "expires": expires_at.strftime("%Y-%m-%d %H:%M UTC"),
        }
        escaped = {key: html.escape(value) for key, value in values.items()}
        return OutgoingMessage(
            to_address=address,
            to_name=contact.full_name or contact.company_name,
            subject=string.Template(self.subject).substitute(values),
            text=string.Template(self.text).substitute(values),
            html=(
                None
                if self.html is None
                else string.Template(self.html).substitute(escaped)
            ),
        )
