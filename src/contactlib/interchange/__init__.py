"""Reading and writing contacts in the file formats of other programs."""

from __future__ import annotations

from contactlib.interchange._csv_write import (
    ExportLayout,
    ExportReport,
    escape_formula,
    export_rows,
    write_csv,
)
from contactlib.interchange._json import (
    contact_from_dict,
    contact_to_dict,
    make_converter,
    read_json,
    write_json,
)
from contactlib.interchange._vcard_read import read_vcard
from contactlib.interchange._vcard_write import (
    VCARD_VERSIONS,
    format_vcard,
    phone_region,
    to_jcard,
    write_jcard,
    write_vcard,
)
from contactlib.interchange._xlsx import write_xlsx

__all__ = [
    "ExportLayout",
    "ExportReport",
    "VCARD_VERSIONS",
    "contact_from_dict",
    "contact_to_dict",
    "escape_formula",
    "export_rows",
    "format_vcard",
    "make_converter",
    "phone_region",
    "read_json",
    "read_vcard",
    "to_jcard",
    "write_csv",
    "write_jcard",
    "write_json",
    "write_vcard",
    "write_xlsx",
]
