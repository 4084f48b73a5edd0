"""The invite, invitations, scope and accept commands on a SQLite file."""

from __future__ import annotations

import email
import email.policy
import json
import re
import socket
from typing import TYPE_CHECKING, Any

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from contactlib import ContactService, Link
from contactlib.adapters.sqlite import SqliteContactRepository
from contactlib.cli._app import cli

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

LOOPBACK = "127.0.0.1"
ACCEPT_URL = "https://portal.example.com/accept?token={token}"
TOKEN = re.compile(r"token=([A-Za-z0-9_-]+)")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A database with an invitable contact and one that is not."""
    path = tmp_path / "contacts.sqlite3"
    with SqliteContactRepository(path) as repository:
        service = ContactService(repository)
        service.create(
            contact_id="amira",
            first_name="أميرة",
            last_name="السيد",
            emails=["amira@nilespice.example"],
            links=[Link("Customer", "CUST-1"), Link("Lead", "LEAD-1")],
        )
        service.create(contact_id="bo", first_name="Bo")
    return path


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    """Folder for messages written instead of sent."""
    return tmp_path / "outbox"


def _run(db: Path, *arguments: str, **env: str) -> Any:
    runner = CliRunner()
    return runner.invoke(
        cli, ["--db", str(db), *arguments], env=env, catch_exceptions=False
    )


def _invite_outbox(db: Path, outbox: Path, *arguments: str) -> Any:
    return _run(
        db,
        "invite",
        *arguments,
        "--outbox",
        str(outbox),
        "--sender",
        "portal@example.com",
        "--accept-url",
        ACCEPT_URL,
    )


def _outbox_token(outbox: Path) -> str:
    newest = max(outbox.glob("*.eml"))
    message = email.message_from_bytes(
        newest.read_bytes(), policy=email.policy.default
    )
    body = message.get_body(("plain",))
    assert body is not None
    match = TOKEN.search(body.get_content())
    assert match is not None
    return match.group(1)


class Recorder:
    """aiosmtpd handler that keeps each delivered message."""

    def __init__(self) -> None:
        self.delivered: list[bytes] = []

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        """Keep the message."""
        self.delivered.append(envelope.content)
        return "250 Message accepted"


@pytest.fixture
def smtp_server() -> Iterator[tuple[Recorder, int]]:
    """An SMTP server on loopback."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        port = probe.getsockname()[1]
    recorder = Recorder()
    controller = Controller(
        recorder, hostname=LOOPBACK, port=port, server_hostname="localhost"
    )
    controller.start()
    try:
        yield recorder, port
    finally:
        controller.stop()


