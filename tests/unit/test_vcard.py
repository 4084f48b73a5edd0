"""Reading and writing single vCards."""

from __future__ import annotations

import io

import pytest

from contactlib import (
    Contact,
    Link,
    PhoneNumber,
    build_contact,
    build_from_record,
)
from contactlib.exceptions import ImportFileError, InvalidValueError
from contactlib.interchange import (
    _vcard_syntax,
    format_vcard,
    import_file,
    phone_region,
    read_vcard,
)
from contactlib.testing import MemoryContactRepository


def _read_one(text: str, encoding: str = "utf-8") -> Contact:
    (record,) = read_vcard(text.encode(encoding))
    return build_from_record(record)


class TestReadVcard:
    """`read_vcard` on the quirks of real writers."""

    def test_utf16(self):
        """A UTF-16 file with a byte order mark is read."""
        text = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Müller;Jörg\r\nEND:VCARD\r\n"

        contact = _read_one(text, "utf-16")

        assert (contact.first_name, contact.last_name) == ("Jörg", "Müller")

    def test_folded_value(self):
        """A line that starts with a space continues the previous one."""
        text = (
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:x\r\n"
            "EMAIL:anna.lange@exa\r\n mple.com\r\nEND:VCARD\r\n"
        )

        contact = _read_one(text)

        assert contact.primary_email == "anna.lange@example.com"

    def test_quoted_printable_soft_break(self):
        """A 2.1 quoted-printable value continues after a trailing '='."""
        text = (
            "BEGIN:VCARD\r\nVERSION:2.1\r\n"
            "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BC=\r\n"
            "ller;J=C3=B6rg\r\nEND:VCARD\r\n"
        )

        contact = _read_one(text)

        assert (contact.first_name, contact.last_name) == ("Jörg", "Müller")

    def test_latin1_without_charset(self):
        """Bytes that are not UTF-8 are read as Windows-1252."""
        data = (
            b"BEGIN:VCARD\r\nVERSION:2.1\r\nN:Iksi\xf1ski;Piotr\r\nEND:VCARD"
        )

        (record,) = read_vcard(data)

        assert record.fields["last_name"] == "Iksiñski"

    def test_bare_parameters(self):
        """TEL;CELL;PREF marks the primary mobile."""
        text = (
            "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:x\r\n"
            "TEL;HOME:+49 30 901820\r\nTEL;CELL;PREF:+49 171 1234567\r\n"
            "END:VCARD\r\n"
        )

        contact = _read_one(text)

        assert contact.primary_mobile is not None
        assert contact.primary_mobile.raw == "+49 171 1234567"
        assert contact.primary_phone is not None
        assert contact.primary_phone.raw == "+49 30 901820"

    def test_repeated_type_pref(self):
        """type=pref among several TYPE parameters marks the primary."""
        text = (
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:x\r\n"
            "EMAIL;type=INTERNET:a@example.com\r\n"
            "item1.EMAIL;type=INTERNET;type=pref:b@example.com\r\n"
            "END:VCARD\r\n"
        )

        contact = _read_one(text)

        assert contact.primary_email == "b@example.com"

    def test_lowest_pref_wins(self):
        """Of PREF=2 and PREF=1 the lower number is primary; one warning."""
        text = (
            "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:x\r\n"
            "EMAIL;PREF=2:a@example.com\r\nEMAIL;PREF=1:b@example.com\r\n"
            "END:VCARD\r\n"
        )

        (record,) = read_vcard(text.encode())

        assert [e.is_primary for e in record.emails] == [False, True]
        assert [w.column for w in record.warnings] == ["EMAIL (line 4)"]

    def test_formatted_name_split(self):
        """FN alone is split into first, middle and last name."""
        text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna Maria Lange\r\nEND:VCARD"

        contact = _read_one(text)

        assert contact.first_name == "Anna"
        assert contact.middle_name == "Maria"
        assert contact.last_name == "Lange"

    def test_org_units(self):
        """ORG gives company and department; more units are reported."""
        text = (
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:x\r\n"
            "ORG:ACME\\, Inc.;Sales;EMEA\r\nEND:VCARD\r\n"
        )

        (record,) = read_vcard(text.encode())

        assert record.fields["company_name"] == "ACME, Inc."
        assert record.fields["department"] == "Sales"
        assert record.unmodelled == (("ORG (line 4) units", "EMEA"),)

    def test_photo_reported_by_size(self):
        """A photo is reported by its size, not its data."""
        text = (
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:x\r\n"
            "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQ\r\n SkZJ\r\nEND:VCARD\r\n"
        )

        (record,) = read_vcard(text.encode())

        assert [(w.column, w.value) for w in record.warnings] == [
            ("PHOTO (line 4)", "<12 characters of base64 data>")
        ]


