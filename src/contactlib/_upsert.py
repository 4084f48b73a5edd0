"""Matching imported contacts to stored ones, and merging them."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from contactlib._import_report import SourceRecord
    from contactlib._model import Contact
    from contactlib.ports import ContactRepository


class UpsertKey(enum.StrEnum):
    """What makes an imported row update a stored contact.

    .. versionadded:: 0.1.0
    """

    CONTACT_ID = "contact_id"
    """The row's contact id is the id of a stored contact."""

    EMAIL = "email"
    """The row's primary e-mail address belongs to one stored contact."""


class AmbiguousMatchError(Exception):
    """Several stored contacts match one row; the row is rejected."""

    def __init__(self, column: str, value: str, count: int) -> None:
        super().__init__(
            f"{count} stored contacts have this e-mail address, so the row "
            "cannot say which one to update; import it by contact id"
        )
        self.column = column
        self.value = value


def find_match(
    repository: ContactRepository,
    contact: Contact,
    record: SourceRecord,
    key: UpsertKey,
) -> Contact | None:
    """Return the stored contact that *record* updates, or ``None``.

    Raises:
        AmbiguousMatchError: *key* is `UpsertKey.EMAIL` and several
            stored contacts have the row's primary address.
    """
    if key is UpsertKey.CONTACT_ID:
        if not record.fields.get("contact_id"):
            return None
        return repository.find(contact.contact_id)
    address = contact.primary_email
    if address is None:
        return None
    matches = repository.find_by_email(address)
    if len(matches) > 1:
        primary = (
            next(e for e in record.emails if e.is_primary)
            if any(e.is_primary for e in record.emails)
            else record.emails[0]
        )
        raise AmbiguousMatchError(primary.column, primary.text, len(matches))
    return matches[0] if matches else None


def merge(stored: Contact, imported: Contact, record: SourceRecord) -> Contact:
    """Return *stored* updated with what *record* gives.

    Fields the row has a value for replace the stored ones.  E-mail
    addresses and phone numbers of the row come first and keep their
    primary marks; stored ones the row lacks are kept after them,
    unmarked.  Links are united, as `Contact.with_link` does.  Extra
    vCard properties of the row replace the stored ones as a whole; a
    row without any keeps the stored ones.  The id and version stay
    those of *stored*.
    """
    changes: dict[str, Any] = {
        name: getattr(imported, name)
        for name in record.fields
        if name not in {"contact_id", "version"} and record.fields[name]
    }
    if record.emails:
        keys = {email.key for email in imported.emails}
        changes["emails"] = (
            *imported.emails,
            *(
                attrs.evolve(email, is_primary=False)
                for email in stored.emails
                if email.key not in keys
            ),
        )
    if record.phones:
        keys = {phone.key for phone in imported.phones}
        changes["phones"] = (
            *imported.phones,
            *(
                attrs.evolve(
                    phone, is_primary_phone=False, is_primary_mobile=False
                )
                for phone in stored.phones
                if phone.key not in keys
            ),
        )
    if record.extra_properties:
        changes["extra_properties"] = imported.extra_properties
    if record.links:
        changes["links"] = (*stored.links, *imported.links)
    return attrs.evolve(stored, **changes)
