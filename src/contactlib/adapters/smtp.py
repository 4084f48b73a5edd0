"""Mailer that sends through an SMTP server with the standard library.

Every failure is raised as a `MailerError` subclass whose message states
what went wrong and what to check.  `MailRejectedError` means the server
rejected the message, `MailTimeoutError` that it did not respond in time,
and `MailConnectionError` that it could not be reached.
"""

from __future__ import annotations

import smtplib
import ssl
from typing import TYPE_CHECKING, NoReturn

from contactlib._log import logger
from contactlib._mime import build_mime_message, header_address
from contactlib.exceptions import (
    InvalidValueError,
    MailConnectionError,
    MailerError,
    MailRejectedError,
    MailTimeoutError,
)
from contactlib.ports import Mailer

if TYPE_CHECKING:
    from email.message import EmailMessage

    from contactlib.ports import OutgoingMessage

__all__ = ["SMTPMailer"]

DEFAULT_TIMEOUT = 30.0
"""Seconds to wait for the connection and for each server response."""


class SMTPMailer(Mailer):
    """Mailer that opens one SMTP connection per message.

    Args:
        host: The server's host name or address.
        port: The server's port; 587 is the submission port that
            STARTTLS uses, 465 the port for implicit TLS.
        sender: The From address.
        sender_name: The From display name; may hold any script.
        starttls: Upgrade the connection with STARTTLS before login.
        implicit_tls: Connect with TLS from the start (port 465).
        username: Log in with this user name; no login when ``None``.
        password: The password for *username*.
        timeout: Seconds to wait to connect and for each reply.
        ssl_context: TLS settings; `ssl.create_default_context` by
            default, which verifies the server's certificate.
        local_hostname: The name sent with EHLO; by default the
            machine's fully qualified name, as `smtplib` finds it.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        host: str,
        port: int = 587,
        *,
        sender: str,
        sender_name: str = "",
        starttls: bool = False,
        implicit_tls: bool = False,
        username: str | None = None,
        password: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        ssl_context: ssl.SSLContext | None = None,
        local_hostname: str | None = None,
    ) -> None:
        """Check the settings; no connection is made until `send`."""
        if starttls and implicit_tls:
            raise InvalidValueError(
                "starttls",
                starttls,
                "choose STARTTLS or implicit TLS, not both",
            )
        if timeout <= 0:
            raise InvalidValueError(
                "timeout", timeout, "the timeout must be positive seconds"
            )
        if (username is None) != (password is None):
            raise InvalidValueError(
                "username",
                username,
                "give both a user name and a password, or neither",
            )
        header_address(sender, sender_name)
        self.host = host
        self.port = port
        self.sender = sender
        self.sender_name = sender_name
        self.starttls = starttls
        self.implicit_tls = implicit_tls
        self.username = username
        self._password = password
        self.timeout = timeout
        self.ssl_context = ssl_context
        self.local_hostname = local_hostname

    def __repr__(self) -> str:
        """Show the server, never the password."""
        return (
            f"SMTPMailer(host={self.host!r}, port={self.port}, "
            f"starttls={self.starttls}, implicit_tls={self.implicit_tls}, "
            f"username={self.username!r})"
        )

    def send(self, message: OutgoingMessage) -> None:
        """Send one message.

        Raises:
            MailRejectedError: The server rejected the sender, the
                recipient, the message or the login.
            MailTimeoutError: The server did not respond within `timeout`.
            MailConnectionError: The server cannot be reached, closed the
                connection or failed the TLS handshake.
            MailerError: The server lacks a feature that the settings
                need, such as STARTTLS.
            InvalidEmailError: The recipient's address is invalid.
        """
        mime = build_mime_message(
            message, sender=self.sender, sender_name=self.sender_name
        )
        try:
            self._send(mime)
        except (smtplib.SMTPException, OSError) as error:
            self._raise_mailer_error(error)
        logger.debug("sent a message through %s:%d", self.host, self.port)

    def _send(self, mime: EmailMessage) -> None:
        context = self.ssl_context or ssl.create_default_context()
        client: smtplib.SMTP
        if self.implicit_tls:
            client = smtplib.SMTP_SSL(
                self.host,
                self.port,
                local_hostname=self.local_hostname,
                timeout=self.timeout,
                context=context,
            )
        else:
            client = smtplib.SMTP(
                self.host,
                self.port,
                local_hostname=self.local_hostname,
                timeout=self.timeout,
            )
        with client:
            if self.starttls:
                client.starttls(context=context)
            if self.username is not None and self._password is not None:
                client.login(self.username, self._password)
            client.send_message(mime)

    def _raise_mailer_error(self, error: BaseException) -> NoReturn:
        where = f"{self.host}:{self.port}"
        match error:
            case smtplib.SMTPRecipientsRefused():
                code, reply = next(iter(error.recipients.values()))
                raise MailRejectedError(
                    code,
                    _text(reply),
                    "check the recipient's address",
                ) from error
            case smtplib.SMTPSenderRefused():
                raise MailRejectedError(
                    error.smtp_code,
                    _text(error.smtp_error),
                    "check the sender address the mailer uses",
                ) from error
            case smtplib.SMTPAuthenticationError():
                raise MailRejectedError(
                    error.smtp_code,
                    _text(error.smtp_error),
                    "check the user name and password",
                ) from error
            case smtplib.SMTPResponseException():
                raise MailRejectedError(
                    error.smtp_code,
                    _text(error.smtp_error),
                    f"see the reply of {where}",
                ) from error
            case smtplib.SMTPNotSupportedError():
                raise MailerError(
                    f"the mail server at {where} does not support what the "
                    f"settings need ({error}); turn the option off or use "
                    "another server"
                ) from error
            case TimeoutError() | smtplib.SMTPServerDisconnected() if (
                _timed_out(error)
            ):
                raise MailTimeoutError(
                    f"the mail server at {where} did not respond within "
                    f"{self.timeout:g} seconds; check that it is an SMTP "
                    "server and reachable, or raise the timeout"
                ) from error
            case ConnectionRefusedError():
                raise MailConnectionError(
                    f"nothing accepts connections at {where}; check the "
                    "host and port and that the mail server runs"
                ) from error
            case ssl.SSLError():
                raise MailConnectionError(
                    f"the TLS handshake with {where} failed ({error}); "
                    "check the TLS settings and the server's certificate"
                ) from error
            case _:
                raise MailConnectionError(
                    f"the connection to the mail server at {where} failed "
                    f"({error}); check the host and port and try again"
                ) from error


def _timed_out(error: BaseException) -> bool:
    # smtplib turns a timeout while reading a reply into
    # SMTPServerDisconnected, with the TimeoutError as its context.
    return isinstance(error, TimeoutError) or isinstance(
        error.__context__, TimeoutError
    )


def _text(reply: bytes | str) -> str:
    if isinstance(reply, bytes):
        return reply.decode("utf-8", "replace")
    return reply
