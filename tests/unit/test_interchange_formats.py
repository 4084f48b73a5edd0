import pytest

import contactlib.interchange
from contactlib import SourceRecord
from contactlib.interchange import (
    ReadOptions,
    format_names,
    import_file,
    register_format,
)
from contactlib.interchange._formats import _FORMATS, detect_format
from contactlib.testing import MemoryContactRepository


@pytest.fixture
def lines_format():
    """Register a toy format that reads one first name per line."""
    seen = []

    def read_lines(stream, options):
        seen.append(options)
        for row, line in enumerate(stream.read().decode().splitlines(), 1):
            yield SourceRecord(row, {"first_name": line.removeprefix("#L ")})

    register_format(
        "lines",
        read_lines,
        suffixes=(".LINES",),
        sniff=lambda head: head.startswith(b"#L "),
    )
    yield seen
    del _FORMATS["lines"]


class TestPublicNames:
    def test_all_sorted(self):
        """The package's `__all__` is sorted, constants first."""
        names = contactlib.interchange.__all__

        assert names == sorted(names, key=lambda n: (not n.isupper(), n))

    def test_all_documented(self):
        """Every public class and function has a docstring."""
        values = [
            getattr(contactlib.interchange, name)
            for name in contactlib.interchange.__all__
            if name not in {"FormatReader", "MAPPING_FIELDS"}
        ]

        for value in values:
            assert (value.__doc__ or "").strip(), value


class TestRegistry:
    def test_csv_registered(self):
        """CSV is registered when the package is imported."""
        assert "csv" in format_names()

    def test_sniffed(self, tmp_path, lines_format):
        """A registered sniff function selects its reader."""
        path = tmp_path / "people.txt"
        path.write_text("#L Ann\n#L Bo\n")

        report = import_file(path, MemoryContactRepository(), layout="x")

        assert report.stored == 2
        assert lines_format == [ReadOptions(str(path), "x")]

    def test_suffix(self, lines_format):
        """A registered suffix selects its reader, in any letter case."""
        assert detect_format(b"Ann\n", "people.Lines") == "lines"

    def test_csv_fallback(self, lines_format):
        """A file no format claims is read as CSV."""
        assert detect_format(b"Name\nAnn\n", "people") == "csv"

    def test_format_given(self, tmp_path, lines_format):
        """A format passed in overrides detection."""
        path = tmp_path / "people.csv"
        path.write_text("Ann\n")

        report = import_file(
            path, MemoryContactRepository(), format="lines", dry_run=True
        )

        assert report.stored == 1
        assert report.dry_run
