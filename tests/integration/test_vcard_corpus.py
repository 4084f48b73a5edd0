"""Every vCard file of the corpus, imported with the values it holds.

The expected values were checked against each file by reading it.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import attrs
import pytest

from contactlib import SourceRecord, build_from_record, import_records
from contactlib.exceptions import InvalidContactError
from contactlib.interchange import read_vcard, write_vcard
from contactlib.interchange._vcard_syntax import read_cards
from contactlib.testing import MemoryContactRepository

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.corpus


@attrs.frozen
class Card:
    """The values one card must import with."""

    row: int
    name: tuple[str, str, str]
    salutation: str = ""
    emails: tuple[str, ...] = ()
    primary_email: str | None = None
    phones: tuple[str, ...] = ()
    primary_phone: str | None = None
    primary_mobile: str | None = None
    company: str = ""
    department: str = ""
    title: str = ""


@attrs.frozen
class Rejected:
    """A card that the import rejects, with the column it names."""

    row: int
    column: str


EXPECTED: dict[str, list[Card | Rejected]] = {
    "android_v21_backslash.vcf": [
        Card(row=1, name=("A;B\\", "C\\;", ""), salutation="D"),
    ],
    "android_v21_complicated.vcf": [
        Card(
            row=1,
            name=("Forrest", "Hoge", "Gump"),
            salutation="Pos",
            emails=("forrestgump@walladalla.com", "cell@example.com"),
            phones=(
                "(111) 555-1212",
                "(404) 555-1212",
                "0311111111",
                "0322222222",
                "0333333333",
            ),
            primary_phone="(111) 555-1212",
            primary_mobile="0311111111",
            company="Gump Shrimp Co.",
            department="Sales Dept.;Manager",
            title="Shrimp Man",
        ),
    ],
    "android_v21_invalid_comment_line.vcf": [
        Card(row=1, name=("Conference Call", "", "")),
    ],
    "android_v21_multiple_entry.vcf": [
        Card(
            row=1,
            name=("", "", "安藤ロイド3"),
            phones=("9", "10", "11"),
            primary_phone="9",
        ),
        Card(
            row=12,
            name=("", "", "安藤ロイド4"),
            phones=("13", "14", "15", "16"),
            primary_phone="13",
        ),
        Card(
            row=23,
            name=("", "", "安藤ロイド5"),
            phones=("17", "18", "19", "20"),
            primary_phone="17",
        ),
    ],
    "android_v21_pref_handling.vcf": [
        Card(
            row=1,
            name=("Smith", "", ""),
            emails=("test@example.com", "test2@examination.com"),
            phones=("1", "2", "3"),
            primary_phone="2",
            company="Company",
            title="Engineer",
        ),
    ],
    "android_v30_ios_613_multiline.vcf": [
        Card(
            row=1,
            name=("Bob", "", "Smith"),
            emails=("bob@smithauto.com",),
            phones=("(650) 555-1212",),
            primary_phone="(650) 555-1212",
            primary_mobile="(650) 555-1212",
            company="Smith Auto Repair",
        ),
    ],
    "android_v30_pause_wait.vcf": [
        Card(
            row=1,
            name=("Wait", "", "Pause"),
            phones=("p1234p5678w9",),
            primary_phone="p1234p5678w9",
        ),
    ],
    "android_v40_sort_as.vcf": [
        Card(
            row=1,
            name=("ロイド", "", "安藤"),
            company="グーグル",
            department="検索部門",
        ),
    ],
    "eds_migrate-4.vcf": [
        Card(
            row=1,
            name=("First Name", "", "bat"),
            emails=("警察@brown.org",),
            phones=("+9999999",),
            primary_phone="+9999999",
        ),
    ],
    "eds_migrate-5.vcf": [
        Card(
            row=1,
            name=("First Name", "", "bäd"),
            emails=("救命@brown.com",),
            phones=("+6666666",),
            primary_phone="+6666666",
        ),
    ],
    "eds_vcard_5.vcf": [
        Card(
            row=1,
            name=("十城目管理大型知座", "", ""),
            emails=("weird@weird.com",),
            phones=("十城目管理大型知座",),
            primary_phone="十城目管理大型知座",
            primary_mobile="十城目管理大型知座",
            company="十城目管理大型知座",
            title="十城目管理大型知座",
        ),
    ],
    "ezvcard_John_Doe_ANDROID.vcf": [
        Card(row=1, name=("", "", ""), emails=("john.doe@company.com",)),
        Card(row=6, name=("", "", ""), emails=("jane.doe@company.com",)),
        Card(
            row=11,
            name=("", "", "Ñ Ñ Ñ Ñ"),
            phones=("123456789",),
            primary_phone="123456789",
            primary_mobile="123456789",
        ),
        Card(
            row=18,
            name=("", "", "Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ"),
            phones=("123456", "234567", "3456789", "45678901"),
            primary_phone="234567",
            primary_mobile="123456",
        ),
        Rejected(36, "emails[1]"),
        Card(
            row=71,
            name=("", "", "ÑÑÑÑ"),
            emails=("henry@company.com",),
            phones=("55556666",),
            primary_phone="55556666",
            primary_mobile="55556666",
            company="ÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑ",
        ),
    ],
    "ezvcard_John_Doe_BLACK_BERRY.vcf": [
        Card(
            row=1,
            name=("john", "", "Doe"),
            phones=("+96123456789",),
            primary_phone="+96123456789",
            primary_mobile="+96123456789",
            company="Acme Solutions",
        ),
    ],
    "ezvcard_John_Doe_EVOLUTION.vcf": [
        Card(
            row=1,
            name=("John", "Richter, James", "Doe"),
            salutation="Mr.",
            emails=("john.doe@ibm.com",),
            phones=("905-666-1234", "905-555-1234"),
            primary_phone="905-555-1234",
            primary_mobile="905-666-1234",
            company="IBM",
            department="Accounting",
            title="Money Counter",
        ),
    ],
    "ezvcard_John_Doe_GMAIL.vcf": [
        Card(
            row=1,
            name=("John", "Richter, James", "Doe"),
            salutation="Mr.",
            emails=("john.doe@ibm.com",),
            phones=("905-555-1234", "905-666-1234"),
            primary_phone="905-666-1234",
            primary_mobile="905-555-1234",
            company="IBM",
            title="Money Counter",
        ),
    ],
    "ezvcard_John_Doe_IPHONE.vcf": [
        Card(
            row=1,
            name=("John", "Richter James", "Doe"),
            salutation="Mr.",
            emails=("john.doe@ibm.com",),
            phones=(
                "905-555-1234",
                "905-666-1234",
                "905-777-1234",
                "905-111-1234",
                "905-222-1234",
            ),
            primary_phone="905-666-1234",
            primary_mobile="905-555-1234",
            company="IBM",
            department="Accounting",
            title="Money Counter",
        ),
    ],
    "ezvcard_John_Doe_MAC_ADDRESS_BOOK.vcf": [
        Card(
            row=1,
            name=("John", "Richter,James", "Doe"),
            salutation="Mr.",
            emails=("john.doe@ibm.com",),
            phones=(
                "905-777-1234",
                "905-666-1234",
                "905-555-1234",
                "905-111-1234",
                "905-222-1234",
            ),
            primary_phone="905-777-1234",
            primary_mobile="905-555-1234",
            company="IBM",
            department="Accounting",
            title="Money Counter",
        ),
    ],
    "ezvcard_John_Doe_MS_OUTLOOK.vcf": [
        Card(
            row=1,
            name=("John", "Richter,James", "Doe"),
            salutation="Mr.",
            emails=("john.doe@ibm.cm",),
            phones=("(905) 555-1234", "(905) 666-1234"),
            primary_phone="(905) 555-1234",
            company="IBM",
            department="Accounting",
            title="Money Counter",
        ),
    ],
    "ezvcard_fullcontact.vcf": [
        Card(
            row=1,
            name=("FirstName", "MiddleName", "LastName"),
            salutation="Prefix",
            emails=(
                "home@example.com",
                "work@example.com",
                "school@example.com",
                "other@example.com",
                "custom@example.com",
            ),
            phones=(
                "555-555-1111",
                "555-555-1112",
                "555-555-1113",
                "555-555-1114",
                "555-555-1115",
                "555-555-1118",
                "555-555-1119",
            ),
            primary_phone="555-555-1111",
            primary_mobile="555-555-1113",
            company="Organization1",
            department="Department1",
            title="Title1",
        ),
    ],
    "ezvcard_gmail-list.vcf": [
        Card(
            row=1, name=("Arnold", "", "Smith"), emails=("asmith@example.com",)
        ),
        Card(
            row=7,
            name=("Chris", "", "Beatle"),
            emails=("cbeatle@example.net",),
        ),
        Card(
            row=13, name=("Doug", "", "White"), emails=("dwhite@example.org",)
        ),
    ],
    "ezvcard_gmail-single.vcf": [
        Card(
            row=1,
            name=("Greg", "", "Dartmouth"),
            emails=("gdartmouth@example.com",),
            phones=("555 555 1111", "555 555 2222"),
            primary_phone="555 555 2222",
            primary_mobile="555 555 1111",
            company="TheCompany",
            title="TheJobTitle",
        ),
    ],
    "ezvcard_gmail-single2.vcf": [
        Card(
            row=1,
            name=("VCard", "", "Test"),
            emails=(
                "email@example.com",
                "homeemail@example.com",
                "workemail@example.com",
                "otheremail@example.com",
                "customcategory@example.com",
            ),
            phones=(
                "5555551111",
                "5555551112",
                "5555551113",
                "5555551114",
                "5555551115",
                "5555551116",
                "5555551119",
                "5555551120",
                "5555551121",
            ),
            primary_phone="5555551111",
            primary_mobile="5555551115",
            company="TheCompany",
            title="TheJobTitle",
        ),
    ],
    "ezvcard_issue114.vcf": [
        Card(
            row=1,
            name=("Dummy", "", "Dummy"),
            emails=("dummy.dummy@dummy.com",),
            phones=("+49 1234 56789", "+49 9876 54321"),
            primary_phone="+49 9876 54321",
            primary_mobile="+49 1234 56789",
            company="Dummy GmbH",
        ),
    ],
    "ezvcard_outlook-2003.vcf": [
        Card(
            row=1,
            name=("John", "", "Doe"),
            salutation="Mr.",
            emails=("jdoe@hotmail.com",),
            phones=("BusinessPhone", "HomePhone", "MobilePhone"),
            primary_phone="BusinessPhone",
            primary_mobile="MobilePhone",
            company="Company, The",
            department="TheDepartment",
            title="The Job Title",
        ),
    ],
    "ezvcard_thunderbird-MoreFunctionsForAddressBook-extension.vcf": [
        Card(
            row=1,
            name=("John", "", "Doe"),
            emails=(
                "doe.john@hotmail.com",
                "additional-email@company.com",
                "additional-email1@company.com",
                "additional-email2@company.com",
                "additional-email3@company.com",
            ),
            phones=(
                "555-555-1111",
                "555-555-2222",
                "555-555-5555",
                "555-555-4444",
            ),
            primary_phone="555-555-1111",
            primary_mobile="555-555-5555",
            company="TheOrganization",
            department="TheDepartment",
            title="TheTitle",
        ),
    ],
    "kcontacts_testfullvcard.vcf": [
        Card(
            row=1,
            name=("Sherlock", "", "Holmes"),
            salutation="Mr",
            emails=(
                "sherlock.holmes@gmail.com",
                "detective@sherlockholmes.com",
            ),
            primary_email="detective@sherlockholmes.com",
            phones=(
                "+44-555-555-5555 ext. 5555",
                "+44-555-555-6666",
                "+44-555-555-7777",
            ),
            primary_phone="+44-555-555-5555 ext. 5555",
            primary_mobile="+44-555-555-6666",
            title="Detective",
        ),
    ],
    "kcontacts_vcard10.vcf": [
        Card(row=1, name=("", "", ""), company="Bike Shop"),
        Card(row=9, name=("Broken", "", "")),
        Card(row=19, name=("Broken", "", "")),
        Card(
            row=29,
            name=("Surname", "", "Name"),
            salutation="Dr. med.",
            title="Facharzt für Allgemeinmedizin",
        ),
        Card(row=42, name=("Second", "", "Doctor"), title="Dentist"),
    ],
    "kcontacts_vcard3.vcf": [
        Card(
            row=1,
            name=("jan", "", "doe"),
            emails=("jdoe@example.com",),
            company="Example Works",
            title="VP of Engineering",
        ),
    ],
    "kcontacts_vcard4.vcf": [
        Card(
            row=1,
            name=("", "", ""),
            emails=("hello@ximian.com",),
            phones=("(617) 236-0442",),
            primary_phone="(617) 236-0442",
            company="Ximian, Inc.",
        ),
    ],
    "kcontacts_vcardwithitemasapplesupport.vcf": [
        Card(
            row=1,
            name=("SOMENAME", "", ""),
            phones=("(111) 111-1111",),
            primary_phone="(111) 111-1111",
            company="SOME COMPANY",
        ),
    ],
    "roundcube_apple.vcf": [
        Card(row=1, name=("", "", ""), company="Apple Computer AG"),
    ],
    "roundcube_johndoe.vcf": [
        Card(
            row=1,
            name=("John", "", "Doë"),
            emails=("inbox@roundcube.net", "roundcube@gmail.com"),
            primary_email="roundcube@gmail.com",
            phones=("+123456789", "+987654321"),
            primary_phone="+123456789",
            primary_mobile="+987654321",
            company="roundcube.net",
        ),
    ],
    "roundcube_thebat.vcf": [
        Card(
            row=1,
            name=("Piotr", "", "Iksiñski"),
            emails=("piotr.iksinski@somedomain.com",),
        ),
    ],
    "syncevolution_Google-CardDAV.vcf": [
        Card(
            row=1,
            name=("John", "1", "Doe"),
            salutation="Mr.",
            emails=("john.doe@home.com", "doe@work.com", "john@custom.com"),
            phones=(
                "business 1",
                "mobile",
                "home",
                "main",
                "google voice",
                "pager",
                "custom",
            ),
            primary_phone="business 1",
            primary_mobile="mobile",
            company="at company",
            title="tester",
        ),
    ],
    "syncevolution_vcard21.vcf": [
        Card(row=1, name=("", "", "incomplete")),
        Card(row=11, name=("long", "", "line")),
        Card(
            row=20,
            name=("John", "", "Doe"),
            emails=(
                "john.doe@work.com",
                "john.doe@home.priv",
                "john.doe@other.world",
                "john.doe@yet.another.world",
            ),
            phones=("business 1", "home 2", "mobile 3", "pager 6"),
            primary_phone="business 1",
            primary_mobile="mobile 3",
            company="Test Inc.",
            department="Testing",
            title="Senior Tester",
        ),
        Card(row=61, name=("JPG", "", ""), salutation="Ms."),
        Card(row=98, name=("PNG", "", ""), salutation="Mrs."),
        Card(
            row=131,
            name=("First ; special ;", "middle", "Last"),
            salutation="Mr.",
        ),
        Card(row=152, name=("GIF", "", ""), salutation="Mr."),
        Card(row=178, name=("vcard", "", ""), salutation="large"),
        Card(row=188, name=("entities", "", "xml")),
        Card(row=197, name=("unquoted", "", "colon")),
        Card(row=206, name=("quotation", "", "marks")),
        Card(row=215, name=("spouse", "", "name")),
        Card(row=224, name=("char", "", "set")),
        Card(row=233, name=("Ä", "Ö", "Ü"), salutation="Umlaut"),
        Card(row=257, name=("special", "", "characters")),
        Card(row=278, name=("line", "", "breaks")),
    ],
    "vobject_photo-test.vcf": [
        Card(
            row=1,
            name=("my former school", "", ""),
            phones=("+49123456789",),
            primary_phone="+49123456789",
        ),
    ],
    "vobject_radicale-1587.vcf": [
        Card(
            row=1, name=("Given", "Additional", "Family"), salutation="Prefix"
        ),
    ],
    "vobject_vcard40_full.vcf": [
        Card(
            row=1,
            name=("John", "Quinlan", "Public"),
            salutation="Dr.",
            emails=("john.public@example.com", "johnny@personal.example.org"),
            primary_email="johnny@personal.example.org",
            phones=("+1-555-555-5555", "+1-555-123-4567"),
            primary_phone="+1-555-555-5555",
            primary_mobile="+1-555-123-4567",
            company="Example Corp.",
            department="North Division",
            title="CEO",
        ),
    ],
    "vobject_vcard40_group.vcf": [
        Rejected(1, "KIND (line 3)"),
    ],
    "vobject_vcard40_multilang.vcf": [
        Card(row=1, name=("Taro", "", "Yamada")),
    ],
    "vobject_vcard40_org.vcf": [
        Rejected(1, "KIND (line 3)"),
    ],
}


# Properties that the import maps onto fields; every other property of
# a card must show up in the record's unmodelled values.
_MAPPED = frozenset(
    {"N", "FN", "ORG", "TITLE", "EMAIL", "TEL", "UID", "KIND", "GENDER"}
)
_META = frozenset({"PRODID", "REV"})

# A few properties per file that the report must name.
REPORTED = {
    "android_v21_complicated.vcf": {"PHOTO", "GEO", "NOTE", "X-CLASS"},
    "ezvcard_John_Doe_ANDROID.vcf": {"NOTE", "CATEGORIES"},
    "ezvcard_John_Doe_IPHONE.vcf": {"PHOTO", "BDAY", "item3.ADR"},
    "ezvcard_John_Doe_MS_OUTLOOK.vcf": {"PHOTO", "X-MS-OL-DESIGN"},
    "ezvcard_outlook-2003.vcf": {"KEY", "NOTE", "TEL"},
    "roundcube_thebat.vcf": {"X-GENDER"},
    "vobject_vcard40_full.vcf": {"PHOTO", "LOGO", "SOUND", "RELATED"},
}


def _outcome(record: SourceRecord) -> Card | Rejected:
    if record.problems:
        return Rejected(record.row, record.problems[0].column)
    try:
        contact = build_from_record(record)
    except InvalidContactError as group:
        return Rejected(record.row, group.exceptions[0].field)
    emails = tuple(email.address for email in contact.emails)
    primary_phone = contact.primary_phone
    primary_mobile = contact.primary_mobile
    return Card(
        row=record.row,
        name=(contact.first_name, contact.middle_name, contact.last_name),
        salutation=contact.salutation,
        emails=emails,
        primary_email=(
            contact.primary_email
            if emails and contact.primary_email != emails[0]
            else None
        ),
        phones=tuple(phone.raw for phone in contact.phones),
        primary_phone=primary_phone.raw if primary_phone else None,
        primary_mobile=primary_mobile.raw if primary_mobile else None,
        company=contact.company_name,
        department=contact.department,
        title=contact.designation,
    )


class TestCorpusCards:
    """Each card of each corpus file imports with the file's values."""

    def test_every_file_listed(self, corpus: Path):
        """Every vCard file of the corpus has expected values."""
        files = {path.name for path in (corpus / "vcard").glob("*.vcf")}

        assert files == set(EXPECTED)

    @pytest.mark.parametrize("name", sorted(EXPECTED))
    def test_values(self, corpus: Path, name: str):
        """Names, e-mails, phones, marks, company and title match."""
        data = (corpus / "vcard" / name).read_bytes()

        outcomes = [_outcome(record) for record in read_vcard(data)]

        assert outcomes == EXPECTED[name]


