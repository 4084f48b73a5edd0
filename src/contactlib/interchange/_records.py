"""Assembly of `SourceRecord` objects from the cells of CSV lines.

One record comes from one line, except in the ERPNext layouts, where
the lines after a contact's first line that leave every parent column
empty add further rows of its e-mail, phone and link tables.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import attrs

from contactlib._import_report import (
    RowProblem,
    SourceEmail,
    SourceLink,
    SourcePhone,
    SourceRecord,
)
from contactlib.interchange._layouts import PLAIN_FIELDS, UNMODELLED

if TYPE_CHECKING:
    from collections.abc import Sequence

    from contactlib.interchange._layouts import Column

_GOOGLE_SEPARATOR = " ::: "
_PRIMARY_MARK = "* "
_NOT_VOICE = ("fax", "pager")
_TRUE_TEXTS = frozenset({"1", "true", "yes", "y", "x"})
_FALSE_TEXTS = frozenset({"0", "false", "no", "n"})
_PARTY_TYPES = {
    "customer": "Customer",
    "supplier": "Supplier",
    "vendor": "Supplier",
}
_MAX_SHOWN = 40


def parse_flag(text: str) -> bool | None:
    """Read a yes/no cell; ``None`` when it is neither."""
    folded = text.strip().casefold()
    if folded in _TRUE_TEXTS:
        return True
    if folded in _FALSE_TEXTS:
        return False
    return None


def _party_type(text: str) -> str:
    return _PARTY_TYPES.get(text.strip().casefold(), text.strip())


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(_GOOGLE_SEPARATOR)]


@attrs.define
class Draft:
    """A record being assembled from one or more lines."""

    row: int
    fields: dict[str, str] = attrs.Factory(dict)
    columns: dict[str, str] = attrs.Factory(dict)
    emails: list[tuple[SourceEmail, bool]] = attrs.Factory(list)
    phones: list[tuple[SourcePhone, bool]] = attrs.Factory(list)
    links: list[SourceLink] = attrs.Factory(list)
    unmodelled: list[tuple[str, str]] = attrs.Factory(list)
    problems: list[RowProblem] = attrs.Factory(list)
    full_name: tuple[str, str] | None = None
    party_type: tuple[str, str] | None = None
    party_name: tuple[Column, str] | None = None
    party_title: tuple[str, str] | None = None
    primary_contact: tuple[str, str, bool] | None = None
    roles: frozenset[str] = frozenset()
    parent_primary: bool = False


class RecordBuilder:
    """Turns the cells of lines into records for one header."""

    def __init__(self, columns: Sequence[Column]) -> None:
        """Prepare for lines laid out as *columns*."""
        self.width = len(columns)
        self._parent = [c for c in columns if not c.spec.slot]
        self._readers = [
            (c.index, c.spec.target in PLAIN_FIELDS, c) for c in self._parent
        ]
        slots: defaultdict[str, list[Column]] = defaultdict(list)
        for column in columns:
            if column.spec.slot:
                slots[column.spec.slot].append(column)
        self._slots = list(slots.values())

    def is_continuation(self, cells: Sequence[str]) -> bool:
        """Return whether a line leaves every parent column empty."""
        return not any(_cell(cells, c.index) for c in self._parent)

    def start(self, line: int, cells: Sequence[str]) -> Draft:
        """Begin a record at *line*."""
        draft = Draft(line)
        count = len(cells)
        fields = draft.fields
        for index, plain, column in self._readers:
            value = cells[index].strip() if index < count else ""
            if not value:
                continue
            if not plain:
                self._parent_value(draft, column, value)
            elif column.spec.target in fields:
                draft.unmodelled.append((column.name, value))
            else:
                fields[column.spec.target] = value
                draft.columns[column.spec.target] = column.name
        self.add(draft, line, cells)
        return draft

    def add(self, draft: Draft, line: int, cells: Sequence[str]) -> None:
        """Add the child-table cells of *line* to *draft*."""
        for columns in self._slots:
            self._slot_values(draft, columns, cells)
        if len(cells) <= self.width:
            return
        extra = [cell for cell in cells[self.width :] if cell.strip()]
        if extra:
            shown = extra[0].strip()[:_MAX_SHOWN]
            draft.problems.append(
                RowProblem(
                    "",
                    shown,
                    f"line {line} has {len(cells)} cells but the header "
                    f"has {self.width}; check the delimiter and the "
                    "quotes on that line",
                )
            )

    def _parent_value(self, draft: Draft, column: Column, value: str) -> None:
        spec = column.spec
        target = spec.target
        if target == "full_name" and draft.full_name is None:
            draft.full_name = (column.name, value)
        elif target == "email":
            draft.parent_primary = draft.parent_primary or spec.primary
            draft.emails.extend(
                (SourceEmail(part, column.name, spec.primary), spec.primary)
                for part in _split(value)
                if part
            )
        elif target in {"phone", "mobile"}:
            phone = SourcePhone(
                value,
                column.name,
                is_mobile=spec.is_mobile,
                is_primary_phone=spec.primary and target == "phone",
                is_primary_mobile=spec.primary and target == "mobile",
            )
            draft.phones.append((phone, spec.primary))
            draft.parent_primary = draft.parent_primary or spec.primary
        elif target in {"customer", "supplier", "party_name"} and (
            draft.party_name is None
        ):
            draft.party_name = (column, value)
        elif target == "party_type" and draft.party_type is None:
            draft.party_type = (column.name, value)
        elif target == "party_title" and draft.party_title is None:
            draft.party_title = (column.name, value)
        elif target in {"is_primary_contact", "is_billing_contact"}:
            self._contact_flag(draft, column, value)
        elif target == "roles":
            draft.roles |= set(value.replace(";", ",").split(","))
        elif target != "ignore":
            draft.unmodelled.append((column.name, value))

    @staticmethod
    def _contact_flag(draft: Draft, column: Column, value: str) -> None:
        """Read "Is Primary Contact" or "Is Billing Contact".

        ERPNext's billing check box becomes the ``billing`` role.
        """
        flag = parse_flag(value)
        if flag is None:
            draft.problems.append(
                RowProblem(
                    column.name,
                    value,
                    f"{value!r} is not a yes/no value; use 1 or 0",
                )
            )
        elif column.spec.target == "is_billing_contact":
            if flag:
                draft.roles |= {"billing"}
        else:
            draft.primary_contact = (column.name, value, flag)

    def _slot_values(
        self, draft: Draft, columns: list[Column], cells: Sequence[str]
    ) -> None:
        values: dict[str, tuple[Column, str]] = {}
        for column in columns:
            value = _cell(cells, column.index)
            if not value:
                continue
            if column.spec.target == UNMODELLED:
                draft.unmodelled.append((column.name, value))
            else:
                values[column.spec.target] = (column, value)
        if "email" in values:
            _slot_emails(draft, values)
        if "phone" in values:
            _slot_phone(draft, values)
        if "party_name" in values:
            _slot_link(draft, values)
        elif "party_type" in values or "party_title" in values:
            for target in ("party_type", "party_title"):
                if target in values:
                    column, value = values[target]
                    draft.unmodelled.append((column.name, value))

    def finish(self, draft: Draft) -> SourceRecord:
        """Return the record that *draft* describes."""
        _settle_names(draft)
        _settle_party(draft)
        return SourceRecord(
            draft.row,
            fields=draft.fields,
            columns=draft.columns,
            emails=(
                _settle_emails(draft.emails)
                if draft.parent_primary
                else tuple(email for email, _ in draft.emails)
            ),
            phones=(
                _settle_phones(draft.phones)
                if draft.parent_primary
                else tuple(phone for phone, _ in draft.phones)
            ),
            links=tuple(draft.links),
            unmodelled=tuple(draft.unmodelled),
            problems=tuple(draft.problems),
        )


def _cell(cells: Sequence[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""


def _flag(values: dict[str, tuple[Column, str]], target: str) -> bool:
    if target not in values:
        return False
    return bool(parse_flag(values[target][1]))


def _slot_emails(draft: Draft, values: dict[str, tuple[Column, str]]) -> None:
    column, value = values["email"]
    kind = values.get("email_type", (column, ""))[1]
    primary = kind.startswith(_PRIMARY_MARK) or _flag(values, "email_primary")
    for position, part in enumerate(_split(value)):
        if part:
            email = SourceEmail(part, column.name, primary and position == 0)
            draft.emails.append((email, False))


def _slot_phone(draft: Draft, values: dict[str, tuple[Column, str]]) -> None:
    column, value = values["phone"]
    kind = values.get("phone_type", (column, ""))[1]
    kind = kind.removeprefix(_PRIMARY_MARK).casefold()
    if any(word in kind for word in _NOT_VOICE):
        draft.unmodelled.append((column.name, value))
        return
    is_mobile = True if "mobile" in kind else column.spec.is_mobile
    for part in _split(value):
        if part:
            phone = SourcePhone(
                part,
                column.name,
                is_mobile=is_mobile,
                is_primary_phone=_flag(values, "phone_primary"),
                is_primary_mobile=_flag(values, "mobile_primary"),
            )
            draft.phones.append((phone, False))


def _slot_link(draft: Draft, values: dict[str, tuple[Column, str]]) -> None:
    column, name = values["party_name"]
    party_type = values.get("party_type")
    title = values.get("party_title", (column, ""))[1]
    if party_type is None:
        draft.problems.append(
            RowProblem(
                column.name,
                name,
                f"the row links to {name!r} but gives no link document "
                "type; fill in the type, such as Customer",
            )
        )
        return
    draft.links.append(
        SourceLink(
            _party_type(party_type[1]),
            name,
            f"{party_type[0].name}, {column.name}",
            title=title,
        )
    )


def _settle_names(draft: Draft) -> None:
    """Split the full name when the row has no name parts."""
    if draft.full_name is None:
        return
    column, value = draft.full_name
    parts = ("first_name", "middle_name", "last_name")
    if any(part in draft.fields for part in parts):
        joined = " ".join(draft.fields[p] for p in parts if p in draft.fields)
        if " ".join(value.split()) != joined:
            draft.unmodelled.append((column, value))
        return
    first, _, last = value.rpartition(" ")
    if not first:
        first, last = last, ""
    draft.fields["first_name"] = first.strip()
    draft.columns["first_name"] = column
    if last:
        draft.fields["last_name"] = last
        draft.columns["last_name"] = column


def _settle_party(draft: Draft) -> None:
    """Make the link of the parent columns; apply the primary mark."""
    if draft.party_name is not None:
        column, name = draft.party_name
        if draft.party_type is not None:
            type_column, party_type = draft.party_type
            where = f"{type_column}, {column.name}"
        else:
            party_type, where = column.spec.party_type, column.name
        if not party_type:
            draft.problems.append(
                RowProblem(
                    column.name,
                    name,
                    f"the row names party {name!r} but no party type; add "
                    "a party type column, or map the column to 'customer' "
                    "or 'supplier'",
                )
            )
        else:
            title = draft.party_title[1] if draft.party_title else ""
            draft.links.insert(
                0, SourceLink(_party_type(party_type), name, where, title)
            )
    elif draft.party_type is not None:
        draft.unmodelled.append(draft.party_type)
    if draft.party_title is not None and draft.party_name is None:
        draft.unmodelled.append(draft.party_title)
    roles = frozenset(r.strip() for r in draft.roles if r.strip())
    primary = draft.primary_contact
    if primary is not None and primary[2] and not draft.links:
        draft.unmodelled.append((primary[0], primary[1]))
    is_primary = primary is not None and primary[2]
    if is_primary or roles:
        draft.links = [
            attrs.evolve(
                link,
                is_primary=link.is_primary or is_primary,
                roles=link.roles | roles,
            )
            for link in draft.links
        ]


def _settle_emails(
    emails: list[tuple[SourceEmail, bool]],
) -> tuple[SourceEmail, ...]:
    """Drop the primary mark of parent columns when a table row has one.

    ERPNext repeats the primary e-mail of the table in the "Email
    Address" parent column; the table's own mark wins.
    """
    marked = any(e.is_primary and not parent for e, parent in emails)
    return tuple(
        attrs.evolve(e, is_primary=False) if marked and parent else e
        for e, parent in emails
    )


def _settle_phones(
    phones: list[tuple[SourcePhone, bool]],
) -> tuple[SourcePhone, ...]:
    """Drop the primary marks of parent columns when a table row has one."""
    phone_marked = any(p.is_primary_phone and not f for p, f in phones)
    mobile_marked = any(p.is_primary_mobile and not f for p, f in phones)
    settled = []
    for phone, parent in phones:
        if parent:
            phone = attrs.evolve(  # noqa: PLW2901
                phone,
                is_primary_phone=phone.is_primary_phone and not phone_marked,
                is_primary_mobile=(
                    phone.is_primary_mobile and not mobile_marked
                ),
            )
        settled.append(phone)
    return tuple(settled)
