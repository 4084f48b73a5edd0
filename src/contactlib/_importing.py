"""The import pipeline shared by every file format.

A format reader turns its input into `SourceRecord` objects, one per
logical row.  `import_records` validates each record, stores the valid
ones in batches (one transaction per batch) and reports every rejected
row with its row number, column, value and reason, so that
``stored + rejected == rows_read`` always holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from contactlib._import_report import (
    ImportReport,
    RejectedRow,
    RowProblem,
    SourceEmail,
    SourcePhone,
    SourceRecord,
)
from contactlib._import_writers import upserter, write_new
from contactlib._model import Contact, build_contact
from contactlib._upsert import (
    UpsertKey,
)
from contactlib._values import EmailAddress, Link, PhoneNumber
from contactlib.exceptions import (
    InvalidContactError,
    InvalidValueError,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from contactlib._party_types import PartyTypeRegistry
    from contactlib.ports import ContactRepository


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
        return _joined(link.column for link in record.links)
    if name == "emails":
        return _joined(e.column for e in record.emails)
    if name == "phones":
        return _joined(p.column for p in record.phones)
    return record.columns.get(name, name)


def _joined(columns: Iterable[str]) -> str:
    """Join column names, each once, in their first order."""
    return ", ".join(dict.fromkeys(columns))


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
    if record.extra_properties:
        fields["extra_properties"] = record.extra_properties
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
    write = write_new if settings.upsert is None else upserter(settings.upsert)
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
    # Rows of a batch are rejected after rows that fail validation later
    # in the file; the report lists them in file order.
    report.rejected.sort(key=lambda rejected: rejected.row)
    if on_progress is not None:
        on_progress(report.rows_read)