class TestInvite:
    """`contactlib invite`."""

    def test_outbox(self, db, outbox):
        """The message is written to the outbox with a token link."""
        result = _invite_outbox(db, outbox, "amira")

        assert result.exit_code == 0, result.output
        assert result.output.startswith("Sent invitation ")
        assert "to amira@nilespice.example for new user " in result.output
        assert len(list(outbox.glob("*.eml"))) == 1
        assert len(_outbox_token(outbox)) >= 22

    def test_smtp_from_env(self, db, smtp_server):
        """SMTP settings are read from the environment."""
        recorder, port = smtp_server

        result = _run(
            db,
            "invite",
            "amira",
            CONTACTLIB_SMTP_HOST=LOOPBACK,
            CONTACTLIB_SMTP_PORT=str(port),
            CONTACTLIB_SMTP_SECURITY="none",
            CONTACTLIB_MAIL_FROM="portal@example.com",
            CONTACTLIB_MAIL_FROM_NAME="Portal",
            CONTACTLIB_ACCEPT_URL=ACCEPT_URL,
        )

        assert result.exit_code == 0, result.output
        assert len(recorder.delivered) == 1
        message = email.message_from_bytes(
            recorder.delivered[0], policy=email.policy.default
        )
        assert message["To"].addresses[0].display_name == "أميرة السيد"

    def test_json(self, db, outbox):
        """--json prints the user and the invitation."""
        result = _invite_outbox(db, outbox, "amira", "--json")

        data = json.loads(result.output)
        assert data["invited"] is True
        assert data["user"]["created"] is True
        assert data["invitation"]["status"] == "sent"
        assert data["invitation"]["contact_id"] == "amira"

    def test_twice(self, db, outbox):
        """Inviting twice keeps one user and one invitation."""
        first = json.loads(
            _invite_outbox(db, outbox, "amira", "--json").output
        )

        second = json.loads(
            _invite_outbox(db, outbox, "amira", "--json").output
        )

        assert second["user"]["user_id"] == first["user"]["user_id"]
        assert second["user"]["created"] is False
        assert (
            second["invitation"]["invitation_id"]
            == first["invitation"]["invitation_id"]
        )

    def test_not_eligible(self, db, outbox):
        """Every reason is printed and the exit status is 2."""
        result = _invite_outbox(db, outbox, "bo")

        assert result.exit_code == 2
        assert result.stderr == (
            "error: contact 'bo' cannot be invited: the contact has no "
            "primary e-mail address; add one; the contact links to no "
            "party of a portal-enabled type; link it to one, such as a "
            "customer or supplier\n"
        )

    def test_not_eligible_json(self, db, outbox):
        """--json lists the reasons with their codes."""
        result = _invite_outbox(db, outbox, "bo", "--json")

        assert result.exit_code == 2
        data = json.loads(result.output)
        assert [r["code"] for r in data["reasons"]] == [
            "no_email",
            "no_portal_party",
        ]

    def test_server_down(self, db, outbox, tmp_path):
        """A failed send exits 1 and leaves a pending invitation."""
        with socket.socket() as probe:
            probe.bind((LOOPBACK, 0))
            closed_port = probe.getsockname()[1]

        result = _run(
            db,
            "invite",
            "amira",
            "--smtp-host",
            LOOPBACK,
            "--smtp-port",
            str(closed_port),
            "--smtp-security",
            "none",
            "--sender",
            "portal@example.com",
            "--accept-url",
            ACCEPT_URL,
        )

        assert result.exit_code == 1
        assert "run `contactlib invite amira` again" in result.stderr
        listed = json.loads(
            _run(db, "invitations", "--status", "pending", "--json").output
        )
        assert len(listed["invitations"]) == 1
        assert listed["invitations"][0]["attempts"] == 1

    def test_no_mailer(self, db):
        """Without --smtp-host or --outbox the error names both options."""
        result = _run(
            db,
            "invite",
            "amira",
            "--sender",
            "portal@example.com",
            "--accept-url",
            ACCEPT_URL,
        )

        assert result.exit_code == 2
        assert "give --smtp-host" in result.stderr

    def test_no_accept_url(self, db, outbox):
        """Without an accept URL the command stops before sending."""
        result = _run(
            db,
            "invite",
            "amira",
            "--outbox",
            str(outbox),
            "--sender",
            "portal@example.com",
        )

        assert result.exit_code == 2
        assert "give --accept-url" in result.stderr
        assert not outbox.exists()

    def test_unknown_contact(self, db, outbox):
        """An unknown contact id is bad input."""
        result = _invite_outbox(db, outbox, "nobody")

        assert result.exit_code == 2
        assert result.stderr.startswith("error: contact 'nobody' not found")


class TestInvitations:
    """`contactlib invitations`."""

    def test_table(self, db, outbox):
        """Each invitation is a row with its status."""
        _invite_outbox(db, outbox, "amira")

        result = _run(db, "invitations")

        assert result.exit_code == 0
        header, row = result.output.splitlines()
        assert header.split()[:4] == [
            "Invitation",
            "Contact",
            "User",
            "Status",
        ]
        assert row.split()[1] == "amira"
        assert row.split()[3] == "sent"

    def test_empty(self, db):
        """No invitations prints a sentence."""
        result = _run(db, "invitations")

        assert result.output == "No invitations match.\n"

    def test_status_filter(self, db, outbox):
        """--status keeps only invitations in that state."""
        _invite_outbox(db, outbox, "amira")

        result = _run(db, "invitations", "--status", "accepted", "--json")

        assert json.loads(result.output) == {"invitations": []}


class TestScopeAndAccept:
    """`contactlib accept` and `contactlib scope`."""

    def test_flow(self, db, outbox):
        """After accepting, the user sees the customer, not the lead."""
        invited = json.loads(
            _invite_outbox(db, outbox, "amira", "--json").output
        )
        user_id = invited["user"]["user_id"]

        accepted = _run(db, "accept", _outbox_token(outbox))
        scope = _run(db, "scope", user_id, "--json")

        assert accepted.exit_code == 0
        assert (
            accepted.output == f"User {user_id} is enabled and can log in.\n"
        )
        assert json.loads(scope.output)["parties"] == [
            {"party_type": "Customer", "party_name": "CUST-1"}
        ]

    def test_portal_type_option(self, db, outbox):
        """--portal-type chooses the portal-enabled types."""
        invited = json.loads(
            _invite_outbox(db, outbox, "amira", "--json").output
        )
        _run(db, "accept", _outbox_token(outbox))

        result = _run(
            db, "scope", invited["user"]["user_id"], "--portal-type", "Lead"
        )

        assert result.output == "Lead\tLEAD-1\n"

    def test_used_token(self, db, outbox):
        """A token works once; the second use is bad input."""
        _invite_outbox(db, outbox, "amira")
        token = _outbox_token(outbox)
        _run(db, "accept", token)

        result = _run(db, "accept", token)

        assert result.exit_code == 2
        assert "a token works once" in result.stderr

    def test_unknown_user(self, db):
        """An unknown user has no scope."""
        result = _run(db, "scope", "nobody")

        assert result.exit_code == 0
        assert result.output.startswith("User nobody may see no parties")