class TestCorpusReport:
    """What the import does not store is reported, never dropped."""

    @pytest.mark.parametrize("name", sorted(EXPECTED))
    def test_every_property_accounted(self, corpus: Path, name: str):
        """Each property is mapped, metadata, kept or listed as unmodelled."""
        data = (corpus / "vcard" / name).read_bytes()

        for card, record in zip(
            read_cards(io.BytesIO(data)), read_vcard(data), strict=True
        ):
            reported = {column for column, _ in record.unmodelled} | {
                warning.column for warning in record.warnings
            }
            for prop in card.properties:
                if prop.name in _MAPPED | _META or prop.name.startswith(
                    "X-CONTACTLIB-"
                ):
                    continue
                assert any(
                    column.startswith(prop.column) for column in reported
                ), prop.column

    @pytest.mark.parametrize("name", sorted(REPORTED))
    def test_named_properties(self, corpus: Path, name: str):
        """The report names the photo and the other listed properties."""
        data = (corpus / "vcard" / name).read_bytes()
        repository = MemoryContactRepository()

        report = import_records(read_vcard(data), repository)

        names = {warning.column.split(" ")[0] for warning in report.warnings}
        assert REPORTED[name] <= names

    @pytest.mark.parametrize("name", sorted(EXPECTED))
    def test_balanced(self, corpus: Path, name: str):
        """Every card is stored or rejected, as the table expects."""
        data = (corpus / "vcard" / name).read_bytes()
        repository = MemoryContactRepository()

        report = import_records(read_vcard(data), repository)

        expected = [c.row for c in EXPECTED[name] if isinstance(c, Rejected)]
        assert report.balanced
        assert [row.row for row in report.rejected] == expected
        assert len(repository) == report.stored


