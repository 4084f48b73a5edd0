import io

import pytest

from contactlib import SourceLink, import_records
from contactlib.interchange import Layout, import_file, read_csv
from contactlib.testing import MemoryContactRepository


def read(text, **options):
    reader = read_csv(io.BytesIO(text.encode()), **options)
    return reader, list(reader)


ERPNEXT = (
    "ID,First Name,Last Name,Status,Is Primary Contact,"
    "Email ID (Email IDs),Is Primary (Email IDs),"
    "Number (Contact Numbers),Is Primary Phone (Contact Numbers),"
    "Is Primary Mobile (Contact Numbers),"
    "Link Document Type (Links),Link Name (Links),Link Title (Links)\n"
    "CONT-1,Anna,Schmidt,Open,1,anna@example.com,0,"
    "+49 30 1234567,1,0,Customer,CUST-1,Alpha GmbH\n"
    ",,,,,anna.schmidt@example.org,1,"
    "+49 170 1234567,0,1,Supplier,SUP-9,Beta AG\n"
    ',,,,,,,"+49 30 7654321",0,0,,,\n'
    "CONT-2,李,小明,Passive,0,xiaoming@example.cn,1,,,,Customer,CUST-2,\n"
)


class TestErpnext:
    def test_detected(self):
        """Child-table columns mark the ERPNext layout."""
        reader, _ = read(ERPNEXT)

        assert reader.layout is Layout.ERPNEXT

    def test_child_rows_join_record(self):
        """Lines with empty parent columns add to the contact above."""
        _, records = read(ERPNEXT)

        first = records[0]
        assert [r.row for r in records] == [2, 5]
        assert [e.text for e in first.emails] == [
            "anna@example.com",
            "anna.schmidt@example.org",
        ]
        assert [e.is_primary for e in first.emails] == [False, True]
        assert [p.text for p in first.phones] == [
            "+49 30 1234567",
            "+49 170 1234567",
            "+49 30 7654321",
        ]

    def test_links_and_primary_contact(self):
        """Links carry the title and the row's primary-contact mark."""
        _, records = read(ERPNEXT)

        assert [(k.party_type, k.party_name) for k in records[0].links] == [
            ("Customer", "CUST-1"),
            ("Supplier", "SUP-9"),
        ]
        assert [k.title for k in records[0].links] == ["Alpha GmbH", "Beta AG"]
        assert all(k.is_primary for k in records[0].links)
        assert not records[1].links[0].is_primary

    def test_imported(self):
        """The contacts are stored with ids, status and primary marks."""
        repository = MemoryContactRepository()
        path = io.BytesIO(ERPNEXT.encode())
        records = read_csv(path)

        report = import_records(records, repository)

        anna = repository.get("CONT-1")
        assert report.stored == 2
        assert anna.status.value == "Open"
        assert anna.primary_email == "anna.schmidt@example.org"
        assert anna.primary_phone.raw == "+49 30 1234567"
        assert anna.primary_mobile.raw == "+49 170 1234567"
        assert repository.get("CONT-2").full_name == "李 小明"

    def test_parent_email_yields_to_table(self):
        """The table's primary mark wins over the parent e-mail column."""
        text = (
            "First Name,Email Address,Email ID (Email IDs),"
            "Is Primary (Email IDs)\n"
            "Ann,a@example.com,a@example.com,0\n"
            ",,b@example.com,1\n"
        )

        _, records = read(text)

        primaries = [e.text for e in records[0].emails if e.is_primary]
        assert primaries == ["b@example.com"]

    def test_link_doctype_label(self):
        """The older "Link DocType" label is read too."""
        text = (
            "First Name,Link DocType (Links),Link Name (Links)\n"
            "Ann,Supplier,SUP-1\n"
        )

        _, records = read(text)

        assert records[0].links[0].party_type == "Supplier"

    def test_link_without_type(self):
        """A link name without a type is a row problem."""
        text = "First Name,Link Name (Links)\nAnn,CUST-1\n"

        _, records = read(text)

        assert records[0].problems[0].column == "Link Name (Links)"
        assert records[0].problems[0].value == "CUST-1"

    def test_unsubscribed_flag(self):
        """The unsubscribed check box is read as a yes/no value."""
        repository = MemoryContactRepository()
        text = "First Name,Unsubscribed,Mobile No\nAnn,0,+4917012345678\n"
        import_records(read_csv(io.BytesIO(text.encode())), repository)

        contact = next(iter(repository))
        assert contact.unsubscribed is False
        assert contact.primary_mobile is not None