class TestFormatVcard:
    """`format_vcard` writes what other programs and `read_vcard` read."""

    def test_version_rejected(self):
        """Only 3.0 and 4.0 are written."""
        with pytest.raises(InvalidValueError) as caught:
            format_vcard(Contact(first_name="Anna"), version="2.1")

        assert caught.value.reason == (
            "vCard version '2.1' cannot be written; use 3.0 or 4.0"
        )

    def test_primary_marks(self):
        """The primary e-mail carries PREF=1 in 4.0 and TYPE=PREF in 3.0."""
        contact = build_contact(
            first_name="Anna", emails=["a@example.com", "b@example.com"]
        )

        v4 = format_vcard(contact, version="4.0")
        v3 = format_vcard(contact, version="3.0")

        assert "EMAIL;PREF=1:a@example.com\r\n" in v4
        assert "EMAIL;TYPE=INTERNET;TYPE=PREF:a@example.com\r\n" in v3

    def test_primary_link_kept(self):
        """A primary link with roles and a title survives a round trip."""
        link = Link(
            "Customer",
            "ACME; GmbH",
            title="Main, office",
            is_primary=True,
            roles={"billing"},
        )
        contact = Contact(first_name="Anna", links=[link])

        (record,) = read_vcard(format_vcard(contact).encode())

        assert build_from_record(record).links == (link,)

    def test_folds_at_75_octets(self):
        """No line is longer than 75 octets, and folds keep characters."""
        contact = Contact(first_name="李" * 60)

        text = format_vcard(contact)

        lines = text.split("\r\n")
        assert max(len(line.encode()) for line in lines) <= 75
        assert _read_one(text).first_name == "李" * 60


class TestPhoneRegion:
    """`phone_region` names the region a national number needs."""

    def test_national(self):
        """A German national number needs DE."""
        phone = PhoneNumber.parse("030 901820", region="DE")

        assert phone_region(phone) == "DE"

    def test_international(self):
        """A number with its country code needs none."""
        phone = PhoneNumber.parse("+49 30 901820")

        assert phone_region(phone) is None


class TestReadVcardStream:
    """`read_vcard` reads streams in chunks without losing line ends."""

    def test_crlf_split_across_chunks(self, monkeypatch):
        """A CRLF split between two chunks is one line end."""
        monkeypatch.setattr(_vcard_syntax, "_HEAD_SIZE", 3)
        monkeypatch.setattr(_vcard_syntax, "_CHUNK_SIZE", 1)
        text = (
            "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lange;Anna\r\n"
            "EMAIL:anna@exa\r\n mple.com\r\nEND:VCARD\r\n"
        )

        (record,) = read_vcard(io.BytesIO(text.encode()))

        assert record.fields == {"last_name": "Lange", "first_name": "Anna"}
        assert [e.text for e in record.emails] == ["anna@example.com"]

    def test_utf16_without_bom(self):
        """UTF-16 without a byte order mark is recognised by its zeros."""
        text = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Øster;Åse\r\nEND:VCARD\r\n"

        (record,) = read_vcard(text.encode("utf-16-le"))

        assert record.fields == {"last_name": "Øster", "first_name": "Åse"}

    def test_two_cards_rows(self):
        """Each record's row is the line of its BEGIN:VCARD."""
        card = "BEGIN:VCARD\nVERSION:3.0\nFN:A B\nEND:VCARD\n"

        rows = [record.row for record in read_vcard((card * 2).encode())]

        assert rows == [1, 5]


class TestSniffVcard:
    """`sniff_vcard` recognises vCards by their first bytes."""

    @pytest.mark.parametrize("codec", ["utf-8", "utf-16", "utf-16-be"])
    def test_encodings(self, codec):
        """BEGIN:VCARD is found in UTF-8 and UTF-16 with or without BOM."""
        head = "begin:vcard\r\nversion:2.1\r\n".encode(codec)

        assert _vcard_syntax.sniff_vcard(head)

    def test_csv(self):
        """A CSV header is not a vCard."""
        assert not _vcard_syntax.sniff_vcard(b"First Name,Last Name\r\n")


