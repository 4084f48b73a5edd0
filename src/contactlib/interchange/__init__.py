"""Reading and writing contacts in the file formats of other programs."""

from __future__ import annotations

from contactlib.interchange._vcard_read import read_vcard
from contactlib.interchange._vcard_write import (
    VCARD_VERSIONS,
    format_vcard,
    phone_region,
    write_vcard,
)

__all__ = [
    "VCARD_VERSIONS",
    "format_vcard",
    "phone_region",
    "read_vcard",
    "write_vcard",
]
