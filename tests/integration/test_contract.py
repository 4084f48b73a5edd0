"""The repository contract suite, run against the adapters shipped here."""

from __future__ import annotations

import pytest

from contactlib.testing import MemoryContactRepository
from contactlib.testing.contract import ContactRepositoryContract


class TestMemoryRepository(ContactRepositoryContract):
    """The in-memory adapter meets the contract."""

    @pytest.fixture
    def repository(self):
        """An empty in-memory repository."""
        return MemoryContactRepository()
