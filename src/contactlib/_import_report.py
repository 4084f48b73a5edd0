"""Records that format readers produce and the report of an import.

A reader turns each logical row of a file into a `SourceRecord`; the
pipeline in `contactlib._importing` validates and stores it and fills an
`ImportReport` with every stored, updated and rejected row.
"""

from __future__ import annotations

import attrs


@attrs.frozen
class SourceEmail:
    """An e-mail address as read from a file.

    Attributes:
        text: The address as written.
        column: Where it was read, such as ``"E-mail 1 - Value"``.
        is_primary: Whether the file marks it primary.
    """

    text: str
    column: str
    is_primary: bool = False


@attrs.frozen
class SourcePhone:
    """A phone number as read from a file.

    Attributes:
        text: The number as written.
        column: Where it was read.
        is_mobile: ``True`` or ``False`` when the file states which kind of
            number it is, ``None`` to classify by the number plan.
        is_primary_phone: Whether the file marks it the primary phone.
        is_primary_mobile: Whether the file marks it the primary mobile.
        region: Region to parse this number with, overriding the
            import's default region; formats that store the region of
            each number use it so national numbers keep their E.164
            form.
    """

    text: str
    column: str
    is_mobile: bool | None = None
    is_primary_phone: bool = False
    is_primary_mobile: bool = False
    region: str | None = None


@attrs.frozen
class SourceLink:
    """A link to a party as read from a file.

    Attributes:
        party_type: Type of the party.
        party_name: Name of the party.
        column: Where it was read.
        title: Display title of the party.
        is_primary: Whether the contact is primary for the party.
        roles: Roles of the contact for the party.
    """

    party_type: str
    party_name: str
    column: str
    title: str = ""
    is_primary: bool = False
    roles: frozenset[str] = frozenset()


@attrs.frozen
class RowProblem:
    """One reason a row was rejected.

    Attributes:
        column: The column that contains the bad value, or ``""`` when the
            problem concerns the whole row.
        value: The offending value as read.
        reason: What is wrong and what to do.
    """

    column: str
    value: str
    reason: str


@attrs.frozen
class SourceRecord:
    """One contact as read from a file, before validation.

    Attributes:
        row: Number of the first line of the record in the file,
            counting from 1.
        fields: Plain fields of `Contact` (``first_name``, ``status`` and
            so on) with their text as read.
        columns: Column each entry of *fields* was read from.
        emails: E-mail addresses in file order.
        phones: Phone numbers in file order.
        links: Links to parties.
        unmodelled: ``(column, value)`` of non-empty cells that
            contactlib has no field for; reported as warnings.
        extra_properties: vCard content lines that contactlib has no
            field for, stored in `Contact.extra_properties` so a vCard
            export writes them back.
        warnings: Other values the reader read but did not use, each
            with its reason; reported as warnings when the row is
            stored.
        problems: Problems the reader found in the row itself, such as
            more cells than the header has, or a vCard that describes an
            organisation; a record with problems is rejected.
    """

    row: int
    fields: dict[str, str] = attrs.Factory(dict)
    columns: dict[str, str] = attrs.Factory(dict)
    emails: tuple[SourceEmail, ...] = ()
    phones: tuple[SourcePhone, ...] = ()
    links: tuple[SourceLink, ...] = ()
    unmodelled: tuple[tuple[str, str], ...] = ()
    extra_properties: tuple[str, ...] = ()
    warnings: tuple[RowProblem, ...] = ()
    problems: tuple[RowProblem, ...] = ()


@attrs.frozen
class RejectedRow:
    """A row that was not stored, with every reason.

    Attributes:
        row: Line number of the row in the file, counting from 1.
        problems: Every problem found in the row.
    """

    row: int
    problems: tuple[RowProblem, ...]


@attrs.frozen
class RowWarning:
    """A value that was read but not stored, on a row that was stored.

    Attributes:
        row: Line number of the row.
        column: The column of the value.
        value: The value.
        reason: Why it was not stored.
    """

    row: int
    column: str
    value: str
    reason: str


@attrs.define
class ImportReport:
    """What an import did with every row.

    Attributes:
        rows_read: Number of records read.
        stored_ids: Ids of the stored contacts, in file order, counting
            both added and updated contacts.
        updated_ids: Ids of the stored contacts that an upsert updated
            instead of adding.
        rejected: Rows that were not stored, with reasons.
        warnings: Values on stored rows that have no field in
            contactlib.
        dry_run: Whether the import ran without writing.
    """

    rows_read: int = 0
    stored_ids: list[str] = attrs.Factory(list)
    updated_ids: list[str] = attrs.Factory(list)
    rejected: list[RejectedRow] = attrs.Factory(list)
    warnings: list[RowWarning] = attrs.Factory(list)
    dry_run: bool = False

    @property
    def stored(self) -> int:
        """Number of stored rows (would-be stored, in a dry run)."""
        return len(self.stored_ids)

    @property
    def balanced(self) -> bool:
        """Whether every row read was stored or rejected."""
        return self.stored + len(self.rejected) == self.rows_read
