"""Helpers shared by the integration tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from contactlib.adapters.sqlalchemy import metadata

if TYPE_CHECKING:
    import sqlalchemy as sa


def empty_tables(engine: sa.Engine) -> None:
    """Delete every row of the SQLAlchemy adapter's tables."""
    with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())
