"""Reading and writing contact files of other programs.

`import_file` detects a file's format (CSV, vCard, JSON, XLSX), encoding,
delimiter and layout and imports its contacts through
`contactlib.import_records`.  `read_csv`, `read_vcard`, `read_json` and
`read_xlsx` read a file as `contactlib.SourceRecord` objects without
storing them.  Readers of further formats plug in with
`register_format`.  `write_csv`, `write_xlsx`, `write_vcard`,
`write_jcard` and `write_json` export contacts.
"""

from __future__ import annotations

from contactlib.interchange._csv import CsvReader, read_csv
from contactlib.interchange._csv_write import (
    ExportLayout,
    ExportReport,
    escape_formula,
    export_rows,
    write_csv,
)
from contactlib.interchange._formats import (
    FormatReader,
    ReadOptions,
    format_names,
    import_file,
    register_format,
)
from contactlib.interchange._json import (
    contact_from_dict,
    contact_to_dict,
    make_converter,
    read_json,
    write_json,
)
from contactlib.interchange._layouts import MAPPING_FIELDS, Layout
from contactlib.interchange._vcard_read import read_vcard
from contactlib.interchange._vcard_write import (
    VCARD_VERSIONS,
    format_vcard,
    phone_region,
    to_jcard,
    write_jcard,
    write_vcard,
)
from contactlib.interchange._xlsx import read_xlsx, write_xlsx

__all__ = [
    "MAPPING_FIELDS",
    "VCARD_VERSIONS",
    "CsvReader",
    "ExportLayout",
    "ExportReport",
    "FormatReader",
    "Layout",
    "ReadOptions",
    "contact_from_dict",
    "contact_to_dict",
    "escape_formula",
    "export_rows",
    "format_names",
    "format_vcard",
    "import_file",
    "make_converter",
    "phone_region",
    "read_csv",
    "read_json",
    "read_vcard",
    "read_xlsx",
    "register_format",
    "to_jcard",
    "write_csv",
    "write_jcard",
    "write_json",
    "write_vcard",
    "write_xlsx",
]