TEMPLATE = (
    "Data Import Template\n"
    "Table:,Contact\n"
    "\n"
    "Notes:\n"
    "Please do not change the template headings.\n"
    "DocType:,Contact,,,,~,Contact Email,email_ids,,~,"
    "Dynamic Link,links,,\n"
    "Column Labels:,ID,First Name,Last Name,Is Primary Contact,,"
    "Email ID,Is Primary,,Link Document Type,Link Name,Link Title\n"
    "Column Name:,name,first_name,last_name,is_primary_contact,~,"
    "email_id,is_primary,~,link_doctype,link_name,link_title\n"
    "Mandatory:,Yes,No,No,No,,Yes,No,,Yes,Yes,No\n"
    "Start entering data below this line\n"
    ",C-1,Ann,Lee,1,,ann@example.com,1,,Customer,CUST-1,Alpha\n"
    ",,,,,,ann.lee@example.org,0,,Supplier,SUP-1,\n"
    ",C-2,Bo,Ek,0,,bo@example.com,1,,,,\n"
)


class TestErpnextTemplate:
    def test_detected(self):
        """The metadata block marks the legacy template."""
        reader, records = read(TEMPLATE)

        assert reader.layout is Layout.ERPNEXT_TEMPLATE
        assert [r.row for r in records] == [11, 13]

    def test_contact_fields(self):
        """Field names select the contact fields and child tables."""
        _, records = read(TEMPLATE)

        ann = records[0]
        assert ann.fields["contact_id"] == "C-1"
        assert ann.columns["first_name"] == "First Name"
        assert [e.text for e in ann.emails] == [
            "ann@example.com",
            "ann.lee@example.org",
        ]
        assert [(k.party_type, k.is_primary) for k in ann.links] == [
            ("Customer", True),
            ("Supplier", True),
        ]

    def test_missing_marker(self):
        """A template without the data marker is reported."""
        text = TEMPLATE.replace("Start entering data below this line", "")

        with pytest.raises(ValueError, match="has no row 'Start entering"):
            read(text)


GOOGLE_LEGACY = (
    "Name,Given Name,Family Name,E-mail 1 - Type,E-mail 1 - Value,"
    "E-mail 2 - Type,E-mail 2 - Value,Phone 1 - Type,Phone 1 - Value,"
    "Phone 2 - Type,Phone 2 - Value\n"
    "Ann Lee,Ann,Lee,* Home ::: Home,a@example.com ::: b@example.com,"
    "Work,c@example.com,Mobile,+44 7700 900123,Work Fax,+44 20 7946 0000\n"
)

GOOGLE_CURRENT = (
    "First Name,Middle Name,Last Name,Name Prefix,Organization Name,"
    "Organization Title,Organization Department,Labels,"
    "E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value\n"
    "Ann,Marie,Lee,Dr.,Acme,CTO,R&D,* myContacts,"
    "* Work,ann@example.com,Mobile,+44 7700 900123\n"
)


