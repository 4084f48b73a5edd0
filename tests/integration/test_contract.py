"""The repository contract suite, run against the adapters shipped here."""

from __future__ import annotations

import pytest

from contactlib.adapters.sqlite import SqliteContactRepository
from contactlib.testing import MemoryContactRepository
from contactlib.testing.contract import ContactRepositoryContract


class TestMemoryRepository(ContactRepositoryContract):
    """The in-memory adapter meets the contract."""

    @pytest.fixture
    def repository(self):
        """An empty in-memory repository."""
        return MemoryContactRepository()


class TestSqliteRepository(ContactRepositoryContract):
    """The SQLite adapter meets the contract, on a real file."""

    @pytest.fixture
    def repository(self, tmp_path):
        """An empty SQLite repository in a new file, closed after."""
        with SqliteContactRepository(tmp_path / "contacts.sqlite3") as repo:
            yield repo


class TestSqlAlchemySqliteRepository(ContactRepositoryContract):
    """The SQLAlchemy adapter meets the contract on a SQLite file."""

    @pytest.fixture
    def repository(self, tmp_path):
        """An empty SQLAlchemy repository on a new SQLite file."""
        pytest.importorskip("sqlalchemy")
        from contactlib.adapters.sqlalchemy import (  # noqa: PLC0415
            SqlAlchemyContactRepository,
            create_schema,
            create_sqlite_engine,
        )

        engine = create_sqlite_engine(tmp_path / "contacts.sqlite3")
        create_schema(engine)
        with SqlAlchemyContactRepository(engine) as repo:
            yield repo


class TestPostgresqlRepository(ContactRepositoryContract):
    """The SQLAlchemy adapter meets the contract on PostgreSQL."""

    @pytest.fixture
    def repository(self, postgresql_engine):
        """An SQLAlchemy repository on the emptied PostgreSQL database."""
        from contactlib.adapters.sqlalchemy import (  # noqa: PLC0415
            SqlAlchemyContactRepository,
            metadata,
        )

        with postgresql_engine.begin() as connection:
            for table in reversed(metadata.sorted_tables):
                connection.execute(table.delete())
        return SqlAlchemyContactRepository(postgresql_engine)
