"""Reading and writing contacts in the file formats of other programs."""

from __future__ import annotations

from contactlib.interchange._vcard_read import read_vcard

__all__ = ["read_vcard"]
