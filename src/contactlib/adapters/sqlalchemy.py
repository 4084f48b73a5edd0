"""SQLAlchemy adapter: contacts and invitations in SQL databases.

Stores contacts and portal invitations in PostgreSQL, SQLite or
MariaDB/MySQL.  Needs the ``sqlalchemy`` extra, or the ``postgresql``
extra, which adds the psycopg driver.  Tested on PostgreSQL and SQLite;
written to need no change on MariaDB/MySQL, which is not tested.  The
guide "Using PostgreSQL" shows how to create the schema, share the
host's transaction and retry transient conflicts.
"""

from __future__ import annotations

from contactlib.adapters._sqlalchemy_engine import create_sqlite_engine
from contactlib.adapters._sqlalchemy_invitations import (
    SqlAlchemyInvitationStore,
)
from contactlib.adapters._sqlalchemy_repository import (
    SqlAlchemyContactRepository,
)
from contactlib.adapters._sqlalchemy_schema import (
    contacts_table,
    create_schema,
    emails_table,
    invitations_table,
    links_table,
    metadata,
    phones_table,
)

__all__ = [
    "SqlAlchemyContactRepository",
    "SqlAlchemyInvitationStore",
    "contacts_table",
    "create_schema",
    "create_sqlite_engine",
    "emails_table",
    "invitations_table",
    "links_table",
    "metadata",
    "phones_table",
]
