"""The import pipeline shared by every file format.

A format reader turns its input into `SourceRecord` objects, one per
logical row.  `import_records` validates each record, stores the valid
ones in batches (one transaction per batch) and reports every rejected
row with its row number, column, value and reason, so that
``stored + rejected == rows_read`` always holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

import attrs

from contactlib._log import logger
from contactlib._model import (
    Contact,
    EmailAddress,
    Link,
    PartyRef,
    PhoneNumber,
    build_contact,
)
from contactlib._upsert import (
    AmbiguousMatchError,
    UpsertKey,
    find_match,
    merge,
)
from contactlib.exceptions import (
    ConflictError,
    DuplicateContactError,
    InvalidContactError,
    InvalidValueError,
    PrimaryContactConflictError,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from contactlib._party_types import PartyTypeRegistry
    from contactlib.ports import ContactRepository

    _Writer: TypeAlias = Callable[
        [
            list[tuple["SourceRecord", Contact]],
            ContactRepository,
            "ImportReport",
        ],
        None,
    ]


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
        is_mobile: ``True`` or ``False`` when the file says which kind of
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
        column: The column that holds the bad value, or ``""`` when the
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


def _problem_column(record: SourceRecord, field: str) -> str:
    """Map a field path such as ``emails[1]`` to the file's column."""
    name, _, rest = field.partition("[")
    if rest:
        index = int(rest.rstrip("]"))
        items: tuple[SourceEmail, ...] | tuple[SourcePhone, ...]
        items = record.emails if name == "emails" else record.phones
        if name in {"emails", "phones"} and index < len(items):
            return items[index].column
    if name == "links":
        return ", ".join(link.column for link in record.links)
    if name == "emails":
        return ", ".join(e.column for e in record.emails)
    if name == "phones":
        return ", ".join(p.column for p in record.phones)
    return record.columns.get(name, name)


def _text(value: object) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


_TRUE_TEXTS = frozenset({"1", "true", "yes", "y", "x"})
_FALSE_TEXTS = frozenset({"", "0", "false", "no", "n"})


def _parse_flag(text: str) -> bool:
    """Read a yes/no cell such as ``"1"``, ``"0"``, ``"Yes"`` or ``""``."""
    folded = text.strip().casefold()
    if folded in _TRUE_TEXTS:
        return True
    if folded in _FALSE_TEXTS:
        return False
    raise InvalidValueError(
        "unsubscribed", text, f"{text!r} is not a yes/no value; use 1 or 0"
    )


def _parse_flags(
    fields: dict[str, object], errors: list[InvalidValueError]
) -> None:
    """Turn the text of yes/no fields into booleans, in place."""
    text = fields.get("unsubscribed")
    if not isinstance(text, str):
        return
    try:
        fields["unsubscribed"] = _parse_flag(text)
    except InvalidValueError as error:
        errors.append(error)
        del fields["unsubscribed"]


def _build_links(
    record: SourceRecord,
    party_types: PartyTypeRegistry | None,
    errors: list[InvalidValueError],
) -> list[Link]:
    """Make the links of *record*, adding each problem to *errors*."""
    links: list[Link] = []
    for link in record.links:
        try:
            made = Link(
                link.party_type,
                link.party_name,
                title=link.title,
                is_primary=link.is_primary,
                roles=link.roles,
            )
            if party_types is not None:
                party_types.check_link(made)
            links.append(made)
        except InvalidValueError as error:
            errors.append(type(error)("links", error.value, error.reason))
    return links


def build_from_record(
    record: SourceRecord,
    *,
    region: str | None = None,
    strict: bool = False,
    party_types: PartyTypeRegistry | None = None,
) -> Contact:
    """Validate *record* and make the contact it describes.

    With *party_types*, a link to a type it does not register, or with a
    role it does not know, is an invalid value of the record.

    Raises:
        InvalidContactError: Every invalid value of the record.
    """
    errors: list[InvalidValueError] = []
    emails: list[EmailAddress] = []
    for index, source in enumerate(record.emails):
        try:
            emails.append(EmailAddress(source.text, source.is_primary))
        except InvalidValueError as error:
            errors.append(
                type(error)(f"emails[{index}]", source.text, error.reason)
            )
    phones: list[PhoneNumber] = []
    for index, phone in enumerate(record.phones):
        try:
            phones.append(
                PhoneNumber.parse(
                    phone.text,
                    region=phone.region or region,
                    strict=strict,
                    is_mobile=phone.is_mobile,
                    is_primary_phone=phone.is_primary_phone,
                    is_primary_mobile=phone.is_primary_mobile,
                )
            )
        except InvalidValueError as error:
            errors.append(
                type(error)(f"phones[{index}]", phone.text, error.reason)
            )
    links = _build_links(record, party_types, errors)
    fields: dict[str, object] = dict(record.fields)
    if not fields.get("contact_id"):
        fields.pop("contact_id", None)
    _parse_flags(fields, errors)
    try:
        contact = build_contact(
            emails=emails, phones=phones, links=links, **fields
        )
    except InvalidContactError as group:
        errors.extend(group.exceptions)
    if errors:
        raise InvalidContactError("invalid row", errors)
    return contact


