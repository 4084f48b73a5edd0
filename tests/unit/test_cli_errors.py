import sqlite3

import pytest

from contactlib.cli._base import (
    EXIT_BAD_INPUT,
    EXIT_FAILURE,
    CliError,
    error_from,
    parse_party,
)
from contactlib.exceptions import (
    ContactNotFoundError,
    ImportFileError,
    InvalidContactError,
    InvalidEmailError,
    InvalidNameError,
    StorageError,
    VersionConflictError,
)


class TestErrorFrom:
    @pytest.mark.parametrize(
        ("error", "status", "message"),
        [
            (
                InvalidEmailError("email", "a@@b", "invalid e-mail address"),
                EXIT_BAD_INPUT,
                "email: invalid e-mail address",
            ),
            (
                ContactNotFoundError("abc"),
                EXIT_BAD_INPUT,
                (
                    "contact 'abc' not found; check the id, or search for "
                    "the contact by name or e-mail"
                ),
            ),
            (
                ImportFileError("a.csv", "the file is empty"),
                EXIT_BAD_INPUT,
                "a.csv: the file is empty",
            ),
            (
                StorageError("x.sqlite3: disk I/O error"),
                EXIT_FAILURE,
                "x.sqlite3: disk I/O error",
            ),
            (
                FileNotFoundError(2, "No such file or directory", "a.csv"),
                EXIT_BAD_INPUT,
                "cannot open a.csv: no such file or directory",
            ),
            (
                OSError(28, "No space left on device"),
                EXIT_FAILURE,
                "input/output error: [Errno 28] No space left on device",
            ),
            (
                sqlite3.OperationalError("database is locked"),
                EXIT_FAILURE,
                "database error: database is locked",
            ),
        ],
    )
    def test_mapping(self, error, status, message):
        """Each kind of error gets its exit status and message."""
        mapped = error_from(error)

        assert mapped.exit_code == status
        assert mapped.message == message

    def test_conflict_is_failure(self):
        """A version conflict is a failure, not bad input."""
        mapped = error_from(VersionConflictError("abc", 1, 2))

        assert mapped.exit_code == EXIT_FAILURE
        assert mapped.message.startswith("contact 'abc' changed")

    def test_invalid_contact(self):
        """Every problem of an invalid contact goes on one line."""
        group = InvalidContactError(
            "invalid contact",
            [
                InvalidNameError("first_name", "", "a name is needed"),
                InvalidEmailError("emails[0]", "x", "invalid address"),
            ],
        )

        mapped = error_from(group)

        assert mapped.message == (
            "invalid contact: first_name: a name is needed; "
            "emails[0]: invalid address"
        )

    def test_decode_error(self):
        """A decoding error points to the --encoding option."""
        with pytest.raises(UnicodeDecodeError) as caught:
            b"\xff".decode("utf-8")

        mapped = error_from(caught.value)

        assert mapped.exit_code == EXIT_BAD_INPUT
        assert mapped.message.endswith("give its encoding with --encoding")

    def test_unexpected_error_raised(self):
        """An error of no expected kind is raised again, as a bug."""
        with pytest.raises(KeyError):
            error_from(KeyError("bug"))


class TestCliError:
    def test_one_line(self):
        """Line breaks in a message are folded into spaces."""
        error = CliError("first line\nsecond line")

        assert error.message == "first line second line"


class TestParseParty:
    def test_first_colon(self):
        """The party is split at the first colon only."""
        party = parse_party("Customer:Acme: Europe")

        assert party.party_type == "Customer"
        assert party.party_name == "Acme: Europe"

    def test_no_colon(self):
        """A value without a colon is rejected."""
        with pytest.raises(CliError, match="has no colon"):
            parse_party("Customer")
