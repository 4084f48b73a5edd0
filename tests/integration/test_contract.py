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
