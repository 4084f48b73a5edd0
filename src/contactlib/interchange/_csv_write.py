"""Contacts written as spreadsheet rows: ERPNext, Google and Outlook CSV.

The rows are built once here and written by `write_csv` or, through
openpyxl, by `write_xlsx`.
"""

from __future__ import annotations

import csv
import enum
import re
from typing import TYPE_CHECKING

import attrs
import phonenumbers

from contactlib.exceptions import InvalidValueError
from contactlib.interchange._vcard_write import phone_region

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import TextIO

    from contactlib._model import Contact
    from contactlib._values import PhoneNumber


class ExportLayout(enum.StrEnum):
    """Column layout of an exported spreadsheet.

    .. versionadded:: 0.1.0
    """

    ERPNEXT = "erpnext"
    """ERPNext Data Import layout of the Contact doctype, with the
    Email IDs, Contact Numbers and Links child tables."""
    GOOGLE = "google"
    """Google Contacts CSV."""
    OUTLOOK = "outlook"
    """Outlook CSV."""


@attrs.define
class ExportReport:
    """Summary of an export: the count and the values left out.

    Attributes:
        contacts: Number of contacts written.
        omitted: ``(contact_id, value, reason)`` for each value that the
            layout has no column for and that was left out.

    .. versionadded:: 0.1.0
    """

    contacts: int = 0
    omitted: list[tuple[str, str, str]] = attrs.Factory(list)


# Characters that make a spreadsheet program read a cell as a formula
# (OWASP "CSV injection"); tab and CR start formulas in some programs.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Phone numbers such as "+49 30 901820" start with "+" but hold no
# letters, so no spreadsheet function can run from them.
_NUMBER_LIKE = re.compile(r"[+\-]?[0-9 ().\-/]+((x|ext\.?) ?[0-9]+)?")


def escape_formula(cell: str) -> str:
    """Return *cell* so that a spreadsheet program shows it as text.

    A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
    carriage return gets a leading apostrophe, unless it is a number
    such as ``+49 30 901820``, which contains nothing a program could run.

    .. versionadded:: 0.1.0
    """
    if cell.startswith(_FORMULA_START) and not _NUMBER_LIKE.fullmatch(cell):
        return "'" + cell
    return cell


def _flag(value: bool) -> str:
    return "1" if value else "0"