def _reject(record: SourceRecord, group: InvalidContactError) -> RejectedRow:
    return RejectedRow(
        record.row,
        (
            *record.problems,
            *(
                RowProblem(
                    _problem_column(record, error.field),
                    _text(error.value),
                    error.reason,
                )
                for error in group.exceptions
            ),
        ),
    )


class _DryRunRollbackError(Exception):
    """Raised inside a dry-run transaction to roll it back."""


def import_records(
    records: Iterable[SourceRecord],
    repository: ContactRepository,
    *,
    region: str | None = None,
    strict: bool = False,
    dry_run: bool = False,
    batch_size: int = 500,
    on_progress: Callable[[int], None] | None = None,
    upsert: UpsertKey | str | None = None,
    party_types: PartyTypeRegistry | None = None,
) -> ImportReport:
    """Validate records and store the valid ones in batches.

    Records are consumed lazily, so a file is never held in memory whole.
    Each batch is written in one transaction.  If a batch fails on a
    conflict (an id that is taken, a second primary contact for a party),
    it is rolled back and its contacts are stored one by one, so only the
    conflicting rows are rejected.

    Args:
        records: Records from a format reader.
        repository: Where to store the contacts.
        region: Default region for phone numbers without a country code.
        strict: Reject rows with phone numbers that are not valid.
        dry_run: Validate and check conflicts, then roll everything back.
        batch_size: Contacts written per transaction.
        on_progress: Called with the number of rows read so far after
            each batch.
        party_types: When given, rows with a link to a party type it does
            not register, or with a role it does not know, are rejected;
            ``None`` (the default) stores every type and role.
        upsert: ``None`` (the default) adds every row as a new contact.
            `UpsertKey.CONTACT_ID` updates the stored contact with the
            row's id, and `UpsertKey.EMAIL` the one stored contact with
            the row's primary e-mail address, instead of adding a
            duplicate; see `merge` for what an update changes.  A row
            whose address matches several contacts is rejected.

    Returns:
        The report; ``report.balanced`` is always true.

    Raises:
        InvalidValueError: *batch_size* is less than 1, or *upsert* is
            not a `UpsertKey` value.

    .. versionadded:: 0.1.0
    """
    if batch_size < 1:
        raise InvalidValueError("batch_size", batch_size, "must be at least 1")
    key = _upsert_key(upsert)
    report = ImportReport(dry_run=dry_run)
    settings = _Settings(
        region, strict, batch_size, on_progress, key, party_types
    )
    if not dry_run:
        _run(records, repository, report, settings)
        return report
    try:
        with repository.transaction():
            _run(records, repository, report, settings)
            raise _DryRunRollbackError  # noqa: TRY301
    except _DryRunRollbackError:
        pass
    return report


def _upsert_key(value: UpsertKey | str | None) -> UpsertKey | None:
    if value is None:
        return None
    try:
        return UpsertKey(value)
    except ValueError:
        allowed = ", ".join(key.value for key in UpsertKey)
        raise InvalidValueError(
            "upsert", value, f"unknown upsert key {value!r}; use {allowed}"
        ) from None


@attrs.frozen
class _Settings:
    region: str | None
    strict: bool
    batch_size: int
    on_progress: Callable[[int], None] | None
    upsert: UpsertKey | None
    party_types: PartyTypeRegistry | None


def _run(
    records: Iterable[SourceRecord],
    repository: ContactRepository,
    report: ImportReport,
    settings: _Settings,
) -> None:
    region, strict = settings.region, settings.strict
    on_progress = settings.on_progress
    write = _write if settings.upsert is None else _upserter(settings.upsert)
    batch: list[tuple[SourceRecord, Contact]] = []
    for record in records:
        report.rows_read += 1
        try:
            contact = build_from_record(
                record,
                region=region,
                strict=strict,
                party_types=settings.party_types,
            )
        except InvalidContactError as group:
            report.rejected.append(_reject(record, group))
            continue
        if record.problems:
            report.rejected.append(RejectedRow(record.row, record.problems))
            continue
        batch.append((record, contact))
        if len(batch) >= settings.batch_size:
            write(batch, repository, report)
            batch = []
            if on_progress is not None:
                on_progress(report.rows_read)
    if batch:
        write(batch, repository, report)
    if on_progress is not None:
        on_progress(report.rows_read)


