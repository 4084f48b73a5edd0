"""SQLAlchemy adapter: contacts in PostgreSQL, SQLite or MariaDB/MySQL.

Needs the ``sqlalchemy`` extra (``pip install 'contactlib[sqlalchemy]'``),
or the ``postgresql`` extra, which adds the psycopg driver.  Tested on
PostgreSQL and SQLite; written to need no change on MariaDB/MySQL, which
is not tested.  The guide "Using PostgreSQL" shows how to create the
schema, share the host's transaction and retry transient conflicts.
"""

from __future__ import annotations

from contactlib.adapters._sqlalchemy_engine import create_sqlite_engine
from contactlib.adapters._sqlalchemy_repository import (
    SqlAlchemyContactRepository,
)
from contactlib.adapters._sqlalchemy_schema import (
    contacts_table,
    create_schema,
    emails_table,
    links_table,
    metadata,
    phones_table,
)

__all__ = [
    "SqlAlchemyContactRepository",
    "contacts_table",
    "create_schema",
    "create_sqlite_engine",
    "emails_table",
    "links_table",
    "metadata",
    "phones_table",
]
