import io
import re

import pytest

from contactlib import import_records
from contactlib.exceptions import ImportFileError
from contactlib.interchange import import_file, read_csv
from contactlib.testing import MemoryContactRepository

FIELDS = (
    "company_name, contact_id, customer, department, designation, email, "
    "first_name, full_name, gender, ignore, is_billing_contact, "
    "is_primary_contact, last_name, "
    "middle_name, mobile, party_name, party_title, party_type, phone, "
    "roles, salutation, status, supplier, unsubscribed, user_id"
)


class _OneWayStream(io.RawIOBase):
    """A stream that cannot seek, like a pipe."""

    def __init__(self, data):
        self._data = io.BytesIO(data)

    def readable(self):
        return True

    def readinto(self, buffer):
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def reason(data, **options):
    with pytest.raises(ImportFileError) as caught:
        list(read_csv(io.BytesIO(data), **options))
    assert caught.value.path == "<stream>"
    return caught.value.reason


class TestFileErrors:
    @pytest.mark.parametrize(
        ("data", "expected"),
        [
            (b"", "the file is empty; export the contacts again"),
            (
                b"\n\n  \r\n",
                "the file contains only blank lines; nothing to import",
            ),
            (
                b"Name,Email\nAnn\x00,a@example.com\n\x00\x01\x02",
                (
                    "the file contains a NUL byte at offset 14, so it is a "
                    "binary file, not CSV text; export the contacts as CSV"
                ),
            ),
            (
                b"PK\x03\x04\x14\x00\x06\x00" + bytes(40),
                (
                    "the file is a ZIP archive (an XLSX workbook, for "
                    "example), not CSV text; save it as CSV, or import it "
                    "with a reader for its format"
                ),
            ),
            (
                "Name,Email\nAnn,a@example.com\n".encode("utf-16")[:-1],
                (
                    "the file ends in the middle of a UTF-16 character "
                    "(byte 59), so it was probably cut off; export or copy "
                    "it again"
                ),
            ),
            (
                b"Name,Email\nAnn\x81,a@example.com\n",
                (
                    "byte 0x81 at offset 14 is neither UTF-8 nor "
                    "Windows-1252 text, so the file is binary or in another "
                    "encoding; give the file's encoding (`--encoding "
                    "cp1252` on the command line, `encoding='cp1252'` in "
                    "Python)"
                ),
            ),
        ],
        ids=["empty", "blank", "nul", "zip", "utf16-cut", "undecodable"],
    )
    def test_unreadable(self, data, expected):
        """A file that is not contact text gets one clear reason."""
        assert reason(data) == expected

    def test_no_header(self):
        """An unrecognised header is listed with the way to map it."""
        assert reason(b"Foo,Bar,Baz\n1,2,3\n") == (
            "no header row matches any known layout: the first row has "
            "'Foo', 'Bar', 'Baz'; map the headers to fields (`--map "
            "Mail=email` on the command line, `mapping={'Mail': 'email'}` "
            "in Python)"
        )

    def test_no_header_in_layout(self):
        """A layout passed in is named when its header is not found."""
        assert reason(b"Foo,Bar\n1,2\n", layout="google").startswith(
            "no header row matches the google layout:"
        )

    def test_long_header_shortened(self):
        """Only the first twelve headers are listed."""
        header = ",".join(f"H{i}" for i in range(20)).encode()

        assert "'H11', and 8 more;" in reason(header + b"\n")

    def test_cut_after_sample(self):
        """A cut in UTF-16 past the first 64 KiB is found before reading."""
        rows = "".join(f"A{i},a{i}@example.com\n" for i in range(4000))
        data = ("Name,Email\n" + rows).encode("utf-16")[:-1]

        assert reason(data).startswith(
            "the file ends in the middle of a UTF-16 character"
        )


class TestStreamErrors:
    def test_late_bad_byte(self):
        """A bad byte past the sample of a pipe is reported by line."""
        rows = "".join(f"A{i},a{i}@example.com\n" for i in range(5000))
        data = ("Name,Email\n" + rows).encode() + b"Zo\xeb,z@example.com\n"
        stream = io.BufferedReader(_OneWayStream(data))

        with pytest.raises(ImportFileError) as caught:
            list(read_csv(stream))

        # The text layer decodes ahead of the CSV reader, so the line is
        # where reading stopped, at or before the bad byte.
        assert re.fullmatch(
            r"byte 0xEB after line \d+ is not valid utf-8 text; give the "
            r"file's encoding \(`--encoding cp1252` on the command line, "
            r"`encoding='cp1252'` in Python\)",
            caught.value.reason,
        )

    def test_unclosed_quote(self):
        """A quote left open until a cell is too long is reported."""
        data = b'Name,Email\n"Ann,a@example.com\n' + b"x" * 200_000

        assert reason(data) == (
            "line 2 cannot be read as CSV (field larger than field limit "
            "(131072)); check it for a quote that is never closed"
        )

    def test_late_nul_byte(self):
        """A NUL byte past the first 64 KiB is found before reading."""
        rows = "".join(f"A{i},a{i}@example.com\n" for i in range(5000))
        data = ("Name,Email\n" + rows).encode() + b"\x00\x01\x02"

        assert reason(data) == (
            f"the file contains a NUL byte at offset {len(data) - 3}, so it "
            "is a binary file, not CSV text; export the contacts as CSV"
        )

    def test_utf16_without_bom_cut(self):
        """A cut UTF-16 file without a byte order mark is reported."""
        data = "Name,Email\nAnn,a@example.com\n".encode("utf-16-le")[:-1]

        assert reason(data).startswith(
            "the file ends in the middle of a UTF-16 character"
        )


