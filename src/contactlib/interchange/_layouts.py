"""Spreadsheet layouts: which header names mean which contact field.

A layout turns each header cell into a `Column`: the field it fills,
and for values that come in groups (Google's "E-mail 1 - Type" and
"E-mail 1 - Value", or one row of an ERPNext child table) the slot that
ties them together.  Header names are compared by their letters and
digits only, case-folded, so "E-mail Address" and "email address" are
the same key.
"""

from __future__ import annotations

import enum
import re
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence


class Layout(enum.StrEnum):
    """Layout of a contact spreadsheet.

    .. versionadded:: 0.1.0
    """

    ERPNEXT = "erpnext"
    """ERPNext/Frappe "Data Import" export of the Contact doctype."""
    ERPNEXT_TEMPLATE = "erpnext_template"
    """Legacy Frappe "Data Import Template" with its metadata rows."""
    GOOGLE = "google"
    """Google Contacts CSV export, legacy and current headers."""
    OUTLOOK = "outlook"
    """Outlook CSV export."""
    THUNDERBIRD = "thunderbird"
    """Thunderbird address book CSV export."""
    GENERIC = "generic"
    """Any header, read through a table of common column names."""


MAPPING_FIELDS = (
    "company_name",
    "contact_id",
    "customer",
    "department",
    "designation",
    "email",
    "first_name",
    "full_name",
    "gender",
    "ignore",
    "is_billing_contact",
    "is_primary_contact",
    "last_name",
    "middle_name",
    "mobile",
    "party_name",
    "party_title",
    "party_type",
    "phone",
    "roles",
    "salutation",
    "status",
    "supplier",
    "unsubscribed",
    "user_id",
)
"""Fields that a user mapping may send a column to."""

PLAIN_FIELDS = frozenset(
    {
        "company_name",
        "contact_id",
        "department",
        "designation",
        "first_name",
        "gender",
        "last_name",
        "middle_name",
        "salutation",
        "status",
        "unsubscribed",
        "user_id",
    }
)
"""Targets that are plain text fields of `Contact`."""

UNMODELLED = "unmodelled"


@attrs.frozen
class Spec:
    """What one header cell means, before it has a position.

    Attributes:
        target: A name from `MAPPING_FIELDS`, ``"unmodelled"``, or a
            helper target that qualifies a value in the same slot
            (``email_type``, ``phone_type``, ``email_primary``,
            ``phone_primary``, ``mobile_primary``).
        slot: Ties the cells of one e-mail, phone or link together, or
            names the child table of an ERPNext column.
        is_mobile: Whether a phone column contains mobile numbers, ``None``
            to classify each number by its number plan.
        primary: Whether the column contains the primary e-mail, phone or
            mobile.
        party_type: Party type for party names read from this column.
    """

    target: str
    slot: str = ""
    is_mobile: bool | None = None
    primary: bool = False
    party_type: str = ""


@attrs.frozen
class Column:
    """One header cell with its position and meaning.

    Attributes:
        index: Position in the row, counting from 0.
        name: Name shown in reports; a repeated header name gets its
            column number appended.
        spec: What the cell means.
    """

    index: int
    name: str
    spec: Spec


