"""Party lifecycle and status commands against a real SQLite file."""

import json

import pytest
from click.testing import CliRunner

from contactlib import ContactService, ContactStatus, Link, PartyRef
from contactlib.adapters.sqlite import SqliteContactRepository
from contactlib.cli._app import cli

OLD = PartyRef("Customer", "CUST-OLD")
NEW = PartyRef("Customer", "CUST-NEW")


@pytest.fixture
def db(tmp_path):
    """A database with two customers and three contacts."""
    path = tmp_path / "contacts.sqlite3"
    with SqliteContactRepository(path) as repository:
        service = ContactService(repository, default_region="DE")
        service.create(
            contact_id="anna",
            first_name="Anna",
            emails=["anna@example.com"],
            phones=["030 901820"],
            links=[Link("Customer", "CUST-OLD", is_primary=True)],
        )
        service.create(
            contact_id="ben",
            first_name="Ben",
            links=[
                Link("Customer", "CUST-OLD", roles={"billing"}),
                Link("Customer", "CUST-NEW", is_primary=True),
            ],
        )
        service.create(
            contact_id="cleo",
            first_name="Cleo",
            links=[Link("Customer", "CUST-NEW")],
        )
    return path


@pytest.fixture
def run(db):
    """Run the command in-process against the test database."""

    def invoke(*args):
        runner = CliRunner(env={"CONTACTLIB_REGION": "DE"})
        return runner.invoke(
            cli, ["--db", str(db), *args], catch_exceptions=False
        )

    return invoke


def stored(db, contact_id):
    with SqliteContactRepository(db) as repository:
        return repository.find(contact_id)


def one_line_error(result):
    lines = result.stderr.splitlines()

    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


class TestUnknownPartyType:
    @pytest.mark.parametrize(
        "args",
        [
            ("rename-party", "customer", "CUST-OLD", "CUST-X"),
            ("delete-party", "customer", "CUST-OLD", "--orphans", "keep"),
            ("default", "customer", "CUST-OLD"),
        ],
    )
    def test_misspelt_type(self, run, args):
        """A type in the wrong case is an error with a suggestion."""
        result = run(*args)

        assert result.exit_code == 2
        assert one_line_error(result) == (
            "error: party_type: unknown party type 'customer'; did you "
            "mean 'Customer'?"
        )

    def test_rename_to_same_name(self, run):
        """Renaming a party to its own name is an error."""
        result = run("rename-party", "Customer", "CUST-OLD", "CUST-OLD")

        assert result.exit_code == 2
        assert "already has that name" in one_line_error(result)


class TestRenameParty:
    def test_renames(self, db, run):
        """Every link to the party follows the new name."""
        result = run("rename-party", "Customer", "CUST-OLD", "CUST-X")

        assert result.exit_code == 0
        assert result.stdout == (
            "Renamed Customer CUST-OLD to CUST-X; 2 contacts updated.\n"
        )
        assert stored(db, "anna").parties == {PartyRef("Customer", "CUST-X")}

    def test_json(self, run):
        """With --json the ids of the changed contacts are printed."""
        result = run("rename-party", "--json", "Customer", "CUST-OLD", "X")

        data = json.loads(result.stdout)
        assert data["updated"] == ["anna", "ben"]
        assert data["renamed"] == {
            "party_type": "Customer",
            "party_name": "X",
        }

    def test_name_in_use(self, db, run):
        """Renaming to a name in use fails in one line, changing nothing."""
        result = run("rename-party", "Customer", "CUST-OLD", "CUST-NEW")

        assert result.exit_code == 1
        assert one_line_error(result) == (
            "error: Customer 'CUST-NEW' already has linked contacts, so no "
            "party can be renamed to it; merge the two parties instead"
        )
        assert OLD in stored(db, "anna").parties


