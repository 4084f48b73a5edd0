"""Reading contact files of other programs: CSV today, more formats later.

`import_file` detects a file's format, encoding, delimiter and layout and
imports its contacts through `contactlib.import_records`.  `read_csv`
reads a CSV file as `contactlib.SourceRecord` objects without storing
them.  Readers of further formats plug in with `register_format`.
"""

from __future__ import annotations

from contactlib.interchange._csv import CsvReader, read_csv
from contactlib.interchange._formats import (
    FormatReader,
    ReadOptions,
    format_names,
    import_file,
    register_format,
)
from contactlib.interchange._layouts import MAPPING_FIELDS, Layout

__all__ = [
    "MAPPING_FIELDS",
    "CsvReader",
    "FormatReader",
    "Layout",
    "ReadOptions",
    "format_names",
    "import_file",
    "read_csv",
    "register_format",
]
