"""Fixtures shared by every test folder."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import postgres_server
from contactlib.adapters.sqlite import SqliteContactRepository
from contactlib.testing import MemoryContactRepository

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    import sqlalchemy as sa

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


@pytest.fixture(scope="session")
def postgresql_url() -> Iterator[str]:
    """SQLAlchemy URL of a throw-away PostgreSQL server and database.

    The server runs for the whole session; see `postgres_server`.  Tests
    that need it are skipped when PostgreSQL or psycopg is not installed,
    unless ``CONTACTLIB_REQUIRE_POSTGRES`` is set, as CI does, which makes
    a missing server an error.
    """
    required = bool(os.environ.get("CONTACTLIB_REQUIRE_POSTGRES"))
    bin_dir = postgres_server.find_bin_dir()
    problem = None
    if bin_dir is None:
        problem = "PostgreSQL (initdb, pg_ctl) is not installed"
    elif importlib.util.find_spec("psycopg") is None:
        problem = "psycopg is not installed; install the 'tests' extra"
    if problem is not None:
        if required:
            pytest.fail(f"{problem}, but CONTACTLIB_REQUIRE_POSTGRES is set")
        pytest.skip(problem)
    assert bin_dir is not None

    with postgres_server.start_server(bin_dir) as url:
        yield url


@pytest.fixture(scope="session")
def postgresql_engine(postgresql_url: str) -> Iterator[sa.Engine]:
    """Engine of the session's PostgreSQL database, schema created."""
    import sqlalchemy as sa  # noqa: PLC0415

    from contactlib.adapters.sqlalchemy import create_schema  # noqa: PLC0415

    engine = sa.create_engine(postgresql_url, pool_size=10)
    create_schema(engine)
    yield engine
    engine.dispose()


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


def make_sqlalchemy_sqlite_repository(
    request: pytest.FixtureRequest,
) -> ContactRepository:
    """Return an empty SQLAlchemy repository on a new SQLite file."""
    pytest.importorskip("sqlalchemy")
    from contactlib.adapters.sqlalchemy import (  # noqa: PLC0415
        SqlAlchemyContactRepository,
        create_schema,
        create_sqlite_engine,
    )

    tmp_path: Path = request.getfixturevalue("tmp_path")
    engine = create_sqlite_engine(tmp_path / "contacts-sqlalchemy.sqlite3")
    create_schema(engine)
    return SqlAlchemyContactRepository(engine)


def make_postgresql_repository(
    request: pytest.FixtureRequest,
) -> ContactRepository:
    """Return a SQLAlchemy repository on the emptied PostgreSQL database."""
    from contactlib.adapters.sqlalchemy import (  # noqa: PLC0415
        SqlAlchemyContactRepository,
        metadata,
    )

    engine: sa.Engine = request.getfixturevalue("postgresql_engine")
    with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())
    return SqlAlchemyContactRepository(engine)


ADAPTERS["sqlalchemy-sqlite"] = make_sqlalchemy_sqlite_repository
ADAPTERS["postgresql"] = make_postgresql_repository


@pytest.fixture(params=list(ADAPTERS))
def repository(request: pytest.FixtureRequest) -> Iterator[ContactRepository]:
    """An empty repository of each adapter in `ADAPTERS`, closed after."""
    repository = ADAPTERS[request.param](request)
    yield repository
    repository.close()
