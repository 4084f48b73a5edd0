"""The example spreadsheet reads as ERPNext and gives what the docs show."""

from __future__ import annotations

from pathlib import Path

import pytest

from contactlib import ContactService, PartyRef, ResolutionReason
from contactlib.adapters.sqlite import SqliteContactRepository
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
