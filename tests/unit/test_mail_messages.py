"""Outgoing messages, their MIME form, templates and the file outbox."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime

import attrs
import pytest

from contactlib import Contact, EmailAddress, InvitationTemplate
from contactlib._mime import build_mime_message
from contactlib.adapters.outbox import OutboxMailer
from contactlib.exceptions import (
    InvalidEmailError,
    InvalidValueError,
    MailerError,
)
from contactlib.ports import OutgoingMessage

SENDER = "portal@example.com"
BREAKS = [
    "\r\n",
    "\n",
    "\r",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x1d",
    "\x1e",
    "\x85",
    "\u2028",
    "\u2029",
]
INJECTION = "Bcc: victim@example.org"


def _message(**fields):
    values = {
        "to_address": "anna@example.com",
        "to_name": "Anna",
        "subject": "Invitation",
        "text": "Hello\n",
    }
    values.update(fields)
    return OutgoingMessage(**values)


class TestOutgoingMessage:
    """`OutgoingMessage` field checks."""

    @pytest.mark.parametrize("field", ["to_address", "to_name", "subject"])
    @pytest.mark.parametrize("line_break", BREAKS)
    def test_line_break(self, field, line_break):
        """A line break in any header field is rejected."""
        with pytest.raises(InvalidValueError) as caught:
            _message(**{field: f"x{line_break}{INJECTION}"})

        assert caught.value.field == field
        assert "a header field must be one line" in caught.value.reason

    @pytest.mark.parametrize("line_break", BREAKS)
    def test_trailing_break(self, line_break):
        """A line break at the end of a field is rejected too."""
        with pytest.raises(InvalidValueError):
            _message(to_name=f"Anna{line_break}")

    def test_message(self):
        """The message names the character and its position."""
        with pytest.raises(InvalidValueError) as caught:
            _message(subject=f"Hi\r\n{INJECTION}")

        assert str(caught.value) == (
            "subject: contains a line break (U+000D) at position 3; a "
            "header field must be one line"
        )

    def test_body_lines(self):
        """The body may have many lines."""
        message = _message(text=f"one\r\n{INJECTION}\n", html="<p>\n</p>")

        assert message.text.count("\n") == 2


class TestBuildMimeMessage:
    """`build_mime_message`."""

    def test_headers(self):
        """Names are encoded and the addresses are as given."""
        mime = build_mime_message(
            _message(to_name="李小明", subject="邀请"),
            sender=SENDER,
            sender_name="محمد",
            now=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
        )

        raw = mime.as_bytes()
        assert raw.split(b"\r\n\r\n")[0].isascii()
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert parsed["To"].addresses[0].display_name == "李小明"
        assert parsed["From"].addresses[0].display_name == "محمد"
        assert parsed["Subject"] == "邀请"
        assert parsed["Date"] == "Thu, 02 Jan 2025 03:04:05 +0000"
        assert parsed["Message-ID"].endswith("@example.com>")

    @pytest.mark.parametrize("field", ["to_address", "to_name", "subject"])
    def test_bypassed_check(self, field):
        """A line break slipped past the check still adds no header."""
        message = _message()
        object.__setattr__(message, field, f"x\r\n{INJECTION}")

        with pytest.raises((ValueError, InvalidEmailError)):
            build_mime_message(message, sender=SENDER)

    def test_quoted_name(self):
        """A name with quotes and angle brackets stays one display name."""
        name = '"Eve" <eve@example.org>, Mallory'
        mime = build_mime_message(_message(to_name=name), sender=SENDER)

        parsed = email.message_from_bytes(
            mime.as_bytes(), policy=email.policy.default
        )

        (address,) = parsed["To"].addresses
        assert address.display_name == name
        assert address.addr_spec == "anna@example.com"

    def test_non_ascii_local_part(self):
        """A non-ASCII local part is rejected with a clear reason."""
        with pytest.raises(InvalidEmailError) as caught:
            build_mime_message(
                _message(to_address="zoë@example.com"), sender=SENDER
            )

        assert caught.value.reason == (
            "the part before the @ has non-ASCII characters, which mail "
            "headers cannot carry without SMTPUTF8; use an ASCII address"
        )


class TestInvitationTemplate:
    """`InvitationTemplate`."""

    def test_unknown_placeholder(self):
        """A placeholder the template cannot fill is rejected."""
        with pytest.raises(InvalidValueError) as caught:
            InvitationTemplate(text="Hello $nmae")

        assert caught.value.reason == (
            "unknown placeholder $nmae; use only $email, $expires, "
            "$first_name, $link, $name"
        )

    def test_html_escaped(self):
        """Values put into HTML are escaped."""
        contact = Contact(
            first_name="<b>Bo</b>", emails=[EmailAddress("bo@example.com")]
        )
        template = InvitationTemplate(html="<p>$name</p>")

        message = template.render(
            contact,
            link="https://portal.example.com/a?token=x&y=1",
            expires_at=datetime(2025, 1, 1, tzinfo=UTC),
        )

        assert message.html == "<p>&lt;b&gt;Bo&lt;/b&gt;</p>"
        assert "<b>Bo</b>" in message.text

    def test_company_contact(self):
        """A contact without a personal name is addressed by company."""
        contact = Contact(
            company_name="ACME GmbH",
            emails=[EmailAddress("info@example.com")],
        )

        message = InvitationTemplate().render(
            contact,
            link="https://portal.example.com/a",
            expires_at=datetime(2025, 1, 1, tzinfo=UTC),
        )

        assert message.to_name == "ACME GmbH"
        assert message.text.startswith("Hello ACME GmbH,")
        assert "expires on 2025-01-01 00:00 UTC" in message.text


class TestOutboxMailer:
    """`OutboxMailer`."""

    def test_writes_file(self, tmp_path):
        """Each message becomes one complete .eml file."""
        mailer = OutboxMailer(tmp_path / "outbox", sender=SENDER)

        mailer.send(_message(to_name="Søren"))
        mailer.send(_message(subject="Second"))

        files = mailer.messages()
        assert len(files) == 2
        assert sorted(p.name for p in (tmp_path / "outbox").iterdir()) == [
            p.name for p in files
        ]
        parsed = email.message_from_bytes(
            files[0].read_bytes(), policy=email.policy.default
        )
        assert parsed["To"].addresses[0].display_name == "Søren"

    def test_unwritable(self, tmp_path):
        """A folder that cannot be made raises `MailerError`."""
        blocker = tmp_path / "file"
        blocker.write_text("")
        mailer = OutboxMailer(blocker, sender=SENDER)

        with pytest.raises(MailerError) as caught:
            mailer.send(_message())

        assert "check that it exists and is writable" in str(caught.value)

    def test_bad_sender(self, tmp_path):
        """An invalid sender is rejected when the mailer is made."""
        with pytest.raises(InvalidEmailError):
            OutboxMailer(tmp_path, sender="not an address")

    def test_evolve_checks(self):
        """`attrs.evolve` runs the line-break check too."""
        with pytest.raises(InvalidValueError):
            attrs.evolve(_message(), subject="a\nb")
