"""The ``contactlib`` command when the reader of its output goes away."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "contacts.csv"


def _closed_stdout(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the command with a standard output pipe that is closed at once.

    The pipe is closed right after the process starts, which is long
    before the command has imported its modules and written anything.
    """
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "contactlib", *args],
        cwd=cwd,
        env={**os.environ, "CONTACTLIB_REGION": ""},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    process.stdout.close()
    _, stderr = process.communicate(timeout=120)
    return subprocess.CompletedProcess(
        process.args, process.returncode, "", stderr
    )


def _count(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        (count,) = connection.execute(
            "SELECT count(*) FROM contact"
        ).fetchone()
    connection.close()
    return int(count)


def _run(*args: str, cwd: Path) -> None:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "contactlib", *args],
        cwd=cwd,
        env={**os.environ, "CONTACTLIB_REGION": ""},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert done.stderr == ""


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    """A database with the example file imported once."""
    _run("import", str(EXAMPLE), cwd=tmp_path)
    return tmp_path / "contacts.sqlite3"


class TestClosedStdout:
    def test_import_finishes(self, tmp_path):
        """Import stores every file and exits with 0 without a reader."""
        copy = tmp_path / "copy.csv"
        copy.write_bytes(EXAMPLE.read_bytes())
        args = ("import", str(EXAMPLE), str(copy))
        reference = tmp_path / "reference"
        reference.mkdir()
        _run(*args, cwd=reference)

        done = _closed_stdout(*args, cwd=tmp_path)

        assert done.stderr == ""
        assert done.returncode == 0
        assert _count(tmp_path / "contacts.sqlite3") == _count(
            reference / "contacts.sqlite3"
        )

    def test_import_json(self, tmp_path):
        """The JSON report may go nowhere; the import still succeeds."""
        done = _closed_stdout("import", "--json", str(EXAMPLE), cwd=tmp_path)

        assert done.stderr == ""
        assert done.returncode == 0
        assert _count(tmp_path / "contacts.sqlite3") == 31

    def test_keeps_failure_status(self, tmp_path):
        """A rejected row with --fail-on-reject still exits with 1."""
        done = _closed_stdout(
            "import", "--fail-on-reject", str(EXAMPLE), cwd=tmp_path
        )

        assert done.stderr == ""
        assert done.returncode == 1

    @pytest.mark.parametrize(
        "args",
        [
            ("list",),
            ("export",),
            ("export", "--format", "vcard"),
            ("default", "Customer", "CUST-0001"),
        ],
    )
    def test_reading_commands(self, imported, args):
        """Reading commands exit with 0 and print no error."""
        done = _closed_stdout(*args, cwd=imported.parent)

        assert done.returncode == 0
        assert "error" not in done.stderr
        assert "Traceback" not in done.stderr

    def test_no_default_status(self, imported):
        """``default`` still exits with 3 when the party has none."""
        done = _closed_stdout(
            "default", "Customer", "CUST-0003", cwd=imported.parent
        )

        assert done.stderr == ""
        assert done.returncode == 3