class TestGoogle:
    def test_legacy_values(self):
        """Values split at " ::: " and "* " marks the primary one."""
        reader, records = read(GOOGLE_LEGACY)

        emails = records[0].emails
        assert reader.layout is Layout.GOOGLE
        assert [e.text for e in emails] == [
            "a@example.com",
            "b@example.com",
            "c@example.com",
        ]
        assert [e.is_primary for e in emails] == [True, False, False]

    def test_phone_types(self):
        """Mobile types mark mobiles and fax numbers become warnings."""
        _, records = read(GOOGLE_LEGACY)

        record = records[0]
        assert [(p.text, p.is_mobile) for p in record.phones] == [
            ("+44 7700 900123", True)
        ]
        assert record.unmodelled == (("Phone 2 - Value", "+44 20 7946 0000"),)

    def test_current_headers(self):
        """The current export's headers are read."""
        reader, records = read(GOOGLE_CURRENT)

        record = records[0]
        assert reader.layout is Layout.GOOGLE
        assert record.fields == {
            "first_name": "Ann",
            "middle_name": "Marie",
            "last_name": "Lee",
            "salutation": "Dr.",
            "company_name": "Acme",
            "designation": "CTO",
            "department": "R&D",
        }
        assert record.emails[0].is_primary
        assert record.unmodelled == (("Labels", "* myContacts"),)


class TestOutlook:
    def test_columns(self):
        """Outlook's title is the salutation; its phones are read."""
        text = (
            "Title,First Name,Last Name,Job Title,Company,"
            "E-mail Address,E-mail 2 Address,Business Phone,Mobile Phone,"
            "Business Fax\n"
            "Ms.,Ann,Lee,CFO,Acme,a@example.com,b@example.com,"
            "+1 212 555 0100,+1 917 555 0101,+1 212 555 0199\n"
        )

        reader, records = read(text)

        record = records[0]
        assert reader.layout is Layout.OUTLOOK
        assert record.fields["salutation"] == "Ms."
        assert record.fields["designation"] == "CFO"
        assert [(p.text, p.is_mobile) for p in record.phones] == [
            ("+1 212 555 0100", None),
            ("+1 917 555 0101", True),
        ]
        assert record.unmodelled == (("Business Fax", "+1 212 555 0199"),)


class TestThunderbird:
    def test_trailing_comma(self):
        """The empty last header cell and trailing commas are fine."""
        text = (
            "First Name,Last Name,Display Name,Primary Email,"
            "Secondary Email,Work Phone,Mobile Number,Notes,\n"
            "Ann,Lee,Ann Lee,a@example.com,b@example.com,"
            "+1 212 555 0100,+1 917 555 0101,,\n"
        )

        reader, records = read(text)

        record = records[0]
        assert reader.layout is Layout.THUNDERBIRD
        assert record.problems == ()
        assert [e.text for e in record.emails] == [
            "a@example.com",
            "b@example.com",
        ]
        assert record.unmodelled == ()


class TestLinkMapping:
    def test_link_type_column(self):
        """A column mapped to link:TYPE links each row to that party type."""
        _, records = read(
            "Name,Account\nAnna Berg,ACC-1\n",
            mapping={"Account": "link:Shareholder"},
        )

        assert records[0].links == (
            SourceLink("Shareholder", "ACC-1", "Account"),
        )

    def test_empty_type_rejected(self):
        """A link mapping without a party type is not a field."""
        with pytest.raises(ValueError, match="'link:TYPE' for a column"):
            read("Name,Account\nAnna,ACC-1\n", mapping={"Account": "link:"})