class TestCorpusQuirks:
    """Single quirks of the corpus files, checked one by one."""

    def test_second_preferred_email_warned(self, corpus: Path):
        """Two EMAIL;PREF: the first is primary, the second is reported."""
        data = (
            corpus / "vcard" / "android_v21_pref_handling.vcf"
        ).read_bytes()

        (record,) = read_vcard(data)

        assert [e.is_primary for e in record.emails] == [True, False]
        assert [w.column for w in record.warnings] == ["EMAIL (line 8)"]

    def test_later_org_and_title_reported(self, corpus: Path):
        """The first ORG and TITLE win; the later ones are reported."""
        data = (
            corpus / "vcard" / "android_v21_pref_handling.vcf"
        ).read_bytes()

        (record,) = read_vcard(data)

        assert record.unmodelled == (
            ("ORG (line 11)", "Mystery"),
            ("TITLE (line 12)", "Blogger"),
            ("ORG (line 13)", "Poetry"),
            ("TITLE (line 14)", "Poet"),
        )

    def test_comment_inside_soft_break_kept(self, corpus: Path):
        """A # line after a soft break belongs to the value; others go."""
        name = "android_v21_invalid_comment_line.vcf"
        data = (corpus / "vcard" / name).read_bytes()

        (record,) = read_vcard(data)

        assert [(w.column, w.value) for w in record.warnings] == [
            (
                "NOTE (line 7)",
                (
                    "This is an (sharp ->#<- sharp) example. This message "
                    "must NOT be ignored."
                ),
            ),
        ]

    def test_org_card_reason(self, corpus: Path):
        """A KIND:org card is rejected with the reason."""
        data = (corpus / "vcard" / "vobject_vcard40_org.vcf").read_bytes()

        (record,) = read_vcard(data)

        assert record.problems[0].reason == (
            "the card describes an organisation, not a person, so it is "
            "not imported as a contact; add it to the host system as a "
            "party instead"
        )

    def test_uid_becomes_contact_id(self, corpus: Path):
        """The UID of a card is the id of the stored contact."""
        data = (corpus / "vcard" / "kcontacts_vcard3.vcf").read_bytes()
        repository = MemoryContactRepository()

        report = import_records(read_vcard(data), repository)

        assert report.stored_ids == ["ebvq9Wo9rO"]

    def test_tel_uri_extension(self, corpus: Path):
        """A tel: URI with ;ext= keeps the extension."""
        data = (corpus / "vcard" / "kcontacts_testfullvcard.vcf").read_bytes()

        contact = build_from_record(next(iter(read_vcard(data))))

        assert contact.phones[0].e164 == "+445555555555"
        assert contact.phones[0].extension == "5555"


