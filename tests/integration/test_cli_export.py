"""``contactlib export`` and ``import --upsert`` against SQLite files."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import openpyxl
import pytest
from click.testing import CliRunner, Result

from contactlib import ContactService, Link
from contactlib.adapters.sqlite import SqliteContactRepository
from contactlib.cli._app import cli

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A database with two contacts of two customers."""
    path = tmp_path / "contacts.sqlite3"
    with SqliteContactRepository(path) as repository:
        service = ContactService(repository, default_region="DE")
        service.create(
            contact_id="amira",
            first_name="أميرة",
            last_name="السيد",
            emails=["amira@nilespice.example"],
            phones=["+20 2 2736 1450"],
            links=[Link("Customer", "NILE", is_primary=True)],
        )
        service.create(
            contact_id="wang",
            first_name="=HYPERLINK(1)",
            last_name="王",
            emails=["wang.wei@lanternsilk.example"],
            phones=["030 1234567"],
            links=[Link("Customer", "SILK")],
        )
    return path


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


class TestExport:
    """`contactlib export` writes every format."""

    def test_csv_reimports(self, db: Path, tmp_path: Path):
        """An ERPNext CSV export imports into a new database."""
        target = tmp_path / "out.csv"
        copy = tmp_path / "copy.sqlite3"

        exported = _run("--db", str(db), "export", "-o", str(target))
        imported = _run("--db", str(copy), "import", str(target))

        assert exported.exit_code == 0, exported.output
        assert "2 contacts written" in exported.stderr
        assert imported.exit_code == 0, imported.output
        with SqliteContactRepository(copy) as repository:
            assert [c.contact_id for c in repository] == ["amira", "wang"]

    def test_formula_escaped(self, db: Path, tmp_path: Path):
        """A formula-like name is escaped unless escaping is turned off."""
        result = _run("--db", str(db), "export", "--format", "csv")
        raw = _run(
            "--db", str(db), "export", "--format", "csv",
            "--no-escape-formulas",
        )  # fmt: skip

        assert "'=HYPERLINK(1)" in result.stdout
        assert "'=HYPERLINK(1)" not in raw.stdout

    def test_party_filter(self, db: Path):
        """--party exports only the contacts of that party."""
        result = _run(
            "--db", str(db), "export", "--format", "vcard",
            "--party", "Customer:SILK",
        )  # fmt: skip

        assert result.exit_code == 0
        assert result.stdout.count("BEGIN:VCARD") == 1
        assert "UID:wang" in result.stdout

    @pytest.mark.parametrize("file_format", ["json", "jcard"])
    def test_json_formats(self, db: Path, file_format: str):
        """JSON and jCard exports are JSON arrays of two items."""
        result = _run("--db", str(db), "export", "--format", file_format)

        assert result.exit_code == 0
        assert len(json.loads(result.stdout)) == 2

    def test_xlsx(self, db: Path, tmp_path: Path):
        """An XLSX export has a header and one row per contact line."""
        target = tmp_path / "out.xlsx"

        result = _run(
            "--db", str(db), "export", "--format", "xlsx", "-o", str(target)
        )

        assert result.exit_code == 0
        sheet = openpyxl.load_workbook(target).active
        assert sheet is not None
        assert sheet.cell(row=1, column=1).value == "ID"
        assert sheet.max_row == 3

    def test_summary_json(self, db: Path, tmp_path: Path):
        """--json prints the count and the left-out values."""
        target = tmp_path / "out.csv"

        result = _run(
            "--db", str(db), "export", "--layout", "outlook",
            "-o", str(target), "--json",
        )  # fmt: skip

        assert json.loads(result.stdout) == {
            "file": str(target),
            "format": "csv",
            "contacts": 2,
            "omitted": [],
        }

    def test_json_needs_output(self, db: Path):
        """--json without --output is a usage error with one line."""
        result = _run("--db", str(db), "export", "--json")

        assert result.exit_code == 2
        assert result.stderr.strip() == (
            "error: --json needs --output, because the file goes to "
            "standard output otherwise"
        )


class TestImportUpsert:
    """`contactlib import --upsert` updates instead of adding."""

    def test_by_email(self, db: Path, tmp_path: Path):
        """Re-importing an edited export by e-mail updates the contacts."""
        source = tmp_path / "out.json"
        _run("--db", str(db), "export", "--format", "json", "-o", str(source))
        items = json.loads(source.read_text(encoding="utf-8"))
        for item in items:
            item.pop("contact_id")
            item["designation"] = "Buyer"
        source.write_text(json.dumps(items), encoding="utf-8")

        result = _run(
            "--db", str(db), "import", str(source), "--upsert", "email"
        )

        assert result.exit_code == 0, result.output
        assert "2 of the stored rows updated existing contacts" in (
            result.stdout
        )
        with SqliteContactRepository(db) as repository:
            assert len(repository) == 2
            assert {c.designation for c in repository} == {"Buyer"}