class TestGeneric:
    def test_name_split(self):
        """A lone full name fills the first and last name."""
        _, records = read(
            "Display Name,E-mail\nJosé María García,j@example.com\nCher,\n"
        )

        assert records[0].fields == {
            "first_name": "José María",
            "last_name": "García",
        }
        assert records[1].fields == {"first_name": "Cher"}

    def test_full_name_kept_as_warning(self):
        """A full name that differs from the name parts is a warning."""
        _, records = read(
            "Name,First Name,Last Name\nAcme Ltd,Ann,Lee\nAnn Lee,Ann,Lee\n"
        )

        assert records[0].unmodelled == (("Name", "Acme Ltd"),)
        assert records[1].unmodelled == ()

    def test_synonyms(self):
        """Common column names reach their fields."""
        _, records = read(
            "Surname,Forename,Mail,Mobile,Telephone,Organisation,"
            "Position,Dept,Company Name\n"
            "Lee,Ann,a@example.com,+1 917 555 0101,+1 212 555 0100,"
            "Acme,CFO,Finance,Beta\n"
        )

        record = records[0]
        assert record.fields["last_name"] == "Lee"
        assert record.fields["company_name"] == "Acme"
        assert record.fields["designation"] == "CFO"
        assert record.unmodelled == (
            ("Dept", "Finance"),
            ("Company Name", "Beta"),
        )
        assert [p.is_mobile for p in record.phones] == [True, None]

    @pytest.mark.parametrize(
        ("header", "field"),
        [
            ("Title,Name", "designation"),
            ("Title,Name,Job Title", "salutation"),
        ],
    )
    def test_title(self, header, field):
        """A "Title" column is the salutation beside a "Job Title"."""
        _, records = read(f"{header}\nDr.,Ann Lee,\n")

        assert records[0].fields[field] == "Dr."

    def test_customer_column(self):
        """A customer column links the contact to that customer."""
        _, records = read(
            "Name,Customer,Is Primary Contact,Roles\n"
            "Ann Lee,CUST-1,yes,billing; shipping\n"
        )

        assert records[0].links == (
            SourceLink(
                "Customer",
                "CUST-1",
                "Customer",
                is_primary=True,
                roles=frozenset({"billing", "shipping"}),
            ),
        )

    def test_vendor_contact_type(self):
        """Zoho's contact type "vendor" is a Supplier link."""
        _, records = read(
            "Display Name,Customer Name,Contact Type\nAnn Lee,Acme,vendor\n"
        )

        assert records[0].links[0].party_type == "Supplier"

    def test_duplicate_header(self):
        """A repeated header name gets its column number in reports."""
        _, records = read("Name,Phone,Fax,Phone\nAnn Lee,,555 0100,555 0101\n")

        assert records[0].phones[0].column == "Phone (column 4)"
        assert records[0].unmodelled == (("Fax", "555 0100"),)

    def test_mapping_overrides(self):
        """A mapping sends columns to fields the layout reads otherwise."""
        _, records = read(
            "Kunde,Nachname,Anrede,Notiz\nCUST-9,Lee,Frau,x\n",
            mapping={
                "Kunde": "customer",
                "Nachname": "last_name",
                "Anrede": "salutation",
                "Notiz": "ignore",
            },
        )

        record = records[0]
        assert record.fields == {"last_name": "Lee", "salutation": "Frau"}
        assert record.links[0].party_name == "CUST-9"
        assert record.unmodelled == ()

    def test_mapping_spaces(self):
        """Spaces around a header name do not defeat the mapping."""
        _, records = read(
            " Kunde , Name\nCUST-9,Ann Lee\n", mapping={"Kunde": "customer"}
        )

        assert records[0].links[0].party_name == "CUST-9"

    def test_one_known_column(self):
        """One known column is enough; the others become warnings."""
        _, records = read("Email,Foo,Bar\na@example.com,1,\n")

        assert records[0].emails[0].text == "a@example.com"
        assert records[0].unmodelled == (("Foo", "1"),)

    def test_given_layout(self):
        """A layout passed in is used instead of detection."""
        reader, records = read(
            "Title,Name,Email\nDr.,Ann Lee,a@example.com\n", layout="outlook"
        )

        assert reader.layout is Layout.OUTLOOK
        assert records[0].fields["salutation"] == "Dr."


class TestImportFile:
    def test_import(self, tmp_path):
        """import_file reads, stores and reports a file on disk."""
        path = tmp_path / "contacts.csv"
        path.write_text(
            "Name;Email;Phone\nAnn Lee;a@example.com;030 1234567\n"
            "Bo Ek;not-an-address;\n",
            encoding="cp1252",
        )
        repository = MemoryContactRepository()
        progress = []

        report = import_file(
            path, repository, region="DE", on_progress=progress.append
        )

        assert report.rows_read == 2
        assert report.stored == 1
        assert report.rejected[0].row == 3
        assert report.rejected[0].problems[0].column == "Email"
        assert progress == [2]
        assert repository.get(report.stored_ids[0]).phones[0].e164 == (
            "+49301234567"
        )