class TestOptionErrors:
    def test_unknown_field(self):
        """A mapping to a field that does not exist lists the fields."""
        assert reason(b"Foo\n1\n", mapping={"Foo": "emails"}) == (
            "the mapping sends column 'Foo' to 'emails', which is not a "
            f"field; use one of {FIELDS}, or 'link:TYPE' for a column of "
            "party names of type TYPE"
        )

    def test_unknown_mapped_column(self):
        """A mapping for a column the file lacks names that column."""
        assert reason(b"Foo,Bar\n1,2\n", mapping={"Mail": "email"}) == (
            "the mapping names 'Mail', which no header row has; the first "
            "row has 'Foo', 'Bar'"
        )

    def test_mapped_column_beside_header(self):
        """A mapping for a column a known header lacks names the header."""
        assert reason(
            b"Name,Email\nAnn,a@example.com\n", mapping={"Mail": "email"}
        ) == (
            "the mapping names 'Mail', which the header does not have; the "
            "header has 'Name', 'Email'"
        )

    def test_unknown_layout(self):
        """An unknown layout name lists the layouts."""
        assert reason(b"Email\na@example.com\n", layout="xml") == (
            "unknown layout 'xml'; use one of erpnext, erpnext_template, "
            "google, outlook, thunderbird, generic"
        )

    def test_bad_delimiter(self):
        """A delimiter must be one character."""
        assert reason(b"Email\na@example.com\n", delimiter=";;") == (
            "the delimiter must be one character, not ';;'"
        )

    def test_unknown_encoding(self):
        """An unknown encoding name is reported."""
        assert reason(b"Email\na@example.com\n", encoding="klingon") == (
            "unknown encoding 'klingon'; use a Python codec name such as "
            "'utf-8', 'utf-16' or 'cp1252'"
        )

    def test_wrong_encoding(self):
        """Bytes that the given encoding cannot decode are reported."""
        data = "Name\nZoë\n".encode("cp1252")

        assert reason(data, encoding="utf-8") == (
            "byte 0xEB at offset 7 is not valid utf-8 text; give the "
            "file's encoding (`--encoding cp1252` on the command line, "
            "`encoding='cp1252'` in Python)"
        )


class TestImportFileErrors:
    def test_missing_file(self, tmp_path):
        """A missing file is reported with its path."""
        path = tmp_path / "missing.csv"

        with pytest.raises(ImportFileError) as caught:
            import_file(path, MemoryContactRepository())

        assert caught.value.path == str(path)
        assert caught.value.reason == "the file does not exist; check the path"

    def test_folder(self, tmp_path):
        """A folder is not a file."""
        with pytest.raises(ImportFileError) as caught:
            import_file(tmp_path, MemoryContactRepository())

        assert caught.value.reason == (
            "this is a folder; give the path of a file"
        )

    def test_unknown_format(self, tmp_path):
        """An unknown format name lists the registered formats."""
        path = tmp_path / "a.csv"
        path.write_text("Email\na@example.com\n")

        with pytest.raises(ImportFileError) as caught:
            import_file(path, MemoryContactRepository(), format="nope")

        assert caught.value.reason.startswith(
            "unknown format 'nope'; use one of "
        )
        assert "csv" in caught.value.reason

    def test_nothing_written(self, tmp_path):
        """A file error leaves the repository untouched."""
        path = tmp_path / "a.csv"
        path.write_bytes(b"Email\na@example.com\n" + b"\xff" * 3)
        repository = MemoryContactRepository()

        with pytest.raises(ImportFileError):
            import_file(path, repository, encoding="utf-8")

        assert len(repository) == 0


class TestRowErrors:
    def test_extra_cells(self):
        """More cells than headers reject that row, with its line."""
        text = (
            "Name,Email\n"
            "Ann Lee,a@example.com,surplus,,\n"
            "Bo Ek,b@example.com,,\n"
        )
        repository = MemoryContactRepository()

        report = import_file_from_text(text, repository)

        assert report.stored == 1
        assert report.balanced
        assert report.rejected[0].row == 2
        problem = report.rejected[0].problems[0]
        assert problem.column == ""
        assert problem.value == "surplus"
        assert problem.reason == (
            "line 2 has 5 cells but the header has 2; check the delimiter "
            "and the quotes on that line"
        )

    def test_fewer_cells(self):
        """Fewer cells than headers leave the missing ones empty."""
        text = "Name,Email,Phone\nAnn Lee\n"

        report = import_file_from_text(text, MemoryContactRepository())

        assert report.stored == 1

    def test_bad_primary_flag(self):
        """A primary-contact cell that is not yes/no rejects the row."""
        text = "Name,Customer,Is Primary Contact\nAnn Lee,C-1,maybe\n"

        report = import_file_from_text(text, MemoryContactRepository())

        problem = report.rejected[0].problems[0]
        assert problem.column == "Is Primary Contact"
        assert problem.reason == "'maybe' is not a yes/no value; use 1 or 0"

    def test_party_without_type(self):
        """A party name without a type rejects the row."""
        text = "Name,Party Name\nAnn Lee,ACME\n"

        report = import_file_from_text(text, MemoryContactRepository())

        problem = report.rejected[0].problems[0]
        assert problem.column == "Party Name"
        assert problem.reason == (
            "the row names party 'ACME' but no party type; add a party "
            "type column, or map the column to 'customer' or 'supplier'"
        )


def import_file_from_text(text, repository):
    return import_records(read_csv(io.BytesIO(text.encode())), repository)