def _portable_number(phone: PhoneNumber) -> str:
    """Return text that parses to *phone*'s E.164 form in any region."""
    if phone.e164 is None or phone_region(phone) is None:
        return phone.raw
    number = phonenumbers.parse(phone.e164)
    text = phonenumbers.format_number(
        number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return f"{text} ext. {phone.extension}" if phone.extension else text


_ERPNEXT_PARENT = (
    ("ID", "contact_id"),
    ("First Name", "first_name"),
    ("Middle Name", "middle_name"),
    ("Last Name", "last_name"),
    ("Salutation", "salutation"),
    ("Gender", "gender"),
    ("Status", "status"),
    ("Designation", "designation"),
    ("Department", "department"),
    ("Company Name", "company_name"),
    ("User Id", "user_id"),
    ("Unsubscribed", "unsubscribed"),
    ("Is Primary Contact", "is_primary_contact"),
)
_ERPNEXT_CHILD = (
    "Email ID (Email IDs)",
    "Is Primary (Email IDs)",
    "Number (Contact Numbers)",
    "Is Primary Phone (Contact Numbers)",
    "Is Primary Mobile (Contact Numbers)",
    "Link Document Type (Links)",
    "Link Name (Links)",
    "Link Title (Links)",
)


def _erpnext_rows(
    contact: Contact, report: ExportReport
) -> Iterator[list[str]]:
    primaries = {link.is_primary for link in contact.links}
    if len(primaries) > 1:
        report.omitted.append(
            (
                contact.contact_id,
                "is_primary",
                (
                    "ERPNext marks a contact primary for all its links at "
                    "once, so the mark is written as 1 for every link"
                ),
            )
        )
    for entry in contact.links:
        if entry.roles:
            report.omitted.append(
                (
                    contact.contact_id,
                    ", ".join(sorted(entry.roles)),
                    (
                        "ERPNext has no column for the roles of the link "
                        f"to {entry.party}"
                    ),
                )
            )
    parent = {
        "contact_id": contact.contact_id,
        "first_name": contact.first_name,
        "middle_name": contact.middle_name,
        "last_name": contact.last_name,
        "salutation": contact.salutation,
        "gender": contact.gender,
        "status": contact.status.value,
        "designation": contact.designation,
        "department": contact.department,
        "company_name": contact.company_name,
        "user_id": contact.user_id or "",
        "unsubscribed": _flag(contact.unsubscribed),
        "is_primary_contact": _flag(any(primaries)),
    }
    count = max(len(contact.emails), len(contact.phones), len(contact.links))
    for index in range(max(count, 1)):
        row = [parent[field] for _, field in _ERPNEXT_PARENT]
        if index > 0:
            row = [""] * len(row)
        email = contact.emails[index] if index < len(contact.emails) else None
        phone = contact.phones[index] if index < len(contact.phones) else None
        link = contact.links[index] if index < len(contact.links) else None
        row += [email.address, _flag(email.is_primary)] if email else ["", ""]
        row += (
            [
                _portable_number(phone),
                _flag(phone.is_primary_phone),
                _flag(phone.is_primary_mobile),
            ]
            if phone
            else ["", "", ""]
        )
        row += (
            [link.party_type, link.party_name, link.title]
            if link
            else ["", "", ""]
        )
        yield row


def _erpnext(
    contacts: Iterable[Contact], report: ExportReport
) -> Iterator[list[str]]:
    yield [label for label, _ in _ERPNEXT_PARENT] + list(_ERPNEXT_CHILD)
    for contact in contacts:
        yield from _erpnext_rows(contact, report)
        report.contacts += 1


def _google(
    contacts: Iterable[Contact], report: ExportReport
) -> Iterator[list[str]]:
    items = list(contacts)
    email_slots = max((len(c.emails) for c in items), default=1) or 1
    phone_slots = max((len(c.phones) for c in items), default=1) or 1
    header = [
        "First Name",
        "Middle Name",
        "Last Name",
        "Name Prefix",
        "Organization Name",
        "Organization Title",
        "Organization Department",
    ]
    for number in range(1, email_slots + 1):
        header += [f"E-mail {number} - Label", f"E-mail {number} - Value"]
    for number in range(1, phone_slots + 1):
        header += [f"Phone {number} - Label", f"Phone {number} - Value"]
    yield header
    for contact in items:
        row = [
            contact.first_name,
            contact.middle_name,
            contact.last_name,
            contact.salutation,
            contact.company_name,
            contact.designation,
            contact.department,
        ]
        for index in range(email_slots):
            if index < len(contact.emails):
                email = contact.emails[index]
                label = "* Other" if email.is_primary else "Other"
                row += [label, email.address]
            else:
                row += ["", ""]
        for index in range(phone_slots):
            if index < len(contact.phones):
                phone = contact.phones[index]
                label = "Mobile" if phone.is_mobile else "Work"
                primary = phone.is_primary_mobile or (
                    phone.is_primary_phone and not phone.is_mobile
                )
                row += [f"* {label}" if primary else label, phone.raw]
            else:
                row += ["", ""]
        report.contacts += 1
        yield row


_OUTLOOK_EMAILS = ("E-mail Address", "E-mail 2 Address", "E-mail 3 Address")
_OUTLOOK_LANDLINES = (
    "Primary Phone",
    "Business Phone",
    "Business Phone 2",
    "Home Phone",
    "Home Phone 2",
    "Other Phone",
)
_OUTLOOK_MOBILES = ("Mobile Phone",)


def _outlook_phones(contact: Contact, report: ExportReport) -> dict[str, str]:
    """Fill Outlook's phone columns, primary numbers first."""
    mobiles = sorted(
        (p for p in contact.phones if p.is_mobile),
        key=lambda p: not p.is_primary_mobile,
    )
    landlines = sorted(
        (p for p in contact.phones if not p.is_mobile),
        key=lambda p: not p.is_primary_phone,
    )
    cells: dict[str, str] = {}
    if mobiles:
        cells[_OUTLOOK_MOBILES[0]] = mobiles.pop(0).raw
    free = list(_OUTLOOK_LANDLINES)
    for phone in landlines + mobiles:
        if free:
            cells[free.pop(0)] = phone.raw
        else:
            report.omitted.append(
                (
                    contact.contact_id,
                    phone.raw,
                    "Outlook has no free phone column left for this number",
                )
            )
    return cells


def _outlook(
    contacts: Iterable[Contact], report: ExportReport
) -> Iterator[list[str]]:
    header = [
        "Title",
        "First Name",
        "Middle Name",
        "Last Name",
        "Company",
        "Department",
        "Job Title",
        *_OUTLOOK_EMAILS,
        *_OUTLOOK_MOBILES,
        *_OUTLOOK_LANDLINES,
    ]
    yield header
    for contact in contacts:
        cells = {
            "Title": contact.salutation,
            "First Name": contact.first_name,
            "Middle Name": contact.middle_name,
            "Last Name": contact.last_name,
            "Company": contact.company_name,
            "Department": contact.department,
            "Job Title": contact.designation,
        }
        emails = sorted(contact.emails, key=lambda e: not e.is_primary)
        for column, email in zip(_OUTLOOK_EMAILS, emails, strict=False):
            cells[column] = email.address
        for email in emails[len(_OUTLOOK_EMAILS) :]:
            report.omitted.append(
                (
                    contact.contact_id,
                    email.address,
                    "Outlook has only three e-mail columns",
                )
            )
        cells.update(_outlook_phones(contact, report))
        report.contacts += 1
        yield [cells.get(column, "") for column in header]


_LAYOUTS = {
    ExportLayout.ERPNEXT: _erpnext,
    ExportLayout.GOOGLE: _google,
    ExportLayout.OUTLOOK: _outlook,
}


def export_rows(
    contacts: Iterable[Contact],
    report: ExportReport,
    *,
    layout: ExportLayout | str = ExportLayout.ERPNEXT,
    escape_formulas: bool = True,
) -> Iterator[list[str]]:
    """Yield the header and then the rows of a spreadsheet of contacts.

    Args:
        contacts: The contacts, written in this order.
        report: Filled with the count and the omitted values as the
            rows are made.
        layout: An `ExportLayout` value.
        escape_formulas: Pass every cell through `escape_formula`.

    Raises:
        InvalidValueError: *layout* is not an `ExportLayout` value.

    .. versionadded:: 0.1.0
    """
    try:
        chosen = ExportLayout(layout)
    except ValueError:
        allowed = ", ".join(item.value for item in ExportLayout)
        raise InvalidValueError(
            "layout",
            layout,
            f"unknown export layout {layout!r}; use {allowed}",
        ) from None
    for row in _LAYOUTS[chosen](contacts, report):
        yield (
            [escape_formula(cell) for cell in row] if escape_formulas else row
        )


def write_csv(
    contacts: Iterable[Contact],
    stream: TextIO,
    *,
    layout: ExportLayout | str = ExportLayout.ERPNEXT,
    escape_formulas: bool = True,
) -> ExportReport:
    """Write contacts as CSV in the layout that another program imports.

    The ERPNext layout writes one line per child-table row, as ERPNext's
    Data Import expects: the first line of a contact contains its fields
    and its first e-mail, number and link, further lines only the next
    ones.  National numbers whose raw text needs a region are written in
    international form, so they keep their E.164 form when read back.
    Open files with ``newline=""``, as the csv module asks.

    Args:
        contacts: The contacts, written in this order.
        stream: Where to write.
        layout: An `ExportLayout` value.
        escape_formulas: Prefix cells that a spreadsheet program would
            run as a formula with an apostrophe; see `escape_formula`.

    Returns:
        The number of contacts written and the values left out.

    Raises:
        InvalidValueError: *layout* is not an `ExportLayout` value.

    .. versionadded:: 0.1.0
    """
    report = ExportReport()
    writer = csv.writer(stream)
    writer.writerows(
        export_rows(
            contacts, report, layout=layout, escape_formulas=escape_formulas
        )
    )
    return report
