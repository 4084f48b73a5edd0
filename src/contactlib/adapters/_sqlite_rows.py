"""Conversion between contacts and rows of the SQLite contact store.

Every look-up reads whole contacts with one statement: `SELECT_CONTACTS`
returns one row per contact, with its e-mails, phones and links folded
into JSON arrays by the correlated subqueries of `CONTACT_SELECT_LIST`.
One statement per look-up also means one consistent snapshot per look-up
outside a transaction.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from contactlib._model import Contact, restore_email
from contactlib._values import Link, PhoneNumber

if TYPE_CHECKING:
    from collections.abc import Iterable

CONTACT_COLUMNS = (
    "contact_id",
    "version",
    "salutation",
    "first_name",
    "middle_name",
    "last_name",
    "designation",
    "gender",
    "company_name",
    "department",
    "status",
    "user_id",
    "unsubscribed",
    "extra_properties",
)
"""Columns of the ``contact`` table, in the order rows use."""

_NAME_FIELDS = CONTACT_COLUMNS[2:10]

# The position comes first in each element, so the elements can be put
# in order again in Python.  SQLite before 3.44 has no ORDER BY inside
# an aggregate, and the order of an aggregate's input rows is not
# guaranteed.
CONTACT_SELECT_LIST = f"""
    {", ".join(f"c.{column}" for column in CONTACT_COLUMNS)},
    (SELECT json_group_array(json_array(e.position, e.address, e.is_primary))
        FROM contact_email AS e WHERE e.contact_id = c.contact_id),
    (SELECT json_group_array(json_array(
            p.position, p.raw, p.e164, p.extension, p.is_mobile,
            p.validated, p.is_primary_phone, p.is_primary_mobile))
        FROM contact_phone AS p WHERE p.contact_id = c.contact_id),
    (SELECT json_group_array(json_array(
            k.position, k.party_type, k.party_name, k.title, k.is_primary,
            json(k.roles)))
        FROM contact_link AS k WHERE k.contact_id = c.contact_id)
"""  # noqa: S608 - the interpolated names are the constants above
"""Result columns that read a whole contact from the table aliased ``c``."""

SELECT_CONTACTS = f"SELECT {CONTACT_SELECT_LIST} FROM contact AS c "  # noqa: S608
"""Statement that reads whole contacts; append a WHERE clause."""

INSERT_CONTACT = (
    f"INSERT INTO contact ({', '.join(CONTACT_COLUMNS)})"  # noqa: S608
    f" VALUES ({', '.join('?' * len(CONTACT_COLUMNS))})"
)
UPDATE_CONTACT = (
    "UPDATE contact SET "  # noqa: S608
    + ", ".join(f"{column} = ?" for column in CONTACT_COLUMNS[1:])
    + " WHERE contact_id = ? AND version = ?"
)
INSERT_EMAIL = (
    "INSERT INTO contact_email"
    " (contact_id, position, address, address_key, is_primary)"
    " VALUES (?, ?, ?, ?, ?)"
)
INSERT_PHONE = (
    "INSERT INTO contact_phone"
    " (contact_id, position, raw, e164, extension, is_mobile, validated,"
    " is_primary_phone, is_primary_mobile)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
INSERT_LINK = (
    "INSERT INTO contact_link"
    " (contact_id, position, party_type, party_name, title, is_primary,"
    " roles)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
DELETE_CHILDREN = tuple(
    f"DELETE FROM {table} WHERE contact_id = ?"  # noqa: S608
    for table in ("contact_email", "contact_phone", "contact_link")
)


def contact_row(contact: Contact) -> tuple[Any, ...]:
    """Return the ``contact`` table row of *contact*."""
    return (
        contact.contact_id,
        contact.version,
        contact.salutation,
        contact.first_name,
        contact.middle_name,
        contact.last_name,
        contact.designation,
        contact.gender,
        contact.company_name,
        contact.department,
        contact.status.value,
        contact.user_id,
        int(contact.unsubscribed),
        json.dumps(contact.extra_properties, ensure_ascii=False),
    )


def email_rows(contacts: Iterable[Contact]) -> list[tuple[Any, ...]]:
    """Return the ``contact_email`` rows of *contacts*."""
    return [
        (
            contact.contact_id,
            position,
            email.address,
            email.key,
            int(email.is_primary),
        )
        for contact in contacts
        for position, email in enumerate(contact.emails)
    ]


def phone_rows(contacts: Iterable[Contact]) -> list[tuple[Any, ...]]:
    """Return the ``contact_phone`` rows of *contacts*."""
    return [
        (
            contact.contact_id,
            position,
            phone.raw,
            phone.e164,
            phone.extension,
            int(phone.is_mobile),
            int(phone.validated),
            int(phone.is_primary_phone),
            int(phone.is_primary_mobile),
        )
        for contact in contacts
        for position, phone in enumerate(contact.phones)
    ]


def link_rows(contacts: Iterable[Contact]) -> list[tuple[Any, ...]]:
    """Return the ``contact_link`` rows of *contacts*."""
    return [
        (
            contact.contact_id,
            position,
            link.party_type,
            link.party_name,
            link.title,
            int(link.is_primary),
            json.dumps(sorted(link.roles), ensure_ascii=False),
        )
        for contact in contacts
        for position, link in enumerate(contact.links)
    ]


def decode_contact(row: tuple[Any, ...]) -> Contact:
    """Make a contact from a row of `SELECT_CONTACTS`.

    The model's converters run as for any new contact, except that stored
    e-mail addresses are not validated again.
    """
    emails_json, phones_json, links_json = row[len(CONTACT_COLUMNS) :]
    names = dict(zip(_NAME_FIELDS, row[2:10], strict=True))
    return Contact(
        contact_id=row[0],
        version=row[1],
        status=row[10],
        user_id=row[11],
        unsubscribed=bool(row[12]),
        extra_properties=json.loads(row[13]),
        emails=[
            restore_email(address, bool(primary))
            for _, address, primary in sorted(json.loads(emails_json))
        ],
        phones=[
            PhoneNumber(
                raw,
                e164,
                extension,
                bool(mobile),
                bool(validated),
                bool(primary_phone),
                bool(primary_mobile),
            )
            for (
                _,
                raw,
                e164,
                extension,
                mobile,
                validated,
                primary_phone,
                primary_mobile,
            ) in sorted(json.loads(phones_json))
        ],
        links=[
            Link(
                party_type,
                party_name,
                title=title,
                is_primary=bool(primary),
                roles=frozenset(roles),
            )
            for _, party_type, party_name, title, primary, roles in sorted(
                json.loads(links_json)
            )
        ],
        **names,
    )
