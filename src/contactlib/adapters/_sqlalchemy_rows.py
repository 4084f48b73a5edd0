"""Conversion between contacts and rows of the adapter's tables."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

import attrs
import sqlalchemy as sa

from contactlib._model import Contact
from contactlib._values import (
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
            extra_properties=list(contact.extra_properties),
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


def _null(type_: type[sa.types.TypeEngine[Any]]) -> Any:  # noqa: ANN401
    return sa.cast(sa.null(), type_)


def _children_query() -> sa.CompoundSelect[Any]:
    """Build one query for the child rows of the contacts in ``:ids``.

    The three child tables are read in one UNION ALL statement, so that
    they come from one snapshot and one round trip.  Each row has the
    table's name in ``kind`` and its values in generic columns.  The links
    come first, because the first SELECT sets the column types.
    """
    ids: sa.BindParameter[list[str]] = sa.bindparam("ids", expanding=True)
    links, emails, phones = links_table.c, emails_table.c, phones_table.c
    return sa.union_all(
        sa.select(
            sa.literal(links_table.name).label("kind"),
            links.contact_id,
            links.position,
            sa.cast(links.party_type, sa.Text).label("text1"),
            sa.cast(links.party_name, sa.Text).label("text2"),
            links.title.label("text3"),
            links.is_primary.label("flag1"),
            _null(sa.Boolean).label("flag2"),
            _null(sa.Boolean).label("flag3"),
            _null(sa.Boolean).label("flag4"),
            links.roles,
        ).where(links.contact_id.in_(ids)),
        sa.select(
            sa.literal(emails_table.name),
            emails.contact_id,
            emails.position,
            sa.cast(emails.address, sa.Text),
            _null(sa.Text),
            _null(sa.Text),
            emails.is_primary,
            _null(sa.Boolean),
            _null(sa.Boolean),
            _null(sa.Boolean),
            _null(sa.JSON),
        ).where(emails.contact_id.in_(ids)),
        sa.select(
            sa.literal(phones_table.name),
            phones.contact_id,
            phones.position,
            phones.raw,
            sa.cast(phones.e164, sa.Text),
            sa.cast(phones.extension, sa.Text),
            phones.is_mobile,
            phones.validated,
            phones.is_primary_phone,
            phones.is_primary_mobile,
            _null(sa.JSON),
        ).where(phones.contact_id.in_(ids)),
    ).order_by("kind", "contact_id", "position")


_CHILDREN = _children_query()


def load_contacts(
    connection: Connection, ids: sa.Select[tuple[str]] | Sequence[str]
) -> list[Contact]:
    """Load the contacts whose ids *ids* lists or selects, ordered by id.

    Runs two queries whatever the number of contacts: one for the contact
    rows and one for their child rows.  The contact rows are read first
    and the child rows by the ids found, so under READ COMMITTED the
    children may be newer than the version read, never older.  So a save
    based on such a read fails its version check instead of writing back
    old children.  A caller that selected contacts by a child row (a
    link, an e-mail) checks the loaded contacts again, because that row
    may have changed in between.

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
    children: dict[str, defaultdict[str, list[Any]]] = {
        table.name: defaultdict(list)
        for table in (emails_table, phones_table, links_table)
    }
    found = [row["contact_id"] for row in rows]
    for child in connection.execute(_CHILDREN, {"ids": found}).mappings():
        children[child["kind"]][child["contact_id"]].append(child)
    return [_contact(row, children) for row in rows]


def _contact(
    row: Any,  # noqa: ANN401 - a row mapping
    children: dict[str, defaultdict[str, list[Any]]],
) -> Contact:
    contact_id = row["contact_id"]
    emails = [
        EmailAddress(email["text1"], email["flag1"])
        for email in children[emails_table.name].get(contact_id, ())
    ]
    phones = [
        PhoneNumber(
            raw=phone["text1"],
            e164=phone["text2"],
            extension=phone["text3"],
            is_mobile=phone["flag1"],
            validated=phone["flag2"],
            is_primary_phone=phone["flag3"],
            is_primary_mobile=phone["flag4"],
        )
        for phone in children[phones_table.name].get(contact_id, ())
    ]
    links = [
        Link(
            link["text1"],
            link["text2"],
            title=link["text3"],
            is_primary=link["flag1"],
            roles=frozenset(link["roles"]),
        )
        for link in children[links_table.name].get(contact_id, ())
    ]
    fields = {name: row[name] for name in _PLAIN_FIELDS}
    return Contact(
        contact_id=contact_id,
        version=row["version"],
        status=ContactStatus(row["status"]),
        extra_properties=row["extra_properties"],
        emails=emails,
        phones=phones,
        links=links,
        **fields,
    )
