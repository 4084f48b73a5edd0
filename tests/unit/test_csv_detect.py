import codecs
import io

import pytest

from contactlib.interchange import Layout, read_csv

HEADER = "First Name,Last Name,Email\n"
ROW = "Zoë,Müller,zoe@example.com\n"


def read(data, **options):
    reader = read_csv(io.BytesIO(data), **options)
    return reader, list(reader)


class _OneWayStream(io.RawIOBase):
    """A stream that cannot seek, like a pipe."""

    def __init__(self, data):
        self._data = io.BytesIO(data)

    def readable(self):
        return True

    def readinto(self, buffer):
        chunk = self._data.read(min(len(buffer), 1000))
        buffer[: len(chunk)] = chunk
        return len(chunk)


class TestEncoding:
    @pytest.mark.parametrize(
        ("data", "expected"),
        [
            ((HEADER + ROW).encode(), "utf-8"),
            (codecs.BOM_UTF8 + (HEADER + ROW).encode(), "utf-8-sig"),
            ((HEADER + ROW).encode("utf-16"), "utf-16"),
            (
                codecs.BOM_UTF16_BE + (HEADER + ROW).encode("utf-16-be"),
                "utf-16",
            ),
            ((HEADER + ROW).encode("utf-16-le"), "utf-16-le"),
            ((HEADER + ROW).encode("utf-16-be"), "utf-16-be"),
            ((HEADER + ROW).encode("cp1252"), "cp1252"),
        ],
    )
    def test_detected(self, data, expected):
        """The encoding is found from the BOM or by decoding."""
        reader, records = read(data)

        assert reader.encoding == expected
        assert records[0].fields["last_name"] == "Müller"
        assert records[0].fields["first_name"] == "Zoë"

    def test_bom_not_in_header(self):
        """A BOM never sticks to the first header name."""
        data = codecs.BOM_UTF8 + (HEADER + ROW).encode()

        reader, _ = read(data, encoding="utf-8")

        assert reader.columns[0].name == "First Name"

    def test_late_windows_byte(self):
        """A Windows-1252 byte past the sample still selects cp1252."""
        rows = "".join(f"A{i},B,a{i}@example.com\n" for i in range(5000))
        data = (HEADER + rows).encode() + "Zoë,Ng,z@example.com\n".encode(
            "cp1252"
        )

        reader, records = read(data)

        assert len(data) > 64 * 1024
        assert reader.encoding == "cp1252"
        assert records[-1].fields["first_name"] == "Zoë"

    def test_given_encoding(self):
        """An encoding passed in is used as it is."""
        data = (HEADER + ROW).encode("latin-1")

        reader, records = read(data, encoding="latin-1")

        assert reader.encoding == "latin-1"
        assert records[0].fields["last_name"] == "Müller"

    def test_stream_without_seek(self):
        """A stream that cannot seek is read from its first bytes."""
        data = (HEADER + ROW * 300).encode("utf-16")

        reader = read_csv(io.BufferedReader(_OneWayStream(data)))
        records = list(reader)

        assert reader.encoding == "utf-16"
        assert len(records) == 300
        assert records[-1].row == 301


class TestDelimiter:
    @pytest.mark.parametrize("delimiter", [",", ";", "\t"])
    def test_detected(self, delimiter):
        """Comma, semicolon and tab are detected from the lines."""
        text = (HEADER + ROW).replace(",", delimiter)

        reader, records = read(text.encode())

        assert reader.delimiter == delimiter
        assert records[0].emails[0].text == "zoe@example.com"

    def test_semicolon_with_commas(self):
        """Commas inside semicolon-separated cells do not mislead."""
        text = (
            "Name;Email;Company\n"
            "Doe, Jane;jane@example.com;Acme, Inc.\n"
            "Roe, Rick;rick@example.com;Beta, Ltd.\n"
        )

        reader, records = read(text.encode())

        assert reader.delimiter == ";"
        assert records[0].fields["company_name"] == "Acme, Inc."

    def test_given_delimiter(self):
        """A delimiter passed in overrides detection."""
        text = "Email|Name\nann@example.com|Ann Lee\n"

        reader, records = read(text.encode(), delimiter="|")

        assert reader.delimiter == "|"
        assert records[0].fields["first_name"] == "Ann"


class TestHeader:
    def test_preamble_skipped(self):
        """Title lines before the header are skipped."""
        text = (
            '"Exported by Example CRM, 2024",""\n'
            '"",""\n'
            '"CLIENTS",""\n'
            '"Email","Name"\n'
            '"ann@example.com","Ann Lee"\n'
        )

        reader, records = read(text.encode())

        assert reader.header_line == 4
        assert reader.layout is Layout.GENERIC
        assert records[0].row == 5

    def test_row_numbers_multiline(self):
        """Row numbers are physical lines, also after quoted line breaks."""
        text = (
            "Name,Email,Notes\n"
            'Ann Lee,ann@example.com,"one\ntwo\r\nthree"\n'
            "\n"
            "Bo Ek,bo@example.com,\n"
        )

        _, records = read(text.encode())

        assert [r.row for r in records] == [2, 6]

    def test_blank_lines_skipped(self):
        """Lines with no value are no rows."""
        text = "Name,Email\n,\n\nAnn Lee,ann@example.com\n,,\n"

        _, records = read(text.encode())

        assert [r.row for r in records] == [4]

    def test_crlf_line_numbers(self):
        """Windows line ends count one line each."""
        text = "Name,Email\r\nAnn Lee,a@example.com\r\nBo Ek,b@example.com\r\n"

        _, records = read(text.encode())

        assert [r.row for r in records] == [2, 3]


class TestPath:
    def test_closed_when_exhausted(self, tmp_path):
        """A reader that opened its file closes it at the end."""
        path = tmp_path / "contacts.csv"
        path.write_text(HEADER + ROW, encoding="utf-8")

        reader = read_csv(path)
        records = list(reader)

        assert len(records) == 1
        assert reader._text.closed

    def test_stream_left_open(self):
        """A stream passed in stays open after the last record."""
        stream = io.BytesIO((HEADER + ROW).encode())

        list(read_csv(stream))

        assert not stream.closed
