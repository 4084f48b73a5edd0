"""Real mail through `SMTPMailer` to an SMTP server on loopback."""

from __future__ import annotations

import email
import email.policy
import re
import shutil
import socket
import ssl
import subprocess
import time
from typing import TYPE_CHECKING, Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from contactlib import (
    Contact,
    EmailAddress,
    InvitationService,
    InvitationStatus,
    Link,
)
from contactlib.adapters.smtp import SMTPMailer
from contactlib.exceptions import (
    InvitationNotSentError,
    MailConnectionError,
    MailRejectedError,
    MailTimeoutError,
)
from contactlib.ports import OutgoingMessage
from contactlib.testing import (
    ManualClock,
    MemoryContactRepository,
    MemoryInvitationStore,
    MemoryUserDirectory,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from email.message import EmailMessage

LOOPBACK = "127.0.0.1"
SENDER = "portal@example.com"
ACCEPT_URL = "https://portal.example.com/accept?token={token}"
PASSWORD = "s3cret"  # noqa: S105 - the test server's own account


class Recorder:
    """aiosmtpd handler that keeps each delivered message."""

    def __init__(self) -> None:
        self.delivered: list[tuple[str, list[str], bytes]] = []
        self.rcpt_reply: str | None = None
        self.encrypted: list[bool] = []

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self,
        server: Any,
        session: Any,
        envelope: Any,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        """Reject with `rcpt_reply` if set, else accept the recipient."""
        if self.rcpt_reply is not None:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        """Keep the message and whether it came over TLS."""
        # STARTTLS sets session.ssl; implicit TLS shows on the transport.
        tls_transport = server.transport.get_extra_info("ssl_object")
        self.encrypted.append(
            session.ssl is not None or tls_transport is not None
        )
        self.delivered.append(
            (envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
        )
        return "250 Message accepted"

    def message(self, index: int = -1) -> EmailMessage:
        """Parse a delivered message, the last one by default."""
        raw = self.delivered[index][2]
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, email.message.EmailMessage)
        return parsed


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
    return port


def _accept_login(*arguments: Any) -> AuthResult:
    # aiosmtpd passes server, session, envelope, mechanism and the data.
    data = arguments[-1]
    ok = isinstance(data, LoginPassword) and (
        data.login == b"portal" and data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def server() -> Iterator[tuple[Recorder, int]]:
    """An SMTP server on loopback that records what it receives."""
    recorder = Recorder()
    port = _free_port()
    controller = Controller(
        recorder,
        hostname=LOOPBACK,
        port=port,
        server_hostname="localhost",
        authenticator=_accept_login,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield recorder, port
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, made with openssl."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            f"subjectAltName=IP:{LOOPBACK}",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def _server_context(certificate) -> ssl.SSLContext:
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def _start(recorder: Recorder, **options: Any) -> tuple[Controller, int]:
    port = _free_port()
    controller = Controller(
        recorder,
        hostname=LOOPBACK,
        port=port,
        server_hostname="localhost",
        authenticator=_accept_login,
        **options,
    )
    controller.start()
    return controller, port


@pytest.fixture
def tls_server(certificate) -> Iterator[tuple[Recorder, int]]:
    """A server that requires STARTTLS before mail and login."""
    recorder = Recorder()
    controller, port = _start(
        recorder,
        tls_context=_server_context(certificate),
        require_starttls=True,
    )
    try:
        yield recorder, port
    finally:
        controller.stop()


@pytest.fixture
def implicit_tls_server(certificate) -> Iterator[tuple[Recorder, int]]:
    """A server that speaks TLS from the first byte."""
    recorder = Recorder()
    controller, port = _start(
        recorder, ssl_context=_server_context(certificate)
    )
    try:
        yield recorder, port
    finally:
        controller.stop()


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that accepts connections and never responds."""
    with socket.socket() as listener:
        listener.bind((LOOPBACK, 0))
        listener.listen(8)
        yield listener.getsockname()[1]


@pytest.fixture
def closed_port() -> int:
    """A loopback port that nothing listens on."""
    return _free_port()


def _mailer(port: int, **options: Any) -> SMTPMailer:
    options.setdefault("timeout", 5.0)
    return SMTPMailer(
        LOOPBACK,
        port,
        sender=SENDER,
        sender_name="Portal des Kunden",
        local_hostname="localhost",
        **options,
    )


def _message(**fields: Any) -> OutgoingMessage:
    values = {
        "to_address": "mohammed@example.com",
        "to_name": "محمد علي",
        "subject": "邀请 to the portal",
        "text": "Hello,\nopen the link.\n",
    }
    values.update(fields)
    return OutgoingMessage(**values)


class TestSMTPMailerTLS:
    """`SMTPMailer` with STARTTLS and implicit TLS."""

    def test_starttls_login(self, tls_server, certificate):
        """STARTTLS is used before login, and the mail is encrypted."""
        recorder, port = tls_server
        client = ssl.create_default_context(cafile=str(certificate[0]))
        mailer = _mailer(
            port,
            starttls=True,
            ssl_context=client,
            username="portal",
            password=PASSWORD,
        )

        mailer.send(_message())

        assert recorder.encrypted == [True]

    def test_untrusted_certificate(self, tls_server):
        """A certificate the client does not trust fails the handshake."""
        recorder, port = tls_server
        mailer = _mailer(
            port, starttls=True, ssl_context=ssl.create_default_context()
        )

        with pytest.raises(MailConnectionError) as caught:
            mailer.send(_message())

        assert "TLS handshake" in str(caught.value)
        assert recorder.delivered == []

    def test_starttls_required(self, tls_server):
        """Without STARTTLS a server that requires it rejects the mail."""
        recorder, port = tls_server

        with pytest.raises(MailRejectedError) as caught:
            _mailer(port).send(_message())

        assert caught.value.code == 530
        assert recorder.delivered == []

    def test_implicit_tls(self, implicit_tls_server, certificate):
        """Implicit TLS connects encrypted from the start."""
        recorder, port = implicit_tls_server
        client = ssl.create_default_context(cafile=str(certificate[0]))

        _mailer(port, implicit_tls=True, ssl_context=client).send(_message())

        assert recorder.encrypted == [True]


class TestSMTPMailer:
    """`SMTPMailer` against a real server, a silent one and none."""

    def test_delivers(self, server):
        """A message reaches the server with its envelope and body."""
        recorder, port = server

        _mailer(port).send(_message())

        assert len(recorder.delivered) == 1
        mail_from, recipients, _ = recorder.delivered[0]
        assert mail_from == SENDER
        assert recipients == ["mohammed@example.com"]
        assert recorder.encrypted == [False]
        body = recorder.message().get_body(("plain",))
        assert body is not None
        text = body.get_content().replace("\r\n", "\n")
        assert text == "Hello,\nopen the link.\n"

    def test_arabic_name(self, server):
        """An Arabic display name is sent encoded and decodes intact."""
        recorder, port = server

        _mailer(port).send(_message())

        raw = recorder.delivered[0][2]
        to_line = next(
            line for line in raw.split(b"\r\n") if line.startswith(b"To:")
        )
        assert to_line.isascii()
        assert b"=?utf-8?" in to_line
        (address,) = recorder.message()["To"].addresses
        assert address.display_name == "محمد علي"
        assert address.addr_spec == "mohammed@example.com"

    def test_chinese_subject(self, server):
        """A Chinese subject and name are encoded and decode intact."""
        recorder, port = server

        _mailer(port).send(
            _message(to_name="李小明", to_address="li@example.com")
        )

        message = recorder.message()
        assert message["Subject"] == "邀请 to the portal"
        assert message["To"].addresses[0].display_name == "李小明"
        assert message["From"].addresses[0].display_name == (
            "Portal des Kunden"
        )

    def test_unicode_domain(self, server):
        """A Unicode domain is sent in its IDNA form."""
        recorder, port = server

        _mailer(port).send(_message(to_address="li@例え.jp"))

        assert recorder.delivered[0][1] == ["li@xn--r8jz45g.jp"]

    def test_name_with_address(self, server):
        """A name that looks like another address adds no recipient."""
        recorder, port = server

        _mailer(port).send(
            _message(to_name='Eve <eve@example.org>, "x" <x@example.org>')
        )

        assert recorder.delivered[0][1] == ["mohammed@example.com"]
        addresses = recorder.message()["To"].addresses
        assert [a.addr_spec for a in addresses] == ["mohammed@example.com"]

    def test_login(self, server):
        """The mailer logs in when given a user name and password."""
        recorder, port = server

        _mailer(port, username="portal", password=PASSWORD).send(_message())

        assert len(recorder.delivered) == 1

    def test_wrong_password(self, server):
        """A failed login is a rejection that names the credentials."""
        recorder, port = server
        mailer = _mailer(port, username="portal", password=PASSWORD[::-1])

        with pytest.raises(MailRejectedError) as caught:
            mailer.send(_message())

        assert caught.value.code == 535
        assert "check the user name and password" in str(caught.value)
        assert recorder.delivered == []

    def test_rejected(self, server):
        """A 550 reply raises a permanent `MailRejectedError`."""
        recorder, port = server
        recorder.rcpt_reply = "550 5.1.1 Mailbox unavailable"

        with pytest.raises(MailRejectedError) as caught:
            _mailer(port).send(_message())

        assert str(caught.value) == (
            "the mail server rejected the message (550 5.1.1 Mailbox "
            "unavailable); check the recipient's address"
        )
        assert caught.value.code == 550
        assert caught.value.permanent
        assert recorder.delivered == []

    def test_timeout(self, silent_port):
        """A server that never responds raises within the timeout."""
        mailer = _mailer(silent_port, timeout=0.5)
        started = time.monotonic()

        with pytest.raises(MailTimeoutError) as caught:
            mailer.send(_message())

        assert time.monotonic() - started < 5
        assert str(caught.value) == (
            f"the mail server at {LOOPBACK}:{silent_port} did not respond "
            "within 0.5 seconds; check that it is an SMTP server and "
            "reachable, or raise the timeout"
        )
        assert isinstance(caught.value, TimeoutError)

    def test_down(self, closed_port):
        """A port with nothing listening raises `MailConnectionError`."""
        mailer = _mailer(closed_port)

        with pytest.raises(MailConnectionError) as caught:
            mailer.send(_message())

        assert str(caught.value) == (
            f"nothing accepts connections at {LOOPBACK}:{closed_port}; "
            "check the host and port and that the mail server runs"
        )
        assert isinstance(caught.value, ConnectionError)

    def test_repr_hides_password(self):
        """The mailer's repr never shows the password."""
        mailer = _mailer(25, username="portal", password=PASSWORD)

        assert "s3cret" not in repr(mailer)


def _service(mailer: SMTPMailer) -> tuple[InvitationService, str]:
    contacts = MemoryContactRepository()
    contact = contacts.add(_contact(first_name="محمد", last_name="علي"))
    service = InvitationService(
        contacts=contacts,
        users=MemoryUserDirectory(),
        invitations=MemoryInvitationStore(),
        mailer=mailer,
        clock=ManualClock(),
        portal_types={"Customer"},
        accept_url=ACCEPT_URL,
    )
    return service, contact.contact_id


def _contact(**fields: Any) -> Contact:
    return Contact(
        emails=[EmailAddress("mohammed@example.com")],
        links=[Link("Customer", "CUST-0042")],
        **fields,
    )


def _token(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    match = re.search(r"accept\?token=([A-Za-z0-9_-]+)", body.get_content())
    assert match is not None
    return match.group(1)


class TestInvitationBySMTP:
    """`InvitationService` sending through `SMTPMailer`."""

    def test_invite(self, server):
        """An invitation arrives once with a token link that works."""
        recorder, port = server
        service, contact_id = _service(_mailer(port))

        result = service.invite(contact_id)

        assert len(recorder.delivered) == 1
        message = recorder.message()
        assert message["Subject"] == "Your invitation to the portal"
        assert message["To"].addresses[0].display_name == "محمد علي"
        token = _token(message)
        assert len(token) >= 22  # 128 bits in base64url
        user = service.accept(token)
        assert user.user_id == result.user.user_id
        assert user.enabled

    @pytest.mark.parametrize("failure", ["rejected", "timeout", "down"])
    def test_resend_after_failure(
        self, server, silent_port, closed_port, failure
    ):
        """After a failed send, a re-send delivers exactly one message."""
        recorder, port = server
        if failure == "rejected":
            recorder.rcpt_reply = "550 5.7.1 Relaying denied"
            failing = _mailer(port)
        elif failure == "timeout":
            failing = _mailer(silent_port, timeout=0.5)
        else:
            failing = _mailer(closed_port)
        service, contact_id = _service(failing)

        with pytest.raises(InvitationNotSentError) as caught:
            service.invite(contact_id)

        pending = service.invitations.get(caught.value.invitation_id)
        assert service.status(pending) is InvitationStatus.PENDING
        assert pending.attempts == 1
        assert recorder.delivered == []

        recorder.rcpt_reply = None
        service.mailer = _mailer(port)
        result = service.resend(caught.value.invitation_id)

        assert len(recorder.delivered) == 1
        assert result.invitation is not None
        assert result.invitation.invitation_id == caught.value.invitation_id
        assert service.status(result.invitation) is InvitationStatus.SENT
        assert service.accept(_token(recorder.message())).enabled