def _write(
    batch: list[tuple[SourceRecord, Contact]],
    repository: ContactRepository,
    report: ImportReport,
) -> None:
    try:
        with repository.transaction():
            stored = repository.add_many(contact for _, contact in batch)
    except ConflictError:
        logger.debug(
            "batch of %d conflicts; storing its rows one by one", len(batch)
        )
        for record, contact in batch:
            try:
                with repository.transaction():
                    repository.add(contact)
            except ConflictError as error:
                report.rejected.append(
                    RejectedRow(record.row, (conflict_problem(record, error),))
                )
            else:
                _record_stored(report, record, contact)
        return
    for (record, _), contact in zip(batch, stored, strict=True):
        _record_stored(report, record, contact)


def conflict_problem(record: SourceRecord, error: ConflictError) -> RowProblem:
    """Describe a storage conflict in terms of the row's own cells.

    The contact of a rejected row was never stored, so its generated id
    means nothing to the user; the problem names the cell instead.
    """
    if isinstance(error, PrimaryContactConflictError):
        party = PartyRef(error.party_type, error.party_name)
        columns = [
            link.column
            for link in record.links
            if PartyRef(link.party_type, link.party_name) == party
        ]
        return RowProblem(
            columns[0] if columns else "",
            error.party_name,
            f"{party} already has primary contact "
            f"{error.current_primary_id!r}, so this row cannot be its "
            "primary contact too; clear the row's primary mark, or make "
            "this contact primary after the import",
        )
    if isinstance(error, DuplicateContactError):
        return RowProblem(
            record.columns.get("contact_id", "contact_id"),
            error.contact_id,
            f"a contact with id {error.contact_id!r} already exists; "
            "import with upsert by contact id to update it",
        )
    return RowProblem("", "", str(error))


def _upserter(key: UpsertKey) -> _Writer:
    """Return a batch writer that updates matching contacts."""

    def write(
        batch: list[tuple[SourceRecord, Contact]],
        repository: ContactRepository,
        report: ImportReport,
    ) -> None:
        try:
            with repository.transaction():
                outcomes = [
                    (record, _upsert_one(repository, record, contact, key))
                    for record, contact in batch
                ]
        except ConflictError:
            logger.debug(
                "batch of %d conflicts; storing its rows one by one",
                len(batch),
            )
            outcomes = [
                (record, _upsert_alone(repository, record, contact, key))
                for record, contact in batch
            ]
        for record, outcome in outcomes:
            if isinstance(outcome, RejectedRow):
                report.rejected.append(outcome)
                continue
            stored, updated = outcome
            _record_stored(report, record, stored)
            if updated:
                report.updated_ids.append(stored.contact_id)

    return write


def _upsert_alone(
    repository: ContactRepository,
    record: SourceRecord,
    contact: Contact,
    key: UpsertKey,
) -> tuple[Contact, bool] | RejectedRow:
    """Add or update one contact in a transaction of its own."""
    try:
        with repository.transaction():
            return _upsert_one(repository, record, contact, key)
    except ConflictError as error:
        return RejectedRow(record.row, (conflict_problem(record, error),))


def _upsert_one(
    repository: ContactRepository,
    record: SourceRecord,
    contact: Contact,
    key: UpsertKey,
) -> tuple[Contact, bool] | RejectedRow:
    """Add or update one contact; return it and whether it was updated."""
    try:
        stored = find_match(repository, contact, record, key)
    except AmbiguousMatchError as error:
        return RejectedRow(
            record.row, (RowProblem(error.column, error.value, str(error)),)
        )
    if stored is None:
        return repository.add(contact), False
    return repository.save(merge(stored, contact, record)), True


def _record_stored(
    report: ImportReport, record: SourceRecord, contact: Contact
) -> None:
    report.stored_ids.append(contact.contact_id)
    report.warnings.extend(
        RowWarning(
            record.row,
            column,
            value,
            "the layout maps this column to no contactlib field; map it "
            "to a field if it holds one",
        )
        for column, value in record.unmodelled
    )
    report.warnings.extend(
        RowWarning(record.row, item.column, item.value, item.reason)
        for item in record.warnings
    )