class TestMergeParties:
    def test_merges(self, db, run):
        """Links move and the target's primary contact stays primary."""
        result = run("merge-parties", "Customer", "CUST-OLD", "CUST-NEW")

        assert result.exit_code == 0
        assert result.stdout == (
            "Merged Customer CUST-OLD into Customer CUST-NEW; "
            "2 contacts moved.\n"
        )
        assert stored(db, "anna").parties == {NEW}
        assert not stored(db, "anna").link_to(NEW).is_primary
        assert stored(db, "ben").link_to(NEW).is_primary
        assert stored(db, "ben").link_to(NEW).roles == {"billing"}

    def test_json(self, run):
        """With --json the source, target and moved ids are printed."""
        result = run(
            "merge-parties", "--json", "Customer", "CUST-OLD", "CUST-NEW"
        )

        data = json.loads(result.stdout)
        assert data["source"]["party_name"] == "CUST-OLD"
        assert data["updated"] == ["anna", "ben"]

    def test_unknown_target_type(self, run):
        """A target type that is not registered is bad input."""
        result = run(
            "merge-parties",
            "Customer",
            "CUST-OLD",
            "P-1",
            "--target-type",
            "Patient",
        )

        assert result.exit_code == 2
        assert "unknown party type 'Patient'" in one_line_error(result)


class TestDeleteParty:
    def test_delete_orphans(self, db, run):
        """Contacts linked only to the party are deleted."""
        result = run(
            "delete-party", "Customer", "CUST-OLD", "--orphans", "delete"
        )

        assert result.exit_code == 0
        assert result.stdout == (
            "Removed every link to Customer CUST-OLD; 1 contact unlinked, "
            "1 contact deleted.\n"
        )
        assert stored(db, "anna") is None
        assert stored(db, "ben").parties == {NEW}

    def test_keep_orphans(self, db, run):
        """With keep, contacts linked only to the party stay standalone."""
        result = run(
            "delete-party",
            "--json",
            "Customer",
            "CUST-OLD",
            "--orphans",
            "keep",
        )

        assert json.loads(result.stdout)["deleted"] == []
        assert stored(db, "anna").links == ()

    def test_choice_required(self, run):
        """The orphans choice must be given."""
        result = run("delete-party", "Customer", "CUST-OLD")

        assert result.exit_code == 2
        assert "--orphans" in result.stderr


class TestStatusCommands:
    def test_record_sent(self, db, run):
        """Sending to a passive contact makes it open."""
        result = run("record-sent", "anna")

        assert result.exit_code == 0
        assert result.stdout == "Contact anna: Passive -> Open.\n"
        assert stored(db, "anna").status is ContactStatus.OPEN

    def test_record_reply_by_email(self, db, run):
        """A reply found by e-mail in any case makes the contact replied."""
        result = run("record-reply", "--json", "--email", "ANNA@example.com")

        assert json.loads(result.stdout) == {
            "changes": [
                {
                    "contact_id": "anna",
                    "event": "incoming",
                    "previous": "Passive",
                    "current": "Replied",
                    "changed": True,
                }
            ]
        }
        assert stored(db, "anna").status is ContactStatus.REPLIED

    def test_record_reply_by_phone(self, run):
        """A reply is found by a phone number in another format."""
        result = run("record-reply", "--phone", "+49 30 90 18 20")

        assert result.stdout == "Contact anna: Passive -> Replied.\n"

    def test_reply_from_stranger(self, run):
        """A reply from an unknown address records nothing and succeeds."""
        result = run("record-reply", "--email", "nobody@example.com")

        assert result.exit_code == 0
        assert result.stdout == "No contact has it; nothing recorded.\n"

    def test_reply_needs_one_sender(self, run):
        """Neither --email nor --phone is bad input."""
        result = run("record-reply")

        assert result.exit_code == 2
        assert one_line_error(result) == (
            "error: give exactly one of --email and --phone"
        )

    def test_reply_bad_email(self, run):
        """A malformed address is one line of error, no traceback."""
        result = run("record-reply", "--email", "anna@@example.com")

        assert result.exit_code == 2
        assert one_line_error(result).startswith("error: email: invalid")

    def test_set_status(self, db, run):
        """A manual status change is stored."""
        result = run("set-status", "ben", "Replied")

        assert result.stdout == "Contact ben: Passive -> Replied.\n"
        assert stored(db, "ben").status is ContactStatus.REPLIED

    def test_set_status_unchanged(self, run):
        """Setting the status a contact has already reports no change."""
        result = run("set-status", "ben", "Passive")

        assert result.stdout == "Contact ben: stays Passive.\n"
