"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from contactlib.adapters.sqlite import SqliteContactRepository
from contactlib.testing import MemoryContactRepository

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from contactlib.ports import ContactRepository


@pytest.fixture(scope="session")
def corpus() -> Path:
    """Folder of real contact files written by other programs.

    Named by the environment variable ``CONTACTLIB_CORPUS``.  Tests that
    need it are skipped when it is not set, unless
    ``CONTACTLIB_REQUIRE_CORPUS`` is set, as CI does, which makes a
    missing corpus an error.
    """
    folder = os.environ.get("CONTACTLIB_CORPUS")
    if not folder:
        if os.environ.get("CONTACTLIB_REQUIRE_CORPUS"):
            pytest.fail("CONTACTLIB_CORPUS is not set")
        pytest.skip("set CONTACTLIB_CORPUS to the corpus folder")
    path = Path(folder)
    if not path.is_dir():
        pytest.fail(f"CONTACTLIB_CORPUS={folder!r} is not a folder")
    return path


def make_memory_repository(
    request: pytest.FixtureRequest,  # noqa: ARG001
) -> ContactRepository:
    """Return an empty in-memory repository."""
    return MemoryContactRepository()


def make_sqlite_repository(
    request: pytest.FixtureRequest,
) -> ContactRepository:
    """Return an empty SQLite repository in a new file."""
    tmp_path: Path = request.getfixturevalue("tmp_path")
    return SqliteContactRepository(tmp_path / "contacts.sqlite3")


# Every adapter that the `repository` fixture runs tests against, by
# name.  A factory may skip the test (for example when its database
# server is not running) with `pytest.skip`.
ADAPTERS: dict[str, Callable[[pytest.FixtureRequest], ContactRepository]] = {
    "memory": make_memory_repository,
    "sqlite": make_sqlite_repository,
}


@pytest.fixture(params=list(ADAPTERS))
def repository(request: pytest.FixtureRequest) -> Iterator[ContactRepository]:
    """An empty repository of each adapter in `ADAPTERS`, closed after."""
    repository = ADAPTERS[request.param](request)
    yield repository
    repository.close()
