"""Batch writers of the import pipeline: add new contacts, or upsert.

Each writer stores one batch in one transaction.  When the batch fails on
a conflict, it is rolled back and its rows are stored one by one, so only
the conflicting rows are rejected, each with a problem that names the
row's own cell.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from contactlib._import_report import (
    ImportReport,
    RejectedRow,
    RowProblem,
    RowWarning,
    SourceRecord,
)
from contactlib._log import logger
from contactlib._upsert import (
    AmbiguousMatchError,
    UpsertKey,
    find_match,
    merge,
)
from contactlib._values import PartyRef
from contactlib.exceptions import (
    ConflictError,
    DuplicateContactError,
    PrimaryContactConflictError,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeAlias

    from contactlib._model import Contact
    from contactlib.ports import ContactRepository

    Writer: TypeAlias = Callable[
        [list[tuple[SourceRecord, Contact]], ContactRepository, ImportReport],
        None,
    ]


def write_new(
    batch: list[tuple[SourceRecord, Contact]],
    repository: ContactRepository,
    report: ImportReport,
) -> None:
    """Store every contact of *batch* as a new contact."""
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
                record_stored(report, record, contact)
        return
    for (record, _), contact in zip(batch, stored, strict=True):
        record_stored(report, record, contact)


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


def upserter(key: UpsertKey) -> Writer:
    """Return a batch writer that updates the contacts matching *key*."""

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
            record_stored(report, record, stored)
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


def record_stored(
    report: ImportReport, record: SourceRecord, contact: Contact
) -> None:
    """Add a stored row and its warnings to *report*."""
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
