"""Import every CSV file of the corpus as it is and check what it holds.

The expected names, e-mail addresses and phone numbers were read from
the files themselves; for the Roundcube files they agree with the vCards
that Roundcube's own converter produced from them.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest

from contactlib import Link
from contactlib.interchange import Layout, import_file, read_csv
from contactlib.testing import MemoryContactRepository

pytestmark = pytest.mark.corpus


class Person(NamedTuple):
    row: int
    first_name: str
    last_name: str
    emails: tuple[str, ...]
    phones: tuple[str, ...]


class Case(NamedTuple):
    layout: Layout
    encoding: str
    delimiter: str
    region: str | None
    rows: int
    people: tuple[Person, ...]
    rejected_rows: tuple[int, ...] = ()


_INVOICE_NINJA = (
    ("Terrill", "Ondricka", "brook59@example.org", "1-537-759-0369"),
    (
        "Pink",
        "Balistreri",
        "gheidenreich@example.org",
        "1-995-790-2394 x58884",
    ),
    ("Shemar", "Stehr", "labadie.dominique@example.com", "624-610-5940"),
    ("Fabiola", "Mitchell", "nico78@example.net", "1-986-772-8058 x00345"),
    (
        "Lolita",
        "Tremblay",
        "daphney.marquardt@example.com",
        "1-461-699-9192 x9875",
    ),
    ("Brown", "Lakin", "vbeer@example.net", "(776) 821-0650 x839"),
    ("Hallie", "Dooley", "kgottlieb@example.net", "1-573-770-4753 x72129"),
    (
        "Elwyn",
        "Daugherty",
        "wunsch.rozella@example.org",
        "(745) 859-5855 x04216",
    ),
    ("Tre", "Moore", "wilfrid.kuhic@example.com", "1-519-675-7395"),
    ("Ricardo", "Johnston", "ddubuque@example.com", "(682) 216-1962"),
    ("Miles", "Tremblay", "sabrina86@example.org", "775-210-8656 x93138"),
    ("Mateo", "Welch", "jedidiah64@example.com", "847.353.7644"),
    ("Colton", "Muller", "dorian.mayert@example.net", "(267) 647-0537"),
    ("Dashawn", "Homenick", "hills.gina@example.net", "(478) 814-9961"),
    ("Bert", "Fritsch", "greilly@example.org", "15342929833"),
    ("Antonio", "Hayes", "dkshlerin@example.com", "1-350-691-4459 x775"),
    ("Hilario", "Morissette", "zjacobs@example.net", "552.914.6800 x81120"),
    (
        "Nathen",
        "Wehner",
        "jacobi.rosendo@example.com",
        "1-223-910-2060 x09970",
    ),
    ("Angelo", "Ward", "kozey.aurelio@example.org", "1-329-488-8800"),
    ("Eusebio", "Reinger", "golden.green@example.org", "429-551-1362"),
)

_GMAIL = Person(
    2,
    "Firstname",
    "Lastname",
    ("home@aaa.pl", "work@email.pl", "unknown@email.com", "other@email.com"),
    ("mainphone", "homephone", "mobile", "workphone"),
)

CASES = {
    "frappe_test_csv_template.csv": Case(
        Layout.ERPNEXT_TEMPLATE,
        "utf-8",
        ",",
        "IN",
        3,
        (
            Person(
                21, "Test3", "Tomar", ("test0030@gmail.com",), ("9854261543",)
            ),
            Person(
                22, "Test2", "Kumar", ("test0020@gmail.com",), ("9852145632",)
            ),
            Person(
                23, "Test1", "Nath", ("test0010@gmail.com",), ("9584521458",)
            ),
        ),
    ),
    "invoiceninja_clients.csv": Case(
        Layout.GENERIC,
        "utf-8",
        ",",
        "US",
        20,
        tuple(
            Person(row, first, last, (email,), (phone,))
            for row, (first, last, email, phone) in enumerate(
                _INVOICE_NINJA, start=5
            )
        ),
    ),
    "invoiceninja_zoho_contacts.csv": Case(
        Layout.GENERIC,
        "utf-8",
        ",",
        "US",
        5,
        (
            Person(2, "Thor", "Odensohn", ("thor@midgaurd.org",), ()),
            Person(
                3,
                "Jessica",
                "Jones",
                ("jessica@jones.net",),
                ("888-867-5309",),
            ),
            Person(4, "Sean", "Connory", ("connory@highlander.com",), ()),
            Person(
                5,
                "Margery",
                "Simpson",
                ("marge@simpsonsbaking.com",),
                ("888-567-5309",),
            ),
            Person(
                6,
                "Lucas",
                "Cage",
                ("lucas@powerman.com",),
                ("888-867-5309", "98754321"),
            ),
        ),
    ),
    "roundcube_all.csv": Case(
        Layout.GENERIC,
        "utf-8-sig",
        ",",
        None,
        1,
        (
            Person(
                2,
                "First Name",
                "Last Name",
                ("home@example.com", "work@example.com", "other@example.com"),
                (
                    *("100", "200", "300", "400", "500"),
                    *("600", "900", "222", "333", "444"),
                ),
            ),
        ),
    ),
    "roundcube_gmail.csv": Case(
        Layout.GOOGLE, "utf-8", ",", None, 1, (_GMAIL,)
    ),
    "roundcube_gmail_utf16le.csv": Case(
        Layout.GOOGLE, "utf-16", ",", None, 1, (_GMAIL,)
    ),
    "roundcube_outlook.csv": Case(
        Layout.OUTLOOK,
        "utf-8",
        ",",
        None,
        1,
        (
            Person(
                2,
                "",
                "",
                ("test1@domain.tld", "test2@domain.tld", "test3@domain.tld"),
                (),
            ),
        ),
    ),
    "roundcube_tb_plain.csv": Case(
        Layout.THUNDERBIRD,
        "utf-8",
        ",",
        None,
        1,
        (
            Person(
                2,
                "Firstname",
                "Lastname",
                ("test@domain.tld", "next@domain.tld"),
                ("phone work", "phone home", "mobile"),
            ),
        ),
    ),
    # Both addresses use the reserved top-level domain .invalid, which
    # email-validator rejects, so both rows are reported as rejected.
    "thunderbird_csv_semicolon.csv": Case(
        Layout.THUNDERBIRD, "utf-8", ";", None, 2, (), rejected_rows=(2, 3)
    ),
}


@pytest.fixture
def csv_folder(corpus):
    return corpus / "csv"


def _import(csv_folder, name, **options):
    repository = MemoryContactRepository()
    case = CASES[name]
    report = import_file(
        csv_folder / name, repository, region=case.region, **options
    )
    contacts = [repository.get(i) for i in report.stored_ids]
    return report, contacts


class TestCorpusCoverage:
    def test_every_file_has_case(self, csv_folder):
        """Every CSV file of the corpus has expected values here."""
        names = {path.name for path in csv_folder.glob("*.csv")}

        assert names == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
class TestCorpusFile:
    def test_detection(self, csv_folder, name):
        """Encoding, delimiter and layout are detected."""
        case = CASES[name]

        reader = read_csv(csv_folder / name)
        records = list(reader)

        assert reader.encoding == case.encoding
        assert reader.delimiter == case.delimiter
        assert reader.layout is case.layout
        assert len(records) == case.rows

    def test_balanced(self, csv_folder, name):
        """Every row is stored or rejected."""
        case = CASES[name]

        report, _ = _import(csv_folder, name)

        assert report.rows_read == case.rows
        assert report.stored + len(report.rejected) == case.rows
        assert report.stored == len(case.people)
        assert [r.row for r in report.rejected] == list(case.rejected_rows)

    def test_people(self, csv_folder, name):
        """Names, e-mail addresses and phone numbers match the file."""
        case = CASES[name]

        _, contacts = _import(csv_folder, name)

        for person, contact in zip(case.people, contacts, strict=True):
            assert contact.first_name == person.first_name
            assert contact.last_name == person.last_name
            assert tuple(e.address for e in contact.emails) == person.emails
            assert tuple(p.raw for p in contact.phones) == person.phones

    def test_dry_run(self, csv_folder, name):
        """A dry run reports the same counts and stores nothing."""
        repository = MemoryContactRepository()
        case = CASES[name]

        report = import_file(
            csv_folder / name, repository, region=case.region, dry_run=True
        )

        assert report.stored == len(case.people)
        assert len(repository) == 0


class TestCorpusDetails:
    def test_template_phone_region(self, csv_folder):
        """Template phones parse to E.164 with the region given."""
        _, contacts = _import(csv_folder, "frappe_test_csv_template.csv")

        assert [c.phones[0].e164 for c in contacts] == [
            "+919854261543",
            "+919852145632",
            "+919584521458",
        ]
        assert {c.gender for c in contacts} == {"Male"}

    def test_template_user_fields_warned(self, csv_folder):
        """User fields without a contact field become warnings."""
        report, _ = _import(csv_folder, "frappe_test_csv_template.csv")

        first_row = [
            (w.column, w.value) for w in report.warnings if w.row == 21
        ]
        assert ("Username", "test3") in first_row
        assert ("ID", '"test0030@gmail.com"') in first_row
        assert ("User Type", "Website User") in first_row

    def test_zoho_customer_links(self, csv_folder):
        """Zoho's customer name and contact type become Customer links."""
        _, contacts = _import(csv_folder, "invoiceninja_zoho_contacts.csv")

        assert [c.links for c in contacts] == [
            (Link("Customer", "Avengers"),),
            (Link("Customer", "Jessica Jones"),),
            (Link("Customer", "Highlander"),),
            (Link("Customer", "Simpsons Baking Co"),),
            (Link("Customer", "Defenders"),),
        ]

    def test_zoho_details(self, csv_folder):
        """Salutation, company and mobile come from their columns."""
        _, contacts = _import(csv_folder, "invoiceninja_zoho_contacts.csv")

        cage = contacts[4]
        assert [c.salutation for c in contacts] == [
            "",
            "",
            "Mr.",
            "Mrs.",
            "Mr.",
        ]
        assert contacts[1].company_name == "Defenders"
        assert cage.primary_mobile is not None
        assert cage.primary_mobile.raw == "98754321"
        assert cage.primary_phone is not None
        assert cage.primary_phone.e164 == "+18888675309"

    def test_invoice_ninja_client_name_warned(self, csv_folder):
        """The client name, unused as a person's name, is a warning."""
        report, _ = _import(csv_folder, "invoiceninja_clients.csv")

        first_row = [
            (w.column, w.value) for w in report.warnings if w.row == 5
        ]
        assert ("Name", "Ludwig Krajcik DVM") in first_row
        assert ("Balance", "$-142.85") in first_row

    def test_invoice_ninja_extension(self, csv_folder):
        """An extension written with "x" is kept apart from the number."""
        _, contacts = _import(csv_folder, "invoiceninja_clients.csv")

        phone = contacts[1].phones[0]
        assert phone.e164 == "+19957902394"
        assert phone.extension == "58884"

    def test_roundcube_all_fields(self, csv_folder):
        """Outlook-style columns fill the organisation fields."""
        report, contacts = _import(csv_folder, "roundcube_all.csv")

        contact = contacts[0]
        warned = {(w.column, w.value) for w in report.warnings}
        assert contact.middle_name == "Middle Name"
        assert contact.salutation == "Prefix"
        assert contact.company_name == "Company"
        assert contact.department == "Department"
        assert contact.designation == "Job Title"
        assert contact.gender == "female"
        assert contact.primary_mobile is not None
        assert contact.primary_mobile.raw == "500"
        assert {("Home Fax", "700"), ("Business Fax", "800")} <= warned
        assert ("Pager", "111") in warned
        assert ("Display Name", "Display Name") in warned

    @pytest.mark.parametrize(
        "name", ["roundcube_gmail.csv", "roundcube_gmail_utf16le.csv"]
    )
    def test_google_details(self, csv_folder, name):
        """Google's primary mark, phone types and organisation are read."""
        report, contacts = _import(csv_folder, name)

        contact = contacts[0]
        warned = {(w.column, w.value) for w in report.warnings}
        assert contact.primary_email == "home@aaa.pl"
        assert contact.middle_name == "Middle"
        assert contact.salutation == "Prefix"
        assert contact.company_name == "company"
        assert contact.designation == "jobtitle"
        assert contact.primary_mobile is not None
        assert contact.primary_mobile.raw == "mobile"
        assert ("Phone 1 - Value", "pager") in warned
        assert ("Phone 4 - Value", "homefax") in warned
        assert ("Phone 7 - Value", "workfax") in warned
        assert ("Notes", 'note"note') in warned

    def test_outlook_display_name(self, csv_folder):
        """A contact with only e-mail addresses is named by the first."""
        _, contacts = _import(csv_folder, "roundcube_outlook.csv")

        assert contacts[0].display_name == "test1@domain.tld"

    def test_thunderbird_organisation(self, csv_folder):
        """Thunderbird's organisation columns fill the contact's fields."""
        report, contacts = _import(csv_folder, "roundcube_tb_plain.csv")

        contact = contacts[0]
        warned = {(w.column, w.value) for w in report.warnings}
        assert contact.company_name == "Organization"
        assert contact.designation == "title"
        assert contact.department == "department"
        assert ("Fax Number", "fax") in warned
        assert ("Pager Number", "pager") in warned
        assert ("Nickname", "Nick") in warned

    def test_semicolon_reasons(self, csv_folder):
        """Rejected rows name the column and the reserved domain."""
        report, _ = _import(csv_folder, "thunderbird_csv_semicolon.csv")

        problems = [p for r in report.rejected for p in r.problems]
        assert [p.column for p in problems] == ["Primary Email"] * 2
        assert [p.value for p in problems] == [
            "john@doe.invalid",
            "jane@doe.invalid",
        ]
        assert all("special-use" in p.reason for p in problems)
