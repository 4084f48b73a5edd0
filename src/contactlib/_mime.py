"""Turn an `OutgoingMessage` into a MIME message that mailers send."""

from __future__ import annotations

import email.policy
import email.utils
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from typing import TYPE_CHECKING

import email_validator

from contactlib.exceptions import InvalidEmailError

if TYPE_CHECKING:
    from contactlib.ports import OutgoingMessage

SMTP_POLICY = email.policy.SMTP
"""CRLF line ends, as RFC 5322 requires on the wire and in .eml files."""


def header_address(address: str, display_name: str = "") -> Address:
    """Return *address* as a header address with an ASCII domain.

    A Unicode domain is written in its IDNA (punycode) form.  The display
    name may hold any script; the policy encodes it as RFC 2047 encoded
    words.

    Raises:
        InvalidEmailError: *address* is not a valid address, or its local
            part has non-ASCII characters, which `email.headerregistry`
            cannot write (such addresses need SMTPUTF8).
    """
    try:
        result = email_validator.validate_email(
            address, check_deliverability=False
        )
    except email_validator.EmailNotValidError as error:
        domain = address.rpartition("@")[2]
        raise InvalidEmailError(
            "email",
            address,
            f"invalid e-mail address at {domain!r}: {error}",
        ) from None
    if result.ascii_email is None:
        raise InvalidEmailError(
            "email",
            address,
            "the part before the @ has non-ASCII characters, which mail "
            "headers cannot carry without SMTPUTF8; use an ASCII address",
        )
    return Address(display_name=display_name, addr_spec=result.ascii_email)


def build_mime_message(
    message: OutgoingMessage,
    *,
    sender: str,
    sender_name: str = "",
    now: datetime | None = None,
) -> EmailMessage:
    """Build the MIME message for *message*, sent by *sender*.

    Header values are set through `email.headerregistry`, which encodes
    names in any script and raises `ValueError` for a line break.  The
    fields of `OutgoingMessage` already reject line breaks before that.

    Args:
        message: What to send.
        sender: The From address.
        sender_name: The From display name.
        now: The Date header; the current time by default.

    Raises:
        InvalidEmailError: The sender or recipient address is invalid.
    """
    from_address = header_address(sender, sender_name)
    to_address = header_address(message.to_address, message.to_name)
    mime = EmailMessage(policy=SMTP_POLICY)
    mime["From"] = from_address
    mime["To"] = to_address
    mime["Subject"] = message.subject
    mime["Date"] = email.utils.format_datetime(now or datetime.now(UTC))
    # Give the domain explicitly: without it make_msgid looks up this
    # machine's host name.
    mime["Message-ID"] = email.utils.make_msgid(domain=from_address.domain)
    mime.set_content(message.text)
    if message.html is not None:
        mime.add_alternative(message.html, subtype="html")
    return mime