def _extras(data: bytes) -> list[tuple[str, tuple[str, ...]]]:
    """Import *data* and return each contact's id and extra lines."""
    repository = MemoryContactRepository()
    report = import_records(read_vcard(data), repository)
    assert report.balanced
    return sorted((c.contact_id, c.extra_properties) for c in repository)


def _exported(data: bytes, version: str) -> tuple[list[Any], bytes]:
    """Import *data*; return the extra lines and the vCard export."""
    repository = MemoryContactRepository()
    import_records(read_vcard(data), repository)
    text = io.StringIO(newline="")
    write_vcard(repository, text, version=version)
    extras = sorted((c.contact_id, c.extra_properties) for c in repository)
    return extras, text.getvalue().encode("utf-8")


class TestCorpusExtraProperties:
    """Properties without a field survive an export and a new import."""

    @pytest.mark.parametrize("version", ["3.0", "4.0"])
    def test_photo_and_birthday(self, corpus: Path, version: str):
        """The iPhone card keeps its photo, birthday and addresses."""
        data = (corpus / "vcard" / "ezvcard_John_Doe_IPHONE.vcf").read_bytes()
        first, exported = _exported(data, version)

        again = _extras(exported)

        ((_, extras),) = again
        names = [line.split(":")[0].split(";")[0] for line in extras]
        assert {"BDAY", "PHOTO", "ITEM3.ADR", "NICKNAME"} <= set(names)
        assert "BDAY;VALUE=date:2012-06-06" in extras
        assert again == first

    @pytest.mark.parametrize("name", sorted(EXPECTED))
    def test_every_file(self, corpus: Path, name: str):
        """Every corpus file keeps the same extra lines through vCard 4.0."""
        data = (corpus / "vcard" / name).read_bytes()
        first, exported = _exported(data, "4.0")

        again = _extras(exported)

        assert again == first