class TestRepeatedProperties:
    """The first of repeated single-value properties wins."""

    def test_second_uid_reported(self):
        """A second UID is reported and does not replace the first."""
        text = (
            "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:x\r\n"
            "UID:a-1\r\nUID:b-2\r\nEND:VCARD\r\n"
        )

        (record,) = read_vcard(text.encode())

        assert record.fields["contact_id"] == "a-1"
        assert record.unmodelled == (("UID (line 5)", "b-2"),)


class TestExtraProperties:
    """Properties without a field are kept and written back."""

    def test_kept_and_reported(self):
        """An unknown property is kept as a line and listed as a warning."""
        text = (
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:x\r\n"
            "item1.URL;TYPE=work:https://example.com\r\n"
            "BDAY:1990-01-01\r\nEND:VCARD\r\n"
        )

        (record,) = read_vcard(text.encode())

        assert record.extra_properties == (
            "ITEM1.URL;TYPE=work:https://example.com",
            "BDAY:1990-01-01",
        )
        assert record.unmodelled == ()
        assert [w.column for w in record.warnings] == [
            "item1.URL (line 4)",
            "BDAY (line 5)",
        ]
        assert record.warnings[0].reason == (
            "contactlib has no field for this property; it is kept and "
            "written back when the contact is exported as vCard"
        )

    def test_quoted_printable_decoded(self):
        """A 2.1 quoted-printable note is kept decoded, breaks escaped."""
        text = (
            "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:x\r\n"
            "NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:"
            "Gr=C3=BC=C3=9Fe=0D=0Azwei\r\nEND:VCARD\r\n"
        )

        (record,) = read_vcard(text.encode())

        assert record.extra_properties == ("NOTE:Grüße\\nzwei",)

    def test_base64_marked_b(self):
        """2.1 base64 data is kept with the 3.0 encoding name."""
        text = (
            "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:x\r\n"
            "PHOTO;JPEG;ENCODING=BASE64:/9j/\r\n 4AAQ\r\n\r\nEND:VCARD\r\n"
        )

        (record,) = read_vcard(text.encode())

        assert record.extra_properties == (
            "PHOTO;TYPE=JPEG;ENCODING=b:/9j/4AAQ",
        )

    def test_parameter_quoted(self):
        """A parameter value with a colon is quoted again."""
        text = (
            "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:x\r\n"
            'ADR;LABEL="Hauptstr. 1: Hof";TYPE=work:;;Hauptstr. 1;;;;\r\n'
            "END:VCARD\r\n"
        )

        (record,) = read_vcard(text.encode())

        assert record.extra_properties == (
            'ADR;LABEL="Hauptstr. 1: Hof";TYPE=work:;;Hauptstr. 1;;;;',
        )

    def test_fax_kept(self):
        """A fax number has no field, so its line is kept."""
        text = (
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:x\r\n"
            "TEL;TYPE=FAX:+49 30 1234\r\nEND:VCARD\r\n"
        )

        (record,) = read_vcard(text.encode())

        assert record.extra_properties == ("TEL;TYPE=FAX:+49 30 1234",)
        assert record.phones == ()

    @pytest.mark.parametrize("version", ["3.0", "4.0"])
    def test_written_back(self, version):
        """The writer adds the kept lines, folded, before END."""
        photo = "PHOTO;ENCODING=b;TYPE=JPEG:" + "A" * 100
        contact = Contact(
            first_name="Anna", extra_properties=("BDAY:1990-01-01", photo)
        )

        text = format_vcard(contact, version=version)

        assert text.endswith(
            "BDAY:1990-01-01\r\n"
            f"{photo[:75]}\r\n {photo[75:]}\r\nEND:VCARD\r\n"
        )
        assert _read_one(text).extra_properties == contact.extra_properties


class TestTruncatedFile:
    def test_open_card_rejected(self):
        """A last card without END:VCARD comes out with a problem."""
        text = (
            "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Alpha One\r\nEND:VCARD\r\n"
            "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Beta Two\r\n"
        )

        records = list(read_vcard(text.encode()))

        assert [r.row for r in records] == [1, 5]
        assert records[0].problems == ()
        assert records[1].problems[0].reason == (
            "the card has no END:VCARD line, so the file may be cut off; "
            "check its end and export it again"
        )

    def test_bad_wide_encoding(self, tmp_path):
        """Bytes after a UTF-32 byte order mark that are not UTF-32 fail."""
        path = tmp_path / "weird.vcf"
        path.write_bytes(b"\xff\xfe\x00\x00garbage")

        with pytest.raises(ImportFileError) as caught:
            import_file(path, MemoryContactRepository())

        assert caught.value.reason.startswith(
            "the file starts like UTF-32-LE text but is not"
        )
