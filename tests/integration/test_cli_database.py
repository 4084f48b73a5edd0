"""Which ``--db`` files the ``contactlib`` command opens, creates or leaves."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from contactlib.cli._app import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "contacts.csv"

# Every command except import, with arguments that pass click's checks.
READING_COMMANDS = [
    ("list",),
    ("show", "abc"),
    ("default", "Customer", "CUST-0001"),
    ("find", "--email", "anna@example.com"),
    ("link", "abc", "Customer", "CUST-0001"),
    ("unlink", "abc", "Customer", "CUST-0001"),
    ("set-primary", "Customer", "CUST-0001", "abc"),
    ("export", "--output", "-"),
    ("invitations",),
    ("scope", "user-1"),
    ("accept", "token"),
    (
        "invite",
        "abc",
        "--accept-url",
        "https://portal.example.com/{token}",
        "--outbox",
        "outbox",
        "--sender",
        "crm@example.com",
    ),
]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Path of a database file that does not exist yet."""
    return tmp_path / "contacts.sqlite3"


@pytest.fixture
def other_program(db: Path) -> Path:
    """A SQLite file with a table of another program and no contacts."""
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE invoice (number TEXT)")
        connection.execute("INSERT INTO invoice VALUES ('INV-1')")
    connection.close()
    return db


def _run(db: Path, *args: str) -> Result:
    runner = CliRunner(env={"CONTACTLIB_REGION": None})
    return runner.invoke(cli, ["--db", str(db), *args])


def _tables(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
        ).fetchall()
    connection.close()
    return sorted(name for (name,) in rows)


class TestEmptyFile:
    @pytest.mark.parametrize("args", READING_COMMANDS)
    def test_left_empty(self, db, args):
        """Every command but import rejects an empty file and keeps it."""
        db.write_bytes(b"")

        result = _run(db, *args)

        assert result.exit_code == 2
        assert result.stderr == (
            f"error: {db} is not a contactlib database: it is empty; "
            "import contacts into it first with `contactlib import FILE`, "
            "or check --db\n"
        )
        assert db.read_bytes() == b""

    def test_import_creates_schema(self, db):
        """Import stores contacts in an empty file."""
        db.write_bytes(b"")

        result = _run(db, "import", str(EXAMPLE))

        assert result.exit_code == 0
        assert "contact" in _tables(db)

    def test_dry_run_keeps_it_empty(self, db):
        """A dry run into an empty file reports and writes nothing."""
        db.write_bytes(b"")

        result = _run(db, "import", "--dry-run", str(EXAMPLE), "--json")

        assert result.exit_code == 0
        assert json.loads(result.stdout)["files"][0]["stored"] > 0
        assert db.read_bytes() == b""


class TestOtherProgramFile:
    @pytest.mark.parametrize(
        "args", [*READING_COMMANDS, ("import", str(EXAMPLE))]
    )
    def test_left_unchanged(self, other_program, args):
        """Every command rejects another program's file and keeps it."""
        before = other_program.read_bytes()

        result = _run(other_program, *args)

        assert result.exit_code == 2
        assert result.stderr == (
            f"error: {other_program} is a SQLite database of another "
            "program: it has tables but no contacts; give the path of a "
            "contactlib database or of a new file with --db\n"
        )
        assert other_program.read_bytes() == before
        assert _tables(other_program) == ["invoice"]

    def test_dry_run(self, other_program):
        """A dry run gives the same error as the import would."""
        result = _run(other_program, "import", "--dry-run", str(EXAMPLE))

        assert result.exit_code == 2
        assert "of another program" in result.stderr


class TestMissingFile:
    @pytest.mark.parametrize("args", READING_COMMANDS)
    def test_not_created(self, db, args):
        """Every command but import leaves a missing database missing."""
        result = _run(db, *args)

        assert result.exit_code == 2
        assert result.stderr.startswith(f"error: database {db} not found;")
        assert not db.exists()
