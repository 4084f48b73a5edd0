"""Engines for the SQLAlchemy adapter: a SQLite file and PostgreSQL."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

sa = pytest.importorskip("sqlalchemy")

from integration_support import empty_tables  # noqa: E402

from contactlib.adapters.sqlalchemy import (  # noqa: E402
    create_schema,
    create_sqlite_engine,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@pytest.fixture(params=["sqlite", "postgresql"])
def sql_engine(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[sa.Engine]:
    """Engine with the adapter's schema and no rows, on each database."""
    if request.param == "sqlite":
        engine = create_sqlite_engine(tmp_path / "contacts.sqlite3")
        create_schema(engine)
        yield engine
        engine.dispose()
        return
    engine = request.getfixturevalue("postgresql_engine")
    empty_tables(engine)
    yield engine
