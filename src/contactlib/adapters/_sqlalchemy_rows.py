"""Conversion between contacts and rows of the adapter's tables."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

import attrs

from contactlib._model import (
    Contact,
    ContactStatus,
    EmailAddress,
    Link,
    PhoneNumber,
)
from contactlib.adapters._sqlalchemy_schema import (
    contacts_table,
    emails_table,
    links_table,
    phones_table,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    import sqlalchemy as sa
    from sqlalchemy.engine import Connection

_PLAIN_FIELDS = (
    "first_name",
    "middle_name",
    "last_name",
    "salutation",
    "designation",
    "gender",
    "company_name",
    "department",
    "user_id",
    "unsubscribed",
)

Rows = dict[str, list[dict[str, Any]]]
"""Rows to insert, keyed by table name."""


def contact_rows(contacts: Iterable[Contact]) -> Rows:
    """Return the rows that store *contacts*, for an executemany each."""
    rows: Rows = {
        table.name: []
        for table in (contacts_table, emails_table, phones_table, links_table)
    }
    for contact in contacts:
        contact_id = contact.contact_id
        row = {name: getattr(contact, name) for name in _PLAIN_FIELDS}
        row.update(
            contact_id=contact_id,
            version=contact.version,
            status=contact.status.value,
        )
        rows[contacts_table.name].append(row)
        rows[emails_table.name].extend(
            {
                "contact_id": contact_id,
                "position": position,
                "address": email.address,
                "address_key": email.key,
                "is_primary": email.is_primary,
            }
            for position, email in enumerate(contact.emails)
        )
        rows[phones_table.name].extend(
            {
                "contact_id": contact_id,
                "position": position,
                **attrs.asdict(phone),
            }
            for position, phone in enumerate(contact.phones)
        )
        rows[links_table.name].extend(
            {
                "contact_id": contact_id,
                "position": position,
                "party_type": link.party_type,
                "party_name": link.party_name,
                "title": link.title,
                "is_primary": link.is_primary,
                "roles": sorted(link.roles),
            }
            for position, link in enumerate(contact.links)
        )
    return rows


def load_contacts(
    connection: Connection, ids: sa.Select[tuple[str]] | Sequence[str]
) -> list[Contact]:
    """Load the contacts whose ids *ids* lists or selects, ordered by id.

    Runs four queries, one per table, whatever the number of contacts.
    The contact rows are read first and the child rows by the ids found,
    so under READ COMMITTED the children may be newer than the version
    read, never older.  So a save based on such a read fails its version
    check instead of writing back old children.  A caller that selected
    contacts by a child row (a link, an e-mail) checks the loaded
    contacts again, because that row may have changed in between.

    Args:
        connection: Where to read.
        ids: Ids as a list, or a query that selects ids.
    """
    rows = (
        connection.execute(
            contacts_table.select()
            .where(contacts_table.c.contact_id.in_(ids))
            .order_by(contacts_table.c.contact_id)
        )
        .mappings()
        .all()
    )
    if not rows:
        return []
    found = [row["contact_id"] for row in rows]
    children: dict[str, defaultdict[str, list[Any]]] = {}
    for table in (emails_table, phones_table, links_table):
        grouped: defaultdict[str, list[Any]] = defaultdict(list)
        child_rows = connection.execute(
            table.select()
            .where(table.c.contact_id.in_(found))
            .order_by(table.c.contact_id, table.c.position)
        )
        for row in child_rows.mappings():
            grouped[row["contact_id"]].append(row)
        children[table.name] = grouped
    return [_contact(row, children) for row in rows]


def _contact(
    row: Any,  # noqa: ANN401 - a row mapping
    children: dict[str, defaultdict[str, list[Any]]],
) -> Contact:
    contact_id = row["contact_id"]
    emails = [
        EmailAddress(email["address"], email["is_primary"])
        for email in children[emails_table.name].get(contact_id, ())
    ]
    phones = [
        PhoneNumber(
            raw=phone["raw"],
            e164=phone["e164"],
            extension=phone["extension"],
            is_mobile=phone["is_mobile"],
            validated=phone["validated"],
            is_primary_phone=phone["is_primary_phone"],
            is_primary_mobile=phone["is_primary_mobile"],
        )
        for phone in children[phones_table.name].get(contact_id, ())
    ]
    links = [
        Link(
            link["party_type"],
            link["party_name"],
            title=link["title"],
            is_primary=link["is_primary"],
            roles=frozenset(link["roles"]),
        )
        for link in children[links_table.name].get(contact_id, ())
    ]
    fields = {name: row[name] for name in _PLAIN_FIELDS}
    return Contact(
        contact_id=contact_id,
        version=row["version"],
        status=ContactStatus(row["status"]),
        emails=emails,
        phones=phones,
        links=links,
        **fields,
    )
