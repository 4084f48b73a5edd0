"""Messages of the ``contactlib`` command: advice, long values, plurals."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner, Result

from contactlib.cli._app import cli

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Path of a database file that does not exist yet."""
    return tmp_path / "contacts.sqlite3"


def _run(db: Path, *args: str) -> Result:
    runner = CliRunner(env={"CONTACTLIB_REGION": None})
    return runner.invoke(cli, ["--db", str(db), *args])


class TestImportAdvice:
    def test_unknown_header(self, db, tmp_path):
        """A header of no layout names --map as well as mapping=."""
        sheet = tmp_path / "nolayout.csv"
        sheet.write_text("Kundin,Zeug\nAda,Lovelace\n")

        result = _run(db, "import", str(sheet))

        assert result.exit_code == 2
        assert result.stderr == (
            f"error: {sheet}: no header row matches any known layout: the "
            "first row has 'Kundin', 'Zeug'; map the headers to fields "
            "(`--map Mail=email` on the command line, "
            "`mapping={'Mail': 'email'}` in Python)\n"
        )

    def test_undecodable(self, db, tmp_path):
        """Bytes of no known encoding name --encoding as well."""
        sheet = tmp_path / "undecodable.csv"
        sheet.write_bytes(b"Name,Email\nAnn\x81,a@example.com\n")

        result = _run(db, "import", str(sheet))

        assert result.exit_code == 2
        assert result.stderr == (
            f"error: {sheet}: byte 0x81 at offset 14 is neither UTF-8 nor "
            "Windows-1252 text, so the file is binary or in another "
            "encoding; give the file's encoding (`--encoding cp1252` on "
            "the command line, `encoding='cp1252'` in Python)\n"
        )


class TestLongValues:
    def test_import_report(self, db, tmp_path):
        """A huge cell is cut in the text report and whole in JSON."""
        name = "A" * 120_000
        sheet = tmp_path / "big.csv"
        sheet.write_text(f"First Name,Email\n{name},a@example.com\n")

        text = _run(db, "import", "--dry-run", str(sheet))
        data = _run(db, "import", "--dry-run", "--json", str(sheet))

        problem = json.loads(data.stdout)["files"][0]["rejections"][0]
        assert text.stdout.splitlines()[1] == (
            f"  row 2: First Name '{'A' * 60}…' (120000 characters): is "
            "120000 characters long, more than the 140 allowed"
        )
        assert problem["problems"][0]["value"] == name

    def test_show_unknown_id(self, db, tmp_path):
        """An unknown id of 100,000 characters is cut in the error."""
        sheet = tmp_path / "one.csv"
        sheet.write_text("First Name\nAda\n")
        _run(db, "import", str(sheet))

        result = _run(db, "show", "a" * 100_000)

        assert result.exit_code == 2
        assert result.stderr.startswith(
            f"error: contact '{'a' * 60}…' (100000 characters) not found; "
        )
        assert len(result.stderr) < 200

    def test_phone(self, db, tmp_path):
        """A 301-digit phone number is cut in the import report."""
        sheet = tmp_path / "phone.csv"
        sheet.write_text(f"First Name,Phone\nAda,{'1' * 301}\n")

        result = _run(db, "import", "--dry-run", str(sheet))

        assert result.stdout.splitlines()[1].startswith(
            f"  row 2: Phone '{'1' * 60}…' (301 characters): "
        )
        assert len(max(result.output.splitlines(), key=len)) < 250
