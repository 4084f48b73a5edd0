"""The example spreadsheet reads as ERPNext and gives what the docs show."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from contactlib import ContactService, PartyRef, ResolutionReason
from contactlib.adapters.sqlite import SqliteContactRepository
from contactlib.cli._app import cli
from contactlib.interchange import Layout, import_file, read_csv

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "contacts.csv"


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory):
    """The example, imported into a fresh SQLite database."""
    db = tmp_path_factory.mktemp("example") / "contacts.sqlite3"
    with SqliteContactRepository(db) as repository:
        report = import_file(EXAMPLE, repository)
        yield report, ContactService(repository)


class TestExample:
    def test_layout(self):
        """The reader detects the ERPNext layout in UTF-8, comma-separated."""
        reader = read_csv(EXAMPLE)
        records = list(reader)

        assert reader.layout is Layout.ERPNEXT
        assert reader.delimiter == ","
        assert len(records) == 36

    def test_report(self, imported):
        """Every row is stored but the five that are wrong on purpose."""
        report, _ = imported

        assert report.rows_read == 36
        assert report.stored == 31
        assert sorted(r.row for r in report.rejected) == [12, 24, 34, 44, 51]
        assert report.warnings == []

    def test_rejection_reasons(self, imported):
        """Each deliberate mistake is rejected for its own reason."""
        report, _ = imported
        reasons = {
            r.row: " ".join(p.reason for p in r.problems)
            for r in report.rejected
        }

        assert "2 e-mail addresses are marked primary" in reasons[12]
        assert "already has primary contact" in reasons[24]
        assert "invalid e-mail address" in reasons[34]
        assert "unknown status 'Archived'" in reasons[44]
        assert "a contact needs a name" in reasons[51]

    @pytest.mark.parametrize(
        ("party_name", "name", "reason"),
        [
            ("CUST-0001", "أميرة السيد", ResolutionReason.PRIMARY),
            ("CUST-0002", "王伟", ResolutionReason.ONLY_CONTACT),
            ("CUST-0003", None, ResolutionReason.SEVERAL_CANDIDATES),
            ("CUST-0004", "Γιώργος Παπαδόπουλος", ResolutionReason.PRIMARY),
            ("CUST-0009", "陳大文", ResolutionReason.PRIMARY),
        ],
    )
    def test_default_contacts(self, imported, party_name, name, reason):
        """The customers resolve as the quick start and docs describe."""
        _, service = imported

        resolution = service.resolve_default(PartyRef("Customer", party_name))

        assert resolution.reason is reason
        if name is None:
            assert resolution.contact is None
        else:
            assert resolution.contact is not None
            assert resolution.contact.display_name == name

    @pytest.mark.parametrize(
        ("party_name", "name"),
        [
            ("CUST-0001", "Karim Mansour"),
            ("CUST-0003", "Zoë Marie Dubois-Lambert"),
        ],
    )
    def test_billing_contacts(self, imported, party_name, name):
        """The billing check box makes the only contact with that role."""
        _, service = imported

        resolution = service.resolve_default(
            PartyRef("Customer", party_name), role="billing"
        )

        assert resolution.reason is ResolutionReason.ONLY_WITH_ROLE
        assert resolution.contact is not None
        assert resolution.contact.display_name == name

    def test_customer_and_supplier(self, imported):
        """One person is primary for a customer and a supplier at once."""
        _, service = imported
        customer = PartyRef("Customer", "CUST-0006")
        supplier = PartyRef("Supplier", "SUPP-0003")

        as_customer = service.resolve_default(customer)
        as_supplier = service.resolve_default(supplier)

        assert as_customer.contact is not None
        assert as_supplier.contact is not None
        assert as_customer.contact.contact_id == (
            as_supplier.contact.contact_id
        )
        assert as_customer.contact.display_name == "Jürgen Müller"

    def test_phone_with_extension(self, imported):
        """A number with an extension is found by its E.164 form."""
        _, service = imported

        found = service.find_by_phone("+49 30 9018200")

        assert [c.full_name for c in found] == ["Jürgen Müller"]
        assert found[0].primary_phone is not None
        assert found[0].primary_phone.extension == "12"

    def test_national_numbers_unvalidated(self, imported):
        """Numbers without a country code are kept, marked unvalidated."""
        _, service = imported

        (karim,) = service.search("Karim Mansour")

        assert karim.phones[0].raw == "010 9876 5432"
        assert karim.phones[0].e164 is None
        assert karim.phones[0].validated is False


def _contactlib(db: Path, *args: str) -> Result:
    runner = CliRunner(env={"CONTACTLIB_REGION": None})
    result = runner.invoke(cli, ["--db", str(db), *args])
    assert result.exit_code in {0, 3}, result.output
    return result


def _defaults(db: Path) -> dict[str, str | None]:
    found = {}
    for number in range(1, 9):
        party_name = f"CUST-{number:04d}"
        result = _contactlib(db, "default", "Customer", party_name, "--json")
        contact = json.loads(result.stdout)["contact"]
        found[party_name] = None if contact is None else contact["id"]
    return found


def _contact_count(db: Path) -> int:
    result = _contactlib(db, "list", "--limit", "0", "--json")
    return len(json.loads(result.stdout)["contacts"])


class TestCommandLine:
    def test_upsert_reimport(self, tmp_path):
        """Importing again with --upsert email adds no contacts."""
        db = tmp_path / "contacts.sqlite3"
        _contactlib(db, "import", str(EXAMPLE))
        count = _contact_count(db)
        defaults = _defaults(db)

        again = _contactlib(
            db, "import", "--upsert", "email", "--json", str(EXAMPLE)
        )

        report = json.loads(again.stdout)["files"][0]
        assert _contact_count(db) == count == 31
        assert _defaults(db) == defaults
        assert len(report["updated_ids"]) == 31

    def test_region_makes_national_numbers_findable(self, tmp_path):
        """With --region FR, a French national number can be found."""
        db = tmp_path / "contacts.sqlite3"
        _contactlib(db, "--region", "FR", "import", str(EXAMPLE))

        found = _contactlib(
            db, "find", "--phone", "+33 1 42 68 53 00", "--json"
        )

        contacts = json.loads(found.stdout)["contacts"]
        assert [c["full_name"] for c in contacts] == ["François Lefèvre"]

    def test_no_region_leaves_them_unfindable(self, tmp_path):
        """Without --region, the same number is stored but not found."""
        db = tmp_path / "contacts.sqlite3"
        _contactlib(db, "import", str(EXAMPLE))

        found = _contactlib(
            db, "find", "--phone", "+33 1 42 68 53 00", "--json"
        )

        assert json.loads(found.stdout)["contacts"] == []