def header_key(text: str) -> str:
    """Return the letters and digits of *text*, case-folded."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _specs(target: str, *names: str, **options: object) -> dict[str, Spec]:
    spec = Spec(target, **options)  # type: ignore[arg-type]
    return {header_key(name): spec for name in names}


_NAME_SPECS = {
    **_specs("first_name", "First Name", "Given Name", "Forename"),
    **_specs("middle_name", "Middle Name", "Additional Name"),
    **_specs("last_name", "Last Name", "Family Name", "Surname"),
    **_specs("full_name", "Name", "Display Name", "Full Name", "Contact Name"),
    **_specs("salutation", "Salutation", "Name Prefix", "Prefix"),
    **_specs("gender", "Gender", "Sex"),
}
_ORGANISATION_SPECS = {
    **_specs(
        "company_name",
        "Company",
        "Company Name",
        "Organization",
        "Organisation",
        "Organization Name",
        "Organization 1 - Name",
    ),
    **_specs(
        "designation",
        "Job Title",
        "Designation",
        "Position",
        "Organization Title",
        "Organization 1 - Title",
    ),
    **_specs(
        "department",
        "Department",
        "Organization Department",
        "Organization 1 - Department",
    ),
}
_EMAIL_SPECS = _specs(
    "email",
    "Email",
    "E-mail",
    "Mail",
    "Email Address",
    "Email ID",
    "EmailID",
    "E-mail Address",
    "E-mail 2 Address",
    "E-mail 3 Address",
    "Email 1",
    "Email 2",
    "Email 3",
    "Email Home",
    "Email Work",
    "Email Other",
    "Home Email",
    "Work Email",
    "Other Email",
    "Personal Email",
    "Business Email",
    "Primary Email",
    "Secondary Email",
)
_PHONE_SPECS = _specs(
    "phone",
    "Phone",
    "Phone Number",
    "Telephone",
    "Tel",
    "Landline",
    "Primary Phone",
    "Home Phone",
    "Home Phone 2",
    "Business Phone",
    "Business Phone 2",
    "Work Phone",
    "Office Phone",
    "Direct Phone",
    "Company Main Phone",
    "Main Phone",
    "Other Phone",
    "Car Phone",
    "Callback",
    "Radio Phone",
    "ISDN",
    "TTY/TDD Phone",
    "Phone Video",
    "Assistant's Phone",
)
_MOBILE_SPECS = _specs(
    "mobile",
    "Mobile",
    "Mobile Phone",
    "Mobile Number",
    "Mobile No",
    "MobilePhone",
    "Home Mobile",
    "Work Mobile",
    "Cell",
    "Cell Phone",
    is_mobile=True,
)
_PARTY_SPECS = {
    **_specs("customer", "Customer", "Customer Name", party_type="Customer"),
    **_specs(
        "supplier",
        "Supplier",
        "Supplier Name",
        "Vendor Name",
        party_type="Supplier",
    ),
    **_specs("party_type", "Party Type", "Link Type", "Contact Type"),
    **_specs("party_name", "Party Name", "Party", "Link Name"),
    **_specs("party_title", "Party Title", "Link Title"),
    **_specs("is_primary_contact", "Is Primary Contact", "Primary Contact"),
    **_specs("is_billing_contact", "Is Billing Contact", "Billing Contact"),
    **_specs("roles", "Roles", "Contact Roles"),
}

_GENERIC = {
    **_NAME_SPECS,
    **_ORGANISATION_SPECS,
    **_EMAIL_SPECS,
    **_PHONE_SPECS,
    **_MOBILE_SPECS,
    **_PARTY_SPECS,
    **_specs("contact_id", "Contact ID"),
    **_specs("unsubscribed", "Unsubscribed", "Email Opt Out"),
}

_OUTLOOK = {
    **_NAME_SPECS,
    **_ORGANISATION_SPECS,
    **_EMAIL_SPECS,
    **_PHONE_SPECS,
    **_MOBILE_SPECS,
    **_specs("salutation", "Title"),
}

_THUNDERBIRD = {
    **_NAME_SPECS,
    **_ORGANISATION_SPECS,
    **_EMAIL_SPECS,
    **_PHONE_SPECS,
    **_MOBILE_SPECS,
}

_GOOGLE = {
    **_NAME_SPECS,
    **_ORGANISATION_SPECS,
}
_GOOGLE_ITEM = re.compile(
    r"(?P<kind>e-?mail|phone) (?P<number>\d+) - (?P<part>type|label|value)",
    re.IGNORECASE,
)

_ERPNEXT = {
    **_specs("contact_id", "ID", "name"),
    **_specs("first_name", "First Name", "first_name"),
    **_specs("middle_name", "Middle Name", "middle_name"),
    **_specs("last_name", "Last Name", "last_name"),
    **_specs("full_name", "Full Name", "full_name"),
    **_specs("email", "Email Address", "email_id", primary=True),
    **_specs("user_id", "User Id", "user"),
    **_specs("status", "Status", "status"),
    **_specs("salutation", "Salutation", "salutation"),
    **_specs("designation", "Designation", "designation"),
    **_specs("gender", "Gender", "gender"),
    **_specs("phone", "Phone", "phone", primary=True),
    **_specs("mobile", "Mobile No", "mobile_no", is_mobile=True, primary=True),
    **_specs("company_name", "Company Name", "company_name"),
    **_specs("department", "Department", "department"),
    **_specs("unsubscribed", "Unsubscribed", "unsubscribed"),
    **_specs("is_primary_contact", "Is Primary Contact", "is_primary_contact"),
    **_specs("is_billing_contact", "Is Billing Contact", "is_billing_contact"),
}
ERPNEXT_TABLES = {
    "emailids": "email_ids",
    "contactnumbers": "phone_nos",
    "phonenos": "phone_nos",
    "links": "links",
}
"""Child tables of Contact by the key of their label or field name."""

ERPNEXT_CHILD_FIELDS = {
    "email_ids": {
        **_specs("email", "Email ID", "email_id", slot="email_ids"),
        **_specs(
            "email_primary", "Is Primary", "is_primary", slot="email_ids"
        ),
    },
    "phone_nos": {
        **_specs("phone", "Number", "phone", slot="phone_nos"),
        **_specs(
            "phone_primary",
            "Is Primary Phone",
            "is_primary_phone",
            slot="phone_nos",
        ),
        **_specs(
            "mobile_primary",
            "Is Primary Mobile",
            "is_primary_mobile_no",
            slot="phone_nos",
        ),
    },
    "links": {
        **_specs(
            "party_type",
            "Link Document Type",
            "Link DocType",
            "link_doctype",
            slot="links",
        ),
        **_specs("party_name", "Link Name", "link_name", slot="links"),
        **_specs("party_title", "Link Title", "link_title", slot="links"),
    },
}
"""Fields of the Contact Email, Contact Phone and Dynamic Link tables."""

_ERPNEXT_CHILD = re.compile(r"(?P<field>.+?) \((?P<table>[^()]+)\)")
_ERPNEXT_DOTTED = re.compile(r"(?P<table>\w+)\.(?P<field>\w+)")


def erpnext_parent_spec(text: str) -> Spec | None:
    """Return the meaning of a Contact field by its label or field name."""
    return _ERPNEXT.get(header_key(text))


def _generic_spec(cell: str, keys: frozenset[str]) -> Spec | None:
    key = header_key(cell)
    if key == "title":
        # Outlook-style files use "Title" for the salutation and have a
        # separate "Job Title"; elsewhere "Title" is the job title.
        target = "salutation" if "jobtitle" in keys else "designation"
        return Spec(target)
    return _GENERIC.get(key)


def _google_spec(cell: str, _keys: frozenset[str]) -> Spec | None:
    match = _GOOGLE_ITEM.fullmatch(cell.strip())
    if match is None:
        return _GOOGLE.get(header_key(cell))
    kind = "email" if match["kind"].lower() != "phone" else "phone"
    slot = f"{kind} {match['number']}"
    if match["part"].lower() == "value":
        return Spec(kind, slot=slot)
    return Spec(f"{kind}_type", slot=slot)


def _erpnext_spec(cell: str, _keys: frozenset[str]) -> Spec | None:
    text = cell.strip()
    match = _ERPNEXT_CHILD.fullmatch(text) or _ERPNEXT_DOTTED.fullmatch(text)
    if match is not None:
        table = ERPNEXT_TABLES.get(header_key(match["table"]))
        if table is None:
            return None
        fields = ERPNEXT_CHILD_FIELDS[table]
        spec = fields.get(header_key(match["field"]))
        return spec or Spec(UNMODELLED, slot=table)
    return erpnext_parent_spec(text)


def _table_spec(
    table: dict[str, Spec],
) -> Callable[[str, frozenset[str]], Spec | None]:
    def classify(cell: str, _keys: frozenset[str]) -> Spec | None:
        return table.get(header_key(cell))

    return classify


_CLASSIFIERS: dict[Layout, Callable[[str, frozenset[str]], Spec | None]] = {
    Layout.ERPNEXT: _erpnext_spec,
    Layout.GOOGLE: _google_spec,
    Layout.OUTLOOK: _table_spec(_OUTLOOK),
    Layout.THUNDERBIRD: _table_spec(_THUNDERBIRD),
    Layout.GENERIC: _generic_spec,
}

_OUTLOOK_MARKERS = frozenset(
    {"e-mail address", "e-mail 2 address", "e-mail display name"}
)
_THUNDERBIRD_MARKERS = frozenset({"primary email", "secondary email"})
_ERPNEXT_MARKERS = (
    frozenset({"mobileno"}),
    frozenset({"id", "isprimarycontact"}),
    frozenset({"id", "emailaddress", "firstname"}),
)


def classify(
    layout: Layout, header: Sequence[str], mapping: dict[str, str]
) -> list[Column]:
    """Give every cell of *header* its meaning under *layout*.

    Cells named in *mapping* get the mapped field; cells that the layout
    does not know become ``unmodelled``.
    """
    keys = frozenset(header_key(cell) for cell in header)
    classifier = _CLASSIFIERS[layout]
    columns = []
    seen: set[str] = set()
    for index, cell in enumerate(header):
        name = cell.strip() or f"column {index + 1}"
        if name in seen:
            name = f"{name} (column {index + 1})"
        seen.add(name)
        if cell in mapping:
            spec = mapping_spec(mapping[cell])
        else:
            spec = classifier(cell, keys) or Spec(UNMODELLED)
        columns.append(Column(index, name, spec))
    return columns


LINK_PREFIX = "link:"
"""Prefix of a mapping target naming a party type, as in ``link:Lead``."""


def mapping_spec(field: str) -> Spec:
    """Return the meaning of a column that a user mapping sends to *field*.

    Besides the names in `MAPPING_FIELDS`, *field* may be ``link:TYPE``:
    the column then contains names of parties of type ``TYPE``.
    """
    if field.startswith(LINK_PREFIX):
        return Spec("party_name", party_type=field[len(LINK_PREFIX) :].strip())
    if field == "mobile":
        return Spec("mobile", is_mobile=True)
    if field == "customer":
        return Spec("customer", party_type="Customer")
    if field == "supplier":
        return Spec("supplier", party_type="Supplier")
    return Spec(field)


def detect_layout(header: Sequence[str]) -> Layout:
    """Guess the layout of a file from its header row."""
    texts = {cell.strip().casefold() for cell in header}
    keys = {header_key(cell) for cell in header}
    if any(_erpnext_child(cell) for cell in header) or any(
        marker <= keys for marker in _ERPNEXT_MARKERS
    ):
        return Layout.ERPNEXT
    if any(_GOOGLE_ITEM.fullmatch(cell.strip()) for cell in header):
        return Layout.GOOGLE
    if texts & _OUTLOOK_MARKERS:
        return Layout.OUTLOOK
    if texts & _THUNDERBIRD_MARKERS:
        return Layout.THUNDERBIRD
    return Layout.GENERIC


def _erpnext_child(cell: str) -> bool:
    match = _ERPNEXT_CHILD.fullmatch(cell.strip())
    return match is not None and header_key(match["table"]) in ERPNEXT_TABLES


def recognised(columns: Sequence[Column]) -> int:
    """Count the columns whose meaning is known."""
    return sum(1 for column in columns if column.spec.target != UNMODELLED)
