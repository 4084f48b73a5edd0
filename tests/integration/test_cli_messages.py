"""Messages of the ``contactlib`` command: advice, long values, plurals."""

from __future__ import annotations

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
