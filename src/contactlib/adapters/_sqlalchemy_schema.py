"""Tables of the SQLAlchemy adapter, as metadata a host can migrate.

One row per contact in ``contactlib_contacts``; its e-mail addresses,
phone numbers and party links are rows of three child tables, each with a
``position`` column that keeps their order.  Every hot look-up is an index
look-up:

* contacts of a party: the unique index on
  ``(party_type, party_name, contact_id)`` of the links table;
* primary contact of a party: the unique partial index on
  ``(party_type, party_name) WHERE is_primary``, which also enforces one
  primary contact per party;
* contacts by e-mail: the index on the lower-cased address;
* contacts by phone: the index on the E.164 form;
* contacts of a user account: the index on ``user_id``.

Invitations live in ``contactlib_invitations``, with a unique partial
index that allows one open (not accepted) invitation per contact.

MariaDB and MySQL have no partial indexes, so `metadata` creates the
two partial indexes only on PostgreSQL and SQLite; the guide shows the
generated columns that give MySQL the same rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

__all__ = [
    "contacts_table",
    "create_schema",
    "emails_table",
    "invitations_table",
    "links_table",
    "metadata",
    "phones_table",
]

metadata = sa.MetaData()
"""Tables of the SQLAlchemy adapter, for `create_schema` or migrations.

.. versionadded:: 0.1.0
"""

# Lengths bound the indexed columns only, so that MySQL can index them
# (at most 3072 bytes per index with utf8mb4, 4 bytes a character).
_ID = 64
_PARTY_TYPE = 140
_PARTY_NAME = 255
_EMAIL = 320
_E164 = 16

contacts_table = sa.Table(
    "contactlib_contacts",
    metadata,
    sa.Column("contact_id", sa.String(_ID), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("first_name", sa.Text, nullable=False),
    sa.Column("middle_name", sa.Text, nullable=False),
    sa.Column("last_name", sa.Text, nullable=False),
    sa.Column("salutation", sa.Text, nullable=False),
    sa.Column("designation", sa.Text, nullable=False),
    sa.Column("gender", sa.Text, nullable=False),
    sa.Column("company_name", sa.Text, nullable=False),
    sa.Column("department", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("user_id", sa.String(255), nullable=True, index=True),
    sa.Column("unsubscribed", sa.Boolean, nullable=False),
    sa.Column("extra_properties", sa.JSON, nullable=False),
)
"""One row per contact; ``version`` counts its saves.

``extra_properties`` is a JSON list of the vCard lines that
`Contact.extra_properties` keeps.

.. versionadded:: 0.1.0
"""


def _child_key() -> tuple[sa.Column[str], sa.Column[int]]:
    return (
        sa.Column(
            "contact_id",
            sa.String(_ID),
            sa.ForeignKey(contacts_table.c.contact_id, ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer, primary_key=True),
    )


emails_table = sa.Table(
    "contactlib_emails",
    metadata,
    *_child_key(),
    sa.Column("address", sa.String(_EMAIL), nullable=False),
    sa.Column("address_key", sa.String(_EMAIL), nullable=False, index=True),
    sa.Column("is_primary", sa.Boolean, nullable=False),
)
"""E-mail addresses; ``address_key`` is the lower-cased address.

.. versionadded:: 0.1.0
"""

phones_table = sa.Table(
    "contactlib_phones",
    metadata,
    *_child_key(),
    sa.Column("raw", sa.Text, nullable=False),
    sa.Column("e164", sa.String(_E164), nullable=True, index=True),
    sa.Column("extension", sa.String(40), nullable=True),
    sa.Column("is_mobile", sa.Boolean, nullable=False),
    sa.Column("validated", sa.Boolean, nullable=False),
    sa.Column("is_primary_phone", sa.Boolean, nullable=False),
    sa.Column("is_primary_mobile", sa.Boolean, nullable=False),
)
"""Phone numbers; ``e164`` is ``NULL`` for numbers that did not parse.

.. versionadded:: 0.1.0
"""

links_table = sa.Table(
    "contactlib_links",
    metadata,
    *_child_key(),
    sa.Column("party_type", sa.String(_PARTY_TYPE), nullable=False),
    sa.Column("party_name", sa.String(_PARTY_NAME), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("is_primary", sa.Boolean, nullable=False),
    sa.Column("roles", sa.JSON, nullable=False),
    sa.UniqueConstraint(
        "party_type",
        "party_name",
        "contact_id",
        name="contactlib_links_party_contact",
    ),
)
"""Links to parties; ``roles`` is a sorted JSON list.

.. versionadded:: 0.1.0
"""

one_primary_per_party = sa.Index(
    "contactlib_links_one_primary",
    links_table.c.party_type,
    links_table.c.party_name,
    unique=True,
    postgresql_where=links_table.c.is_primary,
    sqlite_where=links_table.c.is_primary,
)
# Without its WHERE clause the index would allow one link per party, so
# it is created only where partial indexes exist.
# The stubs accept one dialect name; the code accepts a tuple too.
one_primary_per_party.ddl_if(
    dialect=("postgresql", "sqlite")  # type: ignore[arg-type]
)


# Microseconds survive on MySQL only with an explicit precision.
_TIMESTAMP = sa.DateTime(timezone=True).with_variant(
    mysql.DATETIME(fsp=6), "mysql", "mariadb"
)

invitations_table = sa.Table(
    "contactlib_invitations",
    metadata,
    sa.Column("invitation_id", sa.String(_ID), primary_key=True),
    sa.Column("contact_id", sa.String(_ID), nullable=False),
    sa.Column("user_id", sa.String(255), nullable=False),
    sa.Column("email", sa.String(_EMAIL), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", _TIMESTAMP, nullable=False),
    sa.Column("expires_at", _TIMESTAMP, nullable=False),
    sa.Column("sent_at", _TIMESTAMP, nullable=True),
    sa.Column("accepted_at", _TIMESTAMP, nullable=True),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("last_error", sa.Text, nullable=False),
    sa.Index("contactlib_invitations_created", "created_at", "invitation_id"),
)
"""Invitations to the portal; times are stored in UTC.

.. versionadded:: 0.1.0
"""

one_open_invitation = sa.Index(
    "contactlib_invitations_one_open",
    invitations_table.c.contact_id,
    unique=True,
    postgresql_where=invitations_table.c.accepted_at.is_(None),
    sqlite_where=invitations_table.c.accepted_at.is_(None),
)
# As for one_primary_per_party, and the stubs accept one dialect name.
one_open_invitation.ddl_if(
    dialect=("postgresql", "sqlite")  # type: ignore[arg-type]
)


def create_schema(bind: Engine | Connection) -> None:
    """Create the adapter's tables and indexes where they are missing.

    Existing tables are left as they are.  Hosts that manage their schema
    with a migration tool include `metadata` there instead.

    Args:
        bind: Engine or connection of the database.  A connection must be
            committed by the caller.

    .. versionadded:: 0.1.0
    """
    metadata.create_all(bind, checkfirst=True)
