"""The legacy Frappe "Data Import Template" layout.

Frappe and ERPNext wrote this template before their current importer: a
block of notes, then rows whose first cell names their role
("DocType:", "Column Labels:", "Column Name:" and others), a row
"Start entering data below this line", and the data.  The first column
of every data row is blank.  Child tables follow the parent's columns,
each introduced by a ``~`` cell in the "DocType:" row that is followed
by the child doctype and the parent's field name for the table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from contactlib.interchange._layouts import (
    ERPNEXT_CHILD_FIELDS,
    ERPNEXT_TABLES,
    UNMODELLED,
    Column,
    Spec,
    erpnext_parent_spec,
    header_key,
    mapping_spec,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

TEMPLATE_MARKERS = frozenset({"Data Import Template", "Table:", "DocType:"})
"""First cells that start the metadata block of a template."""

DATA_MARKER = "Start entering data below this line"
"""First cell of the row after which the data begins."""

_TABLE_SEPARATOR = "~"

_OTHER_DOCTYPE = {
    header_key(fieldname): spec
    for fieldname, spec in (
        ("email", Spec("email")),
        ("email_id", Spec("email")),
        ("first_name", Spec("first_name")),
        ("middle_name", Spec("middle_name")),
        ("last_name", Spec("last_name")),
        ("gender", Spec("gender")),
        ("phone", Spec("phone")),
        ("mobile_no", Spec("mobile", is_mobile=True)),
        ("company_name", Spec("company_name")),
        ("designation", Spec("designation")),
        ("department", Spec("department")),
    )
}
"""Fields read from the main table of a doctype other than Contact.

Templates of User, Lead and similar doctypes name a person with these
field names; their record id is not a contact id, so it is not read.
"""


class TemplateError(ValueError):
    """The metadata block of a template is incomplete."""


def read_template_header(
    records: Iterator[tuple[int, list[str]]],
    mapping: dict[str, str],
) -> list[Column]:
    """Read the metadata rows up to the data marker; return the columns.

    Args:
        records: ``(line, cells)`` of the file after the first metadata
            row.
        mapping: User mapping from column label or field name to field.

    Raises:
        TemplateError: The marker row or the "Column Name:" row is
            missing.
    """
    rows: dict[str, list[str]] = {}
    for _line, cells in records:
        first = cells[0].strip() if cells else ""
        if first == DATA_MARKER:
            break
        if first.endswith(":"):
            rows.setdefault(first, cells)
    else:
        raise TemplateError(
            f"the template has no row {DATA_MARKER!r}; add it above the "
            "first data row"
        )
    names = rows.get("Column Name:")
    if names is None:
        raise TemplateError(
            "the template has no 'Column Name:' row, so its columns are "
            "unknown; download the template again"
        )
    labels = rows.get("Column Labels:", [])
    sections = _sections(rows.get("DocType:", []), len(names))
    return _columns(names, labels, sections, mapping)


def _sections(doctype_row: Sequence[str], width: int) -> list[tuple[str, str]]:
    """Return ``(doctype, table field)`` for each column; main table ``""``."""
    doctype = doctype_row[1].strip() if len(doctype_row) > 1 else ""
    current = (doctype, "")
    sections = []
    for index in range(width):
        cell = doctype_row[index].strip() if index < len(doctype_row) else ""
        if cell == _TABLE_SEPARATOR:
            child = _cell(doctype_row, index + 1)
            field = _cell(doctype_row, index + 2) or child
            current = (child, field or f"table {index + 1}")
        sections.append(current)
    return sections


def _cell(cells: Sequence[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""


def _columns(
    names: Sequence[str],
    labels: Sequence[str],
    sections: Sequence[tuple[str, str]],
    mapping: dict[str, str],
) -> list[Column]:
    main_doctype = sections[0][0] if sections else ""
    columns = []
    seen: set[str] = set()
    for index, (_doctype, table) in enumerate(sections):
        fieldname = _cell(names, index)
        if fieldname == _TABLE_SEPARATOR:
            fieldname = ""
        label = _cell(labels, index) or fieldname
        name = label or f"column {index + 1}"
        if name in seen:
            name = f"{name} (column {index + 1})"
        seen.add(name)
        if index == 0 or not fieldname:
            spec = Spec(UNMODELLED, slot=table)
        elif label in mapping or fieldname in mapping:
            spec = mapping_spec(mapping.get(label) or mapping[fieldname])
        elif table:
            spec = _child_spec(main_doctype, table, fieldname)
        elif main_doctype == "Contact":
            spec = erpnext_parent_spec(fieldname) or Spec(UNMODELLED)
        else:
            spec = _OTHER_DOCTYPE.get(header_key(fieldname), Spec(UNMODELLED))
        columns.append(Column(index, name, spec))
    return columns


def _child_spec(main_doctype: str, table: str, fieldname: str) -> Spec:
    known = ERPNEXT_TABLES.get(header_key(table))
    if main_doctype != "Contact" or known is None:
        return Spec(UNMODELLED, slot=table)
    spec = ERPNEXT_CHILD_FIELDS[known].get(header_key(fieldname))
    return spec or Spec(UNMODELLED, slot=known)
